"""The loader: row validation with line, field and reason; references; identity rules; batching."""

import datetime

import pytest

from graph import loading
from tests.helpers import BOOKINGS
from tests.loading.helpers import QueriesOnly, counts, file_report, keys, rejections, rows, write

ORGANISATIONS = "key,name,kind,city\nORG-A,Alpha,company,Berlin\nORG-B,Beta,branch,Köln\nORG-C,Gamma,,\n"


@pytest.fixture
def base(tmp_path):
    """A directory with three organisations, two debtor accounts and their holders."""
    directory = tmp_path / "base"
    directory.mkdir()
    write(directory, "organisations.csv", ORGANISATIONS)
    write(directory, "debtors.csv", "number,name\n100,Shared account\n200,Alpha account\n300,Nobody's account\n")
    write(directory, "accounts.csv", "organisation_key,debtor_number,role\nORG-A,100,\nORG-B,100,sold_to\nORG-A,200,\n")
    return directory


async def load(store, *paths, **options):
    return await loading.load_paths(store, list(paths), **options)


# Validation: each rejected row names its line, field and reason; the valid rows around it load.


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        (
            "ORG-X,Xeta,factory,",
            "kind",
            "unknown value 'factory'; expected one of company, branch, household, association, chain",
        ),
        ("ORG-X,,company,", "name", "is required but empty"),
        ("ORG X,Xeta,company,", "key", "'ORG X' is not a key: letters, digits and . _ : / @ + - with no blanks"),
    ],
    ids=["bad enum", "missing required", "bad key"],
)
async def test_an_invalid_organisation_is_rejected_and_the_others_load(store, tmp_path, row, field, reason):
    path = write(tmp_path, "organisations.csv", f"key,name,kind,city\nORG-A,Alpha,,\n{row}\nORG-C,Gamma,,\n")

    report = await load(store, path)

    assert counts(report.files[0]) == (2, 0, 0, 1)
    assert rejections(report) == {(3, field, reason)}
    assert await keys(store, "Organisation") == {"ORG-A", "ORG-C"}


@pytest.mark.parametrize(
    ("valid_from", "reason"),
    [
        ("2023-02-30", "'2023-02-30' is not a day of the calendar"),
        ("1.1.2023", "'1.1.2023' is not a date YYYY-MM-DD"),
    ],
)
async def test_a_bad_date_is_rejected(store, tmp_path, base, valid_from, reason):
    parents = write(
        tmp_path,
        "parents.csv",
        f"parent_key,child_key,kind,valid_from\nORG-A,ORG-B,branch,{valid_from}\nORG-A,ORG-C,legal,2020-01-01\n",
    )

    report = await load(store, base, parents)

    assert counts(file_report(report, "parents")) == (1, 0, 0, 1)
    assert rejections(report) == {(2, "valid_from", reason)}
    assert await rows(store, "MATCH (p)-[:PARENT_OF]->(c) RETURN p.key AS parent, c.key AS child") == [
        {"parent": "ORG-A", "child": "ORG-C"}
    ]


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("200,2025-13,10.00", "period", "'2025-13' is not a period YYYY-MM"),
        ("200,2025-01,12.345", "revenue", "'12.345' is not an amount with a '.' and at most two decimals"),
        ("200,2025-01,", "revenue", "is required but empty"),
        ("200,2025-01,12,50", None, "has 4 cells, but the header has 3 columns"),
    ],
    ids=["bad period", "three decimals", "missing amount", "broken line"],
)
async def test_a_bad_booking_is_rejected(store, tmp_path, base, row, field, reason):
    revenue = write(tmp_path, "revenue.csv", f"debtor_number,period,revenue\n{row}\n200,2025-02,7.5\n")

    report = await load(store, base, revenue)

    assert counts(file_report(report, "revenue")) == (1, 0, 0, 1)
    assert rejections(report) == {(2, field, reason)}
    assert await rows(store, BOOKINGS + "RETURN key, b.revenue AS revenue") == [
        {"key": "200|2025-02|ORG-A", "revenue": 750}
    ]


async def test_every_invalid_field_of_a_row_is_reported(store, tmp_path):
    path = write(tmp_path, "users.csv", "key,name,role,email\nu1,,boss,u1@example.org\n")

    report = await load(store, path)

    assert report.rejected == 1
    assert rejections(report) == {
        (2, "name", "is required but empty"),
        (2, "role", "unknown value 'boss'; expected one of rep, manager, analyst, admin, service"),
    }


@pytest.mark.parametrize(
    ("header", "field", "reason"),
    [
        (
            "key,name,colour",
            "colour",
            "unknown column 'colour' for organisations: expected columns key, name, kind, status, industry, "
            "vat_id, street, postcode, city, country, source, declared_ultimate_key",
        ),
        ("key,kind,city", "name", "required column 'name' is missing"),
    ],
    ids=["extra column", "missing column"],
)
async def test_a_bad_header_rejects_its_file_and_other_files_load(store, tmp_path, header, field, reason):
    write(tmp_path, "organisations.csv", f"{header}\nORG-A,Alpha,red\n")
    write(tmp_path, "contacts.csv", "key,last_name\nCON-1,Meier\n")

    report = await load(store, tmp_path)

    organisations = file_report(report, "organisations")
    assert (organisations.error.line, organisations.error.field, organisations.error.reason) == (1, field, reason)
    assert counts(organisations) == (0, 0, 0, 0) and not organisations.ok
    assert counts(file_report(report, "contacts")) == (1, 0, 0, 0)
    assert await keys(store, "Organisation") == set()
    assert await keys(store, "Contact") == {"CON-1"}


async def test_a_line_that_is_not_utf8_is_rejected_and_the_others_load(store, tmp_path):
    path = write(tmp_path, "organisations.csv", b"key,name\nORG-A,Alpha\nORG-B,M\xfcller GmbH\nORG-C,Gamma\n")

    report = await load(store, path)

    assert counts(report.files[0]) == (2, 0, 0, 1)
    assert rejections(report) == {(3, None, "line 3 is not valid UTF-8 (byte 0xfc at position 8)")}
    assert await keys(store, "Organisation") == {"ORG-A", "ORG-C"}


async def test_invalid_json_lines_are_rejected_and_the_others_load(store, tmp_path):
    path = write(
        tmp_path,
        "contacts.jsonl",
        '{"key": "CON-1", "last_name": "Meier", "first_name": "Eva"}\n'
        '{"key": "CON-2", "last_name": \n'
        '{"key": "CON-3", "last_name": "Schulz", "phone": 4930123}\n'
        '{"key": "CON-4", "last_name": ["Not", "text"]}\n',
    )

    report = await load(store, path)

    assert counts(report.files[0]) == (2, 0, 0, 2)
    assert rejections(report) == {
        (2, None, "is not valid JSON: Expecting value at column 31"),
        (4, "last_name", "expected text, got list"),
    }
    assert await rows(store, "MATCH (c:Contact) RETURN c.key AS key, c.phone AS phone ORDER BY key") == [
        {"key": "CON-1", "phone": None},
        {"key": "CON-3", "phone": "4930123"},
    ]


# References: a row may only name keys stored already or loaded earlier in the same load.


async def test_an_unknown_reference_is_rejected_and_the_others_load(store, tmp_path, base):
    parents = write(
        tmp_path,
        "parents.csv",
        "parent_key,child_key\nORG-NOPE,ORG-B\nORG-A,ORG-B\nORG-A,ORG-GONE\n",
    )

    report = await load(store, base, parents)

    assert counts(file_report(report, "parents")) == (1, 0, 0, 2)
    assert rejections(report) == {
        (2, "parent_key", "unknown organisation 'ORG-NOPE': neither in this load nor stored"),
        (4, "child_key", "unknown organisation 'ORG-GONE': neither in this load nor stored"),
    }


async def test_references_resolve_against_keys_stored_by_an_earlier_load(store, tmp_path, base):
    await load(store, base)
    accounts = write(tmp_path, "accounts.csv", "organisation_key,debtor_number\nORG-C,300\nORG-C,999\n")

    report = await load(store, accounts)

    assert counts(report.files[0]) == (1, 0, 0, 1)
    assert rejections(report) == {(3, "debtor_number", "unknown debtor account '999': neither in this load nor stored")}


async def test_a_custom_relationship_needs_a_registered_type_and_unambiguous_ends(store, tmp_path, base):
    write(tmp_path, "contacts.csv", "key,last_name\nCON-1,Meier\nORG-C,Clash\n")
    write(tmp_path, "relationship_types.csv", "type,description\nconsultant_of,advises\n")
    write(
        tmp_path,
        "relationships.csv",
        "from_key,to_key,type,note\n"
        "CON-1,ORG-A,consultant_of,since 2020\n"
        "ORG-B,ORG-A,consultant_of,\n"
        "CON-1,ORG-B,friend_of,\n"
        "CON-1,ORG-C,consultant_of,\n",
    )

    report = await load(store, base, tmp_path)

    assert counts(file_report(report, "relationships")) == (2, 0, 0, 2)
    assert rejections(report) == {
        (4, "type", "unknown relationship type 'friend_of': neither in this load nor stored"),
        (5, "to_key", "'ORG-C' is the key of both an organisation and a contact"),
    }
    assert {
        (row["source"], row["target"], row["note"])
        for row in await rows(
            store,
            "MATCH (a)-[r:RELATED_TO {type: 'consultant_of'}]->(b) "
            "RETURN a.key AS source, b.key AS target, r.note AS note",
        )
    } == {("CON-1", "ORG-A", "since 2020"), ("ORG-B", "ORG-A", None)}


# Revenue attribution: a booking without an organisation goes to the one sold_to holder.


async def test_a_booking_without_organisation_goes_to_the_one_sold_to_holder(store, tmp_path, base):
    revenue = write(
        tmp_path,
        "revenue.csv",
        "debtor_number,period,revenue,gross_profit,organisation_key\n"
        "200,2025-01,100.10,20.02,\n"
        "100,2025-01,50.00,,\n"
        "300,2025-01,75.00,,\n"
        "100,2025-01,60.00,,ORG-B\n",
    )

    report = await load(store, base, revenue)

    assert counts(file_report(report, "revenue")) == (2, 0, 0, 2)
    assert rejections(report) == {
        (
            3,
            "organisation_key",
            "2 organisations hold debtor account '100' as sold_to (ORG-A, ORG-B): name the organisation_key",
        ),
        (4, "organisation_key", "no organisation holds debtor account '300' as sold_to: name the organisation_key"),
    }
    assert {
        (row["key"], row["revenue"], row["organisation"])
        for row in await rows(
            store,
            BOOKINGS + "RETURN key, b.revenue AS revenue, o.key AS organisation",
        )
    } == {("200|2025-01|ORG-A", 10010, "ORG-A"), ("100|2025-01|ORG-B", 6000, "ORG-B")}


async def test_a_payer_does_not_count_as_sold_to(store, tmp_path, base):
    accounts = write(tmp_path, "accounts.csv", "organisation_key,debtor_number,role\nORG-C,300,payer\n")
    revenue = write(tmp_path, "revenue.csv", "debtor_number,period,revenue\n300,2025-01,1.00\n")

    report = await load(store, base, accounts, revenue)

    assert rejections(report) == {
        (2, "organisation_key", "no organisation holds debtor account '300' as sold_to: name the organisation_key")
    }


async def test_loading_a_booking_again_replaces_its_amounts(store, tmp_path, base):
    first = tmp_path / "first"
    first.mkdir()
    write(first, "revenue.csv", "debtor_number,period,revenue,gross_profit\n200,2025-01,100.00,30.00\n")
    second = tmp_path / "second"
    second.mkdir()
    write(
        second, "revenue.csv", "debtor_number,period,revenue,gross_profit,organisation_key\n200,2025-01,80.00,,ORG-A\n"
    )
    await load(store, base, first)

    report = await load(store, second)

    assert counts(report.files[0]) == (0, 1, 0, 0)
    assert await rows(store, BOOKINGS + "RETURN key, b.revenue AS revenue, b.gross_profit AS profit") == [
        {"key": "200|2025-01|ORG-A", "revenue": 8000, "profit": None}
    ]


# Identity: loading a row again updates what it identifies; a re-run changes nothing.


async def test_a_changed_row_is_updated_and_an_empty_cell_removes_the_value(store, tmp_path):
    first = write(tmp_path, "organisations.csv", ORGANISATIONS)
    await load(store, first)
    changed = write(tmp_path, "organisations.csv", "key,name,kind,city\nORG-A,Alpha,company,\nORG-B,Beta,branch,Köln\n")

    report = await load(store, changed)

    assert counts(report.files[0]) == (0, 1, 1, 0)
    assert await rows(store, "MATCH (o:Organisation {key: 'ORG-A'}) RETURN o.city AS city, o.kind AS kind") == [
        {"city": None, "kind": "company"}
    ]


async def test_a_column_the_file_leaves_out_keeps_its_stored_value_and_a_new_row_gets_its_default(store, tmp_path):
    await load(store, write(tmp_path, "organisations.csv", ORGANISATIONS))
    renamed = write(tmp_path, "organisations.csv", "key,name\nORG-A,Alpha AG\nORG-B,Beta\nORG-D,Delta\n")

    report = await load(store, renamed)

    assert counts(report.files[0]) == (1, 1, 1, 0)
    assert await rows(
        store, "MATCH (o:Organisation) RETURN o.key AS key, o.name AS name, o.kind AS kind, o.city AS city ORDER BY key"
    ) == [
        {"key": "ORG-A", "name": "Alpha AG", "kind": "company", "city": "Berlin"},
        {"key": "ORG-B", "name": "Beta", "kind": "branch", "city": "Köln"},
        {"key": "ORG-C", "name": "Gamma", "kind": "company", "city": None},
        {"key": "ORG-D", "name": "Delta", "kind": "company", "city": None},
    ]


async def test_a_json_null_removes_a_value_and_a_missing_key_keeps_it(store, tmp_path, base):
    write(tmp_path, "contacts.csv", "key,last_name\nCON-1,Meier\n")
    write(
        tmp_path,
        "employments.csv",
        "contact_key,organisation_key,role,department,since,until\nCON-1,ORG-A,Buyer,Purchasing,2020-01-01,2024-12-31\n",
    )
    await load(store, base, tmp_path)
    update = write(
        tmp_path,
        "employments.jsonl",
        '{"contact_key": "CON-1", "organisation_key": "ORG-A", '
        '"department": null, "until": null, "is_main_contact": true}\n',
    )

    report = await load(store, update)

    assert counts(report.files[0]) == (0, 1, 0, 0)
    assert await rows(store, "MATCH (:Contact)-[w:WORKS_AT]->(:Organisation) RETURN properties(w) AS props") == [
        {"props": {"role": "Buyer", "is_main_contact": True, "since": datetime.date(2020, 1, 1).toordinal()}}
    ]


async def test_a_key_repeated_with_the_same_values_is_unchanged_and_with_other_values_rejected(store, tmp_path):
    path = write(
        tmp_path,
        "organisations.csv",
        "key,name,city\nORG-A,Alpha,Berlin\nORG-B,Beta,\n"
        "ORG-A, Alpha ,Berlin\nORG-A,Alpha AG,Berlin\nORG-B,Beta,Köln\n",
    )

    report = await load(store, path)

    assert counts(report.files[0]) == (2, 0, 1, 2)
    assert rejections(report) == {
        (5, "key", "key 'ORG-A' is already on line 2, with different values"),
        (6, "key", "key 'ORG-B' is already on line 3, with different values"),
    }
    assert await rows(store, "MATCH (o:Organisation) RETURN o.key AS key, o.name AS name ORDER BY key") == [
        {"key": "ORG-A", "name": "Alpha"},
        {"key": "ORG-B", "name": "Beta"},
    ]


async def test_a_repeated_identity_is_found_across_batches_and_names_every_identity_column(store, tmp_path, base):
    header = "parent_key,child_key,kind,valid_from,valid_to,share\n"
    parents = write(
        tmp_path,
        "parents.csv",
        header
        + "ORG-A,ORG-B,legal,,,50\n"
        + "ORG-A,ORG-C,legal,2020-01-01,2020-06-30,\n"
        + "ORG-A,ORG-C,legal,2021-01-01,,\n"
        + "ORG-A,ORG-B,legal,,,50.00\n"
        + "ORG-A,ORG-B,legal,,,60\n"
        + "ORG-A,ORG-C,legal,2020-01-01,2020-12-31,\n",
    )

    report = await load(store, base, parents, batch_size=1)

    assert counts(file_report(report, "parents")) == (3, 0, 1, 2)
    assert rejections(report) == {
        (
            6,
            None,
            "parent_key 'ORG-A', child_key 'ORG-B', valid_from (empty): already on line 2, with different values",
        ),
        (
            7,
            None,
            "parent_key 'ORG-A', child_key 'ORG-C', valid_from 2020-01-01: already on line 3, with different values",
        ),
    }


async def test_a_booking_repeated_through_attribution_is_the_same_identity(store, tmp_path, base):
    revenue = write(
        tmp_path,
        "revenue.csv",
        "debtor_number,period,revenue,organisation_key\n200,2025-01,10.00,\n200,2025-01,10,ORG-A\n200,2025-01,11,ORG-A\n",
    )

    report = await load(store, base, revenue)

    assert counts(file_report(report, "revenue")) == (1, 0, 1, 1)
    assert rejections(report) == {
        (
            4,
            None,
            "debtor_number '200', period '2025-01', organisation_key 'ORG-A': already on line 2, with different values",
        )
    }


async def test_a_relationship_is_identified_by_its_two_ends(store, tmp_path, base):
    write(tmp_path, "contacts.csv", "key,last_name\nCON-1,Meier\n")
    write(
        tmp_path,
        "employments.csv",
        "contact_key,organisation_key,role,is_main_contact,since\nCON-1,ORG-A,Buyer,,2020-01-01\n",
    )
    await load(store, base, tmp_path)
    write(
        tmp_path,
        "employments.csv",
        "contact_key,organisation_key,role,is_main_contact,since\nCON-1,ORG-A,Head of purchasing,true,2020-01-01\n",
    )

    report = await load(store, tmp_path / "employments.csv")

    assert counts(report.files[0]) == (0, 1, 0, 0)
    assert await rows(
        store,
        "MATCH (:Contact)-[w:WORKS_AT]->(o:Organisation) "
        "RETURN o.key AS organisation, w.role AS role, w.is_main_contact AS main, w.since AS since",
        days=("since",),
    ) == [{"organisation": "ORG-A", "role": "Head of purchasing", "main": True, "since": datetime.date(2020, 1, 1)}]


async def test_a_dated_parents_row_adds_a_period_and_the_same_period_is_updated(store, tmp_path, base):
    header = "parent_key,child_key,kind,valid_from,valid_to,share\n"
    write(tmp_path, "parents.csv", header + "ORG-A,ORG-C,legal,2018-01-01,2021-12-31,50\n")
    await load(store, base, tmp_path / "parents.csv")
    write(
        tmp_path,
        "parents.csv",
        header
        + "ORG-A,ORG-C,legal,2022-01-01,,100\nORG-A,ORG-C,legal,2018-01-01,2021-12-31,60\nORG-B,ORG-A,branch,,,\n",
    )

    report = await load(store, tmp_path / "parents.csv")
    again = await load(store, tmp_path / "parents.csv")

    assert counts(report.files[0]) == (2, 1, 0, 0)
    assert counts(again.files[0]) == (0, 0, 3, 0)
    assert {
        (row["parent"], row["valid_from"], row["valid_to"], row["share"])
        for row in await rows(
            store,
            "MATCH (p:Organisation)-[r:PARENT_OF]->(:Organisation) "
            "RETURN p.key AS parent, r.valid_from AS valid_from, r.valid_to AS valid_to, r.share AS share",
            days=("valid_from", "valid_to"),
        )
    } == {
        ("ORG-A", datetime.date(2018, 1, 1), datetime.date(2021, 12, 31), 60),
        ("ORG-A", datetime.date(2022, 1, 1), None, 100),
        ("ORG-B", None, None, None),
    }


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("ORG-A,ORG-A,legal,,,", "child_key", "an organisation cannot be its own parent"),
        ("ORG-A,ORG-B,legal,2020-01-01,2019-12-31,", "valid_to", "2019-12-31 is before valid_from 2020-01-01"),
        ("ORG-A,ORG-B,branch,,,50", "share", "a share is only allowed on a legal link, not on a branch link"),
        ("ORG-A,ORG-B,legal,,,150", "share", "150 is not a percentage from 0 to 100"),
    ],
    ids=["own parent", "period backwards", "share on branch", "share over 100"],
)
async def test_row_rules_reject_a_parents_row(store, tmp_path, base, row, field, reason):
    parents = write(tmp_path, "parents.csv", f"parent_key,child_key,kind,valid_from,valid_to,share\n{row}\n")

    report = await load(store, base, parents)

    assert rejections(report) == {(2, field, reason)}


async def test_territories_refer_to_parents_earlier_in_the_file_and_move_when_the_parent_changes(store, tmp_path):
    write(
        tmp_path,
        "territories.csv",
        "key,name,parent_key,countries\nROOT,Root,,\nNORTH,North,ROOT,DE;AT\nSOUTH,South,NORTH,\nEAST,East,WEST,\n",
    )
    first = await load(store, tmp_path)
    write(tmp_path, "territories.csv", "key,name,parent_key,countries\nSOUTH,South,ROOT,\nNORTH,North,,DE;AT\n")

    second = await load(store, tmp_path)

    assert counts(first.files[0]) == (3, 0, 0, 1)
    assert rejections(first) == {(5, "parent_key", "unknown territory 'WEST': neither in this load nor stored")}
    assert counts(second.files[0]) == (0, 2, 0, 0)
    assert await rows(
        store, "MATCH (p:Territory)-[:PARENT_OF]->(t:Territory) RETURN p.key AS parent, t.key AS child"
    ) == [{"parent": "ROOT", "child": "SOUTH"}]


async def test_a_territories_file_without_parent_key_keeps_the_hierarchy(store, tmp_path):
    write(tmp_path, "territories.csv", "key,name,parent_key\nROOT,Root,\nNORTH,North,ROOT\n")
    await load(store, tmp_path)
    write(tmp_path, "territories.csv", "key,name,countries\nNORTH,North,DE\n")

    report = await load(store, tmp_path)

    assert counts(report.files[0]) == (0, 1, 0, 0)
    assert await rows(
        store, "MATCH (p:Territory)-[:PARENT_OF]->(t:Territory) RETURN p.key AS parent, t.countries AS countries"
    ) == [{"parent": "ROOT", "countries": ["DE"]}]


async def test_org_territories_are_stored_as_manual_assignments(store, tmp_path, base):
    write(tmp_path, "territories.csv", "key,name\nNORTH,North\n")
    write(tmp_path, "org_territories.csv", "organisation_key,territory_key\nORG-A,NORTH\n")

    await load(store, base, tmp_path)

    assert await rows(store, "MATCH (:Organisation)-[r:ASSIGNED_TO]->(:Territory) RETURN properties(r) AS props") == [
        {"props": {"source": "manual"}}
    ]


# Batching: small batches give the same result, and progress is reported per batch.


async def test_small_batches_load_the_same_and_report_progress(store, tmp_path):
    organisations = "key,name\n" + "".join(f"ORG-{n},Org {n}\n" for n in range(25))
    parents = "parent_key,child_key\n" + "".join(f"ORG-{n // 2},ORG-{n}\n" for n in range(1, 25)) + "ORG-1,ORG-99\n"
    write(tmp_path, "organisations.csv", organisations)
    write(tmp_path, "parents.csv", parents)
    seen = []

    # The queries write batch by batch; a bulk insert takes ten at once (test_bulk.py).
    report = await load(QueriesOnly(store), tmp_path, batch_size=7, progress=seen.append)

    assert [counts(file) for file in report.files] == [(25, 0, 0, 0), (24, 0, 0, 1)]
    assert rejections(report) == {(26, "child_key", "unknown organisation 'ORG-99': neither in this load nor stored")}
    assert [(step.kind, step.phase, step.rows) for step in seen] == [
        ("organisations", "loading", 7),
        ("organisations", "loading", 14),
        ("organisations", "loading", 21),
        ("organisations", "loading", 25),
        ("parents", "loading", 7),
        ("parents", "loading", 14),
        ("parents", "loading", 21),
        ("parents", "loading", 25),
    ]
    assert [step.bytes for step in seen][3] == seen[3].size == len(organisations.encode())
    assert 0 < seen[0].bytes < seen[1].bytes < seen[2].bytes < seen[3].bytes
    assert (await rows(store, "MATCH ()-[r:PARENT_OF]->() RETURN count(r) AS n")) == [{"n": 24}]


async def test_json_rows_with_the_same_values_in_another_order_or_attributed_are_the_same(store, tmp_path, base):
    revenue = write(
        tmp_path,
        "revenue.jsonl",
        '{"debtor_number": "200", "period": "2025-01", "revenue": "5.00"}\n'
        '{"period": "2025-01", "revenue": 5, "debtor_number": "200"}\n'
        '{"debtor_number": "200", "period": "2025-01", "revenue": "5", "organisation_key": "ORG-A"}\n',
    )

    report = await load(store, base, revenue)

    assert counts(file_report(report, "revenue")) == (1, 0, 2, 0)

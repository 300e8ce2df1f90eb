"""Domain rules on load: the hierarchy rules for `parents` and `memberships`, territory rules, clearing values."""

import pytest

from graph import loading
from tests.loading.helpers import counts, file_report, rejections, rows, write

ORGANISATIONS = "key,name\n" + "".join(f"ORG-{letter},Org {letter}\n" for letter in "ABCDEFG")
PARENT_HEADER = "parent_key,child_key,kind,valid_from,valid_to,share\n"


@pytest.fixture
async def organisations(store, tmp_path):
    """Seven stored organisations, ORG-A to ORG-G."""
    directory = tmp_path / "organisations"
    directory.mkdir()
    report = await loading.load_paths(store, [write(directory, "organisations.csv", ORGANISATIONS)])
    assert report.ok
    return directory


async def stored_parents(store) -> set[tuple[str, str]]:
    found = await rows(store, "MATCH (p:Organisation)-[:PARENT_OF]->(c:Organisation) RETURN p.key AS p, c.key AS c")
    return {(row["p"], row["c"]) for row in found}


async def stored_memberships(store) -> set[tuple[str, str]]:
    found = await rows(store, "MATCH (m:Organisation)-[:MEMBER_OF]->(a:Organisation) RETURN m.key AS m, a.key AS a")
    return {(row["m"], row["a"]) for row in found}


# The hierarchy rules: every refused row has its line and reason; the rows around it load.


@pytest.mark.parametrize("batch_size", [1, 2, 100])
async def test_a_second_parent_on_overlapping_days_is_rejected(store, organisations, tmp_path, batch_size):
    path = write(
        tmp_path,
        "parents.csv",
        PARENT_HEADER
        + "ORG-A,ORG-C,legal,2020-01-01,2024-12-31,\n"
        + "ORG-B,ORG-C,legal,2024-06-01,,\n"
        + "ORG-A,ORG-D,branch,,,\n",
    )

    report = await loading.load_paths(store, [path], batch_size=batch_size)

    assert counts(report.files[0]) == (2, 0, 0, 1)
    assert rejections(report) == {
        (
            3,
            None,
            "ORG-C already has the parent ORG-A from 2020-01-01 to 2024-12-31, "
            "overlapping ORG-B → ORG-C from 2024-06-01 to (open)",
        )
    }
    assert await stored_parents(store) == {("ORG-A", "ORG-C"), ("ORG-A", "ORG-D")}


@pytest.mark.parametrize("batch_size", [1, 100])
async def test_a_cycle_within_the_file_is_rejected(store, organisations, tmp_path, batch_size):
    path = write(tmp_path, "parents.csv", PARENT_HEADER + "ORG-A,ORG-B,,,,\nORG-B,ORG-C,,,,\nORG-C,ORG-A,,,,\n")

    report = await loading.load_paths(store, [path], batch_size=batch_size)

    assert counts(report.files[0]) == (2, 0, 0, 1)
    ((line, field, reason),) = rejections(report)
    assert (line, field) == (4, None)
    assert reason.startswith("ORG-C → ORG-A would make a cycle: ORG-A is an ancestor of ORG-C")
    assert await stored_parents(store) == {("ORG-A", "ORG-B"), ("ORG-B", "ORG-C")}


async def test_a_cycle_through_a_stored_link_is_rejected(store, organisations, tmp_path):
    stored = write(tmp_path / "organisations", "parents.csv", PARENT_HEADER + "ORG-A,ORG-B,,,,\n")
    assert (await loading.load_paths(store, [stored])).ok
    path = write(tmp_path, "parents.csv", PARENT_HEADER + "ORG-B,ORG-C,,,,\nORG-C,ORG-A,,,,\nORG-E,ORG-F,,,,\n")

    report = await loading.load_paths(store, [path])

    assert counts(report.files[0]) == (2, 0, 0, 1)
    ((line, _, reason),) = rejections(report)
    assert line == 3 and "would make a cycle" in reason and "ORG-A → ORG-B → ORG-C" in reason
    assert await stored_parents(store) == {("ORG-A", "ORG-B"), ("ORG-B", "ORG-C"), ("ORG-E", "ORG-F")}


@pytest.mark.parametrize("batch_size", [1, 100])
async def test_re_parenting_in_consecutive_periods_is_accepted(store, organisations, tmp_path, batch_size):
    path = write(
        tmp_path,
        "parents.csv",
        PARENT_HEADER + "ORG-A,ORG-C,legal,2018-07-01,2024-03-31,\nORG-B,ORG-C,legal,2024-04-01,,100\n",
    )

    report = await loading.load_paths(store, [path], batch_size=batch_size)

    assert report.rejections == []
    assert counts(report.files[0]) == (2, 0, 0, 0)
    assert await stored_parents(store) == {("ORG-A", "ORG-C"), ("ORG-B", "ORG-C")}


async def test_a_stored_value_a_row_leaves_out_counts_for_the_rules(store, organisations, tmp_path):
    # The stored period of ORG-C is open; a row that names it without valid_to keeps it open.
    stored = write(tmp_path / "organisations", "parents.csv", PARENT_HEADER + "ORG-A,ORG-C,branch,2020-01-01,,\n")
    assert (await loading.load_paths(store, [stored])).ok
    path = write(tmp_path, "parents.csv", "parent_key,child_key,valid_from,share\nORG-A,ORG-C,2020-01-01,50\n")

    report = await loading.load_paths(store, [path])

    assert rejections(report) == {
        (2, "share", "ORG-A → ORG-C: a share is only allowed on a legal link, not on a branch link")
    }


@pytest.mark.parametrize("batch_size", [1, 100])
async def test_a_membership_cycle_is_rejected(store, organisations, tmp_path, batch_size):
    path = write(
        tmp_path,
        "memberships.csv",
        "member_key,association_key,valid_from,valid_to\n"
        "ORG-A,ORG-B,2020-01-01,\n"
        "ORG-B,ORG-C,,\n"
        "ORG-C,ORG-A,2019-01-01,2019-12-31\n"  # before ORG-A joined ORG-B: no cycle on any day
        "ORG-C,ORG-A,,\n"  # the same identity again, with other values
        "ORG-D,ORG-E,,\n",
    )

    report = await loading.load_paths(store, [path], batch_size=batch_size)

    assert counts(report.files[0]) == (4, 0, 0, 1)
    ((line, field, reason),) = rejections(report)
    assert (line, field) == (5, None) and "already on line 4, with different values" in reason
    assert await stored_memberships(store) == {
        ("ORG-A", "ORG-B"),
        ("ORG-B", "ORG-C"),
        ("ORG-C", "ORG-A"),
        ("ORG-D", "ORG-E"),
    }


@pytest.mark.parametrize("batch_size", [1, 100])
async def test_a_membership_closing_a_cycle_is_rejected(store, organisations, tmp_path, batch_size):
    path = write(
        tmp_path,
        "memberships.csv",
        "member_key,association_key\nORG-A,ORG-B\nORG-B,ORG-C\nORG-C,ORG-A\nORG-D,ORG-E\n",
    )

    report = await loading.load_paths(store, [path], batch_size=batch_size)

    assert counts(report.files[0]) == (3, 0, 0, 1)
    ((line, field, reason),) = rejections(report)
    assert (line, field) == (4, None)
    assert reason.startswith("the membership of ORG-C in ORG-A would make a cycle")
    assert await stored_memberships(store) == {("ORG-A", "ORG-B"), ("ORG-B", "ORG-C"), ("ORG-D", "ORG-E")}


async def test_each_hierarchy_problem_is_rejected_with_its_field_and_cause(store, organisations, tmp_path):
    stored_parents = write(
        tmp_path / "organisations", "parents.csv", PARENT_HEADER + "ORG-A,ORG-C,branch,2020-01-01,,\n"
    )
    stored_memberships = write(
        tmp_path / "organisations",
        "memberships.csv",
        "member_key,association_key,valid_from,valid_to\nORG-D,ORG-E,2020-01-01,2020-12-31\n",
    )
    assert (await loading.load_paths(store, [stored_parents, stored_memberships])).ok
    parents = write(
        tmp_path,
        "parents.csv",
        "parent_key,child_key,valid_from,share\n"
        "ORG-A,ORG-C,2020-01-01,50\n"  # a share on the stored branch link
        "ORG-B,ORG-C,2024-01-01,\n"  # a second parent
        "ORG-C,ORG-A,,\n"  # a cycle
        "ORG-C,ORG-A,,\n",  # the same as a refused row
    )
    # The stored valid_to, which the row leaves alone, is before the row's valid_from.
    memberships = write(tmp_path, "memberships.csv", "member_key,association_key,valid_from\nORG-D,ORG-E,2021-06-01\n")

    report = await loading.load_paths(store, [parents, memberships])

    assert {(r.file.name, r.line, r.field, r.cause) for r in report.rejections} == {
        ("parents.csv", 2, "share", loading.INVALID),
        ("parents.csv", 3, None, loading.CONFLICT),
        ("parents.csv", 4, None, loading.CONFLICT),
        ("parents.csv", 5, None, loading.CONFLICT),
        ("memberships.csv", 2, "valid_to", loading.INVALID),
    }


async def test_a_row_repeating_a_refused_row_is_rejected_too(store, organisations, tmp_path):
    path = write(tmp_path, "parents.csv", PARENT_HEADER + "ORG-A,ORG-B,,,,\nORG-B,ORG-A,,,,\nORG-B,ORG-A,,,,\n")

    report = await loading.load_paths(store, [path], batch_size=1)

    assert counts(report.files[0]) == (1, 0, 0, 2)
    assert [rejection.line for rejection in report.rejections] == [3, 4]
    assert report.rejections[1].reason.startswith("the same as line 3, which is rejected: ORG-B → ORG-A")


HIERARCHY_FILE = (
    PARENT_HEADER
    + "ORG-A,ORG-B,,,,\n"
    + "ORG-B,ORG-C,,2020-01-01,2023-12-31,\n"
    + "ORG-D,ORG-C,,2024-01-01,,\n"
    + "ORG-E,ORG-C,,2023-06-01,2023-07-31,\n"  # overlaps the first period of ORG-C
    + "ORG-C,ORG-A,,,,\n"  # a cycle through rows of earlier batches
    + "ORG-C,ORG-F,,,,\n"
)


@pytest.mark.parametrize("batch_size", [1, 2, 100])
@pytest.mark.parametrize("strict", [False, True])
async def test_a_dry_run_rejects_what_a_load_rejects(store, organisations, tmp_path, batch_size, strict):
    path = write(tmp_path, "parents.csv", HIERARCHY_FILE)

    dry = await loading.load_paths(store, [path], batch_size=batch_size, dry_run=True, strict=strict)
    assert await stored_parents(store) == set()
    real = await loading.load_paths(store, [path], batch_size=batch_size, strict=strict)

    assert {line for line, _, _ in rejections(real)} == {5, 6}
    assert rejections(dry) == rejections(real)
    if strict:
        assert file_report(real, "parents").refused and await stored_parents(store) == set()
    else:
        assert counts(dry.files[0]) == counts(real.files[0]) == (4, 0, 0, 2)


# Territory rules on load.

TERRITORY_HEADER = "key,name,parent_key,countries,postcode_prefixes,postcode_ranges,industries\n"
PLACES = "key,name,postcode,country,industry\nORG-N,North,20095,DE,Retail\nORG-S,South,80331,DE,Retail\n"


async def rule_links(store) -> set[tuple[str, str, str]]:
    found = await rows(
        store,
        "MATCH (o:Organisation)-[r:ASSIGNED_TO]->(t:Territory) RETURN o.key AS o, t.key AS t, r.source AS source",
    )
    return {(row["o"], row["t"], row["source"]) for row in found}


async def test_changed_territory_rules_move_organisations(store, tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    write(first, "organisations.csv", PLACES)
    write(first, "territories.csv", TERRITORY_HEADER + "T-LOW,Low,,DE,1;2,,\nT-HIGH,High,,DE,8;9,,\n")
    report = await loading.load_paths(store, [first])
    assert await rule_links(store) == {("ORG-N", "T-LOW", "rule"), ("ORG-S", "T-HIGH", "rule")}
    assert file_report(report, "territories").assignments.added == 2

    changed = write(tmp_path, "territories.csv", TERRITORY_HEADER + "T-LOW,Low,,DE,8,,\nT-HIGH,High,,DE,2,,\n")
    dry = await loading.load_paths(store, [changed], dry_run=True)
    report = await loading.load_paths(store, [changed])

    plan = file_report(report, "territories").assignments
    assert {(move.organisation_key, move.from_territories, move.to_territories) for move in plan.moves} == {
        ("ORG-N", ("T-LOW",), ("T-HIGH",)),
        ("ORG-S", ("T-HIGH",), ("T-LOW",)),
    }
    assert (plan.added, plan.removed, plan.conflicts) == (2, 2, ())
    assert file_report(dry, "territories").assignments == plan  # the preview of the dry run
    assert await rule_links(store) == {("ORG-N", "T-HIGH", "rule"), ("ORG-S", "T-LOW", "rule")}
    section = file_report(report, "territories").to_dict()["assignments"]
    assert {"organisation": "ORG-N", "from": ["T-LOW"], "to": ["T-HIGH"]} in section["moves"]


async def test_loaded_organisations_are_assigned_and_manual_assignments_are_kept(store, tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    write(first, "organisations.csv", PLACES)
    write(first, "territories.csv", TERRITORY_HEADER + "T-ALL,All,,DE,,,\nT-RETAIL,Retail,,,,,Retail\n")
    write(first, "org_territories.csv", "organisation_key,territory_key\nORG-S,T-ALL\n")
    report = await loading.load_paths(store, [first])

    assert {conflict.organisation_key for conflict in file_report(report, "territories").assignments.conflicts} == {
        "ORG-N",
        "ORG-S",
    }
    assert await rule_links(store) == {
        ("ORG-N", "T-ALL", "rule"),
        ("ORG-N", "T-RETAIL", "rule"),
        ("ORG-S", "T-ALL", "manual"),
    }

    # A new organisation is assigned when it is loaded; an updated one follows its new values.
    later = write(
        tmp_path,
        "organisations.csv",
        "key,name,postcode,country,industry\nORG-S,South,80331,DE,Food\nORG-X,Extra,10115,AT,Retail\n",
    )
    report = await loading.load_paths(store, [later])

    plan = file_report(report, "organisations").assignments
    assert [(move.organisation_key, move.to_territories) for move in plan.moves] == [("ORG-X", ("T-RETAIL",))]
    assert await rule_links(store) == {
        ("ORG-N", "T-ALL", "rule"),
        ("ORG-N", "T-RETAIL", "rule"),
        ("ORG-S", "T-ALL", "manual"),
        ("ORG-X", "T-RETAIL", "rule"),
    }


# Clearing several stored values at once (FalkorDB 4.16.3 removes the wrong ones when one SET clause clears two).


async def stored_properties(store, label: str, key: str) -> dict:
    assert label in {"Organisation", "Territory"}
    (row,) = await rows(store, f"MATCH (n:`{label}` {{key: $key}}) RETURN properties(n) AS p", key=key)
    return row["p"]


async def test_empty_cells_clear_exactly_their_territory_criteria(store, tmp_path):
    full = write(tmp_path, "territories.csv", TERRITORY_HEADER + "T-1,One,,,1;2,10000-19999,Retail;Food\n")
    assert (await loading.load_paths(store, [full])).ok
    (tmp_path / "again").mkdir()
    again = write(tmp_path / "again", "territories.csv", TERRITORY_HEADER + "T-1,One,,,,20000-29999,\n")

    report = await loading.load_paths(store, [again])

    assert counts(report.files[0]) == (0, 1, 0, 0)
    assert await stored_properties(store, "Territory", "T-1") == {
        "key": "T-1",
        "name": "One",
        "postcode_ranges": ["20000-29999"],
    }
    assert counts((await loading.load_paths(store, [again])).files[0]) == (0, 0, 1, 0)


async def test_empty_cells_clear_exactly_their_organisation_columns(store, tmp_path):
    header = "key,name,kind,status,industry,vat_id,street,postcode,city,country,source\n"
    full = write(
        tmp_path, "organisations.csv", header + "ORG-1,One,company,customer,Retail,DE1,Weg 1,10115,Berlin,DE,erp\n"
    )
    assert (await loading.load_paths(store, [full])).ok
    (tmp_path / "again").mkdir()
    again = write(tmp_path / "again", "organisations.csv", header + "ORG-1,One,company,,,DE1,,10115,,DE,\n")

    report = await loading.load_paths(store, [again])

    assert counts(report.files[0]) == (0, 1, 0, 0)
    assert await stored_properties(store, "Organisation", "ORG-1") == {
        "key": "ORG-1",
        "name": "One",
        "kind": "company",
        "vat_id": "DE1",
        "postcode": "10115",
        "country": "DE",
    }
    assert counts((await loading.load_paths(store, [again])).files[0]) == (0, 0, 1, 0)


async def test_empty_cells_clear_several_properties_of_a_relationship(store, organisations, tmp_path):
    header = "contact_key,organisation_key,role,department,is_main_contact,since,until\n"
    write(organisations, "contacts.csv", "key,last_name\nCON-1,Müller\n")
    write(organisations, "employments.csv", header + "CON-1,ORG-A,Buyer,Purchasing,true,2020-01-01,2024-12-31\n")
    assert (await loading.load_paths(store, [organisations])).ok
    again = write(tmp_path, "employments.csv", header + "CON-1,ORG-A,,,true,,\n")

    report = await loading.load_paths(store, [again])

    assert counts(report.files[0]) == (0, 1, 0, 0)
    (row,) = await rows(store, "MATCH (:Contact)-[r:WORKS_AT]->(:Organisation) RETURN properties(r) AS p")
    assert row["p"] == {"is_main_contact": True}


async def test_a_booking_in_another_currency_than_the_reporting_one_is_rejected(store, organisations, tmp_path):
    write(tmp_path, "debtors.csv", "number,name\nD-1,Debtor 1\n")
    write(tmp_path, "accounts.csv", "organisation_key,debtor_number\nORG-A,D-1\n")
    write(
        tmp_path,
        "revenue.csv",
        "debtor_number,period,revenue,gross_profit,organisation_key,currency\n"
        + "D-1,2025-01,100.00,10.00,,EUR\n"
        + "D-1,2025-02,100.00,10.00,,CHF\n"
        + "D-1,2025-03,100.00,10.00,,\n",
    )

    report = await loading.load_paths(store, [tmp_path])

    assert counts(file_report(report, "revenue")) == (2, 0, 0, 1)
    assert rejections(report) == {
        (3, "currency", "'CHF' is not the reporting currency EUR: convert it first"),
    }

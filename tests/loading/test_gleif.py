"""GLEIF Level 2 relationship files: the mapping rules, rejections, dry run and reloads on the real engine."""

import datetime

from graph import loading
from graph.loading import gleif
from graph.loading.files import MAX_COLUMNS, MAX_LINE_BYTES
from tests.loading.gleif_files import BRANCH, COLUMNS, FUND, HOLDING, MANAGER, SUB, rr, write_rr
from tests.loading.helpers import rows, write

RELATIONSHIP_PERIOD = {"p1_start": "2021-01-01T00:00:00Z", "p1_end": "2021-12-31T00:00:00Z"}
PARENTS = (
    "MATCH (p:Organisation)-[l:PARENT_OF]->(c:Organisation) "
    "RETURN p.key AS parent, c.key AS child, l.kind AS kind, l.valid_from AS valid_from, "
    "l.valid_to AS valid_to, l.share AS share"
)


def by_kind(report: loading.LoadReport) -> dict[str, tuple[int, int, int, int]]:
    return {file.kind: (file.created, file.updated, file.unchanged, file.rejected) for file in report.files}


async def parents(store) -> set[tuple]:
    return {
        (row["parent"], row["child"], row["kind"], row["valid_from"], row["valid_to"], row["share"])
        for row in await rows(store, PARENTS, days=("valid_from", "valid_to"))
    }


async def organisations(store) -> dict[str, tuple]:
    found = await rows(
        store, "MATCH (o:Organisation) RETURN o.key AS key, o.name AS name, o.declared_ultimate_key AS d"
    )
    return {row["key"]: (row["name"], row["d"]) for row in found}


# -- Reading, without an engine --------------------------------------------------------------------


def test_the_relationship_period_gives_the_dates_and_the_accounting_period_does_not_end_the_link(tmp_path):
    path = write_rr(
        tmp_path,
        [
            rr(
                SUB,
                HOLDING,
                **RELATIONSHIP_PERIOD,
                p1_type="ACCOUNTING_PERIOD",
                p2_start="2017-10-02T00:00:00+02:00",
                p2_type="RELATIONSHIP_PERIOD",
            ),
            rr(
                BRANCH,
                HOLDING,
                p1_start="2020-03-01T00:00:00.000+01:00",
                p1_end="2020-12-31T00:00:00Z",
                p1_type="ACCOUNTING_PERIOD",
            ),
            rr(FUND, HOLDING, p1_start="2019-05-05", p1_end="2022-05-05", p1_type="RELATIONSHIP_PERIOD"),
            rr(MANAGER, HOLDING, p1_start="2018-01-01T00:00:00Z", p1_end="2018-12-31T00:00:00Z"),
        ],
    )

    found = gleif.read_file(path)

    assert [(row.line, row.valid_from, row.valid_to) for row in found.rows] == [
        (2, datetime.date(2017, 10, 2), None),
        (3, datetime.date(2020, 3, 1), None),
        (4, datetime.date(2019, 5, 5), datetime.date(2022, 5, 5)),
        (5, datetime.date(2018, 1, 1), None),  # no period type (the small extract): the first period, open
    ]


def test_an_inactive_link_ends_on_its_last_period_end_else_on_its_last_update(tmp_path):
    path = write_rr(
        tmp_path,
        [
            rr(
                SUB,
                HOLDING,
                status="INACTIVE",
                p1_start="2015-01-01T00:00:00Z",
                p1_type="RELATIONSHIP_PERIOD",
                p2_start="2020-01-01T00:00:00Z",
                p2_end="2020-12-31T00:00:00Z",
                p2_type="ACCOUNTING_PERIOD",
            ),
            rr(BRANCH, HOLDING, status="INACTIVE", p1_start="2015-01-01T00:00:00Z", updated="2024-06-30T10:00:00Z"),
            rr(FUND, HOLDING, status="INACTIVE", p1_start="2015-01-01T00:00:00Z"),
        ],
    )

    found = gleif.read_file(path)

    assert [(row.line, row.valid_to) for row in found.rows] == [
        (2, datetime.date(2020, 12, 31)),
        (3, datetime.date(2024, 6, 30)),
    ]
    assert [(error.line, error.field) for error in found.errors["parents"]] == [(4, gleif.STATUS)]


def test_a_consolidation_percentage_is_the_share_as_written(tmp_path):
    path = write_rr(
        tmp_path,
        [
            rr(SUB, HOLDING, method="ACCOUNTING_CONSOLIDATION", share="51.00", units="PERCENTAGE"),
            rr(BRANCH, HOLDING, method="ACCOUNTING_CONSOLIDATION", share="100.00", units=""),
            rr(FUND, HOLDING, method="ACCOUNTING_CONSOLIDATION", share="1.00", units="PERCENTAGE"),
            rr(MANAGER, HOLDING, method="OTHER", share="80.00", units="PERCENTAGE"),
            rr(MANAGER, SUB, "IS_INTERNATIONAL_BRANCH_OF", method="ACCOUNTING_CONSOLIDATION", share="100.00"),
        ],
    )

    assert [row.share for row in gleif.read_file(path).rows] == [51.0, 100.0, 1.0, None, None]


def test_bad_rows_are_rejected_with_their_line_field_and_reason(tmp_path):
    path = write_rr(
        tmp_path,
        [
            rr(SUB, HOLDING, "IS_OWNED_BY"),
            rr("TOO-SHORT", HOLDING),
            rr(SUB, "holding0000000000001", "IS_FUND-MANAGED_BY"),
            rr(SUB, HOLDING, p1_start="yesterday"),
            rr(SUB, HOLDING, "IS_ULTIMATELY_CONSOLIDATED_BY", status="PENDING"),
            rr(FUND, MANAGER, "IS_FUND-MANAGED_BY", status="INACTIVE", updated="2024-01-01"),
        ],
    )

    found = gleif.read_file(path)

    assert not found.rows
    assert {(kind, error.line, error.field) for kind, errors in found.errors.items() for error in errors} == {
        ("parents", 2, gleif.TYPE),
        ("parents", 3, gleif.START),
        ("relationships", 4, gleif.END),
        ("parents", 5, "Relationship.Period.1.startDate"),
        ("organisations", 6, gleif.STATUS),
        ("relationships", 7, gleif.STATUS),
    }
    assert "unknown relationship type 'IS_OWNED_BY'" in found.errors["parents"][0].error
    assert "is not an LEI" in found.errors["parents"][1].error


def test_lines_a_load_file_could_not_hold_are_rejected_as_they_are_there(tmp_path):
    # Read as load files are (graph/loading/files.py): a line over MAX_LINE_BYTES or not UTF-8 is one rejected row.
    good = write_rr(tmp_path, [rr(SUB, HOLDING), rr(BRANCH, SUB), rr(FUND, HOLDING)]).read_bytes().split(b"\n")
    long_line = good[2].replace(b"ACTIVE", b"ACTIVE" + b" " * MAX_LINE_BYTES)
    not_utf8 = good[3].replace(b"LEI", b"L\xffI", 1)
    path = write(tmp_path, "bad.csv", b"\n".join([good[0], good[1], long_line, not_utf8, b""]))

    found = gleif.read_file(path)

    assert [row.start for row in found.rows] == [SUB]
    errors = {error.line: error.error for error in found.errors["parents"]}
    assert errors.keys() == {3, 4}
    assert "is longer than" in errors[3] and "is not valid UTF-8 (byte 0xff" in errors[4]


def test_a_header_too_wide_for_a_load_file_is_an_error(tmp_path):
    path = write(tmp_path, "rr.csv", ",".join([*COLUMNS, *(f"extra {n}" for n in range(MAX_COLUMNS))]) + "\n")

    error = gleif.read_file(path).error

    assert error is not None and "columns, more than" in error.reason


def test_a_file_without_a_required_column_is_an_error_naming_it(tmp_path):
    path = write(tmp_path, "rr.csv", f"{gleif.START},{gleif.END},{gleif.TYPE}\n{SUB},{HOLDING},X\n")

    error = gleif.read_file(path).error

    assert (error.line, error.field) == (1, gleif.STATUS)
    assert "required column" in error.reason


# -- Loading ---------------------------------------------------------------------------------------


async def test_each_relationship_type_becomes_its_kind(store, tmp_path):
    path = write_rr(
        tmp_path,
        [
            rr(
                SUB,
                HOLDING,
                **RELATIONSHIP_PERIOD,
                p1_type="RELATIONSHIP_PERIOD",
                method="ACCOUNTING_CONSOLIDATION",
                share="75.50",
                units="PERCENTAGE",
            ),
            rr(BRANCH, SUB, "IS_INTERNATIONAL_BRANCH_OF", p1_start="2022-01-01T00:00:00Z"),
            rr(SUB, HOLDING, "IS_ULTIMATELY_CONSOLIDATED_BY"),
            rr(FUND, MANAGER, "IS_FUND-MANAGED_BY"),
        ],
    )

    report = await loading.load_gleif(store, [path])

    assert report.ok
    assert by_kind(report) == {
        "organisations": (5, 0, 0, 0),
        "relationship_types": (1, 0, 0, 0),
        "parents": (2, 0, 0, 0),
        "relationships": (1, 0, 0, 0),
    }
    assert await parents(store) == {
        (HOLDING, SUB, "legal", datetime.date(2021, 1, 1), datetime.date(2021, 12, 31), 75.5),
        (SUB, BRANCH, "branch", datetime.date(2022, 1, 1), None, None),
    }
    assert (await organisations(store))[SUB] == (SUB, HOLDING)
    related = await rows(store, "MATCH (a)-[r:RELATED_TO]->(b) RETURN a.key AS a, r.type AS type, b.key AS b")
    assert [(row["a"], row["type"], row["b"]) for row in related] == [(FUND, "fund_managed_by", MANAGER)]


async def test_a_branch_row_naming_the_direct_consolidator_again_is_rejected_the_legal_link_stands(store, tmp_path):
    path = write_rr(
        tmp_path,
        [rr(SUB, HOLDING, "IS_INTERNATIONAL_BRANCH_OF"), rr(SUB, HOLDING, "IS_DIRECTLY_CONSOLIDATED_BY")],
    )

    report = await loading.load_gleif(store, [path])

    (rejection,) = report.rejections
    assert (rejection.file, rejection.line, rejection.field) == (path, 2, gleif.TYPE)
    assert "the legal link stands" in rejection.reason and "line 3" in rejection.reason
    assert {(row[0], row[1], row[2]) for row in await parents(store)} == {(HOLDING, SUB, "legal")}


async def test_loader_rules_reject_rows_with_the_gleif_line(store, tmp_path):
    path = write_rr(
        tmp_path,
        [
            rr(FUND, FUND, "IS_FUND-MANAGED_BY"),
            rr(SUB, SUB),
            rr(SUB, HOLDING, method="ACCOUNTING_CONSOLIDATION", share="150", units="PERCENTAGE"),
        ],
    )

    report = await loading.load_gleif(store, [path])

    assert {(rejection.line, rejection.field) for rejection in report.rejections} == {
        (2, "to_key"),
        (3, "child_key"),
        (4, "share"),
    }
    assert all(rejection.file == path for rejection in report.rejections)


async def test_a_reload_changes_nothing_and_a_dry_run_writes_nothing(store, tmp_path):
    path = write_rr(
        tmp_path,
        [rr(SUB, HOLDING), rr(SUB, HOLDING, "IS_ULTIMATELY_CONSOLIDATED_BY"), rr(FUND, MANAGER, "IS_SUBFUND_OF")],
    )
    dry = await loading.load_gleif(store, [path], dry_run=True)
    assert await organisations(store) == {}
    assert by_kind(dry)["organisations"] == (4, 0, 0, 0)

    await loading.load_gleif(store, [path])
    again = await loading.load_gleif(store, [path])

    assert {counts[:2] for counts in by_kind(again).values()} == {(0, 0)}
    assert sum(counts[2] for counts in by_kind(again).values()) == 4 + 1 + 1 + 1


async def test_a_gleif_load_does_not_rename_organisations_an_organisations_file_named(store, tmp_path):
    path = write_rr(tmp_path, [rr(SUB, HOLDING), rr(SUB, HOLDING, "IS_ULTIMATELY_CONSOLIDATED_BY")])
    await loading.load_gleif(store, [path])
    names = write(tmp_path, "organisations.csv", f"key,name,country\n{SUB},Sub GmbH,DE\n{HOLDING},Holding AG,CH\n")
    await loading.load_paths(store, [names])

    again = await loading.load_gleif(store, [path])

    assert by_kind(again)["organisations"] == (0, 0, 2, 0)
    assert await organisations(store) == {SUB: ("Sub GmbH", HOLDING), HOLDING: ("Holding AG", None)}


async def test_the_same_link_with_a_start_from_another_period_updates_the_stored_period(store, tmp_path):
    detailed = write_rr(
        tmp_path,
        [
            rr(
                SUB,
                HOLDING,
                **RELATIONSHIP_PERIOD,
                p1_type="ACCOUNTING_PERIOD",
                p2_start="2017-10-02T00:00:00Z",
                p2_type="RELATIONSHIP_PERIOD",
                method="ACCOUNTING_CONSOLIDATION",
                share="60",
                units="PERCENTAGE",
            )
        ],
        name="large.csv",
    )
    small_columns = [gleif.START, gleif.END, gleif.TYPE, gleif.STATUS, "Relationship.Period.1.startDate"]
    small = write_rr(
        tmp_path,
        [
            {
                gleif.START: SUB,
                gleif.END: HOLDING,
                gleif.TYPE: "IS_DIRECTLY_CONSOLIDATED_BY",
                gleif.STATUS: "ACTIVE",
                "Relationship.Period.1.startDate": "2021-01-01T00:00:00Z",
            }
        ],
        name="small.csv",
        columns=small_columns,
    )

    first = await loading.load_gleif(store, [detailed, small])
    again = await loading.load_gleif(store, [small, detailed])

    assert first.ok and again.ok
    assert [file.unchanged for file in again.files if file.kind == "parents"] == [1, 1]
    assert await parents(store) == {(HOLDING, SUB, "legal", datetime.date(2017, 10, 2), None, 60.0)}


async def test_strict_refuses_a_kind_with_a_rejected_row(store, tmp_path):
    path = write_rr(tmp_path, [rr(SUB, HOLDING), rr(BRANCH, "NOT-AN-LEI")])

    report = await loading.load_gleif(store, [path], strict=True)

    assert [(file.kind, file.outcome) for file in report.files] == [("organisations", "loaded"), ("parents", "refused")]
    assert await parents(store) == set()

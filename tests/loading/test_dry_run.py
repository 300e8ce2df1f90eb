"""Dry runs and strict loads: a dry run reports what a load would do and writes nothing; strict is all or nothing."""

import csv
from pathlib import Path

import pytest

from graph import admin, loading
from graph.settings import Backend
from graph.store import Store
from graph.store.opening import open_store
from tests.helpers import BOOKINGS
from tests.loading.helpers import counts, keys, rejections, rows, write
from tests.loading.test_demo import DEMO, graph_counts

BASE = {
    "organisations.csv": "key,name,kind,city\nORG-A,Alpha,company,Berlin\nORG-B,Beta,branch,Köln\nORG-C,Gamma,,\n",
    "debtors.csv": "number,name\n100,Shared account\n200,Alpha account\n300,Nobody's account\n",
    "accounts.csv": "organisation_key,debtor_number,role\nORG-A,100,\nORG-B,100,sold_to\nORG-A,200,\n",
}


def directory(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        write(path, name, text)
    return path


async def snapshot(store: Store) -> tuple:
    """Everything a load can change: counts, and every node's and relationship's properties."""
    nodes = await rows(
        store, "MATCH (n) WHERE NOT n:Revision AND NOT n:Change RETURN labels(n)[0] AS label, properties(n) AS props"
    )
    links = await rows(
        store,
        "MATCH (a)-[r]->(b) RETURN labels(a)[0] AS a, properties(a) AS from, type(r) AS type, "
        "properties(r) AS props, properties(b) AS to",
    )
    return (
        await graph_counts(store),
        sorted(map(_in_name_order, nodes)),
        sorted(map(_in_name_order, links)),
    )


def _in_name_order(row: dict) -> str:
    """Return a row as text with its maps' entries by name: the engine may keep a node's properties in the order
    their names first came into the graph, which is no part of what a load stores."""
    return repr(
        {name: dict(sorted(value.items())) if isinstance(value, dict) else value for name, value in row.items()}
    )


def summary(report: loading.LoadReport) -> list[tuple]:
    return [(file.kind, _counts(file), file.not_written, file.outcome) for file in report.files] + sorted(
        rejections(report), key=repr
    )


def _counts(file: loading.FileReport) -> tuple[int, int, int, int]:
    """Return a file's counts; for manual assignments, created and updated together.

    A manual row for a pair the territory rules assigned first updates that link (rule to
    manual) in a load, but is new in a dry run, which only previews the rules.
    """
    created, updated, unchanged, rejected = counts(file)
    if file.kind == "org_territories":
        return created + updated, 0, unchanged, rejected
    return created, updated, unchanged, rejected


def half_of(source: Path, target: Path) -> Path:
    """Copy the load files of `source` with the first half of each file's rows."""
    target.mkdir()
    for path in source.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        (target / path.name).write_text("".join(lines[: 1 + (len(lines) - 1) // 2]), encoding="utf-8")
    return target


async def test_a_dry_run_of_every_kind_reports_what_the_load_then_does_and_writes_nothing(store):
    dry = await loading.load_paths(store, [DEMO], dry_run=True)
    after_dry = await snapshot(store)

    real = await loading.load_paths(store, [DEMO])

    assert dry.dry_run and not real.dry_run
    assert summary(dry) == summary(real)
    assert dry.rejected == 0 and dry.created + dry.updated == real.created + real.updated > 0
    assert after_dry == ((set(), set()), [], [])


async def test_a_dry_run_on_a_partly_loaded_graph_tells_created_from_unchanged_like_the_load(store, tmp_path):
    await loading.load_paths(store, [half_of(DEMO, tmp_path / "half")])
    before = await snapshot(store)

    dry = await loading.load_paths(store, [DEMO], dry_run=True)
    after_dry = await snapshot(store)
    real = await loading.load_paths(store, [DEMO])
    again = await loading.load_paths(store, [DEMO], dry_run=True)

    assert after_dry == before
    assert summary(dry) == summary(real)
    assert 0 < dry.unchanged < dry.rows and 0 < dry.created < dry.rows
    assert (again.created, again.updated, again.rejected, again.unchanged) == (0, 0, 0, real.rows)


async def test_a_dry_run_finds_updates_of_every_value_type_as_the_load_does(store, tmp_path):
    first = directory(
        tmp_path / "first",
        {
            **BASE,
            "territories.csv": "key,name,parent_key,countries\n"
            "ROOT,Root,,\nNORTH,North,ROOT,DE;AT\nSOUTH,South,ROOT,\n",
            "contacts.csv": "key,last_name\nCON-1,Meier\n",
            "parents.csv": "parent_key,child_key,kind,valid_from,valid_to,share\n"
            "ORG-A,ORG-B,legal,2020-01-01,,50\nORG-A,ORG-C,branch,,,\n",
            "employments.csv": "contact_key,organisation_key,is_main_contact,since\nCON-1,ORG-A,false,2020-01-01\n",
            "revenue.csv": "debtor_number,period,revenue,gross_profit,organisation_key\n200,2025-01,10.00,1.00,\n",
        },
    )
    await loading.load_paths(store, [first])
    second = directory(
        tmp_path / "second",
        {
            "territories.csv": "key,name,parent_key,countries\n"
            "ROOT,Root,,\nNORTH,North,ROOT,DE;AT;CH\nSOUTH,South,NORTH,\nEAST,East,ROOT,\n",
            "parents.csv": "parent_key,child_key,kind,valid_from,valid_to,share\n"
            "ORG-A,ORG-B,legal,2020-01-01,2024-12-31,50\nORG-A,ORG-C,branch,,,\nORG-A,ORG-B,legal,2025-01-01,,50.00\n",
            "employments.csv": "contact_key,organisation_key,is_main_contact,since\nCON-1,ORG-A,true,2020-01-01\n",
            "revenue.csv": "debtor_number,period,revenue,gross_profit,organisation_key\n"
            "200,2025-01,10,,ORG-A\n200,2025-02,-3.5,,\n",
        },
    )
    before = await snapshot(store)

    dry = await loading.load_paths(store, [second], dry_run=True)
    after_dry = await snapshot(store)
    real = await loading.load_paths(store, [second])

    assert after_dry == before
    assert summary(dry) == summary(real)
    assert [(file.kind, counts(file)) for file in real.files] == [
        ("territories", (1, 2, 1, 0)),
        ("parents", (1, 1, 1, 0)),
        ("employments", (0, 1, 0, 0)),
        ("revenue", (1, 1, 0, 0)),
    ]


async def test_a_dry_run_counts_keys_and_accounts_of_its_earlier_files_as_present(store, tmp_path):
    files = directory(
        tmp_path,
        {
            **BASE,
            "parents.csv": "parent_key,child_key\nORG-A,ORG-B\nORG-A,ORG-X\n",
            "revenue.csv": "debtor_number,period,revenue,organisation_key\n"
            "200,2025-01,1.00,\n100,2025-01,2.00,\n300,2025-01,3.00,\n100,2025-01,4.00,ORG-C\n",
        },
    )

    dry = await loading.load_paths(store, [files], dry_run=True)
    real_rejections = rejections(dry)
    await loading.load_paths(store, [files])

    assert [(file.kind, counts(file)) for file in dry.files] == [
        ("organisations", (3, 0, 0, 0)),
        ("debtors", (3, 0, 0, 0)),
        ("parents", (1, 0, 0, 1)),
        ("accounts", (3, 0, 0, 0)),
        ("revenue", (2, 0, 0, 2)),
    ]
    assert real_rejections == {
        (3, "child_key", "unknown organisation 'ORG-X': neither in this load nor stored"),
        (
            3,
            "organisation_key",
            "2 organisations hold debtor account '100' as sold_to (ORG-A, ORG-B): name the organisation_key",
        ),
        (4, "organisation_key", "no organisation holds debtor account '300' as sold_to: name the organisation_key"),
    }


async def test_a_dry_run_sees_account_roles_it_would_change(store, tmp_path):
    await loading.load_paths(store, [directory(tmp_path / "base", BASE)])
    files = directory(
        tmp_path / "change",
        {
            "accounts.csv": "organisation_key,debtor_number,role\nORG-B,100,payer\nORG-C,300,\n",
            "revenue.csv": "debtor_number,period,revenue\n100,2025-01,1.00\n300,2025-01,2.00\n",
        },
    )

    dry = await loading.load_paths(store, [files], dry_run=True)
    real = await loading.load_paths(store, [files])

    assert summary(dry) == summary(real)
    assert rejections(dry) == set()
    assert {
        (row["key"], row["organisation"]) for row in await rows(store, BOOKINGS + "RETURN key, o.key AS organisation")
    } == {("100|2025-01|ORG-A", "ORG-A"), ("300|2025-01|ORG-C", "ORG-C")}


# Strict: a file with a rejected row is not written at all.


async def test_strict_writes_nothing_of_a_file_with_a_rejected_row_and_later_files_see_only_the_store(store, tmp_path):
    files = directory(
        tmp_path,
        {
            "organisations.csv": "key,name,kind\nORG-A,Alpha,\nORG-B,Beta,factory\nORG-C,Gamma,\n",
            "contacts.csv": "key,last_name\nCON-1,Meier\n",
            "parents.csv": "parent_key,child_key\nORG-A,ORG-C\n",
        },
    )

    report = await loading.load_paths(store, [files], strict=True, batch_size=1)

    assert [(file.kind, counts(file), file.not_written, file.outcome) for file in report.files] == [
        ("organisations", (0, 0, 0, 1), 2, "refused"),
        ("contacts", (1, 0, 0, 0), 0, "loaded"),
        ("parents", (0, 0, 0, 1), 0, "refused"),
    ]
    assert rejections(report) == {
        (3, "kind", "unknown value 'factory'; expected one of company, branch, household, association, chain"),
        (2, "parent_key", "unknown organisation 'ORG-A': neither in this load nor stored"),
        (2, "child_key", "unknown organisation 'ORG-C': neither in this load nor stored"),
    }
    assert await keys(store, "Organisation") == set()
    assert await keys(store, "Contact") == {"CON-1"}


async def test_strict_loads_a_clean_file_as_a_normal_load_does(store, tmp_path):
    files = directory(tmp_path, BASE)

    strict = await loading.load_paths(store, [files], strict=True)
    again = await loading.load_paths(store, [files], strict=True)

    assert [(file.kind, counts(file), file.outcome) for file in strict.files] == [
        ("organisations", (3, 0, 0, 0), "loaded"),
        ("debtors", (3, 0, 0, 0), "loaded"),
        ("accounts", (3, 0, 0, 0), "loaded"),
    ]
    assert again.unchanged == 9 and again.ok


async def test_a_strict_dry_run_reports_the_refusal_and_forgets_the_refused_keys(store, tmp_path):
    files = directory(
        tmp_path,
        {
            "organisations.csv": "key,name\nORG-A,Alpha\nORG-B,\n",
            "contacts.csv": "key,last_name\nCON-1,Meier\n",
            "employments.csv": "contact_key,organisation_key\nCON-1,ORG-A\n",
        },
    )

    dry = await loading.load_paths(store, [files], strict=True, dry_run=True)
    real = await loading.load_paths(store, [files], strict=True)

    assert summary(dry) == summary(real)
    assert [(file.kind, file.outcome) for file in dry.files] == [
        ("organisations", "refused"),
        ("contacts", "loaded"),
        ("employments", "refused"),
    ]


async def test_a_file_that_cannot_be_read_fails_in_strict_mode_too(store, tmp_path):
    files = directory(tmp_path, {"organisations.csv": "key,colour\nORG-A,red\n", "contacts.csv": "key,last_name\n"})

    report = await loading.load_paths(store, [files], strict=True)

    assert [(file.kind, file.outcome, file.rows) for file in report.files] == [
        ("organisations", "failed", 0),
        ("contacts", "loaded", 0),
    ]
    assert not report.ok


# Writing only what changed: a re-run reads and compares, it does not write.


class CountingStore:
    """A store that counts the queries it runs by name."""

    def __init__(self, store: Store):
        self._store = store
        self.reads: list[str] = []
        self.writes: list[str] = []
        self.engine = store.engine

    async def read(self, query, params=None):
        self.reads.append(query.name)
        return await self._store.read(query, params)

    async def write(self, query, params=None):
        self.writes.append(query.name)
        return await self._store.write(query, params)

    def inserter(self, insertion):
        return None  # no bulk path: these tests count the queries a load runs

    async def install_schema(self):
        return await self._store.install_schema()

    def write_lock(self):
        return self._store.write_lock()


async def test_a_first_load_compares_one_batch_then_creates_directly_and_a_rerun_writes_nothing(store, tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name\n" + "".join(f"ORG-{n},Org {n}\n" for n in range(50)))
    first, rerun = CountingStore(store), CountingStore(store)

    loaded = await loading.load_paths(first, [path], batch_size=10)
    again = await loading.load_paths(rerun, [path], batch_size=10)

    assert counts(loaded.files[0]) == (50, 0, 0, 0)
    assert first.reads.count("loading/compare_organisations") == 1
    assert first.writes.count("loading/create_organisations") == 5
    assert "loading/upsert_organisations" not in first.writes
    assert counts(again.files[0]) == (0, 0, 50, 0)
    assert rerun.writes == []
    assert rerun.reads.count("loading/compare_organisations") == 5


async def test_a_rerun_with_some_changes_writes_only_the_changed_rows(store, tmp_path):
    names = {n: f"Org {n}" for n in range(20)}
    path = write(
        tmp_path, "organisations.csv", "key,name\n" + "".join(f"ORG-{n},{name}\n" for n, name in names.items())
    )
    await loading.load_paths(store, [path])
    names[3], names[17] = "Renamed 3", "Renamed 17"
    write(tmp_path, "organisations.csv", "key,name\n" + "".join(f"ORG-{n},{name}\n" for n, name in names.items()))
    counting = CountingStore(store)

    report = await loading.load_paths(counting, [path])

    assert counts(report.files[0]) == (0, 2, 18, 0)
    assert counting.writes == ["loading/upsert_organisations"]
    assert await rows(store, "MATCH (o:Organisation) WHERE o.name STARTS WITH 'Renamed' RETURN count(*) AS n") == [
        {"n": 2}
    ]


class InterferingStore(CountingStore):
    """A store on which another writer stores the organisation `key` as `name` just before each create query."""

    def __init__(self, store: Store, key: str, name: str):
        super().__init__(store)
        self.other = (key, name)

    async def write(self, query, params=None):
        if query.name == "loading/create_organisations":
            key, name = self.other
            await loading.load_records(self._store, "organisations", [{"key": key, "name": name}])
        return await super().write(query, params)


async def test_a_row_another_writer_created_since_the_comparison_is_updated_not_created_twice(store, tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name\n" + "".join(f"ORG-{n},Org {n}\n" for n in range(20)))
    interfering = InterferingStore(store, "ORG-15", "Someone else's name")

    report = await loading.load_paths(interfering, [path], batch_size=10)

    assert counts(report.files[0]) == (19, 1, 0, 0)
    assert sorted(interfering.writes) == [  # the two batches' writes overlap
        "loading/create_organisations",
        "loading/create_organisations",
        "loading/upsert_organisations",
    ]
    assert await rows(store, "MATCH (o:Organisation) RETURN count(*) AS n, count(DISTINCT o.key) AS keys") == [
        {"n": 20, "keys": 20}
    ]
    assert await rows(store, "MATCH (o:Organisation {key: 'ORG-15'}) RETURN o.name AS name") == [{"name": "Org 15"}]


async def test_creating_stores_what_upserting_stores(store):
    created = await loading.load_paths(store, [DEMO])
    by_create = await snapshot(store)
    await admin.delete_everything(store)

    for kind, path in loading.plan([DEMO]):
        if kind.create is None:
            await loading.load_paths(store, [path])
        else:  # records in memory are one upsert, never created first
            with open(path, encoding="utf-8", newline="") as file:
                await loading.load_records(store, kind.name, list(csv.DictReader(file)))

    assert sum(file.created for file in created.files if file.kind in CREATED_FIRST) > 0
    assert await snapshot(store) == by_create


CREATED_FIRST = {kind.name for kind in loading.KINDS if kind.create is not None}


# The report as one JSON document.


async def test_the_report_as_json_names_files_relative_to_a_base(store, tmp_path):
    files = directory(tmp_path / "in", {"organisations.csv": "key,name\nORG-A,Alpha\nORG-B,\n"})

    report = (await loading.load_paths(store, [files], dry_run=True)).to_dict(base=tmp_path / "in")

    assert report["dry_run"] is True and report["ok"] is False and report["strict"] is False
    assert report["totals"] == {
        "files": 1,
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "not_written": 0,
    }
    assert report["files"] == [
        {
            "file": "organisations.csv",
            "kind": "organisations",
            "outcome": "loaded",
            "rows": 2,
            "created": 1,
            "updated": 0,
            "unchanged": 0,
            "rejected": 1,
            "not_written": 0,
            "error": None,
            "rejections": [
                {"file": "organisations.csv", "line": 3, "field": "name", "reason": "is required but empty"}
            ],
            # previewed: a new organisation is not stored yet, so the preview cannot place it
            "assignments": {"added": 0, "removed": 0, "moves": [], "conflicts": []},
        }
    ]
    assert report["seconds"] >= 0 and report["rows_per_second"] >= 0


async def test_a_graph_nothing_was_written_to_yet_loads_every_row(settings, tmp_path):
    if settings.backend is not Backend.FALKORDB:
        pytest.skip("only the embedded engine answers no rows for a graph that does not exist yet")
    fresh = settings.model_copy(update={"falkordb_graph": f"{settings.falkordb_graph}-fresh"})
    path = write(tmp_path, "organisations.csv", "key,name\nORG-A,Alpha\n")

    async with await open_store(fresh, start_engine=False) as store:
        dry = await loading.load_paths(store, [path], dry_run=True)
        loaded = await loading.load_paths(store, [path])
        assert await keys(store, "Organisation") == {"ORG-A"}
        await admin.delete_everything(store)

    assert counts(dry.files[0]) == counts(loaded.files[0]) == (1, 0, 0, 0)

"""A first load creates the kinds the graph holds none of in bulk (FalkorDB's GRAPH.BULK), as the queries would.

The bulk path skips every check the create queries make, so these tests hold it to the queries: the same graph
from the same files, the queries again as soon as the graph holds the kind or another writer writes, and values
the binary format cannot carry sent the queries' way.
"""

import asyncio
import json
from types import SimpleNamespace

import pytest

from graph import admin, loading, territories
from graph.errors import EngineUnavailable, LoadInterrupted
from graph.loading import loader, reading
from graph.store import InsertRefused, Store
from graph.store.falkordb_bulk import _value
from seed.generate import generate
from tests.loading.helpers import QueriesOnly, counts, rejections, rows, write
from tests.loading.test_dry_run import snapshot

BULK_KINDS = {kind.name for kind in loading.KINDS if kind.insert is not None}


class CountingInserts(QueriesOnly):
    """The store with its bulk path, counting the write queries and the batches inserted, by name."""

    def __init__(self, store: Store, *, before_insert=None):
        super().__init__(store)
        self.writes: list[str] = []
        self.inserted: list[str] = []
        self.before_insert = before_insert  # awaited with the insertion's name and rows before each batch

    async def write(self, query, params=None):
        self.writes.append(query.name)
        return await self._store.write(query, params)

    def inserter(self, insertion):
        inserter = self._store.inserter(insertion)
        return None if inserter is None else _Counted(self, insertion.name, inserter)


class _Counted:
    def __init__(self, store: CountingInserts, name: str, inserter):
        self._store, self._name, self._inserter = store, name, inserter

    def expect(self, revision):
        self._inserter.expect(revision)

    async def insert(self, rows):
        if self._store.before_insert is not None:
            await self._store.before_insert(self._name, rows)
        await self._inserter.insert(rows)
        self._store.inserted.append(self._name)


@pytest.fixture
def bulk(store):
    if store.inserter(territories.RULE_LINKS) is None:
        pytest.skip(f"{store.engine} has no bulk path: every load is written by the queries")
    return store


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_a_first_load_inserts_in_bulk_exactly_what_the_queries_store(bulk, tmp_path, seed):
    generate(tmp_path, organisations=400, seed=seed)
    await loading.load_paths(QueriesOnly(bulk), [tmp_path], batch_size=13)
    by_queries = await snapshot(bulk)
    await admin.delete_everything(bulk)  # the engine reuses the deleted nodes' ids: links must still find their ends
    counting = CountingInserts(bulk)

    report = await loading.load_paths(counting, [tmp_path], batch_size=13)

    assert report.ok
    assert await snapshot(bulk) == by_queries
    assert set(counting.inserted) == {
        *("Organisation", "Contact", "DebtorAccount", "HAS_ACCOUNT", "BOOKED_FOR", "WORKS_AT", "PARENT_OF"),
        "ASSIGNED_TO",  # the territory rules' links
    }
    assert not {f"loading/create_{kind}" for kind in BULK_KINDS} & set(counting.writes)
    assert "territories/create_rule_assignments" not in counting.writes
    assert "loading/create_memberships" in counting.writes  # a kind without its bulk path takes the queries
    created = {file.kind: file.created for file in report.files}
    assert all(created[kind] > 0 for kind in BULK_KINDS)


class _Started(list):
    """The kinds of the files read by processes of their own, in the order the processes started."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[reading.ProcessBatches] = []  # each file's, in the same order


@pytest.fixture
def processes(monkeypatch):
    """Every file created in bulk is read by a process of its own, however small; returns the kinds so read."""
    monkeypatch.setattr(loader, "PROCESS_READ_BYTES", 0)
    read = _Started()
    start = reading.ProcessBatches.__init__

    def recording(self, kind, path, size):
        read.append(kind.name)
        read.batches.append(self)
        start(self, kind, path, size)

    monkeypatch.setattr(reading.ProcessBatches, "__init__", recording)
    return read


async def test_files_read_by_processes_of_their_own_load_what_the_queries_store(bulk, tmp_path, processes):
    generate(tmp_path, organisations=300, seed=4)
    by_queries = await loading.load_paths(QueriesOnly(bulk), [tmp_path], batch_size=13)
    stored = await snapshot(bulk)
    await admin.delete_everything(bulk)

    report = await loading.load_paths(bulk, [tmp_path], batch_size=13)

    assert sorted(processes) == sorted(BULK_KINDS)
    assert report.ok
    assert await snapshot(bulk) == stored
    assert [counts(file) for file in report.files] == [counts(file) for file in by_queries.files]

    again = await loading.load_paths(bulk, [tmp_path], batch_size=13)  # every kind is stored: the queries take it

    assert again.ok and again.created == again.updated == 0
    assert await snapshot(bulk) == stored


BAD_FILES = {
    "values": ("organisations.csv", b"key,name,country\nORG-1,One,DE\nORG-2,,DE\nORG-3,Three,Germany\nORG-4,Four\n"),
    "encoding": ("organisations.csv", b"key,name\nORG-1,One\nORG-2,T\xffo\nORG-3,Three\n"),
    "json": ("organisations.jsonl", b'{"key": "ORG-1", "name": "One"}\n{"key": "ORG-2", "nam": "Two"}\n[1]\n{"key"\n'),
    "header": ("organisations.csv", b"key,name,colour\nORG-1,One,red\n"),
    "empty": ("organisations.csv", b""),
}


@pytest.mark.parametrize("name", BAD_FILES)
async def test_a_process_reports_bad_rows_and_files_as_the_load_itself_does(bulk, tmp_path, request, name):
    file_name, content = BAD_FILES[name]
    path = tmp_path / file_name
    path.write_bytes(content)
    in_the_load = (await loading.load_paths(bulk, [path], batch_size=2)).files[0]
    await admin.delete_everything(bulk)
    processes = request.getfixturevalue("processes")

    in_a_process = (await loading.load_paths(bulk, [path], batch_size=2)).files[0]

    assert processes == ["organisations"]
    assert in_a_process.to_dict() == in_the_load.to_dict()
    assert in_a_process.rejections or in_a_process.error


async def test_the_next_file_starts_its_process_while_one_loads_and_a_failed_load_stops_them(bulk, tmp_path, processes):
    generate(tmp_path, organisations=300, seed=4)
    started = processes.batches
    reading_at_the_first_insert: list[str] = []

    async def the_engine_fails(name, rows):
        reading_at_the_first_insert.extend(processes)
        raise EngineUnavailable("the engine went away")

    with pytest.raises(LoadInterrupted):
        await loading.load_paths(CountingInserts(bulk, before_insert=the_engine_fails), [tmp_path])

    assert reading_at_the_first_insert == ["organisations", "contacts"]
    assert [batches._process.returncode is not None for batches in started] == [True, True]
    assert not any(batches._receiver.is_alive() for batches in started)


def test_closing_the_batches_of_a_process_stops_it(tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name\n" + "".join(f"ORG-{n},Org {n}\n" for n in range(20_000)))
    batches = reading.ProcessBatches(loading.KINDS_BY_NAME["organisations"], path, 10)

    assert [row.values["key"] for row in batches.next().rows] == [f"ORG-{n}" for n in range(10)]
    batches.close()

    assert batches._process.returncode is not None
    assert not batches._receiver.is_alive()


def test_a_process_that_stops_without_a_reason_is_an_error(tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name\nORG-1,One\n")
    batches = reading.ProcessBatches(SimpleNamespace(name="no such kind"), path, 10)
    try:
        with pytest.raises(RuntimeError, match=r"the process reading .*organisations.csv stopped \(exit code 1\)"):
            batches.next()
    finally:
        batches.close()


async def test_a_file_of_a_kind_the_graph_holds_is_written_by_the_queries(bulk, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write(tmp_path / "a", "organisations.csv", "key,name\nORG-1,One\nORG-2,Two\n")
    second = write(tmp_path / "b", "organisations.csv", "key,name\nORG-2,Two again\nORG-3,Three\n")
    counting = CountingInserts(bulk)

    await loading.load_paths(counting, [first])
    report = await loading.load_paths(counting, [second])

    assert counting.inserted == ["Organisation"]  # the first file only
    assert counts(report.files[0]) == (1, 1, 0, 0)
    assert await rows(bulk, "MATCH (o:Organisation) RETURN o.key AS key, o.name AS name ORDER BY key") == [
        {"key": "ORG-1", "name": "One"},
        {"key": "ORG-2", "name": "Two again"},
        {"key": "ORG-3", "name": "Three"},
    ]


async def test_another_writer_during_a_bulk_load_hands_the_rest_to_the_queries(bulk, tmp_path):
    path = write(tmp_path, "organisations.csv", "key,name\n" + "".join(f"ORG-{n},Org {n}\n" for n in range(300)))

    async def someone_else_writes(name, rows):
        if any(row[0] == "ORG-250" for row in rows):  # the third insert: another writer stores one of its keys first,
            while not counting.inserted:  # once the first insert is written
                await asyncio.sleep(0.001)
            await loading.load_records(bulk, "organisations", [{"key": "ORG-250", "name": "Someone else's"}])

    counting = CountingInserts(bulk, before_insert=someone_else_writes)
    report = await loading.load_paths(counting, [path], batch_size=10)  # an insert takes 10 batches: 100 rows

    # The first insert was written before the other writer; the second only if it was written before it too
    # (three are prepared at once). The third was refused, and the queries took over.
    assert counting.inserted in (["Organisation"], ["Organisation"] * 2)
    assert counts(report.files[0]) == (299, 1, 0, 0)
    assert await rows(bulk, "MATCH (o:Organisation) RETURN count(*) AS n, count(DISTINCT o.key) AS keys") == [
        {"n": 300, "keys": 300}
    ]
    assert await rows(bulk, "MATCH (o:Organisation {key: 'ORG-250'}) RETURN o.name AS name") == [{"name": "Org 250"}]


async def test_a_bulk_insert_takes_ten_batches_and_reports_progress_after_each(bulk, tmp_path):
    write(tmp_path, "organisations.csv", "key,name\n" + "".join(f"ORG-{n},Org {n}\n" for n in range(250)))
    seen = []

    await loading.load_paths(bulk, [tmp_path], batch_size=10, progress=seen.append)

    assert [step.rows for step in seen] == [100, 200, 250]


async def test_a_text_with_a_nul_character_is_rejected_naming_its_line_and_field(bulk, tmp_path):
    records = [{"key": "ORG-1", "name": "Plain"}, {"key": "ORG-2", "name": "Nul\u0000inside"}]
    path = write(tmp_path, "organisations.jsonl", "".join(json.dumps(record) + "\n" for record in records))

    report = await loading.load_paths(bulk, [path])

    assert counts(report.files[0]) == (1, 0, 0, 1)
    assert rejections(report) == {(2, "name", "holds a NUL character (\\0), which cannot be stored")}


@pytest.mark.parametrize("value", ["a\u0000b", 2**63, float("inf"), float("nan"), object()])
def test_values_the_binary_format_cannot_carry_are_refused(value):
    with pytest.raises(InsertRefused):
        _value(value)


def test_values_are_encoded_as_falkordb_reads_them():
    assert _value("Köln") == b"\x03K\xc3\xb6ln\x00"
    assert _value(None) == b"\x00"
    assert _value(True) == b"\x01\x01"
    assert _value(-2) == b"\x04" + (-2).to_bytes(8, "little", signed=True)
    assert _value(0.5) == b"\x02" + bytes.fromhex("000000000000e03f")

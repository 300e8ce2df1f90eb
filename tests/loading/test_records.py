"""Records held in memory load through the pipeline of a load file: one batch, one write, all or nothing."""

import datetime

import pytest

from graph import loading
from graph.errors import InvalidInput
from tests.loading.helpers import counts, rows, write

ORGANISATIONS = "key,name\nORG-A,Alpha\nORG-B,Beta\nORG-C,Gamma\n"


class WriteCountingStore:
    """Wraps a store and counts the write queries sent through it."""

    def __init__(self, store):
        self.store = store
        self.writes = 0

    async def read(self, query, params=None):
        return await self.store.read(query, params)

    async def write(self, query, params=None):
        self.writes += 1
        return await self.store.write(query, params)

    def write_lock(self):
        return self.store.write_lock()


@pytest.fixture
async def organisations(store, tmp_path):
    """Stored organisations ORG-A, ORG-B and ORG-C."""
    assert (await loading.load_paths(store, [write(tmp_path, "organisations.csv", ORGANISATIONS)])).ok


async def parents(store) -> set[tuple]:
    found = await rows(
        store,
        "MATCH (p:Organisation)-[l:PARENT_OF]->(c:Organisation) RETURN p.key AS p, c.key AS c, l.valid_to AS valid_to",
        days=("valid_to",),
    )
    return {(row["p"], row["c"], row["valid_to"]) for row in found}


async def test_records_load_like_rows_of_a_file_in_one_write(store, organisations):
    counting = WriteCountingStore(store)
    records = [
        {"parent_key": "ORG-A", "child_key": "ORG-C", "valid_to": datetime.date(2024, 6, 30)},
        {"parent_key": "ORG-B", "child_key": "ORG-C", "valid_from": "2024-07-01", "share": 50},
    ]

    report = await loading.load_records(counting, "parents", records)
    again = await loading.load_records(store, "parents", records)

    assert counting.writes == 1
    assert (report.kind, report.path.name, report.outcome) == ("parents", "<parents>", "loaded")
    assert counts(report) == (2, 0, 0, 0)
    assert counts(again) == (0, 0, 2, 0)
    assert await parents(store) == {("ORG-A", "ORG-C", datetime.date(2024, 6, 30)), ("ORG-B", "ORG-C", None)}


async def test_one_rejected_record_keeps_every_record_from_being_written(store, organisations):
    records = [
        {"parent_key": "ORG-A", "child_key": "ORG-B"},
        {"parent_key": "ORG-A", "child_key": "ORG-A"},
        {"parent_key": "ORG-Z", "child_key": "ORG-C"},
        {"parent_key": "ORG-C", "child_key": "ORG-B"},
        {"parent_key": "ORG-C", "child_key": "ORG-A", "colour": "red"},
    ]

    report = await loading.load_records(store, "parents", records)

    assert (report.outcome, report.rejected, report.not_written, report.created) == ("refused", 4, 1, 0)
    assert [(r.line, r.field, r.cause) for r in report.rejections] == [
        (2, "child_key", loading.INVALID),
        (3, "parent_key", loading.UNKNOWN),
        (4, None, loading.CONFLICT),
        (5, "colour", loading.INVALID),
    ]
    assert "ORG-B already has the parent ORG-A" in report.rejections[2].reason
    assert await parents(store) == set()


async def test_an_unregistered_type_is_invalid_and_an_unknown_end_unknown(store, organisations):
    assert counts(await loading.load_records(store, "relationship_types", [{"type": "consultant_of"}])) == (1, 0, 0, 0)
    records = [
        {"from_key": "ORG-A", "to_key": "ORG-B", "type": "sister_of"},
        {"from_key": "ORG-A", "to_key": "X", "type": "consultant_of"},
    ]

    report = await loading.load_records(store, "relationships", records)

    assert [(r.line, r.field, r.cause) for r in report.rejections] == [
        (1, "type", loading.INVALID),
        (2, "to_key", loading.UNKNOWN),
    ]


async def test_a_dry_run_writes_nothing_and_an_unknown_kind_is_invalid(store, organisations):
    report = await loading.load_records(store, "parents", [{"parent_key": "ORG-A", "child_key": "ORG-B"}], dry_run=True)

    assert counts(report) == (1, 0, 0, 0)
    assert await parents(store) == set()
    with pytest.raises(InvalidInput, match="unknown kind 'parent'"):
        await loading.load_records(store, "parent", [])

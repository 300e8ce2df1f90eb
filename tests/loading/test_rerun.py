"""A load killed half-way and run again ends in the same graph as one uninterrupted load."""

import asyncio
import csv
import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from graph import admin, loading
from graph.errors import EngineUnavailable, LoadInterrupted
from graph.store import Store
from tests.loading.cli import command, crmgraph, environment
from tests.loading.helpers import rows

ORGANISATIONS = 3000
KILL_WAIT_SECONDS = 120


def write_data(directory: Path, size: int = ORGANISATIONS) -> Path:
    """Write organisations, a dated hierarchy, debtors, accounts and a year of bookings for some of them."""
    directory.mkdir(parents=True, exist_ok=True)

    def table(name: str, header: list[str], records) -> None:
        with open(directory / f"{name}.csv", "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(header)
            writer.writerows(records)

    table(
        "organisations",
        ["key", "name", "kind", "city", "country"],
        ([f"ORG-{n:05d}", f"Firma {n}", "company" if n % 4 else "branch", "Berlin", "DE"] for n in range(size)),
    )
    table(
        "parents",
        ["parent_key", "child_key", "kind", "valid_from", "valid_to", "share"],
        (
            [f"ORG-{n // 3:05d}", f"ORG-{n:05d}", "legal", "2020-01-01" if n % 2 else "", "", "100" if n % 5 else ""]
            for n in range(1, size)
        ),
    )
    debtors = range(0, size, 10)
    table("debtors", ["number", "name"], ([f"D{n}", f"Account {n}"] for n in debtors))
    table("accounts", ["organisation_key", "debtor_number"], ([f"ORG-{n:05d}", f"D{n}"] for n in debtors))
    table(
        "revenue",
        ["debtor_number", "period", "revenue", "gross_profit"],
        ([f"D{n}", f"2025-{month:02d}", f"{n}.{month:02d}", "1.50"] for n in debtors for month in range(1, 13)),
    )
    return directory


async def graph_state(store: Store) -> tuple:
    """Counts per label and relationship type, and every stored property of what the data set loads."""
    # The change records count the writes, which a rerun makes more of: bookkeeping, not data.
    labels = await rows(store, "MATCH (n) WHERE NOT n:Change RETURN labels(n)[0] AS label, count(*) AS n")
    types = await rows(store, "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n")
    organisations = await rows(store, "MATCH (o:Organisation) RETURN properties(o) AS props")
    parents = await rows(
        store,
        "MATCH (p:Organisation)-[r:PARENT_OF]->(c:Organisation) RETURN p.key AS parent, c.key AS child, "
        "properties(r) AS props",
    )
    bookings = await rows(
        store,
        "MATCH (a:DebtorAccount)-[b:BOOKED_FOR]->(o:Organisation) "
        "RETURN a.number AS account, o.key AS organisation, properties(b) AS props",
    )
    return (
        {(row["label"], row["n"]) for row in labels},
        {(row["type"], row["n"]) for row in types},
        sorted(map(repr, organisations)),
        sorted(map(repr, parents)),
        sorted(map(repr, bookings)),
    )


async def uninterrupted(store: Store, data: Path) -> tuple:
    """Return the graph one uninterrupted load of `data` gives, on an emptied graph."""
    await admin.delete_everything(store)
    report = await loading.load_paths(store, [data])
    assert report.ok and report.updated == 0 and report.unchanged == 0
    return await graph_state(store)


async def count(store: Store, pattern: str) -> int:
    return (await rows(store, f"MATCH {pattern} RETURN count(*) AS n"))[0]["n"]


async def test_a_load_killed_with_sigkill_and_run_again_equals_an_uninterrupted_load(settings, store, tmp_path):
    data = write_data(tmp_path / "data")
    process = subprocess.Popen(
        command("load", "--batch-size", "20", str(data)),
        env=environment(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Kill it once the hierarchy is partly written: organisations are in, bookings not yet.
        deadline = time.monotonic() + KILL_WAIT_SECONDS
        while await count(store, "()-[:PARENT_OF]->()") < 200:
            assert process.poll() is None, "the load ended before it could be killed: make the data set bigger"
            assert time.monotonic() < deadline, "the load did not get to the hierarchy in time"
            await asyncio.sleep(0.01)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
    parents_at_kill = await count(store, "()-[:PARENT_OF]->()")
    assert 200 <= parents_at_kill < ORGANISATIONS - 1
    assert await count(store, "()-[:BOOKED_FOR]->()") == 0

    rerun = crmgraph(settings, "load", "--json", "--batch-size", "500", str(data))
    report = json.loads(rerun.stdout)
    after_rerun = await graph_state(store)
    again = await loading.load_paths(store, [data])

    assert rerun.returncode == 0, rerun.stderr
    files = {file["kind"]: file for file in report["files"]}
    assert files["organisations"]["unchanged"] == ORGANISATIONS
    assert files["parents"]["unchanged"] >= parents_at_kill - 1  # the batch in flight may or may not have landed
    assert files["parents"]["created"] + files["parents"]["unchanged"] == ORGANISATIONS - 1
    assert report["totals"]["updated"] == report["totals"]["rejected"] == 0
    assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    assert after_rerun == await uninterrupted(store, data)


class FailingStore:
    """A store whose writes fail, as a lost engine would, after `allowed` of them succeeded."""

    def __init__(self, store: Store, allowed: int):
        self._store = store
        self.engine = store.engine
        self.allowed = allowed

    async def read(self, query, params=None):
        return await self._store.read(query, params)

    async def write(self, query, params=None):
        self._use_up_one()
        return await self._store.write(query, params)

    async def install_schema(self):
        return await self._store.install_schema()

    def inserter(self, insertion):
        inserter = self._store.inserter(insertion)
        return None if inserter is None else FailingInserter(self, inserter)

    def write_lock(self):
        return self._store.write_lock()

    def _use_up_one(self):
        if self.allowed == 0:
            raise EngineUnavailable("the engine went away")
        self.allowed -= 1


class FailingInserter:
    """A bulk inserter whose batches count as writes of its FailingStore, and fail as they do."""

    def __init__(self, store: FailingStore, inserter):
        self._store, self._inserter = store, inserter

    def expect(self, revision):
        self._inserter.expect(revision)

    async def insert(self, rows):
        self._store._use_up_one()
        await self._inserter.insert(rows)


@pytest.mark.parametrize("allowed", [3, 25, 43], ids=["in organisations", "in parents", "in revenue"])
async def test_a_load_that_fails_after_some_batches_and_runs_again_equals_an_uninterrupted_load(
    store, tmp_path, allowed
):
    data = write_data(tmp_path / "data", size=1500)

    with pytest.raises(LoadInterrupted):
        await loading.load_paths(FailingStore(store, allowed), [data], batch_size=10)
    rerun = await loading.load_paths(store, [data], batch_size=10)
    after_rerun = await graph_state(store)

    assert rerun.ok and rerun.updated == 0 and rerun.unchanged > 0
    assert after_rerun == await uninterrupted(store, data)


async def test_a_load_stopped_by_the_engine_raises_the_report_of_what_it_had_done(store, tmp_path):
    data = write_data(tmp_path / "data", size=1500)

    with pytest.raises(LoadInterrupted) as raised:
        await loading.load_paths(FailingStore(store, 25), [data], batch_size=10)

    report = raised.value.report
    assert isinstance(raised.value.__cause__, EngineUnavailable) and raised.value.status == 503
    assert [file.outcome for file in report.files[:-1]] == ["loaded"] * (len(report.files) - 1)
    assert report.files[-1].outcome == "interrupted" and report.files[-1].kind == "parents"
    assert report.files[0].created > 0 and report.to_dict()["files"][-1]["outcome"] == "interrupted"

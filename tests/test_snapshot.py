"""The snapshot (graph/snapshot.py): kept while nothing is written, read again after every write, and its structure
of a day computed level by level. Its answers are compared with plain-Python references in
tests/hierarchy/test_whole_graph.py (structure) and tests/revenue/test_reference.py (ledger)."""

import asyncio
import datetime
import threading
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph import months, snapshot, snapshots, structure
from graph.errors import QueryError
from graph.queries import Query
from graph.store import Row, Store
from tests.helpers import load_rows

DAY = datetime.date(2024, 6, 1)
ONE_DAY = datetime.timedelta(days=1)


async def test_the_snapshot_is_kept_while_nothing_is_written_and_read_again_after_a_write(store, snapshots, tmp_path):
    await load_rows(store, tmp_path / "1", "organisations", [{"key": key, "name": key} for key in ("B", "A", "C")])
    first = await snapshots.current()

    assert await snapshots.current() is first
    assert first.keys == ("A", "B", "C")
    assert first.ids(["C", "NOPE", "A"]).tolist() == [0, 2]

    await structure.set_parent(store, child="B", parent="A", valid_from=DAY)
    second = await snapshots.current()

    assert second is not first
    assert second.keys_of((await second.forest(DAY)).subtree(0).tolist()) == ["A", "B"]
    assert (await first.forest(DAY)).subtree(0).tolist() == [0]


class WritingBetweenReads:
    """The store, but its first read of the PARENT_OF links lets a write in once the links are read: a write that
    lands between the snapshot's reads of the graph, every time the same way."""

    def __init__(self, store: Store, write: Callable[[], Awaitable[object]]) -> None:
        self.store, self.write, self.link_reads = store, write, 0

    async def revision(self) -> str | None:
        return await self.store.revision()

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        return await self.store.read(query, params)

    async def read_columns(self, query: Query, params: Mapping[str, Any] | None = None, **options: Any) -> dict:
        columns = await self.store.read_columns(query, params, **options)
        if query is snapshot.FIND_PARENT_LINKS:
            self.link_reads += 1
            if self.link_reads == 1:
                await self.write()
        return columns


async def test_a_write_between_the_reads_of_the_graph_makes_the_snapshot_read_it_again(store, tmp_path):
    await load_rows(store, tmp_path / "1", "organisations", [{"key": key, "name": key} for key in ("A", "B")])
    writing = WritingBetweenReads(store, lambda: structure.set_parent(store, child="B", parent="A", valid_from=DAY))

    found = await snapshots.Snapshots(writing).current()

    # The links read before the write are thrown away with the rest of that read: the answer is the graph after it.
    assert writing.link_reads == 2
    assert found.token == await store.revision()
    assert found.keys_of((await found.forest(DAY)).subtree(0).tolist()) == ["A", "B"]


async def held_keys(snapshots: snapshots.Snapshots, expected: list[str]) -> list[str]:
    """Return the keys of the snapshot held once they are `expected`, or after ten seconds."""
    for _ in range(500):
        held = snapshots.held()
        if held and list(held.keys) == expected:
            break
        await asyncio.sleep(0.02)
    return list(held.keys) if held else []


async def test_kept_current_reads_the_snapshot_again_once_writes_have_paused(store, snapshots, tmp_path):
    await load_rows(store, tmp_path / "1", "organisations", [{"key": "A", "name": "A"}])

    async with snapshots.kept_current(poll_seconds=0.02, quiet_seconds=0.1):
        first = await held_keys(snapshots, ["A"])
        await load_rows(store, tmp_path / "2", "organisations", [{"key": "B", "name": "B"}])
        second = await held_keys(snapshots, ["A", "B"])

    assert (first, second) == (["A"], ["A", "B"])
    assert snapshots.held().token == await store.revision()


async def test_bookings_are_summed_per_organisation_and_month_from_the_first_booked_month(store, snapshots, tmp_path):
    await load_rows(store, tmp_path / "1", "organisations", [{"key": key, "name": key} for key in ("A", "B")])
    await load_rows(store, tmp_path / "2", "debtors", [{"number": "100", "name": "Debtor 100"}])
    await load_rows(
        store,
        tmp_path / "2",
        "accounts",
        [{"debtor_number": "100", "organisation_key": "A", "role": "sold_to"}],
    )
    rows = [
        {"debtor_number": "100", "period": period, "revenue": revenue, "gross_profit": "", "organisation_key": key}
        for period, revenue, key in (("2024-03", "10.00", "A"), ("2024-01", "2.50", "B"), ("2024-03", "-1.00", "B"))
    ]
    await load_rows(store, tmp_path / "3", "revenue", rows)

    ledger = (await snapshots.current()).ledger

    assert months.period_of(ledger.first_month) == "2024-01"
    assert ledger.revenue.tolist() == [[0, 0, 1000], [250, 0, -100]]
    assert ledger.gross_profit.tolist() == [[0, 0, 0], [0, 0, 0]]
    assert ledger.bookings.tolist() == [[0, 0, 1], [1, 0, 1]]
    assert ledger.columns(months.number("2023-06"), months.number("2024-02")) == slice(0, 2)
    assert ledger.columns(months.number("2024-04"), months.number("2024-09")) == slice(3, 3)
    assert ledger.columns(months.number("2022-01"), months.number("2022-12")) == slice(0, 0)


def links(*pairs: tuple[int, int]) -> snapshot.Links:
    parents, children = zip(*pairs, strict=True) if pairs else ((), ())
    open_ends = np.zeros(len(pairs), np.int64)
    return snapshot.Links(
        np.array(parents, np.int64),
        np.array(children, np.int64),
        open_ends + snapshot.OPEN_START,
        open_ends + snapshot.OPEN_END,
    )


@pytest.fixture
def held_up_forests(monkeypatch):
    """Make every structure computed from the links wait until the returned event is set; count them."""
    release, computed = threading.Event(), []
    compute = snapshot.forest_of

    def held_up(day, count, links):
        assert release.wait(timeout=10)
        computed.append(day)
        return compute(day, count, links)

    monkeypatch.setattr(snapshot, "forest_of", held_up)
    return release, computed


async def test_a_kept_day_is_answered_while_another_day_is_being_computed(store, snapshots, held_up_forests):
    release, _ = held_up_forests
    held = await snapshots.current()
    release.set()
    kept = await held.forest(DAY)
    release.clear()
    computing = asyncio.create_task(held.forest(DAY + ONE_DAY))
    await asyncio.sleep(0.05)

    answered = await asyncio.wait_for(held.forest(DAY), timeout=5)
    release.set()
    await computing

    assert answered is kept and not computing.cancelled()


async def test_the_questions_waiting_for_a_day_get_it_in_one_turn_of_the_event_loop(store, snapshots, held_up_forests):
    release, computed = held_up_forests
    held = await snapshots.current()
    turns = 0
    answered_at = []

    async def ask() -> None:
        await held.forest(DAY)
        answered_at.append(turns)

    questions = [asyncio.create_task(ask()) for _ in range(5)]
    await asyncio.sleep(0.05)
    release.set()
    while len(answered_at) < len(questions):
        await asyncio.sleep(0)
        turns += 1
    await asyncio.gather(*questions)

    # Handed from one question to the next, each took a turn: in W7 the last of 32 waited 290 ms.
    assert max(answered_at) - min(answered_at) <= 1
    assert computed == [DAY]


async def test_a_question_that_gives_up_waiting_for_a_day_leaves_it_computed_for_the_others(
    store, snapshots, held_up_forests
):
    release, computed = held_up_forests
    held = await snapshots.current()
    first = asyncio.create_task(held.forest(DAY))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(held.forest(DAY))
    await asyncio.sleep(0)
    first.cancel()
    release.set()

    forest = await second

    assert forest.day == DAY and computed == [DAY]
    assert await held.forest(DAY) is forest


def test_links_that_form_a_cycle_are_an_error_naming_the_day():
    with pytest.raises(QueryError, match="2024-06-01 form a cycle"):
        snapshot.forest_of(DAY, 3, links((1, 2), (2, 1)))


def test_a_child_with_two_parents_on_a_day_hangs_under_the_one_with_the_smaller_key():
    forest = snapshot.forest_of(DAY, 3, links((2, 1), (0, 1)))

    assert forest.parent.tolist() == [snapshot.NO_PARENT, 0, snapshot.NO_PARENT]
    assert forest.roots.tolist() == [0, 2]


@given(parents=st.lists(st.integers(0, 40), min_size=1, max_size=40))
def test_every_subtree_is_one_slice_of_the_pre_order(parents):
    # Each organisation i > 0 hangs under a smaller one (or none): a forest, drawn as a list of parents.
    pairs = [(parent % number, number) for number, parent in enumerate(parents) if number and parent % 3]
    count = len(parents)
    forest = snapshot.forest_of(DAY, count, links(*pairs))
    children = {number: sorted(child for parent, child in pairs if parent == number) for number in range(count)}

    def pre_order(top: int) -> list[int]:
        found = [top]
        for child in children[top]:
            found.extend(pre_order(child))
        return found

    roots = [number for number in range(count) if all(child != number for _, child in pairs)]
    assert forest.roots.tolist() == roots
    assert forest.order.tolist() == [number for root in roots for number in pre_order(root)]
    for number in range(count):
        assert forest.subtree(number).tolist() == pre_order(number)
        assert forest.root[number] in roots and number in pre_order(int(forest.root[number]))
    tops = np.array(sorted({number for number in parents if number < count}), np.int64)
    assert forest.covered(tops).tolist() == sorted({member for top in tops.tolist() for member in pre_order(top)})

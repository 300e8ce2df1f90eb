"""The parts of a followed snapshot built without the graph: a day's structure with subtrees moved, and a ledger
with rows held apart, each against the same thing computed from scratch."""

import datetime
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import following, snapshot
from graph.errors import QueryError
from graph.snapshot import NO_PARENT, Ledger, Links

DAY = datetime.date(2025, 6, 1)
# No organisation whose links to its children were all read again: a moved link is named by its child.
NOBODY = np.zeros(64, bool)


def _links(pairs: list[tuple[int, int]]) -> Links:
    parents, children = zip(*pairs, strict=True) if pairs else ((), ())
    return Links(
        parents=np.array(parents, np.int64),
        children=np.array(children, np.int64),
        starts=np.full(len(pairs), snapshot.OPEN_START, np.int64),
        ends=np.full(len(pairs), snapshot.OPEN_END, np.int64),
    )


@st.composite
def forests_and_moves(draw):
    """A forest of up to 40 organisations, and new parents (or none) for some of them, each move keeping it a forest
    or not (a cycle)."""
    count = draw(st.integers(1, 40))
    parent = [NO_PARENT] + [draw(st.one_of(st.just(NO_PARENT), st.integers(0, child - 1))) for child in range(1, count)]
    # Shuffle the ids so that parents are not always smaller than their children.
    relabel = draw(st.permutations(range(count)))
    before = [(relabel[above], relabel[child]) for child, above in enumerate(parent) if above != NO_PARENT]
    moving = draw(st.lists(st.integers(0, count - 1), unique=True, max_size=6))
    new_parent = {child: above for above, child in before}
    for child in moving:
        new_parent[child] = draw(
            st.one_of(st.just(NO_PARENT), st.integers(0, count - 1).filter(lambda p, c=child: p != c))
        )
    after = [(above, child) for child, above in new_parent.items() if above != NO_PARENT]
    return count, before, after, moving


@settings(max_examples=300, deadline=None)
@given(forests_and_moves())
def test_a_kept_day_with_subtrees_moved_equals_the_day_computed_again(case):
    count, before_pairs, after_pairs, moving = case
    before, after = _links(before_pairs), _links(after_pairs)
    named = np.zeros(count, bool)
    named[moving] = True
    kept = snapshot.forest_of(DAY, count, before)
    try:
        expected = snapshot.forest_of(DAY, count, after)
    except QueryError:
        # A cycle: the kept day is dropped, and computing it again reports the cycle.
        assert following._carried(kept, before, after, named, NOBODY[:count]) is None
        return
    carried = following._carried(kept, before, after, named, NOBODY[:count])
    if carried is None:  # more moves than are worth it: computed again on first use
        assert len(moving) > following.FOREST_MOVES
        return
    for name in ("parent", "roots", "position", "size", "order", "root", "depth", "group_starts"):
        assert getattr(carried, name).tolist() == getattr(expected, name).tolist(), name
    if not np.array_equal(kept.parent, expected.parent):
        assert carried is not kept
        # The day kept by the snapshot before is left as it was: a question still answering from it sees one state.
        assert kept.parent.tolist() == snapshot.forest_of(DAY, count, before).parent.tolist()


@st.composite
def ledgers_and_rows(draw):
    count = draw(st.integers(1, 12))
    width = draw(st.integers(1, 5))
    cells = st.lists(st.lists(st.integers(-1000, 1000), min_size=width, max_size=width), min_size=count, max_size=count)
    base = [np.array(draw(cells), np.int64) for _ in range(3)]
    steps = draw(
        st.lists(
            st.lists(st.integers(0, count - 1), unique=True, min_size=1)
            .map(sorted)
            .flatmap(
                lambda ids: st.tuples(
                    st.just(ids),
                    st.lists(
                        st.lists(
                            st.lists(st.integers(-1000, 1000), min_size=width, max_size=width),
                            min_size=len(ids),
                            max_size=len(ids),
                        ),
                        min_size=3,
                        max_size=3,
                    ),
                )
            ),
            max_size=4,
        )
    )
    return count, width, base, steps


@settings(max_examples=200, deadline=None)
@given(ledgers_and_rows())
def test_a_ledger_with_rows_held_apart_answers_as_the_whole_arrays(case):
    count, width, base, steps = case
    ledger = Ledger(100, *base)
    whole = [array.copy() for array in base]
    earlier = []
    for ids, rows in steps:
        before = ledger
        ledger = following._with_rows(ledger, np.array(ids, np.int64), [np.array(row, np.int64) for row in rows])
        for array, new in zip(whole, rows, strict=True):
            array[ids] = new
        earlier.append((before, [array.copy() for array in before.merged()]))
    for array, merged in zip(whole, ledger.merged(), strict=True):
        assert array.tolist() == merged.tolist()
    ids = np.arange(count)[::-1].copy()
    revenue, profit = ledger.totals(101, 100 + width - 1, ids)
    assert revenue.tolist() == whole[0][ids][:, 1:].sum(axis=1).tolist()
    assert profit.tolist() == whole[1][ids][:, 1:].sum(axis=1).tolist()
    every_revenue, _ = ledger.totals(100, 100 + width)
    assert every_revenue.tolist() == whole[0].sum(axis=1).tolist()
    sums = ledger.sums(ids, 100, 100 + width - 1, per_organisation=True)
    assert sums.monthly_revenue.tolist() == whole[0][ids].sum(axis=0).tolist()
    with_bookings = whole[2][ids].sum(axis=1) > 0
    assert sums.booked.tolist() == ids[with_bookings].tolist()
    assert sums.revenue.tolist() == whole[0][ids][with_bookings].sum(axis=1).tolist()
    # The ledgers before answer as they did: nothing of theirs was written to.
    for before, merged in earlier:
        for array, again in zip(merged, before.merged(), strict=True):
            assert array.tolist() == again.tolist()


def test_a_ledger_with_many_rows_apart_is_merged_into_new_arrays(monkeypatch):
    monkeypatch.setattr(following, "LEDGER_ROWS_APART", 2)
    base = [np.zeros((4, 2), np.int64) for _ in range(3)]
    ledger = following._with_rows(Ledger(0, *base), np.array([0, 1]), [np.ones((2, 2), np.int64)] * 3)
    assert ledger.changed_rows is not None
    ledger = following._with_rows(ledger, np.array([3]), [np.full((1, 2), 5, np.int64)] * 3)
    assert ledger.changed_rows is None
    assert ledger.revenue.tolist() == [[1, 1], [1, 1], [0, 0], [5, 5]]
    assert base[0].sum() == 0


@pytest.mark.parametrize("new_parent", [NO_PARENT, 0, 3])
def test_moving_a_subtree_keeps_children_in_key_order(new_parent):
    # 0 ─ 1 ─ 2, 0 ─ 4; 3 alone; 5 under 3. Move 2 (with nothing under it) elsewhere.
    before = _links([(0, 1), (1, 2), (0, 4), (3, 5)])
    after_pairs = [(0, 1), (0, 4), (3, 5)] + ([] if new_parent == NO_PARENT else [(new_parent, 2)])
    after = _links(after_pairs)
    named = np.zeros(6, bool)
    named[2] = True
    carried = following._carried(snapshot.forest_of(DAY, 6, before), before, after, named, NOBODY[:6])
    expected = snapshot.forest_of(DAY, 6, after)
    assert carried is not None
    assert carried.order.tolist() == expected.order.tolist()
    assert carried.roots.tolist() == expected.roots.tolist()


def test_a_ledger_followed_over_a_write_that_named_no_organisation_answers_as_before():
    base = [np.arange(6, dtype=np.int64).reshape(3, 2) for _ in range(3)]
    ledger = following._with_rows(Ledger(0, *base), np.zeros(0, np.int64), [np.zeros((0, 2), np.int64)] * 3)

    sums = ledger.sums(np.array([2, 0]), 0, 1, per_organisation=True)

    assert sums.monthly_revenue.tolist() == [4, 6]
    assert ledger.totals(0, 1, np.array([1]))[0].tolist() == [5]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5, 5), max_size=30), st.data(), st.sampled_from([1_000, -1]))
def test_links_replaced_lose_their_dropped_rows_and_gain_the_read_ones(values, data, few):
    array = np.array(values, np.int64)
    rows = np.array(sorted(data.draw(st.sets(st.integers(0, max(len(values) - 1, 0))) if values else st.just(set()))))
    dropped = np.zeros(len(array), bool)
    dropped[rows.astype(np.int64)] = True
    added = np.array([7, 8], np.int64)

    # FEW_LINKS_DROPPED -1: every replacement goes through the mask, as a follow dropping many links does.
    with mock.patch.object(following, "FEW_LINKS_DROPPED", few):
        replaced = following._replaced(array, rows.astype(np.int64), dropped, added)

    assert replaced.tolist() == [value for at, value in enumerate(values) if at not in set(rows.tolist())] + [7, 8]
    assert array.tolist() == values

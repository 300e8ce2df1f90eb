"""How a snapshot follows the graph by its change records (graph/changes.py) instead of reading it whole.

A snapshot behind the graph reads the records after its own sequence number, then reads again only what they
name: which of those organisations exist, their PARENT_OF links to their parents, their bookings and their
ASSIGNED_TO links, the links to their children of those a merge named, and every territory when a record says
territories changed. The next snapshot is built from
the arrays of the one before with those parts replaced. Nothing of the snapshot it starts from changes, so a
question still answering from it sees one state of the graph:

- organisations added or removed renumber the others (ids stay in key order); without that, ids are kept;
- the ledger shares the arrays of the one before and holds the rows it changed apart (:class:`Ledger`) until
  they are many, then it is merged into new arrays;
- the structure of each day the snapshot kept is carried over when the changes moved no link of that day, and
  otherwise updated by moving the subtrees whose parent changed within a copy of its pre-order (a few
  milliseconds at a million organisations, against a second to compute it again); after many moves, or when
  organisations were renumbered, it is computed again on first use; a day still to be carried over when the
  next write comes is carried first, so that it stays kept;
- the monthly sums of the subtrees kept for a day are carried with it: each loses what the organisations read
  again or moved booked under its top before, and gains what they book under it now.

It gives up, and the caller reads the whole graph again, when the records it needs are gone, when a write changed
more than its record names, or when the records name so many organisations that reading them is no quicker.
"""

import asyncio
import bisect
import datetime
import functools
import heapq
import itertools
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from graph import changes, days, months
from graph.changes import Changes, Record
from graph.queries import declare
from graph.snapshot import (
    FIND_TERRITORIES,
    NO_PARENT,
    OPEN_ENDS,
    Assignments,
    Forest,
    Ledger,
    Links,
    Monthly,
    Snapshot,
    assignments_of,
    ids_of,
)
from graph.store import Store

FIND_ORGANISATIONS = declare("following/find_organisations")
FIND_PARENT_LINKS_IN = declare("following/find_parent_links_in")
FIND_PARENT_LINKS_OUT = declare("following/find_parent_links_out")
FIND_BOOKINGS = declare("following/find_bookings")
FIND_ASSIGNMENTS = declare("following/find_assignments")

# Organisations named by the records together above which reading the whole graph again is quicker.
FOLLOW_LIMIT = 100_000
# Subtrees moved within a kept structure of a day; with more, the day is computed again on first use.
FOREST_MOVES = 64
# Ledger rows held apart from the shared arrays before they are merged into new ones.
LEDGER_ROWS_APART = 20_000
# Links a follow replaces up to which the link arrays are copied piece by piece around them, not through a mask.
FEW_LINKS_DROPPED = 1_000
# Kept subtree sums are carried while no more parents of the day changed, and while kept tops times the
# organisations changed stay under this; else each is summed again when asked.
SUMS_MOVES = 1_000
SUMS_CHANGED_CELLS = 1_000_000
# What :func:`follow` answers when a write came in while it read: the caller tries again.
MOVED = "a write came in while the changes were read"


@dataclass(frozen=True)
class Followed:
    """A snapshot brought up to date, and what changed since the one it started from."""

    snapshot: Snapshot
    changes: Changes


@dataclass(frozen=True)
class _Found:
    """What the graph holds now of the organisations the records name (keys, in the order the engine gave)."""

    named: list[str]
    children_of: list[str]
    existing: set[str]
    links: dict[str, list[Any]]
    bookings: dict[str, list[Any]]
    assignments: dict[str, list[str]]
    territories: tuple[list[str], list[str]] | None


async def follow(store: Store, held: Snapshot) -> Followed | str:
    """Bring `held` up to date by the graph's change records.

    Returns:
        The snapshot of the graph as it is now, with what changed; MOVED when a write came in while the changes
        were read (ask again); otherwise why only a read of the whole graph will do.

    Raises:
        QueryError: the engine failed a read.
    """
    records = await changes.records_since(store, held.sequence)
    if not records:
        now = await changes.position(store)
        if now.token == held.token:
            return Followed(held, Changes())
        if now.sequence > held.sequence:
            # A write came in after the records were read: its record is there now.
            return MOVED
        return "the graph keeps no change record after the snapshot's revision"
    reason = _gap(held, records)
    if reason:
        return reason
    together = changes.union(record.changes for record in records)
    if together.everything:
        return "a write changed more than its change record names (a bulk load or a migration)"
    if len(together.organisations) + len(together.children_of) > FOLLOW_LIMIT:
        return f"the writes changed {len(together.organisations | together.children_of):,} organisations"
    last = records[-1]
    if not together.organisations and not together.children_of and not together.territories:
        # Users, contacts, accounts, API keys: nothing to read again.
        return Followed(held.at_revision(last.token, last.sequence), together)
    found = await _read(store, together)
    if await changes.position(store) != changes.Position(last.token, last.sequence):
        return MOVED
    forests = await held.carried_forests()
    return Followed(await asyncio.to_thread(applied, held, found, forests, last), together)


def _gap(held: Snapshot, records: list[Record]) -> str | None:
    """Return why the records do not continue from the snapshot's revision, or None when they do."""
    first = records[0]
    if first.sequence != held.sequence + 1 or first.previous != held.token:
        return f"the change records from sequence number {held.sequence + 1} on are gone"
    for before, after in itertools.pairwise(records):
        if after.sequence != before.sequence + 1 or after.previous != before.token:
            return f"the change record {before.sequence + 1} is gone"
    return None


async def _read(store: Store, together: Changes) -> _Found:
    """Read what the graph holds now of the organisations `together` names, and the territories if they changed."""
    named = sorted(together.organisations)
    children_of = sorted(together.children_of)
    params = {"keys": named}
    existing, links_in, links_out, bookings, assigned, territories = await asyncio.gather(
        store.read(FIND_ORGANISATIONS, params),
        store.read(FIND_PARENT_LINKS_IN, {**params, **OPEN_ENDS}),
        store.read(FIND_PARENT_LINKS_OUT, {"keys": children_of, **OPEN_ENDS}),
        store.read(FIND_BOOKINGS, params),
        store.read(FIND_ASSIGNMENTS, params),
        store.read(FIND_TERRITORIES) if together.territories else asyncio.sleep(0, None),
    )
    named_set = set(named)
    # A link between two named organisations comes both in and out: it is taken from the links in.
    links = links_in + [row for row in links_out if row["child"] not in named_set]
    return _Found(
        named=named,
        children_of=children_of,
        existing={row["key"] for row in existing},
        links={name: [row[name] for row in links] for name in ("parent", "child", "valid_from", "valid_to")},
        bookings={name: [row[name] for row in bookings] for name in ("key", "period", "revenue", "gross_profit")},
        assignments={name: [row[name] for row in assigned] for name in ("key", "territory")},
        territories=None
        if territories is None
        else (list(territories[0]["territory_keys"]), list(territories[0]["territory_names"]))
        if territories
        else ([], []),
    )


def applied(held: Snapshot, found: _Found, forests: list[Forest], last: Record) -> Snapshot:
    """Return the snapshot `held` with what `found` read of the organisations the records named put in, at the
    revision of the `last` record."""
    keys, index, renumbered = _renumbered(held, found)
    named_before = np.zeros(len(held.keys), bool)
    named_before[held.ids(found.named)] = True
    # The organisations whose links to their children are read again: those named so, and those removed.
    parents_before = np.zeros(len(held.keys), bool)
    parents_before[held.ids(found.children_of)] = True
    parents_before[held.ids(key for key in found.named if key not in found.existing)] = True
    links = _links(held.links, named_before, parents_before, renumbered, index, found)
    named_now = np.sort(ids_of(index, sorted(found.existing)))
    ledger = _ledger(held.ledger, named_now, renumbered, index, found, len(keys))
    assignments = _assignments(held.assignments, named_before, renumbered, index, found, len(keys))
    # Each kept day is carried over on first use: a day nobody asks again costs nothing.
    kept: OrderedDict[datetime.date, Callable[[], Forest | None]] = OrderedDict()
    sums: dict[datetime.date, Callable[[Forest], dict[int, Monthly]]] = {}
    if renumbered is None:
        for forest in forests:
            kept[forest.day] = functools.partial(_carried, forest, held.links, links, named_before, parents_before)
            kept_sums = held.kept_subtree_sums(forest.day)
            if kept_sums and held.ledger.same_months(ledger):
                sums[forest.day] = functools.partial(
                    _carried_sums, dict(kept_sums), forest, held.ledger, ledger, named_now
                )
    return Snapshot(
        last.token, last.sequence, keys, index, links, ledger, assignments, _forests=kept, _carried_sums=sums
    )


def _renumbered(held: Snapshot, found: _Found) -> tuple[tuple[str, ...], dict[str, int], np.ndarray | None]:
    """Return the keys and their ids after the organisations added and removed, and each old id's new one (-1 for a
    removed one); None instead when no organisation was added or removed, and the ids stay."""
    added = sorted(key for key in found.existing if key not in held.index)
    removed = sorted(key for key in found.named if key in held.index and key not in found.existing)
    if not added and not removed:
        return held.keys, held.index, None
    count = len(held.keys)
    removed_ids = np.array([held.index[key] for key in removed], np.int64)
    places = np.array([bisect.bisect_left(held.keys, key) for key in added], np.int64)
    old = np.arange(count)
    renumbered = old - np.searchsorted(removed_ids, old) + np.searchsorted(places, old, side="right")
    renumbered[removed_ids] = -1
    gone = set(removed)
    kept_keys = [key for key in held.keys if key not in gone] if gone else held.keys
    keys = tuple(heapq.merge(kept_keys, added))
    return keys, dict(zip(keys, range(len(keys)), strict=True)), renumbered


def _links(
    before: Links,
    named: np.ndarray,
    parents: np.ndarray,
    renumbered: np.ndarray | None,
    index: dict[str, int],
    found: _Found,
) -> Links:
    """Return the links without those into a named organisation or out of one of `parents`, renumbered, with
    those links as read now."""
    dropped = named[before.children]
    if parents.any():
        dropped |= parents[before.parents]
    rows = np.flatnonzero(dropped)
    old_parents, old_children = before.parents, before.children
    if renumbered is not None:
        old_parents, old_children = renumbered[old_parents], renumbered[old_children]
    read = found.links
    return Links(
        parents=_replaced(old_parents, rows, dropped, ids_of(index, read["parent"])),
        children=_replaced(old_children, rows, dropped, ids_of(index, read["child"])),
        starts=_replaced(before.starts, rows, dropped, np.array(read["valid_from"], np.int64)),
        ends=_replaced(before.ends, rows, dropped, np.array(read["valid_to"], np.int64)),
    )


def _replaced(array: np.ndarray, rows: np.ndarray, dropped: np.ndarray, added: np.ndarray) -> np.ndarray:
    """Return `array` without its entries at `rows` (ascending, marked in `dropped`), with `added` appended."""
    if len(rows) > FEW_LINKS_DROPPED:
        return np.concatenate((array[~dropped], added))
    # A few rows: the pieces between them are copied once, where a mask would test every entry.
    pieces = np.split(array, rows)
    return np.concatenate([pieces[0], *(piece[1:] for piece in pieces[1:]), added])


def _ledger(
    before: Ledger,
    named: np.ndarray,
    renumbered: np.ndarray | None,
    index: dict[str, int],
    found: _Found,
    count: int,
) -> Ledger:
    """Return the ledger with the rows of the named organisations (`named`: their ids now, sorted) as read now."""
    read = found.bookings
    booked = ids_of(index, read["key"])
    booked_months = np.array([months.number(period) for period in read["period"]], np.int64)
    width = before.revenue.shape[1]
    spans = [(before.first_month, before.first_month + width - 1)] if width else []
    if len(booked_months):
        spans.append((int(booked_months.min()), int(booked_months.max())))
    first = min(start for start, _ in spans) if spans else before.first_month
    last = max(end for _, end in spans) if spans else first - 1
    rows = np.searchsorted(named, booked)
    cells = []
    for values in (read["revenue"], read["gross_profit"], None):
        column = np.ones(len(booked), np.int64) if values is None else np.array(values, np.int64)
        summed = np.zeros((len(named), last - first + 1), np.int64)
        np.add.at(summed, (rows, booked_months - first), column)
        cells.append(summed)
    if renumbered is None and first == before.first_month and last - first + 1 == width:
        return _with_rows(before, named, cells)
    # New ids or new months: new arrays, the rows kept moved to their new ids and months.
    whole = before.merged()
    kept = np.flatnonzero(renumbered >= 0) if renumbered is not None else np.arange(len(whole[0]))
    moved_to = renumbered[kept] if renumbered is not None else kept
    offset = before.first_month - first
    arrays = []
    for array, named_cells in zip(whole, cells, strict=True):
        new = np.zeros((count, last - first + 1), np.int64)
        new[moved_to, offset : offset + width] = array[kept]
        new[named] = named_cells
        arrays.append(new)
    return Ledger(first, *arrays)


def _with_rows(before: Ledger, named: np.ndarray, cells: list[np.ndarray]) -> Ledger:
    """Return the ledger sharing the arrays of `before`, with the rows of `named` (sorted ids) held apart."""
    if not len(named):
        return before
    if before.changed_rows is None:
        changed, rows = named, cells
    else:
        earlier = ~np.isin(before.changed, named)
        changed = np.concatenate((before.changed[earlier], named))
        order = np.argsort(changed, kind="stable")
        changed = changed[order]
        rows = [
            np.concatenate((apart[earlier], new))[order] for apart, new in zip(before.changed_rows, cells, strict=True)
        ]
    apart = Ledger(before.first_month, before.revenue, before.gross_profit, before.bookings, changed, tuple(rows))
    # Many rows apart make every question gather more: merged into new arrays, once.
    return Ledger(before.first_month, *apart.merged()) if len(changed) > LEDGER_ROWS_APART else apart


def _assignments(
    before: Assignments,
    named: np.ndarray,
    renumbered: np.ndarray | None,
    index: dict[str, int],
    found: _Found,
    count: int,
) -> Assignments:
    """Return the assignments without those of the named organisations, with theirs as read now, and the
    territories as read now when they changed."""
    territory_keys, territory_names = before.territory_keys, before.territory_names
    renumber_territories = None
    if found.territories is not None:
        names = dict(zip(*found.territories, strict=True))
        territory_keys = sorted(names)
        territory_names = [names[key] for key in territory_keys]
        number = {key: place for place, key in enumerate(territory_keys)}
        renumber_territories = np.array([number.get(key, -1) for key in before.territory_keys], np.int64)
    number = {key: place for place, key in enumerate(territory_keys)}
    organisations = ids_of(index, found.assignments["key"])
    territories = ids_of(number, found.assignments["territory"])
    ordered = np.lexsort((territories, organisations))
    organisations, territories = organisations[ordered], territories[ordered]
    dropped = named[before.organisations]
    if (
        renumbered is None
        and renumber_territories is None
        and np.array_equal(organisations, before.organisations[dropped])
        and np.array_equal(territories, before.territories[dropped])
    ):
        return before
    kept_organisations, kept_territories = before.organisations[~dropped], before.territories[~dropped]
    if renumbered is not None:
        kept_organisations = renumbered[kept_organisations]
    if renumber_territories is not None:
        kept_territories = renumber_territories[kept_territories]
        still = kept_territories >= 0
        kept_organisations, kept_territories = kept_organisations[still], kept_territories[still]
    return assignments_of(
        territory_keys,
        territory_names,
        np.concatenate((kept_organisations, organisations)),
        np.concatenate((kept_territories, territories)),
        count,
    )


def _carried(forest: Forest, before: Links, after: Links, named: np.ndarray, parents: np.ndarray) -> Forest | None:
    """Return the structure of the forest's day after the links changed from `before` to `after` (same ids): the
    forest itself when no parent of that day changed, else a copy with the subtrees moved; None when it is best
    computed again (many moves, or a cycle, which computing reports)."""
    day = days.number(forest.day)
    count = len(forest.order)
    # The children whose links were replaced: the named ones, and those of the links out of `parents`.
    touched = named.copy()
    if parents.any():
        touched[before.children[parents[before.parents]]] = True
        touched[after.children[parents[after.parents]]] = True
    # The links of the touched children first, then the day: one pass over every link, not three.
    candidates = np.flatnonzero(touched[after.children])
    candidates = candidates[(after.starts[candidates] <= day) & (day <= after.ends[candidates])]
    parent_now = np.full(count, count, np.int64)
    np.minimum.at(parent_now, after.children[candidates], after.parents[candidates])
    children = np.flatnonzero(touched)
    new_parents = parent_now[children]
    new_parents[new_parents == count] = NO_PARENT
    moved = new_parents != forest.parent[children]
    if not moved.any():
        return forest
    if moved.sum() > FOREST_MOVES:
        return None
    moves = list(zip(children[moved].tolist(), new_parents[moved].tolist(), strict=True))
    if len(moves) > 1:
        # One after the other, moves can pass through a cycle the end state does not have (two organisations
        # swapping places): every moving subtree is made a root first, then hung where it belongs.
        moves = [(child, NO_PARENT) for child, _ in moves if forest.parent[child] != NO_PARENT] + [
            move for move in moves if move[1] != NO_PARENT
        ]
    return _moved(forest, moves)


def _moved(forest: Forest, moves: list[tuple[int, int]]) -> Forest | None:
    """Return a copy of the forest with each (child, new parent) subtree moved, in pre-order; None on a cycle."""
    # `order` is only ever replaced by a new array, never written: it needs no copy.
    parent, size, order = forest.parent.copy(), forest.size.copy(), forest.order
    position, root, depth = forest.position.copy(), forest.root.copy(), forest.depth.copy()
    roots = forest.roots
    count = len(order)
    for child, new_parent in moves:
        start, span = int(position[child]), int(size[child])
        if new_parent != NO_PARENT and start <= position[new_parent] < start + span:
            return None
        for ancestor in _ancestors(parent, child):
            size[ancestor] -= span
        subtree = order[start : start + span]

        def place(node: int, start: int = start, span: int = span) -> int:
            at = int(position[node])
            return at if at < start else at - span

        if new_parent == NO_PARENT:
            others = roots[roots != child]
            number = int(np.searchsorted(others, child))
            insert = place(int(others[number])) if number < len(others) else count - span
            roots = np.insert(others, number, child)
            new_root, new_depth = child, 0
        else:
            if parent[child] == NO_PARENT:
                roots = roots[roots != child]
            first = place(new_parent) + 1
            end = first - 1 + int(size[new_parent])
            inner = np.concatenate(_without_subtree(order, start, span, first, end))
            later = np.flatnonzero((parent[inner] == new_parent) & (inner > child))
            insert = first + int(later[0]) if len(later) else end
            new_root, new_depth = int(root[new_parent]), int(depth[new_parent]) + 1
            for ancestor in [new_parent, *_ancestors(parent, new_parent)]:
                size[ancestor] += span
        order = np.concatenate(
            (
                *_without_subtree(order, start, span, 0, insert),
                subtree,
                *_without_subtree(order, start, span, insert, count - span),
            )
        )
        low, high = min(start, insert), max(start, insert) + span
        position[order[low:high]] = np.arange(low, high)
        depth[subtree] += new_depth - int(depth[child])
        root[subtree] = new_root
        parent[child] = new_parent
    return Forest(forest.day, parent, roots, position, size, order, root, depth, position[roots])


def _without_subtree(order: np.ndarray, start: int, span: int, low: int, high: int) -> list[np.ndarray]:
    """Return the places `low` to `high` of the pre-order with the subtree at `start` (`span` long) taken out, as
    views of `order`: no copy of the whole order is made for them."""
    pieces = [order[:0]]
    if low < start:
        pieces.append(order[low : min(high, start)])
    if high > start:
        pieces.append(order[max(low, start) + span : high + span])
    return pieces


def _carried_sums(
    sums: dict[int, Monthly], before: Forest, ledger_before: Ledger, ledger: Ledger, named: np.ndarray, after: Forest
) -> dict[int, Monthly]:
    """Return the monthly sums of the subtrees kept for the day of `before`, for the structure `after` and `ledger`.

    Only the organisations whose rows were read again (`named`) and those in a subtree whose parent changed can
    enter, leave or change a sum: each kept sum loses what they booked under its top before and gains what they
    book under it now. Empty, so that each is summed again when asked, when that touches too many.
    """
    changed = named
    if after is not before:
        moved = np.flatnonzero(after.parent != before.parent)
        if len(moved) > SUMS_MOVES:
            return {}
        changed = np.unique(np.concatenate([named, *(before.subtree(int(child)) for child in moved)]))
    tops = np.fromiter(sums, np.int64, len(sums))
    if len(tops) * len(changed) > SUMS_CHANGED_CELLS:
        return {}
    was = _within(before, tops, changed).astype(np.int64)
    now = _within(after, tops, changed).astype(np.int64)
    (revenue_before, profit_before), (revenue, profit) = ledger_before.rows(changed), ledger.rows(changed)
    # Integer matrix products: exact, one row of changes per kept top.
    gained = now @ revenue - was @ revenue_before, now @ profit - was @ profit_before
    return {
        top: sums[top] + Monthly(revenue_gained, profit_gained)
        for top, revenue_gained, profit_gained in zip(tops.tolist(), *gained, strict=True)
    }


def _within(forest: Forest, tops: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Return whether each of `ids` lies in the subtree of each of `tops`, one row per top."""
    starts = forest.position[tops][:, None]
    places = forest.position[ids][None, :]
    return (starts <= places) & (places < starts + forest.size[tops][:, None])


def _ancestors(parent: np.ndarray, node: int) -> list[int]:
    """Return the ancestors of a node, its parent first."""
    found = []
    above = int(parent[node])
    while above != NO_PARENT:
        found.append(above)
        above = int(parent[above])
    return found

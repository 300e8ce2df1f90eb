"""The hierarchy of a day and every organisation's bookings per month, held in memory as numpy arrays: what
rollups, the groups ranking and portfolios read instead of walking the graph group by group.

The API's lifespan and each CLI command that needs it create one :class:`graph.snapshots.Snapshots` for their
store and pass it to the services that read it (a `snapshots` keyword argument): `snap = await
snapshots.current()`, then `forest = await snap.forest(as_of)`; `forest.subtree(snap.id_of(key))` gives the ids
of an organisation's subtree that day, `snap.ledger` the figures of any ids.

A snapshot is one state of the graph, with that state's revision token and sequence number (graph/changes.py).
:func:`read` reads it from the whole graph (every organisation's key, every PARENT_OF period, every booking,
every territory and every ASSIGNED_TO link: five queries) between two reads of the revision: unchanged, nothing
was written while it read. graph/following.py makes the next snapshot from one that is behind and the graph's
change records, without changing the one it starts from.

Organisations are numbered in the order of their keys, so sorting ids sorts keys. The structure of a day
(:class:`Forest`) is computed from the links on first use of that day, level by level with numpy, and kept for
the FORESTS_KEPT days last asked: every organisation in pre-order, so each subtree is one slice of `order`.
The ledger holds revenue, gross profit and the number of bookings per organisation and month as 64-bit
integers: sums of cents are exact up to 2^63. What a large subtree booked per month is summed on first use and
kept with the snapshot (:meth:`Snapshot.subtree_monthly`): a group's revenue asked again costs no sum over its
members.
"""

import asyncio
import bisect
import dataclasses
import datetime
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from graph import changes, days, months
from graph.errors import QueryError
from graph.queries import declare
from graph.store import Store

FIND_ORGANISATION_KEYS = declare("snapshot/find_organisation_keys")
FIND_PARENT_LINKS = declare("snapshot/find_parent_links")
FIND_BOOKINGS = declare("snapshot/find_bookings")
FIND_TERRITORIES = declare("snapshot/find_territories")
FIND_TERRITORY_ASSIGNMENTS = declare("snapshot/find_territory_assignments")

# Days whose structure a snapshot keeps; older ones are computed again when asked.
FORESTS_KEPT = 4
# Subtrees at least this large keep their monthly sums, at most this many per day: a smaller one is summed in
# well under a millisecond, and a day's kept sums stay within a few megabytes.
SUMS_KEPT_FROM = 1_000
SUMS_KEPT = 10_000
NO_PARENT = -1
# The lists the snapshot is made of: what an empty graph answers for each.
LISTS = (
    "keys",
    "parents",
    "children",
    "valid_from",
    "valid_to",
    "booked_keys",
    "periods",
    "revenue",
    "gross_profit",
    "territory_keys",
    "territory_names",
    "assigned_keys",
    "assigned_territories",
)
INTEGER_LISTS = ("valid_from", "valid_to", "revenue", "gross_profit")
# Day numbers (graph/days.py) that stand for an open end of a link: before the first day, after the last.
OPEN_START = days.FIRST_DAY - 1
OPEN_END = days.LAST_DAY + 1
OPEN_ENDS = {"open_start": OPEN_START, "open_end": OPEN_END}


@dataclass(frozen=True, slots=True)
class LedgerSums:
    """What a set of organisations booked, as :meth:`Ledger.sums` answers it.

    Attributes:
        first_month: the month number of the first entry of the monthly sums.
        monthly_revenue: the set's revenue per month, from `first_month` to the last month asked.
        monthly_profit: its gross profit per month, the same months.
        booked: the ids of the set with a booking in the months asked, in the set's order (empty unless asked).
        revenue: the revenue of each of `booked` over the months asked.
        profit: the gross profit of each of `booked` over the months asked.
    """

    first_month: int
    monthly_revenue: np.ndarray
    monthly_profit: np.ndarray
    booked: np.ndarray
    revenue: np.ndarray
    profit: np.ndarray


@dataclass(frozen=True, slots=True)
class Monthly:
    """What a set of organisations booked together in each month of a ledger (column 0 its first month)."""

    revenue: np.ndarray
    profit: np.ndarray

    def __add__(self, other: "Monthly") -> "Monthly":
        return Monthly(self.revenue + other.revenue, self.profit + other.profit)


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every organisation's bookings summed per month: rows are organisation ids, column 0 is `first_month`.

    A ledger that followed writes (graph/following.py) shares the arrays of the one before and holds the rows it
    changed apart, in `changed`: a question asked of the ledger before sees the arrays as they were.

    Attributes:
        first_month: the month number (:func:`graph.months.number`) of column 0.
        revenue: revenue in cents, int64, shape (organisations, months), except the rows of `changed`.
        gross_profit: gross profit in cents, the same shape.
        bookings: how many bookings each organisation has in each month, the same shape.
        changed: the ids, ascending, whose rows are `changed_rows` instead.
        changed_rows: revenue, gross profit and bookings of the ids of `changed`, each of shape (len(changed),
            months).
    """

    first_month: int
    revenue: np.ndarray
    gross_profit: np.ndarray
    bookings: np.ndarray
    changed: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    changed_rows: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def columns(self, first: int, last: int) -> slice:
        """Return the columns of the months `first` to `last` (month numbers, inclusive) the ledger holds."""
        month_count = self.revenue.shape[1]
        start = min(max(first - self.first_month, 0), month_count)
        return slice(start, min(max(last + 1 - self.first_month, start), month_count))

    def totals(self, first: int, last: int, ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Return the revenue and gross profit of every organisation, or of `ids` in their order, summed over the
        months `first` to `last` (month numbers, inclusive)."""
        columns = self.columns(first, last)
        if ids is None:
            sums = self.revenue[:, columns].sum(axis=1), self.gross_profit[:, columns].sum(axis=1)
            if self.changed_rows is not None:
                for summed, changed in zip(sums, self.changed_rows, strict=False):
                    summed[self.changed] = changed[:, columns].sum(axis=1)
            return sums
        return self._rows(0, ids, columns).sum(axis=1), self._rows(1, ids, columns).sum(axis=1)

    def sums(
        self, ids: np.ndarray, first: int, last: int, *, per_organisation: bool, monthly: Monthly | None = None
    ) -> LedgerSums:
        """Return what the organisations `ids` booked: together per month, from the ledger's first month to `last`
        (the last purchase may lie before `first`), and, when `per_organisation`, each one's sums over the months
        `first` to `last` (month numbers, inclusive) for those with a booking in them.

        `monthly`, when given, is what :meth:`monthly` answers for `ids`, summed before: the rows of `ids` are then
        gathered only for the sums per organisation."""
        columns = self.columns(first, last)
        upto = self.columns(0, last)
        if monthly is None:
            # Each organisation's rows are gathered once, for the monthly and the per-organisation sums.
            revenue_rows, profit_rows = self._rows(0, ids), self._rows(1, ids)
            monthly = Monthly(revenue_rows.sum(axis=0), profit_rows.sum(axis=0))
        elif per_organisation:
            revenue_rows, profit_rows = self._rows(0, ids), self._rows(1, ids)
        monthly_revenue, monthly_profit = monthly.revenue[upto], monthly.profit[upto]
        if not per_organisation:
            nothing = np.zeros(0, np.int64)
            return LedgerSums(self.first_month, monthly_revenue, monthly_profit, nothing, nothing, nothing)
        with_bookings = self._rows(2, ids, columns).sum(axis=1) > 0
        return LedgerSums(
            self.first_month,
            monthly_revenue,
            monthly_profit,
            ids[with_bookings],
            revenue_rows[with_bookings, columns].sum(axis=1),
            profit_rows[with_bookings, columns].sum(axis=1),
        )

    def monthly(self, ids: np.ndarray) -> Monthly:
        """Return what the organisations `ids` booked together in each month the ledger holds."""
        revenue, profit = self.rows(ids)
        return Monthly(revenue.sum(axis=0), profit.sum(axis=0))

    def rows(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the revenue and the gross profit of `ids` in each month, each of shape (len(ids), months)."""
        return self._rows(0, ids), self._rows(1, ids)

    def same_months(self, other: "Ledger") -> bool:
        """Return whether the other ledger's columns are the same months as this one's."""
        return self.first_month == other.first_month and self.revenue.shape[1] == other.revenue.shape[1]

    def merged(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return revenue, gross profit and bookings of every organisation as whole arrays, changed rows included."""
        whole = (self.revenue.copy(), self.gross_profit.copy(), self.bookings.copy())
        if self.changed_rows is not None:
            for array, changed in zip(whole, self.changed_rows, strict=True):
                array[self.changed] = changed
        return whole

    def _rows(self, figure: int, ids: np.ndarray, columns: slice = slice(None)) -> np.ndarray:
        """Return the rows of `ids` of one figure (0 revenue, 1 gross profit, 2 bookings), over `columns`."""
        base = (self.revenue, self.gross_profit, self.bookings)[figure]
        # np.take gathers whole rows twice as fast as indexing rows and columns at once.
        rows = np.take(base[:, columns], ids, axis=0)
        if self.changed_rows is not None and len(self.changed) and len(ids):
            at = np.minimum(np.searchsorted(self.changed, ids), len(self.changed) - 1)
            hit = self.changed[at] == ids
            rows[hit] = self.changed_rows[figure][at[hit]][:, columns]
        return rows


@dataclass(frozen=True, slots=True)
class Forest:
    """The PARENT_OF structure of one day.

    Attributes:
        day: the day.
        parent: each organisation's parent id that day, NO_PARENT for a root.
        roots: the ids of the roots, in key order.
        position: each organisation's place in pre-order (roots in key order, children in key order).
        size: how many organisations each subtree holds, the top included.
        order: the ids in pre-order: `order[position[i] : position[i] + size[i]]` is the subtree of `i`.
        root: each organisation's root that day.
        depth: how many links each organisation hangs below its root that day.
        group_starts: where each root's group begins in `order`, in the order of `roots`.
    """

    day: datetime.date
    parent: np.ndarray
    roots: np.ndarray
    position: np.ndarray
    size: np.ndarray
    order: np.ndarray
    root: np.ndarray
    depth: np.ndarray
    group_starts: np.ndarray

    def subtree(self, organisation: int) -> np.ndarray:
        """Return the ids of an organisation's subtree that day, itself first, in pre-order."""
        start = self.position[organisation]
        return self.order[start : start + self.size[organisation]]

    def group_sums(self, values: np.ndarray) -> np.ndarray:
        """Return the sums of each organisation's `values` over every group (a root and everything under it), in the
        order of `roots`."""
        # Each group is one slice of the pre-order, its root first: sums per group are sums per slice.
        return np.add.reduceat(values[self.order], self.group_starts)

    def group_faces(self, shown: np.ndarray) -> np.ndarray:
        """Return the id each group is listed under, in the order of `roots`: its root when `shown`, else its shown
        member with the smallest id (ids are in key order); the number of organisations when none is shown."""
        count = len(self.order)
        smallest = np.minimum.reduceat(np.where(shown, np.arange(count), count)[self.order], self.group_starts)
        return np.where(shown[self.roots], self.roots, smallest)

    def chains(self, organisations: np.ndarray) -> list[list[int]]:
        """Return each organisation with its ancestors that day: itself first, then its parent, up to its root."""
        climbed = [organisations]
        while True:
            below = climbed[-1]
            above = np.where(below == NO_PARENT, NO_PARENT, self.parent[np.maximum(below, 0)])
            if (above == NO_PARENT).all():
                break
            climbed.append(above)
        return [[step for step in chain if step != NO_PARENT] for chain in np.stack(climbed, axis=1).tolist()]

    def covered(self, tops: np.ndarray) -> np.ndarray:
        """Return the ids, sorted, of every organisation in the subtree of one of `tops` that day."""
        count = len(self.order)
        starts = self.position[tops]
        # +1 where a subtree's slice of the pre-order begins, -1 past its end: inside where the running sum is positive.
        edges = np.bincount(starts, minlength=count + 1) - np.bincount(starts + self.size[tops], minlength=count + 1)
        covered = np.zeros(count, bool)
        covered[self.order[np.cumsum(edges[:-1]) > 0]] = True
        return np.flatnonzero(covered)


@dataclass(frozen=True, slots=True)
class Links:
    """Every PARENT_OF period as organisation ids and day numbers (inclusive; open ends as OPEN_START/OPEN_END)."""

    parents: np.ndarray
    children: np.ndarray
    starts: np.ndarray
    ends: np.ndarray


@dataclass(frozen=True, slots=True)
class Assignments:
    """Which territories the organisations are ASSIGNED_TO.

    Attributes:
        territory_keys: every territory's key, sorted: territories are numbered in this order.
        territory_names: their names, in the same order.
        organisations: the organisation id of every assignment, ascending.
        territories: the territory number of every assignment; ascending within an organisation.
        by_territory: the organisation ids of the assignments ordered by territory number, then id.
        territory_starts: where each territory's assignments begin in `by_territory`, and their end.
        count: how many organisations the snapshot holds.
    """

    territory_keys: list[str]
    territory_names: list[str]
    organisations: np.ndarray
    territories: np.ndarray
    by_territory: np.ndarray
    territory_starts: np.ndarray
    count: int

    def holders(self, territory_keys: Iterable[str]) -> np.ndarray:
        """Return the ids, sorted, of the organisations assigned to one of the territories."""
        held = np.zeros(self.count, bool)
        starts = self.territory_starts
        for key in territory_keys:
            number = bisect.bisect_left(self.territory_keys, key)
            if number < len(self.territory_keys) and self.territory_keys[number] == key:
                held[self.by_territory[starts[number] : starts[number + 1]]] = True
        return np.flatnonzero(held)

    def territories_of(self, organisations: list[int]) -> list[list[int]]:
        """Return the numbers of the territories each organisation is assigned to, in key order."""
        starts = np.searchsorted(self.organisations, organisations, side="left").tolist()
        ends = np.searchsorted(self.organisations, organisations, side="right").tolist()
        territories = self.territories
        return [territories[start:end].tolist() for start, end in zip(starts, ends, strict=True)]


@dataclass(eq=False)
class Snapshot:
    """One state of the graph: its organisations, every PARENT_OF period, the ledger and the territory assignments,
    with its revision token and sequence number."""

    token: str | None
    sequence: int
    # A tuple: the garbage collector stops scanning a tuple of strings, it would scan a list of a million on
    # every full collection and hold up the requests of the process meanwhile.
    keys: tuple[str, ...]
    index: dict[str, int]
    links: Links
    ledger: Ledger
    assignments: Assignments
    # Each day's structure, or how to derive it from the structure the snapshot before kept (graph/following.py).
    _forests: OrderedDict[datetime.date, Forest | Callable[[], Forest | None]] = field(default_factory=OrderedDict)
    # The days being computed, one task each, that every question asking for the day awaits.
    _computing: dict[datetime.date, asyncio.Future[Forest]] = field(default_factory=dict)
    # What the large subtrees asked about booked per month, by day and top, or how to derive those of a day from
    # the snapshot before once its structure is known (graph/following.py).
    _subtree_sums: dict[datetime.date, dict[int, Monthly]] = field(default_factory=dict)
    _carried_sums: dict[datetime.date, Callable[[Forest], dict[int, Monthly]]] = field(default_factory=dict)

    def id_of(self, key: str) -> int | None:
        """Return the id of the organisation with the key; None if none has it."""
        return self.index.get(key)

    def ids(self, keys: Iterable[str]) -> np.ndarray:
        """Return the ids of the organisations with the keys, sorted; keys no organisation has are left out."""
        index = self.index
        return np.unique(np.array([index[key] for key in keys if key in index], np.int64))

    def keys_of(self, ids: Iterable[int]) -> list[str]:
        """Return the keys of the ids, in their order."""
        keys = self.keys
        return [keys[organisation] for organisation in ids]

    def at_revision(self, token: str, sequence: int) -> "Snapshot":
        """Return this snapshot as the one of a later revision whose writes changed nothing it holds."""
        forests = OrderedDict((day, found) for day, found in self._forests.items() if isinstance(found, Forest))
        return dataclasses.replace(
            self,
            token=token,
            sequence=sequence,
            _forests=forests,
            _computing={},
            _subtree_sums={day: dict(self._subtree_sums.get(day, {})) for day in forests},
            _carried_sums={},
        )

    async def carried_forests(self) -> list[Forest]:
        """Return the structures of the days the next snapshot carries over, the least recently asked first.

        Those computed or carried over already, and the day asked last even when it is still to be carried over
        from the snapshot before: the day the questions ask stays kept between two writes. Another day nobody asked
        since the last write is left to be computed again when next asked: carrying it over at every write cost
        each follow as much again (12 to 25 ms at a million organisations) for a day perhaps never asked again.
        """
        days = list(self._forests)
        return [await self.forest(day) for day in days if isinstance(self._forests[day], Forest) or day == days[-1]]

    def kept_subtree_sums(self, day: datetime.date) -> dict[int, Monthly]:
        """Return the monthly sums of the subtrees of a day summed and kept so far, by top (empty for none)."""
        return self._subtree_sums.get(day, {})

    def subtree_monthly(self, forest: Forest, top: int) -> Monthly:
        """Return what the subtree of `top` on the forest's day booked per month, every month of the ledger.

        `forest` is this snapshot's structure of its day (:meth:`forest`). A subtree of SUMS_KEPT_FROM organisations
        or more is summed once and kept with the snapshot, and the next snapshot derives it from the changes of
        the writes between them (graph/following.py): a group asked again costs no sum, also after a write.
        """
        kept = self._subtree_sums.setdefault(forest.day, {})
        found = kept.get(top)
        if found is None:
            found = self.ledger.monthly(forest.subtree(top))
            if forest.size[top] >= SUMS_KEPT_FROM and len(kept) < SUMS_KEPT:
                kept[top] = found
        return found

    async def forest(self, day: datetime.date) -> Forest:
        """Return the structure of a day, computed on first use (off the event loop) and kept for a while.

        Raises:
            QueryError: the links of the day form a cycle (the loader and the writes refuse them).
        """
        found = self._forests.get(day)
        if isinstance(found, Forest):
            self._forests.move_to_end(day)
            return found
        computing = self._computing.get(day)
        if computing is None:
            computing = self._computing[day] = asyncio.ensure_future(self._computed(day, found))
            computing.add_done_callback(_seen)
        # Every question waiting for the day wakes in the same turn of the event loop. Under a lock they were
        # handed it one per turn, and under load the last of 32 waited 290 ms in W7; the shield keeps the day
        # computed for the others when one question gives up.
        return await asyncio.shield(computing)

    async def _computed(self, day: datetime.date, carry_forest: Callable[[], Forest | None] | None) -> Forest:
        carry_sums = self._carried_sums.pop(day, None)

        def computed() -> tuple[Forest, dict[int, Monthly] | None]:
            found = carry_forest() if carry_forest is not None else None
            if found is None:
                found = forest_of(day, len(self.keys), self.links)
            return found, carry_sums(found) if carry_sums is not None else None

        try:
            # One hand-over to a worker thread: under load each costs a turn of the event loop.
            found, sums = await asyncio.to_thread(computed)
        finally:
            del self._computing[day]
        if sums is not None:
            self._subtree_sums[day] = sums
        self._forests[day] = found
        while len(self._forests) > FORESTS_KEPT:
            forgotten, _ = self._forests.popitem(last=False)
            self._subtree_sums.pop(forgotten, None)
            self._carried_sums.pop(forgotten, None)
        self._forests.move_to_end(day)
        return found


def _seen(computed: asyncio.Future[Forest]) -> None:
    """Take the error of a day's computation, which the questions that awaited it have had, or none did."""
    if not computed.cancelled():
        computed.exception()


async def read(store: Store) -> Snapshot | None:
    """Read the whole graph into a snapshot: its revision, the five bulk lists, then its revision once more.

    Returns:
        The snapshot; None when a write came in while it read (the revision moved), so that it is no one state.

    Raises:
        QueryError: the engine failed a read.
    """
    position = await changes.position(store)
    lists = (FIND_ORGANISATION_KEYS, FIND_PARENT_LINKS, FIND_BOOKINGS, FIND_TERRITORY_ASSIGNMENTS)
    parts = await asyncio.gather(
        store.read(FIND_TERRITORIES),
        *(
            store.read_columns(query, OPEN_ENDS if query is FIND_PARENT_LINKS else None, integers=INTEGER_LISTS)
            for query in lists
        ),
    )
    if await changes.position(store) != position:
        return None
    row = {**dict.fromkeys(LISTS, []), **dict.fromkeys(INTEGER_LISTS, np.empty(0, np.int64))}
    row.update(parts[0][0] if parts[0] else {})
    for columns in parts[1:]:
        row.update(columns)
    return await asyncio.to_thread(_snapshot, row, position)


def _snapshot(row: dict, position: changes.Position) -> Snapshot:
    keys = tuple(sorted(row["keys"]))
    index = {key: number for number, key in enumerate(keys)}
    links = Links(
        parents=ids_of(index, row["parents"]),
        children=ids_of(index, row["children"]),
        starts=row["valid_from"],
        ends=row["valid_to"],
    )
    territory_keys = sorted(row["territory_keys"])
    names = dict(zip(row["territory_keys"], row["territory_names"], strict=True))
    territory_number = {key: number for number, key in enumerate(territory_keys)}
    assignments = assignments_of(
        territory_keys,
        [names[key] for key in territory_keys],
        ids_of(index, row["assigned_keys"]),
        ids_of(territory_number, row["assigned_territories"]),
        len(keys),
    )
    return Snapshot(position.token, position.sequence, keys, index, links, _ledger(index, row), assignments)


def assignments_of(
    territory_keys: list[str],
    territory_names: list[str],
    organisations: np.ndarray,
    territories: np.ndarray,
    count: int,
) -> Assignments:
    """Return the assignments of organisation ids to territory numbers (places in `territory_keys`, sorted), each
    pair once, in any order; `count` organisations."""
    ordered = np.lexsort((territories, organisations))
    by_territory = np.lexsort((organisations, territories))
    return Assignments(
        territory_keys,
        territory_names,
        organisations[ordered],
        territories[ordered],
        organisations[by_territory],
        np.searchsorted(territories[by_territory], np.arange(len(territory_keys) + 1)),
        count,
    )


def _ledger(index: dict[str, int], row: dict) -> Ledger:
    organisations = ids_of(index, row["booked_keys"])
    month_of = {period: months.number(period) for period in set(row["periods"])}
    booked_months = ids_of(month_of, row["periods"])
    first = int(booked_months.min()) if len(booked_months) else 0
    width = int(booked_months.max()) - first + 1 if len(booked_months) else 0
    cells = organisations * width + (booked_months - first)
    sums = []
    for values in (row["revenue"], row["gross_profit"], None):
        column = np.ones(len(cells), np.int64) if values is None else values
        summed = np.zeros(len(index) * width, np.int64)
        np.add.at(summed, cells, column)
        sums.append(summed.reshape(len(index), width))
    return Ledger(first, *sums)


def ids_of(index: dict[str, int], keys: list[str]) -> np.ndarray:
    """Return the number of each key: `map` of the dict's own lookup, twice as fast as a generator."""
    return np.fromiter(map(index.__getitem__, keys), np.int64, count=len(keys))


def forest_of(day: datetime.date, count: int, links: Links) -> Forest:
    """Compute the structure of a day: level by level from the roots, then sizes bottom up, then pre-order places."""
    today = days.number(day)
    valid = (links.starts <= today) & (today <= links.ends)
    # More than one parent only on data that breaks the rules: the smallest key, as the walks of graph.hierarchy take.
    parent = np.full(count, count, np.int64)
    np.minimum.at(parent, links.children[valid], links.parents[valid])
    parent[parent == count] = NO_PARENT
    with_parent = np.flatnonzero(parent != NO_PARENT)
    # Children grouped by parent; ids ascend within a parent, and ids are in key order.
    by_parent = with_parent[np.argsort(parent[with_parent], kind="stable")]
    child_count = np.bincount(parent[with_parent], minlength=count)
    child_start = np.cumsum(child_count) - child_count
    levels = [np.flatnonzero(parent == NO_PARENT)]
    while True:
        counts = child_count[levels[-1]]
        total = int(counts.sum())
        if total == 0:
            break
        before = np.repeat(np.cumsum(counts) - counts, counts)
        levels.append(by_parent[np.repeat(child_start[levels[-1]], counts) + np.arange(total) - before])
    if sum(len(level) for level in levels) != count:
        raise QueryError(f"the PARENT_OF links valid on {day.isoformat()} form a cycle")
    size = np.ones(count, np.int64)
    for level in reversed(levels[1:]):
        np.add.at(size, parent[level], size[level])
    position = np.empty(count, np.int64)
    roots = levels[0]
    position[roots] = np.cumsum(size[roots]) - size[roots]
    root = np.arange(count)
    depth = np.zeros(count, np.int64)
    for number, level in enumerate(levels[1:], start=1):
        above = parent[level]
        earlier = np.cumsum(size[level]) - size[level]
        starts_group = np.ones(len(level), bool)
        starts_group[1:] = above[1:] != above[:-1]
        group_start = np.maximum.accumulate(np.where(starts_group, np.arange(len(level)), 0))
        position[level] = position[above] + 1 + earlier - earlier[group_start]
        root[level] = root[above]
        depth[level] = number
    order = np.empty(count, np.int64)
    order[position] = np.arange(count)
    return Forest(day, parent, roots, position, size, order, root, depth, position[roots])

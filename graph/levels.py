"""One level of the structure with totals: the children of an organisation as a viewer sees them, each with the
revenue and member count of its subtree, a page at a time.

Use it as a module: `from graph import levels`, then
`await levels.children(store, snapshots=…, key=…, as_of=…, first="2024-01", last="2024-12", sort=levels.Sort.REVENUE)`.

As the viewer sees them: an organisation they see hangs under its nearest ancestor they see (as in the revenue
`tree` breakdown), so the level of X is every organisation of X's subtree the viewer sees whose nearest seen ancestor
is X; `depth` counts the links below X, more than 1 when hidden organisations lie between. The hidden organisations of
X's subtree whose nearest seen ancestor is X are the level's `hidden_count`: each hidden organisation of a subtree
is counted in exactly one level, so the levels a viewer opens add up to everything hidden from them.

Answered from the snapshot (graph/snapshot.py) without reading the group: X's subtree is one slice of the day's
pre-order, and every count and sum is a numpy operation over that slice, O(subtree) with no Python loop over its
members. Which organisations of the slice belong to the level: each seen organisation other than X covers the inside
of its own subtree's slice (+1 after its place, -1 past its end, a running sum); what no one covers hangs under X.
A subtree's figures are differences of prefix sums over the slice. Only the page's items are then read from the graph
(names, countries, their parent links), in one query; X's name in another. Revenue is what graph.revenue sums: the
ledger's months `first`..`last`, the structure of `as_of`, the rights of the viewer's `today`.

`chain` answers the levels a tree unfolded down to an organisation shows, each as `children` answers its first page:
the chain's subtrees are nested, so the topmost one's slice is computed once and each level below is a part of it.
"""

import asyncio
import bisect
import datetime
import enum
from dataclasses import dataclass

import numpy as np

from graph import months, paging, snapshot, snapshots, visibility
from graph.errors import Conflict, InvalidInput
from graph.hierarchy import chains
from graph.revenue import Figures
from graph.store import Store


class Sort(enum.StrEnum):
    """The order of a level's items."""

    KEY = "key"
    REVENUE = "revenue"


@dataclass(frozen=True, slots=True)
class LevelItem:
    """An organisation of a level with the link above it and the figures of its subtree as the viewer sees it.

    Attributes:
        key: its key.
        name: its name.
        country: its country; None when it has none.
        kind: the kind of the link from its parent that day (`legal` or `branch`).
        share: that link's ownership in percent; None when it has none.
        valid_from: that link's first day; None when open.
        valid_to: that link's last day; None when open.
        parent_key: its parent that day; None when the viewer may not see the parent.
        depth: how many links below the organisation asked about: 1 for a child.
        own: its own bookings in the range.
        total: the bookings of the organisations of its subtree the viewer sees, itself included.
        member_count: how many organisations of its subtree the viewer sees, itself included.
        hidden_count: how many organisations of its subtree the viewer may not see.
    """

    key: str
    name: str | None
    country: str | None
    kind: str
    share: float | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    parent_key: str | None
    depth: int
    own: Figures
    total: Figures
    member_count: int
    hidden_count: int


@dataclass(frozen=True, slots=True)
class Level:
    """One page of the level below an organisation, with the organisation's own figures and its subtree's.

    Attributes:
        key: the organisation asked about.
        name: its name.
        country: its country; None when it has none.
        first: the first period of the range, `YYYY-MM`.
        last: the last period of the range.
        own: its own bookings in the range.
        total: the bookings of its subtree as the viewer sees it.
        member_count: how many organisations of its subtree the viewer sees, itself included.
        child_count: how many items the whole level holds (every page).
        hidden_count: how many organisations the viewer may not see hang under it (their nearest seen ancestor).
        items: the page's items.
        next_cursor: give it as `cursor` for the next page; None on the last page.
    """

    key: str
    name: str | None
    country: str | None
    first: str
    last: str
    own: Figures
    total: Figures
    member_count: int
    child_count: int
    hidden_count: int
    items: list[LevelItem]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class ChainLevel:
    """A level of a chain: its first page, and the item of the chain's next organisation wherever it is ranked.

    Attributes:
        level: the first page of the level below an organisation of the chain.
        chain_item: the item of the next organisation of the chain in this level, on the page or not; None in the
            level of the organisation asked about.
    """

    level: Level
    chain_item: LevelItem | None


@dataclass(frozen=True, slots=True)
class Chain:
    """The levels a tree unfolded down to an organisation shows, from the topmost organisation the viewer sees.

    Attributes:
        key: the organisation asked about.
        first: the first period of the range, `YYYY-MM`.
        last: the last period of the range.
        hidden_count: how many ancestors above the topmost organisation of the chain the viewer may not see.
        levels: the level of each organisation of the chain, the topmost first, the one asked about last.
    """

    key: str
    first: str
    last: str
    hidden_count: int
    levels: list[ChainLevel]


async def children(
    store: Store,
    *,
    snapshots: snapshots.Snapshots,
    key: str,
    as_of: datetime.date,
    first: str | None = None,
    last: str | None = None,
    sort: Sort = Sort.KEY,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Level:
    """Return one page of the level below an organisation as the viewer sees it, with subtree totals.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        key: the organisation's key.
        as_of: the day whose structure counts for the whole range.
        first: the first period, `YYYY-MM`; None for eleven months before `last`.
        last: the last period, `YYYY-MM`; None for the month of `as_of`.
        sort: `key`, or `revenue` (subtree revenue, largest first, then key).
        cursor: the `next_cursor` of the page before, given with the same sort; None for the first page.
        limit: the most items on a page, 1 to MAX_LIMIT.
        viewer: whose view: organisations they may not see are left out and counted; None for no filter.

    Returns:
        The page, with the organisation's own figures, its subtree's and the counts of the whole level.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: a bad period, range, sort or `limit`, or a cursor this function did not give for the sort.
        QueryError: the engine failed a read.
    """
    sort = _sort(sort)
    paging.check_limit(limit)
    after = paging.decode_cursor(cursor, str) if sort is Sort.KEY else paging.decode_cursor(cursor, int, str)
    periods = months.period_range(first, last, as_of=as_of)
    view = await _View.read(store, snapshots=snapshots, key=key, as_of=as_of, viewer=viewer)
    ids = view.forest.subtree(view.asked)
    slice_ = _Slice(view.found, view.forest, ids, view.shown_of(ids), periods)
    paged = _Paged(view.found, slice_, sort=sort, after=after, limit=limit)
    links, labels = await asyncio.gather(
        chains.links_above(store, keys=view.found.keys_of(slice_.ids[paged.page].tolist()), as_of=as_of),
        chains.names_and_countries(store, keys=[key]),
    )
    return paged.level(view, slice_, labels, links)


async def chain(
    store: Store,
    *,
    snapshots: snapshots.Snapshots,
    key: str,
    as_of: datetime.date,
    first: str | None = None,
    last: str | None = None,
    sort: Sort = Sort.KEY,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> Chain:
    """Return the levels of an organisation and of each ancestor the viewer sees, each as :func:`children` answers.

    The chain is the organisation, its nearest ancestor the viewer sees, that one's nearest seen ancestor, … up to the
    topmost one the viewer sees: each organisation of the chain is an item of the level of the one above it.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        key: the organisation's key.
        as_of: the day whose structure counts for the whole range.
        first: the first period, `YYYY-MM`; None for eleven months before `last`.
        last: the last period, `YYYY-MM`; None for the month of `as_of`.
        sort: `key`, or `revenue` (subtree revenue, largest first, then key).
        limit: the most items on each level's first page, 1 to MAX_LIMIT.
        viewer: whose view: organisations they may not see are left out and counted; None for no filter.

    Returns:
        The first page of each level of the chain, the topmost first, with the chain's next organisation's item.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: a bad period, range, sort or `limit`.
        QueryError: the engine failed a read.
    """
    sort = _sort(sort)
    paging.check_limit(limit)
    periods = months.period_range(first, last, as_of=as_of)
    view = await _View.read(store, snapshots=snapshots, key=key, as_of=as_of, viewer=viewer)
    up = view.forest.chains(np.array([view.asked]))[0]
    seen = [organisation for organisation in up if view.shown_of(np.array([organisation]))[0]]
    # Everything above the topmost seen organisation is hidden: up is the organisation first, its root last.
    hidden_above = len(up) - 1 - up.index(seen[-1])
    tops = seen[::-1]
    # The chain's subtrees are nested: one slice of the topmost, and each level below a part of it.
    ids = view.forest.subtree(tops[0])
    outer = _Slice(view.found, view.forest, ids, view.shown_of(ids), periods)
    origin = int(view.forest.position[tops[0]])
    slices = [outer, *(outer.within(int(view.forest.position[top]) - origin) for top in tops[1:])]
    pages = [_Paged(view.found, slice_, sort=sort, after=None, limit=limit) for slice_ in slices]
    # The next organisation of the chain, as a place in the slice of the one above it.
    pinned = [
        int(view.forest.position[below] - view.forest.position[top]) for top, below in zip(tops, tops[1:], strict=False)
    ]
    wanted = [
        key
        for slice_, paged in zip(slices, pages, strict=True)
        for key in view.found.keys_of(slice_.ids[paged.page].tolist())
    ]
    links, labels = await asyncio.gather(
        chains.links_above(store, keys=wanted + view.found.keys_of(tops[1:]), as_of=as_of),
        chains.names_and_countries(store, keys=view.found.keys_of(tops)),
    )
    chain_levels = []
    for index, (slice_, paged) in enumerate(zip(slices, pages, strict=True)):
        chain_item = None
        if index < len(pinned):
            chain_item = _items(view.found, view.forest, slice_, np.array([pinned[index]]), links)[0]
        chain_levels.append(ChainLevel(paged.level(view, slice_, labels, links), chain_item))
    return Chain(key=key, first=periods[0], last=periods[-1], hidden_count=hidden_above, levels=chain_levels)


def _sort(sort: Sort | str) -> Sort:
    """Return the sort asked for, or raise InvalidInput."""
    try:
        return Sort(sort)
    except ValueError:
        raise InvalidInput(f"unknown sort {sort!r}, expected one of {', '.join(Sort)}") from None


@dataclass(frozen=True, slots=True)
class _View:
    """The day's snapshot and structure, the organisation asked about, and what the viewer sees."""

    found: snapshot.Snapshot
    forest: snapshot.Forest
    asked: int
    visible: np.ndarray | None

    @classmethod
    async def read(
        cls,
        store: Store,
        *,
        snapshots: snapshots.Snapshots,
        key: str,
        as_of: datetime.date,
        viewer: visibility.Viewer | None,
    ) -> "_View":
        """Read the view; raise NotFound, as for a missing key, when the viewer may not see the organisation."""
        found = await snapshots.current()
        asked = found.id_of(key)
        if asked is None:
            raise visibility.not_found(key)
        forest = await found.forest(as_of)
        seen = await visibility.visible_ids(store, found, viewer=viewer)
        visible = None
        if seen is not None:
            visible = np.zeros(len(found.keys), bool)
            visible[seen] = True
        view = cls(found, forest, asked, visible)
        if not view.shown_of(np.array([asked]))[0]:
            raise visibility.not_found(key)
        return view

    def shown_of(self, ids: np.ndarray) -> np.ndarray:
        """Return whether the viewer sees each of `ids`."""
        return np.ones(len(ids), bool) if self.visible is None else self.visible[ids]


class _Paged:
    """A page of a slice's level: the level's places ranked by the sort, and where the page is among them."""

    def __init__(self, found: snapshot.Snapshot, slice_: "_Slice", *, sort: Sort, after: tuple | None, limit: int):
        self.all = slice_.level()
        ranked = self.all
        if sort is Sort.REVENUE:
            ranked = self.all[np.lexsort((slice_.ids[self.all], -slice_.total_revenue(self.all)))]
        start = _start(found, slice_, ranked, sort, after)
        self.page = ranked[start : start + limit]
        self.next_cursor = None
        if start + limit < len(ranked):
            # The last item's position: its key, after its subtree revenue when ranked by revenue.
            last_key = found.keys[int(slice_.ids[self.page[-1]])]
            position = (last_key,)
            if sort is Sort.REVENUE:
                position = (int(slice_.total_revenue(self.page[-1:])[0]), last_key)
            self.next_cursor = paging.encode_cursor(*position)

    def level(
        self,
        view: _View,
        slice_: "_Slice",
        labels: dict[str, tuple[str | None, str | None]],
        links: dict[str, list[chains.LinkAbove]],
    ) -> Level:
        """Return the page as a Level, its items' links and the top's name and country read already."""
        key = view.found.keys[int(slice_.ids[0])]
        name, country = labels.get(key, (None, None))
        periods = slice_.periods
        top = np.array([0])
        return Level(
            key=key,
            name=name,
            country=country,
            first=periods[0],
            last=periods[-1],
            own=slice_.own(0),
            total=slice_.total(top)[0],
            member_count=int(slice_.members(top)[0]),
            child_count=len(self.all),
            hidden_count=int(slice_.level_hidden()),
            items=_items(view.found, view.forest, slice_, self.page, links),
            next_cursor=self.next_cursor,
        )


class _Slice:
    """The subtree of the organisation asked about as one slice of the day's pre-order, with its figures.

    Places are offsets into the slice: 0 is the organisation asked about, `size[p]` the length of the subtree at p.
    """

    def __init__(
        self,
        found: snapshot.Snapshot,
        forest: snapshot.Forest,
        ids: np.ndarray,
        shown: np.ndarray,
        periods: list[str],
    ) -> None:
        self.ids = ids
        self.shown = shown
        self.periods = periods
        self.size = forest.size[ids]
        self.own_revenue, self.own_profit = found.ledger.totals(*months.ends(periods), ids)
        # Prefix sums over the slice of what the viewer sees: a subtree's sum is the difference at its two ends.
        self._revenue = _prefix(self.own_revenue * shown)
        self._profit = _prefix(self.own_profit * shown)
        self._members = _prefix(shown.astype(np.int64))
        self._uncovered = self._uncovered_places()

    def within(self, place: int) -> "_Slice":
        """Return the slice of the subtree at a place: views of this one's arrays, only the level computed anew."""
        end = place + int(self.size[place])
        inner = object.__new__(_Slice)
        inner.ids, inner.shown, inner.size = self.ids[place:end], self.shown[place:end], self.size[place:end]
        inner.periods = self.periods
        inner.own_revenue, inner.own_profit = self.own_revenue[place:end], self.own_profit[place:end]
        # Prefix sums shifted by a constant: only their differences are read.
        inner._revenue = self._revenue[place : end + 1]
        inner._profit = self._profit[place : end + 1]
        inner._members = self._members[place : end + 1]
        inner._uncovered = inner._uncovered_places()
        return inner

    def _uncovered_places(self) -> np.ndarray:
        """Return which places no seen organisation below the top covers: their nearest seen ancestor is the top."""
        count = len(self.ids)
        inner = np.flatnonzero(self.shown[1:]) + 1
        # +1 just after a seen organisation's place, -1 past its subtree: inside its subtree where the sum is positive.
        edges = np.bincount(inner + 1, minlength=count + 1) - np.bincount(inner + self.size[inner], minlength=count + 1)
        uncovered = np.cumsum(edges[:count]) == 0
        uncovered[0] = False
        return uncovered

    def level(self) -> np.ndarray:
        """Return the places of the level's items in key order (ids are in key order)."""
        places = np.flatnonzero(self._uncovered & self.shown)
        return places[np.argsort(self.ids[places], kind="stable")]

    def level_hidden(self) -> int:
        """Return how many hidden organisations hang under the top."""
        return int(np.count_nonzero(self._uncovered & ~self.shown))

    def total_revenue(self, places: np.ndarray) -> np.ndarray:
        """Return the revenue of the seen part of each place's subtree."""
        return self._revenue[places + self.size[places]] - self._revenue[places]

    def total(self, places: np.ndarray) -> list[Figures]:
        """Return the figures of the seen part of each place's subtree."""
        ends = places + self.size[places]
        revenues = (self._revenue[ends] - self._revenue[places]).tolist()
        profits = (self._profit[ends] - self._profit[places]).tolist()
        return [Figures(cents, gross) for cents, gross in zip(revenues, profits, strict=True)]

    def members(self, places: np.ndarray) -> np.ndarray:
        """Return how many organisations of each place's subtree the viewer sees."""
        return self._members[places + self.size[places]] - self._members[places]

    def own(self, place: int) -> Figures:
        """Return the own figures of a place."""
        return Figures(int(self.own_revenue[place]), int(self.own_profit[place]))


def _prefix(values: np.ndarray) -> np.ndarray:
    """Return the running sums of `values` with a 0 before them."""
    return np.concatenate(([0], np.cumsum(values)))


def _start(found: snapshot.Snapshot, slice_: _Slice, ranked: np.ndarray, sort: Sort, after: tuple | None) -> int:
    """Return where the page after the cursor position begins among the ranked places."""
    if after is None:
        return 0
    # The first id whose key comes after the cursor's key: ids are in key order.
    later = bisect.bisect_right(found.keys, after[-1])
    ids = slice_.ids[ranked]
    if sort is Sort.KEY:
        return int(np.searchsorted(ids, later))
    totals = slice_.total_revenue(ranked)
    past = (totals < after[0]) | ((totals == after[0]) & (ids >= later))
    return int(np.argmax(past)) if past.any() else len(ranked)


def _items(
    found: snapshot.Snapshot,
    forest: snapshot.Forest,
    slice_: _Slice,
    page: np.ndarray,
    links: dict[str, list[chains.LinkAbove]],
) -> list[LevelItem]:
    """Return the page's places as items, with the names, countries and links read from the graph for them."""
    ids = slice_.ids[page]
    keys = found.keys_of(ids.tolist())
    parents = found.keys_of(np.maximum(forest.parent[ids], 0).tolist())
    depths = (forest.depth[ids] - forest.depth[slice_.ids[0]]).tolist()
    totals = slice_.total(page)
    members = slice_.members(page).tolist()
    sizes = slice_.size[page].tolist()
    top = found.keys[int(slice_.ids[0])]
    items = []
    for index, (key, parent, depth) in enumerate(zip(keys, parents, depths, strict=True)):
        # The snapshot's parent, as the structure counts it (the smallest key, on data that breaks the rules).
        link = next((above for above in links.get(key, ()) if above.parent.key == parent), None)
        if link is None:
            # A write came between the snapshot and this read (the snapshot is read again on the next question).
            raise Conflict("the structure changed while the level was read: ask again")
        items.append(
            LevelItem(
                key=key,
                name=link.name,
                country=link.country,
                kind=link.parent.kind,
                share=link.parent.share,
                valid_from=link.parent.valid_from,
                valid_to=link.parent.valid_to,
                # The nearest seen ancestor is the top: the parent is seen only when it is the top.
                parent_key=top if depth == 1 else None,
                depth=depth,
                own=slice_.own(int(page[index])),
                total=totals[index],
                member_count=members[index],
                hidden_count=sizes[index] - members[index],
            )
        )
    return items

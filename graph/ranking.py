"""Every group ranked by its revenue over a period range, with ABC classes.

Use it as a module: `from graph import ranking`, then
`await ranking.groups(store, snapshots=…, as_of=…, first=…, last=…, classes=ranking.AbcClasses(80, 15))`.

A group is a root on `as_of` and everything under it, an organisation without parent or children that day a group of
one. All groups are summed at once from :mod:`graph.snapshot`: each organisation's totals of the range in the
ledger, summed per group of the day's forest, so the ranking never walks the graph group by group and every booking
counts exactly once, as in a rollup (:mod:`graph.revenue`, whose :class:`~graph.revenue.Figures` it answers in). The
ABC classes are taken over all groups, not over a page: a page is a slice of the whole ranking, continued after the
last group's (revenue, key), so paging never shows a group twice or leaves one out while the data stays.

Visibility: given a `viewer`, only the organisations they see on their `today` count
(:func:`graph.visibility.visible_ids`); a group without any is left out, and one whose root they may not see is listed
under its visible member with the smallest key, so that nothing about the root shows.
"""

import bisect
import datetime
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

import numpy as np

from graph import months, paging, snapshots, visibility
from graph.hierarchy import chains
from graph.revenue import Figures
from graph.store import Store


@dataclass(frozen=True, slots=True)
class AbcClasses:
    """Where the ABC classes of groups end, in percent of the total revenue of all groups.

    A group is A when the groups ranked above it make less than `a_percent` of the total, B when
    they make less than `a_percent + b_percent`, C otherwise.
    """

    a_percent: float
    b_percent: float


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """A group in the ranking: its root, its totals over the range, its size and ABC class.

    For a viewer who may not see the root, `root_key` and `name` are those of the group's visible member with the
    smallest key, and the size and totals are those of its visible members.
    """

    root_key: str
    name: str | None
    figures: Figures
    member_count: int
    abc_class: str
    rank: int


@dataclass(frozen=True, slots=True)
class GroupPage:
    """One page of the groups ranking, and the total revenue of all groups (what the ABC shares are of).

    `hidden_count` is how many organisations of all groups the viewer may not see.
    """

    items: list[GroupFigures]
    next_cursor: str | None
    group_count: int
    total: Figures
    hidden_count: int = 0


async def groups(
    store: Store,
    *,
    snapshots: snapshots.Snapshots,
    as_of: datetime.date,
    classes: AbcClasses,
    first: str | None = None,
    last: str | None = None,
    cursor: str | None = None,
    limit: int = paging.DEFAULT_LIMIT,
    viewer: visibility.Viewer | None = None,
) -> GroupPage:
    """Return one page of every group ranked by its revenue over a period range, with its ABC class.

    A group is a root on `as_of` and everything under it; an organisation without parent or
    children that day is a group of one. Groups are ranked by revenue, largest first, then by root
    key; the ABC classes are taken over all of them. For a viewer, only the organisations they see
    count, a group without any is left out, and one whose root they may not see is listed under
    its visible member with the smallest key.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        as_of: the day whose structure counts for the whole range.
        classes: where the classes end.
        first: the first period, `YYYY-MM`; None for eleven months before `last`.
        last: the last period, `YYYY-MM`; None for the month of `as_of`.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most groups on a page, 1 to MAX_LIMIT.
        viewer: whose view: organisations they may not see are left out and counted; None for no filter.

    Returns:
        The page, the number of groups and their total, and how many organisations were left out.

    Raises:
        InvalidInput: a bad period or range, `limit` out of range, or a cursor this function did not give.
        QueryError: the engine failed a read.
    """
    paging.check_limit(limit)
    after = paging.decode_cursor(cursor, int, str)
    periods = months.period_range(first, last, as_of=as_of)
    found = await snapshots.current()
    if not found.keys:
        return GroupPage([], None, 0, Figures(), 0)
    forest = await found.forest(as_of)
    shown = np.ones(len(found.keys), bool)
    seen = await visibility.visible_ids(store, found, viewer=viewer)
    if seen is not None:
        shown[:] = False
        shown[seen] = True
    revenue, gross_profit = found.ledger.totals(*months.ends(periods))
    group_revenue, group_profit, sizes = (
        forest.group_sums(values) for values in (revenue * shown, gross_profit * shown, shown.astype(np.int64))
    )
    # The key a group is listed under: its root, or for a hidden root its visible member with the smallest key.
    faces = forest.group_faces(shown)
    listed = sizes > 0
    faces, group_revenue, group_profit, sizes = (
        faces[listed],
        group_revenue[listed],
        group_profit[listed],
        sizes[listed],
    )
    ranked = np.lexsort((faces, -group_revenue))
    total = Figures(int(group_revenue.sum()), int(group_profit.sum()))
    classes_of = _abc(group_revenue[ranked], total, classes)
    start = 0
    if after is not None:
        # Past the cursor: less revenue, or as much and a later key (ids are in key order).
        later = bisect.bisect_right(found.keys, after[1])
        ranked_revenue = group_revenue[ranked]
        past = (ranked_revenue < after[0]) | ((ranked_revenue == after[0]) & (faces[ranked] >= later))
        start = int(np.argmax(past)) if past.any() else len(ranked)
    page = ranked[start : start + limit]
    page_keys = found.keys_of(faces[page])
    names = await chains.names(store, keys=page_keys)
    items = [
        GroupFigures(
            root,
            names.get(root),
            Figures(int(group_revenue[group]), int(group_profit[group])),
            int(sizes[group]),
            str(classes_of[start + index]),
            start + index + 1,
        )
        for index, (root, group) in enumerate(zip(page_keys, page, strict=True))
    ]
    next_cursor = None
    if start + limit < len(ranked):
        next_cursor = paging.encode_cursor(int(group_revenue[page[-1]]), page_keys[-1])
    return GroupPage(items, next_cursor, len(ranked), total, len(found.keys) - int(shown.sum()))


def _abc(ranked_revenue: np.ndarray, total: Figures, classes: AbcClasses) -> np.ndarray:
    """Return the class of each ranked group: by the share of the total that the groups above it make."""
    if total.revenue <= 0:
        return np.full(len(ranked_revenue), "C")
    # Added as decimals: as floats, 50.1 + 0.2 is 50.300000000000004 and moves the end of B. An integer sum
    # is below a decimal end exactly when it is below the end rounded up.
    a_end = Decimal(str(classes.a_percent)) * total.revenue / 100
    b_end = (Decimal(str(classes.a_percent)) + Decimal(str(classes.b_percent))) * total.revenue / 100
    above = np.cumsum(ranked_revenue) - ranked_revenue
    return np.where(above < _ceiling(a_end), "A", np.where(above < _ceiling(b_end), "B", "C"))


def _ceiling(end: Decimal) -> int:
    return int(end.to_integral_value(rounding=ROUND_CEILING))

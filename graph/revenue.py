"""Revenue rolled up over the structure ("Konzernumsatz"): what one scope earned over a period range.

Use it as a module: `from graph import revenue`, then
`await revenue.rollup(store, snapshots=…, key=…, as_of=…, first="2024-01", last="2024-12", scope=revenue.Scope.GROUP)`;
`revenue.territory_rollup` and `revenue.portfolio_rollup` sum what a territory or a user's portfolio holds. Every
group ranked by its revenue is :mod:`graph.ranking`, which sums in the same :class:`Figures`.

Storage: one `BOOKED_FOR` link per debtor account, month and attributed organisation (the loader's
`revenue` kind), from the debtor account to exactly one organisation. The
loader attributes a booking without an organisation to the one `sold_to` holder of its account and
rejects it when there is not exactly one, so every amount belongs to exactly one organisation. A
rollup is then the sum of the bookings of a set of organisations, each organisation counted once:
no amount counts twice, not when one debtor number serves ten branches, not when an organisation
sits in a group and two associations, not when it was moved inside the period (the structure of
`as_of` counts for the whole period range). Bookings stay the truth; the sums are taken from
:mod:`graph.snapshot`, which holds every organisation's bookings per month and the structure of the day
in memory and is read again after every write, so every answer is exact and current.
docs/revenue.md and docs/benchmarks.md give the measurements behind this choice.

Scopes (the structure as of `as_of`):

- `self`: the organisation alone;
- `subtree`: the organisation and every `PARENT_OF` descendant;
- `group`: everything under the organisation's root, the root included;
- `association`: the association itself and its direct members (`MEMBER_OF` valid on `as_of`);
- `territory` (:func:`territory_rollup`): the organisations a territory and the territories below it hold
  that day (:func:`graph.visibility.held_ids`, with the inheritance setting);
- `portfolio` (:func:`portfolio_rollup`): the organisations a user holds that day through their
  territories, those of users they substitute for and the territories below those.

Visibility: given a `viewer`, every rollup counts only the organisations the viewer sees
(:func:`graph.visibility.shown_ids`, the one filter of revenue) and say how many of the scope they left out
(`hidden_count`); the organisation asked about must be visible, else it reads as missing.
What the viewer sees is decided on their `today` (the day of the request), whatever `as_of` is: `as_of` picks
the structure, a territory's or a portfolio's holdings, never the viewer's rights.

Amounts are integer cents, negative for credit notes, summed as 64-bit integers: exact up to 2^63
cents. The margin is gross profit in percent of revenue, rounded half up to two places; None when
the revenue is zero. Periods are `YYYY-MM`, both ends inclusive (:mod:`graph.months`).
"""

import datetime
import enum
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from graph import access, connections, months, snapshot, snapshots, territories, visibility
from graph.errors import InvalidInput
from graph.hierarchy import chains
from graph.settings import Inheritance
from graph.store import Store

DEFAULT_TOP = 10
MAX_TOP = 10_000


class Scope(enum.StrEnum):
    """Which organisations a rollup sums."""

    SELF = "self"
    SUBTREE = "subtree"
    GROUP = "group"
    ASSOCIATION = "association"


class HeldScope(enum.StrEnum):
    """Which organisations a rollup of what territories hold sums."""

    TERRITORY = "territory"
    PORTFOLIO = "portfolio"


class Breakdown(enum.StrEnum):
    """The parts of a rollup beyond its totals."""

    PERIOD = "period"
    MEMBER = "member"
    TREE = "tree"


DEFAULT_BREAKDOWN = frozenset({Breakdown.PERIOD, Breakdown.MEMBER})


@dataclass(frozen=True, slots=True)
class Figures:
    """Revenue and gross profit in integer cents."""

    revenue: int = 0
    gross_profit: int = 0

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(self.revenue + other.revenue, self.gross_profit + other.gross_profit)

    @property
    def margin(self) -> Decimal | None:
        """Return the gross profit in percent of revenue, two places; None without revenue."""
        if self.revenue == 0:
            return None
        return (Decimal(self.gross_profit) * 100 / Decimal(self.revenue)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """One month of a rollup."""

    period: str
    figures: Figures


@dataclass(frozen=True, slots=True)
class MemberFigures:
    """One organisation's share of a rollup."""

    key: str
    name: str | None
    figures: Figures


@dataclass(frozen=True, slots=True)
class Rest:
    """The organisations with bookings in the range beyond the top N of the member breakdown, summed."""

    count: int
    figures: Figures


@dataclass(frozen=True, slots=True)
class TreeFigures:
    """An organisation of the rollup with its own figures and the subtotal of everything below it, itself included.

    The top of a tree whose organisation the viewer may not see has key and name None and no own figures.
    """

    key: str | None
    name: str | None
    own: Figures
    total: Figures
    children: list["TreeFigures"]


@dataclass(frozen=True, slots=True)
class Rollup:
    """What an organisation's scope (or a territory, or a user's portfolio) earned over a period range.

    Attributes:
        key: the organisation asked about (or the territory, or the user).
        name: its name.
        scope: the scope summed.
        first: the first period of the range, `YYYY-MM`.
        last: the last period of the range.
        figures: the totals over the range.
        member_count: how many organisations the scope holds (the organisation, or root, or association included)
            that the viewer sees.
        last_purchase: the latest period, up to `last`, in which the scope's revenue was above zero; None if none.
        periods: every period of the range with its figures (zero without bookings); empty unless asked for.
        members: the organisations with bookings in the range, largest revenue first, at most `top`; empty
            unless asked for.
        rest: the organisations with bookings beyond those, summed; None unless members were asked for.
        tree: the scope's top with a subtotal at every node; None unless asked for.
        hidden_count: how many organisations of the scope the viewer may not see: none of them counts.
    """

    key: str
    name: str | None
    scope: Scope | HeldScope
    first: str
    last: str
    figures: Figures
    member_count: int
    last_purchase: str | None
    periods: list[PeriodFigures]
    members: list[MemberFigures]
    rest: Rest | None
    tree: TreeFigures | None
    hidden_count: int = 0


async def rollup(
    store: Store,
    *,
    snapshots: snapshots.Snapshots,
    key: str,
    as_of: datetime.date,
    first: str | None = None,
    last: str | None = None,
    scope: Scope = Scope.SELF,
    breakdown: Collection[Breakdown] = DEFAULT_BREAKDOWN,
    top: int = DEFAULT_TOP,
    viewer: visibility.Viewer | None = None,
) -> Rollup:
    """Return the revenue and gross profit of an organisation's scope over a period range.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        key: the organisation's key (for `association`, the association's).
        as_of: the day whose structure counts for the whole range.
        first: the first period, `YYYY-MM`; None for eleven months before `last`.
        last: the last period, `YYYY-MM`; None for the month of `as_of`.
        scope: which organisations are summed.
        breakdown: which parts to add: the series per period, the members, the tree.
        top: the most members listed; the others are summed in `rest`.
        viewer: whose view: organisations they may not see are left out and counted; None for no filter.

    Returns:
        The rollup. In the tree, an organisation the viewer sees hangs under its nearest ancestor they see.

    Raises:
        NotFound: no organisation has the key, or the viewer may not see it (the same error).
        InvalidInput: a bad period, range, scope, breakdown or `top`.
        QueryError: the engine failed a read.
    """
    scope = _choice(Scope, scope, "scope")
    parts, periods = _question(breakdown, top, first, last, as_of)
    found = await snapshots.current()
    asked = found.id_of(key)
    if asked is None:
        raise visibility.not_found(key)
    top_id, ids, forest = await _scope(store, found, asked=asked, as_of=as_of, scope=scope)
    shown = await visibility.shown_ids(store, found, viewer=viewer, ids=ids, asked=asked)
    names = await chains.names(store, keys=[key])
    # A whole subtree's monthly sums are kept with the snapshot; a viewer who sees only part of it gets them summed.
    monthly = found.subtree_monthly(forest, top_id) if forest is not None and len(shown) == len(ids) else None
    sums = await _summed(store, found, ids=shown, periods=periods, parts=parts, top=top, monthly=monthly)
    tree = None
    if Breakdown.TREE in parts:
        tree = await _tree(store, found, top_id, shown, _parents_below(top_id, ids, forest), sums.by_organisation)
    return _assembled(key, names.get(key), scope, periods, hidden_count=len(ids) - len(shown), sums=sums, tree=tree)


async def territory_rollup(
    store: Store,
    *,
    snapshots: snapshots.Snapshots,
    key: str,
    as_of: datetime.date,
    inherit: Inheritance,
    first: str | None = None,
    last: str | None = None,
    breakdown: Collection[Breakdown] = DEFAULT_BREAKDOWN,
    top: int = DEFAULT_TOP,
    viewer: visibility.Viewer | None = None,
) -> Rollup:
    """Return the revenue and gross profit of what a territory and the territories below it hold on a day.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        key: the territory's key.
        as_of: the day whose assignments and structure count for the whole range.
        inherit: whether a territory holds the descendants of its organisations too (the visibility setting).
        first: the first period, `YYYY-MM`; None for eleven months before `last`.
        last: the last period, `YYYY-MM`; None for the month of `as_of`.
        breakdown: the series per period and the members; the organisations are no single tree.
        top: the most members listed; the others are summed in `rest`.
        viewer: who asks: they must hold the territory on their `today` (:func:`graph.visibility.granted_territories`)
            unless they see everything; organisations they may not see are left out and counted. None: anyone.

    Returns:
        The rollup, scope `territory`, named after the territory; `member_count` is how many organisations it holds.

    Raises:
        NotFound: no territory has the key, or the viewer does not hold it today.
        InvalidInput: a bad period, range, breakdown or `top`.
        QueryError: the engine failed a read.
    """
    parts, periods = _held_question(breakdown, top, first, last, as_of)
    if viewer is not None and not viewer.sees_everything:
        # A territory the viewer does not hold answers like a missing one: its key tells nothing it exists.
        if key not in await visibility.granted_territories(store, user_key=viewer.key, as_of=viewer.today):
            raise territories.not_found(key)
    name = await territories.territory_name(store, key=key)
    found = await snapshots.current()
    held = await visibility.held_ids(
        found, territory_keys=await territories.subtree_keys(store, key=key), as_of=as_of, inherit=inherit
    )
    return await _held_rollup(
        store,
        found,
        key=key,
        name=name,
        scope=HeldScope.TERRITORY,
        held=held,
        as_of=as_of,
        periods=periods,
        parts=parts,
        top=top,
        viewer=viewer,
    )


async def portfolio_rollup(
    store: Store,
    *,
    snapshots: snapshots.Snapshots,
    user_key: str,
    as_of: datetime.date,
    inherit: Inheritance,
    first: str | None = None,
    last: str | None = None,
    breakdown: Collection[Breakdown] = DEFAULT_BREAKDOWN,
    top: int = DEFAULT_TOP,
    viewer: visibility.Viewer | None = None,
) -> Rollup:
    """Return the revenue and gross profit of a user's portfolio on a day: what the user holds through territories.

    The portfolio is what :func:`graph.visibility.held_ids` gives for the user's
    :func:`graph.visibility.granted_territories`; an analyst's or admin's is only what their own assignments give.

    Args:
        store: the graph.
        snapshots: its snapshots (:class:`graph.snapshots.Snapshots`).
        user_key: the user's key.
        as_of: the day whose assignments and structure count for the whole range.
        inherit: whether a territory holds the descendants of its organisations too (the visibility setting).
        first: the first period, `YYYY-MM`; None for eleven months before `last`.
        last: the last period, `YYYY-MM`; None for the month of `as_of`.
        breakdown: the series per period and the members; the organisations are no single tree.
        top: the most members listed; the others are summed in `rest`.
        viewer: who asks: the user, their manager, an analyst or an admin
            (:func:`graph.access.require_auditor`); organisations they may not see are left out and counted.
            None: anyone.

    Returns:
        The rollup, scope `portfolio`, keyed and named after the user.

    Raises:
        NotFound: no user has the key.
        Forbidden: the viewer may not look into the user's portfolio.
        InvalidInput: a bad period, range, breakdown or `top`.
        QueryError: the engine failed a read.
    """
    parts, periods = _held_question(breakdown, top, first, last, as_of)
    if viewer is not None:
        await access.require_auditor(store, viewer=viewer, user_key=user_key)
    found = await access.user(store, key=user_key)
    granted = await visibility.granted_territories(store, user_key=user_key, as_of=as_of)
    held_by = await snapshots.current()
    held = await visibility.held_ids(held_by, territory_keys=granted, as_of=as_of, inherit=inherit)
    return await _held_rollup(
        store,
        held_by,
        key=user_key,
        name=found["name"],
        scope=HeldScope.PORTFOLIO,
        held=held,
        as_of=as_of,
        periods=periods,
        parts=parts,
        top=top,
        viewer=viewer,
    )


async def _scope(
    store: Store, found: snapshot.Snapshot, *, asked: int, as_of: datetime.date, scope: Scope
) -> tuple[int, np.ndarray, snapshot.Forest | None]:
    """Return the id of the top of the scope, the ids of its organisations (the top first) and, when the scope is
    the top's subtree, the structure of the day (:func:`graph.hierarchy.chains.scope_ids`); for an association,
    itself and its members that day."""
    if scope is Scope.ASSOCIATION:
        members = found.ids(await connections.member_keys(store, key=found.keys[asked], as_of=as_of))
        return asked, np.concatenate(([asked], members[members != asked])), None
    return await chains.scope_ids(found, asked=asked, as_of=as_of, scope=chains.Scope(scope))


def _parents_below(top: int, ids: np.ndarray, forest: snapshot.Forest | None) -> dict[int, int]:
    """Return the parent of each organisation of a scope below its top: in the structure of the day for a subtree,
    the association for its members."""
    below = ids[1:]
    if forest is None:
        return dict.fromkeys(below.tolist(), top)
    return dict(zip(below.tolist(), forest.parent[below].tolist(), strict=True))


def _question(
    breakdown: Collection[Breakdown], top: int, first: str | None, last: str | None, as_of: datetime.date
) -> tuple[set[Breakdown], list[str]]:
    """Return the parts asked for and the periods of the range, checked."""
    parts = {_choice(Breakdown, part, "breakdown") for part in breakdown}
    if not 1 <= top <= MAX_TOP:
        raise InvalidInput(f"top must be from 1 to {MAX_TOP:,}, not {top}")
    return parts, months.period_range(first, last, as_of=as_of)


def _held_question(
    breakdown: Collection[Breakdown], top: int, first: str | None, last: str | None, as_of: datetime.date
) -> tuple[set[Breakdown], list[str]]:
    """Return the parts asked for and the periods of a territory's or portfolio's rollup, checked."""
    parts, periods = _question(breakdown, top, first, last, as_of)
    if Breakdown.TREE in parts:
        raise InvalidInput(
            "a territory or a portfolio holds organisations of many trees: ask for period and member, "
            "and for an organisation's tree at the organisation"
        )
    return parts, periods


@dataclass(frozen=True, slots=True)
class _Sums:
    """A rollup's figures over its organisations: the Rollup fields they fill, and the sums per organisation
    with bookings in the range (for the tree; empty unless asked for)."""

    parts: dict[str, Any]
    by_organisation: dict[int, Figures]


async def _summed(
    store: Store,
    found: snapshot.Snapshot,
    *,
    ids: np.ndarray,
    periods: list[str],
    parts: set[Breakdown],
    top: int,
    monthly: snapshot.Monthly | None = None,
) -> _Sums:
    """Return the totals, series, last purchase and members of the organisations `ids` over the periods (`monthly`:
    what they booked per month, when known)."""
    first, last = months.ends(periods)
    sums = found.ledger.sums(ids, first, last, per_organisation=bool(parts - {Breakdown.PERIOD}), monthly=monthly)
    columns = found.ledger.columns(first, last)
    by_period = {
        months.period_of(sums.first_month + column): Figures(
            int(sums.monthly_revenue[column]), int(sums.monthly_profit[column])
        )
        for column in range(columns.start, columns.stop)
    }
    purchases = np.flatnonzero(sums.monthly_revenue > 0)
    found_parts: dict[str, Any] = {
        "figures": sum(by_period.values(), Figures()),
        "member_count": len(ids),
        "last_purchase": months.period_of(sums.first_month + int(purchases[-1])) if len(purchases) else None,
        "periods": [PeriodFigures(period, by_period.get(period, Figures())) for period in periods]
        if Breakdown.PERIOD in parts
        else [],
        "members": [],
        "rest": None,
    }
    by_organisation: dict[int, Figures] = {}
    if parts - {Breakdown.PERIOD}:
        booked, revenue, profit = sums.booked, sums.revenue, sums.profit
        if Breakdown.MEMBER in parts:
            ranked = np.lexsort((booked, -revenue))
            listed, others = ranked[:top], ranked[top:]
            keys = found.keys_of(booked[listed])
            names = await chains.names(store, keys=keys) if keys else {}
            found_parts["members"] = [
                MemberFigures(key, names.get(key), Figures(int(revenue[at]), int(profit[at])))
                for key, at in zip(keys, listed, strict=True)
            ]
            found_parts["rest"] = Rest(len(others), Figures(int(revenue[others].sum()), int(profit[others].sum())))
        if Breakdown.TREE in parts:
            by_organisation = {
                organisation: Figures(cents, gross)
                for organisation, cents, gross in zip(booked.tolist(), revenue.tolist(), profit.tolist(), strict=True)
            }
    return _Sums(found_parts, by_organisation)


async def _held_rollup(
    store: Store,
    found: snapshot.Snapshot,
    *,
    key: str,
    name: str | None,
    scope: HeldScope,
    held: np.ndarray,
    as_of: datetime.date,
    periods: list[str],
    parts: set[Breakdown],
    top: int,
    viewer: visibility.Viewer | None,
) -> Rollup:
    """Return the rollup of the organisations a territory or portfolio holds, as the viewer sees them."""
    shown = await visibility.shown_ids(store, found, viewer=viewer, ids=held)
    sums = await _summed(store, found, ids=shown, periods=periods, parts=parts, top=top)
    return _assembled(key, name, scope, periods, hidden_count=len(held) - len(shown), sums=sums, tree=None)


def _assembled(
    key: str,
    name: str | None,
    scope: Scope | HeldScope,
    periods: list[str],
    *,
    hidden_count: int,
    sums: _Sums,
    tree: TreeFigures | None,
) -> Rollup:
    return Rollup(
        key=key,
        name=name,
        scope=scope,
        first=periods[0],
        last=periods[-1],
        tree=tree,
        hidden_count=hidden_count,
        **sums.parts,
    )


async def _tree(
    store: Store,
    found: snapshot.Snapshot,
    top: int,
    shown: np.ndarray,
    parent_of: dict[int, int],
    by_organisation: dict[int, Figures],
) -> TreeFigures:
    """Return the shown organisations of a scope as a tree with a subtotal at every node, computed bottom up.

    Each hangs under its nearest shown ancestor (`parent_of` leads up to `top`); under the top when
    none is shown. A top the viewer may not see becomes a node without key, name or own figures.
    """
    visible = set(shown.tolist())
    children: dict[int | None, list[int]] = defaultdict(list)
    for organisation in visible - {top}:
        parent = parent_of.get(organisation)
        while parent is not None and parent not in visible:
            parent = parent_of.get(parent)
        children[parent].append(organisation)
    top_shown = top if top in visible else None
    # Ids are in key order: sorted ids are sorted keys.
    below_top = sorted(children.pop(None, []) + (children.pop(top_shown, []) if top_shown is not None else []))
    names = await chains.names(store, keys=found.keys_of(sorted(visible)))
    # Level by level from the top, then built from the deepest level up: no recursion on deep trees.
    order: list[int] = []
    level = below_top
    while level:
        order.extend(level)
        level = sorted(child for organisation in level for child in children.get(organisation, ()))
    nodes: dict[int, TreeFigures] = {}
    for organisation in reversed(order):
        below = [nodes[child] for child in sorted(children.get(organisation, ()))]
        own = by_organisation.get(organisation, Figures())
        key = found.keys[organisation]
        nodes[organisation] = TreeFigures(key, names.get(key), own, sum((node.total for node in below), own), below)
    own = by_organisation.get(top_shown, Figures()) if top_shown is not None else Figures()
    below = [nodes[organisation] for organisation in below_top]
    top_key = found.keys[top_shown] if top_shown is not None else None
    return TreeFigures(top_key, names.get(top_key), own, sum((node.total for node in below), own), below)


def _choice(enumeration: type[enum.StrEnum], value: str, name: str):
    try:
        return enumeration(value)
    except ValueError:
        raise InvalidInput(f"unknown {name} {value!r}, expected one of {', '.join(enumeration)}") from None

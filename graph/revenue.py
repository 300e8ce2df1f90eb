"""Revenue rolled up over the structure ("Konzernumsatz"), and every group ranked with ABC classes.

Use it as a module: `from graph import revenue`, then
`await revenue.rollup(store, key=…, as_of=…, first="2024-01", last="2024-12", scope=revenue.Scope.GROUP)`
or `await revenue.groups(store, as_of=…, first=…, last=…, classes=revenue.AbcClasses(80, 15))`;
`revenue.territory_rollup` and `revenue.portfolio_rollup` sum what a territory or a user's portfolio holds.

Storage: one `Booking` node per debtor account, month and attributed organisation (the loader's
`revenue` kind), `ATTRIBUTED_TO` exactly one organisation and `BOOKED_ON` its debtor account. The
loader attributes a booking without an organisation to the one `sold_to` holder of its account and
rejects it when there is not exactly one, so every amount belongs to exactly one organisation. A
rollup is then the sum of the bookings of a set of organisations, each organisation counted once:
no amount counts twice, not when one debtor number serves ten branches, not when an organisation
sits in a group and two associations, not when it was moved inside the period (the structure of
`as_of` counts for the whole period range). Bookings stay the truth; nothing is precomputed, so
every answer is live. docs/revenue.md gives the measurements behind this choice.

Scopes (the structure as of `as_of`):

- `self`: the organisation alone;
- `subtree`: the organisation and every `PARENT_OF` descendant;
- `group`: everything under the organisation's root, the root included;
- `association`: the association itself and its direct members (`MEMBER_OF` valid on `as_of`);
- `territory` (:func:`territory_rollup`): the organisations a territory and the territories below it hold
  that day (:func:`graph.visibility.held_organisations`, with the inheritance setting);
- `portfolio` (:func:`portfolio_rollup`): the organisations a user holds that day through their
  territories, those of users they substitute for and the territories below those.

Visibility: given a `viewer`, every rollup and the ranking count only the organisations the viewer sees
(:func:`graph.visibility.visible_organisations`, in :func:`_shown` alone) and say how many of the scope
they left out (`hidden_count`); the organisation asked about must be visible, else it reads as missing.

Amounts are integer cents, negative for credit notes. FalkorDB sums integers as floating point
numbers and answers a float with 15 significant digits only, so the queries turn each sum back into
an integer on the engine: exact up to 2^53 cents (90 trillion in the reporting currency). The
margin is gross profit in percent of revenue, rounded half up to two places; None when the revenue
is zero. Periods are `YYYY-MM`, both ends inclusive.
"""

import datetime
import enum
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from graph import connections, hierarchy, paging, territories, visibility
from graph.errors import Forbidden, InvalidInput
from graph.queries import declare
from graph.settings import Inheritance
from graph.store import Store

FIND_TOTALS_BY_ORGANISATION = declare("revenue/find_totals_by_organisation")
FIND_TOTALS_BY_PERIOD = declare("revenue/find_totals_by_period")
FIND_TOTALS_OF_EVERY_ORGANISATION = declare("revenue/find_totals_of_every_organisation")

DEFAULT_TOP = 10
MAX_TOP = 10_000
# The longest period range a rollup takes: a hundred years of months.
MAX_PERIODS = 1200
# ASCII digits only, matched whole: `\d` takes other scripts' digits and `$` a trailing newline.
PERIOD = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


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


def period_range(first: str | None, last: str | None, *, as_of: datetime.date) -> list[str]:
    """Return every month from `first` to `last`, both `YYYY-MM` and inclusive.

    `last` defaults to the month of `as_of`, `first` to eleven months before `last` (a year).

    Raises:
        InvalidInput: a period is not `YYYY-MM`, `first` comes after `last`, or the range is longer than MAX_PERIODS.
    """
    end = _month_number(last, "to") if last is not None else as_of.year * 12 + as_of.month - 1
    start = _month_number(first, "from") if first is not None else end - 11
    if start > end:
        raise InvalidInput(f"from {_period(start)} comes after to {_period(end)}")
    if end - start + 1 > MAX_PERIODS:
        raise InvalidInput(f"a range of at most {MAX_PERIODS:,} months, not {end - start + 1:,}")
    return [_period(number) for number in range(start, end + 1)]


async def rollup(
    store: Store,
    *,
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
    top_key, keys, shape = await _scope(store, key=key, as_of=as_of, scope=scope, with_shape=Breakdown.TREE in parts)
    shown = await _shown(store, viewer=viewer, keys=keys, as_of=as_of)
    if key not in shown:
        raise visibility.not_found(key)
    names = await hierarchy.names(store, keys=[key])
    found = await _summed(store, keys=shown, periods=periods, parts=parts, top=top)
    tree = None
    if shape is not None:
        known = {member.key: member.name for member in shape if member.name is not None}
        parent_of = {member.key: member.parent_key for member in shape if member.parent_key is not None}
        tree = await _tree(store, top_key, shown, parent_of, found.by_organisation, known)
    return _assembled(key, names.get(key), scope, periods, hidden_count=len(keys) - len(shown), sums=found, tree=tree)


async def territory_rollup(
    store: Store,
    *,
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
        key: the territory's key.
        as_of: the day whose assignments and structure count for the whole range.
        inherit: whether a territory holds the descendants of its organisations too (the visibility setting).
        first: the first period, `YYYY-MM`; None for eleven months before `last`.
        last: the last period, `YYYY-MM`; None for the month of `as_of`.
        breakdown: the series per period and the members; the organisations are no single tree.
        top: the most members listed; the others are summed in `rest`.
        viewer: who asks: they must hold the territory that day (:func:`graph.visibility.granted_territories`)
            unless they see everything; organisations they may not see are left out and counted. None: anyone.

    Returns:
        The rollup, scope `territory`, named after the territory; `member_count` is how many organisations it holds.

    Raises:
        NotFound: no territory has the key.
        Forbidden: the viewer does not hold the territory that day.
        InvalidInput: a bad period, range, breakdown or `top`.
        QueryError: the engine failed a read.
    """
    parts, periods = _held_question(breakdown, top, first, last, as_of)
    name = await territories.territory_name(store, key=key)
    if viewer is not None and not viewer.sees_everything:
        if key not in await visibility.granted_territories(store, user_key=viewer.key, as_of=as_of):
            raise Forbidden(f"only those who hold the territory {key}, analysts and admins may see its revenue")
    held = await visibility.held_organisations(
        store, territory_keys=await territories.subtree_keys(store, key=key), as_of=as_of, inherit=inherit
    )
    return await _held_rollup(
        store,
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

    The portfolio is what :func:`graph.visibility.held_organisations` gives for the user's
    :func:`graph.visibility.granted_territories`; an analyst's or admin's is only what their own assignments give.

    Args:
        store: the graph.
        user_key: the user's key.
        as_of: the day whose assignments and structure count for the whole range.
        inherit: whether a territory holds the descendants of its organisations too (the visibility setting).
        first: the first period, `YYYY-MM`; None for eleven months before `last`.
        last: the last period, `YYYY-MM`; None for the month of `as_of`.
        breakdown: the series per period and the members; the organisations are no single tree.
        top: the most members listed; the others are summed in `rest`.
        viewer: who asks: the user, their manager, an analyst or an admin
            (:func:`graph.visibility.require_auditor`); organisations they may not see are left out and counted.
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
        await visibility.require_auditor(store, viewer=viewer, user_key=user_key, as_of=as_of)
    found = await visibility.user(store, key=user_key)
    granted = await visibility.granted_territories(store, user_key=user_key, as_of=as_of)
    held = await visibility.held_organisations(store, territory_keys=granted, as_of=as_of, inherit=inherit)
    return await _held_rollup(
        store,
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


async def groups(
    store: Store,
    *,
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
    periods = period_range(first, last, as_of=as_of)
    root_of = await hierarchy.roots(store, as_of=as_of)
    shown = set(await _shown(store, viewer=viewer, keys=list(root_of), as_of=as_of))
    # The key a group is listed under: its root, or for a hidden root its smallest visible member.
    face: dict[str, str] = {}
    for organisation in sorted(shown):
        root = root_of[organisation]
        if root in shown:
            face[root] = root
        else:
            face.setdefault(root, organisation)
    sizes: dict[str, int] = defaultdict(int)
    for organisation in shown:
        sizes[face[root_of[organisation]]] += 1
    row = (await store.read(FIND_TOTALS_OF_EVERY_ORGANISATION, {"periods": periods}))[0]
    by_group: dict[str, Figures] = {root: Figures() for root in sizes}
    for organisation, cents, profit in zip(row["keys"], row["revenue"], row["gross_profit"], strict=True):
        if organisation in shown:
            by_group[face[root_of[organisation]]] += Figures(int(cents), int(profit))
    ranked = sorted(by_group, key=lambda root: (-by_group[root].revenue, root))
    total = sum(by_group.values(), Figures())
    classified = list(zip(ranked, _abc(ranked, by_group, total, classes), strict=True))
    start = 0
    if after is not None:
        position = (-after[0], after[1])
        start = next(
            (index for index, root in enumerate(ranked) if (-by_group[root].revenue, root) > position), len(ranked)
        )
    page = classified[start : start + limit]
    names = await hierarchy.names(store, keys=[root for root, _ in page])
    items = [
        GroupFigures(root, names.get(root), by_group[root], sizes[root], abc_class, start + index + 1)
        for index, (root, abc_class) in enumerate(page)
    ]
    next_cursor = None
    if start + limit < len(ranked):
        last_root = page[-1][0]
        next_cursor = paging.encode_cursor(by_group[last_root].revenue, last_root)
    return GroupPage(items, next_cursor, len(ranked), total, len(root_of) - len(shown))


def _abc(ranked: Sequence[str], by_group: dict[str, Figures], total: Figures, classes: AbcClasses) -> list[str]:
    """Return the class of each ranked group: by the share of the total that the groups above it make."""
    if total.revenue <= 0:
        return ["C"] * len(ranked)
    a_end = Decimal(str(classes.a_percent)) * total.revenue / 100
    # Added as decimals: as floats, 50.1 + 0.2 is 50.300000000000004 and moves the end of B.
    b_end = (Decimal(str(classes.a_percent)) + Decimal(str(classes.b_percent))) * total.revenue / 100
    found, above = [], 0
    for root in ranked:
        found.append("A" if above < a_end else "B" if above < b_end else "C")
        above += by_group[root].revenue
    return found


async def _scope(
    store: Store, *, key: str, as_of: datetime.date, scope: Scope, with_shape: bool
) -> tuple[str, list[str], list[hierarchy.Member] | None]:
    """Return the top of the scope, the keys of its organisations (the top first) and, when asked for, the
    organisations under the top with their parents (for the tree).

    Raises:
        NotFound: no organisation has the key.
    """
    if scope is Scope.SELF:
        await hierarchy.detail(store, key=key, as_of=as_of)  # NotFound for an unknown key
        return key, [key], [] if with_shape else None
    if scope is Scope.ASSOCIATION:
        members = await connections.member_keys(store, key=key, as_of=as_of)
        shape = [hierarchy.Member(member, None, "member", 1, key) for member in members] if with_shape else None
        return key, [key, *members], shape
    if scope is Scope.GROUP:
        key = (await hierarchy.root(store, key=key, as_of=as_of)).key
    if with_shape:
        shape = await hierarchy.subtree_members(store, key=key, as_of=as_of)
        return key, [key, *(member.key for member in shape)], shape
    return key, await hierarchy.subtree_keys(store, key=key, as_of=as_of), None


async def _totals_by_organisation(store: Store, keys: Sequence[str], periods: list[str]) -> dict[str, Figures]:
    found: dict[str, Figures] = {}
    for chunk in _chunks(keys):
        for row in await store.read(FIND_TOTALS_BY_ORGANISATION, {"keys": chunk, "periods": periods}):
            found[row["key"]] = Figures(int(row["revenue"]), int(row["gross_profit"]))
    return found


async def _totals_by_period(store: Store, keys: Sequence[str]) -> dict[str, Figures]:
    found: dict[str, Figures] = defaultdict(Figures)
    for chunk in _chunks(keys):
        for row in await store.read(FIND_TOTALS_BY_PERIOD, {"keys": chunk}):
            found[row["period"]] += Figures(int(row["revenue"]), int(row["gross_profit"]))
    return found


def _question(
    breakdown: Collection[Breakdown], top: int, first: str | None, last: str | None, as_of: datetime.date
) -> tuple[set[Breakdown], list[str]]:
    """Return the parts asked for and the periods of the range, checked."""
    parts = {_choice(Breakdown, part, "breakdown") for part in breakdown}
    if not 1 <= top <= MAX_TOP:
        raise InvalidInput(f"top must be from 1 to {MAX_TOP:,}, not {top}")
    return parts, period_range(first, last, as_of=as_of)


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


async def _shown(
    store: Store, *, viewer: visibility.Viewer | None, keys: Sequence[str], as_of: datetime.date
) -> list[str]:
    """Return the keys the viewer sees, in their order: the one place where revenue applies visibility."""
    seen = await hierarchy.visible_keys(store, viewer=viewer, keys=keys, as_of=as_of)
    return [key for key in keys if key in seen]


@dataclass(frozen=True, slots=True)
class _Sums:
    """A rollup's figures over its organisations: the Rollup fields they fill, and the sums per organisation."""

    parts: dict[str, Any]
    by_organisation: dict[str, Figures]


async def _summed(store: Store, *, keys: Sequence[str], periods: list[str], parts: set[Breakdown], top: int) -> _Sums:
    """Return the totals, series, last purchase and members of the organisations in `keys` over the periods."""
    by_period = await _totals_by_period(store, keys)
    by_organisation = await _totals_by_organisation(store, keys, periods) if parts - {Breakdown.PERIOD} else {}
    ranked = sorted(by_organisation, key=lambda member: (-by_organisation[member].revenue, member))
    listed = ranked[:top] if Breakdown.MEMBER in parts else []
    names = await hierarchy.names(store, keys=listed) if listed else {}
    found = {
        "figures": sum((by_period.get(period, Figures()) for period in periods), Figures()),
        "member_count": len(keys),
        "last_purchase": max(
            (period for period, figures in by_period.items() if period <= periods[-1] and figures.revenue > 0),
            default=None,
        ),
        "periods": [PeriodFigures(period, by_period.get(period, Figures())) for period in periods]
        if Breakdown.PERIOD in parts
        else [],
        "members": [MemberFigures(member, names.get(member), by_organisation[member]) for member in listed],
        "rest": Rest(len(ranked) - len(listed), sum((by_organisation[m] for m in ranked[top:]), Figures()))
        if Breakdown.MEMBER in parts
        else None,
    }
    return _Sums(found, by_organisation)


async def _held_rollup(
    store: Store,
    *,
    key: str,
    name: str | None,
    scope: HeldScope,
    held: Collection[str],
    as_of: datetime.date,
    periods: list[str],
    parts: set[Breakdown],
    top: int,
    viewer: visibility.Viewer | None,
) -> Rollup:
    """Return the rollup of the organisations a territory or portfolio holds, as the viewer sees them."""
    keys = sorted(held)
    shown = await _shown(store, viewer=viewer, keys=keys, as_of=as_of)
    found = await _summed(store, keys=shown, periods=periods, parts=parts, top=top)
    return _assembled(key, name, scope, periods, hidden_count=len(keys) - len(shown), sums=found, tree=None)


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
    top: str,
    shown: Sequence[str],
    parent_of: dict[str, str],
    by_organisation: dict[str, Figures],
    known_names: dict[str, str],
) -> TreeFigures:
    """Return the shown organisations of a scope as a tree with a subtotal at every node, computed bottom up.

    Each hangs under its nearest shown ancestor (`parent_of` leads up to `top`); under the top when
    none is shown. A top the viewer may not see becomes a node without key, name or own figures.
    """
    visible = set(shown)
    children: dict[str | None, list[str]] = defaultdict(list)
    for key in shown:
        if key == top:
            continue
        parent = parent_of.get(key)
        while parent is not None and parent not in visible:
            parent = parent_of.get(parent)
        children[parent].append(key)
    top_shown = top if top in visible else None
    below_top = sorted(children.pop(None, []) + (children.pop(top_shown, []) if top_shown else []))
    names = known_names | await hierarchy.names(store, keys=[key for key in shown if key not in known_names])
    # Level by level from the top, then built from the deepest level up: no recursion on deep trees.
    order: list[str] = []
    level = below_top
    while level:
        order.extend(level)
        level = sorted(child for key in level for child in children.get(key, ()))
    nodes: dict[str, TreeFigures] = {}
    for key in reversed(order):
        below = [nodes[child] for child in sorted(children.get(key, ()))]
        own = by_organisation.get(key, Figures())
        nodes[key] = TreeFigures(key, names.get(key), own, sum((node.total for node in below), own), below)
    own = by_organisation.get(top_shown, Figures()) if top_shown else Figures()
    below = [nodes[key] for key in below_top]
    return TreeFigures(
        top_shown, names.get(top_shown) if top_shown else None, own, sum((node.total for node in below), own), below
    )


def _chunks(keys: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(keys), hierarchy.FRONTIER_CHUNK):
        yield list(keys[start : start + hierarchy.FRONTIER_CHUNK])


def _choice(enumeration: type[enum.StrEnum], value: str, name: str):
    try:
        return enumeration(value)
    except ValueError:
        raise InvalidInput(f"unknown {name} {value!r}, expected one of {', '.join(enumeration)}") from None


def _month_number(period: str, name: str) -> int:
    found = PERIOD.fullmatch(period)
    if found is None:
        raise InvalidInput(f"{name} must be a period YYYY-MM, not {period!r}")
    return int(found[1]) * 12 + int(found[2]) - 1


def _period(number: int) -> str:
    return f"{number // 12:04d}-{number % 12 + 1:02d}"

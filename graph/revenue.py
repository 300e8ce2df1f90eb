"""Revenue rolled up over the structure ("Konzernumsatz"), and every group ranked with ABC classes.

Use it as a module: `from graph import revenue`, then
`await revenue.rollup(store, key=…, as_of=…, first="2024-01", last="2024-12", scope=revenue.Scope.GROUP)`
or `await revenue.groups(store, as_of=…, first=…, last=…, classes=revenue.AbcClasses(80, 15))`.

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
- `association`: the association itself and its direct members (`MEMBER_OF` valid on `as_of`).

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

from graph import connections, hierarchy, paging
from graph.errors import InvalidInput
from graph.queries import declare
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
    """An organisation of the rollup with its own figures and the subtotal of everything below it, itself included."""

    key: str
    name: str | None
    own: Figures
    total: Figures
    children: list["TreeFigures"]


@dataclass(frozen=True, slots=True)
class Rollup:
    """What an organisation's scope earned over a period range.

    Attributes:
        key: the organisation asked about.
        name: its name.
        scope: the scope summed.
        first: the first period of the range, `YYYY-MM`.
        last: the last period of the range.
        figures: the totals over the range.
        member_count: how many organisations the scope holds (the organisation, or root, or association included).
        last_purchase: the latest period, up to `last`, in which the scope's revenue was above zero; None if none.
        periods: every period of the range with its figures (zero without bookings); empty unless asked for.
        members: the organisations with bookings in the range, largest revenue first, at most `top`; empty
            unless asked for.
        rest: the organisations with bookings beyond those, summed; None unless members were asked for.
        tree: the scope's top with a subtotal at every node; None unless asked for.
    """

    key: str
    name: str | None
    scope: Scope
    first: str
    last: str
    figures: Figures
    member_count: int
    last_purchase: str | None
    periods: list[PeriodFigures]
    members: list[MemberFigures]
    rest: Rest | None
    tree: TreeFigures | None


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
    """A group in the ranking: its root, its totals over the range, its size and ABC class."""

    root_key: str
    name: str | None
    figures: Figures
    member_count: int
    abc_class: str
    rank: int


@dataclass(frozen=True, slots=True)
class GroupPage:
    """One page of the groups ranking, and the total revenue of all groups (what the ABC shares are of)."""

    items: list[GroupFigures]
    next_cursor: str | None
    group_count: int
    total: Figures


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

    Returns:
        The rollup.

    Raises:
        NotFound: no organisation has the key.
        InvalidInput: a bad period, range, scope, breakdown or `top`.
        QueryError: the engine failed a read.
    """
    scope = _choice(Scope, scope, "scope")
    parts = {_choice(Breakdown, part, "breakdown") for part in breakdown}
    if not 1 <= top <= MAX_TOP:
        raise InvalidInput(f"top must be from 1 to {MAX_TOP:,}, not {top}")
    periods = period_range(first, last, as_of=as_of)
    top_key, keys, shape = await _scope(store, key=key, as_of=as_of, scope=scope, with_shape=Breakdown.TREE in parts)
    by_period = await _totals_by_period(store, keys)
    by_organisation = await _totals_by_organisation(store, keys, periods) if parts - {Breakdown.PERIOD} else {}
    ranked = sorted(by_organisation, key=lambda member: (-by_organisation[member].revenue, member))
    listed = ranked[:top] if Breakdown.MEMBER in parts else []
    names = await hierarchy.names(store, keys=[key, *listed])
    return Rollup(
        key=key,
        name=names.get(key),
        scope=scope,
        first=periods[0],
        last=periods[-1],
        figures=sum((by_period.get(period, Figures()) for period in periods), Figures()),
        member_count=len(keys),
        last_purchase=max(
            (period for period, figures in by_period.items() if period <= periods[-1] and figures.revenue > 0),
            default=None,
        ),
        periods=[PeriodFigures(period, by_period.get(period, Figures())) for period in periods]
        if Breakdown.PERIOD in parts
        else [],
        members=[MemberFigures(member, names.get(member), by_organisation[member]) for member in listed],
        rest=Rest(len(ranked) - len(listed), sum((by_organisation[m] for m in ranked[top:]), Figures()))
        if Breakdown.MEMBER in parts
        else None,
        tree=await _tree(store, top_key, shape, by_organisation) if shape is not None else None,
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
) -> GroupPage:
    """Return one page of every group ranked by its revenue over a period range, with its ABC class.

    A group is a root on `as_of` and everything under it; an organisation without parent or
    children that day is a group of one. Groups are ranked by revenue, largest first, then by root
    key; the ABC classes are taken over all of them.

    Args:
        store: the graph.
        as_of: the day whose structure counts for the whole range.
        classes: where the classes end.
        first: the first period, `YYYY-MM`; None for eleven months before `last`.
        last: the last period, `YYYY-MM`; None for the month of `as_of`.
        cursor: the `next_cursor` of the page before; None for the first page.
        limit: the most groups on a page, 1 to MAX_LIMIT.

    Returns:
        The page, the number of groups and their total.

    Raises:
        InvalidInput: a bad period or range, `limit` out of range, or a cursor this function did not give.
        QueryError: the engine failed a read.
    """
    paging.check_limit(limit)
    after = paging.decode_cursor(cursor, int, str)
    periods = period_range(first, last, as_of=as_of)
    root_of = await hierarchy.roots(store, as_of=as_of)
    sizes: dict[str, int] = defaultdict(int)
    for root in root_of.values():
        sizes[root] += 1
    row = (await store.read(FIND_TOTALS_OF_EVERY_ORGANISATION, {"periods": periods}))[0]
    by_group: dict[str, Figures] = {root: Figures() for root in sizes}
    for organisation, cents, profit in zip(row["keys"], row["revenue"], row["gross_profit"], strict=True):
        root = root_of[organisation]
        by_group[root] += Figures(int(cents), int(profit))
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
    return GroupPage(items, next_cursor, len(ranked), total)


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


async def _tree(
    store: Store, top: str, shape: Sequence[hierarchy.Member], by_organisation: dict[str, Figures]
) -> TreeFigures:
    """Return the scope as a tree with a subtotal at every node, computed bottom up (deepest level first)."""
    names = {member.key: member.name for member in shape if member.name is not None}
    names |= await hierarchy.names(store, keys=[top, *(member.key for member in shape if member.name is None)])
    children: dict[str, list[str]] = defaultdict(list)
    for member in shape:
        children[member.parent_key].append(member.key)
    nodes: dict[str, TreeFigures] = {}
    for key in [*(member.key for member in reversed(shape)), top]:
        below = [nodes[child] for child in children.get(key, ())]
        own = by_organisation.get(key, Figures())
        total = sum((node.total for node in below), own)
        nodes[key] = TreeFigures(key, names.get(key), own, total, below)
    return nodes[top]


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

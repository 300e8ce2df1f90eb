"""Revenue semantics in plain Python over lists of links and bookings, sharing no code with graph.revenue.

The reference keeps every link and booking in a list, decides validity on a day itself, attributes
a booking without an organisation to its account's one `sold_to` holder, finds descendants and roots
by walking the links of the day one step at a time, and counts months by stepping through them.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction


def valid(start: datetime.date | None, end: datetime.date | None, when: datetime.date) -> bool:
    """Return whether a period with these inclusive ends (None is open) covers the day."""
    return (start is None or start <= when) and (end is None or when <= end)


@dataclass(frozen=True)
class Link:
    """A `PARENT_OF` period."""

    parent: str
    child: str
    kind: str = "legal"
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    share: float | None = None


@dataclass(frozen=True)
class Membership:
    """A `MEMBER_OF` link."""

    member: str
    association: str
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None


@dataclass(frozen=True)
class Account:
    """A `HAS_ACCOUNT` link: an organisation holds a debtor account as `sold_to` or `payer`."""

    organisation: str
    debtor: str
    role: str = "sold_to"


@dataclass(frozen=True)
class Booking:
    """A row of the `revenue` load file, in cents; `organisation` None leaves the attribution to the account."""

    debtor: str
    period: str
    revenue: int
    gross_profit: int | None = None
    organisation: str | None = None


@dataclass
class World:
    """Organisations (key -> organisation kind, each named `Org KEY`), their links, accounts and bookings."""

    organisations: dict[str, str]
    parents: list[Link] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)


def name(key: str) -> str:
    return f"Org {key}"


def months(first: str, last: str) -> list[str]:
    """Return the months from `first` to `last`, both included, by stepping one month at a time."""
    year, month = int(first[:4]), int(first[5:])
    found = []
    while (year, month) <= (int(last[:4]), int(last[5:])):  # not as text: "10000-01" sorts before "9999-12"
        found.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return found


def default_range(first: str | None, last: str | None, when: datetime.date) -> tuple[str, str]:
    """Return the range asked for: `last` defaults to the month of `when`, `first` to eleven months before `last`
    but not before 0001-01: there is no year 0."""
    last = last or f"{when.year:04d}-{when.month:02d}"
    if first is None:
        year, month = int(last[:4]), int(last[5:])
        for _ in range(11):
            if (year, month) == (1, 1):
                break
            month -= 1
            if month == 0:
                year, month = year - 1, 12
        first = f"{year:04d}-{month:02d}"
    return first, last


def margin(revenue: int, gross_profit: int) -> Decimal | None:
    """Return gross profit in percent of revenue, two places, halves away from zero; None without revenue."""
    if revenue == 0:
        return None
    numerator, denominator = abs(gross_profit) * 10_000, abs(revenue)
    hundredths = (2 * numerator + denominator) // (2 * denominator)
    sign = -1 if (gross_profit < 0) != (revenue < 0) else 1
    return Decimal(sign * hundredths) / 100


def abc_classes(revenues: list[int], a_percent: str, b_percent: str) -> list[str]:
    """Return the class of each group, given in rank order, for thresholds written as decimal text."""
    total = sum(revenues)
    if total <= 0:
        return ["C"] * len(revenues)
    a_end = Fraction(a_percent) * total / 100
    b_end = (Fraction(a_percent) + Fraction(b_percent)) * total / 100
    classes, above = [], 0
    for revenue in revenues:
        classes.append("A" if above < a_end else "B" if above < b_end else "C")
        above += revenue
    return classes


class Reference:
    """Rollups and the groups ranking of a :class:`World`."""

    def __init__(self, world: World):
        self.world = world
        self.attributed = [(self._organisation_of(booking), booking) for booking in world.bookings]

    def _organisation_of(self, booking: Booking) -> str:
        if booking.organisation is not None:
            return booking.organisation
        holders = [a.organisation for a in self.world.accounts if a.debtor == booking.debtor and a.role == "sold_to"]
        assert len(holders) == 1, f"{booking} cannot be attributed: {holders}"
        return holders[0]

    def parent(self, key: str, when: datetime.date) -> str | None:
        found = [
            link.parent
            for link in self.world.parents
            if link.child == key and valid(link.valid_from, link.valid_to, when)
        ]
        assert len(found) <= 1, f"{key} has two parents on {when}"
        return found[0] if found else None

    def children(self, key: str, when: datetime.date) -> list[str]:
        return sorted(
            link.child
            for link in self.world.parents
            if link.parent == key and valid(link.valid_from, link.valid_to, when)
        )

    def root(self, key: str, when: datetime.date) -> str:
        while (above := self.parent(key, when)) is not None:
            key = above
        return key

    def subtree(self, key: str, when: datetime.date) -> list[str]:
        found, level = [key], [key]
        while level:
            level = sorted(child for parent in level for child in self.children(parent, when))
            found.extend(level)
        return found

    def members(self, association: str, when: datetime.date) -> list[str]:
        return sorted(
            {
                link.member
                for link in self.world.memberships
                if link.association == association and valid(link.valid_from, link.valid_to, when)
            }
        )

    def scope(self, key: str, scope: str, when: datetime.date) -> tuple[str, list[str]]:
        """Return the top of the scope and every organisation in it, the top included."""
        if scope == "self":
            return key, [key]
        if scope == "association":
            return key, [key, *self.members(key, when)]
        top = key if scope == "subtree" else self.root(key, when)
        return top, self.subtree(top, when)

    def figures(self, keys, periods) -> tuple[int, int]:
        """Return the summed revenue and gross profit of the bookings of these organisations in these periods."""
        chosen = [b for organisation, b in self.attributed if organisation in keys and b.period in periods]
        return sum(b.revenue for b in chosen), sum(b.gross_profit or 0 for b in chosen)

    def booked(self, key: str, periods) -> bool:
        return any(organisation == key and b.period in periods for organisation, b in self.attributed)

    def rollup(self, key, *, scope, when, first=None, last=None, top=10) -> dict:
        """Return everything a rollup answers, as plain values."""
        first, last = default_range(first, last, when)
        periods = months(first, last)
        top_key, keys = self.scope(key, scope, when)
        revenue, gross_profit = self.figures(keys, periods)
        booked = sorted((k for k in keys if self.booked(k, periods)), key=lambda k: (-self.figures([k], periods)[0], k))
        rest = booked[top:]
        return {
            "range": (first, last),
            "figures": (revenue, gross_profit),
            "margin": margin(revenue, gross_profit),
            "member_count": len(keys),
            "last_purchase": max(
                (
                    booking.period
                    for _, booking in self.attributed
                    if booking.period <= last and self.figures(keys, [booking.period])[0] > 0
                ),
                default=None,
            ),
            "periods": [(period, *self.figures(keys, [period])) for period in periods],
            "members": [(k, name(k), *self.figures([k], periods)) for k in booked[:top]],
            "rest": (len(rest), *self.figures(rest, periods)),
            "tree": self.tree(top_key, scope, when, periods),
        }

    def tree(self, key, scope, when, periods) -> tuple:
        """Return (key, name, own revenue, own gross profit, total revenue, total gross profit, children)."""
        if scope == "self":
            below = []
        elif scope == "association":
            below = [self.tree(member, "self", when, periods) for member in self.members(key, when) if member != key]
        else:
            below = [self.tree(child, scope, when, periods) for child in self.children(key, when)]
        own = self.figures([key], periods)
        total = (own[0] + sum(node[4] for node in below), own[1] + sum(node[5] for node in below))
        return (key, name(key), *own, *total, tuple(below))

    def groups(self, *, when, first=None, last=None, a_percent="80", b_percent="15") -> list[tuple]:
        """Return every group, ranked: (root, name, revenue, gross profit, member count, ABC class, rank)."""
        periods = months(*default_range(first, last, when))
        members: dict[str, list[str]] = {}
        for key in self.world.organisations:
            members.setdefault(self.root(key, when), []).append(key)
        figures = {root: self.figures(keys, periods) for root, keys in members.items()}
        ranked = sorted(members, key=lambda root: (-figures[root][0], root))
        classes = abc_classes([figures[root][0] for root in ranked], a_percent, b_percent)
        return [
            (root, name(root), *figures[root], len(members[root]), abc_class, rank)
            for rank, (root, abc_class) in enumerate(zip(ranked, classes, strict=True), 1)
        ]

    def total(self, *, when, first=None, last=None) -> tuple[int, int]:
        """Return the revenue and gross profit of every booking in the range."""
        return self.figures(set(self.world.organisations), months(*default_range(first, last, when)))

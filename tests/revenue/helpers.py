"""Builders for revenue tests: a :class:`World` loaded through the real loader, and the answers as plain values."""

import datetime
from pathlib import Path

from graph import ranking, revenue
from graph.snapshots import Snapshots
from graph.store import Store
from tests.helpers import load_rows
from tests.revenue.reference import Reference, World, name

ALL_PARTS = frozenset(revenue.Breakdown)


def amount(cents: int | None) -> str:
    """Return cents as a load-file amount (`-12.05`); None as an empty cell."""
    if cents is None:
        return ""
    whole, fraction = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{fraction:02d}"


def cell(value: datetime.date | str | None) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


async def build(store: Store, directory: Path, world: World) -> None:
    """Load the world's organisations, links, debtor accounts and bookings, each kind as one file."""
    debtors = sorted({a.debtor for a in world.accounts} | {b.debtor for b in world.bookings})
    files = [
        ("organisations", [{"key": key, "name": name(key), "kind": kind} for key, kind in world.organisations.items()]),
        ("debtors", [{"number": number, "name": f"Debtor {number}"} for number in debtors]),
        (
            "parents",
            [
                {
                    "parent_key": link.parent,
                    "child_key": link.child,
                    "kind": link.kind,
                    "valid_from": cell(link.valid_from),
                    "valid_to": cell(link.valid_to),
                    "share": "" if link.share is None else str(link.share),
                }
                for link in world.parents
            ],
        ),
        (
            "memberships",
            [
                {
                    "member_key": link.member,
                    "association_key": link.association,
                    "valid_from": cell(link.valid_from),
                    "valid_to": cell(link.valid_to),
                }
                for link in world.memberships
            ],
        ),
        (
            "accounts",
            [{"organisation_key": a.organisation, "debtor_number": a.debtor, "role": a.role} for a in world.accounts],
        ),
        (
            "revenue",
            [
                {
                    "debtor_number": b.debtor,
                    "period": b.period,
                    "revenue": amount(b.revenue),
                    "gross_profit": amount(b.gross_profit),
                    "organisation_key": cell(b.organisation),
                }
                for b in world.bookings
            ],
        ),
    ]
    for kind, rows in files:
        if rows:
            await load_rows(store, directory, kind, rows)


def answered(rollup: revenue.Rollup) -> dict:
    """Return a rollup with every part asked for as the plain values :meth:`Reference.rollup` gives."""
    assert rollup.periods and rollup.rest is not None and rollup.tree is not None
    return {
        "range": (rollup.first, rollup.last),
        "figures": (rollup.figures.revenue, rollup.figures.gross_profit),
        "margin": rollup.figures.margin,
        "member_count": rollup.member_count,
        "last_purchase": rollup.last_purchase,
        "periods": [(p.period, p.figures.revenue, p.figures.gross_profit) for p in rollup.periods],
        "members": [(m.key, m.name, m.figures.revenue, m.figures.gross_profit) for m in rollup.members],
        "rest": (rollup.rest.count, rollup.rest.figures.revenue, rollup.rest.figures.gross_profit),
        "tree": tree(rollup.tree),
    }


def tree(node: revenue.TreeFigures) -> tuple:
    """Return a tree of subtotals as nested tuples: (key, name, own revenue, own gross profit, totals, children)."""
    return (
        node.key,
        node.name,
        node.own.revenue,
        node.own.gross_profit,
        node.total.revenue,
        node.total.gross_profit,
        tuple(tree(child) for child in node.children),
    )


def ranked(groups: list[ranking.GroupFigures]) -> list[tuple]:
    """Return ranked groups as (root, name, revenue, gross profit, member count, ABC class, rank)."""
    return [
        (g.root_key, g.name, g.figures.revenue, g.figures.gross_profit, g.member_count, g.abc_class, g.rank)
        for g in groups
    ]


async def all_groups(
    store: Store, snapshots: Snapshots, *, limit: int, **asked
) -> tuple[list[ranking.GroupFigures], int, revenue.Figures]:
    """Return every group of the ranking, page by page, with the group count and total every page agreed on."""
    items, cursor, seen = [], None, set()
    while True:
        page = await ranking.groups(store, snapshots=snapshots, cursor=cursor, limit=limit, **asked)
        seen.add((page.group_count, page.total))
        items.extend(page.items)
        if page.next_cursor is None:
            assert len(page.items) <= limit and len(seen) == 1
            return items, page.group_count, page.total
        assert len(page.items) == limit
        cursor = page.next_cursor


async def assert_agrees_with_reference(
    store: Store,
    snapshots: Snapshots,
    world: World,
    *,
    when: datetime.date,
    first: str | None = None,
    last: str | None = None,
    top: int = revenue.DEFAULT_TOP,
    limit: int = 2,
    a_percent: str = "80",
    b_percent: str = "15",
) -> None:
    """Compare every scope of every organisation, and the ranking read page by page, with the reference."""
    reference = Reference(world)
    for key in world.organisations:
        for scope in revenue.Scope:
            rollup = await revenue.rollup(
                store,
                snapshots=snapshots,
                key=key,
                as_of=when,
                first=first,
                last=last,
                scope=scope,
                breakdown=ALL_PARTS,
                top=top,
            )
            assert (rollup.key, rollup.name, rollup.scope) == (key, name(key), scope)
            expected = reference.rollup(key, scope=scope, when=when, first=first, last=last, top=top)
            assert answered(rollup) == expected, (key, scope)
    classes = ranking.AbcClasses(float(a_percent), float(b_percent))
    items, count, total = await all_groups(
        store, snapshots, limit=limit, as_of=when, first=first, last=last, classes=classes
    )
    expected = reference.groups(when=when, first=first, last=last, a_percent=a_percent, b_percent=b_percent)
    assert ranked(items) == expected
    assert count == len(expected)
    # No amount counts twice and none is lost: the groups add up to every booking of the range.
    assert (total.revenue, total.gross_profit) == reference.total(when=when, first=first, last=last)

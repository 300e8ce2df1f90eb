"""Rollups of every scope and the groups ranking on random graphs, against the plain-Python reference.

Random forests with history, memberships, debtor accounts held by several organisations as
`sold_to` or `payer`, and bookings (credit notes and ties included) that name their organisation
or leave it to the account's one `sold_to` holder, all loaded through the real loader. Every
organisation is asked for every scope with every breakdown; the ranking is read page by page.
"""

import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin
from tests.revenue.helpers import assert_agrees_with_reference, build
from tests.revenue.reference import Account, Booking, Link, Membership, World, months

KEY_POOL = ("A", "B", "C", "D", "E", "F", "G")
KINDS = ("company", "branch", "association")
# Days 20 apart from November to March: the default range (the year up to the month of as_of) moves with them;
# and days centuries away, as real files have them (a group founded in 1901, an ERP's open end 9999-12-31).
DAY_POOL = (
    datetime.date(1, 1, 1),
    datetime.date(1901, 1, 1),
    *(datetime.date(2023, 11, 1) + datetime.timedelta(days=20 * number) for number in range(8)),
    datetime.date(2068, 2, 1),
    datetime.date(9999, 12, 31),
)
PERIOD_POOL = months("2023-08", "2024-04")
DEBTORS = ("100", "200", "300")
# Mostly round amounts: they make ties in the rankings, which the key must break.
ROUND_CENTS = (0, 1000, 5000, -1000)


def ends(draw) -> tuple[datetime.date | None, datetime.date | None]:
    """Draw the inclusive ends of a period, either open."""
    start, end = sorted(draw(st.lists(st.sampled_from(DAY_POOL), min_size=2, max_size=2)))
    return (None if draw(st.booleans()) else start), (None if draw(st.booleans()) else end)


@st.composite
def worlds(draw) -> World:
    """Draw a valid graph: one parent a day, no cycles, bookings each attributable to exactly one organisation.

    Parents and associations come earlier in a random order of the keys than their children and
    members, so no day has a cycle; a child's periods do not overlap, so no day has two parents.
    """
    keys = draw(st.permutations(KEY_POOL))[: draw(st.integers(1, len(KEY_POOL)))]
    world = World({key: draw(st.sampled_from(KINDS)) for key in keys})
    for index in range(1, len(keys)):
        count = draw(st.integers(0, 2))
        days = sorted(draw(st.lists(st.sampled_from(DAY_POOL), min_size=2 * count, max_size=2 * count, unique=True)))
        for number in range(count):
            start, end = days[2 * number], days[2 * number + 1]
            world.parents.append(
                Link(
                    draw(st.sampled_from(keys[:index])),
                    keys[index],
                    draw(st.sampled_from(["legal", "branch"])),
                    None if number == 0 and draw(st.booleans()) else start,
                    None if number == count - 1 and draw(st.booleans()) else end,
                )
            )
    if len(keys) > 1:
        pairs = st.integers(1, len(keys) - 1).flatmap(lambda i: st.tuples(st.just(i), st.integers(0, i - 1)))
        for member, association in draw(st.lists(pairs, max_size=4, unique=True)):
            world.memberships.append(Membership(keys[member], keys[association], *ends(draw)))
    for debtor in DEBTORS:
        for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
            world.accounts.append(Account(key, debtor, draw(st.sampled_from(["sold_to", "payer"]))))
    identities = set()
    for _ in range(draw(st.integers(0, 12))):
        debtor = draw(st.sampled_from(DEBTORS))
        holders = [a.organisation for a in world.accounts if a.debtor == debtor and a.role == "sold_to"]
        named = draw(st.sampled_from(keys))
        leave_to_account = len(holders) == 1 and draw(st.booleans())
        period = draw(st.sampled_from(PERIOD_POOL))
        identity = (debtor, period, holders[0] if leave_to_account else named)
        if identity in identities:
            continue
        identities.add(identity)
        world.bookings.append(
            Booking(
                debtor,
                period,
                draw(st.sampled_from(ROUND_CENTS) if draw(st.integers(0, 3)) else st.integers(-30_000, 200_000)),
                draw(st.one_of(st.none(), st.integers(-20_000, 80_000))),
                None if leave_to_account else named,
            )
        )
    return world


@st.composite
def questions(draw) -> dict:
    """Draw what is asked: the day, the period range (or its defaults), top, page size and ABC thresholds."""
    first, last = sorted(draw(st.lists(st.sampled_from(PERIOD_POOL), min_size=2, max_size=2)))
    first, last = draw(st.sampled_from([(None, None), (None, last), (first, last)]))
    a_tenths = draw(st.integers(0, 1000))
    b_tenths = draw(st.integers(0, 1000 - a_tenths))
    return {
        "when": draw(st.sampled_from(DAY_POOL)),
        "first": first,
        "last": last,
        "top": draw(st.integers(1, 3)),
        "limit": draw(st.integers(1, 3)),
        # Thresholds as the settings hold them (floats), and as decimal text for the reference.
        "a_percent": str(Decimal(a_tenths) / 10),
        "b_percent": str(Decimal(b_tenths) / 10),
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds(), asked=questions())
async def test_rollups_and_groups_agree_with_the_reference(store, snapshots, tmp_path, world, asked):
    await admin.delete_everything(store)
    await build(store, tmp_path, world)

    await assert_agrees_with_reference(store, snapshots, world, **asked)

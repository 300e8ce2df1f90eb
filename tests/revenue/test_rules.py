"""Refused inputs, breakdown parts, margins, ties and ABC classes by hand."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph import paging, ranking, revenue
from graph.errors import InvalidInput, NotFound
from graph.revenue import Figures
from tests.revenue.helpers import all_groups, build
from tests.revenue.reference import Account, Booking, Link, World, margin

MARCH_15 = datetime.date(2024, 3, 15)
CLASSES = ranking.AbcClasses(80, 15)


def single_groups(revenues: dict[str, int]) -> World:
    """Return unlinked organisations, each booking its revenue (and a tenth of it as gross profit) in 2024-01."""
    return World(
        {key: "company" for key in revenues},
        accounts=[Account(key, f"D-{key}") for key in revenues],
        bookings=[Booking(f"D-{key}", "2024-01", cents, cents // 10) for key, cents in revenues.items()],
    )


async def classes_of(store, snapshots, classes: ranking.AbcClasses) -> list[tuple[str, str]]:
    items, _, _ = await all_groups(
        store, snapshots, limit=1, as_of=MARCH_15, first="2024-01", last="2024-01", classes=classes
    )
    return [(group.root_key, group.abc_class) for group in items]


# --- refused questions ------------------------------------------------------------------------


async def test_bad_questions_are_invalid_and_an_unknown_key_is_not_found(store, snapshots, tmp_path):
    await build(store, tmp_path, World({"A": "company", "EK": "association"}))

    async def ask(**changes):
        return await revenue.rollup(store, snapshots=snapshots, **({"key": "A", "as_of": MARCH_15} | changes))

    for changes, reason in (
        ({"scope": "world"}, "unknown scope 'world'"),
        ({"breakdown": ["period", "members"]}, "unknown breakdown 'members'"),
        ({"top": 0}, "top must be from 1 to 10,000, not 0"),
        ({"top": revenue.MAX_TOP + 1}, "not 10001"),
        ({"first": "2024-1"}, "from must be a period YYYY-MM"),
        ({"last": "2024-13"}, "to must be a period YYYY-MM"),
        ({"first": "2024-02", "last": "2024-01"}, "comes after"),
    ):
        with pytest.raises(InvalidInput, match=reason):
            await ask(**changes)
    assert (await ask(top=revenue.MAX_TOP, scope="group", breakdown=["tree"])).figures == Figures()
    for scope in revenue.Scope:
        with pytest.raises(NotFound, match="NOPE"):
            await ask(key="NOPE", scope=scope)

    for changes, reason in (
        ({"limit": 0}, "limit"),
        ({"limit": paging.MAX_LIMIT + 1}, "limit"),
        ({"cursor": "not a cursor"}, "cursor"),
        ({"cursor": paging.encode_cursor("A")}, "cursor"),  # a cursor of another list
        ({"first": "2024-14"}, "YYYY-MM"),
    ):
        with pytest.raises(InvalidInput, match=reason):
            await ranking.groups(store, snapshots=snapshots, **({"as_of": MARCH_15, "classes": CLASSES} | changes))


# --- what a rollup answers --------------------------------------------------------------------


async def test_defaults_and_breakdown_parts(store, snapshots, tmp_path):
    # Arrange: R with three children booking in the default range (April 2023 to March 2024) and one before it.
    world = World(
        {"R": "company", "K1": "company", "K2": "company", "K3": "company"},
        parents=[Link("R", child) for child in ("K1", "K2", "K3")],
        accounts=[Account(key, f"D-{key}") for key in ("K1", "K2", "K3")],
        bookings=[
            Booking("D-K1", "2024-03", 30_00, 3_00),
            Booking("D-K2", "2023-04", 20_00),
            Booking("D-K3", "2023-05", 10_00, 1_00),
            Booking("D-K3", "2023-03", 99_00, 9_00),
        ],
    )
    await build(store, tmp_path, world)

    # Act
    plain = await revenue.rollup(store, snapshots=snapshots, key="R", as_of=MARCH_15, scope="subtree")
    bare = await revenue.rollup(
        store, snapshots=snapshots, key="R", as_of=MARCH_15, scope="subtree", breakdown=(), top=1
    )
    topped = await revenue.rollup(store, snapshots=snapshots, key="R", as_of=MARCH_15, scope="subtree", top=1)

    # Assert: the default range is the year up to March 2024; the default parts are periods and members.
    assert (plain.first, plain.last, len(plain.periods)) == ("2023-04", "2024-03", 12)
    assert (plain.figures, plain.member_count, plain.last_purchase) == (Figures(60_00, 4_00), 4, "2024-03")
    assert [(m.key, m.name, m.figures) for m in plain.members] == [
        ("K1", "Org K1", Figures(30_00, 3_00)),
        ("K2", "Org K2", Figures(20_00, 0)),
        ("K3", "Org K3", Figures(10_00, 1_00)),
    ]
    assert plain.rest == revenue.Rest(0, Figures()) and plain.tree is None
    assert (bare.periods, bare.members, bare.rest, bare.tree) == ([], [], None, None)
    assert (bare.figures, bare.last_purchase, bare.name) == (plain.figures, plain.last_purchase, "Org R")
    assert [m.key for m in topped.members] == ["K1"]
    assert topped.rest == revenue.Rest(2, Figures(30_00, 1_00))


async def test_ties_are_ranked_by_key_in_members_and_groups_across_pages(store, snapshots, tmp_path):
    world = single_groups({"D": 100_00, "B": 100_00, "C": 100_00, "A": 100_00, "E": 50_00})
    world.parents.append(Link("E", "D"))
    world.parents.append(Link("E", "C"))
    await build(store, tmp_path, world)

    group = await revenue.rollup(
        store, snapshots=snapshots, key="E", as_of=MARCH_15, first="2024-01", last="2024-01", scope="group"
    )
    items, count, total = await all_groups(
        store, snapshots, limit=1, as_of=MARCH_15, first="2024-01", last="2024-01", classes=CLASSES
    )

    assert [(m.key, m.figures.revenue) for m in group.members] == [("C", 100_00), ("D", 100_00), ("E", 50_00)]
    assert [(g.rank, g.root_key, g.figures.revenue, g.member_count) for g in items] == [
        (1, "E", 250_00, 3),
        (2, "A", 100_00, 1),
        (3, "B", 100_00, 1),
    ]
    assert (count, total) == (3, Figures(450_00, 45_00))


async def test_groups_of_a_graph_without_bookings_are_all_c_and_an_empty_graph_has_none(store, snapshots, tmp_path):
    assert await ranking.groups(store, snapshots=snapshots, as_of=MARCH_15, classes=CLASSES) == ranking.GroupPage(
        [], None, 0, Figures()
    )

    await build(store, tmp_path, World({"B": "company", "A": "company"}))

    assert await classes_of(store, snapshots, CLASSES) == [("A", "C"), ("B", "C")]


# --- margins and ABC classes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cents", "profit", "expected"),
    [
        (800, 1, Decimal("0.13")),  # 0.125 %: a half rounds up
        (800, -1, Decimal("-0.13")),  # and away from zero below it
        (-800, 1, Decimal("-0.13")),
        (300, 100, Decimal("33.33")),
        (300, 200, Decimal("66.67")),
        (100, 100, Decimal("100.00")),
        (100, 0, Decimal("0.00")),
        (0, 500, None),
    ],
)
def test_the_margin_is_in_percent_with_two_places_rounded_half_up(cents, profit, expected):
    assert Figures(cents, profit).margin == expected
    assert margin(cents, profit) == expected


@given(cents=st.integers(-(10**12), 10**12), profit=st.integers(-(10**12), 10**12))
def test_the_margin_agrees_with_the_reference(cents, profit):
    assert Figures(cents, profit).margin == margin(cents, profit)


async def test_abc_classes_follow_the_share_the_groups_above_make(store, snapshots, tmp_path):
    await build(store, tmp_path, single_groups({"A": 500_00, "B": 300_00, "C": 100_00, "D": 60_00, "E": 40_00}))

    # 0 % and 50 % above: A; exactly 80 % above is not less than 80 %: B, as is 90 %; 96 % above: C.
    assert await classes_of(store, snapshots, CLASSES) == [("A", "A"), ("B", "A"), ("C", "B"), ("D", "B"), ("E", "C")]
    assert await classes_of(store, snapshots, ranking.AbcClasses(50, 30)) == [
        ("A", "A"),
        ("B", "B"),
        ("C", "C"),
        ("D", "C"),
        ("E", "C"),
    ]
    assert await classes_of(store, snapshots, ranking.AbcClasses(0, 100)) == [(key, "B") for key in "ABCDE"]


async def test_abc_thresholds_that_floats_cannot_add_exactly_still_end_where_they_say(store, snapshots, tmp_path):
    # 50.1 + 0.2 is 50.300000000000004 in floating point; the group with exactly 50.3 % above it is C.
    await build(store, tmp_path, single_groups({"A": 503_00, "B": 300_00, "C": 197_00}))

    assert await classes_of(store, snapshots, ranking.AbcClasses(50.1, 0.2)) == [("A", "A"), ("B", "C"), ("C", "C")]


async def test_amounts_stay_exact_to_the_cent_far_beyond_32_bits(store, snapshots, tmp_path):
    # 40 trillion and a cent, twice, plus a cent: odd cents where a float of less than 53 bits would round.
    world = single_groups({"A": 4_000_000_000_000_001, "B": 1})
    world.bookings.append(Booking("D-A", "2024-02", 4_000_000_000_000_001, 1))
    await build(store, tmp_path, world)

    group = await revenue.rollup(
        store, snapshots=snapshots, key="A", as_of=MARCH_15, first="2024-01", last="2024-02", scope="group"
    )
    _, _, total = await all_groups(
        store, snapshots, limit=1, as_of=MARCH_15, first="2024-01", last="2024-02", classes=CLASSES
    )

    assert group.figures == Figures(8_000_000_000_000_002, 400_000_000_000_001)
    assert [p.figures.revenue for p in group.periods] == [4_000_000_000_000_001, 4_000_000_000_000_001]
    assert total == Figures(8_000_000_000_000_003, 400_000_000_000_001)

"""The traps of group revenue the issue names, each with hand-computed figures and then against the reference."""

import datetime
from decimal import Decimal

from graph import loading, ranking, revenue
from graph.revenue import Figures
from tests.revenue.helpers import all_groups, assert_agrees_with_reference, build, tree
from tests.revenue.reference import Account, Booking, Link, Membership, World

CLASSES = ranking.AbcClasses(80, 15)
JUNE_30 = datetime.date(2024, 6, 30)
JULY_1 = datetime.date(2024, 7, 1)


async def rollup(
    store, snapshots, key, scope, *, when=JUNE_30, first="2024-01", last="2024-12", **asked
) -> revenue.Rollup:
    return await revenue.rollup(
        store, snapshots=snapshots, key=key, as_of=when, first=first, last=last, scope=scope, **asked
    )


async def ranked_groups(
    store, snapshots, *, when=JUNE_30, first="2024-01", last="2024-12"
) -> list[tuple[str, int, int, int, str]]:
    """Return the groups as (root, revenue, gross profit, member count, ABC class), read two to a page."""
    items, _, _ = await all_groups(store, snapshots, limit=2, as_of=when, first=first, last=last, classes=CLASSES)
    return [(g.root_key, g.figures.revenue, g.figures.gross_profit, g.member_count, g.abc_class) for g in items]


def members(result: revenue.Rollup) -> list[tuple[str, int]]:
    return [(m.key, m.figures.revenue) for m in result.members]


async def test_one_debtor_number_serving_several_branches_counts_each_booking_for_its_branch(
    store, snapshots, tmp_path
):
    # Arrange: one debtor number for the headquarters and its three branches; every booking names its branch.
    world = World(
        {"HQ": "company", "B1": "branch", "B2": "branch", "B3": "branch"},
        parents=[Link("HQ", branch, "branch") for branch in ("B1", "B2", "B3")],
        accounts=[Account(key, "100") for key in ("HQ", "B1", "B2", "B3")],
        bookings=[
            Booking("100", "2024-01", 100_00, 30_00, "B1"),
            Booking("100", "2024-01", 200_00, 50_00, "B2"),
            Booking("100", "2024-02", 50_00, 10_00, "B3"),
            Booking("100", "2024-02", 10_00, None, "HQ"),
        ],
    )
    await build(store, tmp_path, world)

    # Act
    branch = await rollup(store, snapshots, "B1", "self")
    group = await rollup(store, snapshots, "B2", "group", breakdown=revenue.Breakdown)

    # Assert
    assert (branch.figures, branch.figures.margin, branch.last_purchase) == (
        Figures(100_00, 30_00),
        Decimal(30),
        "2024-01",
    )
    assert group.figures == Figures(360_00, 90_00) and group.figures.margin == Decimal(25)
    assert group.member_count == 4
    assert members(group) == [("B2", 200_00), ("B1", 100_00), ("B3", 50_00), ("HQ", 10_00)]
    assert [(p.period, p.figures) for p in group.periods[:3]] == [
        ("2024-01", Figures(300_00, 80_00)),
        ("2024-02", Figures(60_00, 10_00)),
        ("2024-03", Figures()),
    ]
    assert tree(group.tree) == (
        "HQ",
        "Org HQ",
        10_00,
        0,
        360_00,
        90_00,
        (
            ("B1", "Org B1", 100_00, 30_00, 100_00, 30_00, ()),
            ("B2", "Org B2", 200_00, 50_00, 200_00, 50_00, ()),
            ("B3", "Org B3", 50_00, 10_00, 50_00, 10_00, ()),
        ),
    )
    subtree = await rollup(store, snapshots, "HQ", "subtree", breakdown=revenue.Breakdown)
    assert (subtree.figures, subtree.members, subtree.tree) == (group.figures, group.members, group.tree)
    assert await ranked_groups(store, snapshots) == [("HQ", 360_00, 90_00, 4, "A")]
    await assert_agrees_with_reference(store, snapshots, world, when=JUNE_30, first="2024-01", last="2024-12")

    # Act / Assert: a booking that leaves its organisation to an account with four sold_to holders is refused.
    path = tmp_path / "unattributed" / "revenue.csv"
    path.parent.mkdir()
    path.write_text("debtor_number,period,revenue\n100,2024-03,999.00\n", encoding="utf-8")
    assert (await loading.load_paths(store, [path])).rejected == 1
    assert (await rollup(store, snapshots, "HQ", "group")).figures == Figures(360_00, 90_00)


async def test_central_settlement_counts_for_the_member_that_got_the_goods_never_twice(store, snapshots, tmp_path):
    # Arrange: the association EK pays for its members' deliveries through its payer account 900;
    # M1 belongs to G's group and also buys on its own sold_to account.
    world = World(
        {"G": "company", "M1": "company", "M2": "company", "EK": "association"},
        parents=[Link("G", "M1")],
        memberships=[Membership("M1", "EK"), Membership("M2", "EK")],
        accounts=[Account("EK", "900", "payer"), Account("M1", "101"), Account("M2", "102")],
        bookings=[
            Booking("900", "2024-03", 1000_00, 200_00, "M1"),
            Booking("900", "2024-03", 500_00, 100_00, "M2"),
            Booking("101", "2024-03", 200_00, 40_00),
        ],
    )
    await build(store, tmp_path, world)

    # Act
    association = await rollup(store, snapshots, "EK", "association", breakdown=revenue.Breakdown)

    # Assert
    assert (await rollup(store, snapshots, "M1", "self")).figures == Figures(1200_00, 240_00)
    assert (await rollup(store, snapshots, "M2", "self")).figures == Figures(500_00, 100_00)
    payer = await rollup(store, snapshots, "EK", "self")
    assert (payer.figures, payer.figures.margin, payer.last_purchase) == (Figures(), None, None)
    group = await rollup(store, snapshots, "M1", "group")
    assert (group.figures, group.member_count) == (Figures(1200_00, 240_00), 2)
    assert (association.figures, association.member_count) == (Figures(1700_00, 340_00), 3)
    assert members(association) == [("M1", 1200_00), ("M2", 500_00)]
    assert [(node.key, node.total) for node in association.tree.children] == [
        ("M1", Figures(1200_00, 240_00)),
        ("M2", Figures(500_00, 100_00)),
    ]
    assert await ranked_groups(store, snapshots) == [
        ("G", 1200_00, 240_00, 2, "A"),
        ("M2", 500_00, 100_00, 1, "A"),  # the 70.6 % above it is less than 80 %
        ("EK", 0, 0, 1, "C"),
    ]
    await assert_agrees_with_reference(store, snapshots, world, when=JUNE_30, first="2024-01", last="2024-12")

    # Act / Assert: a booking on the payer account without an organisation has no sold_to holder: refused.
    path = tmp_path / "unattributed" / "revenue.csv"
    path.parent.mkdir()
    path.write_text("debtor_number,period,revenue\n900,2024-04,50.00\n", encoding="utf-8")
    assert (await loading.load_paths(store, [path])).rejected == 1


async def test_an_organisation_in_a_group_and_two_associations_counts_once_in_each(store, snapshots, tmp_path):
    # Arrange: O belongs to G's group and, like P, to the associations A1 and A2; A1 also buys itself.
    world = World(
        {"G": "company", "O": "company", "P": "company", "A1": "association", "A2": "association"},
        parents=[Link("G", "O")],
        memberships=[Membership(member, association) for member in ("O", "P") for association in ("A1", "A2")],
        accounts=[Account("O", "200"), Account("G", "201"), Account("P", "202"), Account("A1", "203")],
        bookings=[
            Booking("200", "2024-05", 100_00, 20_00),
            Booking("201", "2024-05", 50_00, 10_00),
            Booking("202", "2024-05", 30_00, 6_00),
            Booking("203", "2024-05", 5_00, 1_00),
        ],
    )
    await build(store, tmp_path, world)

    # Act
    first_association = await rollup(store, snapshots, "A1", "association")
    second_association = await rollup(store, snapshots, "A2", "association")
    group = await rollup(store, snapshots, "O", "group")

    # Assert
    assert (first_association.figures, first_association.member_count) == (Figures(135_00, 27_00), 3)
    assert members(first_association) == [("O", 100_00), ("P", 30_00), ("A1", 5_00)]
    assert (second_association.figures, second_association.member_count) == (Figures(130_00, 26_00), 3)
    assert members(second_association) == [("O", 100_00), ("P", 30_00)]
    assert (group.figures, group.member_count) == (Figures(150_00, 30_00), 2)
    groups = await ranked_groups(store, snapshots)
    assert groups == [
        ("G", 150_00, 30_00, 2, "A"),
        ("P", 30_00, 6_00, 1, "B"),  # 150 of 185 above it: 81 %
        ("A1", 5_00, 1_00, 1, "C"),  # 180 of 185 above it: 97 %
        ("A2", 0, 0, 1, "C"),
    ]
    assert sum(revenue for _, revenue, *_ in groups) == sum(booking.revenue for booking in world.bookings)
    await assert_agrees_with_reference(store, snapshots, world, when=JUNE_30, first="2024-01", last="2024-12")


async def test_a_re_parenting_inside_the_period_moves_the_whole_range_with_the_structure_of_as_of(
    store, snapshots, tmp_path
):
    # Arrange: X (with its branch Y) moves from G1 to G2 on 1 July 2024 and books every month of the year.
    world = World(
        {"G1": "company", "G2": "company", "X": "company", "Y": "branch"},
        parents=[
            Link("G1", "X", valid_to=JUNE_30),
            Link("G2", "X", valid_from=JULY_1),
            Link("X", "Y", "branch"),
        ],
        accounts=[Account("X", "300"), Account("Y", "301"), Account("G1", "302"), Account("G2", "303")],
        bookings=[
            *(Booking("300", f"2024-{month:02d}", 100_00, 20_00) for month in range(1, 13)),
            Booking("301", "2024-03", 50_00, 10_00),
            Booking("301", "2024-09", 50_00, 10_00),
            Booking("302", "2024-01", 30_00, 6_00),
            Booking("303", "2024-12", 40_00, 8_00),
        ],
    )
    await build(store, tmp_path, world)

    # Act
    before = await rollup(store, snapshots, "X", "group", when=JUNE_30, breakdown=revenue.Breakdown)
    after = await rollup(store, snapshots, "X", "group", when=JULY_1, breakdown=revenue.Breakdown)

    # Assert: the whole year goes with the group X belongs to on as_of, the months before the move included.
    assert (before.tree.key, before.figures, before.member_count) == ("G1", Figures(1330_00, 266_00), 3)
    assert (after.tree.key, after.figures, after.member_count) == ("G2", Figures(1340_00, 268_00), 3)
    monthly = {p.period: p.figures.revenue for p in after.periods}
    assert (monthly["2024-01"], monthly["2024-03"], monthly["2024-09"], monthly["2024-12"]) == (
        100_00,
        150_00,
        150_00,
        140_00,
    )
    assert sum(monthly.values()) == after.figures.revenue
    assert (await rollup(store, snapshots, "G1", "group", when=JULY_1)).figures == Figures(30_00, 6_00)
    assert (await rollup(store, snapshots, "G2", "group", when=JUNE_30)).figures == Figures(40_00, 8_00)
    assert await ranked_groups(store, snapshots, when=JUNE_30) == [
        ("G1", 1330_00, 266_00, 3, "A"),
        ("G2", 40_00, 8_00, 1, "C"),
    ]
    assert await ranked_groups(store, snapshots, when=JULY_1) == [
        ("G2", 1340_00, 268_00, 3, "A"),
        ("G1", 30_00, 6_00, 1, "C"),
    ]
    for when in (JUNE_30, JULY_1):
        _, _, total = await all_groups(
            store, snapshots, limit=1, as_of=when, first="2024-01", last="2024-12", classes=CLASSES
        )
        assert total == Figures(1370_00, 274_00)
        await assert_agrees_with_reference(store, snapshots, world, when=when, first="2024-01", last="2024-12")


async def test_credit_notes_lower_months_margins_and_last_purchases(store, snapshots, tmp_path):
    # Arrange: C buys in January and February, gets a credit note for January in March and a smaller one in
    # April; D has only a credit note.
    world = World(
        {"C": "company", "D": "company"},
        accounts=[Account("C", "400"), Account("D", "401")],
        bookings=[
            Booking("400", "2024-01", 100_00, 40_00),
            Booking("400", "2024-02", 50_00, 10_00),
            Booking("400", "2024-03", -100_00, -40_00),
            Booking("400", "2024-04", -50_00, -5_00),
            Booking("401", "2024-02", -30_00, -3_00),
        ],
    )
    await build(store, tmp_path, world)

    # Act
    quarter = await rollup(store, snapshots, "C", "self", first="2024-01", last="2024-03")
    march = await rollup(store, snapshots, "C", "self", first="2024-03", last="2024-03")
    four_months = await rollup(store, snapshots, "C", "self", first="2024-01", last="2024-04")
    year_before = await rollup(store, snapshots, "C", "self", first="2023-01", last="2023-12")
    only_credit = await rollup(store, snapshots, "D", "self", first="2024-01", last="2024-04")

    # Assert
    assert (quarter.figures, quarter.figures.margin, quarter.last_purchase) == (
        Figures(50_00, 10_00),
        Decimal(20),
        "2024-02",
    )
    assert [(p.period, p.figures.revenue) for p in quarter.periods] == [
        ("2024-01", 100_00),
        ("2024-02", 50_00),
        ("2024-03", -100_00),
    ]
    # A range of credit notes only: a negative total, and the last purchase from before the range.
    assert (march.figures, march.figures.margin, march.last_purchase) == (
        Figures(-100_00, -40_00),
        Decimal(40),
        "2024-02",
    )
    # Revenue cancelled out: no margin, though gross profit is left.
    assert (four_months.figures, four_months.figures.margin) == (Figures(0, 5_00), None)
    assert (year_before.figures, year_before.last_purchase, len(year_before.periods)) == (Figures(), None, 12)
    assert (only_credit.figures, only_credit.figures.margin, only_credit.last_purchase) == (
        Figures(-30_00, -3_00),
        Decimal(10),
        None,
    )
    # A total of zero or less leaves every group in class C.
    assert await ranked_groups(store, snapshots, first="2024-03", last="2024-04") == [
        ("D", 0, 0, 1, "C"),
        ("C", -150_00, -45_00, 1, "C"),
    ]
    assert await ranked_groups(store, snapshots, first="2024-01", last="2024-04") == [
        ("C", 0, 5_00, 1, "C"),
        ("D", -30_00, -3_00, 1, "C"),
    ]
    for first, last in (("2024-01", "2024-04"), ("2024-03", "2024-03"), ("2024-02", "2024-02")):
        await assert_agrees_with_reference(store, snapshots, world, when=JUNE_30, first=first, last=last)

"""One level with totals by hand: seen organisations under hidden ones, and the structure of the day."""

import datetime

from graph import levels, loading, revenue
from graph.settings import Inheritance
from seed.demo import DEMO_DIR
from tests.levels.test_reference import Viewed, load
from tests.revenue.reference import Booking, Link, World

DAY = datetime.date(2024, 1, 1)
RANGE = {"first": "2024-01", "last": "2024-12"}


async def test_a_seen_organisation_under_a_hidden_one_is_on_the_level_of_its_nearest_seen_ancestor(
    store, snapshots, tmp_path
):
    # A holds B and D; B holds C. The rep sees A and C only (no inheritance): C hangs under A, two links below it.
    world = World(
        {"A": "company", "B": "company", "C": "company", "D": "company"},
        parents=[Link("A", "B", share=60.0), Link("B", "C", "branch"), Link("A", "D")],
        bookings=[
            Booking("100", "2024-03", 1000, 300, "A"),
            Booking("100", "2024-03", 500, 0, "B"),
            Booking("100", "2024-05", 250, 50, "C"),
        ],
    )
    viewed = Viewed(world, dict.fromkeys("ABCD", "DE"), ["A", "C"], Inheritance.NONE, DAY)
    viewer = await load(store, tmp_path, viewed)

    level = await levels.children(store, snapshots=snapshots, key="A", as_of=DAY, viewer=viewer, **RANGE)

    assert [(item.key, item.depth, item.parent_key, item.kind) for item in level.items] == [("C", 2, None, "branch")]
    assert (level.child_count, level.hidden_count, level.member_count) == (1, 2, 2)
    assert level.own == revenue.Figures(1000, 300)
    # B's bookings are hidden: the totals count only what the rep sees.
    assert level.total == revenue.Figures(1250, 350) == level.own + level.items[0].total
    everything = await levels.children(store, snapshots=snapshots, key="A", as_of=DAY, **RANGE)
    assert [(item.key, item.depth, item.parent_key, item.share) for item in everything.items] == [
        ("B", 1, "A", 60.0),
        ("D", 1, "A", None),
    ]
    assert everything.items[0].total == revenue.Figures(750, 50) and everything.hidden_count == 0


async def test_a_level_is_the_structure_of_as_of(store, snapshots):
    await loading.load_paths(store, [DEMO_DIR])
    # Müller Haustechnik moved from Müller Baustoffe up to the Müller holding on 2024-04-01.
    asked = {"first": "2025-01", "last": "2025-12"}
    march, april = datetime.date(2024, 3, 31), datetime.date(2024, 4, 1)

    before = await levels.children(store, snapshots=snapshots, key="ORG-DE-0001", as_of=march, **asked)
    after = await levels.children(store, snapshots=snapshots, key="ORG-DE-0001", as_of=april, **asked)
    below_before = await levels.children(store, snapshots=snapshots, key="ORG-DE-0002", as_of=march, **asked)
    below_after = await levels.children(store, snapshots=snapshots, key="ORG-DE-0002", as_of=april, **asked)

    assert "ORG-DE-0011" not in {item.key for item in before.items + below_after.items}
    moved = next(item for item in after.items if item.key == "ORG-DE-0011")
    was = next(item for item in below_before.items if item.key == "ORG-DE-0011")
    assert (was.parent_key, was.valid_from, was.valid_to) == ("ORG-DE-0002", datetime.date(2018, 7, 1), march)
    assert (moved.parent_key, moved.valid_from, moved.valid_to) == ("ORG-DE-0001", april, None)
    assert after.child_count == before.child_count + 1 and below_after.child_count == below_before.child_count - 1
    # The group holds the same organisations either day; its member moved with its figures.
    assert (after.member_count, after.total) == (before.member_count, before.total)
    assert below_after.total == revenue.Figures(
        below_before.total.revenue - moved.total.revenue, below_before.total.gross_profit - moved.total.gross_profit
    )

"""The levels of a chain on random graphs: each is the level `children` answers, the chain the reference's.

The worlds, viewers and questions of tests/levels/test_reference.py. The reference's chain walks up from the
organisation one link at a time and keeps the organisations the viewer sees; every level must equal the first page
`levels.children` answers for its organisation (already checked against the reference there), and each `chain_item`
the item of the next organisation in the reference's whole level, wherever it is ranked.
"""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings

from graph import admin, levels, visibility
from graph.errors import NotFound
from tests.levels.test_reference import (
    Viewed,
    as_values,
    expected_level,
    load,
    questions,
    seen_keys,
    viewed_worlds,
)
from tests.revenue.reference import Booking, Link, Reference, World

DAY = datetime.date(2024, 1, 1)


def expected_chain(viewed: Viewed, seen: set[str], key: str, when) -> tuple[list[str], int]:
    """Return the chain as the viewer sees it, topmost first, and how many ancestors above its top are hidden."""
    reference = Reference(viewed.world)
    up = [key]
    while (above := reference.parent(up[-1], when)) is not None:
        up.append(above)
    chain = [organisation for organisation in up if organisation in seen]
    return chain[::-1], len(up) - 1 - up.index(chain[-1])


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(viewed=viewed_worlds(), asked=questions())
async def test_the_levels_of_a_chain_agree_with_children_and_the_reference(store, snapshots, tmp_path, viewed, asked):
    await admin.delete_everything(store)
    viewer = await load(store, tmp_path, viewed)
    seen = seen_keys(viewed)
    when, first, last, limit = asked["when"], asked["first"], asked["last"], asked["limit"]
    question = {"as_of": when, "first": first, "last": last, "viewer": viewer, "limit": limit}

    for key in viewed.world.organisations:
        if key not in seen:
            with pytest.raises(NotFound) as hidden:
                await levels.chain(store, snapshots=snapshots, key=key, **question)
            assert str(hidden.value) == str(visibility.not_found(key))
            continue
        for sort in levels.Sort:
            answered = await levels.chain(store, snapshots=snapshots, key=key, sort=sort, **question)

            keys, hidden_above = expected_chain(viewed, seen, key, when)
            assert [part.level.key for part in answered.levels] == keys, (key, sort)
            assert (answered.key, answered.hidden_count) == (key, hidden_above)
            for part, below in zip(answered.levels, [*keys[1:], None], strict=True):
                top = part.level.key
                assert part.level == await levels.children(store, snapshots=snapshots, key=top, sort=sort, **question)
                assert part.level.country == viewed.countries[top]
                if below is None:
                    assert part.chain_item is None
                    continue
                whole = expected_level(viewed, seen, top, when, first, last, sort)
                assert as_values(part.chain_item) == next(item for item in whole["items"] if item[0] == below)


async def test_a_chain_item_beyond_the_first_page_is_given(store, snapshots, tmp_path):
    # A holds B, C, D; D holds E, F. At one item a page, D and F are on no first page.
    world = World(
        dict.fromkeys("ABCDEF", "company"),
        parents=[Link("A", "B"), Link("A", "C"), Link("A", "D", share=40.0), Link("D", "E"), Link("D", "F", "branch")],
        bookings=[Booking("100", "2024-03", 700, 100, "F"), Booking("100", "2024-04", 900, 200, "B")],
    )
    await load(store, tmp_path, Viewed(world, dict.fromkeys("ABCDEF", "NL"), None, None, DAY))

    answered = await levels.chain(
        store, snapshots=snapshots, key="F", as_of=DAY, first="2024-01", last="2024-12", limit=1
    )

    assert [(part.level.key, [item.key for item in part.level.items]) for part in answered.levels] == [
        ("A", ["B"]),
        ("D", ["E"]),
        ("F", []),
    ]
    assert [part.level.next_cursor is not None for part in answered.levels] == [True, True, False]
    pinned = [part.chain_item for part in answered.levels]
    assert [(item.key, item.kind, item.share, item.depth, item.parent_key) for item in pinned[:2]] == [
        ("D", "legal", 40.0, 1, "A"),
        ("F", "branch", None, 1, "D"),
    ]
    assert (pinned[0].total.revenue, pinned[0].member_count, pinned[2]) == (700, 3, None)

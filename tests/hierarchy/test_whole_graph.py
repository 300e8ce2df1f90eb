"""Whole-graph and whole-subtree reads: `roots` of every organisation and `subtree_members`, by hand and at random."""

import pytest
from hypothesis import HealthCheck, given, settings

from graph import admin, hierarchy
from graph.errors import NotFound
from graph.hierarchy import Member
from tests.hierarchy.test_reads import Reference, build, day, forests


async def test_roots_follow_the_links_of_the_day(store, tmp_path):
    # Arrange: A moves from H1 (under G) to H2 on day 5; B hangs below A; L has no links at all.
    await build(
        store,
        tmp_path,
        ["G", "H1", "H2", "A", "B", "L"],
        [
            ("G", "H1", "legal", None, None),
            ("H1", "A", "legal", None, day(4)),
            ("H2", "A", "branch", day(5), None),
            ("A", "B", "branch", day(2), None),
        ],
    )

    # Act / Assert
    assert await hierarchy.roots(store, as_of=day(1)) == {
        "G": "G",
        "H1": "G",
        "A": "G",
        "B": "B",
        "H2": "H2",
        "L": "L",
    }
    assert await hierarchy.roots(store, as_of=day(4)) == {
        "G": "G",
        "H1": "G",
        "A": "G",
        "B": "G",
        "H2": "H2",
        "L": "L",
    }
    assert await hierarchy.roots(store, as_of=day(5)) == {
        "G": "G",
        "H1": "G",
        "A": "H2",
        "B": "H2",
        "H2": "H2",
        "L": "L",
    }


async def test_roots_of_an_empty_graph_and_of_a_long_chain(store, tmp_path):
    assert await hierarchy.roots(store, as_of=day(0)) == {}

    chain = [f"L{number:03d}" for number in range(300)]
    await build(store, tmp_path, chain, [(p, c, "legal", None, None) for p, c in zip(chain, chain[1:], strict=False)])

    assert await hierarchy.roots(store, as_of=day(0)) == dict.fromkeys(chain, "L000")


async def test_subtree_members_are_every_descendant_with_its_parent(store, tmp_path):
    # Arrange: R -legal-> S -branch-> S1 (until day 3), R -branch-> R1, S -legal-> T
    await build(
        store,
        tmp_path,
        ["R", "S", "S1", "R1", "T"],
        [
            ("R", "S", "legal", None, None),
            ("S", "S1", "branch", None, day(3)),
            ("R", "R1", "branch", None, None),
            ("S", "T", "legal", None, None),
        ],
    )

    # Act / Assert: by depth, then key, every kind of link followed.
    assert await hierarchy.subtree_members(store, key="R", as_of=day(3)) == [
        Member("R1", "Org R1", "branch", 1, "R"),
        Member("S", "Org S", "legal", 1, "R"),
        Member("S1", "Org S1", "branch", 2, "S"),
        Member("T", "Org T", "legal", 2, "S"),
    ]
    assert await hierarchy.subtree_members(store, key="S", as_of=day(4)) == [Member("T", "Org T", "legal", 1, "S")]
    assert await hierarchy.subtree_members(store, key="T", as_of=day(4)) == []
    with pytest.raises(NotFound, match="NOPE"):
        await hierarchy.subtree_members(store, key="NOPE", as_of=day(4))


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(forest=forests())
async def test_roots_and_subtree_members_agree_with_the_reference_on_random_forests(store, tmp_path, forest):
    names, periods, days, _ = forest
    await admin.delete_everything(store)
    await build(store, tmp_path, names, [(p.parent, p.child, p.kind, p.valid_from, p.valid_to) for p in periods])
    reference = Reference(names, periods)

    for when in days:
        assert await hierarchy.roots(store, as_of=when) == {key: reference.root(key, when).key for key in names}
        for key in names:
            members = await hierarchy.subtree_members(store, key=key, as_of=when)
            assert members == reference.descendants(key, when)
            keys = await hierarchy.subtree_keys(store, key=key, as_of=when)
            assert sorted(keys) == sorted([key, *(member.key for member in members)])

"""Whole-graph and whole-subtree reads: `roots` of every organisation, `subtree_keys` and the snapshot's structure of a
day (graph/snapshot.py), by hand and at random."""

import numpy as np
from hypothesis import HealthCheck, given, settings

from graph import admin
from graph.hierarchy import chains
from tests.hierarchy.test_reads import Reference, build, day, forests


async def test_roots_follow_the_links_of_the_day(store, snapshots, tmp_path):
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
    assert await chains.roots(store, snapshots=snapshots, as_of=day(1)) == {
        "G": "G",
        "H1": "G",
        "A": "G",
        "B": "B",
        "H2": "H2",
        "L": "L",
    }
    assert await chains.roots(store, snapshots=snapshots, as_of=day(4)) == {
        "G": "G",
        "H1": "G",
        "A": "G",
        "B": "G",
        "H2": "H2",
        "L": "L",
    }
    assert await chains.roots(store, snapshots=snapshots, as_of=day(5)) == {
        "G": "G",
        "H1": "G",
        "A": "H2",
        "B": "H2",
        "H2": "H2",
        "L": "L",
    }


async def test_roots_of_an_empty_graph_and_of_a_long_chain(store, snapshots, tmp_path):
    assert await chains.roots(store, snapshots=snapshots, as_of=day(0)) == {}

    chain = [f"L{number:03d}" for number in range(300)]
    await build(store, tmp_path, chain, [(p, c, "legal", None, None) for p, c in zip(chain, chain[1:], strict=False)])

    assert await chains.roots(store, snapshots=snapshots, as_of=day(0)) == dict.fromkeys(chain, "L000")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(forest=forests())
async def test_roots_subtrees_and_ancestors_agree_with_the_reference_on_random_forests(
    store, snapshots, tmp_path, forest
):
    names, periods, days, _ = forest
    await admin.delete_everything(store)
    await build(store, tmp_path, names, [(p.parent, p.child, p.kind, p.valid_from, p.valid_to) for p in periods])
    reference = Reference(names, periods)
    found = await snapshots.current()

    for when in days:
        structure = await found.forest(when)
        assert await chains.roots(store, snapshots=snapshots, as_of=when) == {
            key: reference.root(key, when).key for key in names
        }
        for key in names:
            below = [member.key for member in reference.descendants(key, when)]
            subtree = found.keys_of(structure.subtree(found.id_of(key)).tolist())
            assert subtree[0] == key
            assert sorted(subtree[1:]) == sorted(below)
            assert found.keys_of(structure.chains(np.array([found.id_of(key)]))[0][1:]) == [
                node.key for node in reference.ancestors(key, when)
            ]
            assert sorted(await chains.subtree_keys(store, snapshots=snapshots, key=key, as_of=when)) == sorted(
                [key, *below]
            )

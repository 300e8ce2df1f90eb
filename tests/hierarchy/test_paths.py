"""The one-query walks up and down: history that reaches an organisation twice, and data that breaks the rules."""

import datetime

from graph import paging
from graph.hierarchy import chains, reads
from graph.queries import Query
from tests.helpers import load_rows

from .test_reads import build, day

_LINK_TEXT = (
    "UNWIND $pairs AS pair MATCH (p:Organisation {key: pair[0]}), (c:Organisation {key: pair[1]}) "
    "CREATE (p)-[:PARENT_OF {kind: 'legal'}]->(c)"
)
LINK_ANYWAY = Query("tests/hierarchy/link_anyway", {"falkordb": _LINK_TEXT, "neo4j": _LINK_TEXT})


async def test_an_organisation_reached_through_an_expired_and_a_valid_link_counts_once_where_it_hangs(
    store, snapshots, tmp_path
):
    # Arrange: X hung under A (depth 1) until day 4, under C (depth 2) from day 5; A held C all along.
    links = [
        ("G", "A", "legal", None, None),
        ("A", "C", "legal", None, None),
        ("A", "X", "legal", None, day(4)),
        ("C", "X", "branch", day(5), None),
        ("X", "Y", "branch", None, None),
    ]
    await build(store, tmp_path, ["G", "A", "C", "X", "Y"], links)

    # Act
    before = await reads.descendants(store, key="G", as_of=day(4))
    after = await reads.descendants(store, key="G", as_of=day(5))
    up = await reads.ancestors(store, key="Y", as_of=day(5))
    group = await reads.group(store, key="Y", as_of=day(5))

    # Assert
    assert [(m.key, m.depth, m.parent_key) for m in before.items] == [
        ("A", 1, "G"),
        ("C", 2, "A"),
        ("X", 2, "A"),
        ("Y", 3, "X"),
    ]
    assert [(m.key, m.kind, m.depth, m.parent_key) for m in after.items] == [
        ("A", "legal", 1, "G"),
        ("C", "legal", 2, "A"),
        ("X", "branch", 3, "C"),
        ("Y", "branch", 4, "X"),
    ]
    assert [(n.key, n.kind, n.depth) for n in up] == [
        ("X", "branch", 1),
        ("C", "branch", 2),
        ("A", "legal", 3),
        ("G", "legal", 4),
    ]
    assert (group.root.key, group.root.depth, group.member_count) == ("G", 4, 4)
    assert await chains.subtree_keys(store, snapshots=snapshots, key="A", as_of=day(5)) == ["A", "C", "X", "Y"]
    assert await chains.subtree_keys(store, snapshots=snapshots, key="A", as_of=day(3)) == ["A", "C", "X", "Y"]
    assert await chains.subtree_keys(store, snapshots=snapshots, key="C", as_of=day(3)) == ["C"]


async def test_data_that_breaks_the_rules_shows_each_organisation_once_under_its_smallest_parent(
    store, snapshots, tmp_path
):
    # Arrange: written past the loader's checks: D has the parents B and C on the same day, and E, F close a cycle.
    await load_rows(store, tmp_path, "organisations", [{"key": key, "name": f"Org {key}"} for key in "ABCDEF"])
    await store.write(
        LINK_ANYWAY, {"pairs": [["A", "B"], ["A", "C"], ["C", "D"], ["B", "D"], ["D", "E"], ["E", "F"], ["F", "E"]]}
    )
    today = datetime.date(2025, 1, 1)

    # Act
    down = await reads.descendants(store, key="A", as_of=today, limit=paging.MAX_LIMIT)
    up = await chains.ancestor_chains(store, keys=["F", "E", "B"], as_of=today)

    # Assert
    assert [(m.key, m.depth, m.parent_key) for m in down.items] == [
        ("B", 1, "A"),
        ("C", 1, "A"),
        ("D", 2, "B"),
        ("E", 3, "D"),
        ("F", 4, "E"),
    ]
    assert await chains.subtree_keys(store, snapshots=snapshots, key="A", as_of=today) == [
        "A",
        "B",
        "C",
        "D",
        "E",
        "F",
    ]
    assert [node.key for node in up["F"]] == ["E", "D", "B", "A"]
    assert [node.key for node in up["E"]] == ["D", "B", "A"]
    assert [node.key for node in up["B"]] == ["A"]
    assert (await reads.root(store, key="F", as_of=today)).key == "A"

"""Measure the hierarchy reads on big groups with history (not a test; nothing is kept).

Run: `.venv/bin/python -m tests.hierarchy.bench [REPEAT]`: it starts an embedded engine in a temporary directory
and creates two corporate groups of 10,100 and 100,100 members, each 12 levels deep (level sizes grow
geometrically, every member under a random organisation of the level above), plus 2,000 single organisations.
One member in five moved on 2025-01-01: its former parent's link ended the day before, so the day asked
(2025-06-30) sees one parent and history holds two. Then it prints the p50 and p95 of the reads.
"""

import asyncio
import datetime
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from graph import admin
from graph.hierarchy import chains, reads
from graph.queries import Query
from graph.settings import Settings
from graph.snapshots import Snapshots
from graph.store.opening import open_store

DAY = datetime.date(2025, 6, 30)
LEVELS = 12
GROUPS = {"G10K": 10_100, "G100K": 100_100}
SINGLES = 2_000
DEFAULT_REPEAT = 30


def _query(name: str, text: str) -> Query:
    return Query(f"tests/hierarchy/bench/{name}", {"falkordb": text, "neo4j": text})


CREATE_NODES = _query("create_nodes", "UNWIND $rows AS row CREATE (node:Organisation) SET node = row")
LINK = _query(
    "link",
    "UNWIND $rows AS row MATCH (p:Organisation {key: row.parent}), (c:Organisation {key: row.child}) "
    "CREATE (p)-[link:PARENT_OF {kind: row.kind}]->(c) "
    "SET link.valid_from = CASE WHEN row.valid_from IS NULL THEN NULL ELSE date(row.valid_from) END, "
    "link.valid_to = CASE WHEN row.valid_to IS NULL THEN NULL ELSE date(row.valid_to) END",
)


def level_sizes(members: int) -> list[int]:
    """Return the sizes of the LEVELS levels below the root: growing by one ratio, `members` in all."""
    ratio = 2.0
    while sum(ratio**level for level in range(1, LEVELS + 1)) < members:
        ratio += 0.01
    sizes = [max(1, round(ratio**level)) for level in range(1, LEVELS + 1)]
    sizes[-1] += members - sum(sizes)
    return sizes


def group_rows(name: str, members: int, rng: random.Random) -> tuple[list[dict], list[dict], str]:
    """Return the organisations and links of one group, and the key of a member on its deepest level."""
    nodes = [{"key": f"{name}-0-0", "name": f"Holding {name}"}]
    links = []
    above = [nodes[0]["key"]]
    for depth, size in enumerate(level_sizes(members), start=1):
        level = [f"{name}-{depth}-{number}" for number in range(size)]
        nodes += [{"key": key, "name": f"Firma {key}"} for key in level]
        for key in level:
            kind = "branch" if depth == LEVELS else "legal"
            parent = rng.choice(above)
            if rng.random() < 0.2 and len(above) > 1:
                former = rng.choice([other for other in above[:50] if other != parent])
                links.append({"parent": former, "child": key, "kind": kind, "valid_to": "2024-12-31"})
                links.append({"parent": parent, "child": key, "kind": kind, "valid_from": "2025-01-01"})
            else:
                links.append({"parent": parent, "child": key, "kind": kind})
        above = level
    return nodes, links, above[0]


async def build(store, rng: random.Random) -> dict[str, str]:
    """Create the groups and the single organisations; return a deepest member of each group by group name."""
    nodes = [{"key": f"S-{number}", "name": f"Single {number}"} for number in range(SINGLES)]
    links, deepest = [], {}
    for name, members in GROUPS.items():
        group_nodes, group_links, deepest[name] = group_rows(name, members, rng)
        nodes += group_nodes
        links += group_links
    for start in range(0, len(nodes), 20_000):
        await store.write(CREATE_NODES, {"rows": nodes[start : start + 20_000]})
    for start in range(0, len(links), 20_000):
        await store.write(LINK, {"rows": links[start : start + 20_000]})
    return deepest


async def timed(label: str, run, repeat: int) -> None:
    """Print the p50 and p95 of `repeat` runs after one warm-up run."""
    await run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"{label}: p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms")


async def measure(repeat: int) -> None:
    """Create the graph in a fresh embedded engine and print how long each read takes."""
    with tempfile.TemporaryDirectory(prefix="crmg-bench-") as work:
        settings = Settings(data_dir=Path(work) / "data", falkordb_graph="bench")
        async with await open_store(settings) as store:
            await admin.init_schema(store)
            deepest = await build(store, random.Random(7))
            for name, members in GROUPS.items():
                print(f"{name}: {members:,} members, {LEVELS} levels")
                await measure_group(store, top=f"{name}-0-0", leaf=deepest[name], repeat=repeat)


async def measure_group(store, *, top: str, leaf: str, repeat: int) -> None:
    """Print how long the reads of one group take, from its root `top` or from `leaf` on its deepest level."""
    await timed(f"  root of a level-{LEVELS} member", lambda: reads.root(store, key=leaf, as_of=DAY), 200)
    await timed(f"  ancestors of a level-{LEVELS} member", lambda: reads.ancestors(store, key=leaf, as_of=DAY), 200)
    snapshots = Snapshots(store)
    await timed(
        "  subtree_keys of the root",
        lambda: chains.subtree_keys(store, snapshots=snapshots, key=top, as_of=DAY),
        repeat,
    )
    await timed("  descendants, first page of 1,000", lambda: reads.descendants(store, key=top, as_of=DAY), repeat)
    await timed("  group, first page of 1,000", lambda: reads.group(store, key=leaf, as_of=DAY), repeat)


if __name__ == "__main__":
    asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_REPEAT))

"""Measure the explain and audit reads on a generated graph (not a test; nothing is kept).

Run: `.venv/bin/python -m tests.visibility.bench [GROUPS]`: it starts an embedded engine in a temporary
directory and creates GROUPS corporate groups of 10 organisations (root, 3 subsidiaries, 6 branches below
them), 10 regions of 10 districts, an owner and a member for every district, a manager for every region and
20 substitutions. Every root is assigned to a district, and one member in ten to another one, so groups have
several owners. Then it times a point check, explain, viewers, a portfolio page and the one-face report.
"""

import asyncio
import datetime
import random
import sys
import tempfile
import time
from pathlib import Path

from graph import access, admin, visibility
from graph.queries import Query
from graph.settings import Settings
from graph.snapshots import Snapshots
from graph.store.opening import open_store

DEFAULT_GROUPS = 2_000
DAY = datetime.date(2025, 6, 30)
REGIONS, DISTRICTS = 10, 10


def _query(name: str, text: str) -> Query:
    return Query(f"tests/visibility/bench/{name}", {"falkordb": text, "neo4j": text})


CREATE_NODES = _query("create_nodes", "UNWIND $rows AS row CREATE (node:Organisation) SET node = row")
CREATE_TERRITORIES = _query("create_territories", "UNWIND $rows AS row CREATE (node:Territory) SET node = row")
CREATE_USERS = _query("create_users", "UNWIND $rows AS row CREATE (node:User) SET node = row")
LINK_ORGANISATIONS = _query(
    "link_organisations",
    "UNWIND $rows AS row MATCH (p:Organisation {key: row.parent}), (c:Organisation {key: row.child}) "
    "CREATE (p)-[:PARENT_OF {kind: 'legal'}]->(c)",
)
LINK_TERRITORIES = _query(
    "link_territories",
    "UNWIND $rows AS row MATCH (p:Territory {key: row.parent}), (c:Territory {key: row.child}) "
    "CREATE (p)-[:PARENT_OF]->(c)",
)
PLACE = _query(
    "place",
    "UNWIND $rows AS row MATCH (o:Organisation {key: row.organisation}), (t:Territory {key: row.territory}) "
    "CREATE (o)-[:ASSIGNED_TO {source: 'manual'}]->(t)",
)
ASSIGN = _query(
    "assign",
    "UNWIND $rows AS row MATCH (u:User {key: row.user}), (t:Territory {key: row.territory}) "
    "CREATE (u)-[:ASSIGNED_TO {role: row.role, valid_from: date('2020-01-01')}]->(t)",
)
COVER = _query(
    "cover",
    "UNWIND $rows AS row MATCH (u:User {key: row.user}), (a:User {key: row.absent}) "
    "CREATE (u)-[:SUBSTITUTES {valid_from: date('2025-06-01'), valid_to: date('2025-07-31')}]->(a)",
)


def district(region: int, number: int) -> str:
    return f"D-{region}-{number}"


async def build(store, groups: int, rng: random.Random) -> None:
    """Create the groups, territories, users, assignments and substitutions."""
    organisations, links, placements = [], [], []
    districts = [district(r, d) for r in range(REGIONS) for d in range(DISTRICTS)]
    for group in range(groups):
        keys = [f"G{group:06d}-{n}" for n in range(10)]
        organisations += [{"key": key, "name": f"Firma {key}"} for key in keys]
        links += [{"parent": keys[0], "child": keys[n]} for n in (1, 2, 3)]
        links += [{"parent": keys[1 + (n - 4) // 2], "child": keys[n]} for n in range(4, 10)]
        placements.append({"organisation": keys[0], "territory": rng.choice(districts)})
        placements += [
            {"organisation": key, "territory": rng.choice(districts)} for key in keys[1:] if rng.random() < 0.1
        ]
    for start in range(0, len(organisations), 20_000):
        await store.write(CREATE_NODES, {"rows": organisations[start : start + 20_000]})
    for start in range(0, len(links), 20_000):
        await store.write(LINK_ORGANISATIONS, {"rows": links[start : start + 20_000]})
    territories = [{"key": f"R-{r}", "name": f"Region {r}"} for r in range(REGIONS)]
    territories += [{"key": key, "name": f"District {key}"} for key in districts]
    await store.write(CREATE_TERRITORIES, {"rows": territories})
    await store.write(LINK_TERRITORIES, {"rows": [{"parent": f"R-{k.split('-')[1]}", "child": k} for k in districts]})
    await store.write(PLACE, {"rows": placements})
    users = [{"key": f"owner-{key}", "name": key, "role": "rep"} for key in districts]
    users += [{"key": f"member-{key}", "name": key, "role": "rep"} for key in districts]
    users += [{"key": f"manager-R-{r}", "name": f"R-{r}", "role": "manager"} for r in range(REGIONS)]
    await store.write(CREATE_USERS, {"rows": users})
    assignments = [{"user": f"owner-{key}", "territory": key, "role": "owner"} for key in districts]
    assignments += [{"user": f"member-{key}", "territory": key, "role": "member"} for key in districts]
    assignments += [{"user": f"manager-R-{r}", "territory": f"R-{r}", "role": "owner"} for r in range(REGIONS)]
    await store.write(ASSIGN, {"rows": assignments})
    covers = [
        {"user": f"owner-{a}", "absent": f"owner-{b}"} for a, b in zip(districts[:20], districts[20:40], strict=True)
    ]
    await store.write(COVER, {"rows": covers})


async def timed(label: str, run, repeat: int = 1):
    started = time.perf_counter()
    for _ in range(repeat):
        answer = await run()
    print(f"{label}: {(time.perf_counter() - started) / repeat * 1000:.1f} ms")
    return answer


async def measure(groups: int) -> None:
    """Create the graph in a fresh embedded engine and print how long each read takes."""
    rng = random.Random(1)
    with tempfile.TemporaryDirectory(prefix="crmg-bench-") as work:
        settings = Settings(data_dir=Path(work) / "data", falkordb_graph="bench")
        async with await open_store(settings) as store:
            await admin.init_schema(store)
            await build(store, groups, rng)
            snapshots = Snapshots(store)
            print(f"{groups * 10:,} organisations in {groups:,} groups, {REGIONS * (DISTRICTS + 1)} territories")
            branch = "G000000-9"  # two levels below its root
            rep = visibility.Viewer("owner-D-0-0", "rep", today=DAY)
            await timed("can_see (one query)", lambda: visibility.can_see(store, viewer=rep, key=branch), 50)
            await timed(
                "explain, manager through region and group",
                lambda: access.explain(store, user_key="manager-R-0", key=branch, as_of=DAY),
                50,
            )
            await timed(
                "explain, substitute",
                lambda: access.explain(store, user_key="owner-D-0-0", key=branch, as_of=DAY),
                50,
            )
            await timed("viewers", lambda: access.viewers(store, key=branch, as_of=DAY), 50)
            for user in ("owner-D-0-0", "manager-R-0"):
                page = await timed(
                    f"portfolio of {user}, first page of 1,000",
                    lambda user=user: access.portfolio(store, snapshots=snapshots, user_key=user, as_of=DAY),
                    5,
                )
                print(f"  ({page.total:,} organisations)")
            page = await timed(
                "one-face, first page of 1,000", lambda: access.one_face(store, snapshots=snapshots, as_of=DAY), 3
            )
            print(f"  ({len(page.items):,} groups on it)")


if __name__ == "__main__":
    asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_GROUPS))

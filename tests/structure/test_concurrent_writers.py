"""Checked writes from several processes at once: two CLI loads and the API's changes, racing for the same children."""

import asyncio
import csv
import datetime
import os
import sys
from pathlib import Path

import pytest

from graph import structure
from graph.errors import Conflict
from graph.hierarchy import rules
from graph.settings import Backend, Settings
from tests.helpers import load_rows
from tests.structure.helpers import parent_links

ROUNDS = 3
BLOCKS = 150  # per round: four children each, two raced for as children, two for a cycle
DAY = datetime.date(2030, 1, 1)
A, B, C = "P-A", "P-B", "P-C"


@pytest.fixture
def falkordb_only(settings) -> Settings:
    if settings.backend is not Backend.FALKORDB:
        pytest.skip("the lock across processes is the embedded engine's (docs/production.md, 'Concurrent writers')")
    return settings


def _write_parents(path: Path, links: list[tuple[str, str]]) -> Path:
    """Write `links` (parent, child) as a parents file in a directory of its own; return the file."""
    path = path.parent / path.stem / "parents.csv"
    path.parent.mkdir()
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["parent_key", "child_key", "kind", "valid_from"])
        writer.writerows((parent, child, "legal", DAY.isoformat()) for parent, child in links)
    return path


async def _load(settings: Settings, path: Path) -> asyncio.subprocess.Process:
    """Start `crmgraph load PATH --batch-size 10` in a process of its own, on the settings' graph."""
    env = {
        **os.environ,
        "CRMGRAPH_BACKEND": "falkordb",
        "CRMGRAPH_DATA_DIR": str(settings.data_dir),
        "CRMGRAPH_FALKORDB_GRAPH": settings.falkordb_graph,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "cli.main", "load", str(path), "--batch-size", "10"),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_loads_in_two_processes_and_api_changes_store_nothing_one_writer_would_refuse(
    falkordb_only, store, tmp_path
):
    # Arrange: per round and block, children c0 and c1 get parent P-A from one load, P-B from the other and
    # P-C from the API (here, a third process); c2 and c3 are each other's parent, one in each load.
    blocks = [[f"R{r}-B{b:03}-C{c}" for c in range(4)] for r in range(ROUNDS) for b in range(BLOCKS)]
    children = [key for block in blocks for key in block]
    await load_rows(store, tmp_path, "organisations", [{"key": key, "name": key} for key in (A, B, C)])
    await load_rows(store, tmp_path / "children", "organisations", [{"key": key, "name": key} for key in children])

    # Act: each round, both loads run while the API sets P-C for the raced children, until both loads end.
    for r in range(ROUNDS):
        own = [block for block in blocks if block[0].startswith(f"R{r}-")]
        files = [
            _write_parents(
                tmp_path / f"a{r}.csv", [(p, c) for c0, c1, c2, c3 in own for p, c in ((A, c0), (A, c1), (c2, c3))]
            ),
            _write_parents(
                tmp_path / f"b{r}.csv", [(p, c) for c0, c1, c2, c3 in own for p, c in ((B, c0), (B, c1), (c3, c2))]
            ),
        ]
        loads = [await _load(falkordb_only, path) for path in files]
        waiting = [asyncio.ensure_future(load.communicate()) for load in loads]
        raced = [key for block in own for key in block[:2]]
        while not all(task.done() for task in waiting):
            for child in raced:
                try:
                    await structure.set_parent(store, child=child, parent=C, valid_from=DAY)
                except Conflict:
                    pass
                if all(task.done() for task in waiting):
                    break
        for load, (_, stderr) in zip(loads, await asyncio.gather(*waiting), strict=True):
            assert load.returncode in (0, 1), stderr.decode()  # 1: rows refused, as they should be

    # Assert: the stored periods, taken one by one, are what one writer would accept: each raced child has
    # exactly one parent, and no pair made a cycle.
    stored = sorted(await parent_links(store), key=lambda link: (link.child, link.parent))
    problems = rules.find_parent_problems([], stored)
    assert [(stored[index], reason) for index, reason in problems.items()] == []
    parents: dict[str, set[str]] = {}
    for link in stored:
        parents.setdefault(link.child, set()).add(link.parent)
    assert all(len(parents[block[c]]) == 1 for block in blocks for c in (0, 1))
    assert all((block[2] in parents) != (block[3] in parents) for block in blocks)

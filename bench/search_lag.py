"""Measure how long a new organisation takes to show in search: `python -m bench.search_lag --size 100000`.

Generates the organisations (seed/generate.py), loads them into a fresh embedded engine with `crmgraph load`,
then, with the snapshot and the search index kept current as `crmgraph serve` keeps them, writes one new
organisation at a time and searches for its name every POLL_SECONDS until it is found. Prints, for each write,
the seconds until found and the slowest search meanwhile.
"""

import argparse
import asyncio
import csv
import tempfile
import time
from pathlib import Path

from bench import engine
from graph import loading, search
from graph.search_index import SearchIndexes
from graph.settings import Inheritance
from graph.snapshots import Snapshots
from graph.visibility import Viewer
from seed import generate

POLL_SECONDS = 0.05
ADMIN = Viewer("bench-admin", "admin", Inheritance.DOWN)


async def measure(store, workdir: Path, writes: int) -> None:
    """Write `writes` organisations one by one; print how long each took to be found."""
    snapshots = Snapshots(store)
    indexes = SearchIndexes(snapshots)
    async with snapshots.kept_current(), indexes.kept_current():
        await search.organisations(store, indexes=indexes, q="holding", country=None, viewer=ADMIN)
        for number in range(writes):
            name = f"Zwischenlager Quokka {number}"
            path = workdir / f"new{number}" / "organisations.csv"
            path.parent.mkdir()
            with open(path, "w", encoding="utf-8", newline="") as file:
                csv.writer(file).writerows([("key", "name"), (f"NEW-{number}", name)])
            await loading.load_paths(store, [path])
            written, slowest = time.perf_counter(), 0.0
            while True:
                started = time.perf_counter()
                page = await search.organisations(store, indexes=indexes, q=name, country=None, viewer=ADMIN)
                slowest = max(slowest, time.perf_counter() - started)
                if page.items:
                    break
                await asyncio.sleep(POLL_SECONDS)
            print(f"found after {time.perf_counter() - written:.2f} s; slowest search meanwhile {slowest:.3f} s")
            await asyncio.sleep(3)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search_lag", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="organisations [%(default)s]")
    parser.add_argument("--writes", type=int, default=5, help="organisations written one by one [%(default)s]")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crmgraph-lag-") as directory:
        workdir = Path(directory)
        generate.generate(workdir / "data", organisations=options.size, seed=1)
        embedded = engine.Engine(workdir / "engine")
        embedded.start()
        try:
            print(embedded.load(workdir / "data" / "organisations.csv"))

            async def run() -> None:
                async with await embedded.open_store() as store:
                    await measure(store, workdir, options.writes)

            asyncio.run(run())
        finally:
            embedded.stop()


if __name__ == "__main__":
    main()

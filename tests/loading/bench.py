"""Measure the loader's throughput on generated organisations and parents (not a test; nothing is kept).

Run: `.venv/bin/python -m tests.loading.bench [SIZE]`: it writes SIZE organisations and
SIZE parents rows to a temporary directory, starts an embedded engine in another
temporary directory, loads the files twice, then dry-runs them, and prints rows/s for each run.
"""

import asyncio
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from graph import admin, loading
from graph.settings import Settings
from graph.store.opening import open_store

DEFAULT_SIZE = 100_000


def write_files(directory: Path, size: int, *, seed: int = 1) -> None:
    """Write `size` organisations and `size` parents rows (a forest, some of it dated) into `directory`."""
    rng = random.Random(seed)
    with open(directory / "organisations.csv", "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(
            ["key", "name", "kind", "status", "industry", "vat_id", "street", "postcode", "city", "country", "source"]
        )
        for n in range(size):
            writer.writerow(
                [
                    f"ORG-{n:07d}",
                    f"Firma {n} GmbH",
                    rng.choice(["company", "branch"]),
                    "customer",
                    "Building Materials",
                    f"DE{100_000_000 + n}",
                    f"Hauptstraße {n % 300}",
                    f"{10_000 + n % 89_999}",
                    "Berlin",
                    "DE",
                    "erp",
                ]
            )
    with open(directory / "parents.csv", "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["parent_key", "child_key", "kind", "valid_from", "valid_to", "share"])
        for n in range(1, size + 1):
            child = n % size
            parent = rng.randrange(0, child) if child else 1
            dated = "2020-01-01" if n % 3 == 0 else ""
            writer.writerow([f"ORG-{parent:07d}", f"ORG-{child:07d}", "legal", dated, "", "100" if n % 5 == 0 else ""])


async def measure(size: int) -> None:
    """Generate the files, load them twice into a fresh embedded engine, dry-run them, and print the throughput."""
    with tempfile.TemporaryDirectory(prefix="crmg-bench-") as work:
        files = Path(work) / "files"
        files.mkdir()
        write_files(files, size)
        settings = Settings(data_dir=Path(work) / "data", falkordb_graph="bench")
        async with await open_store(settings) as store:
            await admin.init_schema(store)
            for run, dry_run in (("first load", False), ("second load", False), ("dry run", True)):
                started = time.perf_counter()
                report = await loading.load_paths(store, [files], dry_run=dry_run)
                seconds = time.perf_counter() - started
                rows = sum(file.rows for file in report.files)
                print(
                    f"{run}: {rows:,} rows in {seconds:.1f} s = {rows / seconds:,.0f} rows/s "
                    f"(created {report.created:,}, updated {report.updated:,}, unchanged {report.unchanged:,}, "
                    f"rejected {report.rejected:,})"
                )


if __name__ == "__main__":
    asyncio.run(measure(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SIZE))

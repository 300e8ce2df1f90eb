"""Measure the search index's build without an engine: `python -m bench.search_index --size 1000000`.

The columns are the generator's own (seed/generate.py: its plan and its organisations file, kept in memory
instead of written), the snapshot a real one with only the keys. Prints seconds (wall and CPU: the machine is
shared) and the memory the build allocated at its peak and kept (tracemalloc; numpy's arrays included).
"""

import argparse
import random
import time
import tracemalloc

import numpy as np

from graph import changes, search_index, snapshot
from seed import generate


class _Rows:
    """A csv writer that keeps the key, name, country and VAT id of each row."""

    def __init__(self):
        self.columns: dict[str, list[str]] = {"keys": [], "names": [], "countries": [], "vat_ids": []}
        self._header = True

    def writerow(self, row) -> None:
        if self._header:
            self._header = False
            return
        key, name, _kind, _status, _industry, vat_id, _street, _postcode, _city, country, _source = row
        for column, value in zip(self.columns.values(), (key, name, country, vat_id), strict=True):
            column.append(value)


def columns(size: int, seed: int = 1) -> dict[str, list[str]]:
    """Return the keys, names, countries and VAT ids of `size` generated organisations, as the engine lists them."""
    plan = generate._plan(size, random.Random(f"{seed}:plan"))
    rows = _Rows()
    generate._write_organisations(plan, random.Random(f"{seed}:organisations"), rows)
    return rows.columns


def snapshot_of(keys: list[str]) -> snapshot.Snapshot:
    """Return a snapshot holding only these organisations: no links, bookings nor territories."""
    row = {
        **dict.fromkeys(snapshot.LISTS, []),
        **dict.fromkeys(snapshot.INTEGER_LISTS, np.empty(0, np.int64)),
    }
    row["keys"] = keys
    return snapshot._snapshot(row, changes.Position("bench", 0))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search_index", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="organisations [%(default)s]")
    parser.add_argument("--repeats", type=int, default=3, help="builds timed [%(default)s]")
    options = parser.parse_args()
    started = time.perf_counter()
    found_columns = columns(options.size)
    found = snapshot_of(found_columns["keys"])
    print(f"{options.size} organisations generated in {time.perf_counter() - started:.1f} s")
    for _ in range(options.repeats):
        started, used = time.perf_counter(), time.process_time()
        search_index.build_index(found, found_columns)
        print(f"build: {time.perf_counter() - started:.2f} s ({time.process_time() - used:.2f} s of CPU)")
    tracemalloc.start()
    index = search_index.build_index(found, found_columns)
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"memory: peak {peak / 1e6:.0f} MB, kept {kept / 1e6:.0f} MB (the keys are the snapshot's)")
    del index


if __name__ == "__main__":
    main()

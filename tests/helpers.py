"""Small builders for test data: rows written as load files and loaded through the loader."""

import csv
import tempfile
from pathlib import Path

from graph import loading
from graph.store import Store

# Every booking, named `<debtor>|<period>|<organisation>` as the revenue file identifies it: `key`, `b` the link.
BOOKINGS = (
    "MATCH (a:DebtorAccount)-[b:BOOKED_FOR]->(o:Organisation) "
    "WITH a.number + '|' + b.period + '|' + o.key AS key, a, b, o "
)


async def load_rows(store: Store, directory: Path, kind: str, rows: list[dict[str, str]]) -> None:
    """Write `rows` as `<kind>.csv` in `directory` and load it; fail on any rejected row."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{kind}.csv"
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = await loading.load_paths(store, [path])
    assert report.rejected == 0, report


async def add_users(store: Store, directory: Path, **roles: str) -> None:
    """Create users `key=role`, named after their keys."""
    rows = [{"key": key.replace("_", "."), "name": key.title(), "role": role} for key, role in roles.items()]
    await load_rows(store, directory, "users", rows)


async def load_activities(store: Store, rows: list[dict[str, str]]) -> None:
    """Load activities from rows shaped as the `activities` load file's (a missing cell empty); fail on any rejected
    row."""
    columns = list(dict.fromkeys(name for row in rows for name in row))
    with tempfile.TemporaryDirectory() as directory:
        await load_rows(
            store, Path(directory), "activities", [{name: row.get(name, "") for name in columns} for row in rows]
        )

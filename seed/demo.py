"""The demo of `make run`: the data set in `seed/demo/` and an API key for each of its users.

The files are written as if the current month were ANCHOR's; :func:`shifted_files` moves every date and
period by whole months to the month of the day the demo is loaded, so its bookings end in the current
month and its stories (an acquisition, a former employee, a substitution in force) hold around today.
"""

import calendar
import csv
import datetime
import json
import os
import tempfile
from pathlib import Path

from graph import admin, auth, health, loading
from graph.errors import Unauthenticated
from graph.store import Store

DEMO_DIR = Path(__file__).parent / "demo"
KEYS_FILE_NAME = "demo-keys.json"
# The month the files in DEMO_DIR are written as of: their last bookings are this month's.
ANCHOR = datetime.date(2025, 12, 1)
# Column kinds (graph.schema.fields) that hold a day or a month, and so move with the demo.
DATED = {"date", "period"}
# The calendar's ends stand for open ends (an ERP writes 9999-12-31 for "until further notice"): never moved.
OPEN_ENDS = {datetime.date.min.isoformat(), datetime.date.max.isoformat()}


async def prepare(store: Store, *, data_dir: Path, today: datetime.date | None = None) -> dict[str, str]:
    """Make the graph ready for the demo and return an API key per demo user.

    The schema is installed, the demo data loaded, dated as of `today` (the real
    today by default), when the graph is empty, and keys created once and kept
    in `demo-keys.json` in the data directory (readable by its owner only), so
    every `make run` prints the same working keys.
    """
    await admin.init_schema(store)
    if (await health.check(store)).nodes == 0:
        with tempfile.TemporaryDirectory(prefix="crmgraph-demo-") as directory:
            files = shifted_files(today or datetime.date.today(), into=Path(directory))
            await loading.load_paths(store, [files])
    keys_file = data_dir / KEYS_FILE_NAME
    keys = await _still_valid(store, _read_keys(keys_file))
    if keys is None:
        keys = {user: await auth.create_key(store, user_key=user) for user in demo_users()}
        _write_keys(keys_file, keys)
    return keys


def demo_users() -> list[str]:
    """Return the keys of the demo's users, in file order."""
    with open(DEMO_DIR / "users.csv", encoding="utf-8", newline="") as users:
        return [row["key"] for row in csv.DictReader(users)]


def shifted_files(today: datetime.date, *, into: Path, source: Path = DEMO_DIR) -> Path:
    """Write the demo's load files (those in `source`) into `into`, dates moved from ANCHOR's month to `today`'s.

    A file keeps its name, header, rows and order; only its date and period columns change
    (:func:`shift_day`, :func:`shift_period`); an empty cell and the calendar's ends stay open.

    Args:
        today: the day the demo is loaded as of; only its month counts.
        into: the directory to write to (created when missing).
        source: the directory of files written as of ANCHOR.

    Returns:
        `into`, ready for `loading.load_paths`.
    """
    months = month_count(today) - month_count(ANCHOR)
    into.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        kinds = {column.name: column.spec.kind for column in loading.KINDS_BY_NAME[path.stem].columns}
        with open(path, encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            header = list(reader.fieldnames or ())
            rows = [_shifted_row(row, kinds, months) for row in reader]
        with open(into / path.name, "w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return into


def month_count(day: datetime.date) -> int:
    """Return the months from the calendar's first month to the month of `day` (0001-01 is 0)."""
    return day.year * 12 + day.month - 13


def shift_day(day: datetime.date, months: int) -> datetime.date:
    """Return `day` moved by whole months, a month's last day to the target month's last day.

    Any other day keeps its number, clamped to the target month's length (30 January + 1 is
    28 or 29 February), so a period that ends on a month's last day and one that starts on the
    next 1st stay adjacent. Past the calendar's ends the day stops at 0001-01-01 or 9999-12-31.
    """
    target = month_count(day) + months
    if target > month_count(datetime.date.max):
        return datetime.date.max
    if target < 0:
        return datetime.date.min
    year, month = _year_month(target)
    last = calendar.monthrange(year, month)[1]
    is_last = day.day == calendar.monthrange(day.year, day.month)[1]
    return datetime.date(year, month, last if is_last else min(day.day, last))


def shift_period(period: str, months: int) -> str:
    """Return a period `YYYY-MM` moved by whole months.

    Raises:
        ValueError: the period would leave the calendar (0001-01 to 9999-12): a booking cannot be clamped
            onto another month's.
    """
    target = month_count(datetime.date(int(period[:4]), int(period[5:7]), 1)) + months
    if not 0 <= target <= month_count(datetime.date.max):
        raise ValueError(f"{period} moved by {months} months leaves the calendar")
    year, month = _year_month(target)
    return f"{year:04d}-{month:02d}"


def _year_month(count: int) -> tuple[int, int]:
    """Return the year and month of a month count (:func:`month_count`)."""
    year, month = divmod(count, 12)
    return year + 1, month + 1


def _shifted_row(row: dict[str, str], kinds: dict[str, str], months: int) -> dict[str, str]:
    return {name: _shifted_cell(value, kinds.get(name), months) for name, value in row.items()}


def _shifted_cell(value: str, kind: str | None, months: int) -> str:
    if kind not in DATED or not value.strip() or value in OPEN_ENDS:
        return value
    if kind == "period":
        return shift_period(value, months)
    return shift_day(datetime.date.fromisoformat(value), months).isoformat()


def _read_keys(path: Path) -> dict[str, str] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


async def _still_valid(store: Store, keys: dict[str, str] | None) -> dict[str, str] | None:
    if not keys or set(keys) != set(demo_users()):
        return None
    for api_key in keys.values():
        try:
            await auth.authenticate(store, api_key=api_key)
        except Unauthenticated:
            return None
    return keys


def _write_keys(path: Path, keys: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(keys, file, indent=2)

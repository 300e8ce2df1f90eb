"""The data of a run: load files from the generator, read back into plain Python for the baselines.

The baselines do not read the graph: they get the hierarchy and the bookings from the load files, with
the loader's attribution rule applied here independently (a booking goes to its `organisation_key`, else
to the one `sold_to` holder of its debtor account, else nowhere), so that equal answers mean something.
"""

import csv
import datetime
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from seed.generate import generate

GROUP_SIZES = ("tiny", "medium", "large", "huge")


@dataclass(frozen=True, slots=True)
class ParentPeriod:
    """One `PARENT_OF` period: `parent` is the parent of `child` from `valid_from` to `valid_to` (None: open)."""

    parent: str
    child: str
    valid_from: str | None
    valid_to: str | None


@dataclass(frozen=True, slots=True)
class Booking:
    """The amounts, in cents, of one booking attributed to one organisation in one month."""

    organisation: str
    period: str
    revenue: int
    gross_profit: int


@dataclass(frozen=True, slots=True)
class Dataset:
    """What every system of a run answers questions about.

    Attributes:
        directory: the load files.
        organisations: every organisation key.
        parents: every `PARENT_OF` period.
        bookings: every booking the loader keeps, attributed.
        groups: the root key of the generator's tiny, medium, large and huge group.
        reps: users with the role `rep`, the generator's first.
        admins: users with the role `admin`.
        as_of: the day every read asks about.
        first: the first month of the year summed, `YYYY-MM`.
        last: its last month.
    """

    directory: Path
    organisations: list[str]
    parents: list[ParentPeriod]
    bookings: list[Booking]
    groups: dict[str, str]
    reps: list[str]
    admins: list[str]
    as_of: datetime.date
    first: str
    last: str


def prepare(directory: Path, *, organisations: int, seed: int) -> Dataset:
    """Generate the load files of `organisations` organisations into `directory` and read them back."""
    generated = generate(directory, organisations=organisations, seed=seed)
    groups = {size: _one(generated.groups[size]) for size in GROUP_SIZES}
    users = list(_rows(directory, "users"))
    reps = list(dict.fromkeys([*generated.reps, *(user["key"] for user in users if user.get("role") == "rep")]))
    bookings = _attributed(directory)
    periods = sorted({booking.period for booking in bookings})
    last = periods[-1] if periods else f"{generated.as_of:%Y-%m}"
    return Dataset(
        directory=directory,
        organisations=[row["key"] for row in _rows(directory, "organisations")],
        parents=[
            ParentPeriod(row["parent_key"], row["child_key"], row.get("valid_from"), row.get("valid_to"))
            for row in _rows(directory, "parents")
        ],
        bookings=bookings,
        groups=groups,
        reps=reps,
        admins=[user["key"] for user in users if user.get("role") == "admin"],
        as_of=generated.as_of,
        first=_months_before(last, 11),
        last=last,
    )


def _one(roots: str | list[str] | tuple[str, ...]) -> str:
    return roots if isinstance(roots, str) else roots[0]


def _attributed(directory: Path) -> list[Booking]:
    """Return the bookings with the loader's attribution; a later row of the same identity replaces one before."""
    known = {row["key"] for row in _rows(directory, "organisations")}
    sold_to: dict[str, set[str]] = defaultdict(set)
    for row in _rows(directory, "accounts"):
        if (row.get("role") or "sold_to") == "sold_to":
            sold_to[row["debtor_number"]].add(row["organisation_key"])
    found: dict[tuple[str, str, str], Booking] = {}
    for row in _rows(directory, "revenue"):
        holders = sold_to.get(row["debtor_number"], set())
        organisation = row.get("organisation_key") or (next(iter(holders)) if len(holders) == 1 else None)
        if organisation not in known:
            continue
        found[(row["debtor_number"], row["period"], organisation)] = Booking(
            organisation, row["period"], _cents(row["revenue"]), _cents(row.get("gross_profit") or "0")
        )
    return list(found.values())


def _rows(directory: Path, kind: str) -> Iterator[dict[str, str]]:
    """Yield the rows of a kind's load file (CSV or JSON Lines) as text, empty cells left out."""
    for path in (directory / f"{kind}.csv", directory / f"{kind}.jsonl"):
        if not path.exists():
            continue
        with open(path, encoding="utf-8", newline="") as file:
            rows = (
                csv.DictReader(file) if path.suffix == ".csv" else (json.loads(line) for line in file if line.strip())
            )
            for row in rows:
                yield {name: str(value) for name, value in row.items() if value not in (None, "")}


def _cents(amount: str) -> int:
    return int(Decimal(amount) * 100)


def _months_before(period: str, months: int) -> str:
    number = int(period[:4]) * 12 + int(period[5:]) - 1 - months
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def months(first: str, last: str) -> list[str]:
    """Return the months from `first` to `last`, both included, as `YYYY-MM`."""
    found = [first]
    while found[-1] < last:
        found.append(_months_before(found[-1], -1))
    return found

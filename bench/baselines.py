"""The alternatives, answering the same questions on the same data: SQLite, PostgreSQL, plain Python.

Each baseline answers three questions as of a day, as crmgraph does: a group's revenue over a range of
months with its monthly series (the root found first, then everything under it), the ancestors of an
organisation up to its root, and every group ranked by revenue with ABC classes. The SQL baselines use
recursive CTEs over an indexed adjacency table of the `PARENT_OF` periods and a bookings table; the
in-memory one walks dicts. Nothing is precomputed per day: like crmgraph, every answer is live.
"""

import datetime
import os
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from bench.data import Booking, Dataset, months

# The SQL below climbs at most this many levels: the structure is a forest, this only stops a cycle.
MAX_DEPTH = 100
VALID = "(p.valid_from IS NULL OR p.valid_from <= {day}) AND (p.valid_to IS NULL OR {day} <= p.valid_to)"


@dataclass(frozen=True, slots=True)
class GroupTotal:
    """A group's revenue over a range of months: every month of the range with (revenue, gross profit) in cents."""

    series: tuple[tuple[str, int, int], ...]

    @property
    def revenue(self) -> int:
        """Return the revenue over the range, in cents."""
        return sum(revenue for _, revenue, _ in self.series)


@dataclass(frozen=True, slots=True)
class Ranking:
    """The groups ranking: how many, their total revenue and gross profit, the top ones as (root, revenue, class)."""

    group_count: int
    revenue: int
    gross_profit: int
    top: tuple[tuple[str, int, str], ...]


class Baseline(Protocol):
    """A system that answers the benchmark's questions; dates and months are ISO text."""

    name: str

    def group_rollup(self, key: str, as_of: str, first: str, last: str) -> GroupTotal:
        """Return the revenue of the whole group of `key` (everything under its root) on `as_of`."""

    def ancestors(self, key: str, as_of: str) -> tuple[str, ...]:
        """Return the ancestors of `key` on `as_of`, nearest first; the last is the root."""

    def ranking(self, as_of: str, first: str, last: str, a_percent: int, b_percent: int, top: int) -> Ranking:
        """Return every group on `as_of` ranked by revenue, largest first, then root key."""

    def close(self) -> None:
        """Release what the baseline holds."""


def day_before(day: str) -> str:
    """Return the ISO day before `day`."""
    return (datetime.date.fromisoformat(day) - datetime.timedelta(days=1)).isoformat()


def series(first: str, last: str, found: dict[str, tuple[int, int]]) -> GroupTotal:
    """Return a group total with every month of the range, zero where nothing was booked."""
    return GroupTotal(tuple((month, *found.get(month, (0, 0))) for month in months(first, last)))


class InMemory:
    """Plain Python: dicts of the parent periods and of each organisation's monthly sums."""

    name = "Python dicts"

    def __init__(self, dataset: Dataset):
        self.organisations = dataset.organisations
        self.parents: dict[str, list[tuple[str, str | None, str | None]]] = defaultdict(list)
        self.children: dict[str, list[tuple[str, str | None, str | None]]] = defaultdict(list)
        for link in dataset.parents:
            self.parents[link.child].append((link.parent, link.valid_from, link.valid_to))
            self.children[link.parent].append((link.child, link.valid_from, link.valid_to))
        self.booked: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        self.add_bookings(dataset.bookings)

    def group_rollup(self, key: str, as_of: str, first: str, last: str) -> GroupTotal:
        found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for organisation in self.subtree(self.root(key, as_of), as_of):
            for month, (revenue, profit) in self.booked.get(organisation, {}).items():
                if first <= month <= last:
                    found[month][0] += revenue
                    found[month][1] += profit
        return series(first, last, {month: (revenue, profit) for month, (revenue, profit) in found.items()})

    def ancestors(self, key: str, as_of: str) -> tuple[str, ...]:
        chain, seen = [], {key}
        parent = self._parent(key, as_of)
        while parent is not None and parent not in seen:
            chain.append(parent)
            seen.add(parent)
            parent = self._parent(parent, as_of)
        return tuple(chain)

    def root(self, key: str, as_of: str) -> str:
        """Return the root of `key` on `as_of` (itself when it has no parent)."""
        chain = self.ancestors(key, as_of)
        return chain[-1] if chain else key

    def subtree(self, key: str, as_of: str) -> list[str]:
        """Return `key` and everything under it on `as_of`, level by level."""
        found, seen, level = [key], {key}, [key]
        while level:
            below = [
                child
                for parent in level
                for child, valid_from, valid_to in self.children.get(parent, ())
                if _valid(valid_from, valid_to, as_of) and child not in seen
            ]
            seen.update(below)
            found.extend(below)
            level = below
        return found

    def depths(self, as_of: str) -> dict[str, int]:
        """Return how many ancestors each organisation has on `as_of`."""
        return {key: len(self.ancestors(key, as_of)) for key in self.organisations}

    def ranking(self, as_of: str, first: str, last: str, a_percent: int, b_percent: int, top: int) -> Ranking:
        root_of: dict[str, str] = {}
        for key in self.organisations:
            if key not in root_of:
                chain = [key, *self.ancestors(key, as_of)]
                root = next((above for above in chain if above in root_of), None)
                root = root_of[root] if root is not None else chain[-1]
                root_of.update(dict.fromkeys(chain, root))
        revenue: dict[str, int] = dict.fromkeys(set(root_of.values()), 0)
        profit = dict(revenue)
        for key, booked in self.booked.items():
            for month, (cents, gross) in booked.items():
                if first <= month <= last and key in root_of:
                    revenue[root_of[key]] += cents
                    profit[root_of[key]] += gross
        ranked = sorted(revenue, key=lambda root: (-revenue[root], root))
        total = sum(revenue.values())
        classes, above = [], 0
        for root in ranked[:top]:
            classes.append(_abc_class(above, total, a_percent, b_percent))
            above += revenue[root]
        return Ranking(
            len(ranked),
            total,
            sum(profit.values()),
            tuple((root, revenue[root], abc) for root, abc in zip(ranked, classes, strict=False)),
        )

    def set_parent(self, child: str, parent: str, valid_from: str) -> None:
        """Give `child` the parent from `valid_from` on, open-ended, as `PUT …/parent` does (W7).

        The period in force that day, when it began earlier, ends the day before; when it is already this
        parent's it simply goes on.

        Raises:
            ValueError: the period in force begins that day with another parent (crmgraph refuses it too).
        """
        periods = self.parents[child]
        for index, (held_by, begins, ends) in enumerate(periods):
            if not _valid(begins, ends, valid_from):
                continue
            if held_by == parent:
                return
            if begins == valid_from:
                raise ValueError(f"{child} has {held_by} as its parent from {valid_from}: a second parent that day")
            periods[index] = (held_by, begins, day_before(valid_from))
            siblings = self.children[held_by]
            siblings[siblings.index((child, begins, ends))] = (child, begins, day_before(valid_from))
        periods.append((parent, valid_from, None))
        self.children[parent].append((child, valid_from, None))

    def add_bookings(self, bookings: Iterable[Booking]) -> None:
        """Add bookings of new identities (W7): their amounts add to their organisation's month."""
        for booking in bookings:
            sums = self.booked[booking.organisation][booking.period]
            sums[0] += booking.revenue
            sums[1] += booking.gross_profit

    def close(self) -> None:
        self.booked.clear()

    def _parent(self, key: str, as_of: str) -> str | None:
        valid = [
            parent for parent, valid_from, valid_to in self.parents.get(key, ()) if _valid(valid_from, valid_to, as_of)
        ]
        return min(valid) if valid else None


def _valid(valid_from: str | None, valid_to: str | None, day: str) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def _abc_class(above: int, total: int, a_percent: int, b_percent: int) -> str:
    if total <= 0:
        return "C"
    if above * 100 < a_percent * total:
        return "A"
    return "B" if above * 100 < (a_percent + b_percent) * total else "C"


UP = f"""
up(key, depth) AS (
  SELECT o.key, 0 FROM organisations o WHERE o.key = {{key}}
  UNION ALL
  SELECT p.parent, up.depth + 1 FROM parent_of p JOIN up ON p.child = up.key
  WHERE {VALID} AND up.depth < {MAX_DEPTH}
)"""
ANCESTORS = f"WITH RECURSIVE {UP} SELECT key FROM up WHERE depth > 0 ORDER BY depth"
GROUP_ROLLUP = f"""
WITH RECURSIVE {UP},
root(key) AS (SELECT key FROM up ORDER BY depth DESC LIMIT 1),
tree(key) AS (
  SELECT key FROM root
  UNION ALL
  SELECT p.child FROM parent_of p JOIN tree ON p.parent = tree.key WHERE {VALID}
)
SELECT b.period, SUM(b.revenue), SUM(b.gross_profit)
FROM tree JOIN bookings b ON b.organisation = tree.key
WHERE b.period BETWEEN {{first}} AND {{last}}
GROUP BY b.period
"""
RANKING = f"""
WITH RECURSIVE tree(root, key) AS (
  SELECT o.key, o.key FROM organisations o
  WHERE NOT EXISTS (SELECT 1 FROM parent_of p WHERE p.child = o.key AND {VALID})
  UNION ALL
  SELECT tree.root, p.child FROM parent_of p JOIN tree ON p.parent = tree.key WHERE {VALID}
),
sums AS (
  SELECT tree.root AS root, COALESCE(SUM(b.revenue), 0) AS revenue, COALESCE(SUM(b.gross_profit), 0) AS profit
  FROM tree LEFT JOIN bookings b ON b.organisation = tree.key AND b.period BETWEEN {{first}} AND {{last}}
  GROUP BY tree.root
),
ranked AS (
  SELECT root, revenue, profit,
    COALESCE(SUM(revenue) OVER (ORDER BY revenue DESC, root ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
      AS above,
    SUM(revenue) OVER () AS total, SUM(profit) OVER () AS total_profit, COUNT(*) OVER () AS groups
  FROM sums
)
SELECT root, revenue,
  CASE WHEN total <= 0 THEN 'C' WHEN above * 100 < {{a}} * total THEN 'A'
       WHEN above * 100 < {{ab}} * total THEN 'B' ELSE 'C' END,
  total, total_profit, groups
FROM ranked ORDER BY revenue DESC, root LIMIT {{top}}
"""
INDEXES = [
    "CREATE INDEX parent_of_parent ON parent_of (parent)",
    "CREATE INDEX parent_of_child ON parent_of (child)",
    "CREATE INDEX bookings_organisation ON bookings (organisation, period)",
]


class Sql:
    """Recursive CTEs over an adjacency table of the parent periods and a bookings table, on a DB-API connection."""

    def __init__(self, name: str, connection: Any, placeholder: str):
        self.name = name
        self.connection = connection
        self.placeholder = placeholder

    def group_rollup(self, key: str, as_of: str, first: str, last: str) -> GroupTotal:
        rows = self._query(GROUP_ROLLUP, key=key, day=as_of, first=first, last=last)
        return series(first, last, {month: (int(revenue), int(profit)) for month, revenue, profit in rows})

    def ancestors(self, key: str, as_of: str) -> tuple[str, ...]:
        return tuple(row[0] for row in self._query(ANCESTORS, key=key, day=as_of))

    def ranking(self, as_of: str, first: str, last: str, a_percent: int, b_percent: int, top: int) -> Ranking:
        rows = self._query(RANKING, day=as_of, first=first, last=last, a=a_percent, ab=a_percent + b_percent, top=top)
        if not rows:
            return Ranking(0, 0, 0, ())
        return Ranking(
            int(rows[0][5]),
            int(rows[0][3]),
            int(rows[0][4]),
            tuple((root, int(cents), abc) for root, cents, abc, *_ in rows),
        )

    def set_parent(self, child: str, parent: str, valid_from: str) -> None:
        """Give `child` the parent from `valid_from` on, as :meth:`InMemory.set_parent` does, in one transaction."""
        held = self._query(
            f"SELECT parent, valid_from FROM parent_of p WHERE p.child = {{child}} AND {VALID}",
            child=child,
            day=valid_from,
        )
        if any(held_by == parent for held_by, _ in held):
            return
        if any(begins == valid_from for _, begins in held):
            raise ValueError(f"{child} has another parent from {valid_from}: a second parent that day")
        self._query(
            f"UPDATE parent_of SET valid_to = {{before}} WHERE child = {{child}} AND {VALID.replace('p.', '')}",
            before=day_before(valid_from),
            child=child,
            day=valid_from,
            fetch=False,
        )
        self._query(
            "INSERT INTO parent_of VALUES ({parent}, {child}, {day}, NULL)",
            parent=parent,
            child=child,
            day=valid_from,
            fetch=False,
        )
        self.connection.commit()

    def add_bookings(self, bookings: Iterable[Booking]) -> None:
        """Insert bookings of new identities, in one transaction."""
        marks = ", ".join([self.placeholder] * 4)
        self.connection.cursor().executemany(
            f"INSERT INTO bookings VALUES ({marks})",
            [(b.organisation, b.period, b.revenue, b.gross_profit) for b in bookings],
        )
        self.connection.commit()

    def close(self) -> None:
        self.connection.close()

    def _query(self, template: str, *, fetch: bool = True, **values: Any) -> list[tuple]:
        """Run a template whose `{name}` fields are parameters, each bound by position wherever it occurs."""
        order: list[Any] = []
        text = template.format_map(_Placeholders(values, order, self.placeholder))
        cursor = self.connection.cursor()
        cursor.execute(text, order)
        return cursor.fetchall() if fetch else []


def sqlite(dataset: Dataset, directory: Path) -> Sql:
    """Return the SQLite baseline, its database built in `directory` from the dataset and indexed."""
    # W7 asks and writes it from a thread of its own, while the bench's event loop runs the HTTP clients.
    connection = sqlite3.connect(directory / "baseline.sqlite", check_same_thread=False)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA cache_size = -1000000")  # 1 GB: measure queries, not disk reads
    connection.executescript(
        "CREATE TABLE organisations (key TEXT PRIMARY KEY);"
        "CREATE TABLE parent_of (parent TEXT NOT NULL, child TEXT NOT NULL, valid_from TEXT, valid_to TEXT);"
        "CREATE TABLE bookings (organisation TEXT NOT NULL, period TEXT NOT NULL, revenue INTEGER,"
        " gross_profit INTEGER);"
    )
    for table, rows in _tables(dataset).items():
        marks = ", ".join("?" * len(rows[0])) if rows else ""
        connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    for index in INDEXES:
        connection.execute(index)
    # No ANALYZE: with statistics SQLite builds a Bloom filter over parent_of (a full scan) at every
    # recursive step, which makes a 12-level climb 150 times slower; the indexes alone plan well.
    connection.commit()
    return Sql("SQLite recursive CTE", connection, "?")


POSTGRES_SOCKETS = (Path("/var/run/postgresql/.s.PGSQL.5432"), Path("/tmp/.s.PGSQL.5432"))


def postgres(dataset: Dataset) -> tuple[Sql | None, str]:
    """Return the PostgreSQL baseline in a schema of its own, or None and why it is skipped.

    The server is `CRMGRAPH_BENCH_POSTGRES_DSN`, else the local socket when one exists.
    """
    dsn = os.environ.get("CRMGRAPH_BENCH_POSTGRES_DSN")
    if dsn is None and not any(socket.exists() for socket in POSTGRES_SOCKETS):
        return None, "skipped: no PostgreSQL server"
    try:
        import psycopg
    except ImportError:
        return None, "skipped: psycopg is not installed (pip install -e '.[bench]')"
    try:
        connection = psycopg.connect(dsn or "", autocommit=True)
    except psycopg.Error as e:
        return None, f"skipped: no PostgreSQL server ({str(e).strip().splitlines()[0]})"
    schema = f"crmgraph_bench_{uuid.uuid4().hex[:8]}"
    connection.execute(f"CREATE SCHEMA {schema}")
    connection.execute(f"SET search_path TO {schema}")
    connection.execute(
        'CREATE TABLE organisations (key TEXT COLLATE "C" PRIMARY KEY);'
        'CREATE TABLE parent_of (parent TEXT COLLATE "C" NOT NULL, child TEXT COLLATE "C" NOT NULL,'
        " valid_from TEXT, valid_to TEXT);"
        'CREATE TABLE bookings (organisation TEXT COLLATE "C" NOT NULL, period TEXT NOT NULL, revenue BIGINT,'
        " gross_profit BIGINT)"
    )
    for table, rows in _tables(dataset).items():
        with connection.cursor().copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    for index in INDEXES:
        connection.execute(index)
    connection.execute("ANALYZE")
    version = connection.execute("SHOW server_version").fetchone()[0]
    return _DroppingSchema(f"PostgreSQL {version.split()[0]} recursive CTE", connection, "%s", schema), ""


class _DroppingSchema(Sql):
    """A PostgreSQL baseline that drops its schema when closed: the server is someone else's."""

    def __init__(self, name: str, connection: Any, placeholder: str, schema: str):
        super().__init__(name, connection, placeholder)
        self.schema = schema

    def close(self) -> None:
        self.connection.execute(f"DROP SCHEMA {self.schema} CASCADE")
        super().close()


def _tables(dataset: Dataset) -> dict[str, list[tuple]]:
    return {
        "organisations": [(key,) for key in dataset.organisations],
        "parent_of": [(link.parent, link.child, link.valid_from, link.valid_to) for link in dataset.parents],
        "bookings": [(b.organisation, b.period, b.revenue, b.gross_profit) for b in dataset.bookings],
    }


class _Placeholders(dict):
    """Fields of a query template: each becomes a placeholder, its value appended in the order of the text."""

    def __init__(self, values: dict[str, Any], order: list[Any], placeholder: str):
        super().__init__()
        self.values, self.order, self.placeholder = values, order, placeholder

    def __missing__(self, name: str) -> str:
        self.order.append(self.values[name])
        return self.placeholder

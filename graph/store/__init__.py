"""One small async interface to the graph, with an embedded and a Neo4j engine.

A store runs named queries (see :mod:`graph.queries`) with parameters and
returns plain rows: dicts of str, int, float, bool, None, lists and dicts.
Dates go in as `datetime.date` and reach Cypher as day numbers (graph/days.py),
the form every dated property is stored in: queries compare `link.valid_from <= $day`
as integers, and a dated property comes back as a day number for `days.date_of`.
"""

import datetime
from abc import ABC, abstractmethod
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from graph import days
from graph.errors import QueryError
from graph.queries import Query, declare
from graph.store.write_lock import WriteLock

Row = dict[str, Any]
FIND_REVISION = declare("store/find_revision")


@dataclass(frozen=True)
class End:
    """One end of the links an :class:`Insertion` creates: the label of its nodes and their key property."""

    label: str
    key: str


@dataclass(frozen=True)
class Insertion:
    """New nodes of one label, or new links of one type, to create in bulk: see :meth:`Store.inserter`.

    Attributes:
        name: the label of the nodes, or the type of the links.
        properties: the stored properties, in the order of each row's values; a None value is not stored.
        stored: a read that counts the nodes or links of the kind that are stored (`count`): the
            first batch is inserted only when it answers 0, as every row is new then; None when the
            caller knows its rows are new by the plan it made (see :meth:`Inserter.expect`).
        source, target: for links, their ends; a link's row starts with the key of each.
    """

    name: str
    properties: tuple[str, ...]
    stored: Query | None
    source: End | None = None
    target: End | None = None


class InsertRefused(Exception):
    """The store cannot create these rows as new ones; the caller writes them with its queries instead."""


class Inserter(ABC):
    """Creates the nodes or links of one :class:`Insertion`, batch after batch, without Cypher."""

    @abstractmethod
    def expect(self, revision: str | None) -> None:
        """Insert the next batch only if the graph is still at `revision`, the token its rows were planned at.

        Without it, the first batch expects the token read when it starts, and each later one the
        token the batch written before it wrote.
        """

    @abstractmethod
    async def insert(self, rows: Sequence[Sequence[Any]]) -> None:
        """Create one node or link per row, and replace the revision token, in one transaction.

        Several batches may be inserted at once (the loader prepares the next while one is
        written): their transactions take turns, each expecting the token of the one before.

        Raises:
            InsertRefused: the rows may not all be new (the graph held the kind before the first
                batch, or it is no longer at the expected revision), or a value cannot be sent this
                way; nothing of the batch was written.
            EngineUnavailable, QueryError: the engine failed.
        """


class Store(ABC):
    """Runs named queries on one graph engine."""

    engine: str
    _write_lock: WriteLock | None = None

    @abstractmethod
    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read-only query and return its rows."""

    @abstractmethod
    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a query that changes the graph, atomically, and return its rows.

        In the same transaction, the graph's revision token is replaced and what the write changed is recorded
        (:data:`graph.changes.RECORD_CHANGE`, with what the query declares it touches): see :meth:`revision`.
        """

    async def read_columns(
        self, query: Query, params: Mapping[str, Any] | None = None, *, integers: Collection[str] = ()
    ) -> dict[str, Any]:
        """Run a read-only query that returns one row of lists of the same length; return the lists by column.

        For bulk reads (graph/snapshot.py). The items are integers (day numbers among them), or strings without
        `, ` (keys, periods): an engine may send each list as one text and split it, which is many times faster
        than one value at a time. The columns named in `integers` come back as int64 numpy arrays, the others as
        lists of strings. An empty graph gives `{}`.

        Raises:
            QueryError: the engine failed the read, or the lists are not all of the same length.
        """
        columns = await self._read_lists(query, params, integers)
        if len({len(items) for items in columns.values()}) > 1:
            raise QueryError(f"query {query.name} returned lists of different lengths, or items with ', ' in them")
        return columns

    async def _read_lists(
        self, query: Query, params: Mapping[str, Any] | None, integers: Collection[str]
    ) -> dict[str, Any]:
        rows = await self.read(query, params)
        if not rows:
            return {}
        return {
            name: np.asarray(items, dtype=np.int64) if name in integers else [str(item) for item in items]
            for name, items in rows[0].items()
        }

    async def revision(self) -> str | None:
        """Return the graph's revision token: a new one after every write, None before the first.

        Read it before reading data derived into memory; as long as it is unchanged, nothing was written since.
        """
        rows = await self.read(FIND_REVISION)
        return rows[0]["token"] if rows else None

    def write_lock(self) -> WriteLock:
        """Return the lock that checked writes to this graph hold from their checks to the end of their writes.

        This one keeps out the other writers of this process only; an engine whose writers in other processes
        can be locked out too returns one that does (see graph/store/write_lock.py).
        """
        if self._write_lock is None:
            self._write_lock = WriteLock()
        return self._write_lock

    def inserter(self, insertion: Insertion) -> Inserter | None:
        """Return what creates the rows of `insertion` in bulk, or None when this engine has no such path.

        A load file of a kind the graph holds nothing of yet (a first load) is created this way, at
        a fraction of the engine's cost of its create query (docs/load-files.md, "Throughput").
        """
        return None

    @abstractmethod
    async def engine_version(self) -> str:
        """Return the engine's name and version, e.g. `FalkorDB 4.16.3`."""

    @abstractmethod
    async def install_schema(self) -> list[str]:
        """Create the constraints and indexes the schema classes declare; return what was new."""

    @abstractmethod
    async def explain(self, text: str) -> list[str]:
        """Ask the engine to plan `text` without running it; return the plan's operations, one line each, in the
        engine's words (FalkorDB's `Node By Index Scan | (o:Organisation)`, Neo4j's `NodeIndexSeek`).

        Raises:
            QueryError: the engine cannot plan it.
        """

    @abstractmethod
    async def close(self) -> None:
        """Release connections (and stop an embedded engine this store started)."""

    async def __aenter__(self) -> "Store":
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()


def with_dates(query: Query, rows: list[Row]) -> list[Row]:
    """Return `rows` with the day numbers in the query's `days` columns as dates (None stays None)."""
    for row in rows if query.days else ():
        for name in query.days:
            row[name] = days.date_of(row[name])
    return rows


def to_cypher_params(value: Any) -> Any:
    """Return `value` with dates as day numbers, recursively, ready to send as a parameter."""
    if isinstance(value, datetime.date):
        return days.number(value)
    if isinstance(value, Mapping):
        return {key: to_cypher_params(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_cypher_params(item) for item in value]
    return value

"""New nodes and links written with FalkorDB's bulk insert (`GRAPH.BULK`), not with Cypher.

The engine reads a batch of rows in its binary format and creates them
without parsing, planning or matching anything, a fraction of the CPU its
create queries cost (docs/load-files.md, "Bulk insert on a first load"). The format names a link's ends by the
engine's node ids; they are looked up by key (`falkordb/find_*_ids`) and kept
for the inserter's life.

Nothing checks a bulk-inserted row against what is stored, so every batch
runs under WATCH and is written only when:

- before the first batch, the graph held no node or link of the kind (the
  insertion's `stored` read counts 0), and rows of one file never share
  an identity (the loader rejects repeats), so every row is new; or the caller
  planned the rows as new from the graph at a revision it names (`expect`: the
  territory rules' missing links);
- nothing but this inserter wrote since its last batch (or, for the first,
  since the revision token was read before its ends were looked up, or since
  the revision expected): the revision token is still the one it expects, and
  the WATCH on the graph's key fails the transaction if any write comes
  between that check and the insert.

A batch looks up its ends and encodes its rows while the batch before it is
being written: only the transactions take turns. That is safe because once
another writer writes, every later transaction finds a token it does not
expect, so whatever a batch looked up after the first expected token is still
true when it is written.

Otherwise it raises :class:`InsertRefused` and writes nothing, and the loader
creates the rows with its Cypher queries, which check each one.
"""

import asyncio
import datetime
import math
import struct
from collections.abc import Awaitable, Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol

import redis.exceptions

from graph import days
from graph.changes import Changes, of_insertion
from graph.errors import EngineUnavailable
from graph.queries import Query, declare
from graph.store import End, Inserter, Insertion, InsertRefused, Row

# The id lookup of each label a link may end at, by label and key property.
FIND_IDS: dict[End, Query] = {
    End("Organisation", "key"): declare("falkordb/find_organisation_ids"),
    End("DebtorAccount", "number"): declare("falkordb/find_debtor_ids"),
    End("Territory", "key"): declare("falkordb/find_territory_ids"),
    End("Contact", "key"): declare("falkordb/find_contact_ids"),
}
# Keys per id lookup: one read stays small on a very large load.
LOOKUP_CHUNK = 20_000
# The type byte in front of each value (FalkorDB's src/bulk_insert/bulk_insert.c); a null value is not stored.
_NULL = b"\x00"
_TRUE = b"\x01\x01"
_FALSE = b"\x01\x00"
_DOUBLE = struct.Struct("<Bd")
_LONG = struct.Struct("<Bq")
_ENDS = struct.Struct("<QQ")


class BulkTarget(Protocol):
    """What the bulk inserter needs of the store it writes to (graph/store/falkordb.py's store has it)."""

    graph_name: str  # the engine's key of the graph: what `GRAPH.BULK` writes to and a WATCH watches

    def transaction(self) -> Any:
        """Return a MULTI/EXEC pipeline on a connection of its own, which can WATCH the graph."""

    def queue_change(self, transaction: Any, changed: Changes) -> str:
        """Queue the record of a write's change on a MULTI/EXEC pipeline; return the revision token it sets."""

    async def checked_reply(self, name: str, sent: Awaitable[list], *, read_only: bool) -> list | None:
        """Return the engine's reply to a command sent, with the engine's errors raised as graph/errors.py's."""

    async def revision(self, *, via: Any = None) -> str | None:
        """Return the graph's revision token, read on `via` (a pipeline) if given."""

    async def read(self, query: Query, params: Mapping[str, Any] | None = None, *, via: Any = None) -> list[Row]:
        """Run a read-only query, on `via` (a pipeline) if given."""

    async def read_columns(
        self, query: Query, params: Mapping[str, Any] | None = None, *, integers: Collection[str] = ()
    ) -> dict[str, Any]:
        """Run a read-only query that returns one row of lists; return the lists by column."""


def lost_engine(error: redis.exceptions.RedisError) -> bool:
    """Return whether an error of the client means the engine is gone: a lost connection, also one that the
    client reports as a failed WATCH (it does so while a transaction watches a key), with the loss as context."""
    if isinstance(error, redis.exceptions.WatchError):
        return isinstance(error.__context__, (redis.exceptions.ConnectionError, OSError))
    return isinstance(error, redis.exceptions.ConnectionError)


def can_insert(insertion: Insertion) -> bool:
    """Return whether the ends of the insertion's links, if any, have an id lookup."""
    return all(end is None or end in FIND_IDS for end in (insertion.source, insertion.target))


class BulkInserter(Inserter):
    """Creates the rows of one :class:`Insertion` with `GRAPH.BULK`, one transaction a batch."""

    def __init__(self, store: BulkTarget, insertion: Insertion):
        self._store = store
        self._insertion = insertion
        self._header = _header(insertion)
        self._started = False  # whether a batch was written
        self._expects = False  # whether `_expected` holds the revision the next batch expects
        self._expected: str | None = None
        self._ids: dict[End, dict[str, int]] = {}  # node ids by key, per end
        self._turn = asyncio.Lock()  # one transaction at a time: each expects the token of the one before

    def expect(self, revision: str | None) -> None:
        self._expects = True
        self._expected = revision

    async def insert(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        store, insertion = self._store, self._insertion
        if not self._expects:
            self.expect(await store.revision())
        if insertion.source is not None and insertion.target is not None:
            source_keys, target_keys = {row[0] for row in rows}, {row[1] for row in rows}
            sources = await self._node_ids(insertion.source, source_keys)
            targets = await self._node_ids(insertion.target, target_keys)
            body = [_ENDS.pack(sources[row[0]], targets[row[1]]) + _values(row[2:]) for row in rows]
            counts = (0, len(rows), 0, 1)
        else:
            body = [_values(row) for row in rows]
            counts = (len(rows), 0, 1, 0)
        try:
            await self._insert_batch(body, counts, of_insertion(insertion, rows))
        except (redis.exceptions.ConnectionError, redis.exceptions.WatchError) as e:
            if not lost_engine(e):
                raise
            raise EngineUnavailable(f"the embedded engine stopped answering during a bulk insert: {e}") from e

    async def _insert_batch(self, body: list[bytes], counts: tuple[int, int, int, int], changed: Changes) -> None:
        """Write one encoded batch in a transaction of its own, if nothing but this inserter wrote since the last."""
        store, insertion = self._store, self._insertion
        graph = store.graph_name
        async with self._turn, store.transaction() as transaction:
            await transaction.watch(graph)
            if await store.revision(via=transaction) != self._expected:
                raise InsertRefused("another writer changed the graph during the load")
            if insertion.stored is not None and not self._started and await self._stored(transaction):
                raise InsertRefused(f"the graph holds {insertion.name} already")
            begin = ["BEGIN"] if not await transaction.exists(graph) else []
            transaction.multi()
            transaction.execute_command("GRAPH.BULK", graph, *begin, *counts, self._header + b"".join(body))
            token = store.queue_change(transaction, changed)
            try:
                await store.checked_reply(f"bulk insert of {insertion.name}", transaction.execute(), read_only=False)
            except redis.exceptions.WatchError:
                raise InsertRefused("another writer changed the graph during the load") from None
            self._started = True
            self.expect(token)

    async def _stored(self, transaction: Any) -> int:
        assert self._insertion.stored is not None
        rows = await self._store.read(self._insertion.stored, via=transaction)
        return rows[0]["count"] if rows else 0

    async def _node_ids(self, end: End, keys: Iterable[str]) -> Mapping[str, int]:
        """Return the node ids of `end`'s nodes by key, for these keys at least, looking up the ones not known."""
        known = self._ids.setdefault(end, {})
        missing = [key for key in keys if key not in known]
        for start in range(0, len(missing), LOOKUP_CHUNK):
            found = await self._store.read_columns(
                FIND_IDS[end], {"keys": missing[start : start + LOOKUP_CHUNK]}, integers=("ids",)
            )
            if found:
                known.update(zip(found["keys"], found["ids"].tolist(), strict=True))
        if any(key not in known for key in missing):
            raise InsertRefused(f"a {end.label} that a row names is not stored")
        return known


def _header(insertion: Insertion) -> bytes:
    """Return the binary header of a batch: the label or type, the number of properties and their names."""
    properties = insertion.properties
    names = [insertion.name, *properties]
    if any("\0" in name for name in names):
        raise ValueError(f"a label, type or property name holds a NUL character: {names}")
    return (
        insertion.name.encode()
        + b"\0"
        + struct.pack("<I", len(properties))
        + b"".join(name.encode() + b"\0" for name in properties)
    )


def _values(values: Iterable[Any]) -> bytes:
    """Return one row's values in the binary format.

    Raises:
        InsertRefused: a value the format cannot carry: a text with a NUL character (the format
            ends texts with one), an integer beyond 64 bits, or another type.
    """
    return b"".join(map(_value, values))


def _value(value: Any) -> bytes:
    kind = type(value)
    if kind is str:
        if "\0" in value:
            raise InsertRefused("a text holds a NUL character")
        return b"\x03%b\x00" % value.encode()  # type 3 (a text), then the text and its end: one copy, not two
    if value is None:
        return _NULL
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is int:
        if not -(2**63) <= value < 2**63:
            raise InsertRefused(f"{value} does not fit in 64 bits")
        return _LONG.pack(4, value)
    if kind is float:
        if not math.isfinite(value):
            raise InsertRefused(f"{value} is not a finite number")
        return _DOUBLE.pack(2, value)
    if isinstance(value, datetime.date):
        return _LONG.pack(4, days.number(value))  # as every store keeps a day (graph/days.py)
    raise InsertRefused(f"a value of type {kind.__name__} cannot be bulk inserted")

"""The store on the embedded FalkorDB server, spoken to over its Unix socket."""

import asyncio
import datetime
import functools
import math
import urllib.parse
from collections.abc import Awaitable, Collection, Mapping
from typing import Any

import numpy as np
import redis.exceptions
from falkordb.asyncio import FalkorDB
from falkordb.asyncio.query_result import QueryResult
from falkordb.edge import Edge
from falkordb.node import Node

from graph import changes, days, schema
from graph.errors import EngineUnavailable, QueryError
from graph.queries import Query
from graph.settings import Settings
from graph.store import (
    FIND_REVISION,
    Inserter,
    Insertion,
    Row,
    Store,
    with_dates,
)
from graph.store.embedded import EmbeddedEngine
from graph.store.falkordb_bulk import BulkInserter, can_insert, lost_engine
from graph.store.write_lock import WriteLock, file_locked

ENGINE = "falkordb"
# FalkorDB answers this on a graph no query has written to yet.
EMPTY_GRAPH_MESSAGE = "empty key"


class FalkorStore(Store):
    """Runs queries on one graph of the embedded FalkorDB server."""

    engine = ENGINE

    def __init__(self, settings: Settings, engine: EmbeddedEngine, started_engine: bool):
        self._embedded = engine
        self._started_engine = started_engine
        self._client = FalkorDB(unix_socket_path=str(engine.socket), max_connections=64)
        self._graph = self._client.select_graph(settings.falkordb_graph)
        self.graph_name = settings.falkordb_graph
        # Every process on this data directory and graph (API workers, loads, imports) locks the same file.
        name = urllib.parse.quote(self.graph_name, safe="")
        self._write_lock = WriteLock(functools.partial(file_locked, engine.data_dir / f".write-{name}.lock"))

    @classmethod
    async def connect(cls, settings: Settings, *, start_engine: bool) -> "FalkorStore":
        """Connect to the data directory's server, starting one if asked and needed."""
        engine = EmbeddedEngine(settings)
        if start_engine:
            started = await asyncio.to_thread(engine.start, detach=False)
        elif engine.is_running():
            started = False
        else:
            raise EngineUnavailable(f"the embedded engine is not running on {engine.socket}: run `crmgraph db start`")
        return cls(settings, engine, started)

    async def read(self, query: Query, params: Mapping[str, Any] | None = None, *, via: Any = None) -> list[Row]:
        """Run a read-only query; `via` is the connection or pipeline to send it on (default: the pool)."""
        return await self._run(query, params, read_only=True, via=via)

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        return await self._run(query, params, read_only=False)

    async def revision(self, *, via: Any = None) -> str | None:
        rows = await self.read(FIND_REVISION, via=via)
        return rows[0]["token"] if rows else None

    def inserter(self, insertion: Insertion) -> Inserter | None:
        return BulkInserter(self, insertion) if can_insert(insertion) else None

    async def _run(
        self, query: Query, params: Mapping[str, Any] | None, *, read_only: bool, via: Any = None
    ) -> list[Row]:
        text = query.text_for(ENGINE)
        if read_only:
            sent = (via or self._client.connection).execute_command(
                "GRAPH.RO_QUERY", self.graph_name, params_header(params) + text, "--compact"
            )
        else:
            sent = self._write_with_change(params_header(params) + text, changes.of_write(query, params))
        response = await self.checked_reply(query.name, sent, read_only=read_only)
        return [] if response is None else with_dates(query, await self._rows(response))

    async def _read_lists(
        self, query: Query, params: Mapping[str, Any] | None, integers: Collection[str]
    ) -> dict[str, Any]:
        # Without --compact, FalkorDB sends a list as one text `[a, b, c]`: one value for the client to parse,
        # where the compact reply is a pair per item (9 s against 1 s for the snapshot of 100,000 organisations).
        sent = self._client.connection.execute_command(
            "GRAPH.RO_QUERY", self.graph_name, params_header(params) + query.text_for(ENGINE)
        )
        response = await self.checked_reply(query.name, sent, read_only=True)
        if response is None:
            return {}
        names, (row,) = response[0], response[1]
        return {
            name: _integers(text) if name in integers else text[1:-1].split(", ") if text != "[]" else []
            for name, text in zip(names, row, strict=True)
        }

    async def checked_reply(self, name: str, sent: Awaitable[list], *, read_only: bool) -> list | None:
        """Return the engine's reply to a query; None when a read finds a graph nothing was written to yet.

        Raises:
            EngineUnavailable: the engine does not answer.
            QueryError: the engine refused or failed the query.
        """
        try:
            response = await sent
        except (redis.exceptions.ConnectionError, redis.exceptions.WatchError) as e:
            if not lost_engine(e):
                raise  # a WATCH that saw another writer: the caller decides
            raise EngineUnavailable(f"the embedded engine on {self._embedded.socket} does not answer: {e}") from e
        except redis.exceptions.ResponseError as e:
            if read_only and EMPTY_GRAPH_MESSAGE in str(e):
                return None
            raise QueryError(f"query {name} failed: {e}") from e
        if isinstance(response[-1], redis.exceptions.ResponseError):
            raise QueryError(f"query {name} failed: {response[-1]}")
        return response

    async def _rows(self, response: list) -> list[Row]:
        """Return the rows of a compact reply: decoded here, or by the client where nodes or edges need the schema.

        The client decodes every value with an awaited call of its own: 1 s for a list of 500,000 numbers
        that the engine sends in 0.2 s. Scalars, lists and maps are decoded here in plain loops instead.
        """
        if len(response) == 1:  # statistics only: a write without RETURN
            return []
        columns = [column[1] for column in response[0]]
        try:
            records = [[_value(cell) for cell in record] for record in response[1]]
        except _NeedsSchema:
            result = QueryResult(self._graph)
            await result.parse(response)
            records = [[_plain(value) for value in record] for record in result.result_set]
        return [dict(zip(columns, record, strict=True)) for record in records]

    async def _write_with_change(self, text: str, changed: changes.Changes) -> list:
        """Run a write and record its change with a new revision in one MULTI/EXEC: no reader sees one without
        the other."""
        transaction = self.transaction()
        transaction.execute_command("GRAPH.QUERY", self.graph_name, text, "--compact")
        self.queue_change(transaction, changed)
        written, _ = await transaction.execute()
        return written

    def queue(self, transaction: Any, query: Query, params: Mapping[str, Any]) -> None:
        """Queue a write on a MULTI/EXEC pipeline; the record of its change goes last, by the caller."""
        text = params_header(params) + query.text_for(ENGINE)
        transaction.execute_command("GRAPH.QUERY", self.graph_name, text, "--compact")

    def queue_change(self, transaction: Any, changed: changes.Changes) -> str:
        """Queue the record of a write's change on a MULTI/EXEC pipeline; return the revision token it sets."""
        params = changed.params()
        self.queue(transaction, changes.RECORD_CHANGE, params)
        return params["token"]

    def transaction(self) -> Any:
        """Return a MULTI/EXEC pipeline on a connection of its own, which can WATCH the graph."""
        return self._client.connection.pipeline(transaction=True)

    async def engine_version(self) -> str:
        modules = await self._client.connection.execute_command("MODULE", "LIST")
        for module in modules:
            fields = dict(zip(module[::2], module[1::2], strict=True))
            if fields.get("name") == "graph":
                number = int(fields["ver"])
                return f"FalkorDB {number // 10000}.{number // 100 % 100}.{number % 100}"
        return "FalkorDB (unknown version)"

    async def install_schema(self) -> list[str]:
        created = []
        existing_indexes = {(row[0], prop) for row in await self._procedure("db.indexes") for prop in row[1]}
        existing_constraints = {(row[1], tuple(row[2])) for row in await self._procedure("db.constraints")}
        for label, prop in schema.indexed_properties():
            if (label, prop) not in existing_indexes:
                # Labels and properties come from the schema classes, never from input.
                if await self._created(self._graph.query(f"CREATE INDEX FOR (n:`{label}`) ON (n.`{prop}`)")):
                    created.append(f"index {label}.{prop}")
        for label, prop in schema.unique_properties():
            if (label, (prop,)) not in existing_constraints:
                unique = ("UNIQUE", "NODE", label, "PROPERTIES", 1, prop)
                creating = self._client.connection.execute_command(
                    "GRAPH.CONSTRAINT", "CREATE", self.graph_name, *unique
                )
                if await self._created(creating):
                    created.append(f"unique {label}.{prop}")
        return created

    async def _created(self, creating: Awaitable[Any]) -> bool:
        """Return whether an index or constraint was created, False when another process created it first.

        Loads and servers make sure of the schema before they write (graph/admin.py), so two may try at once.
        """
        try:
            await creating
        except redis.exceptions.ResponseError as e:
            if "already" not in str(e).lower():
                raise QueryError(f"creating the schema failed: {e}") from e
            return False
        return True

    async def _procedure(self, name: str) -> list[list]:
        try:
            return (await self._graph.ro_query(f"CALL {name}()")).result_set
        except redis.exceptions.ResponseError as e:
            if EMPTY_GRAPH_MESSAGE in str(e):
                return []
            raise QueryError(f"{name} failed: {e}") from e

    async def explain(self, text: str) -> list[str]:
        try:
            return [line.strip() for line in str(await self._graph.explain(text)).splitlines() if line.strip()]
        except redis.exceptions.ResponseError as e:
            raise QueryError(str(e)) from e

    async def close(self) -> None:
        await self._client.connection.aclose()
        if self._started_engine:
            await asyncio.to_thread(self._embedded.stop)


def params_header(params: Mapping[str, Any] | None) -> str:
    """Return the `CYPHER name=value …` header that carries parameters to FalkorDB.

    FalkorDB takes parameters as Cypher literals in front of the query. Encoding
    them here in one pass (dates as day numbers, like every store) costs a third of
    converting them first and letting the client encode the result: on a bulk
    load that is most of the Python time per row.
    """
    if not params:
        return ""
    return "CYPHER " + " ".join(f"{name}={_literal(value)}" for name, value in params.items()) + " "


def _literal(value: Any) -> str:
    kind = type(value)
    if kind is str:
        if "\\" in value or '"' in value:
            value = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{value}"'
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        if not math.isfinite(value):
            raise QueryError(f"{value} cannot be sent to the engine: only finite numbers can")
        return repr(value)
    if kind is dict:
        return "{" + ",".join([f"`{_map_key(key)}`:{_literal(item)}" for key, item in value.items()]) + "}"
    if kind is list or kind is tuple:
        return "[" + ",".join([_literal(item) for item in value]) + "]"
    if isinstance(value, datetime.date):
        return str(days.number(value))
    if isinstance(value, Mapping):
        return _literal(dict(value))
    raise QueryError(f"a parameter of type {kind.__name__} cannot be sent to the engine")


def _map_key(key: str) -> str:
    if not key or "`" in key:
        raise QueryError(f"{key!r} cannot be a parameter map key")
    return key


def _integers(text: str) -> np.ndarray:
    """Return the integers of a list sent as text, `[1, -2, 3]`, parsed in C."""
    if text == "[]":
        return np.empty(0, np.int64)
    return np.fromstring(text[1:-1], dtype=np.int64, sep=",")


class _NeedsSchema(Exception):
    """A reply holds a node, an edge or a path: their labels and properties are named through the graph's schema."""


# The compact reply's value types (FalkorDB's ResultSetScalarTypes).
NULL, STRING, INTEGER, BOOLEAN, DOUBLE, ARRAY, MAP, DATETIME, DATE, TIME = 1, 2, 3, 4, 5, 6, 10, 13, 14, 15


def _value(cell: list) -> Any:
    kind, value = cell
    if kind == STRING or kind == INTEGER or kind == NULL:
        return value
    if kind == ARRAY:
        if all(item[0] == INTEGER or item[0] == STRING for item in value):
            return [item[1] for item in value]
        return [_value(item) for item in value]
    if kind == DOUBLE:
        return float(value)
    if kind == BOOLEAN:
        return value == "true"
    if kind == MAP:
        return {value[index]: _value(value[index + 1]) for index in range(0, len(value), 2)}
    if kind == DATE:
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC).date()
    if kind == DATETIME:
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
    if kind == TIME:
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC).time()
    raise _NeedsSchema


def _plain(value: Any) -> Any:
    if isinstance(value, (Node, Edge)):
        return {key: _plain(item) for key, item in value.properties.items()}
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value

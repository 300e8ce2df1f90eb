"""The store on the embedded FalkorDB server, spoken to over its Unix socket."""

import asyncio
import datetime
import math
from collections.abc import Mapping
from typing import Any

import redis.exceptions
from falkordb.asyncio import FalkorDB
from falkordb.asyncio.query_result import QueryResult
from falkordb.edge import Edge
from falkordb.node import Node

from graph import schema
from graph.errors import EngineUnavailable, QueryError
from graph.queries import Query
from graph.settings import Settings
from graph.store import REPLACE_REVISION, Row, Store, new_revision_params
from graph.store.embedded import EmbeddedEngine

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

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        return await self._run(query.name, query.text_for(ENGINE), params, read_only=True)

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        return await self._run(query.name, query.text_for(ENGINE), params, read_only=False)

    async def _run(self, name: str, text: str, params: Mapping[str, Any] | None, *, read_only: bool) -> list[Row]:
        try:
            if read_only:
                result = await self._graph.ro_query(params_header(params) + text)
            else:
                result = await self._write_with_revision(params_header(params) + text)
        except redis.exceptions.ConnectionError as e:
            raise EngineUnavailable(f"the embedded engine on {self._embedded.socket} does not answer: {e}") from e
        except redis.exceptions.ResponseError as e:
            if read_only and EMPTY_GRAPH_MESSAGE in str(e):
                return []
            raise QueryError(f"query {name} failed: {e}") from e
        columns = [column[1] for column in result.header]
        return [
            {column: _plain(value) for column, value in zip(columns, row, strict=True)} for row in result.result_set
        ]

    async def _write_with_revision(self, text: str) -> QueryResult:
        """Run a write and replace the revision token in one MULTI/EXEC: no reader sees one without the other."""
        revision = params_header(new_revision_params()) + REPLACE_REVISION.text_for(ENGINE)
        transaction = self._client.connection.pipeline(transaction=True)
        for command in (text, revision):
            transaction.execute_command("GRAPH.QUERY", self.graph_name, command, "--compact")
        written, _ = await transaction.execute()
        result = QueryResult(self._graph)
        await result.parse(written)
        return result

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
                await self._graph.query(f"CREATE INDEX FOR (n:`{label}`) ON (n.`{prop}`)")
                created.append(f"index {label}.{prop}")
        for label, prop in schema.unique_properties():
            if (label, (prop,)) not in existing_constraints:
                await self._client.connection.execute_command(
                    "GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", "NODE", label, "PROPERTIES", 1, prop
                )
                created.append(f"unique {label}.{prop}")
        return created

    async def _procedure(self, name: str) -> list[list]:
        try:
            return (await self._graph.ro_query(f"CALL {name}()")).result_set
        except redis.exceptions.ResponseError as e:
            if EMPTY_GRAPH_MESSAGE in str(e):
                return []
            raise QueryError(f"{name} failed: {e}") from e

    async def explain(self, text: str) -> None:
        try:
            await self._graph.explain(text)
        except redis.exceptions.ResponseError as e:
            raise QueryError(str(e)) from e

    async def close(self) -> None:
        await self._client.connection.aclose()
        if self._started_engine:
            await asyncio.to_thread(self._embedded.stop)


def params_header(params: Mapping[str, Any] | None) -> str:
    """Return the `CYPHER name=value …` header that carries parameters to FalkorDB.

    FalkorDB takes parameters as Cypher literals in front of the query. Encoding
    them here in one pass (dates as ISO text, like every store) costs a third of
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
        return f'"{value.isoformat()}"'
    if isinstance(value, Mapping):
        return _literal(dict(value))
    raise QueryError(f"a parameter of type {kind.__name__} cannot be sent to the engine")


def _map_key(key: str) -> str:
    if not key or "`" in key:
        raise QueryError(f"{key!r} cannot be a parameter map key")
    return key


def _plain(value: Any) -> Any:
    if isinstance(value, (Node, Edge)):
        return {key: _plain(item) for key, item in value.properties.items()}
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value

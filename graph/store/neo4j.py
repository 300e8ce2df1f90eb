"""The store on Neo4j, through the official driver (bolt://, neo4j://, neo4j+s://)."""

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator, Awaitable, Mapping
from typing import Any

import neo4j
import neo4j.exceptions
import neo4j.graph
import neo4j.time

from graph import changes
from graph.errors import ConfigurationError, EngineUnavailable, QueryError
from graph.queries import NOTHING_HELD, Query, declare
from graph.settings import Settings
from graph.store import Row, Store, to_cypher_params, with_dates
from graph.store.write_lock import WriteLock

ENGINE = "neo4j"
TAKE_WRITE_LOCK = declare("neo4j/take_write_lock", touches=NOTHING_HELD)


class Neo4jStore(Store):
    """Runs queries on a Neo4j server or cluster; reads are routed to readers."""

    engine = ENGINE

    def __init__(self, settings: Settings, driver: neo4j.AsyncDriver):
        self._settings = settings
        self._driver = driver
        self._database = settings.neo4j_database
        self._write_lock = WriteLock(self._lock_node)

    @classmethod
    async def connect(cls, settings: Settings) -> "Neo4jStore":
        """Open a driver for the configured Neo4j and check that it answers."""
        if not settings.neo4j_uri:
            raise ConfigurationError("CRMGRAPH_BACKEND=neo4j needs CRMGRAPH_NEO4J_URI")
        try:
            driver = neo4j.AsyncGraphDatabase.driver(settings.neo4j_uri, auth=_auth(settings))
            await driver.verify_connectivity()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, ValueError, OSError) as e:
            raise EngineUnavailable(f"cannot reach Neo4j at {settings.neo4j_uri}: {e}") from e
        return cls(settings, driver)

    async def read(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        # execute_query runs a managed transaction: transient errors are retried by the driver.
        return await self._run(
            query,
            self._driver.execute_query(
                query.text_for(ENGINE),
                to_cypher_params(dict(params or {})),
                database_=self._database,
                routing_=neo4j.RoutingControl.READ,
            ),
        )

    async def write(self, query: Query, params: Mapping[str, Any] | None = None) -> list[Row]:
        changed = changes.of_write(query, params)

        async def write_with_change(transaction: neo4j.AsyncManagedTransaction) -> list[neo4j.Record]:
            result = await transaction.run(query.text_for(ENGINE), to_cypher_params(dict(params or {})))
            records = [record async for record in result]
            await transaction.run(changes.RECORD_CHANGE.text_for(ENGINE), changed.params())
            return records

        # A managed transaction: the driver retries transient errors, and the change is recorded with the data.
        async with self._driver.session(database=self._database) as session:
            return await self._run(query, session.execute_write(write_with_change))

    async def _run(self, query: Query, running: Awaitable[Any]) -> list[Row]:
        try:
            found = await running
        except neo4j.exceptions.ServiceUnavailable as e:
            raise EngineUnavailable(f"Neo4j at {self._settings.neo4j_uri} does not answer: {e}") from e
        except neo4j.exceptions.Neo4jError as e:
            raise QueryError(f"query {query.name} failed: {e.code}: {e.message}") from e
        records = found.records if isinstance(found, neo4j.EagerResult) else found
        return with_dates(query, [{key: _plain(value) for key, value in record.items()} for record in records])

    @contextlib.asynccontextmanager
    async def _lock_node(self) -> AsyncIterator[None]:
        """Hold the write lock of the `Lock` node in a transaction of its own while the body runs.

        The body's queries run in transactions of their own; this one only keeps the other processes' checked
        writes waiting, and is rolled back, which releases the lock (and, with a lost connection, the server).
        """
        async with self._driver.session(database=self._database) as session:
            try:
                transaction = await session.begin_transaction()
                await (await transaction.run(TAKE_WRITE_LOCK.text_for(ENGINE))).consume()
            except neo4j.exceptions.ServiceUnavailable as e:
                raise EngineUnavailable(f"Neo4j at {self._settings.neo4j_uri} does not answer: {e}") from e
            except neo4j.exceptions.Neo4jError as e:
                raise QueryError(f"taking the write lock failed: {e.code}: {e.message}") from e
            try:
                yield
            finally:
                await transaction.rollback()

    async def engine_version(self) -> str:
        info = await self._driver.get_server_info()
        return info.agent.replace("/", " ")

    async def install_schema(self) -> list[str]:
        return await asyncio.to_thread(self._install_with_neomodel)

    def _install_with_neomodel(self) -> list[str]:
        from neomodel import db, get_config

        from graph import schema  # noqa: F401  (defines the classes neomodel installs)

        get_config().database_name = self._database
        with neo4j.GraphDatabase.driver(self._settings.neo4j_uri, auth=_auth(self._settings)) as driver:
            db.set_connection(driver=driver)
            output = io.StringIO()
            try:
                db.install_all_labels(stdout=output)
            finally:
                db.close_connection()
        return [line.strip() for line in output.getvalue().splitlines() if line.strip().startswith("+")]

    async def explain(self, text: str) -> list[str]:
        try:
            answer = await self._driver.execute_query(f"EXPLAIN {text}", database_=self._database)
        except neo4j.exceptions.Neo4jError as e:
            raise QueryError(f"{e.code}: {e.message}") from e
        return _operators(answer.summary.plan or {})

    async def close(self) -> None:
        await self._driver.close()


def _operators(plan: dict[str, Any]) -> list[str]:
    """Return the operator of a plan and those of its children, depth first."""
    found = [str(plan.get("operatorType", ""))] if plan else []
    for child in plan.get("children", ()):
        found += _operators(child)
    return found


def _auth(settings: Settings) -> tuple[str, str]:
    return (settings.neo4j_user, settings.neo4j_password.get_secret_value())


def _plain(value: Any) -> Any:
    if isinstance(value, (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time)):
        return value.to_native()
    if isinstance(value, (neo4j.graph.Node, neo4j.graph.Relationship)):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value

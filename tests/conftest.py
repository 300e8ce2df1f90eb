"""Test fixtures: the real engines, a fresh graph per test.

Every test that takes `store` runs on embedded FalkorDB, and again on Neo4j when
`CRMGRAPH_NEO4J_URI` is set or Docker can start a Neo4j container; otherwise the
Neo4j run is skipped with that reason.
"""

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from graph import admin
from graph.search_index import SearchIndexes
from graph.settings import Backend, Settings
from graph.snapshots import Snapshots
from graph.store import Store
from graph.store.embedded import EmbeddedEngine
from graph.store.opening import open_store

NEO4J_IMAGE = "neo4j:5.26-community"
_graph_numbers = itertools.count()


@pytest.fixture(scope="session")
def engine_dir():
    """A short directory for the session's embedded engine (Unix socket paths are limited)."""
    directory = Path(tempfile.mkdtemp(prefix="crmg-"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def falkordb_settings(engine_dir):
    """Settings of the session's embedded engine, which runs for the whole session."""
    settings = Settings(backend=Backend.FALKORDB, data_dir=engine_dir)
    engine = EmbeddedEngine(settings)
    engine.start(detach=False)
    yield settings
    engine.stop()


def _docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


@pytest.fixture(scope="session")
def neo4j_settings():
    """Settings for Neo4j: `CRMGRAPH_NEO4J_URI` if set, else a testcontainers Neo4j, else skip."""
    if os.environ.get("CRMGRAPH_NEO4J_URI"):
        yield Settings(backend=Backend.NEO4J)
        return
    if not _docker_available():
        pytest.skip("no Neo4j: set CRMGRAPH_NEO4J_URI or make Docker available")
    from testcontainers.neo4j import Neo4jContainer

    with Neo4jContainer(NEO4J_IMAGE) as container:
        yield Settings(
            backend=Backend.NEO4J,
            neo4j_uri=container.get_connection_url(),
            neo4j_user="neo4j",
            neo4j_password=container.password,
        )


@pytest.fixture(params=[Backend.FALKORDB, Backend.NEO4J], ids=["falkordb", "neo4j"])
def settings(request) -> Settings:
    """Settings of a fresh, empty graph on each engine."""
    if request.param is Backend.NEO4J:
        return request.getfixturevalue("neo4j_settings")
    base = request.getfixturevalue("falkordb_settings")
    return base.model_copy(update={"falkordb_graph": f"test{next(_graph_numbers)}"})


@pytest.fixture
async def store(settings) -> Store:
    """A store on an empty graph with the schema installed."""
    async with await open_store(settings, start_engine=False) as opened:
        await admin.delete_everything(opened)
        await admin.init_schema(opened)
        yield opened
        await admin.delete_everything(opened)


@pytest.fixture
def snapshots(store) -> Snapshots:
    """The snapshots of the test's store, as the API's lifespan and each CLI command create them."""
    return Snapshots(store)


@pytest.fixture
def search_indexes(snapshots) -> SearchIndexes:
    """The search indexes of the test's store, built from its snapshots, as the API's lifespan creates them."""
    return SearchIndexes(snapshots)

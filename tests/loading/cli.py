"""Run `crmgraph load` as a user runs it: a separate process, on the test's graph."""

import os
import subprocess
import sys
from typing import Any

from graph.settings import Backend, Settings

TIMEOUT_SECONDS = 300


def environment(settings: Settings) -> dict[str, str]:
    """Return the environment that points a crmgraph process at the graph of `settings`."""
    env = {
        **os.environ,
        "CRMGRAPH_BACKEND": settings.backend.value,
        "CRMGRAPH_DATA_DIR": str(settings.data_dir),
        "CRMGRAPH_FALKORDB_GRAPH": settings.falkordb_graph,
    }
    if settings.backend is Backend.NEO4J:
        env["CRMGRAPH_NEO4J_URI"] = settings.neo4j_uri or ""
        env["CRMGRAPH_NEO4J_USER"] = settings.neo4j_user
        env["CRMGRAPH_NEO4J_PASSWORD"] = settings.neo4j_password.get_secret_value()
        env["CRMGRAPH_NEO4J_DATABASE"] = settings.neo4j_database
    return env


def command(*args: str) -> list[str]:
    """Return the command line of `crmgraph ARGS...`."""
    return [sys.executable, "-m", "cli.main", *args]


def crmgraph(settings: Settings, *args: str, **options: Any) -> subprocess.CompletedProcess:
    """Run `crmgraph ARGS...` on the graph of `settings` and return what it did."""
    return subprocess.run(
        command(*args), capture_output=True, text=True, env=environment(settings), timeout=TIMEOUT_SECONDS, **options
    )

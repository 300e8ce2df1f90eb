"""`crmgraph load` whose engine dies mid-run: it prints what it had written before its error, then exits 2."""

import json
import os
import signal
import subprocess
import time

import redis
import redis.exceptions

from graph.settings import Backend, Settings
from graph.store.embedded import EmbeddedEngine
from seed.generate import generate
from tests.loading.cli import command, environment

START_TIMEOUT_S = 60


def test_a_load_whose_engine_is_killed_prints_its_partial_report_then_the_error(tmp_path):
    # Arrange: an engine of its own (this test kills it) and enough rows in small batches to take a while.
    settings = Settings(backend=Backend.FALKORDB, data_dir=tmp_path / "data")
    engine = EmbeddedEngine(settings)
    engine.start(detach=True)
    generate(tmp_path / "files", organisations=3000, seed=1)
    loading = subprocess.Popen(
        command("load", "--json", "--batch-size", "20", str(tmp_path / "files")),
        env=environment(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Act: once the load has written some of its rows, kill the engine under it.
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _written_something(settings) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(engine.status().pid, signal.SIGKILL)
        stdout, stderr = loading.communicate(timeout=120)
    finally:
        loading.kill()
        engine.stop()

    # Assert: the rows written before the engine died are reported, then why the load stopped.
    assert loading.returncode == 2, stderr
    report = json.loads(stdout)
    assert report["totals"]["created"] > 0
    assert [file["outcome"] for file in report["files"]][-1] == "interrupted"
    assert stderr.startswith("error: ") and "engine" in stderr


def _written_something(settings: Settings) -> bool:
    """Return whether the graph holds an organisation yet, asked as another client of the engine would."""
    client = redis.Redis(unix_socket_path=str(settings.data_dir / "falkordb.sock"))
    try:
        reply = client.execute_command(
            "GRAPH.RO_QUERY", settings.falkordb_graph, "MATCH (n:Organisation) RETURN count(n)"
        )
    except redis.exceptions.RedisError:  # the graph does not exist yet
        return False
    finally:
        client.close()
    return reply[1][0][0] > 0

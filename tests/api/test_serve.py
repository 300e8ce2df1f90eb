"""`crmgraph serve` as a user runs it: worker processes on one port, the embedded engine started and stopped once."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from graph import auth
from graph.settings import Backend, Settings
from graph.store.embedded import EmbeddedEngine
from tests.helpers import add_users

START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(settings: Settings, *options: str) -> Iterator[tuple[str, Path]]:
    """Run `crmgraph serve` on the settings' data directory and graph; yield its base URL and its log."""
    with serve_process(settings, *options) as (_, base_url, log):
        yield base_url, log


@contextmanager
def serve_process(
    settings: Settings, *options: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen, str, Path]]:
    """Run `crmgraph serve` as :func:`serving` does, with more environment; yield the process too."""
    port = free_port()
    log = settings.data_dir / f"serve-{port}.log"
    env = {
        **os.environ,
        "CRMGRAPH_BACKEND": "falkordb",
        "CRMGRAPH_DATA_DIR": str(settings.data_dir),
        "CRMGRAPH_FALKORDB_GRAPH": settings.falkordb_graph,
        **(env or {}),
    }
    command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port), *options]
    with log.open("w") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert server.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base_url}/v1/health", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield server, base_url, log
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def falkordb_only(settings) -> Settings:
    if settings.backend is not Backend.FALKORDB:
        pytest.skip("serve starts and stops the embedded engine; on Neo4j it only serves")
    return settings


async def test_workers_answer_on_one_port_and_leave_a_running_engine_running(falkordb_only, store, tmp_path):
    # Arrange
    await add_users(store, tmp_path, admin="admin")
    api_key = await auth.create_key(store, user_key="admin")

    # Act
    with serving(falkordb_only, "--workers", "2") as (base_url, log):
        answers = [
            httpx.get(f"{base_url}/v1/me", headers={"Authorization": f"Bearer {api_key}"}, timeout=10)
            for _ in range(20)
        ]

    # Assert: the engine ran before serve, so serve left it running.
    assert {answer.status_code for answer in answers} == {200}
    assert answers[0].json()["key"] == "admin"
    assert log.read_text().count("Started server process") == 2
    assert "GET /v1/me" not in log.read_text()  # no access log unless asked
    assert EmbeddedEngine(falkordb_only).is_running()


def test_serve_starts_the_engine_it_needs_and_stops_it_afterwards(tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("serve"))

    with serving(settings, "--workers", "2", "--access-log") as (base_url, log):
        answer = httpx.get(f"{base_url}/v1/health", timeout=10)
        running = EmbeddedEngine(settings).is_running()

    assert answer.status_code == 200
    assert running
    assert "GET /v1/health" in log.read_text()
    assert not EmbeddedEngine(settings).is_running()


async def test_serve_stops_within_its_shutdown_timeout_while_an_import_runs(falkordb_only, store, tmp_path):
    # Arrange: an import that runs far longer than the bound (a million parents rows, checked batch by batch).
    await add_users(store, tmp_path, admin="admin")
    api_key = await auth.create_key(store, user_key="admin")
    body = ("parent_key,child_key\n" + "".join(f"ORG-P,ORG-C{n:07}\n" for n in range(1_000_000))).encode()
    timeout_s = 1
    answers: list[object] = []

    with serve_process(falkordb_only, env={"CRMGRAPH_SHUTDOWN_TIMEOUT_S": str(timeout_s)}) as (server, url, log):

        def post() -> None:
            headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "text/csv"}
            try:
                answers.append(httpx.post(f"{url}/v1/imports/parents", content=body, headers=headers, timeout=600))
            except httpx.TransportError as e:
                answers.append(e)

        importing = threading.Thread(target=post)
        importing.start()
        time.sleep(3)
        assert importing.is_alive(), answers  # the import still runs

        # Act
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
        stopped_after = time.monotonic() - started
        importing.join(timeout=60)

    # Assert: stopped within the bound, with a margin for the engine's snapshot on stopping.
    assert stopped_after < timeout_s + 10, log.read_text()
    assert answers and not isinstance(answers[0], httpx.Response) or answers[0].status_code >= 500


async def test_a_body_over_the_limit_is_answered_413_not_cut(falkordb_only, store, tmp_path, monkeypatch):
    # The client reads the answer once its body is sent: a server that answered and closed early reset it.
    await add_users(store, tmp_path, admin="admin")
    api_key = await auth.create_key(store, user_key="admin")
    monkeypatch.setenv("CRMGRAPH_MAX_IMPORT_BYTES", "1000000")
    body = b"key,name\n" + b"ORG-0000001,Alpha\n" * 500_000  # 9 MB

    with serving(falkordb_only) as (base_url, _):
        response = httpx.post(
            f"{base_url}/v1/imports/organisations",
            content=body,
            headers={"Authorization": f"Bearer {api_key}", "Content-Type": "text/csv"},
            timeout=60,
        )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "larger than 1,000,000 bytes" in response.json()["detail"]

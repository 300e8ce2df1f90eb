"""A fresh embedded engine of the run's own, loaded and served by the `crmgraph` command as subprocesses."""

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from graph import health
from graph.settings import Backend, Settings
from graph.store import Store
from graph.store.embedded import EmbeddedEngine
from graph.store.opening import open_store

SERVER_START_TIMEOUT_S = 60
# One worker on the 2-core machine the targets are set for: the engine and the W6 clients need the other
# core. Two workers served more group revenue requests but doubled the root endpoint's p99 (docs/production.md).
SERVE_WORKERS = 1


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What `crmgraph load` did: rows read, rejected, and the wall time of the whole command."""

    rows: int
    rejected: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        """Return the end-to-end throughput."""
        return self.rows / self.seconds


def crmgraph_command() -> str:
    """Return the `crmgraph` command beside this Python, else the one on the PATH."""
    beside = Path(sys.executable).with_name("crmgraph")
    return str(beside) if beside.exists() else "crmgraph"


class Engine:
    """The embedded FalkorDB of one data directory, started for the run and stopped after it."""

    def __init__(self, data_dir: Path):
        self.settings = Settings(data_dir=data_dir, backend=Backend.FALKORDB)
        self.embedded = EmbeddedEngine(self.settings)
        self.env = {**os.environ, "CRMGRAPH_DATA_DIR": str(data_dir), "CRMGRAPH_BACKEND": Backend.FALKORDB.value}
        self.api_pid: int | None = None  # the API server's process while `serving` runs

    def start(self) -> None:
        """Start the server; the subprocesses and the run's own store all use it."""
        self.embedded.start(detach=True)

    def stop(self) -> None:
        """Save and stop the server."""
        self.embedded.stop()

    def load(self, *paths: Path) -> LoadResult:
        """Create the schema, then load `paths` with `crmgraph load`, timed from start to exit."""
        return load_with_command(self.env, *paths)

    async def open_store(self) -> Store:
        """Return a store on the running server."""
        return await open_store(self.settings, start_engine=False)

    def rss_bytes(self) -> int:
        """Return the resident memory of the server process."""
        return resident_bytes(int(self.embedded.pid_file.read_text().strip()))

    @contextmanager
    def serving(self, log: Path):
        """Run `crmgraph serve` on a free loopback port while the block runs; yield its base URL.

        With SERVE_WORKERS worker processes, as docs/production.md advises for a machine the engine shares.
        """
        port = _free_port()
        with open(log, "ab") as output:
            server = subprocess.Popen(
                [crmgraph_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
                + ["--workers", str(SERVE_WORKERS)],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
            )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_for(base_url, server, log)
            self.api_pid = server.pid
            yield base_url
        finally:
            self.api_pid = None
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def load_with_command(env: dict[str, str], *paths: Path) -> LoadResult:
    """Run `crmgraph db init` and `crmgraph load --json` with `env`; time the load end to end.

    Raises:
        RuntimeError: a command could not run (exit code 2), with its error output.
    """
    _run([crmgraph_command(), "db", "init"], env)
    started = time.perf_counter()
    done = _run([crmgraph_command(), "load", "--json", *map(str, paths)], env)
    seconds = time.perf_counter() - started
    totals = json.loads(done.stdout)["totals"]
    return LoadResult(totals["rows"], totals["rejected"], seconds)


async def neo4j_store(dataset_directory: Path) -> tuple[Store | None, str]:
    """Return a Neo4j store loaded with the run's data, or None and why Neo4j is skipped.

    Only an empty graph is loaded: the bench does not write into a graph that holds someone's data.
    """
    if not os.environ.get("CRMGRAPH_NEO4J_URI"):
        return None, "skipped: CRMGRAPH_NEO4J_URI is not set"
    store = await open_store(Settings(backend=Backend.NEO4J))
    if (await health.check(store)).nodes:
        await store.close()
        return None, "skipped: the Neo4j graph is not empty (the bench loads only into an empty one)"
    load_with_command({**os.environ, "CRMGRAPH_BACKEND": Backend.NEO4J.value}, dataset_directory)
    return store, ""


def resident_bytes(pid: int) -> int:
    """Return the resident set size of a process: psutil when installed, else /proc/<pid>/status."""
    try:
        import psutil
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmRSS for process {pid}") from None
    return psutil.Process(pid).memory_info().rss


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode not in (0, 1):  # 1: rows were rejected, which the answer checks then catch
        raise RuntimeError(f"{' '.join(command[:3])} failed ({done.returncode}): {done.stderr.strip()}")
    return done


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(base_url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"crmgraph serve exited with code {server.returncode}: {_tail(log)}")
        try:
            # Not /v1/health: it counts the whole graph, which takes seconds on a large one.
            if httpx.get(f"{base_url}/openapi.json", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"crmgraph serve did not answer within {SERVER_START_TIMEOUT_S} s; see {log}")


def _tail(log: Path) -> str:
    return " / ".join(log.read_text(errors="replace").strip().splitlines()[-5:])

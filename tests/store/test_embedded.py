"""The embedded engine: start, reuse, stale files, clear errors, persistence after a crash."""

import os
import socket
import subprocess
import sys

import pytest

from graph.errors import ConfigurationError, EngineUnavailable
from graph.settings import Settings
from graph.store import embedded
from graph.store.embedded import EmbeddedEngine


@pytest.fixture
def engine_settings(tmp_path_factory):
    directory = tmp_path_factory.mktemp("e", numbered=True)
    settings = Settings(data_dir=directory)
    yield settings
    EmbeddedEngine(settings).stop()


def test_start_then_second_start_reuses_the_running_server(engine_settings):
    engine = EmbeddedEngine(engine_settings)

    first = engine.start(detach=False)
    second = EmbeddedEngine(engine_settings).start(detach=False)

    assert (first, second) == (True, False)
    assert engine.status().running


def test_stop_then_status_reports_not_running_with_data_size(engine_settings):
    engine = EmbeddedEngine(engine_settings)
    engine.start(detach=False)

    assert engine.stop() is True
    status = engine.status()

    assert not status.running
    assert status.data_bytes > 0
    assert not engine.socket.exists()


def test_stale_pid_and_socket_files_from_a_crash_are_recovered(engine_settings):
    engine = EmbeddedEngine(engine_settings)
    engine_settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine.pid_file.write_text("999999")
    engine.socket.write_text("")  # a plain file where the socket was

    assert engine.start(detach=False) is True
    assert engine.is_running()


def test_unwritable_data_directory_gives_one_clear_error(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a directory")

    with pytest.raises(ConfigurationError, match="not writable"):
        EmbeddedEngine(Settings(data_dir=blocked / "data")).start(detach=False)


def test_too_long_data_directory_is_refused_before_starting(tmp_path):
    deep = tmp_path / ("d" * 120)

    with pytest.raises(ConfigurationError, match="too deep for a Unix socket"):
        EmbeddedEngine(Settings(data_dir=deep)).start(detach=False)


def test_binary_that_cannot_start_gives_one_clear_error(engine_settings, monkeypatch):
    monkeypatch.setattr("graph.store.embedded._binaries", lambda: ("/bin/false", "/nonexistent.so"))

    with pytest.raises(EngineUnavailable, match="exited at start"):
        EmbeddedEngine(engine_settings).start(detach=False)


def test_cli_reports_unwritable_data_directory_in_one_line(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    env = {**os.environ, "CRMGRAPH_DATA_DIR": str(blocked / "data")}

    result = subprocess.run([sys.executable, "-m", "cli.main", "db", "start"], capture_output=True, text=True, env=env)

    assert result.returncode == 1
    assert result.stderr.startswith("error: the data directory")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_server_that_takes_the_connection_but_does_not_answer_is_busy_not_gone(tmp_path):
    # A large data set's indexes are built after loading: the server then takes connections and answers none.
    path = tmp_path / "busy.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as silent:
        silent.bind(str(path))
        silent.listen(1)

        assert embedded._ping(path) == embedded.BUSY
    assert embedded._ping(tmp_path / "missing.sock") == b""

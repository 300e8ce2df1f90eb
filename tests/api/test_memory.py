"""Each server process sets glibc's allocator so that the arrays a follow copies reuse freed memory
(docs/production.md, "Memory")."""

import types

from fastapi.testclient import TestClient

from api import app as application


class RecordingLibc:
    """glibc's `mallopt`, recorded."""

    def __init__(self) -> None:
        self.set: dict[int, int] = {}

    def mallopt(self, parameter: int, value: int) -> int:
        self.set[parameter] = value
        return 1


def test_a_server_keeps_freed_memory_for_the_arrays_of_the_next_follow(settings, store, monkeypatch):
    libc = RecordingLibc()
    monkeypatch.setattr(application, "sys", types.SimpleNamespace(platform="linux"))
    monkeypatch.setattr(application, "ctypes", types.SimpleNamespace(CDLL=lambda name: libc))

    with TestClient(application.create_app(settings)):
        pass

    assert libc.set == {application.M_MMAP_THRESHOLD: 32 * 2**20, application.M_TRIM_THRESHOLD: 256 * 2**20}


def test_without_glibc_the_allocator_is_left_as_it_is(monkeypatch):
    def no_glibc(name: str):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(application, "ctypes", types.SimpleNamespace(CDLL=no_glibc))
    monkeypatch.setattr(application, "sys", types.SimpleNamespace(platform="linux"))

    application._reuse_freed_memory()

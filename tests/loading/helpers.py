"""Helpers for loader tests: write small load files, read back what the graph holds."""

from pathlib import Path
from typing import Any

from graph.loading import FileReport, LoadReport
from graph.queries import Query
from graph.store import Store


def write(directory: Path, name: str, text: str | bytes) -> Path:
    """Write a load file `name` (e.g. `organisations.csv`) into `directory` and return its path."""
    path = directory / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def counts(report: FileReport) -> tuple[int, int, int, int]:
    """Return (created, updated, unchanged, rejected) of one file."""
    return report.created, report.updated, report.unchanged, report.rejected


def rejections(report: LoadReport | FileReport) -> set[tuple[int | None, str | None, str]]:
    """Return (line, field, reason) of every rejection."""
    return {(rejection.line, rejection.field, rejection.reason) for rejection in report.rejections}


def file_report(report: LoadReport, kind: str) -> FileReport:
    """Return the report of the one file of `kind`."""
    (found,) = [file for file in report.files if file.kind == kind]
    return found


async def rows(store: Store, text: str, *, days: tuple[str, ...] = (), **params: Any) -> list[dict[str, Any]]:
    """Run an ad-hoc read query of a test (the same text on both engines) and return its rows.

    The `days` columns hold day numbers (graph/days.py) and come back as dates.
    """
    return await store.read(Query("tests/loading", {"falkordb": text, "neo4j": text}, days), params)


async def keys(store: Store, label: str) -> set[str]:
    """Return the keys of every node with `label` (from a fixed allow-list of test labels)."""
    assert label in {"Organisation", "Contact", "Territory", "User"}
    return {row["key"] for row in await rows(store, f"MATCH (n:`{label}`) RETURN n.key AS key")}


class QueriesOnly:
    """The store, without a bulk path: every row is written by the kinds' queries, batch by batch."""

    def __init__(self, store: Store):
        self._store = store
        self.engine = store.engine

    async def read(self, query, params=None):
        return await self._store.read(query, params)

    async def write(self, query, params=None):
        return await self._store.write(query, params)

    async def revision(self):
        return await self._store.revision()

    async def install_schema(self):
        return await self._store.install_schema()

    def inserter(self, insertion):
        return None

    def write_lock(self):
        return self._store.write_lock()

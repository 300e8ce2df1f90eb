"""Bulk loading of CSV and JSON Lines files: validated rows, batched idempotent upserts, a report per file.

Use it as a module: `from graph import loading`, then `await loading.load_paths(store, [path])`;
`dry_run=True` only reports what a load would do, `strict=True` makes each file all or nothing.
A service loads a few records held in memory, all or nothing, with
`await loading.load_records(store, "parents", [{"parent_key": ..., "child_key": ...}])`.
`await loading.preview_territories(store, path=path)` previews the territory rules of a territories file.
GLEIF Level 2 relationship files load with `await loading.load_gleif(store, [path])` (:mod:`graph.loading.gleif`).
"""

from graph.loading.files import LoadFileError
from graph.loading.gleif import load_files as load_gleif
from graph.loading.kinds import KINDS, KINDS_BY_NAME, Column, Kind
from graph.loading.loader import DEFAULT_BATCH_SIZE, load_paths, load_records, plan
from graph.loading.preview import preview_territories
from graph.loading.report import CONFLICT, INVALID, UNKNOWN, FileReport, LoadProgress, LoadReport, Rejection

__all__ = [
    "CONFLICT",
    "DEFAULT_BATCH_SIZE",
    "INVALID",
    "KINDS",
    "KINDS_BY_NAME",
    "UNKNOWN",
    "Column",
    "FileReport",
    "Kind",
    "LoadFileError",
    "LoadProgress",
    "LoadReport",
    "Rejection",
    "load_gleif",
    "load_paths",
    "load_records",
    "plan",
    "preview_territories",
]

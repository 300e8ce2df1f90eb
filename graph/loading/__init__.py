"""Bulk loading of CSV and JSON Lines files: validated rows, batched idempotent upserts, a report per file.

Use it as a module: `from graph import loading`, then `await loading.load_paths(store, [path])`;
`dry_run=True` only reports what a load would do, `strict=True` makes each file all or nothing.
"""

from graph.loading.files import LoadFileError
from graph.loading.kinds import KINDS, KINDS_BY_NAME, Column, Kind
from graph.loading.loader import (
    DEFAULT_BATCH_SIZE,
    FileReport,
    LoadProgress,
    LoadReport,
    Rejection,
    load_paths,
    plan,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "KINDS",
    "KINDS_BY_NAME",
    "Column",
    "FileReport",
    "Kind",
    "LoadFileError",
    "LoadProgress",
    "LoadReport",
    "Rejection",
    "load_paths",
    "plan",
]

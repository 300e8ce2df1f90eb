"""The report of a load: what each file did, row by row, and the progress of one file as it loads.

A load returns a :class:`LoadReport` with a :class:`FileReport` per file; every rejected row has a
:class:`Rejection` with its line, field, reason and cause. `to_dict` gives each as the JSON document
docs/load-files.md describes.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import territories

# The phase of a file's load (LoadProgress.phase).
LOADING = "loading"
CHECKING = "checking"
# Why a row was rejected, as a category (Rejection.cause).
INVALID = "invalid"
UNKNOWN = "unknown"
CONFLICT = "conflict"


@dataclass(frozen=True)
class LoadProgress:
    """How far the load of one file has come, after a batch.

    Attributes:
        kind: the file's kind.
        path: the file.
        phase: `loading`, or `checking` (a dry run, or `strict`'s check of a
            file before it is written).
        rows: records read so far.
        bytes: bytes of the file read so far.
        size: the file's size in bytes.
    """

    kind: str
    path: Path
    phase: str
    rows: int
    bytes: int
    size: int


Progress = Callable[[LoadProgress], None]


@dataclass(frozen=True)
class Rejection:
    """Why one row (or a whole file) was not loaded.

    Attributes:
        file: the load file.
        line: the 1-based line where the row starts; None when the whole file is meant.
        field: the column at fault, or None when the row as a whole is.
        reason: what is wrong, for a data steward to read.
        cause: what kind of wrong, for a caller to act on: `invalid` (the row's own values),
            `unknown` (a node the row links names none) or `conflict` (the row contradicts what
            is stored, or an earlier row).
    """

    file: Path
    line: int | None
    field: str | None
    reason: str
    cause: str = INVALID

    def to_dict(self, base: Path | None = None) -> dict[str, Any]:
        """Return the rejection as JSON-ready values; `file` relative to `base` when given."""
        return {"file": _shown(self.file, base), "line": self.line, "field": self.field, "reason": self.reason}


@dataclass
class FileReport:
    """What loading one file did (or, in a dry run, would do).

    A row with several invalid fields counts once in `rejected` and has one
    rejection per field. When the file could not be loaded at all (an unknown
    column, say), `error` says why and no row of it was read. When `strict`
    refused the file because rows of it were rejected, `refused` is set and
    its valid rows count as `not_written`. When an engine error stopped the load
    in the file, `interrupted` is set and the counts are those of the batches
    written before.
    """

    kind: str
    path: Path
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    not_written: int = 0
    refused: bool = False
    interrupted: bool = False
    rejections: list[Rejection] = field(default_factory=list)
    error: Rejection | None = None
    assignments: territories.AssignmentPlan | None = None

    @property
    def rows(self) -> int:
        """Return how many rows were read."""
        return self.created + self.updated + self.unchanged + self.rejected + self.not_written

    @property
    def ok(self) -> bool:
        """Return whether every row of the file was loaded."""
        return self.error is None and self.rejected == 0

    @property
    def outcome(self) -> str:
        """Return `failed` (the file could not be read), `interrupted` (by an engine error), `refused` (by strict)
        or `loaded`."""
        if self.error is not None:
            return "failed"
        if self.interrupted:
            return "interrupted"
        return "refused" if self.refused else "loaded"

    def reject(self, line: int | None, errors: Iterable[tuple[str | None, str] | tuple[str | None, str, str]]) -> None:
        """Count one rejected row, with the field, reason and (when not `invalid`) cause of each of its errors."""
        self.rejected += 1
        self.rejections.extend(Rejection(self.path, line, *error) for error in errors)

    def refuse(self) -> None:
        """Turn the report of a strict check into that of a refused file: its valid rows are not written."""
        self.not_written = self.created + self.updated + self.unchanged
        self.created = self.updated = self.unchanged = 0
        self.refused = True

    def to_dict(self, base: Path | None = None) -> dict[str, Any]:
        """Return the report as JSON-ready values (see docs/load-files.md); paths relative to `base` when given."""
        return {
            "file": _shown(self.path, base),
            "kind": self.kind,
            "outcome": self.outcome,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "not_written": self.not_written,
            "error": self.error.to_dict(base) if self.error else None,
            "rejections": [rejection.to_dict(base) for rejection in self.rejections],
            "assignments": _assignments_dict(self.assignments),
        }

    def assignment_lines(self) -> list[str]:
        """Return the text report's lines on territory rules: a summary, then one line per conflict.

        A file after which the rules changed nothing and found no conflict has none.
        """
        plan = self.assignments
        if plan is None or not (plan.added or plan.removed or plan.conflicts):
            return []
        lines = [f"territory rules: {plan.added} assigned, {plan.removed} removed, {len(plan.conflicts)} conflicts"]
        lines.extend(
            f"  conflict: {conflict.organisation_key} matches {', '.join(conflict.territories)}"
            for conflict in plan.conflicts
        )
        return lines


@dataclass
class LoadReport:
    """What one load did, file by file, in the order the files were loaded."""

    files: list[FileReport] = field(default_factory=list)
    dry_run: bool = False
    strict: bool = False
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        """Return the rows read, over all files."""
        return sum(report.rows for report in self.files)

    @property
    def created(self) -> int:
        """Return the rows that created a node or relationship, over all files."""
        return sum(report.created for report in self.files)

    @property
    def updated(self) -> int:
        """Return the rows that changed a stored node or relationship, over all files."""
        return sum(report.updated for report in self.files)

    @property
    def unchanged(self) -> int:
        """Return the rows that matched what was stored already, over all files."""
        return sum(report.unchanged for report in self.files)

    @property
    def rejected(self) -> int:
        """Return the rejected rows, over all files."""
        return sum(report.rejected for report in self.files)

    @property
    def not_written(self) -> int:
        """Return the valid rows of files that `strict` refused, over all files."""
        return sum(report.not_written for report in self.files)

    @property
    def rejections(self) -> list[Rejection]:
        """Return every rejection, file errors included, in load order."""
        return [
            rejection
            for report in self.files
            for rejection in ([report.error] if report.error else []) + report.rejections
        ]

    @property
    def ok(self) -> bool:
        """Return whether every row of every file was loaded."""
        return all(report.ok for report in self.files)

    @property
    def rows_per_second(self) -> float:
        """Return the throughput: rows read per second of the whole load."""
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self, base: Path | None = None) -> dict[str, Any]:
        """Return the report as one JSON-ready document (see docs/load-files.md); paths relative to `base`."""
        return {
            "dry_run": self.dry_run,
            "strict": self.strict,
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second),
            "totals": {
                "files": len(self.files),
                "rows": self.rows,
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "rejected": self.rejected,
                "not_written": self.not_written,
            },
            "files": [report.to_dict(base) for report in self.files],
        }


def _assignments_dict(plan: territories.AssignmentPlan | None) -> dict[str, Any] | None:
    """Return the `assignments` section of a file's JSON report, or None when the file triggers no rules."""
    if plan is None:
        return None
    return {
        "added": plan.added,
        "removed": plan.removed,
        "moves": [
            {
                "organisation": move.organisation_key,
                "from": list(move.from_territories),
                "to": list(move.to_territories),
            }
            for move in plan.moves
        ],
        "conflicts": [
            {"organisation": conflict.organisation_key, "territories": list(conflict.territories)}
            for conflict in plan.conflicts
        ],
    }


def _shown(path: Path, base: Path | None) -> str:
    """Return how a report names `path`: relative to `base` when it lies under it, else as given."""
    if base is not None and path.is_relative_to(base):
        return path.relative_to(base).as_posix()
    return str(path)

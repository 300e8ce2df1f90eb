"""Batches of a load file's rows: records read, coerced and checked a batch at a time.

A :class:`BatchReader` turns a file's records into a :class:`Batch` of valid :class:`Row` values and the
rejections of the others (step 1 of :mod:`graph.loading.loader`); :class:`LocalBatches` reads them in
the process that asks, a worker thread of the load or a reading process (:mod:`graph.loading.reading`).
"""

from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.loading.files import RawRow, RecordReader, RowReader
from graph.loading.kinds import Kind
from graph.loading.report import Rejection
from graph.loading.shape import Shape
from graph.schema import FieldError


@dataclass(slots=True)
class Row:
    """A valid row on its way to the store."""

    line: int
    values: dict[str, Any]
    given: Container[str]  # the columns the record gave
    param: dict[str, Any] | None = None  # the query row, made once a query needs it (see _FileLoader.params)


@dataclass
class Batch:
    """Records read for one write: the valid rows, and the rejections of the others."""

    rows: list[Row] = field(default_factory=list)
    read: int = 0
    position: int = 0  # bytes of the file read after this batch
    rejected: list[int] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    def reject(self, path: Path, line: int, errors: Iterable[tuple[str | None, str]]) -> None:
        """Record one rejected row, with the field and reason of each of its errors."""
        self.rejected.append(line)
        self.rejections.extend(Rejection(path, line, name, reason) for name, reason in errors)


class BatchReader:
    """Reads a file's records a batch at a time, coercing and checking each (step 1).

    In a worker thread of the load, or in a process of its own (:class:`ProcessBatches`).
    """

    def __init__(self, kind: Kind, shape: Shape, path: Path):
        self.kind = kind
        self.shape = shape
        self.path = path

    def read_batch(self, rows: Iterator[RawRow], reader: RowReader | RecordReader, size: int) -> Batch:
        """Read records until `size` of them are valid or the file ends; validate each."""
        batch = Batch()
        for raw in rows:
            batch.read += 1
            row = self.validate(raw, batch)
            if row is not None:
                batch.rows.append(row)
                if len(batch.rows) >= size:
                    break
        batch.position = reader.position
        return batch

    def validate(self, raw: RawRow, batch: Batch) -> Row | None:
        """Return the row coerced and checked, or None after recording in `batch` why it is rejected."""
        if raw.error is not None:
            batch.reject(self.path, raw.line, [(raw.field, raw.error)])
            return None
        given = raw.values
        values: dict[str, Any] = {}
        errors: list[tuple[str | None, str]] = []
        for name, convert in self.shape.converters:
            try:
                values[name] = convert(given.get(name))
            except FieldError as e:
                errors.append((e.field, e.reason))
        if errors:
            batch.reject(self.path, raw.line, errors)
            return None
        for rule in self.kind.rules:
            error = rule(values)
            if error is not None:
                batch.reject(self.path, raw.line, [(error.field, error.reason)])
                return None
        return Row(raw.line, values, raw.given or given.keys())


class LocalBatches:
    """The batches of a file, read in this process when asked (by the load in a worker thread: see
    _FileLoader.load; by a reading process for the load that started it: see send_batches)."""

    def __init__(self, batch_reader: BatchReader, reader: RowReader | RecordReader, size: Callable[[], int]):
        self._batch_reader = batch_reader
        self._reader = reader
        self._rows = iter(reader)
        self._size = size

    def next(self) -> Batch:
        """Return the next batch; one that read no record when the file is done."""
        return self._batch_reader.read_batch(self._rows, self._reader, self._size())

    def close(self) -> None:
        """Let go of the file."""
        self._reader.close()

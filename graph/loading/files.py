"""Reading load files: `<kind>.csv` and `<kind>.jsonl`, streamed row by row with line numbers.

A problem with the whole file (an unknown kind, a bad header) raises
:class:`LoadFileError`; a problem with one record (bad encoding, a broken CSV
line, invalid JSON, an unknown key) is yielded as a :class:`RawRow` with an
error, so the rows around it still load.
"""

import csv
import json
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from graph.errors import InvalidInput
from graph.loading.kinds import KINDS_BY_NAME, Kind

SUFFIXES = (".csv", ".jsonl")
UTF8_BOM = b"\xef\xbb\xbf"


class LoadFileError(InvalidInput):
    """A load file cannot be loaded at all: unknown name, unreadable, or a bad header."""

    def __init__(self, path: Path, reason: str, *, line: int | None = None, field: str | None = None):
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.field = field
        self.reason = reason


@dataclass(slots=True)  # not frozen: a frozen dataclass is slow to create, and there is one per record
class RawRow:
    """One record of a load file, before validation.

    Attributes:
        line: the 1-based physical line where the record starts.
        values: the raw values by column: CSV cells as text, JSON values as parsed.
        field: with `error`, the column it concerns, if one.
        error: why the record could not be read; `values` is then empty.
        given: the columns the record gave, when the reader knows them as a set (every row of a CSV
            file gives its header's columns); None: the keys of `values`.
    """

    line: int
    values: dict[str, Any]
    field: str | None = None
    error: str | None = None
    given: frozenset[str] | None = None


def kind_of(path: Path) -> Kind:
    """Return the kind a file holds, from its name `<kind>.csv` or `<kind>.jsonl`.

    Raises:
        LoadFileError: the name does not end in .csv or .jsonl, or names no kind.
    """
    if path.suffix not in SUFFIXES:
        raise LoadFileError(
            path, f"unknown file type {path.suffix or '(none)'!r}: a load file is <kind>.csv or <kind>.jsonl"
        )
    try:
        return KINDS_BY_NAME[path.stem]
    except KeyError:
        raise LoadFileError(path, f"unknown kind {path.stem!r}: expected one of {', '.join(KINDS_BY_NAME)}") from None


def read_rows(path: Path, kind: Kind) -> Iterator[RawRow]:
    """Yield the records of a load file, one at a time, with the line each starts on.

    Raises:
        LoadFileError: the file cannot be opened, or its CSV header does not fit
            the kind (raised when iteration starts, before any row is yielded).
    """
    reader = RowReader(path, kind)
    try:
        yield from reader
    finally:
        reader.close()


class RowReader:
    """The records of one load file, with how many bytes of it were read so far (for a progress bar).

    Iterate it once; close it when done. Opening errors and a bad CSV header
    raise :class:`LoadFileError` when iteration starts.
    """

    def __init__(self, path: Path, kind: Kind):
        self.path = path
        self.kind = kind
        self.size = _size(path)
        self._lines: _Lines | None = None
        self._handle: BinaryIO | None = None

    @property
    def position(self) -> int:
        """Return how many bytes of the file were read."""
        return self._lines.bytes if self._lines is not None else 0

    def __iter__(self) -> Iterator[RawRow]:
        try:
            self._handle = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        except OSError as e:
            raise LoadFileError(self.path, f"cannot be read: {e.strerror}") from e
        self._lines = _Lines(self._handle)
        if self.path.suffix == ".jsonl":
            yield from _json_rows(self.path, self.kind, self._lines)
        else:
            yield from _csv_rows(self.path, self.kind, self._lines)

    def close(self) -> None:
        """Close the file."""
        if self._handle is not None:
            self._handle.close()


class RecordReader:
    """Records of one kind held in memory, read as a load file is: record n (from 1) is line n.

    A record is an object of column values as a JSON Lines line has them; Python dates are taken
    as dates. `path` only names the records in rejections: no file is read. A reader of another
    format (:mod:`graph.loading.gleif`) gives the line of each record in its own file as `lines`,
    and the records it could not make as `errors`, raw rows with an error that are rejected first.
    """

    def __init__(
        self,
        records: Sequence[Mapping[str, Any]],
        kind: Kind,
        path: Path,
        *,
        lines: Sequence[int] | None = None,
        errors: Sequence[RawRow] = (),
    ):
        if lines is not None and len(lines) != len(records):
            raise ValueError(f"{len(lines)} lines for {len(records)} records")
        self.path = path
        self.kind = kind
        self.size = len(records) + len(errors)
        self.position = 0  # records read so far: the progress of a load counts in records here
        self._records = records
        self._lines = lines if lines is not None else range(1, len(records) + 1)
        self._errors = errors

    def __iter__(self) -> Iterator[RawRow]:
        known = set(self.kind.column_names)
        self.position = 0
        for error in self._errors:
            self.position += 1
            yield error
        for number, record in zip(self._lines, self._records, strict=True):
            self.position += 1
            yield _object_row(number, dict(record) if isinstance(record, Mapping) else record, self.kind, known)

    def close(self) -> None:
        """Do nothing: no file is open."""


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class _Lines:
    """Decode a binary file line by line, remembering the lines that are not UTF-8 rather than failing."""

    def __init__(self, handle: Iterable[bytes]):
        self._handle = handle
        self.number = 0
        self.bytes = 0
        self.bad: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        for raw in self._handle:
            self.number += 1
            self.bytes += len(raw)
            if self.number == 1 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as e:
                self.bad[self.number] = f"is not valid UTF-8 (byte 0x{raw[e.start]:02x} at position {e.start + 1})"
                yield raw.decode("utf-8", errors="replace")

    def encoding_error(self, first: int, last: int) -> str | None:
        """Return why a line in first..last is not UTF-8, or None when all are."""
        if not self.bad:
            return None
        for number in range(first, last + 1):
            if number in self.bad:
                return f"line {number} {self.bad.pop(number)}"
        return None


def _csv_rows(path: Path, kind: Kind, lines: _Lines) -> Iterator[RawRow]:
    reader = csv.reader(lines, strict=True)
    header, header_line = _read_header(path, reader, lines)
    _check_columns(path, kind, header, header_line)
    width = len(header)
    given = frozenset(header)  # one set shared by the rows: a row's fingerprint hashes it
    last = reader.line_num
    while True:
        first = last + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            last = reader.line_num
            yield RawRow(first, {}, error=lines.encoding_error(first, last) or f"is not valid CSV: {e}")
            continue
        last = reader.line_num
        if not cells or cells == [""]:
            continue  # a blank line
        bad_encoding = lines.encoding_error(first, last)
        if bad_encoding:
            yield RawRow(first, {}, error=bad_encoding)
        elif len(cells) != width:
            yield RawRow(first, {}, error=f"has {len(cells)} cells, but the header has {width} columns")
        else:
            yield RawRow(first, dict(zip(header, cells, strict=True)), given=given)


def _read_header(path: Path, reader: Any, lines: _Lines) -> tuple[list[str], int]:
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            raise LoadFileError(path, "is empty: a CSV load file starts with a header row", line=1) from None
        except csv.Error as e:
            raise LoadFileError(path, f"the header is not valid CSV: {e}", line=reader.line_num) from e
        line = reader.line_num
        bad_encoding = lines.encoding_error(1, line)
        if bad_encoding:
            raise LoadFileError(path, f"the header {bad_encoding.removeprefix(f'line {line} ')}", line=line)
        if cells and cells != [""]:
            return [cell.strip() for cell in cells], line


def _check_columns(path: Path, kind: Kind, header: list[str], line: int) -> None:
    known = set(kind.column_names)
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise LoadFileError(path, f"the header repeats column {', '.join(duplicates)}", line=line, field=duplicates[0])
    extra = [name for name in header if name not in known]
    if extra:
        raise LoadFileError(
            path,
            f"unknown column {', '.join(map(repr, extra))} for {kind.name}: "
            f"expected columns {', '.join(kind.column_names)}",
            line=line,
            field=extra[0],
        )
    missing = [name for name in kind.required_columns if name not in header]
    if missing:
        raise LoadFileError(
            path, f"required column {', '.join(map(repr, missing))} is missing", line=line, field=missing[0]
        )


def _json_rows(path: Path, kind: Kind, lines: _Lines) -> Iterator[RawRow]:
    known = set(kind.column_names)
    for text in lines:
        number = lines.number
        bad_encoding = lines.encoding_error(number, number)
        if bad_encoding:
            yield RawRow(number, {}, error=bad_encoding)
            continue
        if not text.strip():
            continue  # a blank line
        try:
            values = json.loads(text.rstrip("\r\n"))
        except json.JSONDecodeError as e:
            yield RawRow(number, {}, error=f"is not valid JSON: {e.msg} at column {e.colno}")
            continue
        yield _object_row(number, values, kind, known)


def _object_row(number: int, values: Any, kind: Kind, known: Container[str]) -> RawRow:
    """Return a record given as an object (a JSON Lines line, an in-memory record) as a raw row of line `number`."""
    if not isinstance(values, dict):
        return RawRow(number, {}, error=f"is a JSON {type(values).__name__}, not an object")
    extra = [name for name in values if name not in known]
    if extra:
        return RawRow(
            number,
            {},
            field=extra[0],
            error=f"unknown column {', '.join(map(repr, extra))} for {kind.name}: "
            f"expected columns {', '.join(kind.column_names)}",
        )
    return RawRow(number, values)

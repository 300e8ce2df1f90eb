"""Reading load files: `<kind>.csv` and `<kind>.jsonl`, streamed row by row with line numbers.

A problem with the whole file (an unknown kind, a bad header) raises
:class:`LoadFileError`; a problem with one record (bad encoding, a broken CSV
line, invalid JSON, an unknown key) is yielded as a :class:`RawRow` with an
error, so the rows around it still load.
"""

import csv
import json
import math
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from graph.errors import InvalidInput
from graph.loading.kinds import KINDS_BY_NAME, Kind

SUFFIXES = (".csv", ".jsonl")
UTF8_BOM = b"\xef\xbb\xbf"

# Limits on what one file may hold (docs/load-files.md, "Limits"). Every check against them is linear, so
# a hostile file costs what reading it costs: a load file has at most 15 real columns, short lines and
# flat values, so each limit is far above any real file and far below what ties up a worker.
MAX_COLUMNS = 1_000  # columns of a CSV header, keys of a JSON object
MAX_LINE_BYTES = 1024 * 1024  # one physical line, its line break included
MAX_JSON_DEPTH = 20  # arrays and objects inside one another in a JSON Lines line, the line's own object included
NAMED = 5  # column names an error lists before it counts the rest


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
    """Decode a binary file line by line, remembering the lines that cannot be read rather than failing.

    A line that is not UTF-8 is decoded with replacement characters; a line longer than
    :data:`MAX_LINE_BYTES` is skipped without being held in memory and given as a placeholder.
    Either way :meth:`line_error` then says why the line is bad.
    """

    # What a skipped line is given as: not blank (a blank line is skipped unchecked), one cell, no quote.
    PLACEHOLDER = "-\n"

    def __init__(self, handle: BinaryIO):
        self._handle = handle
        self.number = 0
        self.bytes = 0
        self.bad: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        readline = self._handle.readline
        while raw := readline(MAX_LINE_BYTES + 1):
            self.number += 1
            self.bytes += len(raw)
            if len(raw) > MAX_LINE_BYTES:
                self.bad[self.number] = f"is longer than {MAX_LINE_BYTES:,} bytes ({self._skip_rest(raw):,} bytes)"
                yield self.PLACEHOLDER
                continue
            if self.number == 1 and raw.startswith(UTF8_BOM):
                raw = raw[len(UTF8_BOM) :]
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as e:
                self.bad[self.number] = f"is not valid UTF-8 (byte 0x{raw[e.start]:02x} at position {e.start + 1})"
                yield raw.decode("utf-8", errors="replace")

    def _skip_rest(self, start: bytes) -> int:
        """Read past the rest of a too long line, a chunk at a time; return the line's length."""
        length = len(start)
        chunk = start
        while not chunk.endswith(b"\n"):
            chunk = self._handle.readline(MAX_LINE_BYTES)
            if not chunk:
                break
            length += len(chunk)
        self.bytes += length - len(start)
        return length

    def line_error(self, first: int, last: int) -> str | None:
        """Return why a line in first..last cannot be read, or None when all can."""
        if not self.bad:
            return None
        for number in range(first, last + 1):
            if number in self.bad:
                return f"line {number} {self.bad.pop(number)}"
        return None


def _csv_rows(path: Path, kind: Kind, lines: _Lines) -> Iterator[RawRow]:
    header, header_line, rows = _csv_table(path, lines)
    _check_columns(path, kind, header, header_line)
    yield from rows


def csv_table(path: Path, handle: BinaryIO) -> tuple[list[str], int, Iterator[RawRow]]:
    """Read the header of a CSV file of another format than the load files (GLEIF's); return it, its line, and
    its rows as a load file's are read: each line within MAX_LINE_BYTES and UTF-8, each row as wide as the header,
    else a RawRow with the error.

    Raises:
        LoadFileError: the file is empty, or its header cannot be read.
    """
    return _csv_table(path, _Lines(handle))


def _csv_table(path: Path, lines: _Lines) -> tuple[list[str], int, Iterator[RawRow]]:
    reader = csv.reader(lines, strict=True)
    header, header_line = _read_header(path, reader, lines)
    return header, header_line, _csv_records(reader, lines, header)


def _csv_records(reader: Any, lines: _Lines, header: list[str]) -> Iterator[RawRow]:
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
            yield RawRow(first, {}, error=lines.line_error(first, last) or f"is not valid CSV: {e}")
            continue
        last = reader.line_num
        if not cells or cells == [""]:
            continue  # a blank line
        bad_encoding = lines.line_error(first, last)
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
        bad_encoding = lines.line_error(1, line)
        if bad_encoding:
            raise LoadFileError(path, f"the header {bad_encoding.removeprefix(f'line {line} ')}", line=line)
        if cells and cells != [""]:
            return [cell.strip() for cell in cells], line


def _check_columns(path: Path, kind: Kind, header: list[str], line: int) -> None:
    if len(header) > MAX_COLUMNS:
        raise LoadFileError(
            path,
            f"the header has {len(header):,} columns, more than the {MAX_COLUMNS:,} a load file may have: "
            f"expected columns {', '.join(kind.column_names)}",
            line=line,
        )
    duplicates = sorted(name for name, count in Counter(header).items() if count > 1)
    if duplicates:
        raise LoadFileError(path, f"the header repeats column {_names(duplicates)}", line=line, field=duplicates[0])
    extra = _unknown(header, set(kind.column_names))
    if extra:
        raise LoadFileError(path, _unknown_reason(kind, extra), line=line, field=extra[0])
    given = set(header)
    missing = [name for name in kind.required_columns if name not in given]
    if missing:
        raise LoadFileError(
            path, f"required column {', '.join(map(repr, missing))} is missing", line=line, field=missing[0]
        )


def _unknown(names: Iterable[str], known: Container[str]) -> list[str]:
    return [name for name in names if name not in known]


def _unknown_reason(kind: Kind, extra: Sequence[str]) -> str:
    expected = ", ".join(kind.column_names)
    return f"unknown column {_names(extra, quote=True)} for {kind.name}: expected columns {expected}"


def _names(names: Sequence[str], *, quote: bool = False) -> str:
    """Return the first :data:`NAMED` names, and how many more there are: an error stays short for any header."""
    shown = ", ".join(repr(name) if quote else name for name in names[:NAMED])
    return shown if len(names) <= NAMED else f"{shown} and {len(names) - NAMED:,} more"


def _json_rows(path: Path, kind: Kind, lines: _Lines) -> Iterator[RawRow]:
    known = set(kind.column_names)
    for text in lines:
        number = lines.number
        bad_line = lines.line_error(number, number)
        if bad_line:
            yield RawRow(number, {}, error=bad_line)
            continue
        if not text.strip():
            continue  # a blank line
        try:
            values = _parse_json(text.rstrip("\r\n"))
        except json.JSONDecodeError as e:
            yield RawRow(number, {}, error=f"is not valid JSON: {e.msg} at column {e.colno}")
            continue
        except _JsonRefused as e:
            yield RawRow(number, {}, field=e.field, error=e.reason)
            continue
        yield _object_row(number, values, kind, known)


class _JsonRefused(ValueError):
    """A JSON Lines line is valid JSON that a load file may not hold."""

    def __init__(self, reason: str, field: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.field = field


def _parse_json(text: str) -> Any:
    """Return the value of one JSON Lines line.

    Raises:
        json.JSONDecodeError: the line is not JSON.
        _JsonRefused: an object repeats a key, a number is not finite (`NaN`, `1e999`) or cannot be
            read, or values nest deeper than :data:`MAX_JSON_DEPTH`.
    """
    try:
        value = _DECODER.decode(text)
        # Every key is followed by a colon, so a line with no more colons than its object has keys repeats
        # none; only another line is parsed again, with the hook that finds a repeated key (costly per line).
        if not isinstance(value, dict) or text.count(":") > len(value):
            value = _CHECKING_DECODER.decode(text)
    except RecursionError:
        raise _JsonRefused(_too_deep()) from None
    except (json.JSONDecodeError, _JsonRefused):
        raise
    except ValueError as e:  # an integer of more digits than Python converts
        raise _JsonRefused(f"holds a number that cannot be read ({e})") from None
    # A line holds one `{` and no `[` outside its strings; only a line with more brackets may nest at all.
    if text.count("[") + text.count("{") > 1:
        _check_values(value, 1)
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    values = dict(pairs)
    if len(values) != len(pairs):
        seen: set[str] = set()
        repeated = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise _JsonRefused(f"repeats the key {repeated!r} in one object", repeated)
    return values


def _no_constant(name: str) -> Any:
    raise _JsonRefused(f"holds {name}, which is not a finite number")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise _JsonRefused(f"holds {text}, which is too large to be a finite number")
    return number


# Decoders made once: json.loads with hooks builds a decoder per call, which doubled the time per line.
_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_float=_finite)
_CHECKING_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_float=_finite)


def _check_values(value: Any, depth: int) -> None:
    """Refuse values nested deeper than :data:`MAX_JSON_DEPTH`."""
    if isinstance(value, dict | list):
        if depth > MAX_JSON_DEPTH:
            raise _JsonRefused(_too_deep())
        for inner in value.values() if isinstance(value, dict) else value:
            _check_values(inner, depth + 1)


def _too_deep() -> str:
    return f"nests arrays and objects more than {MAX_JSON_DEPTH} deep"


def _object_row(number: int, values: Any, kind: Kind, known: set[str]) -> RawRow:
    """Return a record given as an object (a JSON Lines line, an in-memory record) as a raw row of line `number`."""
    if not isinstance(values, dict):
        return RawRow(number, {}, error=f"is a JSON {type(values).__name__}, not an object")
    if len(values) > MAX_COLUMNS:
        return RawRow(number, {}, error=f"has {len(values):,} keys, more than the {MAX_COLUMNS:,} a record may have")
    extra = [] if values.keys() <= known else _unknown(values, known)
    if extra:
        return RawRow(number, {}, field=extra[0], error=_unknown_reason(kind, extra))
    return RawRow(number, values)

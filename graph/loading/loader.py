"""The bulk loader: validate load files row by row and upsert them in batches.

A batch goes through these steps, each over the whole batch:

1. every row is coerced with the schema specs of its kind and checked with the
   kind's row rules (:mod:`graph.loading.kinds`);
2. the keys it refers to are looked up, in one read per node class, unless this
   load already wrote or found them (:class:`~graph.loading.references.KnownKeys`);
3. kind-specific resolution: a `revenue` row without an organisation is
   attributed to the one `sold_to` holder of its account;
4. the rows left are written with the kind's query, one `UNWIND $rows` query per
   batch, which compares each row's node or relationship before and after and
   returns the rows of each status: created, updated or unchanged.

A row the query receives has:
    `i`: the line the row starts on (unique in its file), returned with its status;
    `key`: for a node kind, the node's key;
    one entry per reference column (the end keys), by column name, unless
        the record left out an optional one;
    `props`: the stored properties the record gives, by name (an empty value
        as null, which removes the property);
    `dates`: the same for date properties, as ISO text to wrap in `date()`;
    `defaults`: the defaults of the properties the record left out, which only
        a new node or relationship takes: a stored one keeps its values.
"""

import asyncio
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neomodel import StructuredNode

from graph.loading.files import SUFFIXES, LoadFileError, RawRow, kind_of, read_rows
from graph.loading.kinds import KINDS, Column, Kind, key_property
from graph.loading.references import FIND_KEYS, KnownKeys, noun
from graph.schema import FieldSpec, coerce_row
from graph.store import Store

DEFAULT_BATCH_SIZE = 5000

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Rejection:
    """Why one row (or a whole file) was not loaded.

    Attributes:
        file: the load file.
        line: the 1-based line where the row starts; None when the whole file is meant.
        field: the column at fault, or None when the row as a whole is.
        reason: what is wrong, for a data steward to read.
    """

    file: Path
    line: int | None
    field: str | None
    reason: str


@dataclass
class FileReport:
    """What loading one file did.

    A row with several invalid fields counts once in `rejected` and has one
    rejection per field. When the file could not be loaded at all (an unknown
    column, say), `error` says why and no row of it was read.
    """

    kind: str
    path: Path
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    error: Rejection | None = None

    @property
    def rows(self) -> int:
        """Return how many rows were read: loaded or rejected."""
        return self.created + self.updated + self.unchanged + self.rejected

    @property
    def ok(self) -> bool:
        """Return whether every row of the file was loaded."""
        return self.error is None and self.rejected == 0

    def reject(self, line: int | None, errors: Iterable[tuple[str | None, str]]) -> None:
        """Count one rejected row, with the field and reason of each of its errors."""
        self.rejected += 1
        self.rejections.extend(Rejection(self.path, line, name, reason) for name, reason in errors)


@dataclass
class LoadReport:
    """What one load did, file by file, in the order the files were loaded."""

    files: list[FileReport] = field(default_factory=list)

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


async def load_paths(
    store: Store,
    paths: Iterable[Path | str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
) -> LoadReport:
    """Load files and directories of load files, in the order of the kinds.

    Rows are validated, checked against the keys they refer to and upserted by
    their identity in batches; a bad row is rejected with its line and reason
    and the rows around it still load.

    Args:
        store: the graph to load into.
        paths: load files (`<kind>.csv`, `<kind>.jsonl`) and directories of them.
            Every file found is loaded in the order of :data:`KINDS`, so later
            kinds may refer to keys of earlier ones.
        batch_size: rows per write query.
        progress: called as `progress(kind, rows_done)` after each batch of a file.

    Returns:
        Created, updated, unchanged and rejected rows per file, with the
        reason of every rejection.

    Raises:
        LoadFileError: a path does not exist, or a file's name is not a kind;
            nothing is loaded then.
        EngineUnavailable, QueryError: the engine failed; batches written
            before stay written.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, not {batch_size}")
    files = plan(paths)
    keys = KnownKeys(store)
    report = LoadReport()
    for kind, path in files:
        loader = _FileLoader(store, kind, path, keys, batch_size=batch_size, progress=progress)
        report.files.append(await loader.load())
    return report


def plan(paths: Iterable[Path | str]) -> list[tuple[Kind, Path]]:
    """Return the files to load with their kinds, in the order of :data:`KINDS`.

    A directory contributes its `*.csv` and `*.jsonl` files; other files in it
    (a README) are not load files and are left alone.

    Raises:
        LoadFileError: a path does not exist, or a load file's name is not a kind.
    """
    found: dict[Path, tuple[Kind, Path]] = {}  # by resolved path: a file named twice loads once
    for path in map(Path, paths):
        if path.is_dir():
            files = [file for file in sorted(path.iterdir()) if file.suffix in SUFFIXES and file.is_file()]
        elif path.is_file():
            files = [path]
        else:
            raise LoadFileError(path, "does not exist")
        for file in files:
            found.setdefault(file.resolve(), (kind_of(file), file))
    order = {kind.name: number for number, kind in enumerate(KINDS)}
    return sorted(found.values(), key=lambda item: order[item[0].name])


@dataclass(slots=True)
class _Row:
    """A valid row on its way to the store."""

    line: int
    values: dict[str, Any]
    given: Container[str]  # the columns the record gave
    param: dict[str, Any]


@dataclass
class _Batch:
    """Rows read for one write: the valid ones, and the rejections of the others."""

    rows: list[_Row] = field(default_factory=list)
    read: int = 0
    rejected: list[int] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)

    def reject(self, path: Path, line: int, errors: Iterable[tuple[str | None, str]]) -> None:
        """Record one rejected row, with the field and reason of each of its errors."""
        self.rejected.append(line)
        self.rejections.extend(Rejection(path, line, name, reason) for name, reason in errors)


class _FileLoader:
    """Loads one file: reads, validates and writes its rows batch by batch."""

    def __init__(
        self,
        store: Store,
        kind: Kind,
        path: Path,
        keys: KnownKeys,
        *,
        batch_size: int,
        progress: Progress | None,
    ):
        self.store = store
        self.kind = kind
        self.keys = keys
        self.batch_size = batch_size
        self.progress = progress
        self.report = FileReport(kind=kind.name, path=path)
        self.shape = _Shape.of(kind)

    async def load(self) -> FileReport:
        """Load every row of the file and return the file's report.

        The next batch is read and validated in a worker thread while the
        current one is written: parsing stays off the event loop (an API
        process keeps answering) and can overlap the engine's work.
        """
        rows = read_rows(self.report.path, self.kind)
        reading: asyncio.Future[_Batch] | None = None
        done = 0
        try:
            batch = await asyncio.to_thread(self.read_batch, rows)
            while batch.read:
                reading = asyncio.ensure_future(asyncio.to_thread(self.read_batch, rows))
                self.report.rejected += len(batch.rejected)
                self.report.rejections.extend(batch.rejections)
                await self.write(batch.rows)
                done += batch.read
                self._progress(done)
                batch = await reading
                reading = None
        except LoadFileError as e:
            self.report.error = Rejection(e.path, e.line, e.field, e.reason)
        finally:
            if reading is not None:  # the reader thread must let go of the file before it is closed
                await asyncio.wait([reading])
                if not reading.cancelled():
                    reading.exception()  # the error that stopped the load is the one raised, not this one
            rows.close()
        self.report.rejections.sort(key=lambda rejection: rejection.line or 0)
        return self.report

    def _progress(self, done: int) -> None:
        if self.progress is not None:
            self.progress(self.kind.name, done)

    def read_batch(self, rows: Iterator[RawRow]) -> "_Batch":
        """Read records until a batch of valid rows is full or the file ends; validate each."""
        batch = _Batch()
        for raw in rows:
            batch.read += 1
            row = self.validate(raw, batch)
            if row is not None:
                batch.rows.append(row)
                if len(batch.rows) >= self.batch_size:
                    break
        return batch

    def validate(self, raw: RawRow, batch: "_Batch") -> _Row | None:
        """Return the row coerced and checked, or None after recording in `batch` why it is rejected."""
        if raw.error is not None:
            batch.reject(self.report.path, raw.line, [(raw.field, raw.error)])
            return None
        values, errors = coerce_row(self.shape.specs, raw.values)
        if errors:
            batch.reject(self.report.path, raw.line, [(error.field, error.reason) for error in errors])
            return None
        for rule in self.kind.rules:
            error = rule(values)
            if error is not None:
                batch.reject(self.report.path, raw.line, [(error.field, error.reason)])
                return None
        return _Row(raw.line, values, raw.values.keys(), self.shape.param(raw.line, values, raw.values))

    async def write(self, rows: list[_Row]) -> None:
        """Resolve the batch's references, then write what is left, splitting where a row repeats an identity."""
        rows = await self.check_references(rows)
        if self.kind.attribution is not None:
            rows = await self.attribute(rows, *self.kind.attribution)
        chunk: list[_Row] = []
        seen: set[tuple] = set()
        for row in rows:
            # A later row with the same identity must see the earlier one stored:
            # it goes into the next query rather than racing it in the same one.
            identity = tuple(row.values[name] for name in self.kind.identity)
            if identity in seen:
                await self.upsert(chunk)
                chunk, seen = [], set()
            seen.add(identity)
            chunk.append(row)
        if chunk:
            await self.upsert(chunk)

    async def check_references(self, rows: list[_Row]) -> list[_Row]:
        """Return the rows whose every reference names a stored node (or one written earlier in this load)."""
        if not self.shape.references:
            return rows
        found: dict[tuple[str, type[StructuredNode]], set[str]] = {}
        for column in self.shape.references:
            keys = {row.values[column.name] for row in rows if row.values[column.name] is not None}
            for cls in column.refers_to:
                found[column.name, cls] = await self.keys.existing(cls, keys)
        earlier: set[str] = set()  # keys of earlier rows of this batch, for a kind that refers to itself
        valid = []
        for row in rows:
            errors = [
                error
                for column in self.shape.references
                if (error := self._reference_error(column, row.values[column.name], found, earlier)) is not None
            ]
            if errors:
                self.report.reject(row.line, errors)
                continue
            valid.append(row)
            if self.shape.refers_to_itself:
                earlier.add(row.values[self.shape.key_column])
        return valid

    def _reference_error(
        self,
        column: Column,
        key: str | None,
        found: Mapping[tuple[str, type[StructuredNode]], set[str]],
        earlier: set[str],
    ) -> tuple[str, str] | None:
        if key is None:
            return None
        holders = [cls for cls in column.refers_to if key in found[column.name, cls]]
        if len(holders) == 1 or (self.shape.refers_to_itself and key in earlier):
            return None
        if not holders:
            what = " or ".join(noun(cls) for cls in column.refers_to)
            return column.name, f"unknown {what} {key!r}: neither in this load nor stored"
        return column.name, f"{key!r} is the key of both " + " and ".join(map(_with_article, holders))

    async def attribute(self, rows: list[_Row], account: str, organisation: str) -> list[_Row]:
        """Return the rows with an organisation each: a row without one gets its account's one `sold_to` holder."""
        unattributed = {row.values[account] for row in rows if row.values[organisation] is None}
        if not unattributed:
            return rows
        holders = await self.keys.sold_to_holders(unattributed)
        attributed = []
        for row in rows:
            if row.values[organisation] is None:
                number = row.values[account]
                candidates = holders.get(number, [])
                if len(candidates) != 1:
                    self.report.reject(row.line, [(organisation, _attribution_problem(number, candidates))])
                    continue
                row.values[organisation] = candidates[0]
                row.param = self.shape.param(row.line, row.values, row.given)
            attributed.append(row)
        return attributed

    async def upsert(self, rows: Sequence[_Row]) -> None:
        """Write rows with no identity twice in one query, and count each row's status."""
        results = await self.store.write(self.kind.query, {"rows": [row.param for row in rows]})
        statuses: dict[int, str] = {}  # by line
        for result in results:
            for line in result["rows"]:
                statuses.setdefault(line, result["status"])
        report = self.report
        tally = Counter(statuses.values())
        report.created += tally["created"]
        report.updated += tally["updated"]
        report.unchanged += tally["unchanged"]
        written = [row for row in rows if row.line in statuses]
        if len(written) < len(rows):
            for row in rows:
                if row.line not in statuses:
                    report.reject(row.line, [(None, "not written: a node it refers to was deleted during the load")])
        if self.kind.node in FIND_KEYS:  # only kinds that other rows may refer to
            self.keys.remember(self.kind.node, (row.param["key"] for row in written))


def _with_article(cls: type[StructuredNode]) -> str:
    name = noun(cls)
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _attribution_problem(number: str, holders: Sequence[str]) -> str:
    if not holders:
        return f"no organisation holds debtor account {number!r} as sold_to: name the organisation_key"
    return (
        f"{len(holders)} organisations hold debtor account {number!r} as sold_to "
        f"({', '.join(holders)}): name the organisation_key"
    )


@dataclass(frozen=True)
class _Property:
    """A column that fills a stored property, as the query row carries it."""

    column: str
    name: str
    is_date: bool
    default: Any


@dataclass(frozen=True)
class _Shape:
    """How a kind's coerced values become the rows its query receives; computed once per file."""

    kind: Kind
    specs: dict[str, FieldSpec]
    references: tuple[Column, ...]
    plain_references: tuple[str, ...]
    properties: tuple[_Property, ...]
    key_column: str | None
    key_property: str | None
    refers_to_itself: bool

    @classmethod
    def of(cls, kind: Kind) -> "_Shape":
        """Return the shape of `kind`."""
        key = key_property(kind.node) if kind.node is not None else None
        properties = tuple(
            _Property(column.name, column.fills, column.spec.kind == "date", column.spec.default)
            for column in kind.columns
            if column.fills
        )
        return cls(
            kind=kind,
            specs=kind.specs,
            references=kind.references,
            plain_references=tuple(column.name for column in kind.references if not column.fills),
            properties=properties,
            key_column=next((prop.column for prop in properties if prop.name == key), None),
            key_property=key,
            refers_to_itself=any(kind.node in column.refers_to for column in kind.references),
        )

    def param(self, line: int, values: Mapping[str, Any], given: Container[str]) -> dict[str, Any]:
        """Return the query row for the values of the row on `line`, whose record gave the columns `given`.

        A column the record left out is not set, so the stored value stays;
        its default goes to `defaults`, which only a new node or link takes.
        Dates travel apart in `dates`: the query must wrap each in `date()`.
        """
        props: dict[str, Any] = {}
        dates: dict[str, Any] = {}
        defaults: dict[str, Any] = {}
        for prop in self.properties:
            if prop.column in given:
                (dates if prop.is_date else props)[prop.name] = values[prop.column]
            elif prop.default is not None:
                defaults[prop.name] = prop.default
        props.update(self.kind.fixed)
        for name, derive in self.kind.derived.items():
            props[name] = derive(values)
        row = {"i": line, "props": props, "dates": dates, "defaults": defaults}
        for name in self.plain_references:
            if name in given or values[name] is not None:
                row[name] = values[name]
        if self.key_property is not None:
            row["key"] = props.pop(self.key_property)  # MERGE sets it
        return row

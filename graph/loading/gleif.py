"""GLEIF Level 2 relationship files (the RR-CDF Golden Copy CSV) as records of the load-file kinds.

A file is read whole (the Golden Copy's 54 columns, or any subset with the same names) and turned
into records of `organisations`, `relationship_types`, `parents` and `relationships`, each keeping
the line of the GLEIF row it comes from; the loader then takes them through its usual pipeline
(:func:`graph.loading.loader.load_sources`), so every value, reference and hierarchy rule, the dry
run, `strict` and the report are the loader's. What this module decides is only the mapping
(docs/load-files.md, "GLEIF relationship files"):

- `IS_DIRECTLY_CONSOLIDATED_BY` is a `legal` parent link, `IS_INTERNATIONAL_BRANCH_OF` a `branch`
  one (child = start node, parent = end node); a branch row naming the parent that a legal link of
  the child already names for the same days is rejected: the legal link stands.
- `IS_ULTIMATELY_CONSOLIDATED_BY` sets the start node's `declared_ultimate_key`.
- the fund relationships are custom relationships of the registered types in :data:`FUND_TYPES`.
- every LEI an accepted row names is an organisation; a new one is named by its LEI, a stored one
  (or one named earlier in the load) keeps its name.

Reading the file needs no engine (:func:`read_file`); making the records looks up the stored names
and parent periods of the LEIs (:func:`sources`), so that a reload changes nothing.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.hierarchy import chains, rules
from graph.loading.files import MAX_COLUMNS, LoadFileError, RawRow, RecordReader, csv_table
from graph.loading.kinds import KINDS_BY_NAME, Kind
from graph.loading.loader import DEFAULT_BATCH_SIZE, Source, load_sources
from graph.loading.report import LoadReport, Progress
from graph.store import Store

FORMAT = "gleif-rr"

START = "Relationship.StartNode.NodeID"
START_TYPE = "Relationship.StartNode.NodeIDType"
END = "Relationship.EndNode.NodeID"
END_TYPE = "Relationship.EndNode.NodeIDType"
TYPE = "Relationship.RelationshipType"
STATUS = "Relationship.RelationshipStatus"
LAST_UPDATE = "Registration.LastUpdateDate"
REQUIRED_COLUMNS = (START, END, TYPE, STATUS)

LEI_PATTERN = re.compile(r"[A-Z0-9]{18}[0-9]{2}")
ACTIVE = "ACTIVE"
INACTIVE = "INACTIVE"
RELATIONSHIP_PERIOD = "RELATIONSHIP_PERIOD"
ACCOUNTING_PERIOD = "ACCOUNTING_PERIOD"
CONSOLIDATION = "ACCOUNTING_CONSOLIDATION"
# Units of a consolidation quantifier read as a percentage: the spec's PERCENTAGE, and none at all,
# which the Golden Copy writes on 324 of 675 consolidation quantifiers of the large extract, all 0 to 100.
PERCENT_UNITS = frozenset({"PERCENTAGE", ""})

PARENT_TYPES = {"IS_DIRECTLY_CONSOLIDATED_BY": "legal", "IS_INTERNATIONAL_BRANCH_OF": "branch"}
ULTIMATE_TYPE = "IS_ULTIMATELY_CONSOLIDATED_BY"
# GLEIF's fund relationships: the custom relationship type each becomes, and that type's description.
FUND_TYPES = {
    "IS_FUND-MANAGED_BY": ("fund_managed_by", "GLEIF IS_FUND-MANAGED_BY: the fund is managed by the other end"),
    "IS_SUBFUND_OF": ("subfund_of", "GLEIF IS_SUBFUND_OF: the sub-fund belongs to the umbrella fund at the other end"),
    "IS_FEEDER_TO": ("feeder_to", "GLEIF IS_FEEDER_TO: the feeder fund invests in the master fund at the other end"),
}
KNOWN_TYPES = (*PARENT_TYPES, ULTIMATE_TYPE, *FUND_TYPES)
# The kinds a GLEIF file becomes, in load order: later ones refer to keys of earlier ones.
KIND_NAMES = ("organisations", "relationship_types", "parents", "relationships")


@dataclass(frozen=True)
class Row:
    """One GLEIF relationship record that reads well: its ends, type and the dates of its link.

    Attributes:
        line: the line of the file the record starts on.
        start: the start node's LEI (the child, the fund, the entity that declares an ultimate parent).
        end: the end node's LEI.
        type: the GLEIF relationship type, one of :data:`KNOWN_TYPES`.
        active: `Relationship.RelationshipStatus` is ACTIVE.
        valid_from: the first day of the link (see :func:`_dates`); None when no period has a start.
        valid_to: the last day of the link; None while it lasts.
        share: the consolidation percentage, 0-100 as written; None without one.
    """

    line: int
    start: str
    end: str
    type: str
    active: bool
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    share: float | None


@dataclass
class File:
    """What :func:`read_file` read of one GLEIF file: its rows, and the rejected ones by the kind they report in."""

    path: Path
    rows: list[Row] = field(default_factory=list)
    errors: dict[str, list[RawRow]] = field(default_factory=lambda: defaultdict(list))
    error: LoadFileError | None = None  # the file could not be read at all
    # Whether the file has quantifier columns: one without (the small extract) leaves a stored share alone,
    # so that loading it after a file with shares changes nothing.
    quantified: bool = False


def read_file(path: Path) -> File:
    """Read a GLEIF RR CSV file: every row that maps to something, and why each other row does not.

    A row that cannot be read, names an unknown relationship type or is not a link between two
    LEIs is rejected in `parents`, unless its type tells which kind it would have been.
    A whole-file problem (unreadable, not UTF-8, a missing column) is the file's `error`.
    """
    found = File(path)
    try:
        with open(path, "rb") as handle:
            header, line, rows = csv_table(path, handle)
            _check_header(path, header, line)
            _read_rows(header, rows, found)
    except OSError as e:
        found.error = LoadFileError(path, f"cannot be read: {e.strerror}")
    except LoadFileError as e:
        found.error = e
    return found


def _read_rows(header: list[str], rows: Iterable[RawRow], found: File) -> None:
    periods = _numbered(header, "Relationship.Period.{}.startDate")
    quantifiers = _numbered(header, "Relationship.Quantifiers.{}.MeasurementMethod")
    found.quantified = bool(quantifiers)
    for raw in rows:
        if raw.error is not None:
            found.errors["parents"].append(raw)
            continue
        values = {name: cell.strip() for name, cell in raw.values.items()}
        row_or_error = _row(raw.line, values, periods, quantifiers)
        if isinstance(row_or_error, Row):
            found.rows.append(row_or_error)
        else:
            kind, error = row_or_error
            found.errors[kind].append(error)


def _check_header(path: Path, header: list[str], line: int) -> None:
    if len(header) > MAX_COLUMNS:
        reason = f"the header has {len(header):,} columns, more than the {MAX_COLUMNS:,} a file may have"
        raise LoadFileError(path, reason, line=line)
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise LoadFileError(
            path,
            f"required column {', '.join(map(repr, missing))} is missing: not a GLEIF RR-CDF CSV file",
            line=line,
            field=missing[0],
        )


def _numbered(header: Sequence[str], pattern: str) -> list[int]:
    """Return the numbers n = 1, 2, … for which the header has the column `pattern` names."""
    numbers = []
    while pattern.format(len(numbers) + 1) in header:
        numbers.append(len(numbers) + 1)
    return numbers


def _row(
    line: int, values: dict[str, str], periods: Sequence[int], quantifiers: Sequence[int]
) -> Row | tuple[str, RawRow]:
    """Return a GLEIF row as a :class:`Row`, or (kind, rejected raw row) for why it is not one."""
    kind_name = _kind_of(values[TYPE])

    def rejected(column: str | None, reason: str) -> tuple[str, RawRow]:
        return kind_name, RawRow(line, {}, field=column, error=reason)

    if values[TYPE] not in KNOWN_TYPES:
        return rejected(TYPE, f"unknown relationship type {values[TYPE]!r}: expected one of {', '.join(KNOWN_TYPES)}")
    for column, type_column in ((START, START_TYPE), (END, END_TYPE)):
        node_type = values.get(type_column, "LEI")
        if node_type not in ("LEI", ""):
            return rejected(type_column, f"a {node_type} node, not an LEI: only links between LEIs are loaded")
        if not LEI_PATTERN.fullmatch(values[column]):
            return rejected(column, f"{values[column]!r} is not an LEI (20 characters, [A-Z0-9]{{18}}[0-9]{{2}})")
    status = values[STATUS]
    if status not in (ACTIVE, INACTIVE):
        return rejected(STATUS, f"unknown status {status!r}: expected ACTIVE or INACTIVE")
    try:
        valid_from, valid_to = _dates(values, periods, active=status == ACTIVE)
        share = _share(values, quantifiers) if values[TYPE] == "IS_DIRECTLY_CONSOLIDATED_BY" else None
    except _BadValue as e:
        return rejected(e.column, e.reason)
    if values[TYPE] in FUND_TYPES and status == INACTIVE:
        return rejected(STATUS, "an INACTIVE fund relationship: custom relationships have no end date to give it")
    return Row(line, values[START], values[END], values[TYPE], status == ACTIVE, valid_from, valid_to, share)


def _kind_of(gleif_type: str) -> str:
    """Return the kind whose report a row of the GLEIF type is counted in."""
    if gleif_type in FUND_TYPES:
        return "relationships"
    if gleif_type == ULTIMATE_TYPE:
        return "organisations"
    return "parents"


class _BadValue(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _dates(
    values: dict[str, str], periods: Sequence[int], *, active: bool
) -> tuple[datetime.date | None, datetime.date | None]:
    """Return (valid_from, valid_to) of a row's link.

    valid_from is the start of the RELATIONSHIP_PERIOD, else of the ACCOUNTING_PERIOD, else of the
    first period with a start. Only the RELATIONSHIP_PERIOD's end ends the link: an accounting period
    ends every year while the relationship goes on, and a file without period types (the small
    extract) cannot tell which period it has. An INACTIVE row without that end ends on the latest end
    of any period (the last accounts that still consolidated it), else on the day of
    `Registration.LastUpdateDate` (when the record was last changed, at the latest when it ended).
    """
    found = []  # (type, start column, start, end column, end)
    for number in periods:
        start_column = f"Relationship.Period.{number}.startDate"
        end_column = f"Relationship.Period.{number}.endDate"
        period_type = values.get(f"Relationship.Period.{number}.periodType", "")
        start = _date(values, start_column)
        end = _date(values, end_column) if end_column in values else None
        if start is not None or end is not None:
            found.append((period_type, start, end))
    chosen = next((period for period in found if period[0] == RELATIONSHIP_PERIOD), None)
    chosen = chosen or next((period for period in found if period[0] == ACCOUNTING_PERIOD), None)
    chosen = chosen or next((period for period in found if period[1] is not None), None)
    valid_from = chosen[1] if chosen is not None else None
    valid_to = chosen[2] if chosen is not None and chosen[0] == RELATIONSHIP_PERIOD else None
    if not active and valid_to is None:
        ends = [period[2] for period in found if period[2] is not None]
        valid_to = max(ends) if ends else _date(values, LAST_UPDATE) if LAST_UPDATE in values else None
        if valid_to is None:
            raise _BadValue(STATUS, "INACTIVE, but no period end or last update date tells when the link ended")
    return valid_from, valid_to


def _date(values: dict[str, str], column: str) -> datetime.date | None:
    """Return the day of an ISO date or date-time cell as written (its own offset), None for an empty one."""
    text = values.get(column, "")
    if not text:
        return None
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        return datetime.datetime.fromisoformat(text).date()
    except ValueError:
        raise _BadValue(column, f"{text!r} is not an ISO date or date-time") from None


def _share(values: dict[str, str], quantifiers: Sequence[int]) -> float | None:
    """Return the first consolidation percentage of a row, as written: the spec's amounts are percent (51.00)."""
    for number in quantifiers:
        prefix = f"Relationship.Quantifiers.{number}."
        if values.get(prefix + "MeasurementMethod") != CONSOLIDATION:
            continue
        if values.get(prefix + "QuantifierUnits", "") not in PERCENT_UNITS:
            continue
        text = values.get(prefix + "QuantifierAmount", "")
        if not text:
            continue
        try:
            return float(text)
        except ValueError:
            raise _BadValue(prefix + "QuantifierAmount", f"{text!r} is not a number") from None
    return None


@dataclass
class _Part:
    """The records of one kind made of one GLEIF file, with their lines there."""

    records: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def add(self, line: int, record: dict[str, Any]) -> None:
        self.records.append(record)
        self.lines.append(line)


@dataclass
class _Period:
    """A parent period known before a row: stored, or made of an earlier row of the load."""

    parent: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    kind: str
    line: int | None  # the line of the row that made it; None for a stored one

    def overlaps(self, valid_from: datetime.date | None, valid_to: datetime.date | None) -> bool:
        first, last = valid_from or datetime.date.min, valid_to or datetime.date.max
        return (self.valid_from or datetime.date.min) <= last and first <= (self.valid_to or datetime.date.max)


class _Mapper:
    """Makes the records of the GLEIF files of one load, in order, from what is stored and the files before."""

    def __init__(self, names: dict[str, str | None], periods: Iterable[rules.Link]):
        self.names = dict(names)  # organisation key -> the name its record gives
        self.periods: dict[str, list[_Period]] = defaultdict(list)  # child -> its known parent periods
        for link in periods:
            kind = link.kind if isinstance(link.kind, str) else rules.DEFAULT_KIND
            valid_to = link.valid_to if not isinstance(link.valid_to, rules.Keep) else None
            self.periods[link.child].append(_Period(link.parent, link.valid_from, valid_to, kind, None))

    def parts(self, found: File) -> dict[str, tuple[_Part, list[RawRow]]]:
        """Return the records of each kind of one file, and the rows rejected in it."""
        parts = {name: _Part() for name in KIND_NAMES}
        errors = {name: list(found.errors.get(name, ())) for name in KIND_NAMES}
        first_lines: dict[str, int] = {}
        ultimates: dict[str, str | None] = {}
        types: dict[str, int] = {}

        def mention(key: str, line: int) -> None:
            first_lines[key] = min(line, first_lines.get(key, line))

        # Legal rows first: where a child names the same parent twice, the legal link stands.
        ordered = sorted(found.rows, key=lambda row: (row.type != "IS_DIRECTLY_CONSOLIDATED_BY", row.line))
        for row in ordered:
            if row.type in PARENT_TYPES:
                record_or_error = self._parent(row, quantified=found.quantified)
                if isinstance(record_or_error, RawRow):
                    errors["parents"].append(record_or_error)
                    continue
                parts["parents"].add(row.line, record_or_error)
            elif row.type in FUND_TYPES:
                type_name = FUND_TYPES[row.type][0]
                types.setdefault(row.type, row.line)
                parts["relationships"].add(row.line, {"from_key": row.start, "to_key": row.end, "type": type_name})
            else:
                # Ended, it declares none: the entity no longer names that ultimate parent.
                ultimates[row.start] = row.end if row.active else ultimates.get(row.start)
            mention(row.start, row.line)
            mention(row.end, row.line)
        for gleif_type, line in sorted(types.items(), key=lambda item: item[1]):
            type_name, description = FUND_TYPES[gleif_type]
            parts["relationship_types"].add(line, {"type": type_name, "description": description})
        for key, line in sorted(first_lines.items(), key=lambda item: (item[1], item[0])):
            name = self.names.setdefault(key, key)
            record: dict[str, Any] = {"key": key, "name": name if name is not None else key}
            if key in ultimates:
                record["declared_ultimate_key"] = ultimates[key]
            parts["organisations"].add(line, record)
        return {name: (parts[name], errors[name]) for name in KIND_NAMES}

    def _parent(self, row: Row, *, quantified: bool) -> dict[str, Any] | RawRow:
        """Return the `parents` record of a parent row, or the row rejected where the legal link stands.

        A period of the same parent known for overlapping days is the same GLEIF relationship (a file
        whose start date comes from another period, a later publish): the row takes its valid_from,
        the identity of a `parents` period, so it updates that period rather than adding a second.
        """
        kind = PARENT_TYPES[row.type]
        valid_from = row.valid_from
        for period in self.periods[row.start]:
            if period.parent != row.end or not period.overlaps(row.valid_from, row.valid_to):
                continue
            if kind == "branch" and period.kind == "legal":
                where = f"line {period.line}" if period.line is not None else "a stored legal link"
                return RawRow(
                    row.line,
                    {},
                    field=TYPE,
                    error=f"{row.end} is already the direct consolidator of {row.start} ({where}) for these days: "
                    "the legal link stands, as an organisation has one parent a day",
                )
            valid_from = period.valid_from
            self.periods[row.start].remove(period)
            break
        self.periods[row.start].append(_Period(row.end, valid_from, row.valid_to, kind, row.line))
        record = {
            "parent_key": row.end,
            "child_key": row.start,
            "kind": kind,
            "valid_from": valid_from,
            "valid_to": row.valid_to,
        }
        if quantified:
            record["share"] = row.share
        return record


class _FailedReader:
    """A source whose file could not be read: loading it reports the file's error."""

    def __init__(self, error: LoadFileError, kind: Kind):
        self.path = error.path
        self.kind = kind
        self.size = 0
        self.position = 0
        self._error = error

    def __iter__(self):
        raise self._error
        yield  # a generator: the error is raised when reading starts, as a file's is

    def close(self) -> None:
        """Do nothing: no file is open."""


async def sources(store: Store, paths: Sequence[Path]) -> list[Source]:
    """Return the sources of GLEIF files for the loader: per file, one per kind it has records of.

    Reads every file first, then looks up the stored names and parent periods of the LEIs they name.

    Raises:
        QueryError: the engine failed a read.
    """
    files = [read_file(Path(path)) for path in paths]
    keys = {key for found in files for row in found.rows for key in (row.start, row.end)}
    children = {row.start for found in files for row in found.rows if row.type in PARENT_TYPES}
    mapper = _Mapper(await chains.names(store, keys=keys), await rules.parent_periods(store, keys=children))
    made: list[Source] = []
    for found in files:
        if found.error is not None:
            made.append((KINDS_BY_NAME["parents"], _opener(_FailedReader(found.error, KINDS_BY_NAME["parents"]))))
            continue
        for name, (part, errors) in mapper.parts(found).items():
            if part.records or errors:
                kind = KINDS_BY_NAME[name]
                made.append((kind, _records_opener(part, errors, kind, found.path)))
    return made


def _opener(reader: Any) -> Any:
    return lambda: reader


def _records_opener(part: _Part, errors: list[RawRow], kind: Kind, path: Path) -> Any:
    return lambda: RecordReader(part.records, kind, path, lines=part.lines, errors=errors)


async def load_files(
    store: Store,
    paths: Iterable[Path | str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    dry_run: bool = False,
    strict: bool = False,
) -> LoadReport:
    """Load GLEIF RR CSV files, as :func:`graph.loading.load_paths` loads load files.

    Args:
        store: the graph to load into.
        paths: GLEIF RR-CDF CSV files, loaded in the order given.
        batch_size: rows per write query.
        progress: called after each batch of each kind of each file.
        dry_run: validate and compare everything, write nothing.
        strict: make each kind of each file all or nothing.

    Returns:
        One file report per kind of each file, named by the GLEIF file, with its line of every rejected row.

    Raises:
        LoadFileError: a path does not exist or is a directory; nothing is loaded then.
        EngineUnavailable, QueryError: the engine failed; batches written before stay written.
    """
    files = [Path(path) for path in paths]
    for path in files:
        if not path.is_file():
            raise LoadFileError(path, "does not exist" if not path.exists() else "is not a file")
    made = await sources(store, files)
    return await load_sources(store, made, batch_size=batch_size, progress=progress, dry_run=dry_run, strict=strict)

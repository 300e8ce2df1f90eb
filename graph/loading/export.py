"""Export the graph as load files: one `<kind>.csv` per kind, which load back into the same graph.

The files have the columns, column order and formats of the load files
(docs/load-files.md): dates `YYYY-MM-DD`, amounts with a `.` and two decimals,
booleans `true`/`false`, lists joined with `;`, an empty cell for an absent
value. Loading an export into an empty store gives the graph that was
exported (less what no column holds, below); exporting that again gives the
same bytes.

What each kind holds:

- node kinds: every node of the label, with every property that is a column;
- `parents`: every `PARENT_OF` period between organisations, one row each;
- `employments`: every `WORKS_AT` link, ended ones included (the history);
- `org_territories`: only manual assignments. Rule-derived ones
  (`source: 'rule'`) are not exported: the territory rules in `territories`
  derive them again;
- `territories`: with `parent_key` and the rule lists;
- `revenue`: every booking on a debtor account, always with the organisation
  it is attributed to, so a load never has to work the attribution out again;
- `activities`: every activity, always with its organisation (attributed or
  given), its contacts and its owner; `opportunities` likewise.

Not exported, because no load file has a column for it: an organisation's
`former_keys` (the keys of duplicates merged into it; the report counts them)
and API keys.

Order: rows are sorted by their identity (the columns that identify a row, then
the rest), so two exports of the same graph are byte-identical. `territories`
is the exception: a territory's parent must be loaded before it (a load refers
only to earlier rows), so territories are written level by level from the
roots down, by key within a level.

Streaming: every kind is read by the keys of one label (organisations,
contacts, debtor accounts, territories, users, relationship types, activities,
opportunities): a page of
`page_size` keys after the last one read (keyset paging), then the page's rows
by those keys, through the unique index, and written as they arrive; no kind is
held in memory. On Neo4j the index serves each page in key order. On FalkorDB,
whose string index answers ranges wrongly, a page is a scan of the label with
the comparison as a filter: cheap per node, but one scan per page, so a larger
`page_size` pays off on a large graph. A relationship kind reads the pages of
the nodes its rows start from (every organisation for `parents`). Nodes written
while an export runs may or may not be in it.

Use it as a module: `from graph.loading import export`, then
`await export.export_to(store, Path("out"))`.
"""

import csv
import heapq
import os
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from graph import days
from graph.errors import InvalidInput
from graph.loading.kinds import KINDS, KINDS_BY_NAME, Kind
from graph.queries import Query, declare
from graph.schema import FieldSpec
from graph.schema.fields import LIST_SEPARATOR
from graph.store import Row, Store

DEFAULT_PAGE_SIZE = 10_000
SUFFIX = ".csv"
# An export is written beside its place and renamed when complete; a load skips files with this suffix.
PARTIAL_SUFFIX = ".partial"

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class ExportedFile:
    """One file an export wrote.

    Attributes:
        kind: the kind of load file, e.g. `organisations`.
        path: where it is, `<directory>/<kind>.csv`.
        rows: how many rows it holds, the header not counted.
    """

    kind: str
    path: Path
    rows: int


@dataclass
class ExportReport:
    """What one export wrote, file by file, in the order of the kinds.

    Attributes:
        directory: the directory the files are in.
        files: one entry per kind exported.
        former_keys: how many former keys of organisations (keys of merged
            duplicates) were left out, as no load file column holds them.
    """

    directory: Path
    files: list[ExportedFile] = field(default_factory=list)
    former_keys: int = 0

    @property
    def rows(self) -> int:
        """Return the rows written, over all files."""
        return sum(exported.rows for exported in self.files)

    def file(self, kind: str) -> ExportedFile:
        """Return the file of `kind`.

        Raises:
            KeyError: the export did not write that kind.
        """
        for exported in self.files:
            if exported.kind == kind:
                return exported
        raise KeyError(kind)


async def export_to(
    store: Store,
    directory: Path | str,
    *,
    kinds: Iterable[str] | None = None,
    progress: Progress | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> ExportReport:
    """Write the graph as load files `<kind>.csv` into `directory`, one per kind.

    Each file is written under a temporary name and renamed when complete, so
    a failed export leaves no half-written load file; an existing file of the
    same name is replaced.

    Args:
        store: the graph to export.
        directory: where the files go; created when missing.
        kinds: the names of the kinds to export (in any order; they are
            written in the order of the kinds); None: every kind.
        progress: called as `progress(kind, rows_written)` while a file is
            written, and once when it is complete.
        page_size: keys per page: the nodes read per query (for a
            relationship kind, the nodes whose links are read).

    Returns:
        Every file written with its row count.

    Raises:
        InvalidInput: an unknown kind, a page size below 1, or `directory`
            holds `<kind>.jsonl` for a kind to export (loading the directory
            would then load both files).
        EngineUnavailable, QueryError: the engine failed; files completed
            before stay written.
        OSError: the directory or a file cannot be written.
    """
    if page_size < 1:
        raise InvalidInput(f"page_size must be at least 1, not {page_size}")
    chosen = _chosen(kinds)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rivals = [directory / f"{kind.name}.jsonl" for kind in chosen if (directory / f"{kind.name}.jsonl").exists()]
    if rivals:
        raise InvalidInput(
            f"{', '.join(map(str, rivals))}: a load of {directory} would load these as well as the exported CSV files; "
            "remove them or export into another directory"
        )
    report = ExportReport(directory=directory)
    for kind in chosen:
        path = directory / f"{kind.name}{SUFFIX}"
        rows = await _write_kind(store, kind, path, page_size, report, progress)
        report.files.append(ExportedFile(kind=kind.name, path=path, rows=rows))
    return report


def _chosen(kinds: Iterable[str] | None) -> list[Kind]:
    if kinds is None:
        return list(KINDS)
    names = {kinds} if isinstance(kinds, str) else set(kinds)
    unknown = sorted(names - set(KINDS_BY_NAME))
    if unknown:
        raise InvalidInput(f"unknown kind {', '.join(map(repr, unknown))}: expected one of {', '.join(KINDS_BY_NAME)}")
    return [kind for kind in KINDS if kind.name in names]


# -- Formats: a stored value as a load file's cell -----------------------------------------------


def _text(value: Any) -> str:
    return str(value)


def _boolean(value: Any) -> str:
    return "true" if value else "false"


def _amount(value: Any) -> str:
    """Return integer cents as an amount with a `.` and two decimals: -238055 -> `-2380.55`."""
    cents = int(value)
    whole, fraction = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{whole}.{fraction:02d}"


def _integer(value: Any) -> str:
    return str(int(value))


def _number(value: Any) -> str:
    """Return a float as the shortest decimal that reads back as the same float, without an exponent."""
    number = float(value)
    if number.is_integer():
        return str(int(number))
    text = repr(number)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def _date(value: Any) -> str:
    """Return a stored day number (graph/days.py) as `YYYY-MM-DD`."""
    return days.date_of(int(value)).isoformat()


_FORMATS: dict[str, Callable[[Any], str]] = {
    "string": _text,
    "choice": _text,
    "key": _text,
    "period": _text,
    "country": _text,
    "pattern": _text,
    "cents": _amount,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
}


def _formatter(spec: FieldSpec) -> Callable[[Any], str]:
    """Return how a value of `spec` is written; an absent value (None) is always an empty cell."""
    if spec.kind == "list":
        assert spec.item is not None
        item = _formatter(spec.item)
        return lambda values: LIST_SEPARATOR.join(item(value) for value in values if value is not None)
    try:
        return _FORMATS[spec.kind]
    except KeyError:
        raise ValueError(f"{spec.name}: no export format for values of kind {spec.kind!r}") from None


@dataclass(frozen=True)
class _Shape:
    """How a row a query returns becomes a kind's cells, and the key it sorts by.

    A query row holds `props`, the properties of the node or link the kind's
    columns fill, and each reference column by its name.
    """

    columns: tuple[tuple[str, str | None, Callable[[Any], str]], ...]
    identity: tuple[int, ...]

    @classmethod
    def of(cls, kind: Kind) -> "_Shape":
        names = kind.column_names
        return cls(
            columns=tuple((column.name, column.fills, _formatter(column.spec)) for column in kind.columns),
            identity=tuple(names.index(name) for name in kind.identity),
        )

    def cells(self, row: Row) -> list[str]:
        """Return the cells of one query row, in column order."""
        props = row.get("props") or {}
        cells = []
        for name, fills, write in self.columns:
            value = props.get(fills) if fills is not None else row.get(name)
            cells.append("" if value is None else write(value))
        return cells

    def sort_key(self, cells: Sequence[str]) -> tuple[str, ...]:
        """Return the key rows sort by: the identity's cells, then every cell (for rows of equal identity)."""
        return (*(cells[index] for index in self.identity), *cells)


_SHAPES: dict[str, _Shape] = {kind.name: _Shape.of(kind) for kind in KINDS}


# -- Sources: which queries read a kind, page by page --------------------------------------------

# Per label whose keys page an export: the query that returns the next page of its keys.
_KEY_PAGES: dict[str, Query] = {
    "Organisation": declare("export/find_organisation_keys"),
    "Contact": declare("export/find_contact_keys"),
    "DebtorAccount": declare("export/find_debtor_keys"),
    "Territory": declare("export/find_territory_keys"),
    "User": declare("export/find_user_keys"),
    "RelationshipType": declare("export/find_relationship_type_keys"),
    "Activity": declare("export/find_activity_keys"),
    "Opportunity": declare("export/find_opportunity_keys"),
}
FIND_TERRITORY_DEPTHS = declare("export/find_territory_depths")
# A debtor account has a booking per month and attributed organisation: a thousand accounts a query
# already make some 12,000 rows per year of revenue.
_ACCOUNTS_PER_QUERY = 1_000


@dataclass(frozen=True)
class _Source:
    """A query that returns a kind's rows for some nodes of `label`, given their keys as `$keys`.

    The kind's first identity column is the key of that node, so rows read for
    keys in key order, each batch sorted, come in identity order.

    Attributes:
        label: the label whose keys page the kind.
        query: returns the rows of the nodes with the keys `$keys`.
        keys_per_query: at most this many keys per query (the rest of a page
            goes in the next); None: a whole page.
    """

    label: str
    query: Query
    keys_per_query: int | None = None


def _source(label: str, name: str, *, keys_per_query: int | None = None) -> _Source:
    if label not in _KEY_PAGES:
        raise ValueError(f"no key page query for label {label}")
    return _Source(label, declare(f"export/{name}"), keys_per_query)


_SOURCES: dict[str, tuple[_Source, ...]] = {
    "organisations": (_source("Organisation", "find_organisations"),),
    "contacts": (_source("Contact", "find_contacts"),),
    "debtors": (_source("DebtorAccount", "find_debtors"),),
    "territories": (_source("Territory", "find_territories"),),
    "users": (_source("User", "find_users"),),
    "relationship_types": (_source("RelationshipType", "find_relationship_types"),),
    "parents": (_source("Organisation", "find_parents"),),
    "memberships": (_source("Organisation", "find_memberships"),),
    "supplies": (_source("Organisation", "find_supplies"),),
    "employments": (_source("Contact", "find_employments"),),
    "accounts": (_source("Organisation", "find_accounts"),),
    "org_territories": (_source("Organisation", "find_org_territories"),),
    "user_territories": (_source("User", "find_user_territories"),),
    "substitutes": (_source("User", "find_substitutes"),),
    "relationships": (
        _source("Organisation", "find_organisation_relationships"),
        _source("Contact", "find_contact_relationships"),
    ),
    "revenue": (_source("DebtorAccount", "find_revenue", keys_per_query=_ACCOUNTS_PER_QUERY),),
    "activities": (_source("Activity", "find_activities"),),
    "opportunities": (_source("Opportunity", "find_opportunities"),),
}
# Kinds whose rows must come parents first: the query takes a `$depth`, and pages run level by level.
_BY_DEPTH = frozenset({"territories"})


async def _key_pages(store: Store, label: str, page_size: int) -> AsyncIterator[list[str]]:
    """Yield the keys of every node of `label`, in key order, a page at a time (keyset paging)."""
    after = ""  # below every key: a key starts with a letter or digit
    while True:
        keys = [row["key"] for row in await store.read(_KEY_PAGES[label], {"after": after, "page_size": page_size})]
        if keys:
            yield keys
        if len(keys) < page_size:
            return
        after = keys[-1]


async def _rows(
    store: Store, kind: Kind, source: _Source, page_size: int, report: ExportReport
) -> AsyncIterator[tuple[tuple[str, ...], list[str]]]:
    """Yield (sort key, cells) of every row of `source`, query by query, each query's rows sorted."""
    shape = _SHAPES[kind.name]
    chunk = min(page_size, source.keys_per_query or page_size)
    depths: list[int | None] = [None]
    if kind.name in _BY_DEPTH:
        depths = [row["depth"] for row in await store.read(FIND_TERRITORY_DEPTHS)]
    for depth in depths:
        async for keys in _key_pages(store, source.label, page_size):
            for start in range(0, len(keys), chunk):
                params: dict[str, Any] = {"keys": keys[start : start + chunk]}
                if depth is not None:
                    params["depth"] = depth
                batch = []
                for row in await store.read(source.query, params):
                    if kind.name == "organisations":
                        report.former_keys += len((row.get("props") or {}).get("former_keys") or ())
                    cells = shape.cells(row)
                    batch.append((shape.sort_key(cells), cells))
                batch.sort()
                for item in batch:
                    yield item


async def _merged(streams: Sequence[AsyncIterator[tuple[tuple[str, ...], list[str]]]]) -> AsyncIterator[list[str]]:
    """Yield the cells of the rows of sorted streams, merged into one sorted stream."""
    if len(streams) == 1:
        async for _, cells in streams[0]:
            yield cells
        return
    heads: list[tuple[tuple[str, ...], int, list[str]]] = []
    for number, stream in enumerate(streams):
        item = await anext(stream, None)
        if item is not None:
            heads.append((item[0], number, item[1]))
    heapq.heapify(heads)
    while heads:
        _, number, cells = heads[0]
        yield cells
        item = await anext(streams[number], None)
        if item is None:
            heapq.heappop(heads)
        else:
            heapq.heapreplace(heads, (item[0], number, item[1]))


# -- Writing ---------------------------------------------------------------------------------------


class _CsvFile:
    """A load file being written: RFC 4180 CSV with `\\n` line ends, as the example files have."""

    def __init__(self, handle: TextIO):
        self._writer = csv.writer(handle, lineterminator="\n")
        # Python's writer quotes a cell with `\n` but not one with `\r` when lines end in `\n`;
        # a row with a `\r` in a cell goes through a writer that quotes every cell of it.
        self._quoting = csv.writer(handle, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def write(self, cells: Sequence[str]) -> None:
        writer = self._quoting if any("\r" in cell for cell in cells) else self._writer
        writer.writerow(cells)


async def _write_kind(
    store: Store, kind: Kind, path: Path, page_size: int, report: ExportReport, progress: Progress | None
) -> int:
    """Write every row of `kind` to `path`, through a temporary file; return how many."""
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    streams = [_rows(store, kind, source, page_size, report) for source in _SOURCES[kind.name]]
    written = 0
    try:
        with open(partial, "w", encoding="utf-8", newline="") as handle:
            out = _CsvFile(handle)
            out.write(kind.column_names)
            async for cells in _merged(streams):
                out.write(cells)
                written += 1
                if progress is not None and written % page_size == 0:
                    progress(kind.name, written)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        for stream in streams:
            await stream.aclose()
    if progress is not None:
        progress(kind.name, written)
    return written


__all__ = ["DEFAULT_PAGE_SIZE", "ExportReport", "ExportedFile", "Progress", "export_to"]

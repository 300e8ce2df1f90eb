"""The bulk loader: validate load files row by row, compare them with the store, write them in batches.

A file is read in batches, and each batch goes through these steps:

1. every record is coerced with the schema specs of its kind and checked with
   the kind's row rules (:mod:`graph.loading.kinds`), in a worker thread, or for a
   large file created in bulk in a process of its own (:mod:`graph.loading.batches`,
   :mod:`graph.loading.reading`);
2. the keys it refers to are looked up, in one read per node class, unless this
   load already wrote or found them (:class:`~graph.loading.references.KnownKeys`);
   steps 2 to 4a are :mod:`graph.loading.checks`;
3. kind-specific resolution: a `revenue` row without an organisation is
   attributed to the one `sold_to` holder of its account;
4. identity: a row whose identity an earlier row of the same file had is
   rejected when its values differ (naming that line), and counted unchanged
   when they are the same: it would change nothing;
4a. hierarchy (`parents`, `memberships`): once the batch before is written, the
   rows are checked with :mod:`graph.hierarchy` in one call, and the rows it
   refuses are rejected with its reason; a load holds the store's write lock
   (:meth:`graph.store.Store.write_lock`) from this check to the end of the
   batch's write, so no other writer, in this process or (on the embedded
   engine) another, writes links in between that the check did not see;
5. the rows left are compared with the store (the kind's `compare` query, which
   writes nothing) and/or written (its `create` and `query`, `UNWIND $rows`
   queries, each an atomic transaction).

How step 5 runs depends on the mode, one strategy of :mod:`graph.loading.writing` each:

- **write** (a normal load): when most rows of the previous batch were
  unchanged (a re-run), the batch is compared first and only its created and
  updated rows are written; otherwise (a first load) it is written directly and
  the write queries count the statuses (`Upserts`). Either way, a re-run writes nothing.
  Rows expected to be new go to the kind's `create` query, when it has one (a
  plain CREATE, about half the engine's cost of an upsert), the others to its
  upsert `query`; rows the create query finds stored after all are upserted.
  A file of a kind the graph holds none of yet (a first load) is created in
  bulk instead, ten batches at a time, by the store's inserter when it has one
  (:meth:`graph.store.Store.inserter`, FalkorDB's `GRAPH.BULK`), until the
  store refuses (another writer wrote); then the create query takes over (`BulkInsert`).
- **check** (a dry run, and the first pass of `strict`): the batch is only
  compared; keys and account links it would create are *assumed*, so later
  batches and files see them (`Check`).

After a file of `organisations`, `territories` or `org_territories`, the
territory rules are applied (in a dry run previewed) and the result goes into
the file's report: the loader tells the file's follow-up
(:func:`graph.loading.assignments.after`) the rows it accepted and wrote.

Records held in memory (:func:`load_records`, for the services that write a few links at
once) take the same steps as the rows of a file, as one batch that is written whole or not at all
(`AllOrNothing`).

While batch N is being written, batch N+1 is read and validated (worker
thread), steps 2 to 4 run for it and its write is sent, so Python's work
overlaps the engine's. Identities never repeat across the batches of a file,
so neither a batch's comparison nor its write depends on the batch before it;
only territories, whose rows may name a parent of an earlier batch, are
written strictly one batch after the other.

A row the queries receive has:
    `i`: the line the row starts on (unique in its file);
    `key`: for a node kind, the node's key;
    one entry per reference column (the end keys), by column name, unless
        the record left out an optional one;
    `props`: the stored properties the record gives a value, by name (a
        date as its day number, graph/days.py);
    `clears`: one single-key map `{name: null}` per property the record gives
        empty, which removes it. Queries apply them one per SET clause,
        `FOREACH (clear IN row.clears | SET n += clear)`: FalkorDB 4.16.3
        removes the wrong properties when one SET clause clears two or more
        (`SET n += {a: null, c: null}` on {a, b, c} leaves {c});
    `defaults`: the defaults of the properties the record left out, which only
        a new node or relationship takes: a stored one keeps its values.
"""

import asyncio
import functools
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from graph import admin
from graph.errors import CrmGraphError, InvalidInput, LoadInterrupted
from graph.loading import assignments, writing
from graph.loading.batches import Batch, BatchReader, LocalBatches, Row
from graph.loading.checks import HierarchyRules, Identities, References, attribute, hierarchy_error
from graph.loading.files import SUFFIXES, LoadFileError, RecordReader, RowReader, kind_of
from graph.loading.kinds import KINDS, KINDS_BY_NAME, Kind
from graph.loading.reading import ProcessBatches
from graph.loading.references import KnownKeys
from graph.loading.report import (
    FileReport,
    LoadProgress,
    LoadReport,
    Progress,
    Rejection,
)
from graph.loading.shape import Shape
from graph.loading.writing import Ready
from graph.store import Store

DEFAULT_BATCH_SIZE = 5000
# Writes of one file sent before the first of them has answered (see _FileLoader.load): a third lets a bulk
# insert look up the ends of its rows while the engine writes the two before (employments 36.9 s against 39.2).
WRITES_IN_FLIGHT = 3
# A file created in bulk is read and validated by a process of its own from this size on: starting one
# takes about 0.6 s, what reading 100,000 records costs the load itself (see ProcessBatches).
PROCESS_READ_BYTES = 8 * 2**20


async def load_paths(
    store: Store,
    paths: Iterable[Path | str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    dry_run: bool = False,
    strict: bool = False,
) -> LoadReport:
    """Load files and directories of load files, in the order of the kinds.

    Rows are validated, checked against the keys they refer to and upserted by
    their identity in batches; a bad row is rejected with its line and reason
    and the rows around it still load. A load that writes first creates the
    schema's missing constraints and indexes (:func:`graph.admin.ensure_schema`).

    Args:
        store: the graph to load into.
        paths: load files (`<kind>.csv`, `<kind>.jsonl`) and directories of them.
            Every file found is loaded in the order of :data:`KINDS`, so later
            kinds may refer to keys of earlier ones.
        batch_size: rows per write query.
        progress: called with a :class:`LoadProgress` after each batch of a file.
        dry_run: validate and compare everything, write nothing; the report
            says what a load would create, update, leave unchanged and reject.
            Keys an earlier file of the dry run would create count as present.
        strict: make each file all or nothing: a file with a rejected row is
            checked completely first and then not written at all (its valid
            rows count as `not_written`); later files see only what is stored.

    Returns:
        Created, updated, unchanged and rejected rows per file, with the
        reason of every rejection, and the time the load took.

    Raises:
        LoadFileError: a path does not exist, or a file's name is not a kind;
            nothing is loaded then.
        LoadInterrupted: the engine failed (EngineUnavailable, QueryError as its
            cause); batches written before stay written, and its `report`
            says which files and batches were done.
    """
    files = plan(paths)
    return await load_sources(
        store,
        [(kind, functools.partial(RowReader, path, kind)) for kind, path in files],
        batch_size=batch_size,
        progress=progress,
        dry_run=dry_run,
        strict=strict,
    )


# Where the records of one file come from: its kind, and a function that opens it (again for each pass of strict).
Source = tuple[Kind, Callable[[], RowReader | RecordReader]]


async def load_sources(
    store: Store,
    sources: Sequence[Source],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    dry_run: bool = False,
    strict: bool = False,
) -> LoadReport:
    """Load the records of several sources, in the order given, as :func:`load_paths` loads files.

    For a reader of another file format (:mod:`graph.loading.gleif`) that turns one file into records of
    several kinds: each source is loaded, reported and (with `strict`) refused like one load file.

    Args:
        store: the graph to load into.
        sources: (kind, a function that opens the records) per source, in load order.
        batch_size: rows per write query.
        progress: called with a :class:`LoadProgress` after each batch of a source.
        dry_run: validate and compare everything, write nothing (see :func:`load_paths`).
        strict: make each source all or nothing (see :func:`load_paths`).

    Returns:
        Created, updated, unchanged and rejected rows per source, with the reason of every rejection.

    Raises:
        LoadInterrupted: the engine failed; batches written before stay written, and its `report` says which.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, not {batch_size}")
    started = time.perf_counter()
    if not dry_run:
        await admin.ensure_schema(store)
    keys = KnownKeys(store)
    report = LoadReport(dry_run=dry_run, strict=strict)

    def file_loader(kind: Kind, open_records: Callable[[], RowReader | RecordReader], *, writes: bool) -> _FileLoader:
        # Territory rules follow what a load wrote; a dry run previews them; strict's first pass does neither.
        follow_up = assignments.after(kind, apply=writes) if writes or dry_run else None
        return _FileLoader(
            store,
            kind,
            open_records(),
            keys,
            mode=writing.load if writes else writing.check,
            batch_size=batch_size,
            progress=progress,
            follow_up=follow_up,
        )

    current: _FileLoader | None = None  # the loader whose file is loading, for the partial report
    try:
        if not strict:
            # Each file but the first starts reading while the one before loads (see _FileLoader.start_reading).
            loaders = [file_loader(kind, open_records, writes=not dry_run) for kind, open_records in sources]
            try:
                for loader, upcoming in zip(loaders, [*loaders[1:], None], strict=True):
                    loader.start_reading()
                    if upcoming is not None:
                        upcoming.start_reading()
                    current = loader
                    report.files.append(await loader.load())
                    current = None
            finally:
                for loader in loaders:
                    loader.stop_reading()
        else:
            for kind, open_records in sources:
                keys.begin()
                current = file_loader(kind, open_records, writes=False)
                checked = await current.load()
                if not checked.ok or not dry_run:
                    keys.discard()
                else:
                    keys.commit()
                if checked.error is None and checked.rejected:
                    checked.refuse()
                if checked.ok and not dry_run:
                    current = file_loader(kind, open_records, writes=True)
                    checked = await current.load()
                current = None
                report.files.append(checked)
    except CrmGraphError as e:
        # What was written stays written: say what, so that the one who reruns the load knows where it stopped.
        if current is not None:
            current.report.interrupted = True
            report.files.append(current.report)
        report.seconds = time.perf_counter() - started
        raise LoadInterrupted(e, report) from e
    report.seconds = time.perf_counter() - started
    return report


async def load_records(
    store: Store, kind: str, records: Sequence[Mapping[str, Any]], *, dry_run: bool = False
) -> FileReport:
    """Load records of one kind held in memory, all or nothing, the way the rows of a load file load.

    For a service that writes a few rows at once (a re-parenting ends one `PARENT_OF` period and
    starts the next): the records are one batch, so they go through every check of a file's rows
    (values, references, identities, the hierarchy rules taken in order) and are then written by
    one query. When any record is rejected, none is written: the others count as `not_written`
    and the report is `refused`. After `organisations`, `territories` and `org_territories` the
    territory rules are applied (previewed in a dry run), as after a file.

    Args:
        store: the graph.
        kind: the name of the kind, e.g. `parents`.
        records: one object of column values per record, as a line of a JSON Lines file has them
            (dates may also be `datetime.date`); a column left out keeps its stored value. Record
            n (from 1) is line n of the file `<kind>` in the report.
        dry_run: check and compare only; write nothing.

    Returns:
        The report of the records, as of a file.

    Raises:
        InvalidInput: no kind has that name.
        EngineUnavailable, QueryError: the engine failed; nothing was written.
    """
    found = KINDS_BY_NAME.get(kind)
    if found is None:
        raise InvalidInput(f"unknown kind {kind!r}: expected one of {', '.join(KINDS_BY_NAME)}")
    loader = _FileLoader(
        store,
        found,
        RecordReader(records, found, Path(f"<{kind}>")),
        KnownKeys(store),
        mode=writing.check_whole if dry_run else writing.load_whole,
        batch_size=max(1, len(records)),
        progress=None,
        follow_up=assignments.after(found, apply=not dry_run),
    )
    return await loader.load()


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


class _FileLoader:
    """Loads (or checks) one file: reads, validates, compares and writes its rows batch by batch."""

    def __init__(
        self,
        store: Store,
        kind: Kind,
        reader: RowReader | RecordReader,
        keys: KnownKeys,
        *,
        mode: writing.Mode,
        batch_size: int,
        progress: Progress | None,
        follow_up: assignments.Assignments | None = None,
    ):
        self.store = store
        self.kind = kind
        self.reader = reader
        self.progress = progress
        self.report = FileReport(kind=kind.name, path=reader.path)
        self.shape = Shape.of(kind)
        self.identities = Identities(kind)
        self.hierarchy = HierarchyRules.of(kind)
        self.file = writing.LoadedFile(
            store=store,
            kind=kind,
            shape=self.shape,
            keys=keys,
            report=self.report,
            references=References(self.shape, keys, self.report),
            hierarchy=self.hierarchy,
            follow_up=follow_up,  # what the territory rules look at after the file, if they follow it
            batch_size=batch_size,
        )
        self.writing = mode(self.file)
        self.done = 0
        self.size = 0
        self.source: LocalBatches | ProcessBatches | None = None  # where the batches come from, once asked

    async def load(self) -> FileReport:
        """Load (or check) every row of the file and return the file's report.

        The next batch is read and validated in a worker thread (or a process
        of its own: :meth:`start_reading`), and checked, while earlier ones are
        written: parsing stays off the event loop (an API process keeps
        answering) and overlaps the engine's work. Up to
        :data:`WRITES_IN_FLIGHT` writes run at once, so that one batch's
        parameters (or bulk insert) are encoded while the engine writes the one
        before; a kind whose rows refer to each other (territories) writes one
        batch at a time, in file order. A batch's statuses are counted in file
        order either way.
        """
        self.size = self.reader.size
        batches = self.start_reading()
        in_flight = 1 if self.shape.refers_to_itself or self.hierarchy else WRITES_IN_FLIGHT
        reading: asyncio.Future[Batch] | None = None
        pending: deque[tuple[Ready, asyncio.Future[Counter]]] = deque()
        try:
            batch = await asyncio.to_thread(batches.next)
            while batch.read:
                reading = asyncio.ensure_future(asyncio.to_thread(batches.next))
                if self.hierarchy is not None and self.writing.writes:
                    await self.load_checked(batch, pending)
                else:
                    ready = await self.prepare(batch, pending)
                    while len(pending) >= in_flight:
                        await self.settle(*pending.popleft())
                    pending.append((ready, asyncio.ensure_future(self.writing.write(ready))))
                batch = await reading
                reading = None
            while pending:
                await self.settle(*pending.popleft())
        except LoadFileError as e:
            self.report.error = Rejection(e.path, e.line, e.field, e.reason)
        finally:
            # Let running writes finish (each is atomic either way) and the reader thread let go of the file.
            for task in [task for _, task in pending] + ([reading] if reading is not None else []):
                if not task.done():
                    await asyncio.wait([task])
                if not task.cancelled():
                    task.exception()  # the error that stopped the load is the one raised, not this one
            self.stop_reading()
        if self.file.follow_up is not None:
            await self.file.follow_up.finish(self.store, self.report)
        self.report.rejections.sort(key=lambda rejection: rejection.line or 0)
        return self.report

    async def load_checked(self, batch: Batch, pending: deque[tuple[Ready, asyncio.Future[Counter]]]) -> None:
        """Check a batch against the stored hierarchy and write it, holding the store's write lock throughout.

        Another writer (an API change, a load in another process) that wrote between the check and the
        write could make the two together break a rule that each checked: two parents, or a cycle.
        """
        async with self.store.write_lock().held():
            ready = await self.prepare(batch, pending)
            await self.settle(ready, asyncio.ensure_future(self.writing.write(ready)))

    def start_reading(self) -> "LocalBatches | ProcessBatches":
        """Return where the file's batches come from, made on the first call: a process of their own for a
        large file created in bulk.

        A load calls it for the next file while it loads the one before, so that a process of the next
        file's own is started (about 0.6 s) and reads its first batches meanwhile. The process reads
        batches of a bulk insert's size; should the store refuse the insert, the queries take the rest
        of the file in batches of that size too (the create query a `batch_size` at a time).
        """
        reader = self.reader
        large = isinstance(reader, RowReader) and reader.size >= PROCESS_READ_BYTES
        if self.source is None and self.writing.in_bulk and large:
            self.source = ProcessBatches(self.kind, reader.path, self.writing.batch_size())
        elif self.source is None:
            self.source = LocalBatches(BatchReader(self.kind, self.shape, reader.path), reader, self.writing.batch_size)
        return self.source

    def stop_reading(self) -> None:
        """Let go of the file, if reading started: its process, if any, stops."""
        if self.source is not None:
            self.source.close()
            self.source = None

    async def prepare(self, batch: Batch, pending: deque[tuple[Ready, asyncio.Future[Counter]]]) -> Ready:
        """Check a batch's references, attribution, identities and hierarchy rules; compare it where useful.

        The hierarchy rules of a `parents` or `memberships` batch are checked once the batches
        before it are written (`pending` is settled first), so the check sees them in the store.
        """
        self.report.rejected += len(batch.rejected)
        self.report.rejections.extend(batch.rejections)
        rows = await self.file.references.check(batch.rows)
        if self.kind.attribution is not None:
            rows = await attribute(rows, keys=self.file.keys, report=self.report, attribution=self.kind.attribution)
        ready = Ready(rows=[], read=batch.read, position=batch.position)
        for row in rows:
            if self.is_new_identity(row, ready):
                ready.rows.append(row)
        links: dict[int, Any] = {}
        if self.hierarchy is not None and ready.rows:
            while pending:
                await self.settle(*pending.popleft())
            ready.rows, links = await self.hierarchy.check(self.store, ready.rows, self.report)
        self.count_repeats(ready)
        return await self.writing.plan(ready, links)

    async def settle(self, ready: Ready, write: asyncio.Future[Counter]) -> None:
        """Wait for a batch's write; count its statuses, and tell what later batches and files may refer to."""
        counts = Counter(ready.known)
        counts.update(await write)
        self.writing.settled(ready, counts)
        report = self.report
        report.created += counts["created"]
        report.updated += counts["updated"]
        report.unchanged += counts["unchanged"]
        self.done += ready.read
        if self.progress is not None:
            progress = LoadProgress(
                self.kind.name, report.path, self.writing.phase, self.done, ready.position, self.size
            )
            self.progress(progress)

    def is_new_identity(self, row: Row, ready: Ready) -> bool:
        """Return whether no earlier row of the file had the row's identity; else count or reject it."""
        identity = self.shape.identity_of(row.values)
        earlier = self.identities.add(hash(identity), self.shape.fingerprint(row.values, row.given), row.line)
        if earlier is None:
            return True
        line, same = earlier
        if same:
            ready.repeats.append((row.line, line))  # unchanged, unless that line is refused (count_repeats)
        else:
            self.report.reject(row.line, [self.identities.repeated(identity, line)])
        return False

    def count_repeats(self, ready: Ready) -> None:
        """Count a row that repeats an earlier one as unchanged, or reject it when the hierarchy refused that one."""
        for line, earlier in ready.repeats:
            problem = self.hierarchy.refused.get(earlier) if self.hierarchy is not None else None
            if problem is None:
                ready.known["unchanged"] += 1  # it would change nothing: not written again
            else:
                _, reason, cause = hierarchy_error(problem)
                self.report.reject(line, [(None, f"the same as line {earlier}, which is rejected: {reason}", cause)])

"""How a file's checked batches reach the store: one strategy per mode of a load, chosen when its loader is made.

Step 5 of :mod:`graph.loading.loader`. A check (a dry run, strict's first pass) only compares a batch
with the store (:class:`Check`); a load compares it first when the batch before was mostly unchanged
and writes it with the kind's create and upsert queries (:class:`Upserts`); a load of a kind the graph
holds none of yet creates it in bulk while the store takes it (:class:`BulkInsert`); records held in
memory are written whole or not at all (:class:`AllOrNothing`).
"""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.loading.assignments import Assignments
from graph.loading.batches import Row
from graph.loading.checks import HierarchyRules, References
from graph.loading.kinds import Kind
from graph.loading.references import FIND_KEYS, Job, KnownKeys
from graph.loading.report import CHECKING, LOADING, FileReport
from graph.loading.shape import Shape
from graph.schema import HasAccount, WorksAt
from graph.store import Inserter, InsertRefused, Store

# A write-mode batch is compared before it is written when at least this share of the
# previous batch's rows were unchanged: comparing costs a read, writing unchanged rows a write.
COMPARE_FIRST_SHARE = 0.5
# Batches a bulk insert takes at once: whatever it writes, each costs the engine a few milliseconds more for
# the revision write after it (8 ms with a million nodes stored), which ten 5,000-row batches would pay ten times.
BATCHES_PER_INSERT = 10


@dataclass
class Ready:
    """A batch after its checks: what to write, and the statuses known without writing."""

    rows: list[Row]  # every accepted row: stored after the batch (or, when checking, it would be)
    read: int
    position: int
    to_create: list[Row] = field(default_factory=list)  # rows to create, unless they turn out to be stored
    to_write: list[Row] = field(default_factory=list)  # rows to upsert
    known: Counter = field(default_factory=Counter)  # statuses of rows that are not written
    repeats: list[tuple[int, int]] = field(default_factory=list)  # (line, earlier line) of rows repeating one
    compared: bool = False  # compared with the store before writing


class _Everything:
    """A container that holds everything."""

    def __contains__(self, item: object) -> bool:
        return True


_ALL = _Everything()


@dataclass
class LoadedFile:
    """What the batches of one file share on their way to the store: its kind, its report, its checks' state."""

    store: Store
    kind: Kind
    shape: Shape
    keys: KnownKeys
    report: FileReport
    references: References
    hierarchy: HierarchyRules | None
    follow_up: Assignments | None
    batch_size: int

    def params(self, rows: Sequence[Row]) -> list[dict[str, Any]]:
        """Return the query rows of `rows`, made now for the rows that have none yet."""
        shape = self.shape
        for row in rows:
            if row.param is None:
                row.param = shape.param(row.line, row.values, row.given)
        return [row.param for row in rows]  # type: ignore[misc]

    async def compare(self, rows: Sequence[Row]) -> tuple[Counter, set[int], set[int]]:
        """Return how many rows the write would report with each status, and the lines it would create and update."""
        results = await self.store.read(self.kind.compare, {"rows": self.params(rows)})
        if not results:  # a graph nothing was ever written to answers no rows: everything is new
            return Counter(created=len(rows)), {row.line for row in rows}, set()
        counts: Counter = Counter()
        lines: dict[str, set[int]] = {"created": set(), "updated": set()}
        for result in results:
            counts[result["status"]] += result["count"]
            lines.get(result["status"], set()).update(result["rows"])
        return counts, lines["created"], lines["updated"]

    async def create(self, rows: Sequence[Row]) -> int:
        """Create the rows whose node or relationship is not stored, with the kind's create query; return how many."""
        assert self.kind.create is not None
        created = 0
        for start in range(0, len(rows), self.batch_size):  # a batch read for a bulk insert is larger
            results = await self.store.write(
                self.kind.create, {"rows": self.params(rows[start : start + self.batch_size])}
            )
            created += results[0]["count"] if results else 0
        return created

    async def upsert(self, rows: Sequence[Row]) -> Counter:
        """Write rows that have no identity twice, and return how many had each status."""
        results = await self.store.write(self.kind.query, {"rows": self.params(rows)})
        counts = Counter({result["status"]: result["count"] for result in results})
        if sum(counts.values()) < len(rows):
            await self.references.reject_unwritten(rows)
        return counts


class Writing:
    """How the checked batches of one file reach the store (a strategy of :class:`graph.loading.loader`)."""

    phase = LOADING  # what the load's progress calls it
    writes = True  # whether it writes: a hierarchy check and the write after it hold the store's write lock

    def __init__(self, file: LoadedFile):
        self.file = file

    def batch_size(self) -> int:
        """Return how many valid rows the next batch takes."""
        return self.file.batch_size

    @property
    def in_bulk(self) -> bool:
        """Return whether the batches are created in bulk, so a large file is best read by a process of its own."""
        return False

    async def plan(self, ready: Ready, links: dict[int, Any]) -> Ready:
        """Decide what of a checked batch to write (`links`: the hierarchy link of each row by line)."""
        raise NotImplementedError

    async def write(self, ready: Ready) -> Counter:
        """Write the rows of a batch that need writing; return how many rows had each status."""
        return Counter()

    def settled(self, ready: Ready, counts: Counter) -> None:
        """Take note of a batch's statuses once it is written: what later batches and files may refer to."""
        raise NotImplementedError


class Check(Writing):
    """Compare each batch with the store and write nothing; what it would create is *assumed* for later ones."""

    phase = CHECKING
    writes = False

    async def plan(self, ready: Ready, links: dict[int, Any]) -> Ready:
        file = self.file
        if not ready.rows:
            return ready
        counts, created, updated = await file.compare(ready.rows)
        changed = created | updated
        ready.known.update(counts)
        if file.hierarchy is not None:
            file.hierarchy.assumed.extend(
                links[row.line] for row in ready.rows if row.line in changed and row.line in links
            )
        if file.follow_up is not None:
            file.follow_up.accepted(ready.rows, changed)
        return ready

    def settled(self, ready: Ready, counts: Counter) -> None:
        file = self.file
        if file.kind.node in FIND_KEYS:  # only kinds that other rows may refer to
            file.keys.assume(file.kind.node, [row.values[file.shape.key_column] for row in ready.rows])
        if file.kind.relationship is HasAccount:  # revenue may be attributed through these
            file.keys.assume_accounts(
                (row.values["organisation_key"], row.values["debtor_number"], param["props"].get("role"))
                for row, param in zip(ready.rows, file.params(ready.rows), strict=True)
            )
        if file.kind.relationship is WorksAt:  # and activities through these
            file.keys.assume_jobs(
                (
                    row.values["contact_key"],
                    Job(
                        row.values["organisation_key"],
                        row.values["since"],
                        row.values["until"],
                        bool(row.values["is_main_contact"]),
                    ),
                )
                for row in ready.rows
            )


class Upserts(Writing):
    """Write each batch with the kind's queries, comparing it first when the batch before was mostly unchanged.

    When most rows of the previous batch were unchanged (a re-run), the batch is compared first and only its
    created and updated rows are written; otherwise (a first load) it is written directly and the write queries
    count the statuses. Rows expected to be new go to the kind's `create` query when `creates` (a plain CREATE,
    about half the engine's cost of an upsert), the others to its upsert `query`.
    """

    def __init__(self, file: LoadedFile, *, creates: bool):
        super().__init__(file)
        self.creates = creates and file.kind.create is not None
        self.compare_first = True  # until a batch shows that most rows are new

    async def plan(self, ready: Ready, links: dict[int, Any]) -> Ready:
        file = self.file
        if not ready.rows:
            return ready
        if file.follow_up is not None:
            file.follow_up.accepted(ready.rows, _ALL)
        if self.compare_first:
            counts, created, updated = await file.compare(ready.rows)
            ready.compared = True
            self.compare_first = counts["unchanged"] >= COMPARE_FIRST_SHARE * len(ready.rows)
            if sum(counts.values()) == len(ready.rows):
                ready.known["unchanged"] += counts["unchanged"]
                if not self.creates:
                    updated |= created
                ready.to_create = [row for row in ready.rows if row.line in created] if self.creates else []
                ready.to_write = [row for row in ready.rows if row.line in updated]
            else:  # the comparison does not account for every row: rather write them all than skip one
                ready.to_write = ready.rows
        elif self.creates:
            ready.to_create = ready.rows
        else:
            ready.to_write = ready.rows
        return ready

    async def write(self, ready: Ready) -> Counter:
        """Write the rows of a batch that need writing; return how many rows had each status.

        Rows to create go to the kind's `create` query first. When it creates fewer of them (another
        writer stored some since the comparison, or deleted a node they refer to), they are upserted
        again with the rest: the ones just created count as unchanged there, and are not counted twice.
        """
        if not ready.to_create and not ready.to_write:
            return Counter()
        file = self.file
        if file.follow_up is not None:
            file.follow_up.written([*ready.to_create, *ready.to_write])
        counts: Counter = Counter()
        rest = ready.to_write
        if ready.to_create:
            created = await self.create(ready.to_create)
            counts["created"] += created
            if created < len(ready.to_create):
                counts["unchanged"] -= created
                rest = [*ready.to_create, *rest]
        if rest:
            counts.update(await file.upsert(rest))
        return counts

    async def create(self, rows: Sequence[Row]) -> int:
        """Create the rows whose node or relationship is not stored; return how many it created."""
        return await self.file.create(rows)

    def settled(self, ready: Ready, counts: Counter) -> None:
        file = self.file
        if ready.rows and not ready.compared:
            self.compare_first = counts["unchanged"] >= COMPARE_FIRST_SHARE * len(ready.rows)
        if file.kind.node in FIND_KEYS:  # only kinds that other rows may refer to
            file.keys.remember(file.kind.node, [row.values[file.shape.key_column] for row in ready.rows])


class BulkInsert(Upserts):
    """Create every row in bulk (the store's inserter, ten batches at a time) until the store refuses.

    For a file of a kind the graph holds none of yet (a first load). Once the store refuses the insert
    (the graph held the kind, another writer wrote, a value it cannot carry), the file's rest is written
    as :class:`Upserts` writes it.
    """

    def __init__(self, file: LoadedFile, inserter: Inserter):
        super().__init__(file, creates=True)
        self.inserter: Inserter | None = inserter  # None once the store refused it

    def batch_size(self) -> int:
        """Return how many valid rows the next batch takes: those of ten batches while the bulk insert is taken."""
        return self.file.batch_size * BATCHES_PER_INSERT if self.inserter else self.file.batch_size

    @property
    def in_bulk(self) -> bool:
        return self.inserter is not None

    async def plan(self, ready: Ready, links: dict[int, Any]) -> Ready:
        if self.inserter is None or not ready.rows:
            return await super().plan(ready, links)
        if self.file.follow_up is not None:
            self.file.follow_up.accepted(ready.rows, _ALL)
        ready.to_create = ready.rows  # every row is new while the bulk insert is taken; `create` falls back
        return ready

    async def create(self, rows: Sequence[Row]) -> int:
        if self.inserter is not None:
            try:
                inserted = self.file.shape.inserted
                assert inserted is not None
                await self.inserter.insert([inserted(row.values) for row in rows])
                return len(rows)
            except InsertRefused:
                self.inserter = None
        return await self.file.create(rows)


class AllOrNothing(Writing):
    """Write (or check) the batch as another strategy does, unless a row of it was rejected: then none of it.

    For records held in memory, which are one batch.
    """

    def __init__(self, inner: Writing):
        super().__init__(inner.file)
        self.inner = inner
        self.phase = inner.phase
        self.writes = inner.writes

    async def plan(self, ready: Ready, links: dict[int, Any]) -> Ready:
        report = self.file.report
        if report.rejected:
            report.not_written += len(ready.rows) + ready.known.total()
            report.refused = True
            return Ready(rows=[], read=ready.read, position=ready.position)
        return await self.inner.plan(ready, links)

    async def write(self, ready: Ready) -> Counter:
        return await self.inner.write(ready)

    def settled(self, ready: Ready, counts: Counter) -> None:
        self.inner.settled(ready, counts)


# A strategy for a file, made from its shared state.
Mode = Callable[[LoadedFile], Writing]


def check(file: LoadedFile) -> Writing:
    """Return the strategy of a check: compare only."""
    return Check(file)


def load(file: LoadedFile) -> Writing:
    """Return the strategy of a load: in bulk while the store takes it for the kind, else with the queries."""
    insertion = file.shape.insertion()
    inserter = file.store.inserter(insertion) if insertion is not None else None
    if inserter is not None:
        return BulkInsert(file, inserter)
    return Upserts(file, creates=True)


def load_whole(file: LoadedFile) -> Writing:
    """Return the strategy of records held in memory: one write of the upsert query, all or nothing."""
    # Creating first would make the write two.
    return AllOrNothing(Upserts(file, creates=False))


def check_whole(file: LoadedFile) -> Writing:
    """Return the strategy of a dry run of records held in memory: compare, all or nothing."""
    return AllOrNothing(Check(file))

"""W7: live writes. Readers ask for group revenue and roots over HTTP while writers change parents and post bookings.

For `seconds`, `clients` connections (W6's client) ask in turn for the year's revenue of the large and the huge
group (W2's question) and for the root of a deep organisation (W6's). Meanwhile one writer moves a leaf with
revenue between the two groups once a second (`PUT …/parent`, back and forth, each move a day later than the one
before and all before the day asked, so every move shows in the rollups) and every 5 s posts a batch of new
bookings for members of both groups (`POST /v1/imports/revenue`). The writes go one at a time, so the states of
the graph come in a known order.

Every write answered 200 is applied to the plain-Python baseline afterwards, in the same order, which gives the
expected answer of every state. A read is right when it equals a state between the last write answered before
it was sent and the last write sent before its answer came; one that equals none is a wrong answer. A write is
visible when the first revenue read sent after its answer is right (its earliest state is then the write's or
later): the lag is from the write's answer to that read's. Then SQLite answers the same rollups for as many seconds
in a thread, making each write to its tables at the moment crmgraph answered it in its run, so it reads under the
same writes; not beside crmgraph's run, whose server and engine would lose the core its reader takes
(docs/benchmarks.md, "W7").
"""

import asyncio
import bisect
import datetime
import itertools
import json
import random
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

import httpx

from bench.baselines import GroupTotal, InMemory, Sql
from bench.data import Booking, months
from bench.report import Figure
from bench.workloads import Answer, Bench, _public_group_total, hammer, percentile

WORKLOAD = "W7 live writes"
GROUPS = ("large", "huge")
MOVE_EVERY_S = 1.0
BOOKINGS_EVERY_S = 5.0
BOOKINGS_PER_BATCH = 20
# "First read after one write, alone": how often.
ALONE = 10
# The debtor account W7's bookings are booked on: a new one, so that every booking is a new identity and adds.
DEBTOR = "W7-LIVE"
SEED = "W7"


@dataclass(frozen=True, slots=True)
class Move:
    """`child` gets `parent` from `day` on (ISO text), as `PUT /v1/organisations/{child}/parent`."""

    child: str
    parent: str
    day: str

    def apply(self, baseline: InMemory | Sql) -> None:
        """Make the same change in a baseline."""
        baseline.set_parent(self.child, self.parent, self.day)


@dataclass(frozen=True, slots=True)
class Batch:
    """New bookings, as `POST /v1/imports/revenue` on the debtor account DEBTOR."""

    bookings: tuple[Booking, ...]

    def apply(self, baseline: InMemory | Sql) -> None:
        """Make the same change in a baseline."""
        baseline.add_bookings(self.bookings)


Change = Move | Batch


@dataclass(frozen=True, slots=True)
class Write:
    """A change sent to crmgraph: when (perf_counter seconds), and its answer's status."""

    change: Change
    sent: float
    answered: float
    status: int | None

    @property
    def seconds(self) -> float:
        """Return how long the write took."""
        return self.answered - self.sent


@dataclass
class Plan:
    """What W7 asks and writes, chosen from the data before it runs.

    Attributes:
        roots: the root of the large and the huge group.
        deep: the organisations whose root is asked, in turn.
        movers: (child, its parent, the other group's root) of each leaf moved.
        first_day: the day of the first move; each next move is a day later.
        bookable: the (month, member) pairs still free for a new booking, in order.
    """

    roots: dict[str, str]
    deep: list[str]
    movers: list[tuple[str, str, str]]
    first_day: datetime.date
    bookable: Iterator[tuple[str, str]]

    def move(self, number: int) -> Move:
        """Return the `number`th move (from 0): a mover to the other group, then back, then the next mover."""
        child, parent, other = self.movers[number // 2 % len(self.movers)]
        day = self.first_day + datetime.timedelta(days=number)
        return Move(child, other if number % 2 == 0 else parent, day.isoformat())

    def batch(self, rng: random.Random) -> Batch:
        """Return the next batch of new bookings: each (month, member) once in the whole run."""
        bookings = []
        for period, organisation in itertools.islice(self.bookable, BOOKINGS_PER_BATCH):
            revenue = rng.randrange(100, 1_000_000)
            bookings.append(Booking(organisation, period, revenue, revenue // 5))
        return Batch(tuple(bookings))


async def live_writes(bench: Bench, *, clients: int, seconds: float) -> None:
    """W7: `clients` readers for `seconds` under a parent change a second and bookings every 5 s; then alone."""
    sqlite = _sqlite(bench)
    moves = int(seconds / MOVE_EVERY_S) + 1
    plan = _plan(bench, days=moves + ALONE + 1)
    await _post(bench, "debtors", [{"number": DEBTOR, "name": "W7 live writes", "erp": "bench"}])
    # The new debtor was a write: read once, so that the measured run does not begin with what it costs.
    for group in GROUPS:
        await bench._get(*_revenue_request(bench, plan.roots[group]))
    sqlite_run = _SqliteRun(sqlite, bench, plan)
    reading = hammer(
        bench.http.base_url,
        {"Authorization": bench.http.headers["Authorization"]},
        _requests(bench, plan),
        clients=clients,
        seconds=seconds,
        bodies=True,
    )
    started = time.perf_counter()
    writing = _write(bench, _schedule(plan, seconds, moves), seconds)
    answers, writes = await asyncio.gather(reading, writing)
    # SQLite's turn comes after crmgraph's, not beside it: its reader takes a whole core of the two, which the
    # server and the engine would lose. It gets crmgraph's answered writes at the same moments of its own run.
    timed = [(write.answered - started, write.change) for write in writes if write.status == 200]
    await asyncio.to_thread(sqlite_run.run, seconds, timed)
    alone = await _alone(bench, plan, moves, sqlite)
    done = [write for write in writes if write.status == 200]
    expected = _expected(bench, plan, [write.change for write in [*done, *alone.writes] if write.status == 200])
    _report(bench, plan, answers, writes, expected, seconds)
    _report_sqlite(bench, plan, sqlite_run, expected)
    _report_alone(bench, alone, expected, len(done))


def _plan(bench: Bench, *, days: int) -> Plan:
    """Choose the roots, the organisations whose root is asked, the movers, the first day of a move, the members."""
    memory, day = bench.memory, bench.day
    roots = {group: bench.dataset.groups[group] for group in GROUPS}
    deep = bench.deep_organisations(memory.depths(day))
    first_day = bench.dataset.as_of - datetime.timedelta(days)
    members = {group: memory.subtree(roots[group], day) for group in GROUPS}
    movers = []
    for group, other in zip(GROUPS, reversed(GROUPS), strict=True):
        child = _mover(memory, members[group][1:], set(deep), first_day.isoformat(), bench)
        movers.append((child, memory.ancestors(child, day)[0], roots[other]))
    # Members of both groups in turn, so that every batch changes both totals.
    booked = [key for pair in zip(members["large"], members["huge"], strict=False) for key in pair]
    bookable = itertools.product(months(bench.dataset.first, bench.dataset.last), booked)
    return Plan(roots, deep, movers, first_day, bookable)


def _mover(memory: InMemory, candidates: Sequence[str], deep: set[str], before: str, bench: Bench) -> str:
    """Return a leaf of the group with revenue in the months summed, its parent period open and begun before `before`.

    A leaf, so that a move changes no root but its own; begun before the first move's day, so that every move
    ends the period in force the day before (the service refuses a second parent on the day a period begins).
    """
    first, last = bench.dataset.first, bench.dataset.last

    def revenue(key: str) -> int:
        return sum(cents for month, (cents, _) in memory.booked.get(key, {}).items() if first <= month <= last)

    def movable(key: str) -> bool:
        periods = memory.parents.get(key, ())
        return (
            key not in deep
            and not any(child for child, *_ in memory.children.get(key, ()))
            and all(valid_from is None or valid_from < before for _, valid_from, _ in periods)
            and any(valid_to is None for *_, valid_to in periods)
        )

    found = [key for key in candidates if movable(key)]
    if not found:
        raise RuntimeError("W7 found no leaf to move between the large and the huge group")
    return max(found, key=lambda key: (revenue(key) != 0, key))


def _schedule(plan: Plan, seconds: float, moves: int) -> list[tuple[float, Change]]:
    """Return the writes of the run with when each is due, in seconds from the start."""
    rng = random.Random(SEED)
    due: list[tuple[float, int, Change]] = [(number * MOVE_EVERY_S, 0, plan.move(number)) for number in range(moves)]
    due += [(at * BOOKINGS_EVERY_S, 1, plan.batch(rng)) for at in range(1, int(seconds / BOOKINGS_EVERY_S) + 1)]
    return [(at, change) for at, _, change in sorted(due, key=lambda item: item[:2]) if at < seconds]


def _requests(bench: Bench, plan: Plan) -> Callable[[], tuple[str, dict[str, str]]]:
    """Return the readers' requests in turn: the large group's revenue, the huge group's, the root of a deep one."""
    deep = itertools.cycle(plan.deep)
    turn = itertools.cycle(("large", "huge", "root"))

    def request() -> tuple[str, dict[str, str]]:
        asked = next(turn)
        if asked == "root":
            return f"/v1/organisations/{next(deep)}/root", {"as_of": bench.day}
        return _revenue_request(bench, plan.roots[asked])

    return request


def _revenue_request(bench: Bench, root: str) -> tuple[str, dict[str, str]]:
    """Return W2's group revenue request of a root."""
    first, last = bench.dataset.first, bench.dataset.last
    params = {"scope": "group", "breakdown": "period", "from": first, "to": last, "as_of": bench.day}
    return f"/v1/organisations/{root}/revenue", params


async def _write(bench: Bench, schedule: list[tuple[float, Change]], seconds: float) -> list[Write]:
    """Send the writes when due, one at a time, until `seconds` have passed."""
    started = time.perf_counter()
    writes = []
    for at, change in schedule:
        await asyncio.sleep(max(0.0, started + at - time.perf_counter()))
        if time.perf_counter() - started >= seconds:
            break
        write = await _send(bench, change)
        writes.append(write)
    return writes


async def _send(bench: Bench, change: Change) -> Write:
    """Send one change to crmgraph; a refused import (`ok` false) counts as a failed write."""
    sent = time.perf_counter()
    try:
        if isinstance(change, Move):
            response = await bench.http.put(
                f"/v1/organisations/{change.child}/parent",
                json={"parent_key": change.parent, "valid_from": change.day},
            )
            status = response.status_code
        else:
            rows = [
                {
                    "debtor_number": DEBTOR,
                    "period": booking.period,
                    "revenue": _amount(booking.revenue),
                    "gross_profit": _amount(booking.gross_profit),
                    "organisation_key": booking.organisation,
                }
                for booking in change.bookings
            ]
            response = await _import(bench, "revenue", rows)
            status = response.status_code if response.status_code != 200 or response.json()["ok"] else 422
    except Exception:  # a write without an answer is a failed write, reported with the others
        status = None
    if status != 200:
        print(f"  W7: {change} answered {status}", flush=True)
    return Write(change, sent, time.perf_counter(), status)


async def _post(bench: Bench, kind: str, rows: list[dict[str, str]]) -> None:
    """Import rows W7 needs before it runs.

    Raises:
        RuntimeError: crmgraph did not load every row.
    """
    response = await _import(bench, kind, rows)
    if response.status_code != 200 or not response.json()["ok"]:
        raise RuntimeError(f"W7 could not import {kind}: {response.text}")


async def _import(bench: Bench, kind: str, rows: list[dict[str, str]]) -> httpx.Response:
    """Send rows to `POST /v1/imports/{kind}` as JSON Lines."""
    return await bench.http.post(
        f"/v1/imports/{kind}",
        content="".join(json.dumps(row) + "\n" for row in rows),
        headers={"Content-Type": "application/x-ndjson"},
    )


class _SqliteRun:
    """The SQLite baseline under the same writes: rollups of the large and the huge group in turn, in a thread.

    Between two rollups it applies the changes due by then, at the moments crmgraph answered them in its run.
    """

    def __init__(self, sqlite: Sql, bench: Bench, plan: Plan):
        self.sqlite = sqlite
        self.bench = bench
        self.plan = plan
        self.applied = 0
        self.write_seconds: list[float] = []
        # (group, seconds, how many changes were applied, the answer)
        self.reads: list[tuple[str, float, int, GroupTotal]] = []

    def run(self, seconds: float, changes: list[tuple[float, Change]]) -> None:
        """Ask until `seconds` have passed, making each change once its moment (seconds from the start) is due."""
        first, last, day = self.bench.dataset.first, self.bench.dataset.last, self.bench.day
        begun = time.perf_counter()
        for group in itertools.cycle(GROUPS):
            if time.perf_counter() - begun >= seconds:
                break
            while self.applied < len(changes) and changes[self.applied][0] <= time.perf_counter() - begun:
                started = time.perf_counter()
                changes[self.applied][1].apply(self.sqlite)
                self.write_seconds.append(time.perf_counter() - started)
                self.applied += 1
            started = time.perf_counter()
            answer = self.sqlite.group_rollup(self.plan.roots[group], day, first, last)
            self.reads.append((group, time.perf_counter() - started, self.applied, answer))
        # A change due in the last moment is still made: the reads alone after this run expect every one.
        for _, change in changes[self.applied :]:
            change.apply(self.sqlite)


@dataclass
class _Alone:
    """The first read after one write, alone: crmgraph's moves and reads, and SQLite's read after the same move."""

    writes: list[Write] = field(default_factory=list)
    reads: list[Answer] = field(default_factory=list)
    sqlite_seconds: list[float] = field(default_factory=list)


async def _alone(bench: Bench, plan: Plan, moves: int, sqlite: Sql) -> _Alone:
    """With nothing else running, ALONE times: one move, then the large group's revenue, timed; SQLite the same."""
    found = _Alone()
    path, params = _revenue_request(bench, plan.roots["large"])
    first, last = bench.dataset.first, bench.dataset.last
    for number in range(moves, moves + ALONE):
        write = await _send(bench, plan.move(number))
        found.writes.append(write)
        started = time.perf_counter()
        response = await bench.http.get(path, params=params)
        found.reads.append(Answer(path, started, time.perf_counter(), response.status_code, response.content))
        if write.status == 200:
            write.change.apply(sqlite)
            started = time.perf_counter()
            sqlite.group_rollup(plan.roots["large"], bench.day, first, last)
            found.sqlite_seconds.append(time.perf_counter() - started)
    return found


def _expected(bench: Bench, plan: Plan, applied: list[Change]) -> list[dict[str, GroupTotal]]:
    """Return the expected revenue of each group in each state: before the first write, then after each."""
    memory, day, first, last = bench.memory, bench.day, bench.dataset.first, bench.dataset.last

    def state() -> dict[str, GroupTotal]:
        return {group: memory.group_rollup(plan.roots[group], day, first, last) for group in GROUPS}

    states = [state()]
    for change in applied:
        change.apply(memory)
        states.append(state())
    return states


def _report(
    bench: Bench,
    plan: Plan,
    answers: list[Answer],
    writes: list[Write],
    expected: list[dict[str, GroupTotal]],
    seconds: float,
) -> None:
    """Judge every read, time the lags, and add the figures of crmgraph's reads and writes."""
    done = [write for write in writes if write.status == 200]
    answered = [write.answered for write in done]
    sent = [write.sent for write in done]
    group_of = {_revenue_request(bench, root)[0]: group for group, root in plan.roots.items()}
    roots = {key: bench.memory.root(key, bench.day) for key in plan.deep}
    errors, wrong = 0, 0
    right_revenue: list[tuple[float, float, int]] = []  # (started, ended, the earliest state it may be)
    latencies: dict[str, list[float]] = {"large": [], "huge": [], "root": []}
    for answer in answers:
        if answer.status != 200:
            errors += 1
            continue
        earliest = bisect.bisect_left(answered, answer.started)
        latest = bisect.bisect_left(sent, answer.ended)
        group = group_of.get(answer.path)
        found = json.loads(answer.body)
        if group is None:
            right = found["key"] == roots[answer.path.split("/")[3]]
            latencies["root"].append(answer.seconds)
        else:
            total = _public_group_total(found)
            right = any(expected[state][group] == total for state in range(earliest, latest + 1))
            latencies[group].append(answer.seconds)
            if right:
                right_revenue.append((answer.started, answer.ended, earliest))
        wrong += not right
    lags, unseen = _lags(done, right_revenue)
    cases = {group: _revenue_case(plan, group) for group in GROUPS}
    cases["root"] = "GET /v1/organisations/{key}/root (deep organisations)"
    for asked, case in cases.items():
        found = latencies[asked]
        note = f"{len(found) / seconds:,.0f} requests/s, p99 {_ms(percentile(found, 99))} ms" if found else "no answer"
        bench.results.add(Figure(WORKLOAD, case, "crmgraph HTTP", *_p50_p95(found), reference=True, note=note))
    # A write that changed neither total could not be told from the state before it: say how many did.
    changed = sum(after != before for before, after in itertools.pairwise(expected[: len(done) + 1]))
    note = (
        f"{len(answers) / seconds:,.0f} reads/s, {errors} errors, {wrong} wrong answers; "
        f"{len(writes)} writes, {len(writes) - len(done)} failed, {changed} changed the totals"
    )
    bench.results.add(Figure(WORKLOAD, f"all reads, {seconds:g} s", "crmgraph HTTP", note=note))
    for kind, case in ((Move, "PUT …/{key}/parent"), (Batch, f"POST /v1/imports/revenue, {BOOKINGS_PER_BATCH} rows")):
        taken = [write.seconds for write in done if isinstance(write.change, kind)]
        bench.results.add(
            Figure(WORKLOAD, f"write: {case}", "crmgraph HTTP", *_p50_p95(taken), note=f"{len(taken)} writes")
        )
    note = f"max {_ms(max(lags))} ms, " if lags else ""
    note += f"{len(lags)} writes seen, {unseen} not seen before the end"
    bench.results.add(
        Figure(WORKLOAD, "a write visible to the next read (p50, p95)", "crmgraph HTTP", *_p50_p95(lags), note=note)
    )
    if wrong:
        bench.results.mismatches.append(f"{WORKLOAD}: crmgraph HTTP gave {wrong} wrong answers under writes")


def _lags(done: list[Write], right_revenue: list[tuple[float, float, int]]) -> tuple[list[float], int]:
    """Return, for each write, the time from its answer to the end of the first right revenue read sent after it.

    A read sent after write n's answer may be no state before n's, so being right it reflects the write.
    """
    right_revenue.sort()
    starts = [started for started, _, _ in right_revenue]
    lags, unseen = [], 0
    for write in done:
        first = bisect.bisect_right(starts, write.answered)
        if first == len(right_revenue):
            unseen += 1
        else:
            lags.append(right_revenue[first][1] - write.answered)
    return lags, unseen


def _report_sqlite(bench: Bench, plan: Plan, run: _SqliteRun, expected: list[dict[str, GroupTotal]]) -> None:
    """Add SQLite's figures as baselines of crmgraph's revenue cases, each read checked against its state."""
    wrong = sum(answer != expected[state][group] for group, _, state, answer in run.reads)
    for group in GROUPS:
        taken = [seconds for asked, seconds, _, _ in run.reads if asked == group]
        note = f"{len(taken):,} reads in one thread, p99 {_ms(percentile(taken, 99))} ms" if taken else "no answer"
        if group == GROUPS[0]:
            written = run.write_seconds
            note += f"; {wrong} wrong answers; {len(written)} writes"
            note += f", p50 {_ms(statistics.median(written))} ms" if written else ""
        figure = Figure(WORKLOAD, _revenue_case(plan, group), run.sqlite.name, *_p50_p95(taken), baseline=True)
        bench.results.add(replace(figure, note=note))
    if wrong:
        bench.results.mismatches.append(f"{WORKLOAD}: {run.sqlite.name} gave {wrong} wrong answers under writes")


def _report_alone(bench: Bench, alone: _Alone, expected: list[dict[str, GroupTotal]], before: int) -> None:
    """Add the first large-group read after one move, alone, each checked against the state after its move."""
    errors, wrong, state, taken = 0, 0, before, []
    for write, answer in zip(alone.writes, alone.reads, strict=True):
        state += write.status == 200
        if answer.status != 200:
            errors += 1
            continue
        taken.append(answer.seconds)
        wrong += _public_group_total(json.loads(answer.body)) != expected[state]["large"]
    case = "first large-group revenue read after one PUT …/parent, alone"
    note = f"{len(alone.reads)} times, {errors} errors, {wrong} wrong answers"
    bench.results.add(Figure(WORKLOAD, case, "crmgraph HTTP", *_p50_p95(taken), reference=True, note=note))
    sqlite = next(
        b.name for b in bench.baselines if isinstance(b, Sql) and isinstance(b.connection, sqlite3.Connection)
    )
    bench.results.add(Figure(WORKLOAD, case, sqlite, *_p50_p95(alone.sqlite_seconds), baseline=True))
    if wrong:
        bench.results.mismatches.append(f"{WORKLOAD}: {wrong} wrong answers after one write, alone")


def _revenue_case(plan: Plan, group: str) -> str:
    return f"GET …/{plan.roots[group]}/revenue?scope=group ({group} group)"


def _sqlite(bench: Bench) -> Sql:
    return next(b for b in bench.baselines if isinstance(b, Sql) and isinstance(b.connection, sqlite3.Connection))


def _p50_p95(samples: Sequence[float]) -> tuple[float | None, float | None]:
    if not samples:
        return None, None
    return statistics.median(samples) * 1000, percentile(samples, 95) * 1000


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"

"""W2 to W6: each question timed after warm-up on crmgraph and on every baseline, the answers compared.

crmgraph's service (on the embedded engine, and on Neo4j when there is one) is the reference of each case:
the ratio of every other system is taken against it, and every other system's answer must equal its answer.
"""

import asyncio
import inspect
import itertools
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

import httpx

from bench.baselines import Baseline, GroupTotal, InMemory, Ranking, series
from bench.data import GROUP_SIZES, Dataset
from bench.report import Figure, Results
from graph import access, ranking, revenue, visibility
from graph.hierarchy import reads
from graph.search_index import SearchIndexes
from graph.snapshots import Snapshots
from graph.store import Store

ABC = ranking.AbcClasses(80, 15)
# The deepest organisations W3 asks about, taken in turn.
DEEP_ORGANISATIONS = 5
RANKING_PAGE = 1000
PORTFOLIO_PAGE = 1000
# Reps whose portfolios are sized to pick the largest for W4.
REPS_TRIED = 5
# W6: a request with no answer after this long counts as an error.
REQUEST_TIMEOUT_S = 60


@dataclass(frozen=True, slots=True)
class Repetitions:
    """How often each question is asked: first unmeasured, then measured."""

    warmup: int
    repeats: int

    @property
    def few(self) -> "Repetitions":
        """Return fewer repetitions, for the questions that take seconds."""
        return Repetitions(1, max(3, self.repeats // 4))


@dataclass(frozen=True, slots=True)
class Timing:
    """The measured durations of one question, in seconds."""

    samples: tuple[float, ...]

    @property
    def p50_ms(self) -> float:
        """Return the median in milliseconds."""
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        """Return the 95th percentile in milliseconds (nearest rank)."""
        return percentile(self.samples, 95) * 1000


def percentile(samples: Sequence[float], percent: float) -> float:
    """Return the nearest-rank percentile of `samples`."""
    ordered = sorted(samples)
    return ordered[max(0, -(-len(ordered) * percent // 100) - 1)]


async def timed(call: Callable[[], Any], repetitions: Repetitions) -> tuple[Timing, Any]:
    """Ask `call` (sync or async) warm-up times, then time it repeats times; return the timing and the last answer."""
    answer = None
    samples = []
    for run in range(repetitions.warmup + repetitions.repeats):
        started = time.perf_counter()
        answer = call()
        if inspect.isawaitable(answer):
            answer = await answer
        if run >= repetitions.warmup:
            samples.append(time.perf_counter() - started)
    return Timing(tuple(samples)), answer


@dataclass
class Bench:
    """The systems of one run and what they are measured on.

    Attributes:
        dataset: the data every system holds.
        services: crmgraph's service on each engine, by name; the first is the reference.
        snapshots: the snapshots of each service's store, created once as the server's lifespan does.
        search_indexes: the search indexes of each service's store, built from those snapshots.
        http: a client of `crmgraph serve` with an admin key.
        baselines: the other systems.
        memory: the in-memory baseline, which also finds the deep organisations and the group sizes.
        repetitions: how often each question is asked.
        results: where figures and differing answers go.
    """

    dataset: Dataset
    services: dict[str, Store]
    snapshots: dict[Store, Snapshots]
    search_indexes: dict[Store, SearchIndexes]
    http: httpx.AsyncClient
    baselines: list[Baseline]
    memory: InMemory
    repetitions: Repetitions
    results: Results

    @property
    def day(self) -> str:
        """Return the day asked about, as ISO text."""
        return self.dataset.as_of.isoformat()

    async def group_rollups(self) -> None:
        """W2: the revenue of a year of the tiny, medium, large and huge group, with its monthly series."""
        first, last = self.dataset.first, self.dataset.last
        for size in GROUP_SIZES:
            root = self.dataset.groups[size]
            case = f"{size}: {len(self.memory.subtree(root, self.day)):,} members"

            def ask(store: Store, root: str = root) -> Any:
                return revenue.rollup(
                    store,
                    snapshots=self.snapshots[store],
                    key=root,
                    as_of=self.dataset.as_of,
                    first=first,
                    last=last,
                    scope=revenue.Scope.GROUP,
                    breakdown={revenue.Breakdown.PERIOD},
                )

            params = {"scope": "group", "breakdown": "period", "from": first, "to": last, "as_of": self.day}
            reference = await self._services("W2 group rollup", case, ask, _group_total)
            answer = await self._http("W2 group rollup", case, f"/v1/organisations/{root}/revenue", params)
            self._compare("W2 group rollup", case, "crmgraph HTTP", reference, _public_group_total(answer))
            await self._baselines(
                "W2 group rollup", case, reference, lambda b, root=root: b.group_rollup(root, self.day, first, last)
            )

    async def ancestors(self) -> None:
        """W3: the ancestors and the root of the deepest organisations, taken in turn."""
        depths = self.memory.depths(self.day)
        deep = self.deep_organisations(depths)
        case = f"{len(deep)} deepest organisations, depth {depths[deep[-1]]} to {depths[deep[0]]}"
        answers = {key: await self._ancestor_keys(next(iter(self.services.values())), key) for key in deep}
        turn = itertools.cycle(deep)
        await self._services("W3 ancestors and root", case, lambda store: self._ancestor_keys(store, next(turn)), None)
        for system, path in (("crmgraph HTTP, root", "root"), ("crmgraph HTTP, ancestors", "ancestors")):
            timing, _ = await timed(
                lambda path=path: self._get(f"/v1/organisations/{next(turn)}/{path}", {"as_of": self.day}),
                self.repetitions,
            )
            self.results.add(Figure("W3 ancestors and root", case, system, timing.p50_ms, timing.p95_ms))
        for key in deep:
            root = (await self._get(f"/v1/organisations/{key}/root", {"as_of": self.day}))["key"]
            self._compare("W3 ancestors and root", case, "crmgraph HTTP", answers[key][-1:] or (key,), (root,))
        for baseline in self.baselines:
            climb = baseline.ancestors
            timing, _ = await timed(lambda climb=climb: climb(next(turn), self.day), self.repetitions)
            self.results.add(
                Figure("W3 ancestors and root", case, baseline.name, timing.p50_ms, timing.p95_ms, baseline=True)
            )
            for key in deep:
                self._compare("W3 ancestors and root", case, baseline.name, answers[key], climb(key, self.day))

    async def visibility(self, store: Store) -> None:
        """W4: may a rep see an organisation (one in their portfolio, and the deepest one), and their portfolio."""
        sizes = {}
        for rep in self.dataset.reps[:REPS_TRIED]:
            found = await access.portfolio(
                store, snapshots=self.snapshots[store], user_key=rep, as_of=self.dataset.as_of, limit=1
            )
            sizes[rep] = found.total
        rep = max(sizes, key=lambda user: (sizes[user], user))
        viewer = visibility.Viewer(key=rep, role="rep", today=self.dataset.as_of)
        page = await access.portfolio(
            store, snapshots=self.snapshots[store], user_key=rep, as_of=self.dataset.as_of, limit=PORTFOLIO_PAGE
        )
        deepest = self.deep_organisations(self.memory.depths(self.day))[0]
        held = page.items[len(page.items) // 2].key if page.items else deepest
        for description, key in (("an organisation in the portfolio", held), ("the deepest organisation", deepest)):
            timing, seen = await timed(
                lambda key=key: visibility.can_see(store, viewer=viewer, key=key),
                self.repetitions,
            )
            note = f"{rep} {'sees' if seen else 'does not see'} {key}"
            figure = Figure("W4 visibility point check", description, "crmgraph service", reference=True, note=note)
            self.results.add(replace(figure, p50_ms=timing.p50_ms, p95_ms=timing.p95_ms))
        timing, page = await timed(
            lambda: access.portfolio(
                store, snapshots=self.snapshots[store], user_key=rep, as_of=self.dataset.as_of, limit=PORTFOLIO_PAGE
            ),
            self.repetitions,
        )
        case = f"first {len(page.items):,} of {rep}'s {page.total:,}"
        figure = Figure("W4 portfolio page", case, "crmgraph service", timing.p50_ms, timing.p95_ms, reference=True)
        self.results.add(figure)

    async def ranking(self) -> None:
        """W5: every group ranked by a year's revenue, with ABC classes; the first page compared."""
        first, last = self.dataset.first, self.dataset.last

        def ask(store: Store) -> Any:
            return ranking.groups(
                store,
                snapshots=self.snapshots[store],
                as_of=self.dataset.as_of,
                classes=ABC,
                first=first,
                last=last,
                limit=RANKING_PAGE,
            )

        case = f"{len(self.dataset.organisations):,} organisations"
        reference = await self._services("W5 groups ranking", case, ask, _ranking, self.repetitions.few)
        await self._baselines(
            "W5 groups ranking",
            case,
            reference,
            lambda b: b.ranking(self.day, first, last, int(ABC.a_percent), int(ABC.b_percent), RANKING_PAGE),
            self.repetitions.few,
        )

    async def throughput(self, *, clients: int, seconds: float) -> None:
        """W6: `clients` concurrent clients for `seconds` each on the root endpoint and the group revenue endpoint."""
        deep = itertools.cycle(self.deep_organisations(self.memory.depths(self.day)))
        medium = self.dataset.groups["medium"]
        year = {"scope": "group", "breakdown": "period", "from": self.dataset.first, "to": self.dataset.last}
        endpoints = {
            "GET /v1/organisations/{key}/root (deep organisations)": lambda: (
                f"/v1/organisations/{next(deep)}/root",
                {"as_of": self.day},
            ),
            "GET /v1/organisations/{key}/revenue?scope=group (medium group)": lambda: (
                f"/v1/organisations/{medium}/revenue",
                {**year, "as_of": self.day},
            ),
        }
        for case, request in endpoints.items():
            answers = await hammer(
                self.http.base_url,
                {"Authorization": self.http.headers["Authorization"]},
                request,
                clients=clients,
                seconds=seconds,
            )
            latencies = [answer.seconds for answer in answers if answer.status == 200]
            errors = len(answers) - len(latencies)
            note = (
                f"{len(latencies) / seconds:,.0f} requests/s, p99 {percentile(latencies, 99) * 1000:.1f} ms, "
                f"{errors} errors, {clients} clients for {seconds:g} s"
                if latencies
                else f"no answer, {errors} errors"
            )
            p50 = statistics.median(latencies) * 1000 if latencies else None
            p95 = percentile(latencies, 95) * 1000 if latencies else None
            self.results.add(Figure("W6 HTTP throughput", case, "crmgraph HTTP", p50, p95, reference=True, note=note))

    def deep_organisations(self, depths: dict[str, int]) -> list[str]:
        """Return the deepest organisations, deepest first."""
        return sorted(depths, key=lambda key: (-depths[key], key))[:DEEP_ORGANISATIONS]

    async def _services(
        self,
        workload: str,
        case: str,
        ask: Callable[[Store], Any],
        answer_of: Callable[[Any], Any] | None,
        repetitions: Repetitions | None = None,
    ) -> Any:
        """Time `ask` on each engine's service; return the reference's answer, others compared with it."""
        reference = None
        for index, (system, store) in enumerate(self.services.items()):
            timing, found = await timed(lambda store=store: ask(store), repetitions or self.repetitions)
            first = index == 0
            figure = Figure(workload, case, system, timing.p50_ms, timing.p95_ms, reference=first, baseline=not first)
            self.results.add(figure)
            answer = answer_of(found) if answer_of else found
            if index == 0:
                reference = answer
            else:
                self._compare(workload, case, system, reference, answer)
        return reference

    async def _baselines(
        self,
        workload: str,
        case: str,
        reference: Any,
        ask: Callable[[Baseline], Any],
        repetitions: Repetitions | None = None,
    ) -> None:
        for baseline in self.baselines:
            timing, answer = await timed(lambda baseline=baseline: ask(baseline), repetitions or self.repetitions)
            self.results.add(Figure(workload, case, baseline.name, timing.p50_ms, timing.p95_ms, baseline=True))
            self._compare(workload, case, baseline.name, reference, answer)

    async def _http(self, workload: str, case: str, path: str, params: dict[str, str]) -> Any:
        timing, answer = await timed(lambda: self._get(path, params), self.repetitions)
        self.results.add(Figure(workload, case, "crmgraph HTTP", timing.p50_ms, timing.p95_ms))
        return answer

    async def _get(self, path: str, params: dict[str, str]) -> Any:
        response = await self.http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    async def _ancestor_keys(self, store: Store, key: str) -> tuple[str, ...]:
        found = await reads.ancestry(store, key=key, as_of=self.dataset.as_of)
        return tuple(node.key for node in found.ancestors)

    def _compare(self, workload: str, case: str, system: str, expected: Any, found: Any) -> None:
        if found != expected:
            mismatch = f"{workload}, {case}: {system} answered {_short(found)}, crmgraph {_short(expected)}"
            self.results.mismatches.append(mismatch)
            print(f"  DIFFERENT ANSWER: {mismatch}", flush=True)


@dataclass(frozen=True, slots=True)
class Answer:
    """One request of a hammering client: what it asked, when (perf_counter seconds), and what came back.

    Attributes:
        path: the request's path, without its query.
        started: when it was sent.
        ended: when its answer was read, or it failed.
        status: the answer's status; None for no answer (a broken connection, a timeout).
        body: the answer's body when the caller kept the bodies, else empty.
    """

    path: str
    started: float
    ended: float
    status: int | None
    body: bytes = b""

    @property
    def seconds(self) -> float:
        """Return how long the request took."""
        return self.ended - self.started


async def hammer(
    base_url: httpx.URL,
    headers: Mapping[str, str],
    request: Callable[[], tuple[str, dict[str, str]]],
    *,
    clients: int,
    seconds: float,
    bodies: bool = False,
) -> list[Answer]:
    """Send requests from `clients` concurrent connections until `seconds` have passed; return every answer.

    Each client is one keep-alive HTTP/1.1 connection spoken over asyncio streams, not httpx: httpx spent about
    2.8 ms of CPU a request, three times the server's, on the same two cores, so W6 measured the client
    (docs/production.md, "Throughput"). A broken connection is an answer without status (the client connects
    again), and so is no answer within REQUEST_TIMEOUT_S. `bodies` keeps the answers' bodies (W7 checks them).
    """
    answers: list[Answer] = []
    deadline = time.perf_counter() + seconds
    host = f"{base_url.host}:{base_url.port}"
    header_lines = "".join(f"{name}: {value}\r\n" for name, value in {"Host": host, **headers}.items())

    async def one_client() -> None:
        connection = None
        while time.perf_counter() < deadline:
            path, params = request()
            started = time.perf_counter()
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT_S):
                    connection = connection or await asyncio.open_connection(base_url.host, base_url.port)
                    status, keep_alive, body = await _get(
                        connection, f"GET {path}?{urlencode(params)} HTTP/1.1\r\n{header_lines}\r\n"
                    )
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                status, keep_alive, body = None, False, b""
            answers.append(Answer(path, started, time.perf_counter(), status, body if bodies else b""))
            if not keep_alive and connection:
                connection[1].close()
                connection = None
        if connection:
            connection[1].close()

    await asyncio.gather(*(one_client() for _ in range(clients)))
    return answers


async def _get(connection: tuple[asyncio.StreamReader, asyncio.StreamWriter], head: str) -> tuple[int, bool, bytes]:
    """Send one request without a body; return the answer's status, whether the connection stays open, its body.

    Raises:
        ValueError: an answer without Content-Length (the server sends it on every answer).
    """
    reader, writer = connection
    writer.write(head.encode())
    status_line, *lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    fields = dict(line.lower().split(": ", 1) for line in lines if line)
    if "content-length" not in fields:
        raise ValueError(f"an answer without Content-Length: {status_line}")
    body = await reader.readexactly(int(fields["content-length"]))
    return int(status_line.split(" ", 2)[1]), fields.get("connection") != "close", body


def _group_total(rollup: revenue.Rollup) -> GroupTotal:
    return series(
        rollup.first,
        rollup.last,
        {part.period: (part.figures.revenue, part.figures.gross_profit) for part in rollup.periods},
    )


def _public_group_total(answer: dict[str, Any]) -> GroupTotal:
    return series(
        answer["from"],
        answer["to"],
        {part["period"]: (_cents(part["revenue"]), _cents(part["gross_profit"])) for part in answer["periods"]},
    )


def _ranking(page: ranking.GroupPage) -> Ranking:
    return Ranking(
        page.group_count,
        page.total.revenue,
        page.total.gross_profit,
        tuple((item.root_key, item.figures.revenue, item.abc_class) for item in page.items),
    )


def _cents(amount: float) -> int:
    return round(amount * 100)


def _short(answer: Any) -> str:
    text = repr(answer)
    return text if len(text) <= 300 else text[:300] + "…"

"""W8: the calls the explorer page makes while an analyst works, timed over HTTP against `crmgraph serve`.

The analyst searches the deepest organisation of the largest group by a prefix of its name, opens it (its
properties, ancestors, siblings, the level it lies in, its monthly revenue, who sees it), opens the group's root
level, and looks at the groups ranking: each call with the page's parameters (docs/explorer.md), each timed
alone over HTTP with an admin key. The reference of a case is the same question asked of crmgraph's service
in-process, so the ratio is what HTTP, authentication and the JSON answer add; the issue's target, every
interaction answered within 200 ms (p95), is a line of its own, and a call over it says so in its note.
"""

import asyncio
import datetime
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bench.report import Figure
from bench.workloads import ABC, Bench, _group_total, _public_group_total, timed
from graph import hierarchy, levels, revenue, search, visibility
from graph.settings import Settings
from graph.store import Store

WORKLOAD = "W8 explorer calls"
TARGET_MS = 200.0
# The page's parameters: a level or a list of siblings shows 200 rows ("show 200 more"), the ranking 50.
LEVEL_PAGE = 200
RANKING_PAGE = 50
# The letters an analyst types before the search list is worth reading.
PREFIX_LETTERS = 4


@dataclass(frozen=True, slots=True)
class Call:
    """One call of the page: the HTTP request, and the service call answering the same question in-process.

    Attributes:
        case: what the analyst does.
        path: the request's path under the server.
        params: its query parameters.
        service: the in-process reference; None when the service has no single call for it.
        same: the comparable parts of the service's answer and the HTTP answer; None to compare nothing.
        described: what the HTTP answer held, for the note.
    """

    case: str
    path: str
    params: dict[str, str]
    service: Callable[[Store], Awaitable[Any]] | None = None
    same: Callable[[Any, Any], tuple[Any, Any]] | None = None
    described: Callable[[Any], str] | None = None


async def explorer_calls(bench: Bench) -> None:
    """W8: time each of the page's calls over HTTP against its in-process reference, then one whole opening."""
    store = next(iter(bench.services.values()))
    calls = await _calls(bench, store)
    for call in calls:
        await _measure(bench, store, call)
    opening = [call for call in calls if call.case.startswith("open:")]
    await _measure_opening(bench, opening)
    bench.results.add(
        Figure(
            WORKLOAD,
            "target: every interaction",
            "issue 18",
            None,
            TARGET_MS,
            reference=True,
            note="p95 <= 200 ms at 1,000,000 organisations on 2 cores",
        )
    )


async def _calls(bench: Bench, store: Store) -> list[Call]:
    """Return the page's calls on this run's data: the deepest organisation of the largest group, its group."""
    day, first, last = bench.dataset.as_of, bench.dataset.first, bench.dataset.last
    root = bench.dataset.groups["huge"]
    members = bench.memory.subtree(root, bench.day)
    chains = {key: bench.memory.ancestors(key, bench.day) for key in members}
    deep = min(members, key=lambda key: (-len(chains[key]), key))
    parent = chains[deep][0] if chains[deep] else root
    name = (await hierarchy.detail(store, key=deep, as_of=day)).properties["name"]
    dated = {"as_of": bench.day}
    period = {**dated, "from": first, "to": last}
    level = {**period, "limit": str(LEVEL_PAGE)}
    inherit = Settings().visibility_inherit
    # The search filters by the caller's rights even for an admin; the HTTP key is an admin's too.
    admin = visibility.Viewer(key="bench-admin", role="admin", today=datetime.date.today())

    def searched(text: str) -> Callable[[Store], Awaitable[Any]]:
        return lambda store: search.organisations(store, q=text, country=None, viewer=admin)

    def level_of(key: str, sort: levels.Sort = levels.Sort.KEY) -> Callable[[Store], Awaitable[Any]]:
        return lambda store: levels.children(
            store, key=key, as_of=day, first=first, last=last, sort=sort, limit=LEVEL_PAGE
        )

    where = f"depth {len(chains[deep])} of {len(members):,} members"
    return [
        Call(
            f"search: a {PREFIX_LETTERS}-letter name prefix",
            "/v1/organisations",
            {"q": name[:PREFIX_LETTERS]},
            service=searched(name[:PREFIX_LETTERS]),
            same=_same_keys,
            described=_found,
        ),
        Call(
            "search: a whole name",
            "/v1/organisations",
            {"q": name},
            service=searched(name),
            same=_same_keys,
            described=_found,
        ),
        Call(
            f"open: the organisation ({where})",
            f"/v1/organisations/{deep}",
            dated,
            service=lambda store: hierarchy.detail(store, key=deep, as_of=day),
            same=lambda found, answer: (found.child_count, answer["child_count"]),
        ),
        Call(
            "open: its ancestors",
            f"/v1/organisations/{deep}/ancestors",
            dated,
            service=lambda store: hierarchy.ancestry(store, key=deep, as_of=day),
            same=lambda found, answer: (
                tuple(node.key for node in found.ancestors),
                tuple(item["key"] for item in answer["items"]),
            ),
        ),
        Call(
            f"open: its siblings (first {LEVEL_PAGE})",
            f"/v1/organisations/{deep}/siblings",
            {**dated, "limit": str(LEVEL_PAGE)},
            service=lambda store: hierarchy.siblings(store, key=deep, as_of=day, limit=LEVEL_PAGE),
            same=lambda found, answer: (
                tuple(item.key for item in found.items),
                tuple(item["key"] for item in answer["items"]),
            ),
            described=lambda answer: f"{len(answer['items']):,} shown",
        ),
        Call(
            f"open: the deep level it lies in, with totals (first {LEVEL_PAGE})",
            f"/v1/organisations/{parent}/children",
            level,
            service=level_of(parent),
            same=_same_level,
            described=_level,
        ),
        Call(
            "open: its monthly revenue",
            f"/v1/organisations/{deep}/revenue",
            {**period, "breakdown": "period"},
            service=lambda store: revenue.rollup(
                store, key=deep, as_of=day, first=first, last=last, breakdown={revenue.Breakdown.PERIOD}
            ),
            same=lambda found, answer: (_group_total(found), _public_group_total(answer)),
        ),
        Call(
            "open: who sees it",
            f"/v1/organisations/{deep}/viewers",
            dated,
            service=lambda store: visibility.viewers(store, key=deep, as_of=day, inherit=inherit),
            same=lambda found, answer: (
                tuple(onlooker.key for onlooker in found),
                tuple(item["key"] for item in answer["items"]),
            ),
            described=lambda answer: f"{len(answer['items']):,} users",
        ),
        Call(
            f"the root level of the largest group, with totals (first {LEVEL_PAGE})",
            f"/v1/organisations/{root}/children",
            level,
            service=level_of(root),
            same=_same_level,
            described=_level,
        ),
        Call(
            f"the root level by revenue (first {LEVEL_PAGE})",
            f"/v1/organisations/{root}/children",
            {**level, "sort": "revenue"},
            service=level_of(root, levels.Sort.REVENUE),
            same=_same_level,
            described=_level,
        ),
        Call(
            "the root's monthly revenue, whole group",
            f"/v1/organisations/{root}/revenue",
            {**period, "breakdown": "period", "scope": "group"},
            service=lambda store: revenue.rollup(
                store,
                key=root,
                as_of=day,
                first=first,
                last=last,
                scope=revenue.Scope.GROUP,
                breakdown={revenue.Breakdown.PERIOD},
            ),
            same=lambda found, answer: (_group_total(found), _public_group_total(answer)),
            described=lambda answer: f"{len(members):,} members",
        ),
        Call(
            f"the groups ranking (first {RANKING_PAGE})",
            "/v1/groups",
            {**period, "limit": str(RANKING_PAGE)},
            service=lambda store: revenue.groups(
                store, as_of=day, classes=ABC, first=first, last=last, limit=RANKING_PAGE
            ),
            same=lambda found, answer: (
                tuple((item.root_key, item.abc_class) for item in found.items),
                tuple((item["root_key"], item["abc_class"]) for item in answer["items"]),
            ),
            described=lambda answer: f"{answer['group_count']:,} groups",
        ),
    ]


async def _measure(bench: Bench, store: Store, call: Call) -> None:
    """Time one call over HTTP, and its reference in-process first; compare their answers."""
    found = None
    if call.service is not None:
        timing, found = await timed(lambda: call.service(store), bench.repetitions)
        bench.results.add(Figure(WORKLOAD, call.case, "crmgraph service", timing.p50_ms, timing.p95_ms, reference=True))
    timing, answer = await timed(lambda: _get(bench.http, call), bench.repetitions)
    notes = [call.described(answer)] if call.described else []
    if timing.p95_ms > TARGET_MS:
        notes.append(f"p95 over the {TARGET_MS:.0f} ms target")
    figure = Figure(
        WORKLOAD,
        call.case,
        "crmgraph HTTP",
        timing.p50_ms,
        timing.p95_ms,
        reference=call.service is None,
        baseline=call.service is not None,
        note=", ".join(notes),
    )
    bench.results.add(figure)
    if call.same is not None and found is not None:
        expected, got = call.same(found, answer)
        bench._compare(WORKLOAD, call.case, "crmgraph HTTP", expected, got)


async def _measure_opening(bench: Bench, calls: list[Call]) -> None:
    """Time opening the organisation as the page does it: all of its calls at once, until the last answers."""

    async def everything() -> list[Any]:
        return await asyncio.gather(*(_get(bench.http, call) for call in calls))

    timing, _ = await timed(everything, bench.repetitions)
    note = f"{len(calls)} calls at once" + (" over the 200 ms target (p95)" if timing.p95_ms > TARGET_MS else "")
    case = "open: everything at once (the page's first view)"
    bench.results.add(Figure(WORKLOAD, case, "crmgraph HTTP", timing.p50_ms, timing.p95_ms, reference=True, note=note))


async def _get(http: httpx.AsyncClient, call: Call) -> Any:
    response = await http.get(call.path, params=call.params)
    response.raise_for_status()
    return response.json()


def _found(answer: dict[str, Any]) -> str:
    return f"{len(answer['items']):,} shown" + (", more" if answer.get("next_cursor") else "")


def _level(answer: dict[str, Any]) -> str:
    return f"{len(answer['items']):,} of {answer['child_count']:,} children, {answer['member_count']:,} members"


def _same_keys(found: Any, answer: dict[str, Any]) -> tuple[Any, Any]:
    return tuple(item.key for item in found.items), tuple(item["key"] for item in answer["items"])


def _same_level(found: Any, answer: dict[str, Any]) -> tuple[Any, Any]:
    keys, got = _same_keys(found, answer)
    return (keys, found.child_count, found.member_count), (got, answer["child_count"], answer["member_count"])

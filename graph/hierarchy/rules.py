"""The rules a `PARENT_OF` or `MEMBER_OF` link must keep, checked against the stored links before it is written.

Use it as a module: `from graph.hierarchy import rules`, then
`problems = await rules.check_parent_links(store, links)` (or `check_memberships`) and write only
the links whose index is not in `problems`; each refused link's value there is a :class:`Problem`: the
rule it breaks, the field at fault (if a value is) and the reason, naming both organisations, so that a
caller sorts refusals without reading their text.

Rules for a proposed `PARENT_OF` period (a :class:`Link`), as DOMAIN.md and issue 4 state them:

- no self-link, `kind` is `legal` or `branch`, `valid_from` <= `valid_to`, `share` from 0 to 100
  and only on a legal link;
- at most one parent on any day: no other period of the child overlaps it (the same parent twice
  counts too: one history must not have two overlapping periods);
- no cycle on any day: the child must not be an ancestor of the parent through links whose periods
  all overlap the new one and each other. Adding P → C for period T closes a cycle exactly when
  going up from P reaches C through links whose periods, intersected with T, leave at least one day.

Rules for a proposed `MEMBER_OF` link (a :class:`Membership`): no self-membership,
`valid_from` <= `valid_to`, and no cycle on any day, in the same sense (many-to-many, so no
one-parent rule).

Dates are inclusive; an empty one is open. Identity is the loader's: a `PARENT_OF` period is
identified by (parent, child, valid_from), a membership by (member, association). A proposed link
with the identity of a stored one is an update of it and is checked with the stored one replaced,
so it never conflicts with itself; one that leaves the stored link exactly as it is changes
nothing and is checked only against the rules of a link on its own, so loading a file again
passes even where the stored data already breaks a rule. The links of one call are taken in
order, as writes: each is checked against what is stored plus the links before it that were
accepted, so the same child given two overlapping parents in one call is refused for the second,
and ending a period then adding the next one (a re-parenting) passes in that order. A caller must
then write exactly the accepted links, in order (a refused link must not be written; a link
dropped for another reason must be dropped before the call, since the ones after it may have been
accepted because of it).

A field set to :data:`KEEP` is the one a write leaves alone: it takes the value of the stored (or
earlier accepted) link of the same identity, or the default of a new link, as the loader does for
a column a file leaves out.

The checks are pure functions (:func:`find_parent_problems`, :func:`find_membership_problems`) over
a view of the stored links; the `check_*` functions fetch that view and call them, with a few
batched read queries per call, never one per link:

1. the stored links above the links' children (members), which tells which links change nothing;
2. which children (members) of the other links have a child (member) at all: a link whose child
   has none, stored or given by an earlier link of the call, cannot close a cycle, so no search
   starts from its parent;
3. the stored links above the parents (associations) where a search starts, one query per level,
   following the stored and the proposed links up, until no new organisation turns up.

Loading a new forest top-down, or a file again, so takes two queries per batch (one if nothing
changes), however deep the forest; a deep chain is fetched with one small query per level
(docs/hierarchy.md, "Costs").

Complexity, for a call with n links over a graph of depth d (h stored periods per organisation,
1 for a forest without history): at most 2 + d queries, each with at most 2n keys; each search
visits the links above its parent, O(d · h) for a forest, so O(n · d · h) in all. An organisation
is searched again only with days not inside those it was searched with, so a search ends even on
stored data that already holds a cycle.
"""

import datetime
import enum
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from graph.hierarchy.chains import FRONTIER_CHUNK
from graph.queries import Query, declare
from graph.schema.organisation import PARENT_KINDS
from graph.store import Row, Store

FIND_PARENT_PERIODS = declare("hierarchy/find_parent_periods", days=("valid_from", "valid_to"))
FIND_ORGANISATIONS_WITH_CHILDREN = declare("hierarchy/find_organisations_with_children")
FIND_MEMBERSHIP_PERIODS = declare("hierarchy/find_membership_periods", days=("valid_from", "valid_to"))
FIND_ORGANISATIONS_WITH_MEMBERS = declare("hierarchy/find_organisations_with_members")

DEFAULT_KIND = "legal"
# Organisations shown at each end of a long cycle path in a reason; the middle is counted.
PATH_ENDS_SHOWN = 4

_FIRST_DAY = datetime.date.min  # stands for an open valid_from
_LAST_DAY = datetime.date.max  # stands for an open valid_to


class Keep(enum.Enum):
    """The marker of a field a write leaves as it is stored."""

    KEEP = "keep"

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep.KEEP


@dataclass(frozen=True, slots=True)
class Link:
    """A proposed or stored `PARENT_OF` period: `parent` → `child` from `valid_from` to `valid_to`.

    Attributes:
        parent: key of the parent organisation.
        child: key of the child organisation.
        valid_from: first day, inclusive; None is open. Part of the identity.
        valid_to: last day, inclusive; None is open; KEEP keeps the stored one (a new link: open).
        kind: `legal` or `branch`; KEEP keeps the stored one (a new link: legal).
        share: ownership in percent, legal links only; KEEP keeps the stored one (a new link: none).
    """

    parent: str
    child: str
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None | Keep = None
    kind: str | Keep = DEFAULT_KIND
    share: float | None | Keep = None

    @property
    def identity(self) -> tuple[str, str, datetime.date | None]:
        """Return what identifies the period: (parent, child, valid_from)."""
        return self.parent, self.child, self.valid_from


@dataclass(frozen=True, slots=True)
class Membership:
    """A proposed or stored `MEMBER_OF` link: `member` → `association` from `valid_from` to `valid_to`.

    Attributes:
        member: key of the member organisation.
        association: key of the association, buying group or chain.
        valid_from: first day, inclusive; None is open; KEEP keeps the stored one (a new link: open).
        valid_to: last day, inclusive; None is open; KEEP keeps the stored one (a new link: open).
    """

    member: str
    association: str
    valid_from: datetime.date | None | Keep = None
    valid_to: datetime.date | None | Keep = None

    @property
    def identity(self) -> tuple[str, str]:
        """Return what identifies the link: (member, association)."""
        return self.member, self.association


async def check_parent_links(
    store: Store, links: Sequence[Link], *, assumed: "Assumed | None" = None
) -> dict[int, "Problem"]:
    """Check proposed `PARENT_OF` periods, in order, against the stored ones and each other.

    Args:
        store: the graph the links would be written to.
        links: the periods to write, in the order they would be written.
        assumed: periods taken as written before `links`, each accepted by an earlier check
            (a dry run's earlier batches); only those the checks of `links` can meet are used.

    Returns:
        The index of each refused link, with its problem, whose reason names both organisations.

    Raises:
        QueryError: the engine failed a read.
    """
    return await _check(store, _PARENT_OF, links, assumed or Assumed())


async def check_memberships(
    store: Store, memberships: Sequence[Membership], *, assumed: "Assumed | None" = None
) -> dict[int, "Problem"]:
    """Check proposed `MEMBER_OF` links, in order, against the stored ones and each other.

    Args:
        store: the graph the links would be written to.
        memberships: the links to write, in the order they would be written.
        assumed: links taken as written before `memberships`, each accepted by an earlier check
            (a dry run's earlier batches); only those the checks of `memberships` can meet are used.

    Returns:
        The index of each refused link, with its problem, whose reason names both organisations.

    Raises:
        QueryError: the engine failed a read.
    """
    return await _check(store, _MEMBER_OF, memberships, assumed or Assumed())


def find_parent_problems(
    stored: Iterable[Link], links: Sequence[Link], *, without_children: Collection[str] = ()
) -> dict[int, "Problem"]:
    """Check proposed `PARENT_OF` periods, in order, against stored ones and each other, without I/O.

    Args:
        stored: the stored periods the checks may need: at least every period of the links'
            children, and every period above the parent of a link whose child has a child.
            Their fields are values, not KEEP.
        links: the periods to write, in order.
        without_children: organisations known to be the parent in no stored period; a link to
            one of them as the child cannot close a cycle unless an earlier link gives it a child.

    Returns:
        The index of each refused link, with its problem.
    """
    return _find_problems(_PARENT_OF, stored, links, without_children)


def find_membership_problems(
    stored: Iterable[Membership], memberships: Sequence[Membership], *, without_members: Collection[str] = ()
) -> dict[int, "Problem"]:
    """Check proposed `MEMBER_OF` links, in order, against stored ones and each other, without I/O.

    Args:
        stored: the stored links the checks may need: at least every link of the proposed links'
            members, and every link above the association of a link whose member has members.
            Their fields are values, not KEEP.
        memberships: the links to write, in order.
        without_members: organisations known to have no stored member; a link with one of them as
            the member cannot close a cycle unless an earlier link gives it a member.

    Returns:
        The index of each refused link, with its problem.
    """
    return _find_problems(_MEMBER_OF, stored, memberships, without_members)


def _find_problems(
    relation: "_Relation", stored: Iterable[Any], links: Sequence[Any], without_lower: Collection[str]
) -> dict[int, "Problem"]:
    """Check links in order; each accepted one becomes part of the graph the next ones are checked against.

    A link that leaves its identity's stored (or earlier accepted) link exactly as it is changes
    nothing, so only its own rules apply: loading a file again passes, even over stored data
    that already breaks a rule.
    """
    graph = _Graph(without_lower)
    for link in stored:
        graph.add(link.identity, *relation.ends(link), _bounds(link.valid_from, link.valid_to), link)
    problems = {}
    for index, proposed in enumerate(links):
        current = graph.stored(proposed.identity)
        link = relation.resolve(proposed, current)
        problem = relation.own_problem(link)
        if problem is None and link != current:
            problem = relation.graph_problem(link, graph)
        if problem is None:
            graph.put(link.identity, *relation.ends(link), _bounds(link.valid_from, link.valid_to), link)
        else:
            problems[index] = problem
    return problems


class Cause(enum.Enum):
    """The rule a refused link breaks."""

    SELF = "self"  # it links an organisation to itself
    KIND = "kind"  # its kind is neither legal nor branch
    PERIOD = "period"  # its valid_to is before its valid_from
    SHARE = "share"  # its share breaks the share rule (:func:`share_problem`)
    PARENT = "parent"  # its child would have a second parent on a day
    CYCLE = "cycle"  # it would close a cycle on a day


@dataclass(frozen=True, slots=True)
class Problem:
    """Why the rules refuse a link, for a caller to act on without reading the text.

    Attributes:
        cause: the rule the link breaks.
        reason: the rule in words, naming both organisations: the text a caller shows.
        field: the link's field whose value breaks the rule (`kind`, `valid_to` or `share`, which the load
            files name alike); None when the link breaks it as a whole (a self-link, a second parent, a cycle).
    """

    cause: Cause
    reason: str
    field: str | None = None


def share_problem(share: float | None, kind: str | None) -> str | None:
    """Return why an ownership share breaks the share rule, as a reason about the `share` field, or None.

    The rule: a share is a percentage from 0 to 100, and only a legal link has one. A load file's row
    (:mod:`graph.loading.kinds`) and a proposed link here are both checked with it, so a refused share
    reads the same wherever it is refused.
    """
    if share is None:
        return None
    if not 0 <= share <= 100:
        return f"{share:g} is not a percentage from 0 to 100"
    if kind != "legal":
        return f"a share is only allowed on a legal link, not on a {kind} link"
    return None


def _link_problem(link: Link) -> Problem | None:
    """Return why a `PARENT_OF` period (its fields resolved) breaks a rule on its own, or None."""
    parent, child = link.parent, link.child
    if parent == child:
        return Problem(Cause.SELF, f"{parent} cannot be its own parent")
    name = f"{parent} → {child}"
    if link.kind not in PARENT_KINDS:
        reason = f"{name}: unknown kind {link.kind!r}, expected one of {', '.join(PARENT_KINDS)}"
        return Problem(Cause.KIND, reason, "kind")
    problem = _order_problem(name, link.valid_from, link.valid_to)
    if problem is not None:
        return problem
    share = share_problem(link.share, link.kind)
    if share is not None:
        return Problem(Cause.SHARE, f"{name}: {share}", "share")
    return None


def _link_graph_problem(link: Link, graph: "_Graph") -> Problem | None:
    """Return why adding a `PARENT_OF` period to `graph` gives its child two parents or closes a cycle, or None."""
    parent, child = link.parent, link.child
    bounds = _bounds(link.valid_from, link.valid_to)
    for identity, other, other_bounds in graph.above(child):
        if identity != link.identity and _overlap(bounds, other_bounds) is not None:
            reason = (
                f"{child} already has the parent {other} from {_describe_bounds(other_bounds)}, "
                f"overlapping {parent} → {child} from {_describe_bounds(bounds)}"
            )
            return Problem(Cause.PARENT, reason)
    found = graph.find_path(parent, child, bounds)
    if found is not None:
        path, during = found
        reason = (
            f"{parent} → {child} would make a cycle: {child} is an ancestor of {parent} "
            f"({_describe_path(reversed(path))}) during {_describe_bounds(during)}"
        )
        return Problem(Cause.CYCLE, reason)
    return None


def _membership_problem(link: Membership) -> Problem | None:
    """Return why a `MEMBER_OF` link (its fields resolved) breaks a rule on its own, or None."""
    if link.member == link.association:
        return Problem(Cause.SELF, f"{link.member} cannot be a member of itself")
    return _order_problem(f"the membership of {link.member} in {link.association}", link.valid_from, link.valid_to)


def _membership_graph_problem(link: Membership, graph: "_Graph") -> Problem | None:
    """Return why adding a `MEMBER_OF` link to `graph` closes a cycle, or None."""
    member, association = link.member, link.association
    found = graph.find_path(association, member, _bounds(link.valid_from, link.valid_to))
    if found is not None:
        path, during = found
        reason = (
            f"the membership of {member} in {association} would make a cycle: {association} is already a member "
            f"of {member} ({_describe_path(path)}, each a member of the next) during {_describe_bounds(during)}"
        )
        return Problem(Cause.CYCLE, reason)
    return None


def _order_problem(name: str, valid_from: datetime.date | None, valid_to: datetime.date | None) -> Problem | None:
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        reason = f"{name}: valid_to {valid_to.isoformat()} is before valid_from {valid_from.isoformat()}"
        return Problem(Cause.PERIOD, reason, "valid_to")
    return None


def _resolve_link(link: Link, stored: Link | None) -> Link:
    """Return `link` with each KEEP replaced by the stored value, or the default of a new link."""
    if KEEP not in (link.valid_to, link.kind, link.share):
        return link
    return replace(
        link,
        valid_to=_kept(link.valid_to, stored.valid_to if stored else None),
        kind=_kept(link.kind, stored.kind if stored else DEFAULT_KIND),
        share=_kept(link.share, stored.share if stored else None),
    )


def _resolve_membership(link: Membership, stored: Membership | None) -> Membership:
    """Return `link` with each KEEP replaced by the stored value, or the default of a new link."""
    if KEEP not in (link.valid_from, link.valid_to):
        return link
    return replace(
        link,
        valid_from=_kept(link.valid_from, stored.valid_from if stored else None),
        valid_to=_kept(link.valid_to, stored.valid_to if stored else None),
    )


def _kept(value: Any, stored: Any) -> Any:
    return stored if value is KEEP else value


# A period as the searches compare it: (first day, last day), both inclusive, open ends as far as dates go.
_Bounds = tuple[datetime.date, datetime.date]


def _bounds(valid_from: datetime.date | None, valid_to: datetime.date | None) -> _Bounds:
    return (valid_from or _FIRST_DAY, valid_to or _LAST_DAY)


def _overlap(first: _Bounds, second: _Bounds) -> _Bounds | None:
    """Return the days two periods share, or None when they share none."""
    start, end = max(first[0], second[0]), min(first[1], second[1])
    return (start, end) if start <= end else None


def _day(day: datetime.date | None) -> str:
    return "(open)" if day is None or day in (_FIRST_DAY, _LAST_DAY) else day.isoformat()


def _describe_bounds(bounds: _Bounds) -> str:
    """Return a period as reasons show it: `2024-01-01 to (open)`."""
    return f"{_day(bounds[0])} to {_day(bounds[1])}"


def _describe_path(keys: Iterable[str]) -> str:
    """Return `A → B → C`; a long path shows its ends and counts the organisations between."""
    keys = list(keys)
    if len(keys) <= 2 * PATH_ENDS_SHOWN + 1:
        return " → ".join(keys)
    hidden = len(keys) - 2 * PATH_ENDS_SHOWN
    head, tail = keys[:PATH_ENDS_SHOWN], keys[-PATH_ENDS_SHOWN:]
    return f"{' → '.join(head)} → … {hidden:,} more … → {' → '.join(tail)}"


class _Graph:
    """Links as they stand after the ones accepted so far, seen from below: `lower` → `upper`.

    For `PARENT_OF` the lower end is the child and the upper the parent; for `MEMBER_OF` the
    member and the association. A cycle through a new link upper → lower is a way up from the
    upper end to the lower one.
    """

    def __init__(self, without_lower: Collection[str]):
        self._above: dict[str, list[tuple[Hashable, str, _Bounds]]] = defaultdict(list)
        self._links: dict[Hashable, Any] = {}
        self._uppers: set[str] = set()  # organisations with a lower end among the links here
        self._without_lower = frozenset(without_lower)

    def add(self, identity: Hashable, upper: str, lower: str, bounds: _Bounds, link: Any) -> None:
        """Add a stored link; a stored one with the same identity (which should not be) stays too."""
        self._above[lower].append((identity, upper, bounds))
        self._links[identity] = link
        self._uppers.add(upper)

    def put(self, identity: Hashable, upper: str, lower: str, bounds: _Bounds, link: Any) -> None:
        """Add an accepted link, replacing every one with the same identity (which has the same two ends)."""
        if identity in self._links:
            self._above[lower] = [entry for entry in self._above[lower] if entry[0] != identity]
        self._above[lower].append((identity, upper, bounds))
        self._links[identity] = link
        self._uppers.add(upper)

    def stored(self, identity: Hashable) -> Any:
        """Return the link with `identity` (stored, or accepted earlier), or None."""
        return self._links.get(identity)

    def above(self, lower: str) -> list[tuple[Hashable, str, _Bounds]]:
        """Return (identity, upper end, bounds) of each link above `lower`."""
        return self._above.get(lower, [])

    def find_path(self, start: str, goal: str, bounds: _Bounds) -> tuple[list[str], _Bounds] | None:
        """Return a way up from `start` to `goal` whose links share a day with `bounds` and each other.

        Returns:
            (the organisations from `start` up to `goal`, the days the whole way shares), or None.
        """
        if goal not in self._uppers and goal in self._without_lower:
            return None  # nothing is below goal, so nothing leads up to it
        # Each reached organisation keeps the windows it was searched with: a window inside one of
        # them finds nothing new (a way that shares a day with it shares that day with the larger one).
        searched: dict[str, list[_Bounds]] = {start: [bounds]}
        trail: list[tuple[str, int]] = [(start, -1)]  # (organisation, index of the one below it)
        stack: list[tuple[int, _Bounds]] = [(0, bounds)]
        while stack:
            index, window = stack.pop()
            node = trail[index][0]
            for _, upper, link_bounds in self._above.get(node, ()):
                shared = _overlap(window, link_bounds)
                if shared is None:
                    continue
                if upper == goal:
                    path = [goal]
                    while index >= 0:
                        path.append(trail[index][0])
                        index = trail[index][1]
                    path.reverse()
                    return path, shared
                windows = searched.setdefault(upper, [])
                if any(first <= shared[0] and shared[1] <= last for first, last in windows):
                    continue
                windows.append(shared)
                trail.append((upper, index))
                stack.append((len(trail) - 1, shared))
        return None


class Assumed:
    """Links taken as written before the ones a check gets, in order, indexed by their lower end as they come.

    A dry run keeps its earlier batches' accepted links here, so that a check reads only those it
    can meet, in time of its own batch rather than of every batch before it. For `PARENT_OF` the
    lower end is the child, for `MEMBER_OF` the member.
    """

    def __init__(self) -> None:
        self._links: list[Any] = []
        self._above: dict[str, list[tuple[int, str]]] = defaultdict(list)  # lower end -> (index, upper end)
        self.uppers: set[str] = set()  # organisations with an assumed link below them
        self.identities: set[Hashable] = set()

    def extend(self, links: Iterable[Any]) -> None:
        """Take `links` (each a Link or a Membership) as written after the ones taken before."""
        for link in links:
            upper, lower = _RELATIONS[type(link)].ends(link)
            self._above[lower].append((len(self._links), upper))
            self._links.append(link)
            self.uppers.add(upper)
            self.identities.add(link.identity)

    def above(self, lower: str) -> list[str]:
        """Return the upper ends of the assumed links above `lower`."""
        return [upper for _, upper in self._above.get(lower, ())]

    def below(self, lowers: Iterable[str]) -> list[Any]:
        """Return the assumed links whose lower end is one of `lowers`, in the order they were taken."""
        indexes = sorted(index for lower in lowers for index, _ in self._above.get(lower, ()))
        return [self._links[index] for index in indexes]


def _search_starts(
    pairs: Sequence[tuple[str, str]], changing: Sequence[bool], without_lower: Collection[str]
) -> set[str]:
    """Return the upper ends of the (upper, lower) links whose cycle search may need the links above them.

    Only a link that changes something is searched. A lower end with nothing below it (neither
    stored nor in an earlier link) cannot be above its upper end, so that search stops at once:
    the test :meth:`_Graph.find_path` makes, taking every earlier link as accepted.
    """
    starts: set[str] = set()
    uppers: set[str] = set()
    for (upper, lower), changes in zip(pairs, changing, strict=True):
        if changes and upper != lower and (lower in uppers or lower not in without_lower):
            starts.add(upper)
        uppers.add(upper)
    return starts


async def _check(store: Store, relation: "_Relation", links: Sequence[Any], assumed: "Assumed") -> dict[int, "Problem"]:
    """Fetch what the checks of `links` need, level by level, then check them.

    First the stored links above the links' lower ends; with them, the links that would change
    nothing are known, and need no search. Then which lower ends of the others have anything
    below them; then the links above the upper ends whose search may need them, one query per level.

    The `assumed` links that end below a link's lower end or on a way up that a search may take go
    ahead of `links`, in their order; the others cannot change a check of `links`, so that a dry run
    checks each batch in time of its own size, not of the batches before it.
    """
    if not links:
        return {}
    pairs = [relation.ends(link) for link in links]
    lowers = {lower for _, lower in pairs}
    rows = await store.read(relation.periods, {"keys": sorted(lowers)})
    stored = [relation.from_row(row) for row in rows]
    current = {link.identity: link for link in stored}
    # A link whose identity repeats, or is assumed, is searched whatever the stored one holds.
    repeated = {identity for identity, count in Counter(link.identity for link in links).items() if count > 1}
    changing = [
        link.identity in repeated
        or link.identity in assumed.identities
        or relation.resolve(link, current.get(link.identity)) != current.get(link.identity)
        for link in links
    ]
    searched = {lower for (_, lower), changes in zip(pairs, changing, strict=True) if changes}
    with_lower = await _keys_with(store, relation.with_lower, searched)
    without_lower = {key for key in searched if key not in with_lower and key not in assumed.uppers}
    starts = _search_starts(pairs, changing, without_lower)
    above, reached = await _fetch_above(
        store, relation, starts=starts, fetched=lowers, stored=stored, proposed=pairs, assumed=assumed
    )
    met = assumed.below(lowers | reached)
    problems = _find_problems(relation, [*stored, *above], [*met, *links], without_lower)
    return {index - len(met): problem for index, problem in problems.items() if index >= len(met)}


async def _keys_with(store: Store, query: Query, keys: Collection[str]) -> set[str]:
    """Return the keys the query returns for `keys`."""
    if not keys:
        return set()
    return {row["key"] for row in await store.read(query, {"keys": sorted(keys)})}


async def _fetch_above(
    store: Store,
    relation: "_Relation",
    *,
    starts: Iterable[str],
    fetched: Collection[str],
    stored: Iterable[Any],
    proposed: Iterable[tuple[str, str]],
    assumed: "Assumed",
) -> tuple[list[Any], set[str]]:
    """Return every stored link up from `starts` that is not among `stored`, one query per level,
    and the organisations reached on the way up.

    Going up follows the stored links, the assumed ones and the proposed (upper, lower) ones, which
    the checks may accept; the links above the organisations in `fetched` are `stored` already, and
    each query asks for those above the organisations reached for the first time.
    """
    proposed_above: Mapping[str, list[str]] = _group((lower, upper) for upper, lower in proposed)
    stored_above = _group(relation.ends(link)[::-1] for link in stored)
    found_links: list[Any] = []
    fetched = set(fetched)
    reached: set[str] = set()
    stack = list(starts)
    while stack:
        to_fetch: set[str] = set()
        while stack:
            node = stack.pop()
            if node in reached or node in to_fetch:
                continue
            if node not in fetched:
                to_fetch.add(node)  # followed up once its links are here
                continue
            reached.add(node)
            stack.extend(stored_above.get(node, ()))
            stack.extend(proposed_above.get(node, ()))
            stack.extend(assumed.above(node))
        if to_fetch:
            for row in await store.read(relation.periods, {"keys": sorted(to_fetch)}):
                link = relation.from_row(row)
                found_links.append(link)
                upper, lower = relation.ends(link)
                stored_above[lower].append(upper)
            fetched |= to_fetch
            stack = list(to_fetch)
    return found_links, reached


def _group(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


@dataclass(frozen=True)
class _Relation:
    """What the checks need to know of one relationship type.

    Attributes:
        periods: the query of the stored links above each organisation in `$keys`.
        with_lower: the query of the organisations in `$keys` with any stored link below them.
        from_row: makes a stored link of a row of `periods`.
        ends: the (upper, lower) ends of a link: for `PARENT_OF` (parent, child), for
            `MEMBER_OF` (association, member).
        resolve: a proposed link with its KEEP fields filled from the current link of its identity.
        own_problem: why a resolved link breaks a rule on its own, or None.
        graph_problem: why adding a resolved link to the graph breaks a rule, or None.
    """

    periods: Query
    with_lower: Query
    from_row: Callable[[Row], Any]
    ends: Callable[[Any], tuple[str, str]]
    resolve: Callable[[Any, Any], Any]
    own_problem: Callable[[Any], "Problem | None"]
    graph_problem: Callable[[Any, _Graph], "Problem | None"]


_PARENT_OF = _Relation(
    periods=FIND_PARENT_PERIODS,
    with_lower=FIND_ORGANISATIONS_WITH_CHILDREN,
    from_row=lambda row: Link(
        row["parent"], row["child"], row["valid_from"], row["valid_to"], row["kind"] or DEFAULT_KIND, row["share"]
    ),
    ends=lambda link: (link.parent, link.child),
    resolve=_resolve_link,
    own_problem=_link_problem,
    graph_problem=_link_graph_problem,
)
_MEMBER_OF = _Relation(
    periods=FIND_MEMBERSHIP_PERIODS,
    with_lower=FIND_ORGANISATIONS_WITH_MEMBERS,
    from_row=lambda row: Membership(row["member"], row["association"], row["valid_from"], row["valid_to"]),
    ends=lambda link: (link.association, link.member),
    resolve=_resolve_membership,
    own_problem=_membership_problem,
    graph_problem=_membership_graph_problem,
)
_RELATIONS: dict[type, _Relation] = {Link: _PARENT_OF, Membership: _MEMBER_OF}


async def parent_periods(store: Store, *, keys: Iterable[str]) -> list[Link]:
    """Return every stored `PARENT_OF` period above the organisations in `keys`, whatever its dates.

    Raises:
        QueryError: the engine failed a read.
    """
    wanted = sorted(set(keys))
    found: list[Link] = []
    for start in range(0, len(wanted), FRONTIER_CHUNK):
        rows = await store.read(FIND_PARENT_PERIODS, {"keys": wanted[start : start + FRONTIER_CHUNK]})
        found.extend(_PARENT_OF.from_row(row) for row in rows)
    return found

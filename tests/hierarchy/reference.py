"""A brute-force reference of the hierarchy rules: the graph day by day, over a small range of days.

It shares no code with :mod:`graph.hierarchy`: a link's days are a set of day numbers, and a cycle
is looked for separately on every day the new link is valid, in the graph of the links valid that
day. A link that leaves the stored one of its identity as it is changes nothing, so only the rules
of a link on its own apply to it. Dates must be test days FIRST..LAST (tests/calendar.py, spread over the
whole calendar); the days checked reach one beyond each end, where every open period is still valid and
nothing else changes.
"""

import datetime
from collections.abc import Iterable, Sequence

from graph.hierarchy.rules import KEEP, Link, Membership
from tests.calendar import day

FIRST, LAST = 0, 9
DAYS = range(FIRST - 1, LAST + 2)

# The category of each reason, by a phrase the reason contains.
CATEGORIES = {
    "cannot be its own parent": "self",
    "cannot be a member of itself": "self",
    "unknown kind": "kind",
    "is before valid_from": "period",
    "share": "share",
    "is not a percentage": "share",
    "already has the parent": "parent",
    "would make a cycle": "cycle",
}


def category(reason: str) -> str:
    """Return the category of a reason `graph.hierarchy` gives."""
    found = [name for phrase, name in CATEGORIES.items() if phrase in reason]
    assert found, f"a reason of no known category: {reason}"
    return found[0]


def days(valid_from: datetime.date | None, valid_to: datetime.date | None) -> set[int]:
    """Return the day numbers in DAYS on which a period is valid."""
    return {
        number
        for number in DAYS
        if (valid_from is None or valid_from <= day(number)) and (valid_to is None or day(number) <= valid_to)
    }


def reaches(edges: Iterable[tuple[str, str]], start: str, goal: str) -> bool:
    """Return whether going from `start` along (from, to) edges reaches `goal`."""
    following: dict[str, list[str]] = {}
    for source, target in edges:
        following.setdefault(source, []).append(target)
    seen, todo = {start}, [start]
    while todo:
        for target in following.get(todo.pop(), []):
            if target == goal:
                return True
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return False


def parent_problems(stored: Sequence[Link], links: Sequence[Link]) -> dict[int, str]:
    """Return the category of each refused link, checking links in order and keeping the accepted ones."""
    state = list(stored)
    problems = {}
    for index, proposed in enumerate(links):
        same = [link for link in state if (link.parent, link.child, link.valid_from) == proposed.identity]
        old = same[-1] if same else None
        link = Link(
            proposed.parent,
            proposed.child,
            proposed.valid_from,
            (old.valid_to if old else None) if proposed.valid_to is KEEP else proposed.valid_to,
            (old.kind if old else "legal") if proposed.kind is KEEP else proposed.kind,
            (old.share if old else None) if proposed.share is KEEP else proposed.share,
        )
        others = [other for other in state if other not in same]
        valid = days(link.valid_from, link.valid_to)
        problem = None
        if link.parent == link.child:
            problem = "self"
        elif link.kind not in ("legal", "branch"):
            problem = "kind"
        elif link.valid_from and link.valid_to and link.valid_from > link.valid_to:
            problem = "period"
        elif link.share is not None and (not 0 <= link.share <= 100 or link.kind != "legal"):
            problem = "share"
        elif link == old:
            pass  # it changes nothing
        elif any(other.child == link.child and valid & days(other.valid_from, other.valid_to) for other in others):
            problem = "parent"
        elif any(
            reaches(
                # upwards: child → parent, among the links valid on that day
                ((other.child, other.parent) for other in others if number in days(other.valid_from, other.valid_to)),
                link.parent,
                link.child,
            )
            for number in valid
        ):
            problem = "cycle"
        if problem:
            problems[index] = problem
        else:
            state = [*others, link]
    return problems


def membership_problems(stored: Sequence[Membership], memberships: Sequence[Membership]) -> dict[int, str]:
    """Return the category of each refused membership, checking them in order and keeping the accepted ones."""
    state = list(stored)
    problems = {}
    for index, proposed in enumerate(memberships):
        same = [link for link in state if (link.member, link.association) == (proposed.member, proposed.association)]
        old = same[-1] if same else None
        link = Membership(
            proposed.member,
            proposed.association,
            (old.valid_from if old else None) if proposed.valid_from is KEEP else proposed.valid_from,
            (old.valid_to if old else None) if proposed.valid_to is KEEP else proposed.valid_to,
        )
        others = [other for other in state if other not in same]
        problem = None
        if link.member == link.association:
            problem = "self"
        elif link.valid_from and link.valid_to and link.valid_from > link.valid_to:
            problem = "period"
        elif link == old:
            pass  # it changes nothing
        elif any(
            reaches(
                (
                    (other.member, other.association)
                    for other in others
                    if number in days(other.valid_from, other.valid_to)
                ),
                link.association,
                link.member,
            )
            for number in days(link.valid_from, link.valid_to)
        ):
            problem = "cycle"
        if problem:
            problems[index] = problem
        else:
            state = [*others, link]
    return problems

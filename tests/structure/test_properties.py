"""The write services on random stored forests with history, call after call, against a plain-Python model.

The model states what each service does (docs/structure.md) in a few lines of its own, and asks
the brute-force, day-by-day reference of the rules (tests/hierarchy/reference.py) whether the
links a call writes are allowed; it shares no code with graph.structure, graph.hierarchy or the
loader. After every call, accepted or refused, the stored links must be the model's.
"""

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, structure
from graph.errors import Conflict, InvalidInput, NotFound
from graph.hierarchy.rules import Link, Membership
from graph.structure import ParentChange
from tests.hierarchy import reference
from tests.hierarchy.helpers import add_links, add_memberships, add_organisations
from tests.hierarchy.test_properties import KEYS, pairs
from tests.structure.helpers import memberships, parent_links

ONE_DAY = datetime.timedelta(days=1)
# The category of a refusal, by a phrase of the service's message (loader and hierarchy wording).
PHRASES = {
    "cannot be its own parent": "self",
    "cannot be a member of itself": "self",
    "unknown value": "kind",
    "share": "share",
    "already has the parent": "parent",
    "would make a cycle": "cycle",
    "erase that history": "history",
    "has no parent": "none",
}
# A link with several bad values is refused for one of them (the loader checks values before the
# row rules, the reference the other way round): any category of a bad value stands for the others.
BAD_VALUE = "a bad value"
ERRORS = {
    BAD_VALUE: InvalidInput,
    "parent": Conflict,
    "cycle": Conflict,
    "history": Conflict,
    "none": NotFound,
}
# The keyword arguments of each service, in the order the calls give them.
ARGUMENTS = {
    "set_parent": ("child", "parent", "kind", "valid_from", "share"),
    "end_parent": ("child", "valid_to"),
    "add_membership": ("member", "association", "valid_from"),
}

days = st.integers(reference.FIRST, reference.LAST).map(reference.day)
dates = st.one_of(st.none(), days)


@st.composite
def periods(draw):
    first, last = draw(dates), draw(dates)
    if first is not None and last is not None and first > last:
        first, last = last, first
    return first, last


@st.composite
def forests(draw):
    """Stored PARENT_OF periods and MEMBER_OF links that keep the rules: random ones but those the reference refuses."""
    links = []
    for _ in range(draw(st.integers(0, 10))):
        parent, child = draw(st.lists(st.sampled_from(KEYS), min_size=2, max_size=2, unique=True))
        kind = draw(st.sampled_from(["legal", "branch"]))
        share = draw(st.sampled_from([None, 60.0])) if kind == "legal" else None
        links.append(Link(parent, child, *draw(periods()), kind, share))
    refused = reference.parent_problems([], links)
    stored = {link.identity: link for index, link in enumerate(links) if index not in refused}
    joins = []
    for _ in range(draw(st.integers(0, 8))):
        member, association = draw(st.lists(st.sampled_from(KEYS), min_size=2, max_size=2, unique=True))
        joins.append(Membership(member, association, *draw(periods())))
    refused = reference.membership_problems([], joins)
    members = {(m.member, m.association): m for index, m in enumerate(joins) if index not in refused}
    return list(stored.values()), list(members.values())


@st.composite
def calls(draw, joined=()):
    """One service call: (name, its arguments in the order of ARGUMENTS); a membership often of a stored pair."""
    name = draw(st.sampled_from(list(ARGUMENTS)))
    if name == "end_parent":
        return name, draw(st.sampled_from(KEYS)), draw(days)
    if name == "add_membership":
        lower, upper = draw(st.sampled_from(joined)) if joined and draw(st.booleans()) else draw(pairs())
        return name, lower, upper, draw(days)
    lower, upper = draw(pairs())
    kind = draw(st.sampled_from(["legal"] * 6 + ["branch"] * 3 + ["franchise"]))
    return name, lower, upper, kind, draw(days), draw(st.sampled_from([None] * 6 + [60.0, 150.0]))


@st.composite
def forests_and_calls(draw):
    """Stored links, and a few calls to make on them."""
    links, joins = draw(forests())
    joined = [(join.member, join.association) for join in joins]
    return links, joins, draw(st.lists(calls(joined), min_size=1, max_size=6))


def valid_on(first: datetime.date | None, last: datetime.date | None, day: datetime.date) -> bool:
    return (first is None or first <= day) and (last is None or day <= last)


class Model:
    """What the services do, stated plainly: the links stored, and each call's writes or refusal."""

    def __init__(self, links: list[Link], joins: list[Membership]):
        self.parents = {(link.parent, link.child, link.valid_from): link for link in links}
        self.members = {(join.member, join.association): join for join in joins}

    def in_force(self, child: str, day: datetime.date) -> Link | None:
        found = [
            link
            for link in self.parents.values()
            if link.child == child and valid_on(link.valid_from, link.valid_to, day)
        ]
        return found[0] if found else None

    def write_parents(self, links: list[Link]) -> str | None:
        """Write `links` when the reference allows them all; return the category of the first refusal."""
        problems = reference.parent_problems(list(self.parents.values()), links)
        if problems:
            return problems[min(problems)]
        for link in links:
            self.parents[(link.parent, link.child, link.valid_from)] = link
        return None

    def set_parent(self, child, parent, kind, day, share):
        current = self.in_force(child, day)
        new = Link(parent, child, day, None, kind, share)
        if current is not None and (current.parent, current.kind, current.share) == (parent, kind, share):
            writes = [Link(parent, child, current.valid_from, None, kind, share)]
        elif current is not None and (current.valid_from is None or current.valid_from < day):
            ended = Link(current.parent, child, current.valid_from, day - ONE_DAY, current.kind, current.share)
            writes = [ended, new]
        else:
            writes = [new]
        return self.write_parents(writes) or ParentChange(writes[-1], writes[0] if len(writes) == 2 else None)

    def end_parent(self, child, day):
        current = self.in_force(child, day)
        if current is None:
            return "none"
        ended = Link(current.parent, child, current.valid_from, day, current.kind, current.share)
        return self.write_parents([ended]) or ended

    def add_membership(self, member, association, day):
        stored = self.members.get((member, association))
        first = day
        if stored is not None:
            if stored.valid_to is not None and stored.valid_to < day - ONE_DAY:
                return "history"
            first = None if stored.valid_from is None else min(stored.valid_from, day)
        join = Membership(member, association, first, None)
        problems = reference.membership_problems(list(self.members.values()), [join])
        if problems:
            return problems[0]
        self.members[(member, association)] = join
        return join


def grouped(category: str) -> str:
    return BAD_VALUE if category in ("self", "kind", "share") else category


def category_of(message: str) -> str:
    """Return the category of a service's refusal, by a phrase of its message."""
    return grouped(next(name for phrase, name in PHRASES.items() if phrase in message))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=forests_and_calls())
async def test_each_call_is_accepted_or_refused_as_the_model_says(store, tmp_path, case):
    links, joins, calls = case
    await admin.delete_everything(store)
    await add_organisations(store, tmp_path, KEYS)
    if links:
        await add_links(store, tmp_path, links)
    if joins:
        await add_memberships(store, tmp_path, joins)
    model = Model(links, joins)

    for name, *arguments in calls:
        expected = getattr(model, name)(*arguments)
        if isinstance(expected, str):  # a refusal: the error and the category of its reason
            expected = (ERRORS[grouped(expected)], grouped(expected))
        try:
            result = await getattr(structure, name)(store, **dict(zip(ARGUMENTS[name], arguments, strict=True)))
        except (Conflict, InvalidInput, NotFound) as error:
            result = (type(error), category_of(str(error)))

        assert result == expected

        assert await parent_links(store) == set(model.parents.values())
        assert await memberships(store) == set(model.members.values())

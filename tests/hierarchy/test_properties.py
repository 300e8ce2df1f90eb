"""The checks agree with a brute-force, day-by-day reference on random small forests with history.

The pure checks get the whole stored graph; the store-facing checks run on an in-memory store,
so that what they fetch (one level at a time, only where a search may need it) is tested too.
"""

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.hierarchy.rules import (
    KEEP,
    Assumed,
    Link,
    Membership,
    Problem,
    check_memberships,
    check_parent_links,
    find_membership_problems,
    find_parent_problems,
)
from tests.hierarchy import reference
from tests.hierarchy.helpers import MemoryStore

KEYS = ("A", "B", "C", "D", "E")
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

dates = st.one_of(st.none(), st.integers(reference.FIRST, reference.LAST).map(reference.day))


@st.composite
def periods(draw):
    """A (valid_from, valid_to) pair, in order nine times out of ten."""
    first, second = draw(dates), draw(dates)
    if first is not None and second is not None and first > second and draw(st.integers(0, 9)):
        first, second = second, first
    return first, second


@st.composite
def pairs(draw):
    """Two keys, the same one only now and then."""
    first = draw(st.sampled_from(KEYS))
    if draw(st.integers(0, 9)) == 0:
        return first, first
    return first, draw(st.sampled_from([key for key in KEYS if key != first]))


@st.composite
def links(draw, identities=()):
    """A proposed PARENT_OF period: sometimes the identity of a stored one, sometimes with KEEP fields."""
    if identities and draw(st.booleans()):
        parent, child, valid_from = draw(st.sampled_from(identities))
        valid_to = draw(st.one_of(dates, st.just(KEEP)))
    else:
        parent, child = draw(pairs())
        valid_from, valid_to = draw(periods())
    kind = draw(st.sampled_from(["legal", "legal", "legal", "branch", KEEP]))
    share = draw(st.sampled_from([None, None, None, None, 0, 60, 100, 150, KEEP]))
    return Link(parent, child, valid_from, valid_to, kind, share)


@st.composite
def forests(draw):
    """Stored PARENT_OF periods that keep every rule: random links, the ones the reference refuses left out."""
    candidates = draw(st.lists(links(), min_size=4, max_size=16))
    candidates = [Link(c.parent, c.child, c.valid_from, c.valid_to, "legal", None) for c in candidates]
    return _final_state(candidates, reference.parent_problems([], candidates))


def _final_state(candidates, refused):
    """Return what writing the accepted candidates in order leaves: a later one replaces one of the same identity."""
    stored = {}
    for index, link in enumerate(candidates):
        if index not in refused:
            stored[link.identity] = link
    return list(stored.values())


@st.composite
def forests_and_links(draw):
    """Stored periods, and proposed ones: a few, or a load's worth that may build on each other."""
    stored = draw(forests())
    identities = [link.identity for link in stored]
    return stored, draw(st.lists(links(identities), min_size=1, max_size=draw(st.sampled_from([4, 12]))))


@st.composite
def memberships(draw, identities=()):
    if identities and draw(st.booleans()):
        member, association = draw(st.sampled_from(identities))
        valid_from, valid_to = draw(st.one_of(dates, st.just(KEEP))), draw(st.one_of(dates, st.just(KEEP)))
    else:
        member, association = draw(pairs())
        valid_from, valid_to = draw(periods())
    return Membership(member, association, valid_from, valid_to)


@st.composite
def networks_and_memberships(draw):
    """Stored memberships that keep every rule, and proposed ones."""
    candidates = draw(st.lists(memberships(), min_size=4, max_size=16))
    stored = _final_state(candidates, reference.membership_problems([], candidates))
    identities = [link.identity for link in stored]
    return stored, draw(st.lists(memberships(identities), min_size=1, max_size=draw(st.sampled_from([4, 12]))))


def _categories(problems: dict[int, Problem]) -> dict[int, str]:
    """Return the rule each problem breaks, by its index, checking that its reason says the same."""
    assert {index: reference.category(problem.reason) for index, problem in problems.items()} == {
        index: problem.cause.value for index, problem in problems.items()
    }
    return {index: problem.cause.value for index, problem in problems.items()}


@SETTINGS
@given(forests_and_links())
def test_parent_checks_agree_with_the_reference(case):
    stored, proposed = case

    assert _categories(find_parent_problems(stored, proposed)) == reference.parent_problems(stored, proposed)


@SETTINGS
@given(st.lists(links(), max_size=10), st.lists(links(), min_size=1, max_size=6))
def test_parent_checks_agree_with_the_reference_on_stored_data_that_breaks_the_rules(stored, proposed):
    stored = [Link(s.parent, s.child, s.valid_from, s.valid_to, "legal", None) for s in stored]

    assert _categories(find_parent_problems(stored, proposed)) == reference.parent_problems(stored, proposed)


@SETTINGS
@given(forests_and_links())
def test_parent_checks_fetch_what_they_need(case):
    stored, proposed = case

    problems = asyncio.run(check_parent_links(MemoryStore(links=stored), proposed))

    assert _categories(problems) == reference.parent_problems(stored, proposed)


@SETTINGS
@given(networks_and_memberships())
def test_membership_checks_agree_with_the_reference(case):
    stored, proposed = case

    assert _categories(find_membership_problems(stored, proposed)) == reference.membership_problems(stored, proposed)


@SETTINGS
@given(networks_and_memberships())
def test_membership_checks_fetch_what_they_need(case):
    stored, proposed = case

    problems = asyncio.run(check_memberships(MemoryStore(memberships=stored), proposed))

    assert _categories(problems) == reference.membership_problems(stored, proposed)


async def _split_and_whole(check, store, proposed, cut):
    """Return what checking the proposed links after `cut` finds with the accepted ones before it assumed, and
    what checking the accepted ones and the rest in one call finds for the rest (a dry run's batches)."""
    earlier = await check(store, proposed[:cut])
    accepted = [link for index, link in enumerate(proposed[:cut]) if index not in earlier]
    assumed = Assumed()
    assumed.extend(accepted)
    later = proposed[cut:]
    whole = await check(store, [*accepted, *later])
    split = await check(store, later, assumed=assumed)
    return _categories(split), _categories(
        {index - len(accepted): reason for index, reason in whole.items() if index >= len(accepted)}
    )


# A check of parents or of memberships: the check, a store holding the stored links, the proposed links.
checks_and_links = st.one_of(
    forests_and_links().map(lambda case: (check_parent_links, MemoryStore(links=case[0]), case[1])),
    networks_and_memberships().map(lambda case: (check_memberships, MemoryStore(memberships=case[0]), case[1])),
)


@SETTINGS
@given(checks_and_links, st.integers(0, 12))
def test_checks_with_assumed_links_find_what_one_call_with_them_finds(case, cut):
    check, store, proposed = case
    cut = min(cut, len(proposed) - 1)

    split, whole = asyncio.run(_split_and_whole(check, store, proposed, cut))

    assert split == whole


def test_a_check_follows_the_assumed_links_up_to_a_cycle():
    assumed = Assumed()
    assumed.extend([Link("B", "A"), Link("C", "B")])  # A below B below C, none of it stored

    problems = asyncio.run(check_parent_links(MemoryStore(), [Link("A", "C")], assumed=assumed))

    assert list(problems) == [0] and "would make a cycle" in problems[0].reason

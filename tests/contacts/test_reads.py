"""Contacts of an organisation, its subtree or its group, and a contact's employments: hand cases, and random
forests with random employments against a plain-Python reference."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, contacts, paging
from graph.contacts import Scope
from graph.errors import InvalidInput, NotFound
from tests.contacts.helpers import Job, build

START = datetime.date(2024, 1, 1)
D = {number: START + datetime.timedelta(days=number) for number in range(-1, 12)}

PEOPLE = {
    "C-HOLD": ("Adler", "Anna"),
    "C-SUB": ("Brandt", "Bernd"),
    "C-BRANCH": ("Claes", None),
    "C-MOVER": ("Dorn", "Dora"),
}


def keyed(page_or_items):
    """Return (contact, organisation) of each item, in order."""
    items = getattr(page_or_items, "items", page_or_items)
    return [(item.person.key, item.employment.organisation_key) for item in items]


async def every_page(read, limit):
    """Return every item of a paginated read, checking that each page but the last is full."""
    items, cursor = [], None
    while True:
        page = await read(cursor=cursor, limit=limit)
        assert len(page.items) <= limit
        items.extend(page.items)
        if page.next_cursor is None:
            return items
        assert len(page.items) == limit
        cursor = page.next_cursor


@pytest.fixture
async def holding(store, tmp_path):
    """HOLD -> SUB -> BRANCH, and OTHER outside; SUB hangs under HOLD only until day 5.

    C-MOVER works at OTHER until day 3, then at BRANCH from day 4; C-BRANCH works at BRANCH and at SUB.
    """
    await build(
        store,
        tmp_path,
        organisations=["HOLD", "SUB", "BRANCH", "OTHER"],
        parents=[("HOLD", "SUB", None, D[5]), ("SUB", "BRANCH", None, None)],
        people=PEOPLE,
        jobs=[
            Job("C-HOLD", "HOLD", is_main_contact=True, role="CEO"),
            Job("C-SUB", "SUB", since=D[0]),
            Job("C-BRANCH", "BRANCH", is_main_contact=True),
            Job("C-BRANCH", "SUB", since=D[2]),
            Job("C-MOVER", "OTHER", since=D[0], until=D[3]),
            Job("C-MOVER", "BRANCH", since=D[4]),
        ],
    )
    return store


async def test_a_contact_at_a_branch_is_found_from_the_holding_in_subtree_and_group_but_not_self(holding, snapshots):
    async def found(key, scope):
        return keyed(await contacts.of_organisation(holding, snapshots=snapshots, key=key, as_of=D[4], scope=scope))

    assert await found("HOLD", Scope.SELF) == [("C-HOLD", "HOLD")]
    whole = [("C-HOLD", "HOLD"), ("C-SUB", "SUB"), ("C-BRANCH", "SUB"), ("C-BRANCH", "BRANCH"), ("C-MOVER", "BRANCH")]
    assert await found("HOLD", Scope.SUBTREE) == whole
    assert await found("HOLD", Scope.GROUP) == whole
    assert await found("BRANCH", Scope.GROUP) == whole  # the group is everything under the root
    assert await found("SUB", Scope.SUBTREE) == whole[1:]
    assert await found("BRANCH", Scope.SELF) == [("C-BRANCH", "BRANCH"), ("C-MOVER", "BRANCH")]


async def test_the_subtree_and_group_are_those_of_the_day(holding, snapshots):
    # SUB leaves the holding after day 5: its people are no longer the holding's.
    page = await contacts.of_organisation(holding, snapshots=snapshots, key="HOLD", as_of=D[6], scope=Scope.GROUP)
    from_branch = await contacts.of_organisation(
        holding, snapshots=snapshots, key="BRANCH", as_of=D[6], scope=Scope.GROUP
    )

    assert keyed(page) == [("C-HOLD", "HOLD")]
    assert keyed(from_branch) == [("C-SUB", "SUB"), ("C-BRANCH", "SUB"), ("C-BRANCH", "BRANCH"), ("C-MOVER", "BRANCH")]


async def test_a_job_change_lists_the_former_job_only_with_include_former(holding, snapshots):
    async def at_other(as_of, include_former):
        page = await contacts.of_organisation(
            holding, snapshots=snapshots, key="OTHER", as_of=as_of, include_former=include_former
        )
        return [(item.person.key, item.employment.until, item.employment.current) for item in page.items]

    assert await at_other(D[3], False) == [("C-MOVER", D[3], True)]  # until is inclusive
    assert await at_other(D[4], False) == []
    assert await at_other(D[4], True) == [("C-MOVER", D[3], False)]


async def test_an_employment_starting_after_as_of_is_never_listed(holding, snapshots):
    for include_former in (False, True):
        page = await contacts.of_organisation(
            holding, snapshots=snapshots, key="SUB", as_of=D[1], scope=Scope.SUBTREE, include_former=include_former
        )
        assert keyed(page) == [("C-SUB", "SUB"), ("C-BRANCH", "BRANCH")]
    before_everything = await contacts.of_organisation(
        holding, snapshots=snapshots, key="SUB", as_of=D[-1], include_former=True
    )
    assert keyed(before_everything) == []


async def test_main_contacts_come_first_then_names_ignoring_case(store, snapshots, tmp_path):
    people = {"K1": ("zimmer", "Zoe"), "K2": ("Abel", "Zed"), "K3": ("abel", "amy"), "K4": ("Young", None)}
    jobs = [Job("K1", "ORG"), Job("K2", "ORG"), Job("K3", "ORG"), Job("K4", "ORG", is_main_contact=True)]
    await build(store, tmp_path, organisations=["ORG"], people=people, jobs=jobs)

    page = await contacts.of_organisation(store, snapshots=snapshots, key="ORG", as_of=D[0])

    assert [item.person.key for item in page.items] == ["K4", "K3", "K2", "K1"]
    assert page.items[0].employment.is_main_contact and page.items[0].person.first_name is None


async def test_pages_cover_the_group_exactly_once(holding, snapshots):
    whole = await contacts.of_organisation(
        holding, snapshots=snapshots, key="HOLD", as_of=D[4], scope=Scope.GROUP, include_former=True
    )
    assert len(whole.items) == 5 and whole.next_cursor is None

    for limit in (1, 2, 4, 5):

        async def read(cursor, limit):
            return await contacts.of_organisation(
                holding,
                snapshots=snapshots,
                key="HOLD",
                as_of=D[4],
                scope=Scope.GROUP,
                include_former=True,
                cursor=cursor,
                limit=limit,
            )

        assert await every_page(read, limit) == whole.items


async def test_unknown_keys_bad_scopes_limits_and_cursors_are_refused(holding, snapshots):
    for scope in Scope:
        with pytest.raises(NotFound, match="NOPE"):
            await contacts.of_organisation(holding, snapshots=snapshots, key="NOPE", as_of=D[0], scope=scope)
    with pytest.raises(NotFound, match="NOPE"):
        await contacts.contact(holding, key="NOPE", as_of=D[0])
    with pytest.raises(InvalidInput, match="scope"):
        await contacts.of_organisation(holding, snapshots=snapshots, key="HOLD", as_of=D[0], scope="everything")
    for limit in (0, paging.MAX_LIMIT + 1):
        with pytest.raises(InvalidInput, match="limit"):
            await contacts.of_organisation(holding, snapshots=snapshots, key="HOLD", as_of=D[0], limit=limit)
    with pytest.raises(InvalidInput, match="cursor"):
        await contacts.of_organisation(holding, snapshots=snapshots, key="HOLD", as_of=D[0], cursor="not a cursor")

    # A cursor whose organisation is not in the list (here: another organisation's list) cannot say where to go on.
    page = await contacts.of_organisation(holding, snapshots=snapshots, key="BRANCH", as_of=D[4], limit=1)
    with pytest.raises(InvalidInput, match="start again"):
        await contacts.of_organisation(holding, snapshots=snapshots, key="HOLD", as_of=D[4], cursor=page.next_cursor)
    with pytest.raises(NotFound, match="NOPE"):  # an unknown key is not found, whatever the cursor
        await contacts.of_organisation(holding, snapshots=snapshots, key="NOPE", as_of=D[4], cursor=page.next_cursor)


async def test_a_contact_lists_every_employment_by_start_then_organisation(holding, tmp_path):
    found = await contacts.contact(holding, key="C-BRANCH", as_of=D[1])
    mover = await contacts.contact(holding, key="C-MOVER", as_of=D[4])

    assert found.person == contacts.Person("C-BRANCH", None, "Claes", "c-branch@example.org", None)
    assert [(job.organisation_key, job.since, job.current) for job in found.employments] == [
        ("BRANCH", None, True),
        ("SUB", D[2], False),  # not begun on day 1
    ]
    assert [(job.organisation_key, job.organisation_name, job.current) for job in mover.employments] == [
        ("OTHER", "Org OTHER", False),
        ("BRANCH", "Org BRANCH", True),
    ]


async def test_a_contact_without_employments_has_an_empty_history(store, tmp_path):
    await build(store, tmp_path, organisations=["ORG"], people={"LONER": ("Solo", "Han")})

    found = await contacts.contact(store, key="LONER", as_of=D[0])

    assert found.person.last_name == "Solo" and found.employments == []


# --- random forests and employments against a reference ---------------------------------------------------------


ORGANISATIONS = ("o1", "o2", "o3", "o4", "o5", "o6")
NAMES = [("berg", "Ann"), ("Berg", "bob"), ("Alt", None), ("de Vries", "Eva"), ("Dorn", "al"), ("Alt", "Al")]
DAYS = range(0, 10)


def valid(start, end, when):
    """Return whether a period from `start` to `end` (inclusive, None = open) holds on `when`."""
    return (start is None or start <= when) and (end is None or when <= end)


class Reference:
    """The contact reads in plain Python over lists of rows: no code shared with graph.contacts or graph.hierarchy."""

    def __init__(self, parents, people, jobs):
        self.parents = parents
        self.people = people
        self.jobs = jobs

    def parent_on(self, key, when):
        return next((p for p, c, start, end in self.parents if c == key and valid(start, end, when)), None)

    def ordered_scope(self, key, when, scope):
        if scope == "group":
            while self.parent_on(key, when) is not None:
                key = self.parent_on(key, when)
        ordered = [key]
        if scope == "self":
            return ordered
        level = [key]
        while level:
            level = sorted(c for p, c, start, end in self.parents if p in level and valid(start, end, when))
            ordered.extend(level)
        return ordered

    def listed(self, key, when, scope, include_former):
        ordered = self.ordered_scope(key, when, scope)
        rows = []
        for job in self.jobs:
            if job.organisation not in ordered or (job.since is not None and job.since > when):
                continue
            current = job.until is None or when <= job.until
            if current or include_former:
                last, first = self.people[job.contact]
                rank = (ordered.index(job.organisation), not job.is_main_contact, last.lower(), (first or "").lower())
                rows.append(
                    (rank, job.contact, (job.contact, job.organisation, job.role, job.is_main_contact, current))
                )
        return [row for *_, row in sorted(rows)]

    def history(self, contact, when):
        jobs = [job for job in self.jobs if job.contact == contact]
        jobs.sort(key=lambda job: (job.since or datetime.date(1, 1, 1), job.organisation))
        return [(job.organisation, job.since, job.until, valid(job.since, job.until, when)) for job in jobs]


def as_rows(items):
    return [
        (
            i.person.key,
            i.employment.organisation_key,
            i.employment.role or "",
            i.employment.is_main_contact,
            i.employment.current,
        )
        for i in items
    ]


@st.composite
def periods(draw, count):
    """Up to `count` periods in day order that do not overlap; the first may start open, the last end open."""
    edges = sorted(draw(st.sets(st.sampled_from(DAYS), min_size=2 * count, max_size=2 * count)))
    found = [[D[edges[2 * n]], D[edges[2 * n + 1]]] for n in range(count)]
    if found and draw(st.booleans()):
        found[0][0] = None
    if found and draw(st.booleans()):
        found[-1][1] = None
    return [tuple(period) for period in found]


@st.composite
def worlds(draw):
    """Organisations in a forest whose links change over days, contacts with names, and their employments."""
    order = draw(st.permutations(ORGANISATIONS))
    parents = []
    for index in range(1, len(order)):
        for start, end in draw(periods(draw(st.integers(0, 2)))):
            parents.append((draw(st.sampled_from(order[:index])), order[index], start, end))  # no cycle on any day
    people = {f"p{n}": draw(st.sampled_from(NAMES)) for n in range(draw(st.integers(1, 4)))}
    jobs = []
    for contact in people:
        for organisation in draw(st.lists(st.sampled_from(ORGANISATIONS), max_size=3, unique=True)):
            [(since, until)] = draw(periods(1))
            jobs.append(Job(contact, organisation, since, until, draw(st.booleans()), draw(st.sampled_from(["", "r"]))))
    when = D[draw(st.sampled_from(range(-1, 12)))]
    return parents, people, jobs, when, draw(st.integers(1, 3))


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(world=worlds())
async def test_lists_and_histories_agree_with_the_reference(store, snapshots, tmp_path, world):
    parents, people, jobs, when, limit = world
    await admin.delete_everything(store)
    await build(store, tmp_path, organisations=list(ORGANISATIONS), parents=parents, people=people, jobs=jobs)
    reference = Reference(parents, people, jobs)

    for key in ORGANISATIONS:
        for scope in Scope:
            for include_former in (False, True):
                expected = reference.listed(key, when, scope, include_former)

                async def read(cursor, limit, key=key, scope=scope, include_former=include_former):
                    return await contacts.of_organisation(
                        store,
                        snapshots=snapshots,
                        key=key,
                        as_of=when,
                        scope=scope,
                        include_former=include_former,
                        cursor=cursor,
                        limit=limit,
                    )

                whole = await read(None, paging.MAX_LIMIT)
                assert as_rows(whole.items) == expected
                assert await every_page(read, limit) == whole.items
    for contact in people:
        found = await contacts.contact(store, key=contact, as_of=when)
        assert [(j.organisation_key, j.since, j.until, j.current) for j in found.employments] == reference.history(
            contact, when
        )

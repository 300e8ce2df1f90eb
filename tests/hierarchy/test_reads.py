"""The hierarchy reads: hand cases, and random forests with history against a plain-Python reference."""

import datetime
import functools
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import admin, paging
from graph.errors import InvalidInput, NotFound
from graph.hierarchy import chains, reads
from graph.hierarchy.chains import Node
from graph.hierarchy.reads import Member
from tests.calendar import day
from tests.helpers import load_rows

FIRST, LAST = 0, 9


async def build(store, directory, names, links, countries=None):
    """Load organisations (named after their keys, in `countries` by key if given) and PARENT_OF rows
    (parent, child, kind, from, to)."""
    rows = [{"key": key, "name": f"Org {key}", "country": (countries or {}).get(key) or ""} for key in names]
    await load_rows(store, directory, "organisations", rows)
    if links:
        rows = [
            {
                "parent_key": parent,
                "child_key": child,
                "kind": kind,
                "valid_from": valid_from.isoformat() if valid_from else "",
                "valid_to": valid_to.isoformat() if valid_to else "",
            }
            for parent, child, kind, valid_from, valid_to in links
        ]
        await load_rows(store, directory, "parents", rows)


async def all_pages(read, limit):
    """Return every item of a paginated read, page by page, and the number of pages."""
    items, cursor, pages = [], None, 0
    while True:
        page = await read(cursor=cursor, limit=limit)
        pages += 1
        assert len(page.items) <= limit
        items.extend(page.items)
        if page.next_cursor is None:
            return items, pages
        assert len(page.items) == limit
        cursor = page.next_cursor


def flatten(nodes):
    """Yield the members of nested nodes depth-first, checking that each hangs under its parent."""
    for node in nodes:
        yield node.member
        assert all(child.member.parent_key == node.member.key for child in node.children)
        yield from flatten(node.children)


def as_tuples(members):
    return [(m.key, m.kind, m.depth, m.parent_key) for m in members]


# --- hand cases -------------------------------------------------------------------------------


async def test_re_parenting_changes_the_ancestors_on_the_change_date(store, tmp_path):
    # Arrange: A moves from H1 (under G) to H2 on 2024-07-01.
    await build(
        store,
        tmp_path,
        ["G", "H1", "H2", "A", "B"],
        [
            ("G", "H1", "legal", None, None),
            ("H1", "A", "legal", None, datetime.date(2024, 6, 30)),
            ("H2", "A", "branch", datetime.date(2024, 7, 1), None),
            ("A", "B", "branch", None, None),
        ],
    )
    before, after = datetime.date(2024, 6, 30), datetime.date(2024, 7, 1)

    # Act / Assert
    assert await reads.ancestors(store, key="B", as_of=before) == [
        Node("A", "Org A", "branch", 1),
        Node("H1", "Org H1", "legal", 2),
        Node("G", "Org G", "legal", 3),
    ]
    assert await reads.ancestors(store, key="B", as_of=after) == [
        Node("A", "Org A", "branch", 1),
        Node("H2", "Org H2", "branch", 2),
    ]
    assert await reads.root(store, key="B", as_of=before) == Node("G", "Org G", "legal", 3)
    assert await reads.root(store, key="B", as_of=after) == Node("H2", "Org H2", "branch", 2)
    assert await reads.root(store, key="G", as_of=after) == Node("G", "Org G", None, 0)
    assert await reads.ancestors(store, key="G", as_of=after) == []
    assert as_tuples((await reads.descendants(store, key="G", as_of=before)).items) == [
        ("H1", "legal", 1, "G"),
        ("A", "legal", 2, "H1"),
        ("B", "branch", 3, "A"),
    ]
    assert as_tuples((await reads.descendants(store, key="G", as_of=after)).items) == [("H1", "legal", 1, "G")]
    assert as_tuples((await reads.descendants(store, key="H2", as_of=after)).items) == [
        ("A", "branch", 1, "H2"),
        ("B", "branch", 2, "A"),
    ]


async def test_kinds_filter_follows_only_links_of_those_kinds(store, tmp_path):
    # Arrange: R -legal-> S -branch-> S1, R -branch-> R1, S -legal-> T
    await build(
        store,
        tmp_path,
        ["R", "S", "S1", "R1", "T"],
        [
            ("R", "S", "legal", None, None),
            ("S", "S1", "branch", None, None),
            ("R", "R1", "branch", None, None),
            ("S", "T", "legal", None, None),
        ],
    )
    today = datetime.date(2025, 1, 1)

    async def keys(kinds):
        page = await reads.descendants(store, key="R", as_of=today, kinds=kinds)
        return [(m.key, m.depth) for m in page.items]

    # Act / Assert: S1 hangs below a legal link, so following branches only never reaches it.
    assert await keys({"branch"}) == [("R1", 1)]
    assert await keys({"legal"}) == [("S", 1), ("T", 2)]
    assert await keys(None) == [("R1", 1), ("S", 1), ("S1", 2), ("T", 2)]
    assert await keys({"legal", "branch"}) == await keys(None)
    assert await keys(set()) == []
    with pytest.raises(InvalidInput, match="unknown kind"):
        await keys({"franchise"})


async def test_max_depth_cuts_the_levels_below_it(store, tmp_path):
    chain = [f"C{i}" for i in range(6)]
    await build(store, tmp_path, chain, [(p, c, "legal", None, None) for p, c in zip(chain, chain[1:], strict=False)])
    today = datetime.date(2025, 1, 1)

    async def keys(max_depth):
        page = await reads.descendants(store, key="C0", as_of=today, max_depth=max_depth)
        return [m.key for m in page.items]

    assert await keys(0) == []
    assert await keys(1) == ["C1"]
    assert await keys(2) == ["C1", "C2"]
    assert await keys(None) == chain[1:]
    assert await keys(50) == chain[1:]
    with pytest.raises(InvalidInput):
        await keys(-1)


async def test_pagination_covers_every_item_exactly_once(store, tmp_path):
    # Arrange: a root with 7 children, each with 3 children: 28 descendants.
    names = ["ROOT"]
    links = []
    for i in range(7):
        child = f"K{i}"
        names.append(child)
        links.append(("ROOT", child, "legal", None, None))
        for j in range(3):
            names.append(f"K{i}-{j}")
            links.append((child, f"K{i}-{j}", "branch", None, None))
    await build(store, tmp_path, names, links)
    today = datetime.date(2025, 1, 1)
    whole = (await reads.descendants(store, key="ROOT", as_of=today)).items
    assert len(whole) == 28
    assert [(m.depth, m.key) for m in whole] == sorted((m.depth, m.key) for m in whole)

    for limit in (1, 4, 7, 28, 29):

        async def read(cursor, limit):
            return await reads.descendants(store, key="ROOT", as_of=today, cursor=cursor, limit=limit)

        # Act
        items, pages = await all_pages(read, limit)

        # Assert
        assert items == whole
        assert pages == max(1, -(-28 // limit))

        async def read_group(cursor, limit):
            result = await reads.group(store, key="K3-1", as_of=today, cursor=cursor, limit=limit)
            assert result.root == Node("ROOT", "Org ROOT", "legal", 2)
            assert result.member_count == 28
            return result.members

        assert (await all_pages(read_group, limit))[0] == whole


async def test_siblings_share_the_parent_of_the_day(store, tmp_path):
    await build(
        store,
        tmp_path,
        ["P", "Q", "A", "B", "C"],
        [
            ("P", "A", "legal", None, None),
            ("P", "B", "branch", None, None),
            ("P", "C", "legal", None, datetime.date(2024, 12, 31)),
            ("Q", "C", "legal", datetime.date(2025, 1, 1), None),
        ],
    )
    before = await reads.siblings(store, key="A", as_of=datetime.date(2024, 12, 31))
    after = await reads.siblings(store, key="A", as_of=datetime.date(2025, 1, 1))

    assert before.items == [Member("B", "Org B", "branch", 0, "P"), Member("C", "Org C", "legal", 0, "P")]
    assert after.items == [Member("B", "Org B", "branch", 0, "P")]
    assert (await reads.siblings(store, key="C", as_of=datetime.date(2025, 1, 1))).items == []
    assert (await reads.siblings(store, key="P", as_of=datetime.date(2025, 1, 1))).items == []


async def test_an_unknown_key_is_not_found_and_bad_paging_is_invalid(store, snapshots, tmp_path):
    await build(store, tmp_path, ["A"], [])
    today = datetime.date(2025, 1, 1)
    answers = (reads.detail, reads.ancestors, reads.root, reads.descendants, reads.group)
    for read in (*answers, reads.siblings, functools.partial(chains.subtree_keys, snapshots=snapshots)):
        with pytest.raises(NotFound, match="NOPE"):
            await read(store, key="NOPE", as_of=today)
    for limit in (0, paging.MAX_LIMIT + 1):
        with pytest.raises(InvalidInput, match="limit"):
            await reads.descendants(store, key="A", as_of=today, limit=limit)
    for cursor in ("not a cursor", "", "WzAsIkEiXQ"):  # the last is [0,"A"]: depth 0 is no position
        with pytest.raises(InvalidInput, match="cursor"):
            await reads.descendants(store, key="A", as_of=today, cursor=cursor)
    with pytest.raises(InvalidInput, match="cursor"):
        await reads.siblings(store, key="A", as_of=today, cursor="WzEsIkEiXQ")  # [1,"A"]: a descendants cursor
    page = await reads.descendants(store, key="A", as_of=today, limit=paging.MAX_LIMIT)
    assert page.items == [] and page.next_cursor is None


async def test_a_10000_level_chain_answers_in_full(store, tmp_path):
    chain = [f"L{i:05d}" for i in range(10_000)]
    await build(store, tmp_path, chain, [(p, c, "legal", None, None) for p, c in zip(chain, chain[1:], strict=False)])
    today = datetime.date(2025, 1, 1)

    up = await reads.ancestors(store, key=chain[-1], as_of=today)
    assert [(n.key, n.depth) for n in up] == [(key, depth) for depth, key in enumerate(reversed(chain[:-1]), 1)]

    down = await reads.descendants(store, key=chain[0], as_of=today, limit=paging.MAX_LIMIT)
    assert [(m.key, m.depth, m.parent_key) for m in down.items] == [
        (key, depth, chain[depth - 1]) for depth, key in enumerate(chain[1:], 1)
    ]
    assert down.next_cursor is None


# --- random forests against a reference -------------------------------------------------------


@dataclass(frozen=True)
class Period:
    parent: str
    child: str
    kind: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    def valid_on(self, when: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= when) and (self.valid_to is None or when <= self.valid_to)


class Reference:
    """The reads, in plain Python over a list of periods: the same semantics, no shared code."""

    def __init__(self, names: list[str], periods: list[Period], countries: dict[str, str | None] | None = None):
        self.names = names
        self.periods = periods
        self.countries = countries or {}

    def parent(self, key, when):
        valid = [p for p in self.periods if p.child == key and p.valid_on(when)]
        assert len(valid) <= 1
        return valid[0] if valid else None

    def children(self, key, when, kinds):
        return sorted(
            (p for p in self.periods if p.parent == key and p.valid_on(when) and p.kind in kinds),
            key=lambda p: p.child,
        )

    def ancestors(self, key, when):
        found, current = [], self.parent(key, when)
        while current is not None:
            country = self.countries.get(current.parent)
            found.append(Node(current.parent, f"Org {current.parent}", current.kind, len(found) + 1, country))
            current = self.parent(current.parent, when)
        return found

    def itself(self, key):
        return Node(key, f"Org {key}", None, 0, self.countries.get(key))

    def root(self, key, when):
        found = self.ancestors(key, when)
        return found[-1] if found else self.itself(key)

    def domestic_root(self, key, when):
        """The topmost ancestor in the organisation's country, wherever the chain leaves it; itself without one."""
        country = self.countries.get(key)
        same = [node for node in self.ancestors(key, when) if country is not None and node.country == country]
        return same[-1] if same else self.itself(key)

    def descendants(self, key, when, kinds=("legal", "branch"), max_depth=None):
        result, level, depth = [], [key], 0
        while level and (max_depth is None or depth < max_depth):
            depth += 1
            below = [
                Member(p.child, f"Org {p.child}", p.kind, depth, p.parent)
                for parent in level
                for p in self.children(parent, when, kinds)
            ]
            below.sort(key=lambda m: m.key)
            result.extend(below)
            level = [m.key for m in below]
        return result

    def child_count(self, key, when):
        return len(self.children(key, when, ("legal", "branch")))

    def siblings(self, key, when):
        link = self.parent(key, when)
        if link is None:
            return []
        return [
            Member(p.child, f"Org {p.child}", p.kind, 0, link.parent)
            for p in self.children(link.parent, when, ("legal", "branch"))
            if p.child != key
        ]


KEY_POOL = ("acme", "beta", "ceres", "delta", "echo", "fox", "gamma", "hub")


@st.composite
def forests(draw):
    """Organisations and PARENT_OF periods: each child has non-overlapping periods, always under an earlier key.

    Parents come earlier in a random order of the keys, so no day has a cycle; a child's periods
    do not overlap, so no day has two parents. Periods may be open at either end.
    """
    names = draw(st.permutations(KEY_POOL))[: draw(st.integers(1, len(KEY_POOL)))]
    periods = []
    for index in range(1, len(names)):
        count = draw(st.integers(0, 3))
        bounds = sorted(draw(st.lists(st.integers(FIRST, LAST), min_size=2 * count, max_size=2 * count, unique=True)))
        for number in range(count):
            start, end = day(bounds[2 * number]), day(bounds[2 * number + 1])
            if number == 0 and draw(st.booleans()):
                start = None
            if number == count - 1 and draw(st.booleans()):
                end = None
            parent = draw(st.sampled_from(names[:index]))
            periods.append(Period(parent, names[index], draw(st.sampled_from(["legal", "branch"])), start, end))
    days = draw(st.lists(st.integers(FIRST - 1, LAST + 1), min_size=1, max_size=3, unique=True))
    limit = draw(st.integers(1, 4))
    return names, periods, [day(number) for number in days], limit


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(forest=forests())
async def test_reads_agree_with_the_reference_on_random_forests(store, tmp_path, forest):
    names, periods, days, limit = forest
    await admin.delete_everything(store)
    await build(store, tmp_path, names, [(p.parent, p.child, p.kind, p.valid_from, p.valid_to) for p in periods])
    reference = Reference(names, periods)

    for when in days:
        for key in names:
            assert await reads.ancestors(store, key=key, as_of=when) == reference.ancestors(key, when)
            top = reference.root(key, when)
            assert await reads.root(store, key=key, as_of=when) == top
            assert (await reads.siblings(store, key=key, as_of=when)).items == reference.siblings(key, when)
            detail = await reads.detail(store, key=key, as_of=when)
            link = reference.parent(key, when)
            assert detail.properties == {"key": key, "name": f"Org {key}", "kind": "company"}
            assert detail.child_count == reference.child_count(key, when)
            assert (detail.parent and (detail.parent.key, detail.parent.kind, detail.parent.valid_from)) == (
                link and (link.parent, link.kind, link.valid_from)
            )

            async def read_siblings(cursor, limit, key=key, when=when):
                return await reads.siblings(store, key=key, as_of=when, cursor=cursor, limit=limit)

            assert (await all_pages(read_siblings, limit))[0] == reference.siblings(key, when)

            expected = reference.descendants(key, when)
            assert (await reads.descendants(store, key=key, as_of=when)).items == expected
            for kinds in (("legal",), ("branch",)):
                page = await reads.descendants(store, key=key, as_of=when, kinds=set(kinds))
                assert page.items == reference.descendants(key, when, kinds=kinds)
            page = await reads.descendants(store, key=key, as_of=when, max_depth=1)
            assert page.items == reference.descendants(key, when, max_depth=1)

            async def read(cursor, limit, key=key, when=when):
                return await reads.descendants(store, key=key, as_of=when, cursor=cursor, limit=limit)

            assert (await all_pages(read, limit))[0] == expected
            assert all(top.member.parent_key == key for top in reads.nest(expected))
            nested = list(flatten(reads.nest(expected)))
            assert sorted(nested, key=lambda m: m.key) == sorted(expected, key=lambda m: m.key)

            members = reference.descendants(top.key, when)
            result = await reads.group(store, key=key, as_of=when, limit=limit)
            assert result.root == top
            assert result.member_count == len(members) == len({m.key for m in members})
            assert result.members.items == members[:limit]


async def test_subtree_keys_are_the_organisation_and_every_descendant_of_the_day(store, snapshots, tmp_path):
    links = [("A", "B", "legal", None, None), ("B", "C", "branch", None, day(3)), ("A", "D", "legal", day(5), None)]
    await build(store, tmp_path, "ABCD", links)

    early = await chains.subtree_keys(store, snapshots=snapshots, key="A", as_of=day(2))
    late = await chains.subtree_keys(store, snapshots=snapshots, key="A", as_of=day(6))

    assert early == ["A", "B", "C"]
    assert late == ["A", "B", "D"]
    with pytest.raises(NotFound):
        await chains.subtree_keys(store, snapshots=snapshots, key="nobody", as_of=day(2))

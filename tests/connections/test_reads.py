"""The connection reads on small hand-made graphs: memberships, members, suppliers, customers, related."""

import datetime
import functools

import pytest

from graph import connections, paging
from graph.connections import MembershipLink, RelatedLink, Scope, SupplyLink
from graph.errors import InvalidInput, NotFound
from tests.connections.helpers import all_pages, build

D = datetime.date


async def test_memberships_and_members_count_on_both_ends_of_their_period(store, tmp_path):
    # Arrange: A is in ring R from 2024-03-01 to 2024-06-30 and in chain K without end; B in R without dates.
    await build(
        store,
        tmp_path,
        organisations=[("A", "company"), ("B", "branch"), ("R", "association"), ("K", "chain")],
        memberships=[
            ("A", "R", D(2024, 3, 1), D(2024, 6, 30)),
            ("A", "K", None, None),
            ("B", "R", None, None),
        ],
    )
    ring = MembershipLink("R", "Org R", "association", D(2024, 3, 1), D(2024, 6, 30))
    chain = MembershipLink("K", "Org K", "chain", None, None)

    async def memberships(key, when):
        return (await connections.memberships(store, key=key, as_of=when)).items

    async def members(key, when):
        return [(m.key, m.kind) for m in (await connections.members(store, key=key, as_of=when)).items]

    # Act / Assert: both ends of the period are inclusive.
    assert await memberships("A", D(2024, 2, 29)) == [chain]
    assert await memberships("A", D(2024, 3, 1)) == [chain, ring]
    assert await memberships("A", D(2024, 6, 30)) == [chain, ring]
    assert await memberships("A", D(2024, 7, 1)) == [chain]
    assert await memberships("R", D(2024, 7, 1)) == []
    assert await members("R", D(2024, 6, 30)) == [("A", "company"), ("B", "branch")]
    assert await members("R", D(2024, 7, 1)) == [("B", "branch")]
    assert await members("A", D(2024, 7, 1)) == []


async def test_members_are_paged_by_key_each_exactly_once(store, tmp_path):
    keys = [f"M{i:02d}" for i in range(13)]
    await build(
        store,
        tmp_path,
        organisations=[("RING", "association"), *((key, "company") for key in keys)],
        memberships=[(key, "RING", None, None) for key in keys],
    )
    today = D(2025, 1, 1)

    for limit in (1, 4, 13, 14, paging.MAX_LIMIT):

        async def read(cursor, limit):
            return await connections.members(store, key="RING", as_of=today, cursor=cursor, limit=limit)

        assert [member.key for member in await all_pages(read, limit)] == keys


async def test_a_group_sees_suppliers_of_every_member_once_per_link_and_not_its_own(store, snapshots, tmp_path):
    # Arrange: H holds S1 and S2 (S2 only from 2024-07-01); X supplies S1 and S2, S1 supplies S2 (internal),
    # Y supplies H until 2024-06-30; H supplies the outsider Z.
    await build(
        store,
        tmp_path,
        organisations=[(key, "company") for key in ("H", "S1", "S2", "X", "Y", "Z")],
        parents=[("H", "S1", "legal", None, None), ("H", "S2", "branch", D(2024, 7, 1), None)],
        supplies=[
            ("X", "S1", None, None, "frame contract"),
            ("X", "S2", D(2024, 1, 1), None, None),
            ("S1", "S2", None, None, "inside the group"),
            ("Y", "H", None, D(2024, 6, 30), None),
            ("H", "Z", None, None, None),
        ],
    )
    before, after = D(2024, 6, 30), D(2024, 7, 1)

    async def suppliers(key, when, scope):
        return (await connections.suppliers(store, snapshots=snapshots, key=key, as_of=when, scope=scope)).items

    async def customers(key, when, scope):
        page = await connections.customers(store, snapshots=snapshots, key=key, as_of=when, scope=scope)
        return [(c.key, c.via_key) for c in page.items]

    # Act / Assert
    assert await suppliers("S2", after, Scope.SELF) == [
        SupplyLink("S1", "Org S1", None, None, "inside the group", "S2"),
        SupplyLink("X", "Org X", D(2024, 1, 1), None, None, "S2"),
    ]
    assert await suppliers("S2", after, Scope.GROUP) == [
        SupplyLink("X", "Org X", None, None, "frame contract", "S1"),
        SupplyLink("X", "Org X", D(2024, 1, 1), None, None, "S2"),
    ]
    # Before S2 joined the group, its supplier S1 was outside it; Y still supplied the holding.
    assert [(s.key, s.via_key) for s in await suppliers("S2", before, Scope.GROUP)] == [("S1", "S2"), ("X", "S2")]
    assert [(s.key, s.via_key) for s in await suppliers("S1", before, Scope.GROUP)] == [("X", "S1"), ("Y", "H")]
    assert await customers("X", after, Scope.SELF) == [("S1", "X"), ("S2", "X")]
    assert await customers("S1", after, Scope.SELF) == [("S2", "S1")]
    assert await customers("S1", after, "group") == [("Z", "H")]
    assert await customers("Z", after, Scope.GROUP) == []


async def test_group_suppliers_are_paged_by_key_then_member(store, snapshots, tmp_path):
    members = [f"S{i}" for i in range(4)]
    outside = [f"X{i}" for i in range(3)]
    await build(
        store,
        tmp_path,
        organisations=[(key, "company") for key in ("H", *members, *outside)],
        parents=[("H", member, "legal", None, None) for member in members],
        supplies=[(supplier, member, None, None, None) for supplier in outside for member in ("H", *members)],
    )
    expected = sorted((supplier, member) for supplier in outside for member in ("H", *members))

    for limit in (1, 2, 7, 15, 16):

        async def read(cursor, limit):
            return await connections.suppliers(
                store, snapshots=snapshots, key="S3", as_of=D(2025, 1, 1), scope=Scope.GROUP, cursor=cursor, limit=limit
            )

        assert [(s.key, s.via_key) for s in await all_pages(read, limit)] == expected


async def test_related_links_go_both_ways_to_organisations_and_contacts(store, tmp_path):
    await build(
        store,
        tmp_path,
        organisations=[("A", "company"), ("B", "company"), ("C", "company")],
        contacts=[("P1", "Nina", "Kessler"), ("P2", None, "Roth")],
        types=["advises", "sister_of", "unused"],
        relationships=[
            ("A", "B", "sister_of", "same owners"),
            ("B", "A", "advises", None),
            ("P1", "A", "advises", "restructuring"),
            ("A", "P2", "advises", None),
            ("B", "C", "sister_of", None),
        ],
    )
    today = D(2025, 1, 1)

    async def related(key, relationship_type=None):
        page = await connections.related(store, key=key, as_of=today, relationship_type=relationship_type)
        return page.items

    assert await related("A") == [
        RelatedLink("B", "Org B", "Organisation", "advises", "incoming", None),
        RelatedLink("B", "Org B", "Organisation", "sister_of", "outgoing", "same owners"),
        RelatedLink("P1", "Nina Kessler", "Contact", "advises", "incoming", "restructuring"),
        RelatedLink("P2", "Roth", "Contact", "advises", "outgoing", None),
    ]
    assert [(r.key, r.direction) for r in await related("A", "sister_of")] == [("B", "outgoing")]
    assert await related("A", "unused") == []
    assert [(r.key, r.type, r.direction) for r in await related("C")] == [("B", "sister_of", "incoming")]
    with pytest.raises(InvalidInput, match=r"'franchise_of'.*advises, sister_of, unused"):
        await related("A", "franchise_of")


async def test_an_unregistered_type_is_invalid_even_when_none_is_registered(store, tmp_path):
    await build(store, tmp_path, organisations=[("A", "company")])

    with pytest.raises(InvalidInput, match="'advises': no type is registered"):
        await connections.related(store, key="A", as_of=D(2025, 1, 1), relationship_type="advises")


async def test_an_unknown_key_is_not_found_and_bad_arguments_are_invalid(store, snapshots, tmp_path):
    await build(store, tmp_path, organisations=[("A", "company")])
    today = D(2025, 1, 1)
    reads = (
        connections.memberships,
        connections.members,
        functools.partial(connections.suppliers, snapshots=snapshots),
        functools.partial(connections.customers, snapshots=snapshots),
    )
    for read in (*reads, connections.related):
        with pytest.raises(NotFound, match="NOPE"):
            await read(store, key="NOPE", as_of=today)
        for limit in (0, paging.MAX_LIMIT + 1):
            with pytest.raises(InvalidInput, match="limit"):
                await read(store, key="A", as_of=today, limit=limit)
        with pytest.raises(InvalidInput, match="cursor"):
            await read(store, key="A", as_of=today, cursor="not a cursor")
        page = await read(store, key="A", as_of=today)
        assert page.items == [] and page.next_cursor is None
    for read in reads[2:]:
        with pytest.raises(NotFound, match="NOPE"):
            await read(store, key="NOPE", as_of=today, scope=Scope.GROUP)
        with pytest.raises(InvalidInput, match="scope 'subtree'"):
            await read(store, key="A", as_of=today, scope="subtree")

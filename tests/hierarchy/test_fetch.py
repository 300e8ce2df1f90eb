"""What the store-facing checks read: only what a search may need, one level per query, never per link."""

from graph.hierarchy.rules import Link, Membership, check_memberships, check_parent_links
from tests.hierarchy.helpers import MemoryStore, reasons


async def test_a_cycle_through_an_earlier_link_of_the_call_is_found_though_the_child_had_no_child():
    store = MemoryStore(links=[Link("ROOT", "MID"), Link("MID", "LEAF")])

    problems = reasons(await check_parent_links(store, [Link("NEW", "ROOT"), Link("LEAF", "NEW")]))

    assert list(problems) == [1]
    assert "(NEW → ROOT → MID → LEAF)" in problems[1]


async def test_the_search_follows_links_of_the_call_up_into_stored_ones():
    # P is new and gets the parent A in this call; above A, the stored links lead to C.
    store = MemoryStore(links=[Link("C", "B"), Link("B", "A")])

    problems = reasons(await check_parent_links(store, [Link("A", "P"), Link("P", "C")]))

    assert list(problems) == [1]
    assert "(C → B → A → P)" in problems[1]


async def test_links_to_new_children_read_no_level_above():
    # A load of new organisations, top-down: no child has a child yet, so no search is needed.
    keys = [f"ORG-{number}" for number in range(100)]
    store = MemoryStore(links=[Link("TOP", "ORG-0")])

    problems = reasons(
        await check_parent_links(store, [Link(parent, child) for parent, child in zip(keys, keys[1:], strict=False)])
    )

    assert problems == {}
    assert store.reads == [("hierarchy/find_parent_periods", 99), ("hierarchy/find_organisations_with_children", 99)]


def _chain_with_subtrees() -> list[Link]:
    """A chain L0 → … → L4, and under L4 three subtrees S0 → T0, S1 → T1, S2 → T2."""
    chain = [Link("L0", "L1"), Link("L1", "L2"), Link("L2", "L3"), Link("L3", "L4")]
    return [*chain, *(Link("L4", f"S{n}") for n in range(3)), *(Link(f"S{n}", f"T{n}") for n in range(3))]


async def test_each_level_above_is_read_once_for_the_whole_call():
    store = MemoryStore(links=_chain_with_subtrees())

    # Each link changes its period, and each child has a child: every search goes up to L0.
    problems = reasons(await check_parent_links(store, [Link("L4", f"S{n}", share=100) for n in range(3)]))

    assert problems == {}
    assert store.reads == [
        ("hierarchy/find_parent_periods", 3),  # above S0, S1, S2
        ("hierarchy/find_organisations_with_children", 3),
        ("hierarchy/find_parent_periods", 1),  # above L4
        ("hierarchy/find_parent_periods", 1),  # L3
        ("hierarchy/find_parent_periods", 1),  # L2
        ("hierarchy/find_parent_periods", 1),  # L1
        ("hierarchy/find_parent_periods", 1),  # L0, which has none
    ]


async def test_links_loaded_again_read_one_query():
    store = MemoryStore(links=_chain_with_subtrees())

    problems = reasons(await check_parent_links(store, _chain_with_subtrees()))

    assert problems == {}
    assert store.reads == [("hierarchy/find_parent_periods", 10)]


async def test_a_membership_cycle_through_an_earlier_membership_of_the_call_is_found():
    store = MemoryStore(memberships=[Membership("B", "C"), Membership("A", "B")])

    problems = reasons(await check_memberships(store, [Membership("C", "NEW"), Membership("NEW", "A")]))

    assert list(problems) == [1]
    assert "(A → B → C → NEW, each a member of the next)" in problems[1]


async def test_no_links_read_nothing():
    store = MemoryStore()

    assert reasons(await check_parent_links(store, [])) == {}
    assert reasons(await check_memberships(store, [])) == {}
    assert store.reads == []

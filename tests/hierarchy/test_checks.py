"""The checks against a real engine: what they read from the store, and a 10,000-deep chain."""

import time

from graph.hierarchy.rules import KEEP, Link, Membership, check_memberships, check_parent_links
from tests.hierarchy.helpers import CountingStore, add_links, add_memberships, add_organisations, d, reasons

CHAIN_DEPTH = 10_000


async def test_parent_links_are_checked_against_the_stored_periods(store, tmp_path):
    await add_organisations(store, tmp_path, [f"ORG-{number}" for number in range(1, 10)])
    await add_links(
        store,
        tmp_path,
        [
            Link("ORG-9", "ORG-2", d("2020-01-01"), share=60),
            Link("ORG-5", "ORG-3", d("2023-01-01")),
            Link("ORG-3", "ORG-1", None, d("2024-12-31"), kind="branch"),
            Link("ORG-6", "ORG-7", None, d("2019-12-31")),
        ],
    )
    links = [
        Link("ORG-1", "ORG-2", d("2024-01-01")),  # a second parent
        Link("ORG-9", "ORG-2", d("2020-01-01"), d("2030-12-31"), share=KEEP),  # an update of the stored period
        Link("ORG-1", "ORG-5", d("2024-01-01")),  # a cycle while ORG-3 is ORG-1's parent
        Link("ORG-1", "ORG-5", d("2025-01-01")),  # none after it ended
        Link("ORG-8", "ORG-7", d("2020-01-01")),  # a re-parenting
        Link("ORG-4", "ORG-4"),
    ]

    problems = reasons(await check_parent_links(store, links))

    assert problems == {
        0: "ORG-2 already has the parent ORG-9 from 2020-01-01 to (open), "
        "overlapping ORG-1 → ORG-2 from 2024-01-01 to (open)",
        2: "ORG-1 → ORG-5 would make a cycle: ORG-5 is an ancestor of ORG-1 (ORG-5 → ORG-3 → ORG-1) "
        "during 2024-01-01 to 2024-12-31",
        5: "ORG-4 cannot be its own parent",
    }


async def test_keep_reads_the_stored_kind_and_share(store, tmp_path):
    await add_organisations(store, tmp_path, ["ORG-1", "ORG-2"])
    await add_links(store, tmp_path, [Link("ORG-1", "ORG-2", d("2020-01-01"), share=60)])

    problems = reasons(await check_parent_links(store, [Link("ORG-1", "ORG-2", d("2020-01-01"), KEEP, "branch", KEEP)]))

    assert problems == {0: "ORG-1 → ORG-2: a share is only allowed on a legal link, not on a branch link"}


async def test_a_cycle_closed_through_an_earlier_link_of_the_same_call_is_refused(store, tmp_path):
    # NEW has no stored child, but the first link gives it one: the second then closes a cycle.
    await add_organisations(store, tmp_path, ["ROOT", "MID", "LEAF", "NEW"])
    await add_links(store, tmp_path, [Link("ROOT", "MID"), Link("MID", "LEAF")])

    problems = reasons(await check_parent_links(store, [Link("NEW", "ROOT"), Link("LEAF", "NEW")]))

    assert problems == {
        1: "LEAF → NEW would make a cycle: NEW is an ancestor of LEAF (NEW → ROOT → MID → LEAF) during (open) to (open)"
    }


async def test_memberships_are_checked_against_the_stored_links(store, tmp_path):
    await add_organisations(store, tmp_path, ["A", "B", "C", "D"])
    await add_memberships(store, tmp_path, [Membership("A", "B", d("2023-01-01")), Membership("B", "C")])
    memberships = [
        Membership("C", "A", d("2024-01-01")),  # a cycle
        Membership("C", "A", None, d("2022-12-31")),  # no cycle: A joined B in 2023
        Membership("A", "B", d("2020-01-01"), KEEP),  # an update: now A was in B while C was in A
        Membership("D", "A"),
    ]

    problems = reasons(await check_memberships(store, memberships))

    assert problems == {
        0: "the membership of C in A would make a cycle: A is already a member of C "
        "(A → B → C, each a member of the next) during 2024-01-01 to (open)",
        2: "the membership of A in B would make a cycle: B is already a member of A "
        "(B → C → A, each a member of the next) during 2020-01-01 to 2022-12-31",
    }


async def test_a_10000_deep_chain(store, tmp_path):
    keys = [f"C{number:05d}" for number in range(CHAIN_DEPTH)]
    await add_organisations(store, tmp_path, [*keys, "LEAF", "X", "Y"])
    await add_links(
        store, tmp_path, [*(Link(parent, child) for parent, child in zip(keys, keys[1:], strict=False)), Link("X", "Y")]
    )
    top, bottom = keys[0], keys[-1]
    counting = CountingStore(store)

    started = time.perf_counter()
    closing = reasons(await check_parent_links(counting, [Link(bottom, top, d("2024-01-01"))]))
    closing_seconds, closing_reads = time.perf_counter() - started, len(counting.reads)
    counting.reads.clear()
    leaf = reasons(await check_parent_links(counting, [Link(bottom, "LEAF")]))
    leaf_reads = len(counting.reads)
    counting.reads.clear()
    # X has a child, so the search walks the whole chain above C09999 and finds no X.
    above = reasons(await check_parent_links(counting, [Link(bottom, "X")]))

    assert closing == {
        0: f"{bottom} → {top} would make a cycle: {top} is an ancestor of {bottom} "
        "(C00000 → C00001 → C00002 → C00003 → … 9,992 more … → C09996 → C09997 → C09998 → C09999) "
        "during 2024-01-01 to (open)"
    }
    assert leaf == {}
    assert above == {}
    assert leaf_reads == 2, "a leaf cannot close a cycle: nothing above its parent is read"
    assert closing_reads == 2 + CHAIN_DEPTH - 1  # the top's links and children, then a read per level below it
    print(f"closing a {CHAIN_DEPTH}-deep chain: {closing_reads} reads in {closing_seconds:.2f} s")

"""The structure's write services on the real engine: one case per rule and per kind of change."""

import asyncio
import filecmp

import pytest

from graph import loading, structure
from graph.errors import Conflict, InvalidInput, NotFound
from graph.hierarchy import reads
from graph.hierarchy.chains import Node
from graph.hierarchy.rules import Link, Membership
from graph.loading import export
from graph.structure import ParentChange, Relation, Supply
from tests.helpers import load_rows
from tests.hierarchy.helpers import add_links, add_memberships, add_organisations, d
from tests.loading.helpers import write
from tests.structure.helpers import memberships, parent_links, relations, supplies

ORGANISATIONS = ["G", "H1", "H2", "A", "B", "C", "X"]


@pytest.fixture
async def organisations(store, tmp_path):
    """Organisations G, H1, H2, A, B, C and X, each named after its key."""
    await add_organisations(store, tmp_path, ORGANISATIONS)


async def assert_refused(store, tmp_path, error, change, *phrases):
    """Assert that `change()` raises `error` with every phrase in its message, and that the graph is as it was."""
    before, after = tmp_path / "before", tmp_path / "after"
    await export.export_to(store, before)

    with pytest.raises(error) as raised:
        await change()

    await export.export_to(store, after)
    for phrase in phrases:
        assert phrase in str(raised.value)
    names = sorted(path.name for path in before.iterdir())
    assert filecmp.cmpfiles(before, after, names, shallow=False)[0] == names


# --- set_parent and end_parent -----------------------------------------------------------------


async def test_re_parenting_ends_the_old_link_the_day_before_and_keeps_it(store, tmp_path, organisations):
    # Arrange: G → H1 → A → B, A under H1 since 2020.
    await add_links(store, tmp_path, [Link("G", "H1"), Link("H1", "A", d("2020-01-01")), Link("A", "B")])

    # Act: A moves to H2 from 2024-07-01.
    change = await structure.set_parent(store, child="A", parent="H2", kind="branch", valid_from=d("2024-07-01"))

    # Assert
    assert change == ParentChange(
        link=Link("H2", "A", d("2024-07-01"), None, "branch", None),
        ended=Link("H1", "A", d("2020-01-01"), d("2024-06-30"), "legal", None),
    )
    assert await parent_links(store) == {
        Link("G", "H1", None, None, "legal", None),
        Link("H1", "A", d("2020-01-01"), d("2024-06-30"), "legal", None),
        Link("H2", "A", d("2024-07-01"), None, "branch", None),
        Link("A", "B", None, None, "legal", None),
    }
    assert await reads.ancestors(store, key="B", as_of=d("2024-06-30")) == [
        Node("A", "A", "legal", 1),
        Node("H1", "H1", "legal", 2),
        Node("G", "G", "legal", 3),
    ]
    assert await reads.ancestors(store, key="B", as_of=d("2024-07-01")) == [
        Node("A", "A", "legal", 1),
        Node("H2", "H2", "branch", 2),
    ]


async def test_a_first_parent_is_open_ended_from_the_day(store, organisations):
    change = await structure.set_parent(store, child="A", parent="G", valid_from=d("2024-01-01"), share=60)

    assert change == ParentChange(Link("G", "A", d("2024-01-01"), None, "legal", 60), None)
    assert await parent_links(store) == {Link("G", "A", d("2024-01-01"), None, "legal", 60)}


async def test_the_same_parent_again_changes_nothing_and_a_new_kind_starts_a_new_period(store, tmp_path, organisations):
    await add_links(store, tmp_path, [Link("G", "A", d("2020-01-01"), share=60)])
    stored = Link("G", "A", d("2020-01-01"), None, "legal", 60)

    again = await structure.set_parent(store, child="A", parent="G", valid_from=d("2024-01-01"), share=60)

    assert again == ParentChange(stored, None)
    assert await parent_links(store) == {stored}

    moved = await structure.set_parent(store, child="A", parent="G", kind="branch", valid_from=d("2024-01-01"))

    assert moved.ended == Link("G", "A", d("2020-01-01"), d("2023-12-31"), "legal", 60)
    assert await parent_links(store) == {moved.ended, Link("G", "A", d("2024-01-01"), None, "branch", None)}


async def test_setting_the_parent_on_the_first_day_of_its_period_corrects_that_period(store, tmp_path, organisations):
    await add_links(store, tmp_path, [Link("G", "A", d("2024-01-01"), d("2024-12-31"), share=60)])

    change = await structure.set_parent(store, child="A", parent="G", valid_from=d("2024-01-01"), share=75)

    assert change == ParentChange(Link("G", "A", d("2024-01-01"), None, "legal", 75), None)
    assert await parent_links(store) == {change.link}


async def test_a_period_of_another_parent_starting_on_the_day_is_a_second_parent(store, tmp_path, organisations):
    await add_links(store, tmp_path, [Link("G", "A", d("2024-01-01"))])

    await assert_refused(
        store,
        tmp_path,
        Conflict,
        lambda: structure.set_parent(store, child="A", parent="H1", valid_from=d("2024-01-01")),
        "cannot make H1 the parent of A from 2024-01-01: A already has the parent G from 2024-01-01 to (open)",
    )


async def test_a_later_period_overlapping_the_new_one_refuses_it(store, tmp_path, organisations):
    # A is planned to move to H2 in 2025; giving it H1 open-ended from 2024 overlaps that.
    await add_links(store, tmp_path, [Link("G", "A", None, d("2023-12-31")), Link("H2", "A", d("2025-01-01"))])

    await assert_refused(
        store,
        tmp_path,
        Conflict,
        lambda: structure.set_parent(store, child="A", parent="H1", valid_from=d("2024-01-01")),
        "A already has the parent H2 from 2025-01-01 to (open), overlapping H1 → A from 2024-01-01 to (open)",
    )


async def test_a_cycle_is_refused_while_the_periods_overlap_and_allowed_after(store, tmp_path, organisations):
    # G is A's ancestor (through H1) only until 2024-06-30.
    await add_links(store, tmp_path, [Link("G", "H1"), Link("H1", "A", None, d("2024-06-30"))])

    await assert_refused(
        store,
        tmp_path,
        Conflict,
        lambda: structure.set_parent(store, child="G", parent="A", valid_from=d("2024-03-01")),
        "cannot make A the parent of G from 2024-03-01: A → G would make a cycle: G is an ancestor of A "
        "(G → H1 → A) during 2024-03-01 to 2024-06-30",
    )
    change = await structure.set_parent(store, child="G", parent="A", valid_from=d("2024-07-01"))

    assert change.link == Link("A", "G", d("2024-07-01"), None, "legal", None)


@pytest.mark.parametrize(
    ("child", "parent", "fields", "error", "reason"),
    [
        ("A", "A", {}, InvalidInput, "child_key: an organisation cannot be its own parent"),
        ("A", "G", {"share": 150.0}, InvalidInput, "share: 150 is not a percentage from 0 to 100"),
        ("A", "G", {"share": 10.0, "kind": "branch"}, InvalidInput, "share: a share is only allowed on a legal link"),
        ("A", "G", {"kind": "franchise"}, InvalidInput, "kind: unknown value 'franchise'"),
        ("A", "NOPE", {}, NotFound, "parent_key: unknown organisation 'NOPE'"),
    ],
)
async def test_bad_values_and_unknown_parents_are_refused(
    store, tmp_path, organisations, child, parent, fields, error, reason
):
    await add_links(store, tmp_path, [Link("H1", "A")])

    await assert_refused(
        store,
        tmp_path,
        error,
        lambda: structure.set_parent(store, child=child, parent=parent, valid_from=d("2024-01-01"), **fields),
        f"cannot make {parent} the parent of {child} from 2024-01-01: {reason}",
    )


async def test_an_unknown_child_is_not_found(store, organisations):
    with pytest.raises(NotFound, match="no organisation has the key 'NOPE'"):
        await structure.set_parent(store, child="NOPE", parent="G")


async def test_two_changes_at_once_do_not_give_a_child_two_parents(store, organisations):
    day = d("2024-01-01")

    results = await asyncio.gather(
        structure.set_parent(store, child="A", parent="H1", valid_from=day),
        structure.set_parent(store, child="A", parent="H2", valid_from=day),
        return_exceptions=True,
    )

    assert isinstance(results[0], ParentChange) and isinstance(results[1], Conflict)
    assert await parent_links(store) == {Link("H1", "A", day, None, "legal", None)}


async def test_end_parent_ends_the_period_of_the_day_and_leaves_later_ones(store, tmp_path, organisations):
    await add_links(
        store, tmp_path, [Link("G", "A", None, d("2024-12-31"), share=60), Link("H1", "A", d("2025-06-01"))]
    )

    ended = await structure.end_parent(store, child="A", valid_to=d("2024-03-31"))
    again = await structure.end_parent(store, child="A", valid_to=d("2024-03-31"))

    assert ended == again == Link("G", "A", None, d("2024-03-31"), "legal", 60)
    assert await parent_links(store) == {ended, Link("H1", "A", d("2025-06-01"), None, "legal", None)}


async def test_end_parent_without_a_parent_that_day_is_not_found(store, tmp_path, organisations):
    await add_links(store, tmp_path, [Link("G", "A", d("2024-01-01"))])

    await assert_refused(
        store,
        tmp_path,
        NotFound,
        lambda: structure.end_parent(store, child="A", valid_to=d("2023-12-31")),
        "A has no parent on 2023-12-31",
    )
    with pytest.raises(NotFound, match="no organisation has the key 'NOPE'"):
        await structure.end_parent(store, child="NOPE")


# --- memberships ---------------------------------------------------------------------------------


async def test_a_membership_is_added_from_the_day_and_ended_on_a_day(store, organisations):
    added = await structure.add_membership(store, member="A", association="X", valid_from=d("2024-01-01"))
    ended = await structure.end_membership(store, member="A", association="X", valid_to=d("2024-12-31"))

    assert added == Membership("A", "X", d("2024-01-01"), None)
    assert ended == Membership("A", "X", d("2024-01-01"), d("2024-12-31"))
    assert await memberships(store) == {ended}


async def test_adding_a_membership_extends_one_that_reaches_the_day(store, tmp_path, organisations):
    await add_memberships(
        store,
        tmp_path,
        [Membership("A", "X", d("2020-01-01")), Membership("B", "X", d("2020-01-01"), d("2023-12-31"))],
    )

    same = await structure.add_membership(store, member="A", association="X", valid_from=d("2024-01-01"))
    extended = await structure.add_membership(store, member="B", association="X", valid_from=d("2024-01-01"))
    earlier = await structure.add_membership(store, member="A", association="X", valid_from=d("2019-01-01"))

    assert same == Membership("A", "X", d("2020-01-01"), None)
    assert extended == Membership("B", "X", d("2020-01-01"), None)
    assert earlier == Membership("A", "X", d("2019-01-01"), None)
    assert await memberships(store) == {earlier, extended}


async def test_adding_a_membership_after_a_gap_would_erase_history_and_is_refused(store, tmp_path, organisations):
    await add_memberships(store, tmp_path, [Membership("A", "X", d("2020-01-01"), d("2022-12-31"))])

    await assert_refused(
        store,
        tmp_path,
        Conflict,
        lambda: structure.add_membership(store, member="A", association="X", valid_from=d("2024-01-01")),
        "cannot make A a member of X from 2024-01-01: the membership of A in X ran from 2020-01-01 to 2022-12-31",
    )


async def test_membership_cycles_self_memberships_and_unknown_keys_are_refused(store, tmp_path, organisations):
    await add_memberships(store, tmp_path, [Membership("A", "B", None, d("2024-06-30")), Membership("B", "X")])

    await assert_refused(
        store,
        tmp_path,
        Conflict,
        lambda: structure.add_membership(store, member="X", association="A", valid_from=d("2024-01-01")),
        "the membership of X in A would make a cycle",
    )
    await assert_refused(
        store,
        tmp_path,
        InvalidInput,
        lambda: structure.add_membership(store, member="A", association="A"),
        "an organisation cannot be a member of itself",
    )
    await assert_refused(
        store,
        tmp_path,
        NotFound,
        lambda: structure.add_membership(store, member="A", association="NOPE"),
        "no organisation has the key 'NOPE'",
    )
    await assert_refused(
        store,
        tmp_path,
        NotFound,
        lambda: structure.end_membership(store, member="A", association="B", valid_to=d("2024-07-01")),
        "the membership of A in B is not in force on 2024-07-01",
    )
    # Once A has left B, X may join A.
    assert await structure.add_membership(store, member="X", association="A", valid_from=d("2024-07-01"))


# --- supplies and custom relationships -----------------------------------------------------------


async def test_a_supply_is_set_extended_and_ended_and_keeps_its_note(store, organisations):
    first = await structure.set_supply(store, supplier="A", customer="B", since=d("2024-01-01"), note="paper")
    again = await structure.set_supply(store, supplier="A", customer="B", since=d("2025-01-01"))
    ended = await structure.end_supply(store, supplier="A", customer="B", until=d("2025-06-30"))

    assert first == again == Supply("A", "B", d("2024-01-01"), None, "paper")
    assert ended == Supply("A", "B", d("2024-01-01"), d("2025-06-30"), "paper")
    assert await supplies(store) == {("A", "B", d("2024-01-01"), d("2025-06-30"), "paper")}
    with pytest.raises(Conflict, match="the supply from A to B ran from 2024-01-01 to 2025-06-30"):
        await structure.set_supply(store, supplier="A", customer="B", since=d("2026-01-01"))
    with pytest.raises(NotFound, match="the supply from A to B is not in force on 2025-07-01"):
        await structure.end_supply(store, supplier="A", customer="B", until=d("2025-07-01"))


async def test_a_supply_is_not_ended_before_it_starts(store, organisations):
    await structure.set_supply(store, supplier="A", customer="B", since=d("2024-01-01"))

    with pytest.raises(NotFound, match="the supply from A to B is not in force on 2023-12-31"):
        await structure.end_supply(store, supplier="A", customer="B", until=d("2023-12-31"))

    assert await supplies(store) == {("A", "B", d("2024-01-01"), None, None)}


async def test_relate_takes_only_registered_types_and_unrelate_deletes(store, tmp_path, organisations):
    await load_rows(store, tmp_path, "relationship_types", [{"type": "consultant_of", "description": "advises"}])
    await load_rows(store, tmp_path, "contacts", [{"key": "CON-1", "last_name": "Meier"}])

    related = await structure.relate(store, from_key="CON-1", to_key="A", type="consultant_of", note="tax")

    assert related == Relation("CON-1", "A", "consultant_of", "tax")
    assert await relations(store) == {("CON-1", "A", "consultant_of", "tax")}
    await assert_refused(
        store,
        tmp_path,
        InvalidInput,
        lambda: structure.relate(store, from_key="A", to_key="B", type="sister_of"),
        "cannot relate A to B as sister_of: type: unknown relationship type 'sister_of'",
    )
    await assert_refused(
        store,
        tmp_path,
        NotFound,
        lambda: structure.relate(store, from_key="A", to_key="NOPE", type="consultant_of"),
        "to_key: unknown organisation or contact 'NOPE'",
    )

    assert await structure.unrelate(store, from_key="CON-1", to_key="A", type="consultant_of") == related
    assert await relations(store) == set()
    with pytest.raises(NotFound, match="there is no 'consultant_of' relationship from CON-1 to A"):
        await structure.unrelate(store, from_key="CON-1", to_key="A", type="consultant_of")


# --- every write path refuses cycles and second parents ------------------------------------------


async def test_the_loader_refuses_cycles_and_second_parents_in_files_and_in_records(store, tmp_path, organisations):
    await add_links(store, tmp_path, [Link("G", "H1"), Link("H1", "A")])
    before = await parent_links(store)
    path = write(tmp_path, "parents.csv", "parent_key,child_key\nA,G\nH2,A\n")
    records = [{"parent_key": "A", "child_key": "G"}, {"parent_key": "H2", "child_key": "A"}]

    from_file = (await loading.load_paths(store, [path])).files[0]
    from_records = await loading.load_records(store, "parents", records)

    for report in (from_file, from_records):
        cycle, second = report.rejections
        assert "A → G would make a cycle" in cycle.reason
        assert "A already has the parent H1" in second.reason
        assert cycle.cause == second.cause == loading.CONFLICT
    assert await parent_links(store) == before

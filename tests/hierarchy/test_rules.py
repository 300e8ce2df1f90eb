"""The hierarchy rules as pure functions: one clear case per rule, and the cases where time decides."""

import pytest

from graph.hierarchy.rules import KEEP, Cause, Link, Membership, find_membership_problems, find_parent_problems
from tests.hierarchy.helpers import d, reasons


def link(parent: str, child: str, valid_from: str | None = None, valid_to: str | None = None, **fields) -> Link:
    return Link(parent, child, d(valid_from), d(valid_to), **fields)


def member(member_key: str, association: str, valid_from: str | None = None, valid_to: str | None = None) -> Membership:
    return Membership(member_key, association, d(valid_from), d(valid_to))


# --- PARENT_OF: one link alone ---


def test_a_self_link_is_refused():
    assert reasons(find_parent_problems([], [link("ORG-1", "ORG-1")])) == {0: "ORG-1 cannot be its own parent"}


def test_a_period_that_ends_before_it_starts_is_refused():
    problems = reasons(find_parent_problems([], [link("ORG-1", "ORG-2", "2024-02-01", "2024-01-31")]))

    assert problems == {0: "ORG-1 → ORG-2: valid_to 2024-01-31 is before valid_from 2024-02-01"}


def test_a_period_of_one_day_is_fine():
    assert reasons(find_parent_problems([], [link("ORG-1", "ORG-2", "2024-02-01", "2024-02-01")])) == {}


@pytest.mark.parametrize("share", [-0.01, 100.5, float("nan")])
def test_a_share_outside_0_to_100_is_refused(share):
    problems = reasons(find_parent_problems([], [link("ORG-1", "ORG-2", share=share)]))

    assert problems[0].startswith("ORG-1 → ORG-2: ")
    assert problems[0].endswith(" is not a percentage from 0 to 100")


@pytest.mark.parametrize("share", [0, 50.5, 100])
def test_a_share_from_0_to_100_is_fine(share):
    assert reasons(find_parent_problems([], [link("ORG-1", "ORG-2", share=share)])) == {}


def test_a_share_on_a_branch_link_is_refused():
    problems = reasons(find_parent_problems([], [link("ORG-1", "ORG-2", kind="branch", share=50)]))

    assert problems == {0: "ORG-1 → ORG-2: a share is only allowed on a legal link, not on a branch link"}


def test_an_unknown_kind_is_refused():
    problems = reasons(find_parent_problems([], [link("ORG-1", "ORG-2", kind="franchise")]))

    assert problems == {0: "ORG-1 → ORG-2: unknown kind 'franchise', expected one of legal, branch"}


# --- PARENT_OF: at most one parent on any day ---


def test_a_second_parent_overlapping_the_stored_one_is_refused():
    stored = [link("ORG-9", "ORG-2", "2020-01-01")]

    problems = reasons(find_parent_problems(stored, [link("ORG-1", "ORG-2", "2024-01-01")]))

    assert problems == {
        0: "ORG-2 already has the parent ORG-9 from 2020-01-01 to (open), "
        "overlapping ORG-1 → ORG-2 from 2024-01-01 to (open)"
    }


def test_a_new_parent_after_the_old_period_ended_is_a_reparenting():
    stored = [link("ORG-9", "ORG-2", "2020-01-01", "2023-12-31")]

    assert reasons(find_parent_problems(stored, [link("ORG-1", "ORG-2", "2024-01-01")])) == {}


def test_periods_sharing_their_last_and_first_day_overlap():
    stored = [link("ORG-9", "ORG-2", "2020-01-01", "2024-01-01")]

    problems = reasons(find_parent_problems(stored, [link("ORG-1", "ORG-2", "2024-01-01")]))

    assert "already has the parent ORG-9 from 2020-01-01 to 2024-01-01" in problems[0]


def test_an_open_start_overlaps_every_earlier_day():
    stored = [link("ORG-9", "ORG-2", None, "2019-12-31")]

    problems = reasons(find_parent_problems(stored, [link("ORG-1", "ORG-2", None, "2000-01-01")]))

    assert problems == {
        0: "ORG-2 already has the parent ORG-9 from (open) to 2019-12-31, "
        "overlapping ORG-1 → ORG-2 from (open) to 2000-01-01"
    }


def test_the_same_parent_in_two_overlapping_periods_is_refused():
    stored = [link("ORG-9", "ORG-2", "2020-01-01")]

    problems = reasons(find_parent_problems(stored, [link("ORG-9", "ORG-2", "2021-01-01")]))

    assert "ORG-2 already has the parent ORG-9 from 2020-01-01 to (open)" in problems[0]


def test_the_same_child_given_two_parents_in_one_call_is_refused_the_second_time():
    links = [link("ORG-1", "ORG-2", "2024-01-01"), link("ORG-3", "ORG-2", "2024-06-01", "2024-06-30")]

    problems = reasons(find_parent_problems([], links))

    assert problems == {
        1: "ORG-2 already has the parent ORG-1 from 2024-01-01 to (open), "
        "overlapping ORG-3 → ORG-2 from 2024-06-01 to 2024-06-30"
    }


def test_a_refused_link_does_not_count_against_later_ones():
    links = [link("ORG-2", "ORG-2"), link("ORG-3", "ORG-2")]

    assert set(reasons(find_parent_problems([], links))) == {0}


def test_ending_a_period_then_adding_the_next_in_one_call_is_a_reparenting():
    stored = [link("ORG-9", "ORG-2", "2020-01-01")]
    ending = link("ORG-9", "ORG-2", "2020-01-01", "2023-12-31")
    moving = link("ORG-1", "ORG-2", "2024-01-01")

    assert reasons(find_parent_problems(stored, [ending, moving])) == {}
    assert set(reasons(find_parent_problems(stored, [moving, ending]))) == {0}


# --- PARENT_OF: an update of a stored period ---


def test_an_update_of_a_stored_period_does_not_conflict_with_itself():
    stored = [link("ORG-9", "ORG-2", "2020-01-01"), link("ORG-8", "ORG-9", "2020-01-01")]
    updates = [
        link("ORG-9", "ORG-2", "2020-01-01"),  # unchanged
        link("ORG-9", "ORG-2", "2020-01-01", "2030-12-31", share=75),
        link("ORG-8", "ORG-9", "2020-01-01", kind="branch"),
    ]

    assert reasons(find_parent_problems(stored, updates)) == {}


def test_an_update_is_checked_against_the_other_periods():
    stored = [link("ORG-9", "ORG-2", "2020-01-01", "2020-12-31"), link("ORG-1", "ORG-2", "2021-01-01")]

    problems = reasons(find_parent_problems(stored, [link("ORG-9", "ORG-2", "2020-01-01", "2021-06-30")]))

    assert "ORG-2 already has the parent ORG-1 from 2021-01-01 to (open)" in problems[0]


def test_keep_takes_the_stored_values_of_the_period():
    stored = [link("ORG-9", "ORG-2", "2020-01-01", "2020-12-31", share=60)]

    # valid_to stays 2020-12-31, so a new parent from 2021 fits; kind becomes branch while the share stays: refused.
    kept = reasons(find_parent_problems(stored, [Link("ORG-9", "ORG-2", d("2020-01-01"), KEEP, KEEP, KEEP)]))
    to_branch = reasons(find_parent_problems(stored, [Link("ORG-9", "ORG-2", d("2020-01-01"), KEEP, "branch", KEEP)]))
    then_moved = reasons(
        find_parent_problems(
            stored, [Link("ORG-9", "ORG-2", d("2020-01-01"), KEEP, KEEP, 70), link("ORG-1", "ORG-2", "2021-01-01")]
        )
    )

    assert kept == {}
    assert to_branch == {0: "ORG-9 → ORG-2: a share is only allowed on a legal link, not on a branch link"}
    assert then_moved == {}


def test_keep_on_a_new_period_takes_the_defaults():
    links = [Link("ORG-9", "ORG-2", d("2020-01-01"), KEEP, KEEP, KEEP), link("ORG-1", "ORG-2", "2030-01-01")]

    problems = reasons(find_parent_problems([], links))

    assert problems == {
        1: "ORG-2 already has the parent ORG-9 from 2020-01-01 to (open), "
        "overlapping ORG-1 → ORG-2 from 2030-01-01 to (open)"
    }


# --- PARENT_OF: cycles, on any day ---


def test_a_direct_cycle_is_refused():
    problems = reasons(find_parent_problems([link("ORG-1", "ORG-2")], [link("ORG-2", "ORG-1")]))

    assert problems == {
        0: "ORG-2 → ORG-1 would make a cycle: ORG-1 is an ancestor of ORG-2 (ORG-1 → ORG-2) during (open) to (open)"
    }


def test_a_cycle_names_the_path_and_the_days_it_would_exist():
    stored = [link("ORG-5", "ORG-3", "2023-01-01"), link("ORG-3", "ORG-1", None, "2024-12-31")]

    problems = reasons(find_parent_problems(stored, [link("ORG-1", "ORG-5", "2024-01-01")]))

    assert problems == {
        0: "ORG-1 → ORG-5 would make a cycle: ORG-5 is an ancestor of ORG-1 "
        "(ORG-5 → ORG-3 → ORG-1) during 2024-01-01 to 2024-12-31"
    }


def test_a_cycle_through_a_link_that_ended_before_the_new_one_starts_is_no_cycle():
    stored = [link("ORG-5", "ORG-3"), link("ORG-3", "ORG-1", None, "2023-12-31")]

    assert reasons(find_parent_problems(stored, [link("ORG-1", "ORG-5", "2024-01-01")])) == {}


def test_a_cycle_through_a_link_that_starts_after_the_new_one_ends_is_no_cycle():
    stored = [link("ORG-5", "ORG-3", "2025-01-01"), link("ORG-3", "ORG-1")]

    assert reasons(find_parent_problems(stored, [link("ORG-1", "ORG-5", None, "2024-12-31")])) == {}


def test_a_path_whose_links_each_overlap_the_new_one_but_not_each_other_is_no_cycle():
    # ORG-3 is ORG-1's parent in the first half of 2024, ORG-5 is ORG-3's in the second half:
    # ORG-5 is never ORG-1's ancestor, though every link overlaps the year of the new one.
    stored = [link("ORG-3", "ORG-1", "2024-01-01", "2024-06-30"), link("ORG-5", "ORG-3", "2024-07-01", "2024-12-31")]

    assert reasons(find_parent_problems(stored, [link("ORG-1", "ORG-5", "2024-01-01", "2024-12-31")])) == {}


def test_a_cycle_on_a_single_shared_day_is_refused():
    stored = [link("ORG-3", "ORG-1", "2024-01-01", "2024-06-30"), link("ORG-5", "ORG-3", "2024-06-30", "2024-12-31")]

    problems = reasons(find_parent_problems(stored, [link("ORG-1", "ORG-5", "2024-01-01", "2024-12-31")]))

    assert problems[0].endswith("(ORG-5 → ORG-3 → ORG-1) during 2024-06-30 to 2024-06-30")


def test_a_cycle_through_a_former_parent_is_found_on_the_days_it_held():
    # ORG-1 moved from ORG-3 to ORG-4; ORG-5 is above ORG-3 only.
    stored = [
        link("ORG-3", "ORG-1", None, "2022-12-31"),
        link("ORG-4", "ORG-1", "2023-01-01"),
        link("ORG-5", "ORG-3"),
    ]

    assert reasons(find_parent_problems(stored, [link("ORG-1", "ORG-5", "2023-01-01")])) == {}
    assert "ORG-5 → ORG-3 → ORG-1" in reasons(find_parent_problems(stored, [link("ORG-1", "ORG-5", "2022-06-01")]))[0]


def test_a_cycle_closed_within_one_call_is_refused_at_the_link_that_closes_it():
    links = [link("ORG-1", "ORG-2"), link("ORG-2", "ORG-3"), link("ORG-3", "ORG-1")]

    problems = reasons(find_parent_problems([], links))

    assert list(problems) == [2]
    assert "ORG-1 is an ancestor of ORG-3 (ORG-1 → ORG-2 → ORG-3)" in problems[2]


def test_the_search_ends_on_stored_data_that_already_holds_a_cycle():
    stored = [link("ORG-1", "ORG-2"), link("ORG-2", "ORG-1"), link("ORG-7", "ORG-8")]

    assert reasons(find_parent_problems(stored, [link("ORG-1", "ORG-7")])) == {}


def test_a_long_cycle_path_shows_its_ends():
    keys = [f"ORG-{number}" for number in range(20)]
    stored = [link(parent, child) for parent, child in zip(keys, keys[1:], strict=False)]

    problems = reasons(find_parent_problems(stored, [link("ORG-19", "ORG-0")]))

    assert problems[0] == (
        "ORG-19 → ORG-0 would make a cycle: ORG-0 is an ancestor of ORG-19 "
        "(ORG-0 → ORG-1 → ORG-2 → ORG-3 → … 12 more … → ORG-16 → ORG-17 → ORG-18 → ORG-19) during (open) to (open)"
    )


def test_a_child_known_to_have_no_children_is_not_searched_above():
    # The stored view holds nothing above ORG-1; the hint says ORG-2 has no child, so none is needed.
    links = [link("ORG-1", "ORG-2"), link("ORG-2", "ORG-3")]

    assert reasons(find_parent_problems([], links, without_children={"ORG-2", "ORG-3"})) == {}


# --- MEMBER_OF ---


def test_a_self_membership_is_refused():
    assert reasons(find_membership_problems([], [member("ORG-1", "ORG-1")])) == {
        0: "ORG-1 cannot be a member of itself"
    }


def test_a_membership_that_ends_before_it_starts_is_refused():
    problems = reasons(find_membership_problems([], [member("ORG-1", "ORG-2", "2024-02-01", "2024-01-31")]))

    assert problems == {0: "the membership of ORG-1 in ORG-2: valid_to 2024-01-31 is before valid_from 2024-02-01"}


def test_memberships_are_many_to_many():
    stored = [member("ORG-1", "ORG-A"), member("ORG-1", "ORG-B"), member("ORG-2", "ORG-A")]

    assert reasons(find_membership_problems(stored, [member("ORG-1", "ORG-C"), member("ORG-A", "ORG-C")])) == {}


def test_a_membership_cycle_is_refused():
    stored = [member("ORG-A", "ORG-B", "2023-01-01"), member("ORG-B", "ORG-C")]

    problems = reasons(find_membership_problems(stored, [member("ORG-C", "ORG-A", "2024-01-01", "2024-12-31")]))

    assert problems == {
        0: "the membership of ORG-C in ORG-A would make a cycle: ORG-A is already a member of ORG-C "
        "(ORG-A → ORG-B → ORG-C, each a member of the next) during 2024-01-01 to 2024-12-31"
    }


def test_a_membership_cycle_through_an_ended_membership_is_no_cycle():
    stored = [member("ORG-A", "ORG-B", None, "2023-12-31"), member("ORG-B", "ORG-C")]

    assert reasons(find_membership_problems(stored, [member("ORG-C", "ORG-A", "2024-01-01")])) == {}


def test_a_membership_cycle_through_either_of_two_associations_is_found():
    stored = [
        member("ORG-A", "ORG-B", None, "2023-12-31"),
        member("ORG-A", "ORG-D", "2024-01-01"),
        member("ORG-B", "ORG-C"),
        member("ORG-D", "ORG-C"),
    ]

    problems = reasons(find_membership_problems(stored, [member("ORG-C", "ORG-A", "2024-06-01")]))

    assert "(ORG-A → ORG-D → ORG-C, each a member of the next) during 2024-06-01 to (open)" in problems[0]


def test_an_update_of_a_stored_membership_replaces_it():
    stored = [member("ORG-A", "ORG-C", "2020-01-01")]
    ending = member("ORG-A", "ORG-C", "2020-01-01", "2023-12-31")
    reversed_later = member("ORG-C", "ORG-A", "2024-01-01")

    assert reasons(find_membership_problems(stored, [ending, reversed_later])) == {}
    assert set(reasons(find_membership_problems(stored, [reversed_later, ending]))) == {0}


def test_keep_on_a_membership_takes_the_stored_dates():
    stored = [member("ORG-A", "ORG-C", "2020-01-01", "2023-12-31")]
    kept = Membership("ORG-A", "ORG-C", KEEP, KEEP)

    assert reasons(find_membership_problems(stored, [kept, member("ORG-C", "ORG-A", "2024-01-01")])) == {}
    assert set(reasons(find_membership_problems(stored, [kept, member("ORG-C", "ORG-A", "2023-12-31")]))) == {1}


@pytest.mark.parametrize("order", [1, -1])
def test_an_organisation_reached_again_on_other_days_is_searched_again(order):
    # ORG-1 moved from X1 to X2, both under Y; Y was under ORG-5 only in June, while ORG-1 was under X2.
    parents = [link("X1", "ORG-1", "2024-01-01", "2024-03-31"), link("X2", "ORG-1", "2024-04-01", "2024-12-31")]
    stored = [*parents[::order], link("Y", "X1"), link("Y", "X2"), link("ORG-5", "Y", "2024-06-01", "2024-06-30")]

    problems = reasons(find_parent_problems(stored, [link("ORG-1", "ORG-5", "2024-01-01", "2024-12-31")]))

    assert problems[0].endswith("(ORG-5 → Y → X2 → ORG-1) during 2024-06-01 to 2024-06-30")


# --- each problem says which rule it breaks, and which field when a value does -------------------


@pytest.mark.parametrize(
    ("problems", "cause", "field"),
    [
        (lambda: find_parent_problems([], [link("ORG-1", "ORG-1")]), Cause.SELF, None),
        (lambda: find_parent_problems([], [link("ORG-1", "ORG-2", kind="franchise")]), Cause.KIND, "kind"),
        (
            lambda: find_parent_problems([], [link("ORG-1", "ORG-2", "2024-02-01", "2024-01-31")]),
            Cause.PERIOD,
            "valid_to",
        ),
        (lambda: find_parent_problems([], [link("ORG-1", "ORG-2", share=150)]), Cause.SHARE, "share"),
        (lambda: find_parent_problems([], [link("ORG-1", "ORG-2", kind="branch", share=5)]), Cause.SHARE, "share"),
        (lambda: find_parent_problems([link("ORG-9", "ORG-2")], [link("ORG-1", "ORG-2")]), Cause.PARENT, None),
        (lambda: find_parent_problems([link("ORG-1", "ORG-2")], [link("ORG-2", "ORG-1")]), Cause.CYCLE, None),
        (lambda: find_membership_problems([], [member("ORG-1", "ORG-1")]), Cause.SELF, None),
        (
            lambda: find_membership_problems([], [member("ORG-1", "ORG-2", "2024-02-01", "2024-01-31")]),
            Cause.PERIOD,
            "valid_to",
        ),
        (lambda: find_membership_problems([member("ORG-1", "ORG-2")], [member("ORG-2", "ORG-1")]), Cause.CYCLE, None),
    ],
    ids=[
        "self",
        "kind",
        "period",
        "share range",
        "share on branch",
        "second parent",
        "cycle",
        "self membership",
        "membership period",
        "membership cycle",
    ],
)
def test_a_problem_names_its_rule_and_field(problems, cause, field):
    (problem,) = problems().values()

    assert (problem.cause, problem.field) == (cause, field)

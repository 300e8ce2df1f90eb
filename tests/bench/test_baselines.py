"""The baselines by hand: a wrong baseline would make every ratio of the bench meaningless."""

import datetime
from pathlib import Path

import pytest

from bench import baselines
from bench.data import Booking, Dataset, ParentPeriod

# H holds S until the end of 2024 (inclusive); from 2025 N holds S. B is a branch of S throughout.
PARENTS = [
    ParentPeriod("H", "S", None, "2024-12-31"),
    ParentPeriod("N", "S", "2025-01-01", None),
    ParentPeriod("S", "B", None, None),
    ParentPeriod("H", "L", "2025-03-01", "2025-03-31"),
]
BOOKINGS = [
    Booking("H", "2025-01", 100, 10),
    Booking("S", "2025-01", 1000, 100),
    Booking("B", "2025-02", 500, 50),
    Booking("B", "2025-02", -50, -5),
    Booking("N", "2025-03", 7, 1),
    Booking("L", "2025-03", 40, 4),
    Booking("L", "2024-12", 999, 99),
]


def dataset() -> Dataset:
    return Dataset(
        directory=Path("."),
        organisations=["B", "H", "L", "N", "S"],
        parents=PARENTS,
        bookings=BOOKINGS,
        groups={},
        reps=[],
        admins=[],
        as_of=datetime.date(2025, 3, 31),
        first="2025-01",
        last="2025-03",
    )


@pytest.fixture(params=["memory", "sqlite"])
def baseline(request, tmp_path):
    found = baselines.InMemory(dataset()) if request.param == "memory" else baselines.sqlite(dataset(), tmp_path)
    yield found
    found.close()


def test_ancestors_follow_the_links_valid_that_day_both_ends_inclusive(baseline):
    assert baseline.ancestors("B", "2024-12-31") == ("S", "H")
    assert baseline.ancestors("B", "2025-01-01") == ("S", "N")
    assert baseline.ancestors("H", "2025-01-01") == ()
    assert baseline.ancestors("L", "2025-03-31") == ("H",)
    assert baseline.ancestors("L", "2025-04-01") == ()


def test_group_rollup_sums_the_whole_group_of_that_day_for_every_month(baseline):
    assert baseline.group_rollup("B", "2025-03-31", "2025-01", "2025-03").series == (
        ("2025-01", 1000, 100),
        ("2025-02", 450, 45),
        ("2025-03", 7, 1),
    )
    assert baseline.group_rollup("L", "2025-03-15", "2024-12", "2025-03").series == (
        ("2024-12", 999, 99),
        ("2025-01", 100, 10),
        ("2025-02", 0, 0),
        ("2025-03", 40, 4),
    )


def test_ranking_orders_groups_by_revenue_with_abc_classes(baseline):
    found = baseline.ranking("2025-03-31", "2025-01", "2025-03", 80, 15, 10)

    assert found.group_count == 2
    assert (found.revenue, found.gross_profit) == (1597, 160)
    # Nothing comes before N's group: A. The groups before H's make 1,457 of 1,597 (91 %), under 80 + 15: B.
    assert found.top == (("N", 1457, "A"), ("H", 140, "B"))
    assert baseline.ranking("2025-03-31", "2025-01", "2025-03", 80, 10, 10).top[1] == ("H", 140, "C")


def test_ranking_puts_an_organisation_without_parent_or_children_in_a_group_of_its_own(baseline):
    found = baseline.ranking("2025-04-01", "2025-01", "2025-03", 50, 45, 1)

    assert found.group_count == 3
    assert found.top == (("N", 1457, "A"),)


def test_set_parent_ends_the_period_in_force_the_day_before_and_opens_the_new_one(baseline):
    # Act: from 2025-03-10 on, L (H's child in March) belongs to N.
    baseline.set_parent("L", "N", "2025-03-10")

    # Assert
    assert baseline.ancestors("L", "2025-03-09") == ("H",)
    assert baseline.ancestors("L", "2025-03-10") == ("N",)
    assert baseline.ancestors("L", "2025-04-01") == ("N",)
    assert baseline.group_rollup("N", "2025-03-31", "2025-03", "2025-03").series == (("2025-03", 47, 5),)
    assert baseline.group_rollup("H", "2025-03-31", "2025-03", "2025-03").series == (("2025-03", 0, 0),)


def test_set_parent_back_and_forth_keeps_the_history(baseline):
    baseline.set_parent("S", "H", "2025-02-01")
    baseline.set_parent("S", "N", "2025-03-01")

    assert baseline.ancestors("B", "2025-01-31") == ("S", "N")
    assert baseline.ancestors("B", "2025-02-28") == ("S", "H")
    assert baseline.ancestors("B", "2025-03-01") == ("S", "N")


def test_set_parent_to_the_parent_in_force_changes_nothing(baseline):
    baseline.set_parent("S", "N", "2025-02-01")

    assert baseline.ancestors("S", "2025-01-15") == ("N",)


def test_set_parent_refuses_a_second_parent_on_the_day_a_period_begins(baseline):
    with pytest.raises(ValueError):
        baseline.set_parent("S", "H", "2025-01-01")


def test_added_bookings_count_in_the_group_rollup(baseline):
    baseline.add_bookings([Booking("B", "2025-03", 25, 2), Booking("N", "2025-03", 3, 0)])

    assert baseline.group_rollup("N", "2025-03-31", "2025-03", "2025-03").series == (("2025-03", 35, 3),)

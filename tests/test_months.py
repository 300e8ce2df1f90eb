"""Period ranges: their defaults, the calendar's ends and the input they refuse."""

import datetime

import pytest

from graph import months
from graph.errors import InvalidInput

MARCH_15 = datetime.date(2024, 3, 15)


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (None, None, ("2023-04", "2024-03", 12)),  # the year up to the month of as_of
        (None, "2024-12", ("2024-01", "2024-12", 12)),  # eleven months before `to`
        ("2024-01", None, ("2024-01", "2024-03", 3)),  # up to the month of as_of
        ("2023-11", "2024-02", ("2023-11", "2024-02", 4)),
        ("2024-05", "2024-05", ("2024-05", "2024-05", 1)),
        ("1925-01", "2024-12", ("1925-01", "2024-12", months.MAX_PERIODS)),
    ],
)
def test_a_period_range_holds_every_month_from_its_first_to_its_last(first, last, expected):
    periods = months.period_range(first, last, as_of=MARCH_15)

    assert (periods[0], periods[-1], len(periods)) == expected
    assert periods == sorted(set(periods))


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (datetime.date(1, 3, 1), ("0001-01", "0001-03", 3)),  # no year 0: the default year is cut at 0001-01
        (datetime.date(9999, 12, 31), ("9999-01", "9999-12", 12)),
    ],
)
def test_the_default_year_stays_within_the_calendar(as_of, expected):
    periods = months.period_range(None, None, as_of=as_of)

    assert (periods[0], periods[-1], len(periods)) == expected


@pytest.mark.parametrize(
    "period",
    ["2024-13", "2024-00", "24-01", "2024-1", "2024/01", "", "2024-01-01", " 2024-01", "2024-01\n", "２０２４-01"],
)
def test_a_period_not_written_yyyy_mm_is_refused(period):
    for first, last in ((period, "2024-12"), ("2024-01", period)):
        with pytest.raises(InvalidInput, match="YYYY-MM"):
            months.period_range(first, last, as_of=MARCH_15)


@pytest.mark.parametrize(
    ("first", "last", "reason"),
    [
        ("2024-05", "2024-04", "from 2024-05 comes after to 2024-04"),
        ("2024-04", None, "from 2024-04 comes after to 2024-03"),  # `to` defaults to March, the month of as_of
        ("1924-12", "2024-12", "at most 1,200 months, not 1,201"),
    ],
)
def test_a_range_backwards_or_too_long_is_refused(first, last, reason):
    with pytest.raises(InvalidInput, match=reason):
        months.period_range(first, last, as_of=MARCH_15)

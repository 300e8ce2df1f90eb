"""Months as revenue counts them: `YYYY-MM` periods, their numbers, and the checked ranges a question asks for.

A month's number is year * 12 + month - 1, so that months compare and subtract as plain integers: the snapshot's
ledger numbers its columns by them. A range is every month from a first to a last, both inclusive; the rollups, the
groups ranking and the tree's levels read theirs with :func:`period_range`, so that every revenue answer takes the
same defaults and refuses the same input.
"""

import datetime
import re

from graph.errors import InvalidInput

# The longest period range a rollup takes: a hundred years of months.
MAX_PERIODS = 1200
# ASCII digits only, matched whole: `\d` takes other scripts' digits and `$` a trailing newline.
PERIOD = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def number(period: str) -> int:
    """Return the number of a `YYYY-MM` period: year * 12 + month - 1."""
    return int(period[:4]) * 12 + int(period[5:7]) - 1


def period_of(month: int) -> str:
    """Return the `YYYY-MM` period of a month number (:func:`number`)."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


FIRST_MONTH = number("0001-01")


def period_range(first: str | None, last: str | None, *, as_of: datetime.date) -> list[str]:
    """Return every month from `first` to `last`, both `YYYY-MM` and inclusive.

    `last` defaults to the month of `as_of`, `first` to eleven months before `last` (a year).

    Raises:
        InvalidInput: a period is not `YYYY-MM`, `first` comes after `last`, or the range is longer than MAX_PERIODS.
    """
    end = _number(last, "to") if last is not None else as_of.year * 12 + as_of.month - 1
    # The default year is cut at the calendar's first month: there is no year 0.
    start = _number(first, "from") if first is not None else max(end - 11, FIRST_MONTH)
    if start > end:
        raise InvalidInput(f"from {period_of(start)} comes after to {period_of(end)}")
    if end - start + 1 > MAX_PERIODS:
        raise InvalidInput(f"a range of at most {MAX_PERIODS:,} months, not {end - start + 1:,}")
    return [period_of(month) for month in range(start, end + 1)]


def ends(periods: list[str]) -> tuple[int, int]:
    """Return the month numbers of the first and the last period of a range."""
    return number(periods[0]), number(periods[-1])


def _number(period: str, name: str) -> int:
    found = PERIOD.fullmatch(period)
    if found is None:
        raise InvalidInput(f"{name} must be a period YYYY-MM, not {period!r}")
    return number(period)

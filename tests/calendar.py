"""Test days spread over the whole calendar, so that tests on random graphs compare days centuries apart.

Day `n` of a test (-1 to 10) is the n-th of these days, in order, so a reference that compares the numbers compares
the days. FalkorDB's own dates compared days more than about 68 years apart wrongly (graph/days.py); consecutive
days of one year never showed it.
"""

import datetime

SPREAD = (
    datetime.date(1, 1, 1),
    datetime.date(1, 1, 2),
    datetime.date(339, 8, 10),
    datetime.date(1901, 1, 1),
    datetime.date(1928, 9, 30),
    datetime.date(1969, 12, 31),
    datetime.date(2000, 2, 29),
    datetime.date(2024, 1, 1),
    datetime.date(2026, 12, 7),
    datetime.date(2068, 2, 1),
    datetime.date(9999, 12, 30),
    datetime.date(9999, 12, 31),
)
FIRST_NUMBER = -1


def day(number: int) -> datetime.date:
    """Return test day `number`, from -1 (0001-01-01) to 10 (9999-12-31)."""
    return SPREAD[number - FIRST_NUMBER]

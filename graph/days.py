"""Days as the graph stores them: whole numbers, the same on both engines.

A day is stored as its day number, Python's proleptic Gregorian ordinal (`datetime.date.toordinal`): 0001-01-01 is
day 1 and 9999-12-31 day 3,652,059. Every day a file or a request can name compares right with every other as a
plain integer, on either engine. FalkorDB's own dates do not: it compares two dates more than about 68 years apart
wrongly (`date('1928-09-30') <= date('2026-12-07')` is false), so an ERP's open end 9999-12-31 or a group founded in
1901 would vanish (docs/hierarchy.md, "Days"). Dates go in as `datetime.date` and the store turns them into day
numbers; what a query returns of a dated property is a day number, which :func:`date_of` turns back.
"""

import datetime

FIRST_DAY = datetime.date.min.toordinal()
LAST_DAY = datetime.date.max.toordinal()


def number(day: datetime.date) -> int:
    """Return the day number of `day`."""
    return day.toordinal()


def date_of(day_number: int | None) -> datetime.date | None:
    """Return the date of a stored day number; None (an open end) stays None.

    Raises:
        ValueError: the number is not a day from 0001-01-01 to 9999-12-31.
    """
    if day_number is None:
        return None
    return datetime.date.fromordinal(day_number)

"""What the routes share: path and query parameters, and the page of a report."""

import dataclasses
import datetime
import re
from collections.abc import Callable, Iterable
from typing import Annotated

from fastapi import Depends, Path, Query
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, WithJsonSchema

from api.deps import TodayDep
from api.models import FromService
from graph import access, contacts, paging, territories, visibility
from graph.errors import NotFound
from graph.schema.properties import KEY_PATTERN, is_key


def _missing_unless_key(missing: Callable[[str], NotFound]) -> AfterValidator:
    """Return a check that answers a value no key can be (a NUL byte, a blank…) with `missing(value)`.

    Such a value is never sent to the engine, which would fail on it (FalkorDB cuts a query's text at a NUL
    byte); its form tells nothing about what exists, so it answers 404 whoever asks, before any rights check.
    """

    def check(value: str) -> str:
        if not is_key(value):
            raise missing(value)
        return value

    return AfterValidator(check)


OrganisationKey = Annotated[
    str,
    Path(description="The organisation's key (a merged duplicate's key resolves too)."),
    _missing_unless_key(visibility.not_found),
]
ContactKey = Annotated[str, Path(description="The contact's key."), _missing_unless_key(contacts.not_found)]
TerritoryKey = Annotated[str, Path(description="The territory's key."), _missing_unless_key(territories.not_found)]
UserKey = Annotated[str, Path(description="The user's key."), _missing_unless_key(access.no_user)]
# A key in a request's body that is no key at all is invalid input (422), not a missing object.
KeyField = Annotated[str, Field(pattern=f"^{KEY_PATTERN}$")]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def given(value: object) -> object:
    """Return None for an empty query parameter (`?cursor=`): an empty value means "not given", as it does in forms."""
    return None if value == "" else value


def _day(value: object) -> object:
    """Return the day of `YYYY-MM-DD` (None for an empty value); refuse anything else, numbers included.

    pydantic alone would read `-1.4e-45` as a Unix time, 1970-01-01.
    """
    if value is None or value == "" or isinstance(value, datetime.date):
        return value or None
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        raise ValueError("must be a day YYYY-MM-DD")
    return datetime.date.fromisoformat(value)


def choices(values: Iterable[str]) -> str:
    """Return the pattern of a comma-separated list of `values`, empty included."""
    one = "|".join(sorted(values))
    return rf"^\s*(({one})\s*(,\s*({one})\s*)*)?$"


# A day in a query, or nothing (empty): the schema says so, so that clients and schemathesis know "" is allowed.
OptionalDay = Annotated[
    datetime.date | None,
    BeforeValidator(_day),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "maxLength": 0}]}),
]
AsOf = Annotated[OptionalDay, Query(description="The day whose structure counts [today].")]
# A cursor is base64url without padding (graph/paging.py); empty is no cursor.
Cursor = Annotated[
    Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]*$")] | None,
    BeforeValidator(given),
    Query(description="`next_cursor` of the page before."),
]
Limit = Annotated[int, Query(ge=1, le=paging.MAX_LIMIT, description="The most items on a page.")]


class OrganisationRef(FromService):
    """An organisation named by its key."""

    key: str
    name: str


def day(as_of: datetime.date | None, today: datetime.date) -> datetime.date:
    """Return the day a read sees: `as_of`, or today by the app's clock (`TodayDep`, `Viewer.today`)."""
    return as_of or today


@dataclasses.dataclass(frozen=True, slots=True)
class ReportPage:
    """What a page of a report on the whole graph asks: the day (today when not given), the cursor and the limit."""

    as_of: datetime.date
    cursor: str | None
    limit: int


async def report_page(today: TodayDep, as_of: AsOf = None, cursor: Cursor = None, limit: Limit = 1000) -> ReportPage:
    """Return the query parameters of a report's page, its day resolved by the app's clock."""
    return ReportPage(day(as_of, today), cursor, limit)


ReportPageDep = Annotated[ReportPage, Depends(report_page)]

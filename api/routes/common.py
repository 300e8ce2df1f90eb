"""What the organisation and contact routes share: path and query parameters, and key resolution."""

import datetime
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Path, Query
from pydantic import BaseModel

from graph import duplicates, paging
from graph.errors import NotFound
from graph.store import Store

Answer = TypeVar("Answer")

OrganisationKey = Annotated[str, Path(description="The organisation's key (a merged duplicate's key resolves too).")]
AsOf = Annotated[datetime.date | None, Query(description="The day whose structure counts [today].")]
Cursor = Annotated[str | None, Query(description="`next_cursor` of the page before.")]
Limit = Annotated[int, Query(ge=1, le=paging.MAX_LIMIT, description="The most items on a page.")]


class OrganisationRef(BaseModel):
    """An organisation named by its key."""

    key: str
    name: str


def day(as_of: datetime.date | None) -> datetime.date:
    """Return the day a read sees: `as_of`, or today."""
    return as_of or datetime.date.today()


async def for_organisation(store: Store, key: str, read: Callable[[str], Awaitable[Answer]]) -> Answer:
    """Return `read(key)`; when no organisation has the key but it is a merged duplicate's, `read(survivor)`.

    A survivor the caller may not see answers with the error for `key`, so that the error names only the key asked.
    """
    try:
        return await read(key)
    except NotFound as missing:
        survivor = await duplicates.resolve_key(store, key=key)
        if survivor is None or survivor == key:
            raise
        try:
            return await read(survivor)
        except NotFound:
            raise missing from None

"""Activities: those about an organisation, its subtree or its group, a contact's, a user's follow-ups, and the last
contact with an organisation and its group (docs/activities.md).

Every answer is the calling user's view: an organisation or contact they may not see answers 404 like a missing one;
activities about organisations they may not see are left out and counted in `hidden_count`. A key of an organisation
merged into another still answers, for its survivor.
"""

import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from api import problems
from api.deps import SnapshotsDep, StoreDep, ViewerDep
from api.models import FromService
from api.routes.access import AUDITORS
from api.routes.common import (
    AsOf,
    ContactKey,
    Cursor,
    Limit,
    OptionalDay,
    OrganisationKey,
    OrganisationRef,
    UserKey,
    choices,
    day,
)
from graph import activities, documents, duplicates, paging
from graph.hierarchy import chains
from graph.schema.activity import ACTIVITY_STATUSES, ACTIVITY_TYPES

router = APIRouter(tags=["activities"])


class PersonRef(FromService):
    """A contact the activity was with, named by its key."""

    key: str
    first_name: str | None
    last_name: str


class UserRef(FromService):
    """The user an activity belongs to."""

    key: str
    name: str


class ActivityPublic(FromService):
    """An activity: what, when (the day it took place; for an open one the day it is due), about which organisation,
    with whom and whose."""

    key: str
    type: str
    status: str
    date: datetime.date
    subject: str | None
    organisation: OrganisationRef
    contacts: list[PersonRef]
    owner: UserRef | None


class ActivityPage(FromService):
    """One page of activities."""

    items: list[ActivityPublic]
    next_cursor: str | None
    hidden_count: int = Field(
        description="How many activities of the whole list, with the same filters, are about organisations the caller "
        "may not see: left out of every page."
    )


class LastContactPublic(FromService):
    """The latest done activity about an organisation and about its group, of those the caller sees."""

    key: str
    name: str
    last_contact: ActivityPublic | None = Field(description="The latest done activity about the organisation.")
    group_last_contact: ActivityPublic | None = Field(
        description="The latest done activity about an organisation of its group on `as_of` that the caller sees."
    )
    hidden_count: int = Field(
        description="How many organisations of the group the caller may not see: their activities do not count."
    )


def _values(text: str) -> frozenset[str] | None:
    """Return the values of a comma-separated list; None for none (no filter)."""
    return frozenset(value.strip() for value in text.split(",") if value.strip()) or None


async def filters(
    status: Annotated[
        str,
        Query(pattern=choices(ACTIVITY_STATUSES), description="Only these statuses, comma-separated: `open`, `done`."),
    ] = "",
    type_: Annotated[
        str,
        Query(
            alias="type",
            pattern=choices(ACTIVITY_TYPES),
            description="Only these types, comma-separated: `call`, `meeting`, `email`, `offer`, `task`, `note`.",
        ),
    ] = "",
    first: Annotated[OptionalDay, Query(alias="from", description="Only those on this day or later.")] = None,
    last: Annotated[OptionalDay, Query(alias="to", description="Only those on this day or earlier.")] = None,
) -> activities.Filters:
    """Return the filters of an activity list from its query parameters."""
    return activities.Filters(_values(status), _values(type_), first, last)


FiltersDep = Annotated[activities.Filters, Depends(filters)]


@router.get("/organisations/{key}/activities", response_model=ActivityPage, responses=problems.responses(404))
async def get_organisation_activities(
    store: StoreDep,
    snapshots: SnapshotsDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    chosen: FiltersDep,
    scope: Annotated[
        chains.Scope,
        Query(
            description="`self`: about the organisation; `subtree`: also about every descendant; `group`: about "
            "everything under its root."
        ),
    ] = chains.Scope.SELF,
    as_of: AsOf = None,
    cursor: Cursor = None,
    limit: Limit = paging.DEFAULT_LIMIT,
) -> ActivityPage:
    """List the activities about an organisation, its subtree or its group on `as_of`, newest first.

    Only those about organisations the caller sees are listed; `hidden_count` counts the others that pass the filters.
    """
    page = await duplicates.following_merges(activities.of_organisation)(
        store,
        snapshots=snapshots,
        key=key,
        as_of=day(as_of, viewer.today),
        scope=scope,
        filters=chosen,
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )
    return ActivityPage.model_validate(documents.activities_page(page))


@router.get("/organisations/{key}/last-contact", response_model=LastContactPublic, responses=problems.responses(404))
async def get_last_contact(
    store: StoreDep, snapshots: SnapshotsDep, viewer: ViewerDep, key: OrganisationKey, as_of: AsOf = None
) -> LastContactPublic:
    """Return the latest done activity about an organisation, and about any organisation of its group on `as_of`.

    Only activities about organisations the caller sees count; `hidden_count` counts the organisations of the group
    they may not see.
    """
    found = await duplicates.following_merges(activities.last_contact)(
        store, snapshots=snapshots, key=key, as_of=day(as_of, viewer.today), viewer=viewer
    )
    return LastContactPublic.model_validate(found)


@router.get("/contacts/{key}/activities", response_model=ActivityPage, responses=problems.responses(404))
async def get_contact_activities(
    store: StoreDep,
    viewer: ViewerDep,
    key: ContactKey,
    chosen: FiltersDep,
    cursor: Cursor = None,
    limit: Limit = paging.DEFAULT_LIMIT,
) -> ActivityPage:
    """List the activities a contact was with, about whichever organisation, newest first.

    Only those about organisations the caller sees are listed; `hidden_count` counts the others that pass the filters.
    """
    page = await activities.of_contact(store, key=key, filters=chosen, cursor=cursor, limit=limit, viewer=viewer)
    return ActivityPage.model_validate(documents.activities_page(page))


@router.get(
    "/users/{key}/follow-ups",
    response_model=ActivityPage,
    responses=problems.described({403: AUDITORS}) | problems.responses(404),
)
async def get_follow_ups(
    store: StoreDep,
    viewer: ViewerDep,
    key: UserKey,
    due_before: Annotated[OptionalDay, Query(description="The last day due, inclusive [today].")] = None,
    cursor: Cursor = None,
    limit: Limit = paging.DEFAULT_LIMIT,
) -> ActivityPage:
    """List a user's follow-ups, the oldest due first: the open activities due by `due_before` that the user owns, or
    that a user they substitute for today owns.

    For the user, their manager, analysts and admins; only those about organisations the caller sees are listed.
    """
    page = await activities.follow_ups(
        store,
        user_key=key,
        due_before=day(due_before, viewer.today),
        today=viewer.today,
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )
    return ActivityPage.model_validate(documents.activities_page(page))

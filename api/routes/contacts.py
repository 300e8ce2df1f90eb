"""Contacts: those of an organisation, its subtree or its group, and one contact with its employments.

Every answer is the calling user's view (docs/contacts.md, "Visibility"): an organisation or contact they may not
see answers 404 like a missing one; employments at organisations they may not see are left out and counted in
`hidden_count`.
A key of an organisation merged into another still answers, for its survivor.
"""

import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api import problems
from api.deps import SnapshotsDep, StoreDep, ViewerDep
from api.models import FromService, read_in_parts
from api.routes.common import AsOf, ContactKey, Cursor, Limit, OrganisationKey, day
from graph import contacts, duplicates, paging

# Every route takes a key.
router = APIRouter(tags=["contacts"], responses=problems.responses(404))


class PersonPublic(FromService):
    """A contact's own fields."""

    key: str
    first_name: str | None
    last_name: str
    email: str | None
    phone: str | None


class EmploymentPublic(FromService):
    """An employment: where, as what, from when to when (inclusive), and whether it is current on `as_of`."""

    organisation_key: str
    organisation_name: str
    role: str | None
    department: str | None
    is_main_contact: bool
    since: datetime.date | None
    until: datetime.date | None
    current: bool


class EmployeePublic(EmploymentPublic, PersonPublic):
    """A contact with one of its employments: one item per employment."""

    model_config = read_in_parts(person=PersonPublic, employment=EmploymentPublic)


class EmployeePage(FromService):
    """One page of contacts: by organisation as in the subtree, main contacts first, then by name."""

    items: list[EmployeePublic]
    next_cursor: str | None
    hidden_count: int


class ContactPublic(PersonPublic):
    """A contact with every employment it has had, by `since` (an open start first), then organisation key."""

    model_config = read_in_parts(person=PersonPublic)

    employments: list[EmploymentPublic]
    hidden_count: int


@router.get("/organisations/{key}/contacts", response_model=EmployeePage)
async def get_organisation_contacts(
    store: StoreDep,
    snapshots: SnapshotsDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    scope: Annotated[
        contacts.Scope,
        Query(description="`self`: its own; `subtree`: with every descendant; `group`: everything under its root."),
    ] = contacts.Scope.SELF,
    include_former: Annotated[bool, Query(description="Also list employments that ended before `as_of`.")] = False,
    as_of: AsOf = None,
    cursor: Cursor = None,
    limit: Limit = paging.DEFAULT_LIMIT,
) -> EmployeePage:
    """List the contacts working at an organisation, its subtree or its group, one item per employment."""
    page = await duplicates.following_merges(contacts.of_organisation)(
        store,
        snapshots=snapshots,
        key=key,
        as_of=day(as_of, viewer.today),
        scope=scope,
        include_former=include_former,
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )
    return EmployeePage.model_validate(page)


@router.get("/contacts/{key}", response_model=ContactPublic)
async def get_contact(store: StoreDep, viewer: ViewerDep, key: ContactKey, as_of: AsOf = None) -> ContactPublic:
    """Return a contact with its employment history, each employment marked current or not on `as_of`."""
    found = await contacts.contact(store, key=key, as_of=day(as_of, viewer.today), viewer=viewer)
    return ContactPublic.model_validate(found)

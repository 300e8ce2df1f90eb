"""Explain and audit visibility: why a user sees an organisation, who sees it, a user's portfolio, one face.

Every answer is the caller's view too: an organisation the caller may not see answers 404 exactly like one that
does not exist, and a manager looking into a user's portfolio gets only what the manager sees (`hidden_count`).
`as_of` is the day a report describes; the caller's own rights are always those of the day of the request.
"""

import datetime
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api import problems
from api.deps import SeesEverything, SnapshotsDep, StoreDep, ViewerDep
from api.models import FromService, Overlay
from api.routes.common import AsOf, Cursor, Limit, OrganisationKey, ReportPageDep, UserKey, day
from graph import access, duplicates

router = APIRouter(tags=["visibility"])

AUDITORS = "The caller is not the user, their manager, an analyst or an admin."


class NodeStepPublic(FromService):
    """A node on the path: a user, a territory or an organisation; `note` says why a user alone grants access."""

    element: Literal["node"] = "node"
    label: str
    key: str
    name: str | None
    note: str | None = None


class LinkStepPublic(FromService):
    """A relationship on the path, from `start` to `end` as stored, with the properties that grant access."""

    element: Literal["relationship"] = "relationship"
    type: str
    start: str
    end: str
    properties: dict[str, Any]


class AccessPublic(FromService):
    """Whether the user sees the organisation on the day, the chain that grants it (empty when not), and whose
    rights of which day were used."""

    visible: bool
    path: list[NodeStepPublic | LinkStepPublic]
    rights_as_of: datetime.date = Field(
        description="The day whose assignments, substitutions and structure the answer describes: `as_of`."
    )
    caller_rights_as_of: datetime.date = Field(
        description="The day of the request, whose rights let the caller ask about the user and see the organisation."
    )


class GrantPublic(FromService):
    """An assignment that shows the organisation: the user's own, or one of a user they cover for that day."""

    territory_key: str
    territory_name: str | None
    role: str
    substitutes_for: str | None
    cover_from: datetime.date | None
    cover_to: datetime.date | None


class OnlookerPublic(FromService):
    """A user who sees the organisation: by role (`sees_everything`), through `grants`, or both."""

    key: str
    name: str | None
    role: str
    sees_everything: bool
    grants: list[GrantPublic]


class OnlookerList(BaseModel):
    """The users who see an organisation, by key."""

    items: list[OnlookerPublic]
    hidden_count: int = 0


class HoldingPublic(FromService):
    """An organisation of a portfolio and the territory that gives it."""

    key: str
    name: str | None
    territory_key: str | None
    territory_name: str | None


class PortfolioPublic(FromService):
    """One page of a user's portfolio by key, its total, and how many more the caller may not see."""

    items: list[HoldingPublic]
    next_cursor: str | None
    total: int
    hidden_count: int


class OwnerPublic(FromService):
    """An owner of members of a group, and which members."""

    key: str
    name: str | None
    members: list[str]


class SplitGroupPublic(FromService):
    """A group whose members have more than one owner."""

    root_key: str
    name: str | None
    owners: list[OwnerPublic]


class SplitGroupPage(FromService):
    """One page of groups with more than one owner, by root key."""

    items: list[SplitGroupPublic]
    next_cursor: str | None


@router.get(
    "/access/{user_key}/organisations/{key}",
    response_model=AccessPublic,
    responses=problems.described({403: AUDITORS}) | problems.responses(404),
)
async def get_access(
    store: StoreDep,
    viewer: ViewerDep,
    user_key: UserKey,
    key: OrganisationKey,
    as_of: AsOf = None,
) -> AccessPublic:
    """Return whether a user sees an organisation on the day, and the shortest chain of nodes and links that grants it.

    For the user, their manager, analysts and admins; the organisation must be one the caller sees. The user's
    rights are those of `as_of` (`rights_as_of`), the caller's those of today (`caller_rights_as_of`).
    """
    explained = await duplicates.following_merges(access.explain)(
        store,
        user_key=user_key,
        key=key,
        as_of=day(as_of, viewer.today),
        inherit=viewer.inherit,
        viewer=viewer,
    )
    # The caller's day is the request's, which the service's answer does not hold.
    return AccessPublic.model_validate(Overlay(explained, caller_rights_as_of=viewer.today))


@router.get("/organisations/{key}/viewers", response_model=OnlookerList, responses=problems.responses(404))
async def get_viewers(store: StoreDep, viewer: ViewerDep, key: OrganisationKey, as_of: AsOf = None) -> OnlookerList:
    """List the users who see an organisation on the day, through which territories, and those who see everything."""
    onlookers = await duplicates.following_merges(access.viewers)(
        store, key=key, as_of=day(as_of, viewer.today), inherit=viewer.inherit, viewer=viewer
    )
    return OnlookerList(items=[OnlookerPublic.model_validate(onlooker) for onlooker in onlookers])


@router.get(
    "/users/{key}/organisations",
    response_model=PortfolioPublic,
    responses=problems.described({403: AUDITORS}) | problems.responses(404),
)
async def get_portfolio(
    store: StoreDep,
    snapshots: SnapshotsDep,
    viewer: ViewerDep,
    key: UserKey,
    as_of: AsOf = None,
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> PortfolioPublic:
    """List a user's portfolio on the day by key, a page at a time: what they hold through territories.

    For the user, their manager, analysts and admins; a manager gets only what they see themselves.
    """
    found = await access.portfolio(
        store,
        snapshots=snapshots,
        user_key=key,
        as_of=day(as_of, viewer.today),
        inherit=viewer.inherit,
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )
    return PortfolioPublic.model_validate(found)


@router.get("/reports/one-face", response_model=SplitGroupPage)
async def get_one_face(
    store: StoreDep, snapshots: SnapshotsDep, caller: SeesEverything, asked: ReportPageDep
) -> SplitGroupPage:
    """List the groups whose members have more than one owner on the day, by root key (analysts and admins)."""
    page = await access.one_face(store, snapshots=snapshots, as_of=asked.as_of, cursor=asked.cursor, limit=asked.limit)
    return SplitGroupPage.model_validate(page)

"""An organisation's connections as of a day: `/v1/organisations/{key}/memberships`, `/members`, `/suppliers`,
`/customers` and `/related`.

Every answer is the calling user's view (docs/connections.md, "Visibility"): an organisation they may not see
answers 404 like a missing one; links to what they may not see are left out and counted in `hidden_count`.
A key of a duplicate merged into another organisation still answers, for its survivor.
"""

import datetime
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Query

from api import problems
from api.deps import SnapshotsDep, StoreDep, ViewerDep
from api.models import FromService
from api.routes.common import AsOf, Cursor, Limit, OrganisationKey, day
from graph import connections, duplicates, visibility
from graph.store import Store

router = APIRouter(prefix="/organisations", tags=["connections"], responses=problems.responses(404))
PublicPage = TypeVar("PublicPage", bound=FromService)

ScopeParameter = Annotated[
    connections.Scope,
    Query(description="`self`: the organisation's own; `group`: those of every organisation in its group that day."),
]


class MembershipPublic(FromService):
    """The organisation at the other end of a membership, its kind, and the membership's validity."""

    key: str
    name: str | None
    kind: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class MembershipPage(FromService):
    """One page of memberships or members, by key."""

    items: list[MembershipPublic]
    next_cursor: str | None
    hidden_count: int


class SupplyPublic(FromService):
    """A supplier or customer, the link's dates and note, and the organisation of the scope at this end."""

    key: str
    name: str | None
    since: datetime.date | None
    until: datetime.date | None
    note: str | None
    via_key: str


class SupplyPage(FromService):
    """One page of suppliers or customers: one item per link, by key, then `via_key`."""

    items: list[SupplyPublic]
    next_cursor: str | None
    hidden_count: int


class RelatedPublic(FromService):
    """An organisation or contact linked by a custom relationship; `label` says which."""

    key: str
    name: str | None
    label: str
    type: str
    direction: str
    note: str | None


class RelatedPage(FromService):
    """One page of custom relationships in both directions, by key, then type, then direction."""

    items: list[RelatedPublic]
    next_cursor: str | None
    hidden_count: int


async def _answer(
    store: Store,
    viewer: visibility.Viewer,
    key: str,
    read: Callable[..., Awaitable[connections.Page]],
    model: type[PublicPage],
    *,
    as_of: datetime.date | None,
    **options,
) -> PublicPage:
    """Return the page `read` gives the viewer for the organisation `key` (or its survivor) on the day `as_of`
    (today when None) as the response model."""
    when = day(as_of, viewer.today)
    page = await duplicates.following_merges(read)(store, key=key, viewer=viewer, as_of=when, **options)
    return model.model_validate(page)


@router.get("/{key}/memberships", response_model=MembershipPage)
async def get_memberships(
    store: StoreDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    as_of: AsOf = None,
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> MembershipPage:
    """List the associations and chains an organisation is a direct member of, a page at a time."""
    return await _answer(
        store, viewer, key, connections.memberships, MembershipPage, as_of=as_of, cursor=cursor, limit=limit
    )


@router.get("/{key}/members", response_model=MembershipPage)
async def get_members(
    store: StoreDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    as_of: AsOf = None,
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> MembershipPage:
    """List the direct members of an association or chain, a page at a time."""
    return await _answer(
        store, viewer, key, connections.members, MembershipPage, as_of=as_of, cursor=cursor, limit=limit
    )


@router.get("/{key}/suppliers", response_model=SupplyPage)
async def get_suppliers(
    store: StoreDep,
    snapshots: SnapshotsDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    as_of: AsOf = None,
    scope: ScopeParameter = connections.Scope.SELF,
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> SupplyPage:
    """List who supplies an organisation or its group (links inside the group left out), one item per link."""
    return await _answer(
        store,
        viewer,
        key,
        connections.suppliers,
        SupplyPage,
        snapshots=snapshots,
        as_of=as_of,
        scope=scope,
        cursor=cursor,
        limit=limit,
    )


@router.get("/{key}/customers", response_model=SupplyPage)
async def get_customers(
    store: StoreDep,
    snapshots: SnapshotsDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    as_of: AsOf = None,
    scope: ScopeParameter = connections.Scope.SELF,
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> SupplyPage:
    """List whom an organisation or its group supplies (links inside the group left out), one item per link."""
    return await _answer(
        store,
        viewer,
        key,
        connections.customers,
        SupplyPage,
        snapshots=snapshots,
        as_of=as_of,
        scope=scope,
        cursor=cursor,
        limit=limit,
    )


@router.get("/{key}/related", response_model=RelatedPage)
async def get_related(
    store: StoreDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    as_of: AsOf = None,
    relationship_type: Annotated[
        str | None,
        Query(alias="type", description="Only links of this registered relationship type; empty for every type."),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> RelatedPage:
    """List the organisations and contacts linked to an organisation by custom relationships, both directions."""
    return await _answer(
        store,
        viewer,
        key,
        connections.related,
        RelatedPage,
        as_of=as_of,
        relationship_type=relationship_type or None,
        cursor=cursor,
        limit=limit,
    )

"""The corporate structure of an organisation, as of a day: `/v1/organisations/{key}/…`.

`hidden_count` is 0 until territory visibility lands; the field is part of the contract already.
A key of a duplicate merged into another organisation still answers, for its survivor.
"""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import StoreDep
from api.routes.common import AsOf, Cursor, Limit, OrganisationKey, OrganisationRef, day, for_organisation
from graph import hierarchy

router = APIRouter(prefix="/organisations", tags=["hierarchy"])


class AncestorPublic(BaseModel):
    """An ancestor: `kind` of the link below it on the way up, `depth` 1 for the parent."""

    key: str
    name: str
    kind: str | None
    depth: int


class AncestorList(BaseModel):
    """Ancestors, nearest first."""

    items: list[AncestorPublic]


class MemberPublic(BaseModel):
    """A descendant: the `kind` of the link from its parent, its depth and its parent's key."""

    key: str
    name: str
    kind: str
    depth: int
    parent_key: str


class DescendantPage(BaseModel):
    """One page of descendants, by depth then key."""

    items: list[MemberPublic]
    next_cursor: str | None
    hidden_count: int = 0


class GroupPublic(BaseModel):
    """The whole group under the root: one page of members and the count of all of them."""

    root: OrganisationRef
    members: list[MemberPublic]
    member_count: int
    next_cursor: str | None
    hidden_count: int = 0


def _members(page: hierarchy.Page) -> list[MemberPublic]:
    return [MemberPublic(**{field: getattr(item, field) for field in MemberPublic.model_fields}) for item in page.items]


@router.get("/{key}/ancestors", response_model=AncestorList)
async def get_ancestors(store: StoreDep, key: OrganisationKey, as_of: AsOf = None) -> AncestorList:
    """List the ancestors of an organisation up to its ultimate parent, nearest first."""
    nodes = await for_organisation(store, key, lambda found: hierarchy.ancestors(store, key=found, as_of=day(as_of)))
    return AncestorList(items=[AncestorPublic(key=n.key, name=n.name, kind=n.kind, depth=n.depth) for n in nodes])


@router.get("/{key}/root", response_model=OrganisationRef)
async def get_root(store: StoreDep, key: OrganisationKey, as_of: AsOf = None) -> OrganisationRef:
    """Return the ultimate parent of an organisation (itself when it has no parent that day)."""
    node = await for_organisation(store, key, lambda found: hierarchy.root(store, key=found, as_of=day(as_of)))
    return OrganisationRef(key=node.key, name=node.name)


@router.get("/{key}/descendants", response_model=DescendantPage)
async def get_descendants(
    store: StoreDep,
    key: OrganisationKey,
    as_of: AsOf = None,
    max_depth: Annotated[int | None, Query(ge=0)] = None,
    kinds: Annotated[
        str | None, Query(description="Follow only links of these kinds: `legal`, `branch`, comma-separated.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> DescendantPage:
    """List the descendants of an organisation with depth and parent, by depth then key, a page at a time."""
    chosen = {kind.strip() for kind in kinds.split(",") if kind.strip()} if kinds else None
    page = await for_organisation(
        store,
        key,
        lambda found: hierarchy.descendants(
            store, key=found, as_of=day(as_of), max_depth=max_depth, kinds=chosen, cursor=cursor, limit=limit
        ),
    )
    return DescendantPage(items=_members(page), next_cursor=page.next_cursor)


@router.get("/{key}/group", response_model=GroupPublic)
async def get_group(
    store: StoreDep, key: OrganisationKey, as_of: AsOf = None, cursor: Cursor = None, limit: Limit = 1000
) -> GroupPublic:
    """Return the root of an organisation's group and every member under it, a page at a time."""
    group = await for_organisation(
        store, key, lambda found: hierarchy.group(store, key=found, as_of=day(as_of), cursor=cursor, limit=limit)
    )
    return GroupPublic(
        root=OrganisationRef(key=group.root.key, name=group.root.name),
        members=_members(group.members),
        member_count=group.member_count,
        next_cursor=group.members.next_cursor,
    )

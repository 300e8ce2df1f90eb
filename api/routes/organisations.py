"""The corporate structure of an organisation, as of a day: `/v1/organisations/{key}/…`.

Every answer is the calling user's view (docs/hierarchy.md, "Visibility"): an organisation they may not see
answers 404 like a missing one; what they may not see is left out and counted in `hidden_count`.
A key of a duplicate merged into another organisation still answers, for its survivor.
"""

import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import AliasPath, BeforeValidator, Field, StringConstraints, model_validator

from api import problems
from api.deps import SearchIndexesDep, StoreDep, ViewerDep
from api.models import FromService, Overlay, properties_model, read_in_parts
from api.routes.common import (
    AsOf,
    Cursor,
    Limit,
    OrganisationKey,
    OrganisationRef,
    choices,
    day,
    given,
)
from graph import duplicates, search
from graph.hierarchy import reads
from graph.schema.organisation import PARENT_KINDS, Organisation

router = APIRouter(prefix="/organisations", tags=["hierarchy"], responses=problems.responses(404))


OrganisationProperties = properties_model(Organisation, "OrganisationProperties")


class ParentPublic(FromService):
    """The link to the parent on the day asked: the parent's key and name, and the link's kind and period."""

    key: str
    name: str
    kind: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    share: float | None


class OrganisationPublic(OrganisationProperties, FromService):
    """An organisation with its parent (null for a root, or hidden) and its number of children seen, on the day asked.

    `domestic_root`: its domestic ultimate parent as `/root?scope=domestic` gives it to the caller (itself when it
    is its own). `hidden_count`: how many of the parent and children the caller may not see.
    """

    parent: ParentPublic | None
    child_count: int
    domestic_root: OrganisationRef
    hidden_count: int

    @model_validator(mode="before")
    @classmethod
    def _properties_beside(cls, answer: object) -> object:
        """Read the stored properties, which the service's answer holds in a dict, beside the other fields."""
        if isinstance(answer, reads.Detail):
            return Overlay(answer, **answer.properties)
        return answer


class AncestorPublic(FromService):
    """An ancestor: `kind` of the link below it on the way up, `depth` 1 for the parent."""

    key: str
    name: str
    kind: str | None
    depth: int


class AncestorList(FromService):
    """Ancestors the caller sees, nearest first; `hidden_count` the others."""

    items: list[AncestorPublic] = Field(validation_alias="ancestors")
    hidden_count: int


class RootRef(OrganisationRef):
    """The root of a group as the caller sees it: the ultimate parent when they see it (`is_ultimate`), else
    the topmost organisation they see of the chain up from the organisation asked about."""

    key: str = Field(validation_alias=AliasPath("root", "key"))
    name: str = Field(validation_alias=AliasPath("root", "name"))
    is_ultimate: bool


class RootPublic(RootRef):
    """The root as the caller sees it; `hidden_count`: the ancestors above it that they may not see."""

    hidden_count: int = Field(validation_alias="hidden_above_root")


class DomesticRootPublic(RootPublic):
    """The domestic ultimate parent as the caller sees it: the topmost organisation they see of the chain up in the
    organisation's `country` (null when it has none: then the organisation itself). `is_ultimate`: nothing above it
    is hidden from them; else `hidden_count` ancestors above it are, whatever their country."""

    country: str | None


class MemberPublic(FromService):
    """A descendant: the `kind` of the link from its parent, its depth and its parent's key."""

    key: str
    name: str
    kind: str
    depth: int
    parent_key: str | None = Field(description="Null when the caller may not see the parent.")


class MemberPage(FromService):
    """One page of a list of organisations under a parent; `hidden_count` counts those of the whole list the
    caller may not see."""

    items: list[MemberPublic]
    next_cursor: str | None
    hidden_count: int


class TreeNodePublic(MemberPublic):
    """A descendant with the descendants below it on the same page."""

    model_config = read_in_parts(member=MemberPublic)

    children: list["TreeNodePublic"]


class DescendantTreePage(FromService):
    """One page of descendants as trees: the tops of the first page are the children of the organisation asked
    about; a later page's tops hang below members of earlier pages (their `parent_key`)."""

    items: list[TreeNodePublic]
    next_cursor: str | None
    hidden_count: int


class GroupPublic(FromService):
    """The whole group under the root: one page of members and the count of all of them that the caller sees;
    `hidden_count`: the organisations of the group, the ultimate root included, that they may not see."""

    root: RootRef
    members: list[MemberPublic] = Field(validation_alias=AliasPath("members", "items"))
    member_count: int
    next_cursor: str | None = Field(validation_alias=AliasPath("members", "next_cursor"))
    hidden_count: int

    @model_validator(mode="before")
    @classmethod
    def _root_from_group(cls, answer: object) -> object:
        """Read `root` from the whole group: whether the root is the ultimate one is the group's `is_ultimate`."""
        if isinstance(answer, reads.Group):
            return Overlay(answer, root=answer)
        return answer


class OrganisationSearchPage(FromService):
    """One page of the organisations found: the key match, then the VAT id matches, then the rest, each by name
    (case-insensitive) then key. Only organisations the caller sees are searched; no count says what else matched."""

    items: list[search.OrganisationHit]
    next_cursor: str | None


@router.get("", response_model=OrganisationSearchPage)
async def search_organisations(
    store: StoreDep,
    search_indexes: SearchIndexesDep,
    viewer: ViewerDep,
    q: Annotated[
        str | None,
        Query(description="Free text: a key, a VAT id, the start of a name, or the starts of words of a name."),
    ] = None,
    country: Annotated[
        Annotated[str, StringConstraints(pattern=r"^([A-Za-z]{2})?$")] | None,
        BeforeValidator(given),
        Query(description="ISO 3166-1 alpha-2 code the organisations must have."),
    ] = None,
    cursor: Cursor = None,
    limit: Limit = search.DEFAULT_LIMIT,
) -> OrganisationSearchPage:
    """Find the organisations the caller sees by key, VAT id, name prefix or word prefixes, and by country.

    At least one of `q` and `country` must be given (422 otherwise). See docs/search.md for the rules.
    """
    page = await search.organisations(
        store, indexes=search_indexes, q=q, country=country, viewer=viewer, cursor=cursor, limit=limit
    )
    return OrganisationSearchPage.model_validate(page)


@router.get("/{key}", response_model=OrganisationPublic)
async def get_organisation(
    store: StoreDep, viewer: ViewerDep, key: OrganisationKey, as_of: AsOf = None
) -> OrganisationPublic:
    """Return an organisation with its parent and its number of children on the day."""
    found = await duplicates.following_merges(reads.detail)(
        store, key=key, as_of=day(as_of, viewer.today), viewer=viewer
    )
    return OrganisationPublic.model_validate(found)


@router.get("/{key}/ancestors", response_model=AncestorList)
async def get_ancestors(store: StoreDep, viewer: ViewerDep, key: OrganisationKey, as_of: AsOf = None) -> AncestorList:
    """List the ancestors of an organisation up to its ultimate parent, nearest first."""
    found = await duplicates.following_merges(reads.ancestry)(
        store, key=key, as_of=day(as_of, viewer.today), viewer=viewer
    )
    return AncestorList.model_validate(found)


# Domestic first: a global answer lacks `country` and so is never read as a domestic one.
@router.get("/{key}/root", response_model=DomesticRootPublic | RootPublic)
async def get_root(
    store: StoreDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    as_of: AsOf = None,
    scope: Annotated[
        Literal["global", "domestic"],
        Query(description="`global`: the ultimate parent; `domestic`: the topmost one in the organisation's country."),
    ] = "global",
) -> DomesticRootPublic | RootPublic:
    """Return the ultimate parent of an organisation (itself when it has no parent that day), or the topmost
    organisation of its chain that the caller sees; with `scope=domestic`, the same within its country."""
    if scope == "domestic":
        domestic = await duplicates.following_merges(reads.domestic_root)(
            store, key=key, as_of=day(as_of, viewer.today), viewer=viewer
        )
        return DomesticRootPublic.model_validate(domestic)
    found = await duplicates.following_merges(reads.ancestry)(
        store, key=key, as_of=day(as_of, viewer.today), viewer=viewer
    )
    return RootPublic.model_validate(found)


@router.get("/{key}/descendants", response_model=MemberPage | DescendantTreePage)
async def get_descendants(
    store: StoreDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    as_of: AsOf = None,
    max_depth: Annotated[int | None, Query(ge=0)] = None,
    kinds: Annotated[
        Annotated[str, StringConstraints(pattern=choices(PARENT_KINDS))] | None,
        Query(description="Follow only links of these kinds: `legal`, `branch`, comma-separated."),
    ] = None,
    format: Annotated[
        Literal["flat", "tree"], Query(description="`flat`: a list by depth then key; `tree`: nested `children`.")
    ] = "flat",
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> MemberPage | DescendantTreePage:
    """List the descendants of an organisation with depth and parent, by depth then key, a page at a time.

    `format=tree` nests the same page: each item holds the items below it in `children`.
    """
    chosen = {kind.strip() for kind in kinds.split(",") if kind.strip()} if kinds else None
    page = await duplicates.following_merges(reads.descendants)(
        store,
        key=key,
        as_of=day(as_of, viewer.today),
        max_depth=max_depth,
        kinds=chosen,
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )
    if format == "tree":
        return DescendantTreePage.model_validate(Overlay(page, items=reads.nest(page.items)))
    return MemberPage.model_validate(page)


@router.get("/{key}/siblings", response_model=MemberPage)
async def get_siblings(
    store: StoreDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    as_of: AsOf = None,
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> MemberPage:
    """List the other children of the organisation's parent on the day (depth 0), by key, a page at a time."""
    page = await duplicates.following_merges(reads.siblings)(
        store, key=key, as_of=day(as_of, viewer.today), cursor=cursor, limit=limit, viewer=viewer
    )
    return MemberPage.model_validate(page)


@router.get("/{key}/group", response_model=GroupPublic)
async def get_group(
    store: StoreDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    as_of: AsOf = None,
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> GroupPublic:
    """Return the root of an organisation's group and every member under it, a page at a time."""
    group = await duplicates.following_merges(reads.group)(
        store, key=key, as_of=day(as_of, viewer.today), cursor=cursor, limit=limit, viewer=viewer
    )
    return GroupPublic.model_validate(group)

"""Changes to the corporate structure, for admins: `PUT` and `DELETE /v1/organisations/{key}/parent`.

The rules and what each change does are in :mod:`graph.structure`. A key of a duplicate merged
into another organisation stands for its survivor, in the path and as `parent_key`.
"""

import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api import problems
from api.deps import AdminUser, StoreDep
from api.models import FromService
from api.routes.common import KeyField, OptionalDay, OrganisationKey
from graph import duplicates, structure
from graph.hierarchy import rules

router = APIRouter(prefix="/organisations", tags=["structure"])

REFUSALS = problems.described(
    {
        403: "The caller's role is not `admin`.",
        404: "A key names no organisation, or there is no parent link to end that day.",
        409: "A second parent on a day, or a cycle: nothing was changed.",
        422: "A bad value: a self-link, an unknown kind, a share outside 0 to 100 or on a branch link.",
    }
)


class ParentRequest(BaseModel):
    """The parent an organisation gets from a day on."""

    parent_key: KeyField = Field(description="The parent's key.")
    kind: str = Field(rules.DEFAULT_KIND, description="`legal` (holding to subsidiary) or `branch`.")
    valid_from: datetime.date | None = Field(None, description="The first day of the link [today].")
    share: float | None = Field(None, description="Ownership in percent, 0 to 100; legal links only.")


class ParentLinkPublic(FromService):
    """One `PARENT_OF` period: dates inclusive, null open."""

    parent_key: str = Field(validation_alias="parent")
    child_key: str = Field(validation_alias="child")
    kind: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    share: float | None


class ParentChangePublic(FromService):
    """The link in force from `valid_from` on, and the link it ended the day before (null when none)."""

    link: ParentLinkPublic
    ended: ParentLinkPublic | None


@router.put("/{key}/parent", response_model=ParentChangePublic, responses=REFUSALS)
async def put_parent(
    store: StoreDep, caller: AdminUser, key: OrganisationKey, request: ParentRequest
) -> ParentChangePublic:
    """Give an organisation a parent from `valid_from` on; the link in force before is ended the day before.

    Setting the parent it already has, with the same kind and share, changes nothing. Admins only.
    """
    parent = await duplicates.resolve_key(store, key=request.parent_key) or request.parent_key
    change = await duplicates.following_merges(structure.set_parent, argument="child")(
        store, child=key, parent=parent, kind=request.kind, valid_from=request.valid_from, share=request.share
    )
    return ParentChangePublic.model_validate(change)


@router.delete("/{key}/parent", response_model=ParentLinkPublic, responses=REFUSALS)
async def delete_parent(
    store: StoreDep,
    caller: AdminUser,
    key: OrganisationKey,
    valid_to: Annotated[OptionalDay, Query(description="The link's last day [today].")] = None,
) -> ParentLinkPublic:
    """End the parent link in force on `valid_to`, on that day; the link and its history stay. Admins only."""
    ended = await duplicates.following_merges(structure.end_parent, argument="child")(
        store, child=key, valid_to=valid_to
    )
    return ParentLinkPublic.model_validate(ended)

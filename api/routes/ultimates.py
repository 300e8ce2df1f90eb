"""The report of declared against computed ultimate parents (docs/ultimates.md), for analysts and admins."""

import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import Field

from api import problems
from api.deps import SeesEverything, StoreDep
from api.models import FromService
from api.routes.common import ReportPageDep
from graph import ultimates

router = APIRouter(tags=["hierarchy"])


class MismatchPublic(FromService):
    """An organisation whose declared ultimate parent is not the root of its chain of direct links."""

    key: str
    name: str | None
    declared_ultimate_key: str
    declared_ultimate_name: str | None = Field(description="Null when no organisation has the declared key.")
    root_key: str = Field(description="The computed root: the top of the chain of direct links on the day.")
    reason: Literal["no_parent", "declared_has_parent", "chain_stops", "other_top"]
    chain: list[str] = Field(description="The keys from the organisation up to its computed root, both included.")


class MismatchPage(FromService):
    """One page of the report, ordered by key."""

    items: list[MismatchPublic]
    next_cursor: str | None
    total: int = Field(description="How many organisations the whole report lists.")
    checked: int = Field(description="How many organisations declare an ultimate parent.")
    as_of: datetime.date


@router.get(
    "/reports/ultimates",
    response_model=MismatchPage,
    responses=problems.described({403: "The caller is not an analyst or an admin."}),
)
async def get_ultimates(store: StoreDep, caller: SeesEverything, asked: ReportPageDep) -> MismatchPage:
    """List organisations whose declared ultimate parent is not their computed root, with why (analysts, admins)."""
    page = await ultimates.report(store, as_of=asked.as_of, cursor=asked.cursor, limit=asked.limit)
    return MismatchPage.model_validate(page)

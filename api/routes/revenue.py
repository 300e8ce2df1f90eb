"""Revenue rolled up over the structure, per territory and per portfolio, and the groups ranked.

`/v1/organisations/{key}/revenue`, `/v1/organisations/{key}/children` (one level with totals, graph/levels.py),
`/v1/organisations/{key}/levels` (the levels of a chain, the same module),
`/v1/territories/{key}/revenue`, `/v1/users/{key}/revenue`, `/v1/groups`.
Amounts are integer cents in graph.revenue; the answers are the documents of graph.documents, where they
become JSON numbers with at most two decimals. Every answer is the calling user's view:
organisations they may not see count nowhere, only in `hidden_count`.
"""

import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from api import problems
from api.deps import SettingsDep, SnapshotsDep, StoreDep, ViewerDep
from api.routes.common import (
    AsOf,
    Cursor,
    Limit,
    OrganisationKey,
    TerritoryKey,
    UserKey,
    choices,
    day,
    given,
)
from graph import documents, duplicates, levels, months, ranking, revenue

router = APIRouter(tags=["revenue"])
# A level's page: what the explorer shows before "show more".
LEVEL_LIMIT = 200

# A month, or nothing (empty).
Month = Annotated[str, StringConstraints(pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$")]
First = Annotated[
    Month | None,
    BeforeValidator(given),
    Query(alias="from", description="The first month, `YYYY-MM` [eleven months before `to`]."),
]
Last = Annotated[
    Month | None,
    BeforeValidator(given),
    Query(alias="to", description="The last month, `YYYY-MM`, inclusive [the month of as_of]."),
]
Top = Annotated[
    int, Query(ge=1, le=revenue.MAX_TOP, description="The most members listed; the others are summed in `rest`.")
]
LevelSort = Annotated[levels.Sort, Query(description="`key`, or `revenue`: subtree revenue, largest first, then key.")]
HeldBreakdown = Annotated[
    str,
    Query(
        pattern=choices(revenue.Breakdown),
        description="The parts beyond the totals, comma-separated: `period` (the monthly series), `member` (the "
        "largest members and the rest); empty for totals only.",
    ),
]


class FiguresPublic(BaseModel):
    """Revenue and gross profit in the reporting currency, as decimal numbers with at most two places."""

    revenue: float
    gross_profit: float


class RangePublic(BaseModel):
    """The months summed (`from`..`to`, both inclusive), the day whose structure counts, the currency."""

    model_config = ConfigDict(populate_by_name=True)

    first: str = Field(alias="from")
    last: str = Field(alias="to")
    as_of: datetime.date
    currency: str


class PeriodPublic(FiguresPublic):
    """One month of the range: what was booked in it (0 without bookings)."""

    period: str


class MemberFiguresPublic(FiguresPublic):
    """An organisation's share of the rollup."""

    key: str
    name: str | None


class RestPublic(FiguresPublic):
    """The organisations with bookings beyond the top N members, summed."""

    count: int


class TreeFiguresPublic(FiguresPublic):
    """An organisation with the subtotal of everything below it, itself included, and its own figures.

    A top the caller may not see has key and name null and no own figures.
    """

    key: str | None
    name: str | None
    own_revenue: float
    own_gross_profit: float
    children: list["TreeFiguresPublic"]


class RevenuePublic(RangePublic, FiguresPublic):
    """What an organisation's scope, a territory or a portfolio earned over `from`..`to`, as the caller sees it."""

    key: str
    name: str | None
    scope: revenue.Scope | revenue.HeldScope
    margin: float | None = Field(description="Gross profit in percent of revenue, two places; null without revenue.")
    last_purchase: str | None = Field(description="The latest month up to `to` with revenue above 0.")
    member_count: int
    periods: list[PeriodPublic]
    members: list[MemberFiguresPublic]
    rest: RestPublic | None
    tree: TreeFiguresPublic | None
    hidden_count: int = Field(description="How many organisations of the scope the caller may not see: none counts.")


class GroupPublic(FiguresPublic):
    """A group in the ranking: its root, totals, size, ABC class and rank (1 for the largest)."""

    root_key: str
    name: str | None
    member_count: int
    abc_class: str
    rank: int


class GroupPagePublic(RangePublic):
    """One page of the groups ranking, with the number of groups and the total of all of them."""

    items: list[GroupPublic]
    next_cursor: str | None
    group_count: int
    total_revenue: float
    total_gross_profit: float
    hidden_count: int = Field(description="How many organisations of all groups the caller may not see.")


class LevelItemPublic(BaseModel):
    """An organisation of a level: the link above it that day, its own figures and its subtree's as the caller sees
    it. Expandable when `member_count + hidden_count > 1`."""

    key: str
    name: str | None
    country: str | None
    kind: str
    share: float | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    parent_key: str | None = Field(description="Its parent that day; null when the caller may not see the parent.")
    depth: int = Field(
        description="Links below the organisation asked about: 1 for a child, more when hidden "
        "organisations lie between."
    )
    own: FiguresPublic
    total: FiguresPublic
    member_count: int = Field(description="Organisations of its subtree the caller sees, itself included.")
    hidden_count: int = Field(description="Organisations of its subtree the caller may not see.")


class LevelPage(RangePublic):
    """One page of the level below an organisation as the caller sees it, with subtree totals."""

    key: str
    name: str | None
    country: str | None
    own: FiguresPublic
    total: FiguresPublic
    member_count: int = Field(description="Organisations of its subtree the caller sees, itself included.")
    child_count: int = Field(description="Items of the whole level (every page).")
    hidden_count: int = Field(
        description="Organisations of its subtree the caller may not see whose nearest seen ancestor it is."
    )
    items: list[LevelItemPublic]
    next_cursor: str | None


class ChainLevelPage(LevelPage):
    """The first page of a level of a chain, with the item of the chain's next organisation wherever it is ranked."""

    chain_item: LevelItemPublic | None = Field(
        description="The next organisation of the chain in this level, on the first page or not; null in the level "
        "of the organisation asked about."
    )


class LevelChain(RangePublic):
    """The levels a tree unfolded down to an organisation shows: of it and of each ancestor the caller sees."""

    key: str
    hidden_count: int = Field(
        description="Ancestors above the topmost organisation of the chain (the first level's) the caller may not see."
    )
    levels: list[ChainLevelPage] = Field(description="The topmost organisation the caller sees first, this one last.")


def _parts(breakdown: str) -> list[str]:
    return [part.strip() for part in breakdown.split(",") if part.strip()]


@router.get("/organisations/{key}/revenue", response_model=RevenuePublic, responses=problems.responses(404))
async def get_revenue(
    store: StoreDep,
    snapshots: SnapshotsDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    first: First = None,
    last: Last = None,
    as_of: AsOf = None,
    scope: Annotated[
        revenue.Scope,
        Query(
            description="`self`: the organisation alone; `subtree`: it and everything below it; `group`: everything "
            "under its root; `association`: the association and its members that day."
        ),
    ] = revenue.Scope.SELF,
    breakdown: Annotated[
        str,
        Query(
            pattern=choices(revenue.Breakdown),
            description="The parts beyond the totals, comma-separated: `period` (the monthly series), `member` (the "
            "largest members and the rest), `tree` (a subtotal at every node); empty for totals only.",
        ),
    ] = "period,member",
    top: Top = revenue.DEFAULT_TOP,
) -> RevenuePublic:
    """Return the revenue, gross profit and margin of an organisation's scope over a range of months.

    Only the organisations the caller sees count; an organisation they may not see answers 404 like a missing one.
    """
    today = day(as_of, viewer.today)
    rollup = await duplicates.following_merges(revenue.rollup)(
        store,
        snapshots=snapshots,
        key=key,
        as_of=today,
        first=first,
        last=last,
        scope=scope,
        breakdown=_parts(breakdown),
        top=top,
        viewer=viewer,
    )
    return RevenuePublic.model_validate(documents.rollup(rollup, as_of=today, currency=settings.currency))


@router.get("/organisations/{key}/children", response_model=LevelPage, responses=problems.responses(404))
async def get_children(
    store: StoreDep,
    snapshots: SnapshotsDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    first: First = None,
    last: Last = None,
    as_of: AsOf = None,
    sort: LevelSort = levels.Sort.KEY,
    cursor: Cursor = None,
    limit: Limit = LEVEL_LIMIT,
) -> LevelPage:
    """List one level below an organisation as the caller sees it, each item with its subtree's revenue and size.

    An organisation the caller sees hangs under its nearest ancestor they see: the level holds those whose nearest
    seen ancestor is this one (`depth` > 1 when hidden organisations lie between), `hidden_count` the hidden ones.
    Answered from memory, so a level of a 100,000-member group opens without reading the group.
    """
    today = day(as_of, viewer.today)
    level = await duplicates.following_merges(levels.children)(
        store,
        snapshots=snapshots,
        key=key,
        as_of=today,
        first=first,
        last=last,
        sort=sort,
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )
    return LevelPage.model_validate(documents.level(level, as_of=today, currency=settings.currency))


@router.get("/organisations/{key}/levels", response_model=LevelChain, responses=problems.responses(404))
async def get_levels(
    store: StoreDep,
    snapshots: SnapshotsDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    key: OrganisationKey,
    first: First = None,
    last: Last = None,
    as_of: AsOf = None,
    sort: LevelSort = levels.Sort.KEY,
    limit: Limit = LEVEL_LIMIT,
) -> LevelChain:
    """List the levels a tree unfolded down to an organisation shows: its own and each seen ancestor's, in one call.

    The chain is the organisation, its nearest ancestor the caller sees, that one's nearest seen ancestor, … up to
    the topmost one they see; each level is the first page `/children` answers for it, with `chain_item`, the next
    organisation of the chain in that level even when it is not on the first page.
    """
    today = day(as_of, viewer.today)
    chain = await duplicates.following_merges(levels.chain)(
        store, snapshots=snapshots, key=key, as_of=today, first=first, last=last, sort=sort, limit=limit, viewer=viewer
    )
    return LevelChain.model_validate(documents.chain(chain, as_of=today, currency=settings.currency))


@router.get(
    "/territories/{key}/revenue",
    response_model=RevenuePublic,
    responses=problems.described(
        {404: "No territory has the key, or the caller neither holds it today nor sees everything."}
    ),
)
async def get_territory_revenue(
    store: StoreDep,
    snapshots: SnapshotsDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    key: TerritoryKey,
    first: First = None,
    last: Last = None,
    as_of: AsOf = None,
    breakdown: HeldBreakdown = "period,member",
    top: Top = revenue.DEFAULT_TOP,
) -> RevenuePublic:
    """Return the revenue of what a territory and the territories below it hold on `as_of`.

    For those who hold the territory that day (directly, through a region or a substitution), analysts and admins.
    """
    today = day(as_of, viewer.today)
    rollup = await revenue.territory_rollup(
        store,
        snapshots=snapshots,
        key=key,
        as_of=today,
        inherit=viewer.inherit,
        first=first,
        last=last,
        breakdown=_parts(breakdown),
        top=top,
        viewer=viewer,
    )
    return RevenuePublic.model_validate(documents.rollup(rollup, as_of=today, currency=settings.currency))


@router.get(
    "/users/{key}/revenue",
    response_model=RevenuePublic,
    responses=problems.described({403: "The caller is not the user, their manager, an analyst or an admin."})
    | problems.responses(404),
)
async def get_portfolio_revenue(
    store: StoreDep,
    snapshots: SnapshotsDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    key: UserKey,
    first: First = None,
    last: Last = None,
    as_of: AsOf = None,
    breakdown: HeldBreakdown = "period,member",
    top: Top = revenue.DEFAULT_TOP,
) -> RevenuePublic:
    """Return the revenue of a user's portfolio on `as_of`: what they hold through territories and substitutions.

    For the user, their manager (who holds a territory the user is assigned to that day), analysts and admins;
    a manager sees only the part of the portfolio they see themselves.
    """
    today = day(as_of, viewer.today)
    rollup = await revenue.portfolio_rollup(
        store,
        snapshots=snapshots,
        user_key=key,
        as_of=today,
        inherit=viewer.inherit,
        first=first,
        last=last,
        breakdown=_parts(breakdown),
        top=top,
        viewer=viewer,
    )
    return RevenuePublic.model_validate(documents.rollup(rollup, as_of=today, currency=settings.currency))


@router.get("/groups", response_model=GroupPagePublic)
async def get_groups(
    store: StoreDep,
    snapshots: SnapshotsDep,
    settings: SettingsDep,
    viewer: ViewerDep,
    first: First = None,
    last: Last = None,
    as_of: AsOf = None,
    cursor: Cursor = None,
    limit: Limit = 1000,
) -> GroupPagePublic:
    """Rank every group (a root and everything under it) by its revenue over a range of months, with ABC classes.

    Only the organisations the caller sees count; a group without any is left out, one whose root they may not see
    is listed under its visible member with the smallest key.
    """
    today = day(as_of, viewer.today)
    periods = months.period_range(first, last, as_of=today)
    page = await ranking.groups(
        store,
        snapshots=snapshots,
        as_of=today,
        classes=ranking.AbcClasses(settings.abc_a_percent, settings.abc_b_percent),
        first=periods[0],
        last=periods[-1],
        cursor=cursor,
        limit=limit,
        viewer=viewer,
    )
    document = documents.groups(page, first=periods[0], last=periods[-1], as_of=today, currency=settings.currency)
    return GroupPagePublic.model_validate(document)

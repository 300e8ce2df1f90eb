"""Duplicate candidates and merges: `GET /v1/duplicates`, `POST /v1/merges`."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, model_validator

from api import problems
from api.deps import AdminUser, SeesEverything, StoreDep, TodayDep
from api.models import FromService, Overlay
from api.routes.common import AsOf, KeyField, OrganisationRef, day
from graph import duplicates

router = APIRouter(tags=["duplicates"])


class ReasonPublic(FromService):
    """One piece of evidence that two organisations are the same."""

    code: str = Field(description="same_vat_id, same_name_and_postcode, similar_name_same_city, shared_contact, …")
    weight: float
    evidence: list[str]


class CandidatePublic(FromService):
    """A pair of organisations that may be duplicates."""

    a: OrganisationRef
    b: OrganisationRef
    score: float
    reasons: list[ReasonPublic]

    @model_validator(mode="before")
    @classmethod
    def _named_sides(cls, answer: object) -> object:
        """Read each side from its key and name, which the service's candidate holds side by side."""
        if isinstance(answer, duplicates.Candidate):
            return Overlay(
                answer,
                a=OrganisationRef(key=answer.a, name=answer.a_name),
                b=OrganisationRef(key=answer.b, name=answer.b_name),
            )
        return answer


class CandidateList(BaseModel):
    """Candidate pairs, highest score first."""

    items: list[CandidatePublic]


class MergeRequest(BaseModel):
    """Which organisation survives and which is merged into it."""

    survivor: KeyField
    duplicate: KeyField


class LinkTallyPublic(FromService):
    """Links of one type and direction the merge moved."""

    type: str
    direction: str
    moved: int
    collapsed: int


class MergePublic(FromService):
    """What a merge did."""

    survivor: str
    duplicate: str
    already_merged: bool
    former_keys: list[str]
    links: list[LinkTallyPublic]
    dropped: int
    copied_properties: list[str]


@router.get("/duplicates", response_model=CandidateList)
async def list_duplicates(
    store: StoreDep,
    caller: SeesEverything,
    today: TodayDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    min_score: Annotated[float, Query(ge=0, le=1)] = 0.5,
    as_of: AsOf = None,
) -> CandidateList:
    """List candidate duplicate organisations with their reasons and a score (analysts and admins)."""
    candidates = await duplicates.find_candidates(store, limit=limit, min_score=min_score, as_of=day(as_of, today))
    return CandidateList(items=[CandidatePublic.model_validate(candidate) for candidate in candidates])


@router.post(
    "/merges",
    response_model=MergePublic,
    responses=problems.described({404: "The survivor or the duplicate names no organisation."})
    | problems.responses(409),
)
async def merge_organisations(store: StoreDep, caller: AdminUser, request: MergeRequest) -> MergePublic:
    """Merge the duplicate into the survivor: every relationship moves, the old key still resolves (admins)."""
    result = await duplicates.merge(store, survivor=request.survivor, duplicate=request.duplicate)
    return MergePublic.model_validate(result)

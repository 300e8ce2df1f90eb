"""`GET /v1/me`: who the API key (and `X-Act-As`) make the caller."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import CurrentUser

router = APIRouter(tags=["users"])


class CallerPublic(BaseModel):
    """The user a request answers for."""

    key: str
    name: str
    role: str
    authenticated_as: str


@router.get("/me", response_model=CallerPublic)
async def get_me(caller: CurrentUser) -> CallerPublic:
    """Return the user this request answers for, and whose key authenticated it."""
    return CallerPublic(**caller.__dict__)

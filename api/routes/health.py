"""`GET /v1/health`: whether the engine answers, for anyone; the size of the graph, for callers with a key."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import OptionalUser, StoreDep
from graph import health

router = APIRouter(tags=["health"])
WITH_A_KEY = "Only with a valid API key."


class HealthPublic(BaseModel):
    """The engine's status; with a key also its version and the graph's counts."""

    status: str
    engine: str
    engine_version: str | None = Field(None, description=WITH_A_KEY)
    nodes: int | None = Field(None, description=WITH_A_KEY)
    relationships: int | None = Field(None, description=WITH_A_KEY)
    labels: dict[str, int] | None = Field(None, description=WITH_A_KEY)
    relationship_types: dict[str, int] | None = Field(None, description=WITH_A_KEY)


@router.get("/health", response_model=HealthPublic, response_model_exclude_none=True)
async def get_health(store: StoreDep, caller: OptionalUser) -> HealthPublic:
    """Tell whether the engine answers and which engine it is; with a key also its version and the graph's counts.

    Without a key nothing about the graph is told (a load balancer needs no count of users or keys).
    """
    if caller is None:
        return HealthPublic(status="ok", engine=await health.status(store))
    report = await health.check(store)
    return HealthPublic(status="ok", **report.__dict__)

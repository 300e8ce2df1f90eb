"""`GET /v1/health`: the engine and the size of the graph, without authentication."""

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import StoreDep
from graph import health

router = APIRouter(tags=["health"])


class HealthPublic(BaseModel):
    """The engine, its version and the graph's counts."""

    status: str
    engine: str
    engine_version: str
    nodes: int
    relationships: int
    labels: dict[str, int]
    relationship_types: dict[str, int]


@router.get("/health", response_model=HealthPublic)
async def get_health(store: StoreDep) -> HealthPublic:
    """Tell whether the engine answers, which engine it is, and how much the graph holds."""
    report = await health.check(store)
    return HealthPublic(status="ok", **report.__dict__)

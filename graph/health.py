"""What the engine is and how much it holds."""

from dataclasses import dataclass

from graph.queries import declare
from graph.store import Store

COUNT_NODES_BY_LABEL = declare("health/count_nodes_by_label")
COUNT_RELATIONSHIPS_BY_TYPE = declare("health/count_relationships_by_type")


@dataclass(frozen=True)
class Health:
    """The engine, its version and the size of the graph."""

    engine: str
    engine_version: str
    nodes: int
    relationships: int
    labels: dict[str, int]
    relationship_types: dict[str, int]


async def status(store: Store) -> str:
    """Return the engine's name once it has answered a query.

    Raises:
        EngineUnavailable: the engine does not answer.
    """
    await store.revision()
    return store.engine


async def check(store: Store) -> Health:
    """Return the engine's name and version and the graph's node and relationship counts.

    Raises:
        EngineUnavailable: the engine does not answer.
    """
    labels = {row["label"]: row["count"] for row in await store.read(COUNT_NODES_BY_LABEL)}
    types = {row["type"]: row["count"] for row in await store.read(COUNT_RELATIONSHIPS_BY_TYPE)}
    return Health(
        engine=store.engine,
        engine_version=await store.engine_version(),
        nodes=sum(labels.values()),
        relationships=sum(types.values()),
        labels=dict(sorted(labels.items())),
        relationship_types=dict(sorted(types.items())),
    )

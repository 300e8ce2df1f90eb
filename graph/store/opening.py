"""Opening the store the settings choose: the one place that knows every engine's class.

It is a module of its own, not part of the interface in `graph/store/__init__.py`, so that the engines import the
interface and nothing imports them back. Each engine is imported only when chosen: a FalkorDB deployment never
loads the Neo4j driver.
"""

from graph.settings import Backend, Settings
from graph.store import Store


async def open_store(settings: Settings, *, start_engine: bool = True) -> Store:
    """Open the store the settings choose.

    Args:
        settings: which engine, and where it is.
        start_engine: on the embedded engine, start a server when none runs
            (this store then stops it on close); otherwise require a running one.

    Raises:
        EngineUnavailable: the engine cannot be reached or started.
        ConfigurationError: the settings are incomplete.
    """
    if settings.backend is Backend.NEO4J:
        from graph.store.neo4j import Neo4jStore

        return await Neo4jStore.connect(settings)
    from graph.store.falkordb import FalkorStore

    return await FalkorStore.connect(settings, start_engine=start_engine)

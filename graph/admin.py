"""Whole-graph administration: schema installation and emptying the graph."""

from graph.queries import declare
from graph.store import Store

DELETE_BATCH = declare("admin/delete_batch")
DELETE_BATCH_SIZE = 10_000


async def init_schema(store: Store) -> list[str]:
    """Create the constraints and indexes the schema classes declare; return what was new.

    Running it again creates nothing and changes nothing.
    """
    return await store.install_schema()


async def delete_everything(store: Store) -> int:
    """Delete every node and relationship, in batches so that no transaction grows unbounded; return the count."""
    total = 0
    while True:
        rows = await store.write(DELETE_BATCH, {"batch_size": DELETE_BATCH_SIZE})
        deleted = rows[0]["deleted"] if rows else 0
        total += deleted
        if deleted < DELETE_BATCH_SIZE:
            return total

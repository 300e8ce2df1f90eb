"""Whole-graph administration: schema installation, bringing old data up to date, and emptying the graph."""

from graph.queries import Query, declare
from graph.store import Store

DELETE_BATCH = declare("admin/delete_batch")
BATCH_SIZE = 10_000
COUNT_LEGACY_BOOKINGS = declare("admin/count_legacy_bookings")
MOVE_LEGACY_BOOKINGS = declare("admin/move_legacy_bookings")


async def init_schema(store: Store) -> list[str]:
    """Create the constraints and indexes the schema classes declare, and bring data stored the old way
    up to date; return what it did, a line each.

    Running it again creates nothing and changes nothing.
    """
    done = [f"created {item}" for item in await store.install_schema()]
    moved = await _move_legacy_bookings(store)
    if moved:
        done.append(f"moved {moved:,} bookings from Booking nodes to BOOKED_FOR links")
    return done


async def _move_legacy_bookings(store: Store) -> int:
    """Turn Booking nodes, as crmgraph stored bookings until BOOKED_FOR links, into those links; return how many.

    In batches: a graph of millions of bookings is not one transaction.
    A graph without any writes nothing, so its revision stays and no reader's snapshot is read again.
    """
    if not (await store.read(COUNT_LEGACY_BOOKINGS))[0]["legacy"]:
        return 0
    return await _in_batches(store, MOVE_LEGACY_BOOKINGS, "moved")


async def delete_everything(store: Store) -> int:
    """Delete every node and relationship, in batches so that no transaction grows unbounded; return the count."""
    return await _in_batches(store, DELETE_BATCH, "deleted")


async def _in_batches(store: Store, query: Query, counted: str) -> int:
    """Run `query` with `$batch_size` until a run does fewer than that many; return the sum of its `counted`."""
    total = 0
    while True:
        rows = await store.write(query, {"batch_size": BATCH_SIZE})
        done = rows[0][counted] if rows else 0
        total += done
        if done < BATCH_SIZE:
            return total

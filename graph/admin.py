"""Whole-graph administration: schema installation, bringing old data up to date, and emptying the graph."""

import datetime
from typing import Any

from graph import days
from graph.errors import QueryError
from graph.queries import Query, declare
from graph.store import Store

DELETE_BATCH = declare("admin/delete_batch")
BATCH_SIZE = 10_000
COUNT_LEGACY_BOOKINGS = declare("admin/count_legacy_bookings")
MOVE_LEGACY_BOOKINGS = declare("admin/move_legacy_bookings")
FIND_ENGINE_DATES = declare("admin/find_engine_dates")
SET_DAY_NUMBERS = declare("admin/set_day_numbers")
FIND_ENGINE_DATED_KEYS = declare("admin/find_engine_dated_keys")
SET_KEY_DAY_NUMBERS = declare("admin/set_key_day_numbers")


async def init_schema(store: Store) -> list[str]:
    """Create the constraints and indexes the schema classes declare, and bring data stored the old way
    up to date; return what it did, a line each.

    Running it again creates nothing and changes nothing.
    """
    done = await ensure_schema(store)
    moved = await _move_legacy_bookings(store)
    if moved:
        done.append(f"moved {moved:,} bookings from Booking nodes to BOOKED_FOR links")
    redated = await _store_day_numbers(store)
    if redated:
        done.append(f"stored the days of {redated:,} links and API keys as day numbers")
    return done


async def ensure_schema(store: Store) -> list[str]:
    """Create the constraints and indexes the schema classes declare that are missing; return what was new.

    Cheap when they are all there: what writes calls it first, so that a first load into a new data
    directory looks its keys up by index (without them a load of 18,671 GLEIF rows took 25 to 45 s, not 1).
    """
    return [f"created {item}" for item in await store.install_schema()]


async def _move_legacy_bookings(store: Store) -> int:
    """Turn Booking nodes, as crmgraph stored bookings until BOOKED_FOR links, into those links; return how many.

    In batches: a graph of millions of bookings is not one transaction.
    A graph without any writes nothing, so its revision stays and no reader's snapshot is read again.
    """
    if not (await store.read(COUNT_LEGACY_BOOKINGS))[0]["legacy"]:
        return 0
    return await _in_batches(store, MOVE_LEGACY_BOOKINGS, "moved")


async def _store_day_numbers(store: Store) -> int:
    """Turn the days stored as engine dates, as crmgraph stored them before day numbers, into day numbers;
    return how many links and API keys changed.

    FalkorDB compares engine dates more than about 68 years apart wrongly (graph/days.py). In batches:
    a graph of millions of links is not one transaction. A graph without any writes nothing.
    """
    changed = 0
    while True:
        found = await store.read(FIND_ENGINE_DATES, {"batch_size": BATCH_SIZE})
        if found:
            rows = [{"start": row["start"], "link": row["link"], "days": _day_numbers(row["days"])} for row in found]
            moved = (await store.write(SET_DAY_NUMBERS, {"rows": rows}))[0]["moved"]
            if not moved:  # the next batch would find the same links again
                raise QueryError(f"the days of {len(rows)} links could not be stored as day numbers")
            changed += moved
        if len(found) < BATCH_SIZE:
            break
    keys = await store.read(FIND_ENGINE_DATED_KEYS)
    if keys:
        rows = [{"hash": row["hash"], "revoked_on": days.number(_date(row))} for row in keys]
        changed += (await store.write(SET_KEY_DAY_NUMBERS, {"rows": rows}))[0]["moved"]
    return changed


def _day_numbers(texts: dict[str, str | None]) -> dict[str, int]:
    """Return the day number of each dated property given as text: `YYYY-MM-DD` (any count of year digits) or digits."""
    numbers = {}
    for name, text in texts.items():
        if text is None:
            continue
        if text.isdigit():
            numbers[name] = int(text)
        else:
            year, month, day = text.split("-")
            numbers[name] = days.number(datetime.date(int(year), int(month), int(day)))
    return numbers


def _date(row: dict[str, Any]) -> datetime.date:
    return datetime.date(row["year"], row["month"], row["day"])


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

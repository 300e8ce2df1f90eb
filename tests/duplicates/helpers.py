"""Helpers for duplicate tests: organisations in one call, and what the graph holds as sets of tuples."""

from pathlib import Path
from typing import Any

from graph.queries import Query
from graph.store import Store
from tests.helpers import BOOKINGS, load_rows

ORGANISATION_COLUMNS = ("key", "name", "kind", "vat_id", "postcode", "city", "industry", "street", "country")


async def add_organisations(store: Store, directory: Path, *rows: dict[str, str]) -> None:
    """Load organisations given as dicts with any of ORGANISATION_COLUMNS (the name defaults to the key)."""
    await load_rows(
        store,
        directory,
        "organisations",
        [
            {column: row.get(column, row["key"] if column == "name" else "") for column in ORGANISATION_COLUMNS}
            for row in rows
        ],
    )


async def rows(store: Store, text: str, **params: Any) -> list[dict[str, Any]]:
    """Run an ad-hoc read query of a test (the same text on both engines) and return its rows."""
    return await store.read(Query("tests/duplicates", {"falkordb": text, "neo4j": text}), params)


async def write(store: Store, text: str, **params: Any) -> list[dict[str, Any]]:
    """Run an ad-hoc write query of a test (the same text on both engines) and return its rows."""
    return await store.write(Query("tests/duplicates", {"falkordb": text, "neo4j": text}), params)


async def links(store: Store) -> set[tuple[str, str, str]]:
    """Return (from, type, to) of every relationship but a booking's, ends named by their keys."""
    found = await rows(
        store,
        "MATCH (a)-[r]->(b) WHERE type(r) <> 'BOOKED_FOR' "
        "RETURN coalesce(a.key, a.number, a.type) AS source, type(r) AS type, "
        "coalesce(b.key, b.number, b.type) AS target",
    )
    return {(row["source"], row["type"], row["target"]) for row in found}


async def link_properties(store: Store) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    """Return the properties of every relationship but a booking's, by (from, type, to), sorted."""
    found = await rows(
        store,
        "MATCH (a)-[r]->(b) WHERE type(r) <> 'BOOKED_FOR' "
        "RETURN coalesce(a.key, a.number, a.type) AS source, type(r) AS type, "
        "coalesce(b.key, b.number, b.type) AS target, properties(r) AS props",
    )
    result: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in found:
        result.setdefault((row["source"], row["type"], row["target"]), []).append(row["props"])
    return {key: sorted(value, key=repr) for key, value in result.items()}


async def bookings(store: Store) -> set[tuple[str, str, int, int | None]]:
    """Return (`<debtor>|<period>|<organisation>`, attributed organisation, revenue, gross profit) of every booking."""
    found = await rows(
        store, BOOKINGS + "RETURN key, o.key AS organisation, b.revenue AS revenue, b.gross_profit AS gross_profit"
    )
    return {(row["key"], row["organisation"], row["revenue"], row["gross_profit"]) for row in found}


async def organisation(store: Store, key: str) -> dict[str, Any] | None:
    """Return the properties of the organisation `key`, or None."""
    found = await rows(store, "MATCH (o:Organisation {key: $key}) RETURN properties(o) AS props", key=key)
    return found[0]["props"] if found else None


async def snapshot(store: Store) -> tuple[Any, ...]:
    """Return everything a merge could change, to compare before and after a refused one."""
    # The revision token changes on every write, a refused merge included: not part of what a merge changes.
    nodes = await rows(
        store, "MATCH (n) WHERE NOT n:Revision AND NOT n:Change RETURN labels(n) AS labels, properties(n) AS props"
    )
    return (
        sorted(repr(sorted(row["props"].items())) + repr(row["labels"]) for row in nodes),
        await link_properties(store),
        await bookings(store),
    )

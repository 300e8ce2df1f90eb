"""Builders for connection tests: organisations, contacts and their links loaded through the real loader."""

import datetime
from collections.abc import Sequence
from pathlib import Path

from graph.store import Store
from tests.helpers import load_rows

Day = datetime.date | None


def text(value: Day | str | None) -> str:
    """Return a cell: a date as YYYY-MM-DD, a string as it is, nothing as an empty cell."""
    if value is None:
        return ""
    return value if isinstance(value, str) else value.isoformat()


async def build(
    store: Store,
    directory: Path,
    *,
    organisations: Sequence[tuple[str, str]],
    contacts: Sequence[tuple[str, str | None, str]] = (),
    types: Sequence[str] = (),
    parents: Sequence[tuple[str, str, str, Day, Day]] = (),
    memberships: Sequence[tuple[str, str, Day, Day]] = (),
    supplies: Sequence[tuple[str, str, Day, Day, str | None]] = (),
    relationships: Sequence[tuple[str, str, str, str | None]] = (),
) -> None:
    """Load a small graph; organisations are named `Org KEY`.

    Args:
        organisations: (key, kind).
        contacts: (key, first name or None, last name).
        types: the registered relationship types.
        parents: (parent, child, kind, valid_from, valid_to).
        memberships: (member, association, valid_from, valid_to).
        supplies: (supplier, customer, since, until, note).
        relationships: (from key, to key, type, note).
    """
    files = [
        ("organisations", [{"key": key, "name": f"Org {key}", "kind": kind} for key, kind in organisations]),
        ("contacts", [{"key": key, "first_name": text(first), "last_name": last} for key, first, last in contacts]),
        ("relationship_types", [{"type": name} for name in types]),
        (
            "parents",
            [
                {"parent_key": p, "child_key": c, "kind": kind, "valid_from": text(f), "valid_to": text(t)}
                for p, c, kind, f, t in parents
            ],
        ),
        (
            "memberships",
            [
                {"member_key": m, "association_key": a, "valid_from": text(f), "valid_to": text(t)}
                for m, a, f, t in memberships
            ],
        ),
        (
            "supplies",
            [
                {"supplier_key": s, "customer_key": c, "since": text(f), "until": text(t), "note": text(note)}
                for s, c, f, t, note in supplies
            ],
        ),
        (
            "relationships",
            [{"from_key": f, "to_key": t, "type": kind, "note": text(note)} for f, t, kind, note in relationships],
        ),
    ]
    for kind, rows in files:
        if rows:
            await load_rows(store, directory, kind, rows)


async def all_pages(read, limit: int) -> list:
    """Return every item of a paginated read, page by page, checking that each page but the last is full."""
    items, cursor = [], None
    while True:
        page = await read(cursor=cursor, limit=limit)
        items.extend(page.items)
        if page.next_cursor is None:
            assert len(page.items) <= limit
            return items
        assert len(page.items) == limit
        cursor = page.next_cursor

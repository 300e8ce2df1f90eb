"""Builders for contact tests: organisations, parent links, contacts and employments, loaded through the loader."""

import datetime
from dataclasses import dataclass
from pathlib import Path

from graph.store import Store
from tests.helpers import load_rows


@dataclass(frozen=True)
class Job:
    """An employment row: `contact` works at `organisation` from `since` to `until` (inclusive, None = open)."""

    contact: str
    organisation: str
    since: datetime.date | None = None
    until: datetime.date | None = None
    is_main_contact: bool = False
    role: str = ""


def iso(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


async def build(
    store: Store,
    directory: Path,
    *,
    organisations: list[str],
    parents: list[tuple[str, str, datetime.date | None, datetime.date | None]] = (),
    people: dict[str, tuple[str, str | None]],
    jobs: list[Job] = (),
) -> None:
    """Load organisations (named `Org <key>`), parent links (parent, child, from, to), contacts and jobs.

    `people` maps a contact key to its (last name, first name).
    """
    await load_rows(store, directory, "organisations", [{"key": key, "name": f"Org {key}"} for key in organisations])
    if parents:
        rows = [
            {"parent_key": parent, "child_key": child, "valid_from": iso(start), "valid_to": iso(end)}
            for parent, child, start, end in parents
        ]
        await load_rows(store, directory, "parents", rows)
    rows = [
        {"key": key, "last_name": last, "first_name": first or "", "email": f"{key.lower()}@example.org"}
        for key, (last, first) in people.items()
    ]
    await load_rows(store, directory, "contacts", rows)
    if jobs:
        rows = [
            {
                "contact_key": job.contact,
                "organisation_key": job.organisation,
                "role": job.role,
                "is_main_contact": "true" if job.is_main_contact else "false",
                "since": iso(job.since),
                "until": iso(job.until),
            }
            for job in jobs
        ]
        await load_rows(store, directory, "employments", rows)

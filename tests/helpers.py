"""Small builders for test data: rows written as load files and loaded through the loader, and activities written
as their load file will load them."""

import csv
import datetime
from pathlib import Path

from graph import loading
from graph.queries import Query
from graph.store import Store

# Every booking, named `<debtor>|<period>|<organisation>` as the revenue file identifies it: `key`, `b` the link.
BOOKINGS = (
    "MATCH (a:DebtorAccount)-[b:BOOKED_FOR]->(o:Organisation) "
    "WITH a.number + '|' + b.period + '|' + o.key AS key, a, b, o "
)


async def load_rows(store: Store, directory: Path, kind: str, rows: list[dict[str, str]]) -> None:
    """Write `rows` as `<kind>.csv` in `directory` and load it; fail on any rejected row."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{kind}.csv"
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = await loading.load_paths(store, [path])
    assert report.rejected == 0, report


async def add_users(store: Store, directory: Path, **roles: str) -> None:
    """Create users `key=role`, named after their keys."""
    rows = [{"key": key.replace("_", "."), "name": key.title(), "role": role} for key, role in roles.items()]
    await load_rows(store, directory, "users", rows)


def _both_engines(name: str, text: str) -> Query:
    """Return a test-only query with one text for both engines; undeclared, a write of it counts as changing
    everything (graph/queries/__init__.py, `Touches`), which the snapshot follows by reading the graph again."""
    return Query(f"test/{name}", dict.fromkeys(("falkordb", "neo4j"), text))


# Until the loader has the `activities` kind (issue 21): the node with its organisation, then its owner and contacts.
CREATE_ACTIVITIES = _both_engines(
    "create_activities",
    "UNWIND $rows AS row MATCH (organisation:Organisation {key: row.organisation_key}) "
    "CREATE (:Activity {key: row.key, type: row.type, status: row.status, date: row.date, subject: row.subject})"
    "-[:ABOUT]->(organisation)",
)
LINK_OWNERS = _both_engines(
    "link_owners",
    "UNWIND $rows AS row MATCH (activity:Activity {key: row.key}), (owner:User {key: row.owner_key}) "
    "CREATE (activity)-[:OWNED_BY]->(owner)",
)
LINK_CONTACTS = _both_engines(
    "link_contacts",
    "UNWIND $rows AS row MATCH (activity:Activity {key: row.key}), (contact:Contact {key: row.contact_key}) "
    "CREATE (activity)-[:WITH]->(contact)",
)


async def write_activities(store: Store, rows: list[dict[str, str]]) -> None:
    """Create activities from rows shaped as the `activities` load file's (issue 21): `key`, `type`, `status`,
    `date` (`YYYY-MM-DD`), `subject`, `organisation_key`, `contact_keys` (`;`-separated) and `owner_key`, an empty or
    missing cell absent. Every key named must be stored; unlike the loader it checks nothing, and the organisation
    is required. To be replaced by `load_rows(store, directory, "activities", rows)` once the kind exists."""
    nodes = [
        {
            "key": row["key"],
            "type": row["type"],
            "status": row["status"],
            "date": datetime.date.fromisoformat(row["date"]),
            "subject": row.get("subject") or None,
            "organisation_key": row["organisation_key"],
        }
        for row in rows
    ]
    owners = [{"key": row["key"], "owner_key": row["owner_key"]} for row in rows if row.get("owner_key")]
    people = [
        {"key": row["key"], "contact_key": contact}
        for row in rows
        for contact in (row.get("contact_keys") or "").split(";")
        if contact
    ]
    await store.write(CREATE_ACTIVITIES, {"rows": nodes})
    for query, links in ((LINK_OWNERS, owners), (LINK_CONTACTS, people)):
        if links:
            await store.write(query, {"rows": links})

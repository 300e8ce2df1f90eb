"""Loading the demo data set of `make run`: every kind, territory rules, and a second load that changes nothing."""

import datetime
from pathlib import Path

from graph import loading
from tests.helpers import BOOKINGS
from tests.loading.helpers import rows

DEMO = Path(__file__).resolve().parents[2] / "seed" / "demo"
DEMO_ROWS = {
    "organisations": 42,
    "contacts": 33,
    "debtors": 26,
    "territories": 6,
    "users": 9,
    "relationship_types": 3,
    "parents": 20,
    "memberships": 9,
    "supplies": 5,
    "employments": 41,
    "accounts": 32,
    "org_territories": 2,
    "user_territories": 8,
    "substitutes": 2,
    "relationships": 4,
    "revenue": 789,
    "activities": 12,
    "opportunities": 8,
}
NODES = {
    ("Organisation", 42),
    ("Contact", 33),
    ("DebtorAccount", 26),
    ("Territory", 6),
    ("User", 9),
    ("RelationshipType", 3),
    ("Activity", 12),
    ("Opportunity", 8),
}
RELATIONSHIPS = {
    ("Organisation", "PARENT_OF", "Organisation", 20),
    ("Territory", "PARENT_OF", "Territory", 5),
    ("Organisation", "MEMBER_OF", "Organisation", 9),
    ("Organisation", "SUPPLIES", "Organisation", 5),
    ("Contact", "WORKS_AT", "Organisation", 41),
    ("Organisation", "HAS_ACCOUNT", "DebtorAccount", 32),
    ("Organisation", "ASSIGNED_TO", "Territory", 43),  # 2 manual, 41 by the territory rules
    ("User", "ASSIGNED_TO", "Territory", 8),
    ("User", "SUBSTITUTES", "User", 2),
    ("Organisation", "RELATED_TO", "Organisation", 3),
    ("Contact", "RELATED_TO", "Organisation", 1),
    ("DebtorAccount", "BOOKED_FOR", "Organisation", 789),
    ("Activity", "ABOUT", "Organisation", 12),
    ("Activity", "WITH", "Contact", 12),
    ("Activity", "OWNED_BY", "User", 12),
    ("Opportunity", "FOR", "Organisation", 8),
    ("Opportunity", "OWNED_BY", "User", 8),
}


async def graph_counts(store):
    # The revision node changes with every write, not with what was loaded.
    nodes = await rows(
        store, "MATCH (n) WHERE NOT n:Revision AND NOT n:Change RETURN labels(n)[0] AS label, count(*) AS n"
    )
    links = await rows(
        store,
        "MATCH (a)-[r]->(b) RETURN labels(a)[0] AS source, type(r) AS type, labels(b)[0] AS target, count(*) AS n",
    )
    return (
        {(row["label"], row["n"]) for row in nodes},
        {(row["source"], row["type"], row["target"], row["n"]) for row in links},
    )


async def test_the_demo_loads_every_kind(store):
    report = await loading.load_paths(store, [DEMO])

    assert report.rejections == []
    assert {(file.kind, file.created + file.updated) for file in report.files} == set(DEMO_ROWS.items())
    # The rules assigned ORG-DE-0031 to KA-HEALTH before its manual row made that link manual.
    assert {(file.kind, file.updated) for file in report.files if file.updated} == {("org_territories", 1)}
    assert await graph_counts(store) == (NODES, RELATIONSHIPS)
    sources = await rows(
        store, "MATCH (:Organisation)-[r:ASSIGNED_TO]->(:Territory) RETURN r.source AS source, count(*) AS n"
    )
    assert {(row["source"], row["n"]) for row in sources} == {("manual", 2), ("rule", 41)}


async def test_loading_the_demo_reports_territory_rules_and_conflicts(store):
    report = await loading.load_paths(store, [DEMO])

    territories = next(file for file in report.files if file.kind == "territories")
    assert territories.assignments is not None
    assert (territories.assignments.added, territories.assignments.removed) == (44, 0)
    conflicts = {conflict.organisation_key: conflict.territories for conflict in territories.assignments.conflicts}
    assert conflicts["ORG-DE-0029"] == ("DE-NORTH", "KA-HEALTH")
    section = territories.to_dict()["assignments"]
    assert {"organisation": "ORG-DE-0029", "territories": ["DE-NORTH", "KA-HEALTH"]} in section["conflicts"]
    assert territories.assignment_lines()[0] == "territory rules: 44 assigned, 0 removed, 2 conflicts"
    assert "  conflict: ORG-DE-0029 matches DE-NORTH, KA-HEALTH" in territories.assignment_lines()
    # The manual assignments then remove the rule links of their organisations: manual wins.
    manual = next(file for file in report.files if file.kind == "org_territories")
    assert manual.assignments is not None and (manual.assignments.added, manual.assignments.removed) == (0, 2)


async def test_loading_the_demo_again_changes_nothing(store):
    await loading.load_paths(store, [DEMO])
    before = await graph_counts(store)

    again = await loading.load_paths(store, [DEMO])

    assert (again.created, again.updated, again.rejected) == (0, 0, 0)
    assert all(not file.assignments or not file.assignments.changed for file in again.files)
    assert {(file.kind, file.unchanged) for file in again.files} == set(DEMO_ROWS.items())
    assert await graph_counts(store) == before


async def test_demo_values_are_stored_with_their_types(store):
    await loading.load_paths(store, [DEMO])

    periods = await rows(
        store,
        "MATCH (p:Organisation)-[r:PARENT_OF]->(:Organisation {key: 'ORG-DE-0011'}) "
        "RETURN p.key AS parent, r.valid_from AS valid_from, r.valid_to AS valid_to",
    )
    credit_note = await rows(
        store,
        BOOKINGS + "WHERE key = '100045|2025-02|ORG-DE-0007' "
        "RETURN b.revenue AS revenue, b.gross_profit AS gross_profit, o.key AS organisation",
    )
    unnamed = await rows(
        store, BOOKINGS + "WHERE key = '100012|2025-01|ORG-DE-0002' RETURN b.revenue AS revenue, b.period AS period"
    )
    territory = await rows(
        store,
        "MATCH (:Territory {key: 'REGION-CENTRAL'})-[:PARENT_OF]->(t:Territory {key: 'DE-SOUTH'}) "
        "RETURN t.countries AS countries, t.postcode_prefixes AS prefixes",
    )

    # Days are stored as day numbers (graph/days.py) on every engine.
    assert {(row["parent"], row["valid_from"], row["valid_to"]) for row in periods} == {
        ("ORG-DE-0002", datetime.date(2018, 7, 1).toordinal(), datetime.date(2024, 3, 31).toordinal()),
        ("ORG-DE-0001", datetime.date(2024, 4, 1).toordinal(), None),
    }
    assert credit_note == [{"revenue": -238055, "gross_profit": -51240, "organisation": "ORG-DE-0007"}]
    assert unnamed == [{"revenue": 11801238, "period": "2025-01"}]
    assert territory == [{"countries": ["DE"], "prefixes": ["6", "7", "8", "9"]}]

"""Whole-graph administration: bringing bookings and days stored by an older crmgraph up to date."""

import datetime

from graph import admin
from graph.hierarchy import chains, reads
from graph.queries import Query
from tests.helpers import BOOKINGS
from tests.loading.helpers import rows

# Bookings as crmgraph stored them before BOOKED_FOR links: a node each, linked to its account and organisation.
LEGACY_BOOKINGS = """
CREATE (a:DebtorAccount {number: '100', name: 'Debitor 100'}), (o:Organisation {key: 'ORG-A', name: 'A'}),
       (p:Organisation {key: 'ORG-B', name: 'B'})
CREATE (o)<-[:ATTRIBUTED_TO]-(:Booking {key: '100|2025-01|ORG-A', period: '2025-01', revenue: 1000, gross_profit: 250})
       -[:BOOKED_ON]->(a)
CREATE (o)<-[:ATTRIBUTED_TO]-(:Booking {key: '100|2025-02|ORG-A', period: '2025-02', revenue: -300, currency: 'EUR'})
       -[:BOOKED_ON]->(a)
CREATE (p)<-[:ATTRIBUTED_TO]-(:Booking {key: '100|2025-01|ORG-B', period: '2025-01', revenue: 70})-[:BOOKED_ON]->(a)
"""


async def test_init_moves_booking_nodes_to_booked_for_links_once(store, snapshots, monkeypatch):
    monkeypatch.setattr(admin, "BATCH_SIZE", 2)  # more than one batch
    await store.write(Query("test/legacy_bookings", {"falkordb": LEGACY_BOOKINGS, "neo4j": LEGACY_BOOKINGS}))

    done = await admin.init_schema(store)
    revision = await store.revision()
    again = await admin.init_schema(store)

    assert done == ["moved 3 bookings from Booking nodes to BOOKED_FOR links"]
    assert await rows(store, "MATCH (n:Booking) RETURN count(n) AS n") == [{"n": 0}]
    found = await rows(
        store, BOOKINGS + "RETURN key, b.revenue AS revenue, b.gross_profit AS profit, b.currency AS currency"
    )
    assert sorted(found, key=lambda row: row["key"]) == [
        {"key": "100|2025-01|ORG-A", "revenue": 1000, "profit": 250, "currency": None},
        {"key": "100|2025-01|ORG-B", "revenue": 70, "profit": None, "currency": None},
        {"key": "100|2025-02|ORG-A", "revenue": -300, "profit": None, "currency": "EUR"},
    ]
    assert again == [] and await store.revision() == revision
    assert (await snapshots.current()).ledger.revenue.sum() == 1000 - 300 + 70


# Days as crmgraph stored them before day numbers: engine dates, on links of every dated type and on an API key.
ENGINE_DATES = """
CREATE (a:Organisation {key: 'ORG-A', name: 'A'}), (b:Organisation {key: 'ORG-B', name: 'B'}),
       (c:Contact {key: 'CON-1', last_name: 'C'}), (u:User {key: 'u', name: 'U', role: 'rep'}),
       (v:User {key: 'v', name: 'V', role: 'rep'}), (t:Territory {key: 'T', name: 'T'})
CREATE (a)-[:PARENT_OF {kind: 'legal', valid_from: date('1901-01-01'), valid_to: date('9999-12-31')}]->(b)
CREATE (a)-[:PARENT_OF {kind: 'legal', valid_to: date('0339-08-10')}]->(b)
CREATE (b)-[:MEMBER_OF {valid_from: date('0001-01-01')}]->(a)
CREATE (a)-[:SUPPLIES {since: date('1928-09-30'), until: date('2068-02-01')}]->(b)
CREATE (c)-[:WORKS_AT {since: date('1955-10-01')}]->(a)
CREATE (u)-[:ASSIGNED_TO {role: 'owner', valid_from: date('1946-03-01')}]->(t)
CREATE (u)-[:SUBSTITUTES {valid_to: date('9999-12-30')}]->(v)
CREATE (u)-[:HAS_KEY]->(:ApiKey {hash: 'h', revoked_on: date('2026-12-07')})
"""
STORED_DAYS = """
MATCH (start)-[link]->(end)
RETURN type(link) AS type, start.key AS start, end.key AS end, link.valid_from AS valid_from,
       link.valid_to AS valid_to, link.since AS since, link.until AS until
"""


async def test_init_stores_engine_dates_as_day_numbers_once(store, monkeypatch):
    monkeypatch.setattr(admin, "BATCH_SIZE", 2)  # more than one batch
    await store.write(Query("test/engine_dates", {"falkordb": ENGINE_DATES, "neo4j": ENGINE_DATES}))

    done = await admin.init_schema(store)
    revision = await store.revision()
    again = await admin.init_schema(store)

    def day(text: str) -> int:
        return datetime.date.fromisoformat(text).toordinal()

    assert done == ["stored the days of 8 links and API keys as day numbers"]
    assert again == [] and await store.revision() == revision
    found = {tuple(row.values()) for row in await rows(store, STORED_DAYS) if row["type"] != "HAS_KEY"}
    assert found == {
        ("PARENT_OF", "ORG-A", "ORG-B", day("1901-01-01"), day("9999-12-31"), None, None),
        ("PARENT_OF", "ORG-A", "ORG-B", None, day("0339-08-10"), None, None),
        ("MEMBER_OF", "ORG-B", "ORG-A", day("0001-01-01"), None, None, None),
        ("SUPPLIES", "ORG-A", "ORG-B", None, None, day("1928-09-30"), day("2068-02-01")),
        ("WORKS_AT", "CON-1", "ORG-A", None, None, day("1955-10-01"), None),
        ("ASSIGNED_TO", "u", "T", day("1946-03-01"), None, None, None),
        ("SUBSTITUTES", "u", "v", None, day("9999-12-30"), None, None),
    }
    assert await rows(store, "MATCH (k:ApiKey) RETURN k.revoked_on AS day") == [{"day": day("2026-12-07")}]
    # The link open until 9999-12-31 and begun in 1901 is the parent today; the one that ended in 339 is not.
    assert await reads.ancestors(store, key="ORG-B", as_of=datetime.date(2026, 12, 7)) == [
        chains.Node("ORG-A", "A", "legal", 1)
    ]

"""Whole-graph administration: bringing bookings stored by an older crmgraph up to date."""

from graph import admin, snapshot
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


async def test_init_moves_booking_nodes_to_booked_for_links_once(store, monkeypatch):
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
    assert (await snapshot.current(store)).ledger.revenue.sum() == 1000 - 300 + 70

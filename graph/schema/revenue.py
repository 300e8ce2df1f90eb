"""Bookings: revenue and gross profit per debtor account, month and attributed organisation."""

from neomodel import RelationshipTo, StringProperty, StructuredNode

from graph.schema.properties import CentsProperty, PeriodProperty


class Booking(StructuredNode):
    """One month's figures of one debtor account, attributed to exactly one organisation.

    The key is `<debtor number>|<period>|<organisation key>`, so loading the same
    booking again replaces its amounts instead of adding them up.
    """

    key = StringProperty(unique_index=True, required=True)
    # Not indexed: no query looks bookings up by period (graph/snapshot.py reads them all); an index of 5 million
    # bookings holds a few hundred MB of the engine's memory at a million organisations.
    period = PeriodProperty(required=True)
    revenue = CentsProperty(required=True)
    gross_profit = CentsProperty()
    currency = StringProperty()

    # (:Booking)-[:ATTRIBUTED_TO]->(:Organisation)
    organisation = RelationshipTo("graph.schema.organisation.Organisation", "ATTRIBUTED_TO")
    # (:Booking)-[:BOOKED_ON]->(:DebtorAccount)
    account = RelationshipTo("graph.schema.account.DebtorAccount", "BOOKED_ON")

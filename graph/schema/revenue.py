"""Bookings: revenue and gross profit per debtor account, month and attributed organisation."""

from neomodel import StringProperty, StructuredRel

from graph.schema.properties import CentsProperty, PeriodProperty


# (:DebtorAccount)-[:BOOKED_FOR]->(:Organisation)
class BookedFor(StructuredRel):
    """One month's figures of one debtor account, attributed to exactly one organisation.

    A booking is identified by its account, its period and its organisation, so loading the same
    booking again replaces its amounts instead of adding them up. It is a link, not a node: at five
    million bookings a node each, with a key index and two links, took about 480 bytes a booking of
    the engine's memory; a link takes about 100 (docs/revenue.md).
    """

    period = PeriodProperty(required=True)
    revenue = CentsProperty(required=True)
    gross_profit = CentsProperty()
    currency = StringProperty()

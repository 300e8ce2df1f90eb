"""Debtor accounts: the finance system's customer numbers."""

from neomodel import RelationshipTo, StringProperty, StructuredNode, StructuredRel

from graph.schema.properties import KeyProperty
from graph.schema.revenue import BookedFor

ACCOUNT_ROLES = {
    "sold_to": "the organisation buys on this account",
    "payer": "the account pays for others' deliveries (central settlement)",
}


# (:Organisation)-[:HAS_ACCOUNT]->(:DebtorAccount)
class HasAccount(StructuredRel):
    """An organisation uses a debtor account; one account may serve several organisations."""

    role = StringProperty(choices=ACCOUNT_ROLES, default="sold_to")


class DebtorAccount(StructuredNode):
    """A debtor number (debiteurennummer, Debitorennummer) of the ERP."""

    number = KeyProperty(unique_index=True, required=True)
    name = StringProperty(required=True)
    erp = StringProperty()

    bookings = RelationshipTo("graph.schema.organisation.Organisation", "BOOKED_FOR", model=BookedFor)

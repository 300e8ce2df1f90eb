"""Activities ("Vorgänge": what was said and done with a contact) and sales opportunities, both about an
organisation (docs/activities.md)."""

from neomodel import DateProperty, IntegerProperty, RelationshipTo, StringProperty, StructuredNode

from graph.schema.properties import CentsProperty, KeyProperty

ACTIVITY_TYPES = {
    "call": "a telephone call",
    "meeting": "a meeting, in person or online",
    "email": "an e-mail",
    "offer": "an offer sent",
    "task": "something to do",
    "note": "a note for the file",
}
ACTIVITY_STATUSES = {
    "open": "to be done by its date: a follow-up (Wiedervorlage) once the date has come",
    "done": "what happened on its date",
}
OPPORTUNITY_STATUSES = {
    "open": "still to be won or lost",
    "won": "won on its closed_on day",
    "lost": "lost on its closed_on day",
}


class Activity(StructuredNode):
    """One interaction about an organisation, with zero or more of its contacts, owned by a user."""

    key = KeyProperty(unique_index=True, required=True)
    type = StringProperty(choices=ACTIVITY_TYPES, required=True)
    status = StringProperty(choices=ACTIVITY_STATUSES, required=True)
    # The day it took place, or for an open one the day it is due.
    date = DateProperty(required=True, index=True)
    subject = StringProperty()

    # (:Activity)-[:ABOUT]->(:Organisation): given in the row, or the contacts' employer on `date`.
    organisation = RelationshipTo("graph.schema.organisation.Organisation", "ABOUT")
    # (:Activity)-[:WITH]->(:Contact)
    contacts = RelationshipTo("graph.schema.contact.Contact", "WITH")
    # (:Activity)-[:OWNED_BY]->(:User)
    owner = RelationshipTo("graph.schema.user.User", "OWNED_BY")


class Opportunity(StructuredNode):
    """A sale that may be won: its amount in the reporting currency, its stage and how likely it is."""

    key = KeyProperty(unique_index=True, required=True)
    name = StringProperty(required=True)
    amount = CentsProperty(required=True)
    # One of the installation's stages, in their order (graph/settings.py, `opportunity_stages`).
    stage = StringProperty()
    probability = IntegerProperty()  # percent, 0 to 100
    expected_close = DateProperty()
    status = StringProperty(choices=OPPORTUNITY_STATUSES, default="open")
    closed_on = DateProperty()
    currency = StringProperty()

    # (:Opportunity)-[:FOR]->(:Organisation)
    organisation = RelationshipTo("graph.schema.organisation.Organisation", "FOR")
    # (:Opportunity)-[:OWNED_BY]->(:User)
    owner = RelationshipTo("graph.schema.user.User", "OWNED_BY")

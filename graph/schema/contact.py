"""Contacts: the people we talk to, and where they work."""

from neomodel import BooleanProperty, DateProperty, RelationshipTo, StringProperty, StructuredNode, StructuredRel

from graph.schema.organisation import RelatedTo
from graph.schema.properties import KeyProperty


# (:Contact)-[:WORKS_AT]->(:Organisation)
class WorksAt(StructuredRel):
    """Employment; history is kept, so an ended job keeps its `until`."""

    role = StringProperty()
    department = StringProperty()
    is_main_contact = BooleanProperty(default=False)
    since = DateProperty()
    until = DateProperty()


class Contact(StructuredNode):
    """A person at one or more organisations."""

    key = KeyProperty(unique_index=True, required=True)
    last_name = StringProperty(required=True)
    first_name = StringProperty()
    email = StringProperty()
    phone = StringProperty()

    employers = RelationshipTo("graph.schema.organisation.Organisation", "WORKS_AT", model=WorksAt)
    related_organisations = RelationshipTo("graph.schema.organisation.Organisation", "RELATED_TO", model=RelatedTo)
    related_contacts = RelationshipTo("Contact", "RELATED_TO", model=RelatedTo)

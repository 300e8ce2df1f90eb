"""Our own users, their substitutes and their API keys."""

from neomodel import DateProperty, RelationshipTo, StringProperty, StructuredNode, StructuredRel

from graph.schema.properties import KeyProperty
from graph.schema.territory import AssignedTo

USER_ROLES = {
    "rep": "sales representative: sees their territories",
    "manager": "sees the territories they are assigned to and their districts",
    "analyst": "sees everything, changes nothing",
    "admin": "sees and changes everything",
    "service": "an application; may act for a user with X-Act-As",
}


# (:User)-[:SUBSTITUTES]->(:User)
class Substitutes(StructuredRel):
    """The first user covers for the second from `valid_from` to `valid_to`."""

    valid_from = DateProperty()
    valid_to = DateProperty()


class User(StructuredNode):
    """An employee or application that logs in."""

    key = KeyProperty(unique_index=True, required=True)
    name = StringProperty(required=True)
    role = StringProperty(choices=USER_ROLES, required=True)
    email = StringProperty()

    territories = RelationshipTo("graph.schema.territory.Territory", "ASSIGNED_TO", model=AssignedTo)
    substitutes_for = RelationshipTo("User", "SUBSTITUTES", model=Substitutes)
    # (:User)-[:HAS_KEY]->(:ApiKey)
    api_keys = RelationshipTo("ApiKey", "HAS_KEY")


class ApiKey(StructuredNode):
    """An API key of a user, stored only as its SHA-256 hash."""

    hash = StringProperty(unique_index=True, required=True)
    prefix = StringProperty(required=True)  # the key's first characters, to tell keys apart
    created_at = StringProperty(required=True)  # ISO 8601 timestamp, UTC
    revoked_on = DateProperty()

"""Organisations and the links between them: corporate structure, memberships, supply."""

from neomodel import (
    ArrayProperty,
    DateProperty,
    FloatProperty,
    RelationshipTo,
    StringProperty,
    StructuredNode,
    StructuredRel,
)

from graph.schema.account import HasAccount
from graph.schema.properties import CountryProperty, KeyProperty
from graph.schema.territory import AssignedTo

ORGANISATION_KINDS = {
    "company": "a legal entity",
    "branch": "a branch or location of a company",
    "household": "a private household",
    "association": "a purchasing association or buying group",
    "chain": "a retail chain",
}
ORGANISATION_STATUSES = {
    "lead": "lead",
    "prospect": "prospect",
    "customer": "customer",
    "former": "former customer",
    "supplier": "supplier",
    "partner": "partner",
}
PARENT_KINDS = {"legal": "holding to subsidiary", "branch": "headquarters to branch or location"}


# (:Organisation)-[:PARENT_OF]->(:Organisation)
class ParentOf(StructuredRel):
    """Corporate structure; a child has at most one parent on any day, and no cycle."""

    kind = StringProperty(choices=PARENT_KINDS, default="legal")
    valid_from = DateProperty()
    valid_to = DateProperty()
    share = FloatProperty()  # ownership in percent, 0-100, legal links only


# (:Organisation)-[:MEMBER_OF]->(:Organisation)
class MemberOf(StructuredRel):
    """Membership in a purchasing association, buying group or retail chain."""

    valid_from = DateProperty()
    valid_to = DateProperty()


# (:Organisation)-[:SUPPLIES]->(:Organisation)
class Supplies(StructuredRel):
    """Who delivers to whom."""

    since = DateProperty()
    until = DateProperty()
    note = StringProperty()


# (:Organisation|Contact)-[:RELATED_TO]->(:Organisation|Contact)
class RelatedTo(StructuredRel):
    """A custom relationship of a registered type ("consultant_of", "sister_of" …)."""

    type = StringProperty(required=True)
    note = StringProperty()


class Organisation(StructuredNode):
    """A company, branch, household, purchasing association or retail chain."""

    key = KeyProperty(unique_index=True, required=True)
    # Only what lookups need is indexed: every index costs each loaded row engine time.
    name = StringProperty(required=True)
    kind = StringProperty(choices=ORGANISATION_KINDS, default="company")
    status = StringProperty(choices=ORGANISATION_STATUSES)
    industry = StringProperty()
    vat_id = StringProperty()
    street = StringProperty()
    postcode = StringProperty()
    city = StringProperty()
    country = CountryProperty()
    source = StringProperty()
    # The ultimate parent a source declares (GLEIF's IS_ULTIMATELY_CONSOLIDATED_BY), kept beside the
    # PARENT_OF chain rather than as a link: the two may disagree, and that is what docs/ultimates.md reports.
    declared_ultimate_key = KeyProperty()
    former_keys = ArrayProperty(StringProperty())  # keys of duplicates merged into this one

    children = RelationshipTo("Organisation", "PARENT_OF", model=ParentOf)
    associations = RelationshipTo("Organisation", "MEMBER_OF", model=MemberOf)
    customers = RelationshipTo("Organisation", "SUPPLIES", model=Supplies)
    related_organisations = RelationshipTo("Organisation", "RELATED_TO", model=RelatedTo)
    related_contacts = RelationshipTo("graph.schema.contact.Contact", "RELATED_TO", model=RelatedTo)
    accounts = RelationshipTo("graph.schema.account.DebtorAccount", "HAS_ACCOUNT", model=HasAccount)
    territories = RelationshipTo("graph.schema.territory.Territory", "ASSIGNED_TO", model=AssignedTo)


class RelationshipType(StructuredNode):
    """A custom `RELATED_TO` type that a data steward registered before use."""

    type = KeyProperty(unique_index=True, required=True)
    description = StringProperty()

"""Sales territories, their hierarchy and rules, and who is assigned to them."""

from neomodel import ArrayProperty, DateProperty, RelationshipTo, StringProperty, StructuredNode, StructuredRel

from graph.schema.properties import CountryProperty, KeyProperty, PostcodeRangeProperty

ASSIGNMENT_SOURCES = {"rule": "derived from the territory's rules", "manual": "set by hand; wins over rules"}
TERRITORY_ROLES = {"owner": "owns the territory's accounts", "member": "works in the territory"}


# (:Organisation)-[:ASSIGNED_TO]->(:Territory)  with `source`
# (:User)-[:ASSIGNED_TO]->(:Territory)          with `role`, `valid_from`, `valid_to`
class AssignedTo(StructuredRel):
    """An organisation belongs to a territory (by rule or by hand), or a user works one for a period.

    neomodel allows one class per relationship type, so both patterns share it;
    each load file kind uses the properties of its own pattern.
    """

    # neomodel reserves the attribute name `source`; the stored property keeps it.
    assigned_by = StringProperty(choices=ASSIGNMENT_SOURCES, default="manual", db_property="source")
    role = StringProperty(choices=TERRITORY_ROLES, default="owner")
    valid_from = DateProperty()
    valid_to = DateProperty()


class Territory(StructuredNode):
    """A sales or service area with an abstract name ("NORTH-2"), and its assignment rules.

    An organisation matches when it matches every criterion the territory sets,
    and within one criterion any listed value.
    """

    key = KeyProperty(unique_index=True, required=True)
    name = StringProperty(required=True)
    countries = ArrayProperty(CountryProperty())
    postcode_prefixes = ArrayProperty(StringProperty())
    postcode_ranges = ArrayProperty(PostcodeRangeProperty())
    industries = ArrayProperty(StringProperty())

    # (:Territory)-[:PARENT_OF]->(:Territory)
    districts = RelationshipTo("Territory", "PARENT_OF")

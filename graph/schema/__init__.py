"""The graph model: one neomodel class per label and relationship.

These classes are the single place where labels, properties, types, enums,
required fields and unique keys are declared; constraints, indexes and input
validation are derived from them.
"""

from neomodel import StructuredNode, StructuredRel

from graph.schema.account import DebtorAccount, HasAccount
from graph.schema.activity import ACTIVITY_STATUSES, ACTIVITY_TYPES, OPPORTUNITY_STATUSES, Activity, Opportunity
from graph.schema.contact import Contact, WorksAt
from graph.schema.fields import FieldError, FieldSpec, coerce, coerce_row, fields_of
from graph.schema.lock import Lock
from graph.schema.organisation import MemberOf, Organisation, ParentOf, RelatedTo, RelationshipType, Supplies
from graph.schema.revenue import BookedFor
from graph.schema.revision import Change, Revision
from graph.schema.territory import AssignedTo, Territory
from graph.schema.user import ApiKey, Substitutes, User

NODE_CLASSES: tuple[type[StructuredNode], ...] = (
    Organisation,
    Contact,
    DebtorAccount,
    Territory,
    User,
    RelationshipType,
    Activity,
    Opportunity,
    ApiKey,
    Revision,
    Change,
    Lock,
)


def unique_properties() -> list[tuple[str, str]]:
    """Return (label, property) for every unique key the schema declares."""
    return [(cls.__label__, spec.name) for cls in NODE_CLASSES for spec in fields_of(cls).values() if spec.unique]


def indexed_properties() -> list[tuple[str, str]]:
    """Return (label, property) for every property that is indexed, unique keys included."""
    return [
        (cls.__label__, spec.name)
        for cls in NODE_CLASSES
        for spec in fields_of(cls).values()
        if spec.unique or spec.indexed
    ]


def relationship_type(model: type[StructuredRel]) -> str:
    """Return the type of the relationships whose properties `model` declares (`HAS_ACCOUNT` for HasAccount)."""
    types = {
        definition.definition["relation_type"]
        for cls in NODE_CLASSES
        for definition in cls.defined_properties(aliases=False, properties=False).values()
        if definition.definition["model"] is model
    }
    if len(types) != 1:
        raise ValueError(f"{model.__name__} is the model of {len(types)} relationship types: {sorted(types)}")
    return types.pop()


__all__ = [
    "ACTIVITY_STATUSES",
    "ACTIVITY_TYPES",
    "Activity",
    "ApiKey",
    "AssignedTo",
    "BookedFor",
    "Change",
    "Contact",
    "DebtorAccount",
    "FieldError",
    "FieldSpec",
    "HasAccount",
    "Lock",
    "MemberOf",
    "NODE_CLASSES",
    "OPPORTUNITY_STATUSES",
    "Opportunity",
    "Organisation",
    "ParentOf",
    "RelatedTo",
    "RelationshipType",
    "Revision",
    "Substitutes",
    "Supplies",
    "Territory",
    "User",
    "WorksAt",
    "coerce",
    "coerce_row",
    "fields_of",
    "indexed_properties",
    "relationship_type",
    "unique_properties",
]

"""The kinds of load file: their columns, what each column fills, and the query that writes a batch.

Every column's specification comes from the schema classes through
:func:`graph.schema.fields_of`: a property column takes the spec of the property
it fills, a reference column (the key of another node) takes the key spec of the
class it refers to. Nothing here re-declares a type, an enum or a default.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from neomodel import StructuredNode, StructuredRel

from graph.hierarchy.rules import share_problem
from graph.queries import NOTHING_HELD, Query, Touches, declare
from graph.schema import (
    Activity,
    AssignedTo,
    BookedFor,
    Contact,
    DebtorAccount,
    FieldError,
    FieldSpec,
    HasAccount,
    MemberOf,
    Opportunity,
    Organisation,
    ParentOf,
    RelatedTo,
    RelationshipType,
    Substitutes,
    Supplies,
    Territory,
    User,
    WorksAt,
    coerce,
    fields_of,
)
from graph.settings import get_settings

# A rule over one row's coerced values; it returns the error that rejects the row, or None.
RowRule = Callable[[Mapping[str, Any]], FieldError | None]


@dataclass(frozen=True)
class Column:
    """One column of a load file.

    Attributes:
        name: the header name (CSV) or object key (JSON Lines).
        spec: how a raw value is checked and coerced; named after the column.
        fills: the stored property the column fills, or None for a reference.
        refers_to: the node classes whose key the column holds; empty for a
            plain property.
    """

    name: str
    spec: FieldSpec
    fills: str | None = None
    refers_to: tuple[type[StructuredNode], ...] = ()

    @property
    def required(self) -> bool:
        """Return whether every row must give this column."""
        return self.spec.required


@dataclass(frozen=True)
class ThroughAccount:
    """A row without an organisation is attributed to the one organisation holding its debtor account as `sold_to`."""

    account: str
    organisation: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.account, self.organisation)


@dataclass(frozen=True)
class ThroughEmployer:
    """A row without an organisation is attributed to its contacts' employer on its day (WORKS_AT history): so what
    was said before a contact changed company stays with the company they worked for then."""

    contacts: str
    day: str
    organisation: str

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.contacts, self.day, self.organisation)


Attribution = ThroughAccount | ThroughEmployer


@dataclass(frozen=True)
class Insert:
    """How the rows of a kind are created in bulk when the graph holds none of the kind yet (a first load).

    Attributes:
        stored: counts the stored nodes or links of the kind (`count`).
        ends: for a relationship kind, the columns of its start and of its end.
    """

    stored: Query
    ends: tuple[str, str] | None = None


@dataclass(frozen=True)
class Kind:
    """One kind of load file: `<name>.csv` or `<name>.jsonl`.

    Attributes:
        name: the file name without its suffix.
        description: what one row is, in a few words.
        columns: the file's columns, in the order of DOMAIN.md's table.
        query: writes one batch of rows; see :mod:`graph.loading.loader` for
            the shape of a row it receives. It returns how many rows had each
            status (`created`, `updated`, `unchanged`).
        compare: reads one batch of the same rows and tells, without writing,
            how many rows of each status `query` would report and the lines
            of the rows it would create or update.
        identity: the columns whose values identify a row: loading a row with
            the same values again updates the same node or relationship.
        create: writes the rows of one batch whose node or relationship does
            not exist yet, skipping the others, and returns the lines it
            created; None for a kind that is only upserted. A plain CREATE
            costs the engine about half of what MERGE and the status
            comparison of `query` cost, so a first load creates and upserts
            only what is left (see :mod:`graph.loading.loader`).
        node: the node class a node kind upserts; None for a relationship kind.
        relationship: the relationship class whose properties the row sets.
        fixed: stored properties every row of the kind sets to the same value.
        attribution: how a row whose organisation is empty gets one (through its debtor account, or its
            contacts' employer on its day), or is rejected when it cannot; None when every row names it.
        rules: checks over a whole row, run after each column is coerced.
        insert: how a file of the kind is created in bulk when the graph holds none of the kind yet
            (see :meth:`graph.store.Store.inserter`); None for a kind that is always written with
            its queries.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    query: Query
    compare: Query
    identity: tuple[str, ...]
    create: Query | None = None
    node: type[StructuredNode] | None = None
    relationship: type[StructuredRel] | None = None
    fixed: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    attribution: Attribution | None = None
    rules: tuple[RowRule, ...] = ()
    insert: Insert | None = None

    def __post_init__(self):
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"kind {self.name}: duplicate column in {names}")
        unknown = (set(self.identity) | set(self.attribution.columns if self.attribution else ())) - set(names)
        if unknown:
            raise ValueError(f"kind {self.name}: identity or attribution names unknown columns {sorted(unknown)}")
        if self.insert is not None and (self.create is None or self.fixed):
            raise ValueError(f"kind {self.name}: inserted in bulk needs a create query and nothing fixed")

    @property
    def column_names(self) -> tuple[str, ...]:
        """Return the names of the columns, in order."""
        return tuple(column.name for column in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        """Return the names of the columns every row must give."""
        return tuple(column.name for column in self.columns if column.required)

    @property
    def specs(self) -> dict[str, FieldSpec]:
        """Return each column's spec, by column name, ready for `coerce_row`."""
        return {column.name: column.spec for column in self.columns}

    @property
    def references(self) -> tuple[Column, ...]:
        """Return the columns that hold the key of another node."""
        return tuple(column for column in self.columns if column.refers_to)


def key_spec(cls: type[StructuredNode]) -> FieldSpec:
    """Return the spec of the unique key property of a node class."""
    keys = [spec for spec in fields_of(cls).values() if spec.unique]
    if len(keys) != 1:
        raise ValueError(f"{cls.__name__} has {len(keys)} unique properties; a loadable class has one key")
    return keys[0]


def key_property(cls: type[StructuredNode]) -> str:
    """Return the name of the unique key property of a node class (`key`, `number`, `type`)."""
    return key_spec(cls).name


def _properties(
    cls: type[StructuredNode] | type[StructuredRel], *names: str, exclude: tuple[str, ...] = ()
) -> tuple[Column, ...]:
    """Return a column per property of `cls`: the ones named, or all but the excluded ones, in class order."""
    specs = fields_of(cls)
    chosen = names or tuple(name for name in specs if name not in exclude)
    return tuple(Column(name, specs[name], fills=name) for name in chosen)


def _reference(name: str, *classes: type[StructuredNode], required: bool = True) -> Column:
    """Return a column holding the key of a node of one of `classes`, checked with that key's spec."""
    spec = replace(key_spec(classes[0]), name=name, required=required, unique=False, indexed=False, default=None)
    return Column(name, spec, refers_to=classes)


def _references(name: str, cls: type[StructuredNode]) -> Column:
    """Return a column holding a list of keys of nodes of `cls` (`;` between them in a CSV cell), each checked."""
    item = replace(key_spec(cls), name=name, required=False, unique=False, indexed=False, default=None)
    return Column(name, FieldSpec(name, "list", item=item), refers_to=(cls,))


def _also_refers_to(column: Column, *classes: type[StructuredNode]) -> Column:
    """Return `column`, a stored property, whose value must also be the key of a node of `classes`."""
    return replace(column, refers_to=classes)


def _fixed(cls: type[StructuredRel], **values: Any) -> Mapping[str, Any]:
    """Return fixed property values, checked against the schema once, at import."""
    specs = fields_of(cls)
    return MappingProxyType({name: coerce(specs[name], value) for name, value in values.items()})


def _ordered(start: str, end: str) -> RowRule:
    """Return a rule: the period's end, when given, is not before its start (both are inclusive)."""

    def rule(values: Mapping[str, Any]) -> FieldError | None:
        first, last = values.get(start), values.get(end)
        if isinstance(first, datetime.date) and isinstance(last, datetime.date) and last < first:
            return FieldError(end, f"{last.isoformat()} is before {start} {first.isoformat()}")
        return None

    return rule


def _distinct(first: str, second: str, reason: str) -> RowRule:
    """Return a rule: the two columns do not name the same node."""

    def rule(values: Mapping[str, Any]) -> FieldError | None:
        if values.get(first) is not None and values.get(first) == values.get(second):
            return FieldError(second, reason)
        return None

    return rule


def _share(values: Mapping[str, Any]) -> FieldError | None:
    """Check a row against the hierarchy's share rule: a percentage, and only on a legal link."""
    reason = share_problem(values.get("share"), values.get("kind"))
    return None if reason is None else FieldError("share", reason)


def _reporting_currency(values: Mapping[str, Any]) -> FieldError | None:
    """Check that a booking's currency, when given, is the installation's reporting currency (one per installation)."""
    currency = values.get("currency")
    reporting = get_settings().currency
    if currency is not None and currency != reporting:
        return FieldError("currency", f"{currency!r} is not the reporting currency {reporting}: convert it first")
    return None


def _organisation_or_contacts(values: Mapping[str, Any]) -> FieldError | None:
    """Check that an activity names its organisation, or the contacts whose employer it is about."""
    if values.get("organisation_key") is None and not values.get("contact_keys"):
        return FieldError("organisation_key", "neither organisation_key nor contact_keys is given: one is needed")
    return None


def _each_once(column: str) -> RowRule:
    """Return a rule: the list in `column` names no key twice."""

    def rule(values: Mapping[str, Any]) -> FieldError | None:
        seen: set[str] = set()
        for key in values.get(column) or ():
            if key in seen:
                return FieldError(column, f"{key!r} is given twice")
            seen.add(key)
        return None

    return rule


def _known_stage(values: Mapping[str, Any]) -> FieldError | None:
    """Check that an opportunity's stage is one of the installation's stages."""
    stage, stages = values.get("stage"), get_settings().opportunity_stages
    if stage is not None and stage not in stages:
        return FieldError("stage", f"{stage!r} is not a stage; the stages are {', '.join(stages)}")
    return None


def _not_negative(column: str) -> RowRule:
    """Return a rule: the amount in `column`, when given, is zero or more."""

    def rule(values: Mapping[str, Any]) -> FieldError | None:
        amount = values.get(column)
        if amount is not None and amount < 0:
            return FieldError(column, f"{amount / 100:.2f} is negative")
        return None

    return rule


def _percent(column: str) -> RowRule:
    """Return a rule: the number in `column`, when given, is a percentage from 0 to 100."""

    def rule(values: Mapping[str, Any]) -> FieldError | None:
        number = values.get(column)
        if number is not None and not 0 <= number <= 100:
            return FieldError(column, f"{number} is not a percentage from 0 to 100")
        return None

    return rule


# What the writes of a kind may change of what the snapshot holds (graph/changes.py); the other kinds' change none.
ORGANISATION_ROWS = Touches(organisations=("rows.key",), properties=True)
# A link is named by its child: naming the parent would read all its children's links again.
PARENT_ROWS = Touches(organisations=("rows.child_key",))
# Bookings and assignments, of the organisation each row names.
ATTRIBUTED_ROWS = Touches(organisations=("rows.organisation_key",))
TERRITORY_ROWS = Touches(territories=True)


def _upsert(kind: str, touches: Touches) -> Query:
    return declare(f"loading/upsert_{kind}", touches=touches)


def _compare(kind: str) -> Query:
    return declare(f"loading/compare_{kind}")


def _create(kind: str, touches: Touches) -> Query:
    return declare(f"loading/create_{kind}", touches=touches)


def _insert(kind: str, ends: tuple[str, str] | None = None) -> Insert:
    return Insert(declare(f"loading/count_{kind}"), ends)


KINDS: tuple[Kind, ...] = (
    Kind(
        name="organisations",
        description="an organisation, by its key",
        columns=_properties(Organisation, exclude=("former_keys",)),  # former_keys is kept by merges, not loaded
        query=_upsert("organisations", ORGANISATION_ROWS),
        compare=_compare("organisations"),
        create=_create("organisations", ORGANISATION_ROWS),
        insert=_insert("organisations"),
        identity=("key",),
        node=Organisation,
    ),
    Kind(
        name="contacts",
        description="a contact, by its key",
        columns=_properties(Contact),
        query=_upsert("contacts", NOTHING_HELD),
        compare=_compare("contacts"),
        create=_create("contacts", NOTHING_HELD),
        insert=_insert("contacts"),
        identity=("key",),
        node=Contact,
    ),
    Kind(
        name="debtors",
        description="a debtor account, by its number",
        columns=_properties(DebtorAccount),
        query=_upsert("debtors", NOTHING_HELD),
        compare=_compare("debtors"),
        create=_create("debtors", NOTHING_HELD),
        insert=_insert("debtors"),
        identity=("number",),
        node=DebtorAccount,
    ),
    Kind(
        name="territories",
        description="a territory, by its key, with its parent in the territory hierarchy",
        columns=(
            *_properties(Territory, "key", "name"),
            _reference("parent_key", Territory, required=False),
            *_properties(Territory, exclude=("key", "name")),
        ),
        query=_upsert("territories", TERRITORY_ROWS),
        compare=_compare("territories"),
        identity=("key",),
        node=Territory,
        rules=(_distinct("key", "parent_key", "a territory cannot be its own parent"),),
    ),
    Kind(
        name="users",
        description="a user, by its key",
        columns=_properties(User),
        query=_upsert("users", NOTHING_HELD),
        compare=_compare("users"),
        identity=("key",),
        node=User,
    ),
    Kind(
        name="relationship_types",
        description="a registered custom relationship type, by its name",
        columns=_properties(RelationshipType),
        query=_upsert("relationship_types", NOTHING_HELD),
        compare=_compare("relationship_types"),
        identity=("type",),
        node=RelationshipType,
    ),
    Kind(
        name="parents",
        description="one period of a PARENT_OF link between organisations, by parent, child and valid_from",
        columns=(
            _reference("parent_key", Organisation),
            _reference("child_key", Organisation),
            *_properties(ParentOf),
        ),
        query=_upsert("parents", PARENT_ROWS),
        compare=_compare("parents"),
        create=_create("parents", PARENT_ROWS),
        insert=_insert("parents", ("parent_key", "child_key")),
        identity=("parent_key", "child_key", "valid_from"),
        relationship=ParentOf,
        rules=(
            _distinct("parent_key", "child_key", "an organisation cannot be its own parent"),
            _ordered("valid_from", "valid_to"),
            _share,
        ),
    ),
    Kind(
        name="memberships",
        description="a MEMBER_OF link from a member to an association or chain, by its two ends",
        columns=(
            _reference("member_key", Organisation),
            _reference("association_key", Organisation),
            *_properties(MemberOf),
        ),
        query=_upsert("memberships", NOTHING_HELD),
        compare=_compare("memberships"),
        create=_create("memberships", NOTHING_HELD),
        identity=("member_key", "association_key"),
        relationship=MemberOf,
        rules=(
            _distinct("member_key", "association_key", "an organisation cannot be a member of itself"),
            _ordered("valid_from", "valid_to"),
        ),
    ),
    Kind(
        name="supplies",
        description="a SUPPLIES link from supplier to customer, by its two ends",
        columns=(
            _reference("supplier_key", Organisation),
            _reference("customer_key", Organisation),
            *_properties(Supplies),
        ),
        query=_upsert("supplies", NOTHING_HELD),
        compare=_compare("supplies"),
        create=_create("supplies", NOTHING_HELD),
        identity=("supplier_key", "customer_key"),
        relationship=Supplies,
        rules=(_ordered("since", "until"),),
    ),
    Kind(
        name="employments",
        description="a WORKS_AT link from a contact to an organisation, by its two ends",
        columns=(
            _reference("contact_key", Contact),
            _reference("organisation_key", Organisation),
            *_properties(WorksAt),
        ),
        query=_upsert("employments", NOTHING_HELD),
        compare=_compare("employments"),
        create=_create("employments", NOTHING_HELD),
        insert=_insert("employments", ("contact_key", "organisation_key")),
        identity=("contact_key", "organisation_key"),
        relationship=WorksAt,
        rules=(_ordered("since", "until"),),
    ),
    Kind(
        name="accounts",
        description="a HAS_ACCOUNT link from an organisation to a debtor account, by its two ends",
        columns=(
            _reference("organisation_key", Organisation),
            _reference("debtor_number", DebtorAccount),
            *_properties(HasAccount),
        ),
        query=_upsert("accounts", NOTHING_HELD),
        compare=_compare("accounts"),
        create=_create("accounts", NOTHING_HELD),
        insert=_insert("accounts", ("organisation_key", "debtor_number")),
        identity=("organisation_key", "debtor_number"),
        relationship=HasAccount,
    ),
    Kind(
        name="org_territories",
        description="a manual ASSIGNED_TO link from an organisation to a territory, by its two ends",
        columns=(
            _reference("organisation_key", Organisation),
            _reference("territory_key", Territory),
        ),
        query=_upsert("org_territories", ATTRIBUTED_ROWS),
        compare=_compare("org_territories"),
        identity=("organisation_key", "territory_key"),
        relationship=AssignedTo,
        fixed=_fixed(AssignedTo, source="manual"),
    ),
    Kind(
        name="user_territories",
        description="an ASSIGNED_TO link from a user to a territory, by its two ends",
        columns=(
            _reference("user_key", User),
            _reference("territory_key", Territory),
            *_properties(AssignedTo, "role", "valid_from", "valid_to"),
        ),
        query=_upsert("user_territories", NOTHING_HELD),
        compare=_compare("user_territories"),
        identity=("user_key", "territory_key"),
        relationship=AssignedTo,
        rules=(_ordered("valid_from", "valid_to"),),
    ),
    Kind(
        name="substitutes",
        description="a SUBSTITUTES link: the user covers for another, by the two users",
        columns=(
            _reference("user_key", User),
            _reference("substitutes_for", User),
            *_properties(Substitutes),
        ),
        query=_upsert("substitutes", NOTHING_HELD),
        compare=_compare("substitutes"),
        identity=("user_key", "substitutes_for"),
        relationship=Substitutes,
        rules=(
            _distinct("user_key", "substitutes_for", "a user cannot substitute for themselves"),
            _ordered("valid_from", "valid_to"),
        ),
    ),
    Kind(
        name="relationships",
        description="a custom RELATED_TO link of a registered type, by its two ends and type",
        columns=(
            _reference("from_key", Organisation, Contact),
            _reference("to_key", Organisation, Contact),
            *(_also_refers_to(column, RelationshipType) for column in _properties(RelatedTo, "type")),
            *_properties(RelatedTo, "note"),
        ),
        query=_upsert("relationships", NOTHING_HELD),
        compare=_compare("relationships"),
        identity=("from_key", "to_key", "type"),
        relationship=RelatedTo,
        rules=(_distinct("from_key", "to_key", "a relationship needs two different ends"),),
    ),
    Kind(
        name="revenue",
        description="one month's booking of a debtor account, by debtor number, period and attributed organisation",
        columns=(
            _reference("debtor_number", DebtorAccount),
            *_properties(BookedFor, "period", "revenue", "gross_profit"),
            _reference("organisation_key", Organisation, required=False),
            *_properties(BookedFor, "currency"),
        ),
        query=_upsert("revenue", ATTRIBUTED_ROWS),
        compare=_compare("revenue"),
        create=_create("revenue", ATTRIBUTED_ROWS),
        insert=_insert("revenue", ("debtor_number", "organisation_key")),
        identity=("debtor_number", "period", "organisation_key"),
        relationship=BookedFor,
        attribution=ThroughAccount("debtor_number", "organisation_key"),
        rules=(_reporting_currency,),
    ),
    Kind(
        name="activities",
        description="an activity (a call, meeting, e-mail, offer, task or note), by its key",
        columns=(
            *_properties(Activity, "key", "type", "status", "date", "subject"),
            _reference("organisation_key", Organisation, required=False),
            _references("contact_keys", Contact),
            _reference("owner_key", User, required=False),
        ),
        query=_upsert("activities", NOTHING_HELD),
        compare=_compare("activities"),
        create=_create("activities", NOTHING_HELD),
        identity=("key",),
        node=Activity,
        attribution=ThroughEmployer("contact_keys", "date", "organisation_key"),
        rules=(_organisation_or_contacts, _each_once("contact_keys")),
    ),
    Kind(
        name="opportunities",
        description="a sales opportunity, by its key",
        columns=(
            *_properties(Opportunity, "key", "name"),
            _reference("organisation_key", Organisation),
            *_properties(Opportunity, "amount", "stage", "probability", "expected_close", "status", "closed_on"),
            _reference("owner_key", User, required=False),
            *_properties(Opportunity, "currency"),
        ),
        query=_upsert("opportunities", NOTHING_HELD),
        compare=_compare("opportunities"),
        create=_create("opportunities", NOTHING_HELD),
        identity=("key",),
        node=Opportunity,
        rules=(
            _not_negative("amount"),
            _percent("probability"),
            _known_stage,
            _reporting_currency,
        ),
    ),
)

KINDS_BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}

"""The load file kinds: DOMAIN.md's table is the contract, the schema classes give every spec."""

import re
from dataclasses import replace

import pytest

from graph.loading import KINDS
from graph.loading.kinds import key_spec
from graph.schema import AssignedTo, BookedFor, FieldSpec, Organisation, ParentOf, fields_of

# DOMAIN.md, "Load files": kind -> columns in order, required ones marked with "*"; organisations also take
# the declared ultimate parent of issue 16 (GLEIF's IS_ULTIMATELY_CONSOLIDATED_BY, docs/ultimates.md).
CONTRACT = {
    "organisations": "key* name* kind status industry vat_id street postcode city country source declared_ultimate_key",
    "contacts": "key* last_name* first_name email phone",
    "debtors": "number* name* erp",
    "territories": "key* name* parent_key countries postcode_prefixes postcode_ranges industries",
    "users": "key* name* role* email",
    "relationship_types": "type* description",
    "parents": "parent_key* child_key* kind valid_from valid_to share",
    "memberships": "member_key* association_key* valid_from valid_to",
    "supplies": "supplier_key* customer_key* since until note",
    "employments": "contact_key* organisation_key* role department is_main_contact since until",
    "accounts": "organisation_key* debtor_number* role",
    "org_territories": "organisation_key* territory_key*",
    "user_territories": "user_key* territory_key* role valid_from valid_to",
    "substitutes": "user_key* substitutes_for* valid_from valid_to",
    "relationships": "from_key* to_key* type* note",
    "revenue": "debtor_number* period* revenue* gross_profit organisation_key currency",
    "activities": "key* type* status* date* subject organisation_key contact_keys owner_key",
    "opportunities": "key* name* organisation_key* amount* stage probability expected_close status closed_on owner_key "
    "currency",
}


def test_kinds_follow_the_domain_table_in_order():
    assert [kind.name for kind in KINDS] == list(CONTRACT)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_columns_and_required_columns_match_the_domain_table(kind):
    expected = CONTRACT[kind.name].split()

    assert list(kind.column_names) == [name.rstrip("*") for name in expected]
    assert list(kind.required_columns) == [name.rstrip("*") for name in expected if name.endswith("*")]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_column_spec_comes_from_the_schema(kind):
    for column in kind.columns:
        if column.fills is not None:
            owner = kind.node or kind.relationship
            assert column.spec == fields_of(owner)[column.fills], column.name
        else:
            key = replace(key_spec(column.refers_to[0]), name=column.name, unique=False, indexed=False)
            if column.spec.kind == "list":  # a list of keys, each checked as the key
                assert column.spec == FieldSpec(column.name, "list", item=replace(key, required=False)), column.name
            else:
                assert column.spec == replace(key, required=column.required), column.name


def test_examples_of_derived_specs():
    organisations, parents, revenue = (
        next(k for k in KINDS if k.name == name) for name in ("organisations", "parents", "revenue")
    )

    assert organisations.specs["kind"].choices == fields_of(Organisation)["kind"].choices
    assert parents.specs["parent_key"].kind == "key" and parents.specs["parent_key"].required
    assert parents.specs["share"] == fields_of(ParentOf)["share"]
    assert revenue.specs["revenue"].kind == "cents" and revenue.specs["revenue"] == fields_of(BookedFor)["revenue"]
    assert not revenue.specs["organisation_key"].required


def test_org_territories_are_manual_assignments():
    (kind,) = [k for k in KINDS if k.name == "org_territories"]

    assert kind.relationship is AssignedTo
    assert dict(kind.fixed) == {"source": "manual"}


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_property_reaches_the_query(kind):
    """Properties arrive as maps set with `+=`, defaults only on create; dates among them as day numbers."""
    text = kind.query.text_for("neo4j")

    assert kind.query.name == f"loading/upsert_{kind.name}"
    assert text.count("UNWIND $rows AS row") == 1
    assert text.endswith("RETURN status, count(*) AS count")
    assert re.search(r"SET \w+ \+= row\.props", text)
    assert re.search(r"SET \w+ \+= row\.defaults", text)
    assert "date(" not in text  # an engine date would compare wrongly on FalkorDB (graph/days.py)
    for column in kind.references:
        if column.fills is None:
            assert f"row.{column.name}" in text


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_kind_compares_without_writing(kind):
    """The compare query reads what the upsert would write to, and returns each status's count and written lines."""
    text = kind.compare.text_for("neo4j")

    assert kind.compare.name == f"loading/compare_{kind.name}"
    assert text.count("UNWIND $rows AS row") == 1
    assert text.endswith(
        "RETURN status, size(lines) AS count, CASE status WHEN 'unchanged' THEN [] ELSE lines END AS rows"
    )
    assert not re.search(r"\b(MERGE|CREATE|SET|DELETE|REMOVE)\b", text)
    for column in kind.references:
        if column.fills is None and kind.relationship is not None:  # a link is matched by its ends
            assert f"row.{column.name}" in text


@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind.create is not None], ids=lambda kind: kind.name)
def test_a_create_query_writes_every_property_its_kind_stores(kind):
    # The create queries list the properties in CREATE's map: a column added to a kind must be added there too.
    key = {key_spec(kind.node).name} if kind.node else set()
    stored = {column.fills for column in kind.columns if column.fills} | key

    text = kind.create.text_for("falkordb")
    filled = r"^\s*(\w+): (?:(?:coalesce\()?row\.props\.|date\(row\.dates\.|row\.key)"
    written = set(re.findall(filled, text, re.MULTILINE))

    assert written == stored


def test_a_kind_inserted_in_bulk_has_a_create_query():
    # The bulk path falls back to the create query (graph/store/falkordb_bulk.py).
    employments = next(kind for kind in KINDS if kind.name == "employments")
    assert employments.insert is not None

    with pytest.raises(ValueError, match="needs a create query"):
        replace(employments, create=None)

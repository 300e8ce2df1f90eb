"""Field specifications come from the schema classes, and coercion enforces them."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph import schema
from graph.schema import FieldError, coerce, coerce_row, fields_of


def test_unique_keys_are_the_business_keys_of_domain_md():
    assert set(schema.unique_properties()) == {
        ("Organisation", "key"),
        ("Contact", "key"),
        ("DebtorAccount", "number"),
        ("Territory", "key"),
        ("User", "key"),
        ("RelationshipType", "type"),
        ("Activity", "key"),
        ("Opportunity", "key"),
        ("ApiKey", "hash"),
        ("Revision", "name"),
        ("Change", "sequence"),  # the change records snapshots follow (graph/changes.py)
        ("Lock", "name"),  # the write lock of checked writes on Neo4j (graph/store/write_lock.py)
    }


def test_every_unique_key_is_also_indexed():
    assert set(schema.unique_properties()) <= set(schema.indexed_properties())


def test_enums_required_and_defaults_are_derived_from_the_classes():
    organisation = fields_of(schema.Organisation)
    parent = fields_of(schema.ParentOf)

    assert organisation["key"].required and organisation["name"].required
    assert not organisation["city"].required
    assert organisation["kind"].choices == ("company", "branch", "household", "association", "chain")
    assert organisation["kind"].default == "company"
    assert parent["kind"].default == "legal"
    assert fields_of(schema.User)["role"].choices == ("rep", "manager", "analyst", "admin", "service")


def test_stored_name_is_used_where_neomodel_reserves_the_attribute():
    assert set(fields_of(schema.AssignedTo)) == {"source", "role", "valid_from", "valid_to"}


@pytest.mark.parametrize(
    ("cls", "field", "raw", "expected"),
    [
        (schema.Organisation, "key", "ORG-DE-0001", "ORG-DE-0001"),
        (schema.Organisation, "kind", None, "company"),
        (schema.Organisation, "country", "NL", "NL"),
        (schema.ParentOf, "valid_from", "2024-02-29", datetime.date(2024, 2, 29)),
        (schema.ParentOf, "share", "75.5", 75.5),
        (schema.WorksAt, "is_main_contact", "true", True),
        (schema.WorksAt, "is_main_contact", False, False),
        (schema.BookedFor, "revenue", "-12.30", -1230),
        (schema.BookedFor, "revenue", "7", 700),
        (schema.BookedFor, "period", "2025-12", "2025-12"),
        (schema.Territory, "countries", "DE; AT;", ["DE", "AT"]),
        (schema.Territory, "postcode_ranges", ["10000-19999"], ["10000-19999"]),
    ],
)
def test_valid_values_are_coerced(cls, field, raw, expected):
    assert coerce(fields_of(cls)[field], raw) == expected


@pytest.mark.parametrize(
    ("cls", "field", "raw", "reason"),
    [
        (schema.Organisation, "key", "", "required"),
        (schema.Organisation, "key", "ORG 1", "not a key"),
        (schema.Organisation, "kind", "corp", "unknown value 'corp'; expected one of company"),
        (schema.Organisation, "country", "Germany", "alpha-2"),
        (schema.ParentOf, "valid_from", "2024-02-30", "not a day of the calendar"),
        (schema.ParentOf, "valid_from", "30.02.2024", "not a date YYYY-MM-DD"),
        (schema.ParentOf, "share", "75,5", "'.' as decimal separator"),
        (schema.WorksAt, "is_main_contact", "yes", "expected true or false"),
        (schema.BookedFor, "revenue", "1.234", "at most two decimals"),
        (schema.BookedFor, "revenue", "1,50", "at most two decimals"),
        (schema.BookedFor, "period", "2025-13", "not a period YYYY-MM"),
        (schema.Territory, "postcode_ranges", "10000", "of the form"),
        (schema.Contact, "last_name", {"a": 1}, "expected text"),
    ],
)
def test_invalid_values_name_the_field_and_the_reason(cls, field, raw, reason):
    with pytest.raises(FieldError) as caught:
        coerce(fields_of(cls)[field], raw)

    assert caught.value.field == field
    assert reason in caught.value.reason


def test_coerce_row_reports_every_bad_field_and_keeps_the_good_ones():
    values, errors = coerce_row(fields_of(schema.Organisation), {"key": "A1", "name": "", "kind": "x"})

    assert values["key"] == "A1"
    assert {error.field for error in errors} == {"name", "kind"}


@given(cents=st.integers(min_value=-(10**12), max_value=10**12))
def test_amounts_round_trip_exactly_through_their_two_decimal_text(cents):
    sign = "-" if cents < 0 else ""
    text = f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"

    assert coerce(fields_of(schema.BookedFor)["revenue"], text) == cents

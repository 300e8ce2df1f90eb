"""The loader's quick converters give exactly what the schema's `coerce` gives: the same value or the same error."""

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from graph.loading import KINDS
from graph.loading.convert import converter
from graph.schema import FieldError, coerce

SPECS = {spec.kind: spec for kind in KINDS for spec in kind.specs.values()}
# Characters the formats are made of, with blanks and some that no format allows.
CELL = st.text(alphabet="0123456789-.:/@+_ abcxyzABZäT\t", max_size=14)
JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.lists(CELL, max_size=3))


def outcome(convert, raw):
    try:
        value = convert(raw)
    except FieldError as e:
        return ("error", e.field, e.reason)
    return ("value", type(value), value)


@pytest.mark.parametrize("spec", sorted(SPECS.values(), key=lambda spec: spec.kind), ids=lambda spec: spec.kind)
@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(CELL, JSON_VALUES))
@example(raw="2024-02-29")
@example(raw="2023-02-29")
@example(raw=" -12.5 ")
@example(raw="-0.05")
@example(raw="TRUE")
@example(raw="ORG-DE-0001")
@example(raw="2025-12")
@example(raw="DE")
@example(raw="company")
def test_a_quick_converter_agrees_with_coerce(spec, raw):
    assert outcome(converter(spec), raw) == outcome(lambda value: coerce(spec, value), raw)

"""Field specifications derived from the schema classes, and coercion of raw values.

The loader and the API validate input with these, so the neomodel classes stay
the one place where types, enums, required fields and keys are declared.
"""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from neomodel import (
    ArrayProperty,
    BooleanProperty,
    DateProperty,
    FloatProperty,
    IntegerProperty,
    RegexProperty,
    StructuredNode,
    StructuredRel,
)
from neomodel.properties import Property

from graph.errors import InvalidInput
from graph.schema.properties import CentsProperty, CountryProperty, KeyProperty, PeriodProperty

LIST_SEPARATOR = ";"
DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
AMOUNT_PATTERN = re.compile(r"-?[0-9]+(\.[0-9]{1,2})?")
# Property classes checked most specific first: a CentsProperty is also an IntegerProperty.
KINDS: tuple[tuple[type[Property], str], ...] = (
    (KeyProperty, "key"),
    (PeriodProperty, "period"),
    (CountryProperty, "country"),
    (RegexProperty, "pattern"),
    (CentsProperty, "cents"),
    (IntegerProperty, "integer"),
    (FloatProperty, "number"),
    (BooleanProperty, "boolean"),
    (DateProperty, "date"),
    (ArrayProperty, "list"),
)


class FieldError(InvalidInput):
    """One field of one input row is invalid."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class FieldSpec:
    """What the schema says about one property."""

    name: str
    kind: str
    required: bool = False
    unique: bool = False
    indexed: bool = False
    choices: tuple[str, ...] | None = None
    default: Any = None
    pattern: str | None = None
    item: "FieldSpec | None" = None


def fields_of(cls: type[StructuredNode] | type[StructuredRel]) -> dict[str, FieldSpec]:
    """Return the field specifications of a node or relationship class, by stored property name."""
    properties = cls.defined_properties(aliases=False, rels=False)
    specs = (_spec(prop.db_property or name, prop) for name, prop in properties.items())
    return {spec.name: spec for spec in specs}


def _spec(name: str, prop: Property) -> FieldSpec:
    kind = next((kind for cls, kind in KINDS if isinstance(prop, cls)), "string")
    choices = tuple(prop.choices) if getattr(prop, "choices", None) else None
    return FieldSpec(
        name=name,
        kind="choice" if choices else kind,
        required=bool(prop.required),
        unique=bool(getattr(prop, "unique_index", False)),
        indexed=bool(getattr(prop, "index", False)),
        choices=choices,
        default=prop.default if prop.has_default else None,
        pattern=getattr(prop, "expression", None),
        item=_spec(name, prop.base_property) if isinstance(prop, ArrayProperty) else None,
    )


def is_absent(raw: Any) -> bool:
    """Return whether a raw value counts as not given (an empty cell, null, an empty list)."""
    return raw is None or (isinstance(raw, str) and raw.strip() == "") or raw == []


def coerce(spec: FieldSpec, raw: Any) -> Any:
    """Return the stored value for `raw`, a CSV cell (str) or a JSON value.

    Absent values give the field's default, or None.

    Raises:
        FieldError: the value does not fit the field, naming it and why.
    """
    if is_absent(raw):
        if spec.required:
            raise FieldError(spec.name, "is required but empty")
        return spec.default
    try:
        return _CONVERTERS[spec.kind](spec, raw)
    except FieldError:
        raise
    except (ValueError, TypeError, InvalidOperation) as e:
        raise FieldError(spec.name, f"{raw!r} is not a valid {spec.kind} ({e})") from None


def coerce_row(specs: Mapping[str, FieldSpec], row: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Coerce every field of `row` that `specs` knows; return the values and each field's error."""
    values, errors = {}, []
    for name, spec in specs.items():
        try:
            values[name] = coerce(spec, row.get(name))
        except FieldError as e:
            errors.append(e)
    return values, errors


def _text(spec: FieldSpec, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise FieldError(spec.name, f"expected text, got {type(raw).__name__}")
    value = str(raw).strip()
    if "\0" in value:
        # FalkorDB reads queries and bulk inserts as C strings: the text would end there, or fail the whole batch.
        raise FieldError(spec.name, "holds a NUL character (\\0), which cannot be stored")
    return value


def _matching(spec: FieldSpec, raw: Any, what: str) -> str:
    value = _text(spec, raw)
    if not re.fullmatch(spec.pattern or "", value):
        raise FieldError(spec.name, f"{value!r} is not {what}")
    return value


def _choice(spec: FieldSpec, raw: Any) -> str:
    value = _text(spec, raw)
    if value not in (spec.choices or ()):
        raise FieldError(spec.name, f"unknown value {value!r}; expected one of {', '.join(spec.choices or ())}")
    return value


def _date(spec: FieldSpec, raw: Any) -> datetime.date:
    if isinstance(raw, datetime.date):
        return raw
    value = _text(spec, raw)
    if not DATE_PATTERN.fullmatch(value):
        raise FieldError(spec.name, f"{value!r} is not a date YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise FieldError(spec.name, f"{value!r} is not a day of the calendar") from None


def _boolean(spec: FieldSpec, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    value = _text(spec, raw).lower()
    if value not in ("true", "false"):
        raise FieldError(spec.name, f"{raw!r} is not a boolean; expected true or false")
    return value == "true"


def _cents(spec: FieldSpec, raw: Any) -> int:
    value = _text(spec, raw)
    if not AMOUNT_PATTERN.fullmatch(value):
        raise FieldError(spec.name, f"{value!r} is not an amount with a '.' and at most two decimals")
    return int(Decimal(value) * 100)


def _integer(spec: FieldSpec, raw: Any) -> int:
    value = _text(spec, raw)
    if not re.fullmatch(r"-?[0-9]+", value):
        raise FieldError(spec.name, f"{value!r} is not a whole number")
    return int(value)


def _number(spec: FieldSpec, raw: Any) -> float:
    value = _text(spec, raw)
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value):
        raise FieldError(spec.name, f"{value!r} is not a number with a '.' as decimal separator")
    return float(value)


def _list(spec: FieldSpec, raw: Any) -> list[Any]:
    items = raw if isinstance(raw, list) else [item for item in _text(spec, raw).split(LIST_SEPARATOR)]
    assert spec.item is not None
    return [coerce(spec.item, item) for item in items if not is_absent(item)]


_CONVERTERS = {
    "string": _text,
    "choice": _choice,
    "key": lambda spec, raw: _matching(spec, raw, "a key: letters, digits and . _ : / @ + - with no blanks"),
    "period": lambda spec, raw: _matching(spec, raw, "a period YYYY-MM"),
    "country": lambda spec, raw: _matching(spec, raw, "an ISO 3166 alpha-2 country code such as DE"),
    "pattern": lambda spec, raw: _matching(spec, raw, f"of the form {spec.pattern}"),
    "cents": _cents,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "list": _list,
}

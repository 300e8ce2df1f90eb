"""Value conversion: a load file's cells turned into the values its kind's schema specs allow.

:func:`converter` gives, per field spec, a function equal to :func:`graph.schema.coerce` but quicker
for the common case, a valid non-empty CSV cell; everything else is left to `coerce` itself.
"""

import datetime
import re
from collections.abc import Callable
from typing import Any

from graph.schema import FieldSpec, coerce
from graph.schema.fields import AMOUNT_PATTERN, DATE_PATTERN

# Marks a value the quick path of a converter leaves to `coerce`.
_SLOW = object()
NUMBER_PATTERN = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def converter(spec: FieldSpec) -> Callable[[Any], Any]:
    """Return a function equal to `coerce(spec, raw)`, quicker for a valid, non-empty CSV cell.

    Anything else (an empty or invalid cell, a JSON value, a list) goes to
    :func:`graph.schema.coerce` itself, so every reason and edge case stays the
    schema's. A test compares the two on generated input.
    """
    quick = _QUICK.get(spec.kind)
    default, required = spec.default, spec.required

    def slow(raw: Any) -> Any:
        return coerce(spec, raw)

    if quick is None:
        return slow
    convert = quick(spec)

    def converter(raw: Any) -> Any:
        if type(raw) is str:
            value = raw.strip()
            if value:
                result = convert(value)
                if result is not _SLOW:
                    return result
            elif not required:
                return default  # an empty cell is an absent value
        elif raw is None and not required:
            return default
        return slow(raw)

    return converter


def _quick_text(spec: FieldSpec) -> Callable[[str], Any]:
    return lambda value: _SLOW if "\0" in value else value


def _quick_pattern(spec: FieldSpec) -> Callable[[str], Any]:
    match = re.compile(spec.pattern or "").fullmatch
    return lambda value: value if match(value) else _SLOW


def _quick_choice(spec: FieldSpec) -> Callable[[str], Any]:
    choices = frozenset(spec.choices or ())
    return lambda value: value if value in choices else _SLOW


def _quick_date(spec: FieldSpec) -> Callable[[str], Any]:
    def convert(value: str) -> Any:
        if DATE_PATTERN.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        return _SLOW

    return convert


def _quick_cents(spec: FieldSpec) -> Callable[[str], Any]:
    def convert(value: str) -> Any:
        if len(value) > 3 and value[-3] == "." and AMOUNT_PATTERN.fullmatch(value):
            return int(value[:-3] + value[-2:])  # the usual form, two decimals: 12.34 is 1234 cents
        if not AMOUNT_PATTERN.fullmatch(value):
            return _SLOW
        negative = value.startswith("-")
        whole, _, fraction = value.lstrip("-").partition(".")
        cents = int(whole) * 100 + int((fraction + "00")[:2])
        return -cents if negative else cents

    return convert


def _quick_number(spec: FieldSpec) -> Callable[[str], Any]:
    return lambda value: float(value) if NUMBER_PATTERN.fullmatch(value) else _SLOW


def _quick_boolean(spec: FieldSpec) -> Callable[[str], Any]:
    values = {"true": True, "false": False}
    return lambda value: values.get(value.lower(), _SLOW)


_QUICK: dict[str, Callable[[FieldSpec], Callable[[str], Any]]] = {
    "string": _quick_text,
    "key": _quick_pattern,
    "period": _quick_pattern,
    "country": _quick_pattern,
    "pattern": _quick_pattern,
    "choice": _quick_choice,
    "date": _quick_date,
    "cents": _quick_cents,
    "number": _quick_number,
    "boolean": _quick_boolean,
}

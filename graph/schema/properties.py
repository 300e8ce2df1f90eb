"""Property types of the model beyond neomodel's own: they carry the loader's formats."""

import re

from neomodel import IntegerProperty, RegexProperty

# A business key from a source system: no blanks, no control characters.
KEY_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._:/@+\-]{0,127}"
PERIOD_PATTERN = r"[0-9]{4}-(0[1-9]|1[0-2])"
COUNTRY_PATTERN = r"[A-Z]{2}"
POSTCODE_RANGE_PATTERN = r"[0-9A-Za-z]+-[0-9A-Za-z]+"
_KEY = re.compile(KEY_PATTERN)


def is_key(value: str) -> bool:
    """Return whether `value` has the form of a business key, so that some node could hold it."""
    return _KEY.fullmatch(value) is not None


class KeyProperty(RegexProperty):
    """A stable business key given by the source system (never a database id)."""

    expression = KEY_PATTERN


class PeriodProperty(RegexProperty):
    """A booking month, `YYYY-MM`."""

    expression = PERIOD_PATTERN


class CountryProperty(RegexProperty):
    """An ISO 3166 alpha-2 country code, upper case."""

    expression = COUNTRY_PATTERN


class PostcodeRangeProperty(RegexProperty):
    """An inclusive postcode range, `10000-19999`."""

    expression = POSTCODE_RANGE_PATTERN


class CentsProperty(IntegerProperty):
    """An exact amount in integer cents; files and JSON show it with two decimals."""

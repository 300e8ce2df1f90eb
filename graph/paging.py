"""Pagination shared by every read that returns a long list: limits and opaque cursors.

A cursor is the position of the last item of a page (for example its depth and key), encoded so
that clients treat it as opaque; the read decodes it, checks its shape, and continues after it.
"""

import base64
import binascii
import json
from typing import Any

from graph.errors import InvalidInput

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000


def check_limit(limit: int) -> None:
    """Raise InvalidInput unless `limit` is from 1 to MAX_LIMIT."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be from 1 to {MAX_LIMIT:,}, not {limit}")


def encode_cursor(*position: Any) -> str:
    """Return an opaque cursor for the position just after `position` (JSON values)."""
    text = json.dumps(list(position), separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *types: type) -> tuple[Any, ...] | None:
    """Return the position of a cursor, checked against the type of each of its values; None for no cursor.

    Raises:
        InvalidInput: the cursor is not one :func:`encode_cursor` gave for a position of these types.
    """
    if cursor is None:
        return None
    try:
        position = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(f"not a cursor this list gave: {cursor!r}") from None
    if (
        not isinstance(position, list)
        or len(position) != len(types)
        or not all(type(value) is expected for value, expected in zip(position, types, strict=True))
    ):
        raise InvalidInput(f"not a cursor this list gave: {cursor!r}")
    return tuple(position)

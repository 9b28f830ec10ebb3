"""Keyset pagination: the condition "after this row" and the opaque cursor that carries it.

A long list is read a page at a time, ordered by a key that no two rows share (a date
then a primary key, say). The next page starts after the last row read, whatever was
written meanwhile, and costs the same on page 1,000 as on page 1: the database walks its
index from the key instead of counting rows to skip, as an offset would.

A cursor is the last key, as JSON, in URL-safe base64 without padding: opaque to clients,
which hand it back as they got it. :func:`cursor_values` refuses anything that is not one
(:class:`BadCursor`); the caller checks the values' types against its own key.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from django.db.models import Q

# A cursor longer than this was not made here (a key holds a few short values).
_CURSOR_MAX_LENGTH = 2_000


class BadCursor(ValueError):
    """A cursor that this server did not write, or that does not fit the list it is for."""


def after_key(fields: Sequence[str], values: Sequence[Any]) -> Q:
    """Return the condition "the row's ``fields`` come after ``values``" in ascending
    lexicographic order: ``(a, b) > (x, y)`` is ``a > x OR (a = x AND b > y)``.

    Written out rather than as a row comparison so that every database (SQLite included)
    reads it, and the index on the first field serves it.
    """
    if len(fields) != len(values) or not fields:
        raise BadCursor(f"a key of {len(values)} values for {len(fields)} fields")
    condition = Q()
    for index, field in enumerate(fields):
        step = Q(**{f"{field}__gt": values[index]})
        for earlier, value in zip(fields[:index], values[:index], strict=True):
            step &= Q(**{earlier: value})
        condition |= step
    return condition


def cursor_text(values: Sequence[Any]) -> str:
    """Return the opaque cursor that carries ``values`` (strings, integers, ISO days)."""
    raw = json.dumps(list(values), separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_values(cursor: str) -> list[Any]:
    """Return the values a cursor from :func:`cursor_text` carries; raise :class:`BadCursor`
    for anything else."""
    if not cursor or len(cursor) > _CURSOR_MAX_LENGTH:
        raise BadCursor(cursor)
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadCursor(cursor) from None
    if not isinstance(values, list):
        raise BadCursor(cursor)
    return values

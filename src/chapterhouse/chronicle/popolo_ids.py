"""How Popolo ids become Chronicle ids, shared by the Popolo import and export."""

from __future__ import annotations

import re
from typing import Final

from anyascii import anyascii

from chapterhouse.core.chronicle_schema import SLUG_MAX_LENGTH, SLUG_PATTERN

# Where what has no column of its own is kept: the `extra` of a body, person or role,
# and the organization's top-level extra, under this key.
EXTRA_KEY: Final = "popolo"

_SLUG = re.compile(SLUG_PATTERN)
_NOT_SLUG = re.compile(r"[^a-z0-9\-_.]+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def popolo_slug(value: str) -> str:
    """Return the Chronicle id for the Popolo id ``value``.

    An id that is a Chronicle id already (``85818632-502f-…``, ``mayor``) is
    kept; another is transliterated to Latin letters, lower-cased, and every
    run of other characters becomes ``-`` (``term/5`` → ``term-5``,
    ``Q2656777`` → ``q2656777``). So ``popolo_slug(popolo_slug(x)) ==
    popolo_slug(x)``: an exported file imports to the same ids.
    """
    if _SLUG.fullmatch(value) and len(value) <= SLUG_MAX_LENGTH:
        return value
    text = _NOT_SLUG.sub("-", anyascii(value).lower()).strip("-_.")
    return text[:SLUG_MAX_LENGTH].rstrip("-_.") or "x"


def vocabulary_slug(value: str) -> str:
    """Return the id of the body kind or role ``value`` (``Deputy Chair`` → ``deputy_chair``)."""
    text = _NOT_WORD.sub("_", anyascii(value).lower()).strip("_")
    return text[:SLUG_MAX_LENGTH].rstrip("_") or "x"

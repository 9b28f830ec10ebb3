"""New ids for records written through the web and the API.

A Chronicle id is unique among all records of its kind, including those a
writer may not see. So that "this id is taken" never tells a writer that a
record they may not see exists, the id of a record they create is the id they
suggest (or one made from its kind) followed by a few random characters, the
same whether or not anything else exists (custody.access.may_choose_ids says
who chooses ids exactly).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l/1, o/0: ids are read aloud and typed
_SUFFIX = 5
_MAX = 100
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def id_stem(suggested: str | None, *, fallback: str) -> str:
    """Return a slug made of ``suggested`` (lower-cased, other characters as hyphens), short
    enough to take a suffix; ``fallback`` when nothing is left of it."""
    stem = _NOT_SLUG.sub("-", (suggested or "").lower()).strip("-")
    stem = stem[: _MAX - _SUFFIX - 1].rstrip("-")
    return stem or fallback


def fresh_id(stem: str, *, taken: Callable[[str], bool]) -> str:
    """Return ``stem`` plus a hyphen and random characters, not ``taken`` by any record."""
    while True:
        candidate = f"{stem}-{''.join(secrets.choice(_ALPHABET) for _ in range(_SUFFIX))}"
        if not taken(candidate):
            return candidate


def new_record_id(
    model: Any, requested: str | None, *, chooses: bool, stem: str | None = None, fallback: str
) -> str:
    """Return the id of a new ``model`` record.

    A writer who ``chooses`` ids (``custody.access.may_choose_ids``: one who sees every
    record) gets ``requested`` as it is, or a refusal naming the id field when it is taken;
    anyone else gets ``requested`` (else ``stem``, else ``fallback``) followed by random
    characters, so the answer is the same whether or not a record they may not see has
    that id.
    """

    def taken(slug: str) -> bool:
        return bool(model.objects.filter(slug=slug).exists())

    if chooses and requested:
        if taken(requested):
            raise ValidationError(
                {
                    "id": [
                        _("A %(kind)s with this id already exists.")
                        % {"kind": model._meta.verbose_name}
                    ]
                }
            )
        return requested
    return fresh_id(id_stem(requested or stem, fallback=fallback), taken=taken)

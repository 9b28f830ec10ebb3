"""The lengths and sizes every write is held to, in one place.

The models take their ``max_length`` from here and the Chronicle and write
schemas their ``maxLength`` and list caps, so the API, the web forms, the
importer and the services refuse the same values with a clear message, and
SQLite (which does not enforce ``max_length``) refuses what PostgreSQL would
(docs/decisions/0018-limits-at-the-door.md).

:func:`refuse_over_long` is the last net: every model of ours checks its
character fields before it is saved, whichever path saves it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext

# Column widths (characters), shared by models and schemas.
ID_MAX_LENGTH = 100
"""A Chronicle id (slug), and the kinds and roles named by id."""
NAME_MAX_LENGTH = 300
"""A person's display name and each variant of it."""
NAME_PART_MAX_LENGTH = 200
"""A given name, family name, patronymic or call sign."""
TITLE_KEY_MAX_LENGTH = 1000
"""A term's title as canonical JSON (all its languages together)."""
LANG_MAX_LENGTH = 20
"""A BCP 47 language code."""
DURATION_MAX_LENGTH = 40
"""An ISO 8601 term length as written."""

# Sizes of texts with no column width: generous for real use, small enough that one
# request cannot fill the disk or keep a worker busy past the server's timeout.
TEXT_MAX_LENGTH = 100_000
"""Any one language of a translated Text (a decision's text, a document), any free text."""
TEXT_MAX_LANGUAGES = 50
"""Languages in one translated Text."""
NOTES_MAX_LENGTH = 20_000
"""A custodian's notes on a person."""
CONTACT_MAX_LENGTH = 1_000
"""One contact detail (phone, address, messenger)."""
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
"""An uploaded session document (agenda, minutes, a letter's scan …): 20 MB."""
ITEMS_MAX = 1_000
"""Entries in any list inside one object: aliases, name variants, hosts, attendees, effects …"""


def over_long_message(max_length: int, length: int) -> str:
    """Return the message for a value of ``length`` characters where ``max_length`` fit."""
    return gettext("expected at most %(max)d characters, got %(length)d") % {
        "max": max_length,
        "length": length,
    }


def refuse_over_long(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Raise ``ValidationError`` naming each character field of ``instance`` that is too long.

    Connected to ``pre_save`` of every model of ours (core/apps.py): SQLite stores
    any length, PostgreSQL refuses with a server error, so both refuse here instead.
    """
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField) or not field.max_length:
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(value, str) and len(value) > field.max_length:
            errors[field.name] = [over_long_message(field.max_length, len(value))]
    if errors:
        raise ValidationError(errors)

"""Shared field helpers: translated texts and dates with a precision."""

from __future__ import annotations

from typing import Any, get_args

from django.db import models
from django.utils.translation import gettext_lazy as _

from chapterhouse.core.limits import ID_MAX_LENGTH

PRECISION_CHOICES = [("year", _("year")), ("month", _("month")), ("day", _("day"))]


def vocabulary_choices(vocabulary: Any, **names: str) -> list[tuple[str, str]]:
    """Return a model field's ``choices`` for the values of a Chronicle ``Literal``
    vocabulary (``core.chronicle_schema.DecisionKind`` …), in its order.

    The vocabulary is defined once, in the format; a column only repeats it. Each value
    is named by itself with spaces for underscores (``treaty_text`` → ``treaty text``)
    unless ``names`` says otherwise. These names are the frozen ones of the migrations;
    the interface's translated names are in ``core.labels``.
    """
    return [(value, names.get(value, value.replace("_", " "))) for value in get_args(vocabulary)]


def text_field(help_text: str, *, required: bool = False) -> Any:
    """Return a JSON field holding a Text: ``{"en": "…", "ru": "…"}``."""
    if required:
        return models.JSONField(help_text=help_text)
    return models.JSONField(null=True, blank=True, help_text=help_text)


def precision_field(of: str) -> Any:
    """Return the field that remembers how precisely ``of`` is known."""
    return models.CharField(
        max_length=5,
        choices=PRECISION_CHOICES,
        default="day",
        help_text=f"How precisely {of} is known: a year, a month or a day.",
    )


def extra_field() -> Any:
    """Return the field that keeps a Chronicle object's ``extra`` as it was given."""
    return models.JSONField(
        null=True, blank=True, help_text="Free-form data kept as imported (Chronicle `extra`)."
    )


def slug_field(kind: str) -> Any:
    """Return the unique Chronicle id of an object of ``kind``."""
    return models.CharField(
        max_length=ID_MAX_LENGTH,
        unique=True,
        help_text=f"The {kind}'s Chronicle id: a slug, unique among {kind}s.",
    )

"""Template filters of the newsroom's workspace pages."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_time
from django import template

from chapterhouse.core.language import babel_locale
from chapterhouse.newsroom.workflow.labels import (
    ASSIGNMENT_STATUS_LABELS,
    TRANSLATION_STATUS_LABELS,
)

register = template.Library()


@register.filter
def translation_status(status: str) -> str:
    """The reader's word for a translation's status (``in_review`` → "in review")."""
    return str(TRANSLATION_STATUS_LABELS.get(status, status))


@register.filter
def assignment_status(status: str) -> str:
    """The reader's word for an assignment's status."""
    return str(ASSIGNMENT_STATUS_LABELS.get(status, status))


@register.filter
def utc_time(value: dt.datetime | None) -> str:
    """A moment in UTC, in the active locale (``18 May 2025 09:00 UTC``); "" for none."""
    if value is None:
        return ""
    moment = value.astimezone(dt.UTC)
    locale = babel_locale()
    day = format_date(moment, format="medium", locale=locale)
    return f"{day} {format_time(moment, format='short', tzinfo=dt.UTC, locale=locale)} UTC"

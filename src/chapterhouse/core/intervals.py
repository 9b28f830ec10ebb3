"""The time model's predicates, in one place: half-open intervals ``[start, end)`` of days.

A term, a body's life and a mandate are held from their start (included) to
their end (excluded); no end means still held, no start (a body's founding)
means always was. A change happens on the day it takes effect: a term that
starts on D is held on D, a term that ends on D (stored end D) was held for
the last time the day before. So "as of D" shows the state after every change
of day D (docs/decisions/0013-the-day-a-decision-takes-effect.md).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def held_on(day: dt.date, *, start: str = "start", end: str = "end") -> Q:
    """Return the condition "held on ``day``" for an interval stored in ``start``/``end``."""
    return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": day}))


def exists_on(day: dt.date, prefix: str = "") -> Q:
    """Return the condition "the body (at ``prefix``) exists on ``day``"; a body without a
    founding date always was."""
    return (Q(**{f"{prefix}founded__isnull": True}) | Q(**{f"{prefix}founded__lte": day})) & (
        Q(**{f"{prefix}dissolved__isnull": True}) | Q(**{f"{prefix}dissolved__gt": day})
    )


def overlaps(start: dt.date, end: dt.date | None) -> Q:
    """Return the condition "the stored interval shares a day with ``[start, end)``"."""
    condition = Q(end__isnull=True) | Q(end__gt=start)
    if end is not None:
        condition &= Q(start__lt=end)
    return condition


def happened_between(column: str, first: dt.date, last: dt.date) -> Q:
    """Return the condition "the change stored in ``column`` took effect on a day
    ``first <= day <= last``": a start on its day, an (exclusive) end on the first day
    no longer held."""
    return Q(**{f"{column}__gte": first, f"{column}__lte": last})


def is_held(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """Return whether ``[start, end)`` (either may be open) holds ``day``."""
    return (start is None or start <= day) and (end is None or day < end)

"""The time model's predicates, in one place: half-open intervals ``[start, end)`` of days.

A term, a body's life, a mandate and a grant are held from their start (included)
to their end (excluded); no end means still held, no start (a body's founding, a
mandate of a body founded on an unknown day) means always was. A change happens
on the day it takes effect: a term that starts on D is held on D, a term that
ends on D (stored end D) was held for the last time the day before. So "as of D"
shows the state after every change of day D
(docs/decisions/0013-the-day-a-decision-takes-effect.md).

Each condition comes twice: as a ``Q`` for a query (``prefix`` reaches the
interval through a relation, ``held_on(day, prefix="terms__")``) and as a plain
function over loaded values (``is_held``, ``spans_overlap``), so that code that
already holds the rows (the importer, the term rules) asks the very same question.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import DateField, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan


def held_on(
    day: dt.date,
    prefix: str = "",
    *,
    start: str = "start",
    end: str = "end",
    open_start: bool = False,
) -> Q:
    """Return the condition "held on ``day``" for an interval stored in ``start``/``end``.

    ``open_start`` reads a missing start as "always was" (mandates, whose start is
    their body's founding); without it a row without a start is never held, which
    keeps the condition one index range for columns that always have a start.
    """
    started = Q(**{f"{prefix}{start}__lte": day})
    if open_start:
        started = Q(**{f"{prefix}{start}__isnull": True}) | started
    return started & (Q(**{f"{prefix}{end}__isnull": True}) | Q(**{f"{prefix}{end}__gt": day}))


def never_ending(prefix: str = "", *, end: str = "end") -> Coalesce:
    """Return the interval's end with an open end read as the last day there is.

    ``held_on_by_start`` filters on it: ``end > D`` on this expression is
    ``end IS NULL OR end > D`` without the ``OR``, which would lead PostgreSQL to
    read the whole ``end`` index instead of the few rows a (body, start) index finds.
    """
    return Coalesce(f"{prefix}{end}", Value(dt.date.max, output_field=DateField()))


def held_on_by_start(day: dt.date, prefix: str = "") -> Q:
    """Return :func:`held_on` written so that the database reaches the rows by their start
    (see :func:`never_ending`); the same rows, for queries already narrowed to few bodies."""
    return Q(**{f"{prefix}start__lte": day}) & Q(GreaterThan(never_ending(prefix), day))


def exists_on(day: dt.date, prefix: str = "") -> Q:
    """Return the condition "the body (at ``prefix``) exists on ``day``"; a body without a
    founding date always was."""
    return held_on(day, prefix, start="founded", end="dissolved", open_start=True)


def overlaps(start: dt.date, end: dt.date | None, prefix: str = "") -> Q:
    """Return the condition "the stored interval shares a day with ``[start, end)``"
    (``end`` None: open). A stored interval is taken to have a start."""
    condition = Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": start})
    if end is not None:
        condition &= Q(**{f"{prefix}start__lt": end})
    return condition


def overlaps_days(first: dt.date, last: dt.date, prefix: str = "") -> Q:
    """Return the condition "the stored interval holds some day ``first <= day <= last``"
    (both included, as a reader asks "from … to"): :func:`overlaps` of
    ``[first, last + 1 day)``, without computing a day after 31 December 9999."""
    return overlaps(first, None, prefix) & Q(**{f"{prefix}start__lte": last})


def happened_between(column: str, first: dt.date, last: dt.date) -> Q:
    """Return the condition "the change stored in ``column`` took effect on a day
    ``first <= day <= last``": a start on its day, an (exclusive) end on the first day
    no longer held."""
    return Q(**{f"{column}__gte": first, f"{column}__lte": last})


def is_held(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """Return whether ``[start, end)`` (either may be open) holds ``day``: the plain
    :func:`held_on` (with ``open_start``) and :func:`exists_on`."""
    return (start is None or start <= day) and (end is None or day < end)


def spans_overlap(
    start: dt.date, end: dt.date | None, other_start: dt.date, other_end: dt.date | None
) -> bool:
    """Return whether ``[start, end)`` and ``[other_start, other_end)`` share a day (an
    open end runs for ever): the plain :func:`overlaps`."""
    return (end is None or other_start < end) and (other_end is None or start < other_end)

"""The rules a new term obeys, as plain functions over values the caller already holds.

``registry.services.term_start`` (every decision, page, API call and command that
starts a term) and the Chronicle importer (millions of terms, loaded in bulk) both
ask these functions, so the two cannot drift apart. They read no database and no
clock: the caller passes the dates, the body's founding and dissolution, and the
twins (the person's terms in the same body, role and title) it has loaded.

A rule answers what broke (a flag, the clashing twin), not a sentence: the
service words it in the reader's language with the records' names, the importer
in the file's English with the path of the offending value.

Intervals are half-open ``[start, end)`` (``core.intervals``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal, Protocol, TypeVar

from chapterhouse.core.intervals import is_held, spans_overlap
from chapterhouse.core.partial_dates import add_duration


class Span(Protocol):
    """A term as the rules read it: a loaded ``Term`` or the importer's plain row."""

    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date | None: ...


SpanT = TypeVar("SpanT", bound=Span)

OutsideBodyLife = Literal["before_founding", "after_dissolution"]


def term_end_of(
    *, start: dt.date, end: dt.date | None, end_precision: str, term_length: str
) -> tuple[dt.date | None, str]:
    """Return the term's end and its precision: ``end`` as given, else ``start`` plus the
    ISO 8601 ``term_length`` (to the day), else an open end.

    Raise ``core.partial_dates.InvalidDuration`` (a ``ValueError``) for a length that
    is not one or that ends past the year 9999.
    """
    if end is None and term_length:
        return add_duration(start, term_length), "day"
    return end, end_precision


def ends_after_start(*, start: dt.date, end: dt.date | None) -> bool:
    """Return whether a term ``[start, end)`` holds at least one day (an open end does)."""
    return end is None or start < end


def outside_body_life(
    *, start: dt.date, founded: dt.date | None, dissolved: dt.date | None
) -> OutsideBodyLife | None:
    """Return why a term starting on ``start`` cannot be held in a body founded on
    ``founded`` and dissolved on ``dissolved`` (either unknown: ``None``), or ``None``
    when the body exists that day.

    A term may start on the founding day, not on the dissolution day (the first day
    the body no longer exists). Only the start is checked: the dissolution ends the
    body's terms.
    """
    if is_held(founded, dissolved, start):
        return None
    if founded is not None and start < founded:
        return "before_founding"
    return "after_dissolution"


def twins_a_reappointment_ends(twins: Iterable[SpanT], *, start: dt.date, how: str) -> list[SpanT]:
    """Return the twins that a term starting on ``start`` ends: for ``how="reappointed"``
    the open twins begun before ``start`` (they end on ``start``, the day the change
    takes effect); none otherwise."""
    if how != "reappointed":
        return []
    return [twin for twin in twins if twin.end is None and twin.start < start]


def overlapping_twin(
    twins: Iterable[SpanT], *, start: dt.date, end: dt.date | None
) -> SpanT | None:
    """Return the first of ``twins`` (in their order) that shares a day with
    ``[start, end)``, or ``None``. Twins a reappointment ends must already carry their
    new end."""
    return next((twin for twin in twins if spans_overlap(twin.start, twin.end, start, end)), None)

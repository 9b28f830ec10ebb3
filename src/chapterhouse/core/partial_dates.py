"""Partial dates (``2024``, ``2024-05``, ``2024-05-18``) and ISO 8601 term lengths.

A partial date names a period: a year, a month or a day. As a *start* it
means the first day of that period. As an *end* it means the first day after
the period (ends are stored exclusive, the period itself is still covered):
``"2024"`` ends on 2025-01-01, ``"2024-05"`` on 2024-06-01 and
``"2025-05-24"`` on 2025-05-25 — a conference that ends on the 24th still
holds its session of the 24th (docs/decisions/0001-dates-and-intervals.md).

The database keeps a date plus its precision. This module is also the one place
that turns them back into text, in two ways for two readers:

* :func:`start_text` and :func:`end_text` (over :func:`format_start` and
  :func:`format_end`) write exactly the text that was read (``2024-05``), for
  files, the API and audit entries: machines read it back.
* :func:`period_in` writes the period for people in a given language through CLDR
  (``May 2024``, ``2024년 5월``); pages reach it through ``core.formatting``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal, NoReturn, cast

import isodate
from babel.dates import format_skeleton
from django.utils.translation import gettext

from chapterhouse.core.cldr import babel_locale, date_full

Precision = Literal["year", "month", "day"]

EXPECTED_DATE = "expected a date as YYYY, YYYY-MM or YYYY-MM-DD"
EXPECTED_DURATION = (
    "expected an ISO 8601 duration in whole years, months, weeks or days "
    "(e.g. 'P1Y', 'P6M', 'P2Y6M', 'P30D', 'P1W')"
)

# ASCII only: `\d` would also accept other scripts' digits such as '٢٠٢٤'.
_DATE_TEXT = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
_DURATION_TEXT = re.compile(r"P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)W)?(?:([0-9]+)D)?", re.ASCII)
_ONE_DAY = dt.timedelta(days=1)
# The days a reader may ask about (an org chart "as of", a diff "from … to"): a year
# of room on either side of the calendar Python and the databases share, so that
# whatever a page or selector works out from the day asked (the day after, last
# month, the next anniversary) still exists (docs/decisions/0018-limits-at-the-door.md).
FIRST_ASKABLE_DAY = dt.date(2, 1, 1)
LAST_ASKABLE_DAY = dt.date(9998, 12, 31)
_PARSED: dict[str, PartialDate] = {}
_PARSED_LIMIT = 200_000


class InvalidPartialDate(ValueError):
    """Signal that a text is not a partial date; ``expected`` says what would be.

    ``expected`` omits the offending text so that callers which show the
    value themselves (the Chronicle reader) do not repeat it.
    """

    def __init__(self, text: object, expected: str) -> None:
        super().__init__(f"{expected}, got {text!r}")
        self.text = text
        self.expected = expected


class DayOutOfRange(ValueError):
    """Signal that a reader asked about a day outside ``FIRST_ASKABLE_DAY … LAST_ASKABLE_DAY``.

    The message is translated and names the value and the days that may be asked.
    """

    def __init__(self, text: str) -> None:
        super().__init__(
            gettext(
                "“%(value)s” is outside the days that can be looked at; give a day from "
                "%(first)s to %(last)s."
            )
            % {
                "value": text,
                "first": FIRST_ASKABLE_DAY.isoformat(),
                "last": LAST_ASKABLE_DAY.isoformat(),
            }
        )
        self.text = text


def askable_day(text: str, *, last: bool = False) -> dt.date:
    """Return the day a reader's ``text`` names (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``).

    A year or a month means its first day, or with ``last`` its last day (so
    "to 2025" covers the whole year). Raise :class:`InvalidPartialDate` for
    text that is not a date and :class:`DayOutOfRange` (both ``ValueError``)
    for a day before ``FIRST_ASKABLE_DAY`` or after ``LAST_ASKABLE_DAY``.
    """
    parsed = PartialDate.parse(text)
    try:
        day = parsed.end() - _ONE_DAY if last and parsed.precision != "day" else parsed.start()
    except InvalidPartialDate:  # the year 9999 has no end within the calendar
        raise DayOutOfRange(text) from None
    if not FIRST_ASKABLE_DAY <= day <= LAST_ASKABLE_DAY:
        raise DayOutOfRange(text)
    return day


def askable(day: dt.date, text: str) -> dt.date:
    """Return ``day`` (read from ``text``) if a reader may ask about it, else raise
    :class:`DayOutOfRange`."""
    if not FIRST_ASKABLE_DAY <= day <= LAST_ASKABLE_DAY:
        raise DayOutOfRange(text)
    return day


class InvalidDuration(ValueError):
    """Signal that a text is not a usable term length; ``expected`` says what would be."""

    def __init__(self, text: object, expected: str) -> None:
        super().__init__(f"{expected}, got {text!r}")
        self.text = text
        self.expected = expected


@dataclass(frozen=True)
class PartialDate:
    """A year, a month of a year, or a day, as written in a Chronicle.

    Construct one with :meth:`parse`; direct construction is checked too, so
    a ``PartialDate`` always names a real period (no day without a month,
    no 30 February).
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        """Refuse periods that do not exist on the calendar."""
        year, month, day = self.year, self.month, self.day
        if not 1 <= year <= 9999:
            self._refuse("with a year from 0001 to 9999")
        if month is None:
            if day is not None:
                self._refuse(": a day needs a month")
            return
        if not 1 <= month <= 12:
            self._refuse("with a month from 01 to 12")
        if day is not None:
            try:
                dt.date(year, month, day)
            except ValueError:
                self._refuse(f"naming a real day ({year:04d}-{month:02d} has no day {day:02d})")

    def _refuse(self, detail: str) -> NoReturn:
        """Raise :class:`InvalidPartialDate` for this date, saying what was expected."""
        separator = "" if detail.startswith(":") else " "
        raise InvalidPartialDate(
            _render(self.year, self.month, self.day), f"{EXPECTED_DATE}{separator}{detail}"
        )

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Return the partial date written as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

        Raise :class:`InvalidPartialDate` (a ``ValueError``) for any other
        shape — times, time zones, surrounding spaces, one-digit months — and
        for dates the calendar does not have, such as ``2023-02-30``.
        """
        known = _PARSED.get(text) if isinstance(text, str) else None
        if known is not None:
            return known
        match = _DATE_TEXT.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidPartialDate(text, EXPECTED_DATE)
        year, month, day = match.groups()
        parsed = cls(int(year), int(month) if month else None, int(day) if day else None)
        # Large imports repeat the same few thousand dates millions of times.
        if len(_PARSED) < _PARSED_LIMIT:
            _PARSED[text] = parsed
        return parsed

    @property
    def precision(self) -> Precision:
        """Return how precisely the date is known: ``"year"``, ``"month"`` or ``"day"``."""
        if self.month is None:
            return "year"
        if self.day is None:
            return "month"
        return "day"

    def __str__(self) -> str:
        """Return the date written as it was parsed (``2024``, ``2024-05``, ``2024-05-18``)."""
        return _render(self.year, self.month, self.day)

    def start(self) -> dt.date:
        """Return the first day of the period."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def end(self) -> dt.date:
        """Return the exclusive end: the first day no longer covered.

        Every period ends on the first day after it (``2025-05-18`` →
        2025-05-19, ``2024-05`` → 2024-06-01, ``2024`` → 2025-01-01). Raise
        ``ValueError`` for periods at the end of 9999, whose end lies beyond
        the calendar Python and the databases support.
        """
        try:
            if self.day is not None:
                return self.start() + _ONE_DAY
            if self.month is None:
                return dt.date(self.year + 1, 1, 1)
            if self.month == 12:
                return dt.date(self.year + 1, 1, 1)
            return dt.date(self.year, self.month + 1, 1)
        except (ValueError, OverflowError):
            raise InvalidPartialDate(
                str(self), "expected a period that ends before the year 10000"
            ) from None


def format_start(day: dt.date, precision: Precision) -> str:
    """Return the text whose :meth:`PartialDate.start` is ``day`` at ``precision``.

    Raise ``ValueError`` when ``day`` is not the first day of a period of that
    precision (say 2024-05-15 as a month), since no text would read back to it.
    """
    if precision == "day":
        return day.isoformat()
    if precision == "month":
        if day.day != 1:
            raise ValueError(f"{day.isoformat()} is not the first day of a month")
        return f"{day.year:04d}-{day.month:02d}"
    if precision == "year":
        if (day.month, day.day) != (1, 1):
            raise ValueError(f"{day.isoformat()} is not the first day of a year")
        return f"{day.year:04d}"
    raise ValueError(f"unknown precision {precision!r}")


def format_end(day: dt.date, precision: Precision) -> str:
    """Return the text whose :meth:`PartialDate.end` is ``day`` at ``precision``.

    An end is written as the period before ``day`` (2025-01-01 as ``"year"`` →
    ``"2024"``, 2025-05-19 as ``"day"`` → ``"2025-05-18"``). Raise
    ``ValueError`` when ``day`` cannot end a period of that precision (not the
    first day of a month or year, or 0001-01-01, before which there is nothing).
    """
    if precision == "day":
        if day == dt.date.min:
            raise ValueError(f"no day ends on {day.isoformat()}")
        return (day - _ONE_DAY).isoformat()
    if precision not in ("month", "year"):
        raise ValueError(f"unknown precision {precision!r}")
    if day.day != 1 or (precision == "year" and day.month != 1):
        raise ValueError(f"{day.isoformat()} is not the first day after a {precision}")
    if day == dt.date.min:
        raise ValueError(f"no {precision} ends on {day.isoformat()}")
    last_day = day - _ONE_DAY
    if precision == "month":
        return f"{last_day.year:04d}-{last_day.month:02d}"
    return f"{last_day.year:04d}"


def start_text(day: dt.date | None, precision: str) -> str | None:
    """Return a stored start (or a point in time: a session's date, a task's due day) as
    the text it was read from (:func:`format_start`), or ``None`` for no date."""
    return None if day is None else format_start(day, _precision(precision))


def end_text(day: dt.date | None, precision: str) -> str | None:
    """Return a stored exclusive end as the text it was read from (:func:`format_end`), or
    ``None`` for an open end."""
    return None if day is None else format_end(day, _precision(precision))


def period_in(day: dt.date | None, precision: str, lang: str) -> str:
    """Return the period that starts on ``day`` as people read it in ``lang`` (CLDR): a
    year as ``2018`` (``2018년``), a month as ``May 2024`` (``май 2024 г.``), a day in the
    language's long format (``core.cldr.date_full``); ``""`` for no date.

    An unknown ``lang`` reads as English, as everywhere in ``core.cldr``.
    """
    if day is None:
        return ""
    if precision == "year":
        return format_skeleton("y", day, locale=babel_locale(lang))
    if precision == "month":
        return format_skeleton("yMMMM", day, locale=babel_locale(lang))
    return date_full(day, lang)


def _precision(precision: str) -> Precision:
    """Return ``precision`` as a :data:`Precision` (the database stores plain text); an
    unknown one is refused by :func:`format_start` and :func:`format_end`."""
    return cast(Precision, precision)


def parse_duration(text: str) -> isodate.Duration | dt.timedelta:
    """Return the term length written as an ISO 8601 duration (``P1Y``, ``P2Y6M``, ``P30D``).

    Only whole years, months, weeks and days are accepted: terms are measured
    in days, so a time part (``PT1H``) or a fraction (``P1.5Y``) would be
    silently rounded. Raise :class:`InvalidDuration` (a ``ValueError``) for
    anything else and for zero or negative lengths.
    """
    if not isinstance(text, str):
        raise InvalidDuration(text, EXPECTED_DURATION)
    if text.startswith("-"):
        raise InvalidDuration(text, "expected a duration longer than zero, such as 'P1Y'")
    match = _DURATION_TEXT.fullmatch(text)
    if match is None or not any(match.groups()):
        raise InvalidDuration(text, EXPECTED_DURATION)
    if not any(int(part) for part in match.groups() if part):
        raise InvalidDuration(text, "expected a duration longer than zero, such as 'P1Y'")
    duration: isodate.Duration | dt.timedelta = isodate.parse_duration(text)
    return duration


def add_duration(start: dt.date, iso_duration: str) -> dt.date:
    """Return ``start`` plus the ISO 8601 duration ``iso_duration`` (``P1Y``, ``P6M`` …).

    Months and years follow the calendar as isodate does: adding ``P1Y`` to
    29 February gives 28 February, and ``P1M`` from 31 January gives the
    last day of February. Raise ``ValueError`` for invalid, zero or negative
    durations and for results past the year 9999.
    """
    duration = parse_duration(iso_duration)
    try:
        result: dt.date = start + duration
    except (OverflowError, ValueError):
        raise InvalidDuration(
            iso_duration,
            f"expected a duration that, added to {start.isoformat()}, ends before the year 10000",
        ) from None
    return result


def _render(year: int, month: int | None, day: int | None) -> str:
    """Return the canonical text of a period, without checking it."""
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    elif day is not None:
        text += f"-??-{day:02d}"
    return text


def start_of(text: str | None) -> tuple[dt.date | None, Precision]:
    """Return the first day of the period ``text`` and its precision (``None`` for none)."""
    if text is None:
        return None, "day"
    parsed = PartialDate.parse(text)
    return parsed.start(), parsed.precision


def end_of(text: str | None) -> tuple[dt.date | None, Precision]:
    """Return the exclusive end of the period ``text`` and its precision (``None`` for none)."""
    if text is None:
        return None, "day"
    parsed = PartialDate.parse(text)
    return parsed.end(), parsed.precision

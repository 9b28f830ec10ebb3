"""Dates with a precision, countries and numbers in the active locale, through Babel (CLDR)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.numbers import format_decimal
from babel.units import format_unit
from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext

from chapterhouse.core.language import babel_locale
from chapterhouse.core.partial_dates import PartialDate, period_in


def machine_datetime(moment: dt.datetime | None) -> str:
    """Return ``moment`` for machines (``<time datetime>``, Atom, OpenGraph): ISO 8601 to the
    second, ``2025-05-18T09:00:00+00:00``; "" for None.

    Python writes microseconds (six digits), which HTML's ``datetime`` attribute refuses
    (at most three); no reader needs a fraction of a second of a publication time.
    """
    return moment.replace(microsecond=0).isoformat() if moment is not None else ""


def _parse(value: Any, precision: str | None) -> tuple[dt.date, str] | None:
    """Return ``(first day, precision)`` of a date object or a Chronicle Date string."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date(), precision or "day"
    if isinstance(value, dt.date):
        return value, precision or "day"
    try:
        parsed = PartialDate.parse(str(value))
    except ValueError:
        return None
    return parsed.start(), precision or parsed.precision


def date_display(value: Any, precision: str | None = None) -> str:
    """Return a date as precisely as it is known, in the active locale.

    ``value`` is a date (with ``precision``: ``year``, ``month`` or ``day``) or
    a Chronicle Date string (``2018``, ``2024-08``, ``2025-05-18``), whose own
    shape gives the precision. A year shows as ``2018``; a month as ``May 2024``
    (``май 2024 г.``, ``2024년 5월``); a day in the locale's long format.
    Returns ``""`` for no date and the value itself when it is not a date.
    """
    parsed = _parse(value, precision)
    if parsed is None:
        return "" if value in (None, "") else str(value)
    day, known = parsed
    return period_in(day, known, translation.get_language() or settings.LANGUAGE_CODE)


def end_display(value: dt.date | None, precision: str | None = "day") -> str:
    """Return a stored exclusive end as the last period it covers.

    A stored end of 2025-05-19 (day) shows as 18 May 2025; 2025-01-01 (year) as
    2024; 2024-09-01 (month) as August 2024.
    """
    if value is None:
        return ""
    return date_display(value - dt.timedelta(days=1), precision or "day")


def country_name(code: str | None) -> str:
    """Return the name of the ISO 3166-1 country ``code`` in the active locale (else the code)."""
    if not code:
        return ""
    return babel_locale().territories.get(code.upper(), code)


def number_display(value: int | float | None) -> str:
    """Return a number with the active locale's digits and grouping."""
    if value is None:
        return ""
    return format_decimal(value, locale=babel_locale())


def years_display(count: int) -> str:
    """Return a count of years in the active locale (``79 years``, ``79년``)."""
    return format_unit(count, "duration-year", length="long", locale=babel_locale())


def anniversary_display(number: int) -> str:
    """Return "the n-th anniversary" in the active language.

    English needs the CLDR ordinal category of ``number`` (1st, 2nd, 3rd, 4th);
    each category is its own message so every language can word it its way.
    """
    category = babel_locale("en").ordinal_form(number)
    shown = number_display(number)
    if category == "one":
        return pgettext("ordinal one", "%(number)sst anniversary") % {"number": shown}
    if category == "two":
        return pgettext("ordinal two", "%(number)snd anniversary") % {"number": shown}
    if category == "few":
        return pgettext("ordinal few", "%(number)srd anniversary") % {"number": shown}
    return pgettext("ordinal other", "%(number)sth anniversary") % {"number": shown}

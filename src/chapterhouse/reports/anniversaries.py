"""When a commemorated date comes round again, and which anniversary that is."""

from __future__ import annotations

import calendar
import datetime as dt


def anniversary_date(original: dt.date, year: int) -> dt.date:
    """Return the day in ``year`` that marks ``original``'s anniversary.

    A 29 February is remembered on 28 February in common years (the last day
    of the month, as the calendar feed's ``BYMONTHDAY=-1`` rule does).
    """
    if original.month == 2 and original.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return original.replace(year=year)


def anniversary_next(original: dt.date, *, on: dt.date) -> tuple[dt.date, int]:
    """Return the first anniversary of ``original`` on or after ``on``, and its number.

    The anniversary falling on ``on`` itself counts as next (it is today). Before
    the first anniversary, that first one is next.
    """
    year = max(on.year, original.year + 1)
    day = anniversary_date(original, year)
    if day < on:
        year += 1
        day = anniversary_date(original, year)
    return day, year - original.year

"""The next anniversary of a commemorated date, and its number."""

from __future__ import annotations

import datetime as dt

from chapterhouse.reports.anniversaries import anniversary_date, anniversary_next

VICTORY = dt.date(1945, 5, 9)


def test_the_next_anniversary_is_later_this_year_with_its_number() -> None:
    assert anniversary_next(VICTORY, on=dt.date(2024, 3, 1)) == (dt.date(2024, 5, 9), 79)


def test_an_anniversary_today_is_the_next_one() -> None:
    assert anniversary_next(VICTORY, on=dt.date(2024, 5, 9)) == (dt.date(2024, 5, 9), 79)


def test_after_this_years_day_the_next_is_next_year() -> None:
    assert anniversary_next(VICTORY, on=dt.date(2024, 5, 10)) == (dt.date(2025, 5, 9), 80)


def test_before_the_first_anniversary_the_first_is_next() -> None:
    assert anniversary_next(VICTORY, on=dt.date(1945, 5, 9)) == (dt.date(1946, 5, 9), 1)
    assert anniversary_next(VICTORY, on=dt.date(1930, 1, 1)) == (dt.date(1946, 5, 9), 1)


def test_a_leap_day_is_remembered_on_the_last_day_of_february() -> None:
    leap = dt.date(1948, 2, 29)
    assert anniversary_date(leap, 2023) == dt.date(2023, 2, 28)
    assert anniversary_date(leap, 2024) == dt.date(2024, 2, 29)
    assert anniversary_next(leap, on=dt.date(2023, 3, 1)) == (dt.date(2024, 2, 29), 76)

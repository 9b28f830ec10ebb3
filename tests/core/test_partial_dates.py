"""Partial dates read and write back exactly, and their periods add up."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapterhouse.core.partial_dates import (
    InvalidDuration,
    PartialDate,
    Precision,
    add_duration,
    end_text,
    format_end,
    format_start,
    period_in,
    start_text,
)

TEXT_LENGTH: dict[Precision, int] = {"year": 4, "month": 7, "day": 10}
PRECISIONS: list[Precision] = ["year", "month", "day"]

# 9999 and 9999-12 have no representable end, so stop a year short.
days = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9998, 12, 31))
precisions = st.sampled_from(PRECISIONS)


@st.composite
def partial_date_texts(draw: st.DrawFn) -> tuple[str, Precision]:
    """Draw a partial date's text and its precision."""
    day = draw(days)
    precision = draw(precisions)
    return day.isoformat()[: TEXT_LENGTH[precision]], precision


@given(partial_date_texts())
def test_it_writes_back_the_text_it_read(case: tuple[str, Precision]) -> None:
    text, precision = case
    parsed = PartialDate.parse(text)
    assert str(parsed) == text
    assert parsed.precision == precision


@given(partial_date_texts())
def test_format_start_inverts_start(case: tuple[str, Precision]) -> None:
    text, precision = case
    assert format_start(PartialDate.parse(text).start(), precision) == text


@given(partial_date_texts())
def test_format_end_inverts_end(case: tuple[str, Precision]) -> None:
    text, precision = case
    assert format_end(PartialDate.parse(text).end(), precision) == text


@given(partial_date_texts())
def test_every_period_ends_after_it_starts(case: tuple[str, Precision]) -> None:
    text, _precision = case
    period = PartialDate.parse(text)
    assert period.start() < period.end()


@given(partial_date_texts(), days)
def test_a_period_holds_exactly_the_days_written_under_it(
    case: tuple[str, Precision], day: dt.date
) -> None:
    text, _precision = case
    period = PartialDate.parse(text)
    assert (period.start() <= day < period.end()) == day.isoformat().startswith(text)


@given(days)
def test_a_month_ends_where_the_next_month_starts(day: dt.date) -> None:
    month = PartialDate.parse(day.isoformat()[:7])
    following = month.end()
    assert following.day == 1
    assert (following - dt.timedelta(days=1)).month == month.month


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2025, 1, 1)),
        ("2024-05", dt.date(2024, 5, 1), dt.date(2024, 6, 1)),
        ("2024-12", dt.date(2024, 12, 1), dt.date(2025, 1, 1)),
        ("2024-02-29", dt.date(2024, 2, 29), dt.date(2024, 3, 1)),
        ("2025-05-18", dt.date(2025, 5, 18), dt.date(2025, 5, 19)),
    ],
)
def test_it_knows_where_a_period_starts_and_ends(text: str, start: dt.date, end: dt.date) -> None:
    period = PartialDate.parse(text)
    assert (period.start(), period.end()) == (start, end)


def test_a_day_end_still_covers_that_day() -> None:
    conference_end = PartialDate.parse("2025-05-24").end()
    last_session = PartialDate.parse("2025-05-24").start()
    assert last_session < conference_end


def test_format_end_writes_a_year_end_as_the_year_before() -> None:
    assert format_end(dt.date(2025, 1, 1), "year") == "2024"
    assert format_end(dt.date(2024, 6, 1), "month") == "2024-05"
    assert format_end(dt.date(2025, 5, 19), "day") == "2025-05-18"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "24",
        "02024",
        "2024-5",
        "2024-05-1",
        "2024/05/18",
        "2024-05-18T10:00",
        "2024-05-18Z",
        " 2024",
        "2024\n",
        "２０２４",  # fullwidth digits are digits to Python's \d, not to us
        "0000",
        "2024-00",
        "2024-13",
        "2023-02-29",
        "2023-02-30",
        "2024-04-31",
        "2024-01-00",
    ],
)
def test_it_refuses_anything_but_a_real_year_month_or_day(text: str) -> None:
    with pytest.raises(ValueError, match="expected a date as YYYY, YYYY-MM or YYYY-MM-DD"):
        PartialDate.parse(text)


def test_it_says_which_day_a_month_lacks() -> None:
    with pytest.raises(ValueError, match=r"2023-02 has no day 30"):
        PartialDate.parse("2023-02-30")


def test_it_refuses_a_day_without_a_month() -> None:
    with pytest.raises(ValueError, match="a day needs a month"):
        PartialDate(2024, None, 5)


def test_it_refuses_an_end_beyond_the_calendar() -> None:
    with pytest.raises(ValueError, match="before the year 10000"):
        PartialDate.parse("9999").end()


@pytest.mark.parametrize(
    ("day", "precision"),
    [(dt.date(2024, 5, 15), "month"), (dt.date(2024, 5, 1), "year")],
)
def test_format_start_refuses_a_day_that_starts_no_such_period(
    day: dt.date, precision: Precision
) -> None:
    with pytest.raises(ValueError, match="is not the first day"):
        format_start(day, precision)


@pytest.mark.parametrize(
    ("day", "precision"),
    [(dt.date(2024, 5, 15), "month"), (dt.date(2024, 5, 1), "year"), (dt.date.min, "year")],
)
def test_format_end_refuses_a_day_that_ends_no_such_period(
    day: dt.date, precision: Precision
) -> None:
    with pytest.raises(ValueError):
        format_end(day, precision)


@pytest.mark.parametrize(
    ("start", "duration", "end"),
    [
        (dt.date(2025, 5, 24), "P1Y", dt.date(2026, 5, 24)),
        (dt.date(2025, 1, 15), "P6M", dt.date(2025, 7, 15)),
        (dt.date(2025, 1, 15), "P2Y6M", dt.date(2027, 7, 15)),
        (dt.date(2025, 1, 15), "P30D", dt.date(2025, 2, 14)),
        (dt.date(2025, 1, 15), "P1W", dt.date(2025, 1, 22)),
        (dt.date(2024, 2, 29), "P1Y", dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), "P1M", dt.date(2024, 2, 29)),
    ],
)
def test_it_adds_a_term_length(start: dt.date, duration: str, end: dt.date) -> None:
    assert add_duration(start, duration) == end


@given(days, st.integers(min_value=1, max_value=99), st.sampled_from("YMWD"))
def test_a_term_length_always_moves_forward(start: dt.date, count: int, unit: str) -> None:
    try:
        end = add_duration(start, f"P{count}{unit}")
    except InvalidDuration as error:
        # Only a length that would run past the year 9999 is refused, and it says so.
        assert start.year > 9999 - 99 and "before the year 10000" in str(error)
    else:
        assert end > start


@pytest.mark.parametrize(
    "duration",
    ["", "P", "1Y", "p1y", "P1.5Y", "PT1H", "P1DT1H", "P1Y\n", " P1Y", "-P1Y", "P0D", "P0Y0M"],
)
def test_it_refuses_a_term_length_that_is_not_a_positive_number_of_days(duration: str) -> None:
    with pytest.raises(ValueError, match="expected"):
        add_duration(dt.date(2025, 1, 1), duration)


def test_it_refuses_a_term_length_that_runs_past_the_calendar() -> None:
    with pytest.raises(ValueError, match="before the year 10000"):
        add_duration(dt.date(9999, 6, 1), "P1Y")


def test_a_stored_date_is_written_back_as_it_was_read_and_no_date_as_none():
    assert start_text(dt.date(2024, 5, 1), "month") == "2024-05"
    assert end_text(dt.date(2025, 1, 1), "year") == "2024"
    assert end_text(dt.date(2025, 5, 19), "day") == "2025-05-18"
    assert start_text(None, "day") is None
    assert end_text(None, "day") is None


@pytest.mark.parametrize(
    ("lang", "year", "month", "day"),
    [
        ("en", "2018", "May 2024", "May 18, 2025"),
        ("ko", "2018년", "2024년 5월", "2025년 5월 18일"),
        ("de", "2018", "Mai 2024", "18. Mai 2025"),
    ],
)
def test_a_period_is_shown_to_people_as_precisely_as_it_is_known(lang, year, month, day):
    assert period_in(dt.date(2018, 1, 1), "year", lang) == year
    assert period_in(dt.date(2024, 5, 1), "month", lang) == month
    assert period_in(dt.date(2025, 5, 18), "day", lang) == day
    assert period_in(None, "day", lang) == ""

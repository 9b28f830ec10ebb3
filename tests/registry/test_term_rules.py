"""The rules a new term obeys (registry/term_rules.py), as plain functions: no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from chapterhouse.core.partial_dates import InvalidDuration
from chapterhouse.registry.term_rules import (
    ends_after_start,
    outside_body_life,
    overlapping_twin,
    term_end_of,
    twins_a_reappointment_ends,
)

D = dt.date(2025, 5, 18)


@dataclass
class Twin:
    start: dt.date
    end: dt.date | None
    name: str = ""


def test_a_term_length_gives_the_end_to_the_day_when_no_end_is_given():
    assert term_end_of(start=D, end=None, end_precision="year", term_length="P2Y") == (
        dt.date(2027, 5, 18),
        "day",
    )


def test_a_given_end_wins_over_the_term_length():
    assert term_end_of(
        start=D, end=dt.date(2026, 1, 1), end_precision="year", term_length="P2Y"
    ) == (dt.date(2026, 1, 1), "year")


def test_without_end_or_length_the_term_stays_open():
    assert term_end_of(start=D, end=None, end_precision="day", term_length="") == (None, "day")


def test_a_length_that_ends_past_the_calendar_is_refused():
    with pytest.raises(InvalidDuration):
        term_end_of(start=dt.date(9999, 1, 1), end=None, end_precision="day", term_length="P1Y")


def test_a_term_must_hold_at_least_one_day():
    assert ends_after_start(start=D, end=D + dt.timedelta(days=1))
    assert ends_after_start(start=D, end=None)
    assert not ends_after_start(start=D, end=D)
    assert not ends_after_start(start=D, end=D - dt.timedelta(days=1))


def test_a_term_may_start_on_the_founding_day_but_not_on_the_dissolution_day():
    founded, dissolved = dt.date(2000, 1, 1), dt.date(2020, 1, 1)
    assert outside_body_life(start=founded, founded=founded, dissolved=dissolved) is None
    assert (
        outside_body_life(
            start=dissolved - dt.timedelta(days=1), founded=founded, dissolved=dissolved
        )
        is None
    )
    assert (
        outside_body_life(
            start=founded - dt.timedelta(days=1), founded=founded, dissolved=dissolved
        )
        == "before_founding"
    )
    assert outside_body_life(start=dissolved, founded=founded, dissolved=dissolved) == (
        "after_dissolution"
    )


def test_a_body_of_unknown_founding_has_always_existed():
    assert outside_body_life(start=dt.date(1, 1, 1), founded=None, dissolved=None) is None
    assert outside_body_life(start=D, founded=None, dissolved=D) == "after_dissolution"


def test_a_reappointment_ends_the_open_twins_begun_before_it():
    open_before = Twin(dt.date(2020, 1, 1), None, "open before")
    closed_before = Twin(dt.date(2010, 1, 1), dt.date(2015, 1, 1), "closed")
    open_same_day = Twin(D, None, "same day")
    twins = [open_before, closed_before, open_same_day]

    assert twins_a_reappointment_ends(twins, start=D, how="reappointed") == [open_before]
    assert twins_a_reappointment_ends(twins, start=D, how="") == []
    assert twins_a_reappointment_ends(twins, start=D, how="elected") == []


def test_the_first_twin_sharing_a_day_clashes():
    ended_on_d = Twin(dt.date(2020, 1, 1), D, "ended on D")
    later = Twin(dt.date(2030, 1, 1), None, "later")
    open_one = Twin(dt.date(2021, 1, 1), None, "open")
    twins = [ended_on_d, later, open_one]

    assert overlapping_twin(twins, start=D, end=dt.date(2026, 1, 1)) is open_one
    assert overlapping_twin(twins[:2], start=D, end=dt.date(2030, 1, 1)) is None
    assert overlapping_twin(twins[:2], start=D, end=None) is later
    assert overlapping_twin([], start=D, end=None) is None

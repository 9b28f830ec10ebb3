"""The iCalendar feed, parsed back with ``icalendar`` as a subscribing client would."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event

from chapterhouse.reports.ical import (
    CalendarEvent,
    calendar_ics,
    commemoration_event,
    session_event,
)

HOST = "chapterhouse.example"
STAMP = dt.datetime(2025, 5, 1, 9, 30, tzinfo=dt.UTC)
VICTORY = dt.date(1945, 5, 9)


def parse(feed: bytes) -> Calendar:
    return Calendar.from_ical(feed)


def yearly_days(event: Event, first_year: int, last_year: int) -> list[dt.date]:
    """Expand ``event``'s RRULE over whole years, as a client does, with dateutil."""
    start = dt.datetime.combine(event.decoded("DTSTART"), dt.time(), tzinfo=dt.UTC)
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    window = (
        dt.datetime(first_year, 1, 1, tzinfo=dt.UTC),
        dt.datetime(last_year, 12, 31, tzinfo=dt.UTC),
    )
    return [day.date() for day in rule.between(*window)]


def by_uid(calendar: Calendar, uid: str) -> list[Event]:
    return [event for event in calendar.events if str(event["UID"]) == uid]


def test_a_session_with_only_a_date_is_an_all_day_event() -> None:
    # Hosted in Kazakhstan by a committee of another country: no time zone is guessed.
    session = session_event(
        slug="plenum-5-day-2", host=HOST, title="Day 2", on=dt.date(2025, 5, 19)
    )

    calendar = parse(calendar_ics([session], name="Sessions", lang="en", dtstamp=STAMP))

    (event,) = calendar.events
    assert str(event["UID"]) == "session-plenum-5-day-2@chapterhouse.example"
    assert event.decoded("DTSTART") == dt.date(2025, 5, 19)
    assert not isinstance(event.decoded("DTSTART"), dt.datetime)
    assert event.decoded("DTEND") == dt.date(2025, 5, 20)
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["SUMMARY"]) == "Day 2"
    assert "RRULE" not in event
    assert not calendar.timezones


def test_a_session_with_a_time_keeps_its_time_zone() -> None:
    session = session_event(
        slug="plenum-5-day-1",
        host=HOST,
        title="제5차 대회 1일차",
        on=dt.date(2025, 5, 18),
        starts_at=dt.time(10, 0),
        time_zone="Asia/Seoul",
        duration=dt.timedelta(hours=3),
        location="서울",
    )

    feed = calendar_ics([session], name="대회", lang="ko", dtstamp=STAMP)
    calendar = parse(feed)

    (event,) = calendar.events
    start = event.decoded("DTSTART")
    assert start == dt.datetime(2025, 5, 18, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    assert start.utcoffset() == dt.timedelta(hours=9)
    assert event["DTSTART"].params["TZID"] == "Asia/Seoul"
    assert event.decoded("DTEND") - start == dt.timedelta(hours=3)
    assert [str(zone["TZID"]) for zone in calendar.timezones] == ["Asia/Seoul"]
    assert event["SUMMARY"].params["LANGUAGE"] == "ko"
    assert str(event["LOCATION"]) == "서울"
    assert b"SUMMARY;LANGUAGE=ko:" in feed


def test_a_zone_with_summer_time_resolves_both_seasons() -> None:
    berlin = [
        session_event(
            slug=f"berlin-{month}",
            host=HOST,
            title="Plenum",
            on=dt.date(2025, month, 10),
            starts_at=dt.time(18, 0),
            time_zone="Europe/Berlin",
        )
        for month in (1, 7)
    ]

    calendar = parse(calendar_ics(berlin, name="Berlin", lang="de", dtstamp=STAMP))

    offsets = [event.decoded("DTSTART").utcoffset() for event in calendar.events]
    assert offsets == [dt.timedelta(hours=1), dt.timedelta(hours=2)]
    assert len(calendar.timezones) == 1


def test_a_commemoration_recurs_every_year_and_names_the_shown_years_anniversary() -> None:
    victory = commemoration_event(
        slug="victory-day",
        host=HOST,
        name="Victory Day",
        original=VICTORY,
        years=[2024, 2025],
        lang="en",
    )

    calendar = parse(calendar_ics([victory], name="Commemorations", lang="en", dtstamp=STAMP))

    master, *occurrences = by_uid(calendar, "commemoration-victory-day@chapterhouse.example")
    assert master.decoded("DTSTART") == VICTORY
    assert master.decoded("DTEND") == dt.date(1945, 5, 10)
    assert str(master["SUMMARY"]) == "Victory Day"
    assert master["RRULE"]["FREQ"] == ["YEARLY"]
    assert yearly_days(master, 2024, 2025) == [dt.date(2024, 5, 9), dt.date(2025, 5, 9)]
    assert [(o.decoded("RECURRENCE-ID"), str(o["SUMMARY"])) for o in occurrences] == [
        (dt.date(2024, 5, 9), "Victory Day — 79th anniversary"),
        (dt.date(2025, 5, 9), "Victory Day — 80th anniversary"),
    ]
    assert all(o.decoded("DTSTART") == o.decoded("RECURRENCE-ID") for o in occurrences)
    assert all("RRULE" not in o for o in occurrences)


@pytest.mark.parametrize(
    ("lang", "name", "expected"),
    [
        ("ru", "День Победы", "День Победы — 79-я годовщина"),
        ("de", "Tag der Befreiung", "Tag der Befreiung — 79. Jahrestag"),
        ("zh-hans", "胜利日", "胜利日——79周年"),
        ("ko", "승전 기념일", "승전 기념일 — 79주년"),
        ("en", "Victory Day", "Victory Day — 79th anniversary"),
    ],
)
def test_the_anniversary_ordinal_is_written_in_the_feeds_language(
    lang: str, name: str, expected: str
) -> None:
    event = commemoration_event(
        slug="victory-day", host=HOST, name=name, original=VICTORY, years=[2024], lang=lang
    )

    calendar = parse(calendar_ics([event], name=name, lang=lang, dtstamp=STAMP))

    assert str(calendar.events[1]["SUMMARY"]) == expected
    assert calendar.events[1]["SUMMARY"].params["LANGUAGE"] == lang


def test_a_leap_day_commemoration_falls_on_the_last_day_of_february() -> None:
    event = commemoration_event(
        slug="leap", host=HOST, name="Leap", original=dt.date(1948, 2, 29), years=[2023], lang="en"
    )

    calendar = parse(calendar_ics([event], name="x", lang="en", dtstamp=STAMP))

    master, occurrence = calendar.events
    assert yearly_days(master, 2023, 2024) == [dt.date(2023, 2, 28), dt.date(2024, 2, 29)]
    assert occurrence.decoded("RECURRENCE-ID") == dt.date(2023, 2, 28)
    assert str(occurrence["SUMMARY"]) == "Leap — 75th anniversary"


def test_years_up_to_the_original_get_no_anniversary() -> None:
    event = commemoration_event(
        slug="v", host=HOST, name="V", original=VICTORY, years=[1944, 1945, 1946], lang="en"
    )

    assert dict(event.year_summaries) == {1946: "V — 1st anniversary"}


def test_the_feed_is_named_and_the_same_data_give_the_same_bytes() -> None:
    events = [
        session_event(slug="a", host=HOST, title="A", on=dt.date(2025, 5, 18)),
        commemoration_event(
            slug="v", host=HOST, name="V", original=VICTORY, years=[2025], lang="en"
        ),
    ]

    feed = calendar_ics(events, name="Chapterhouse", lang="en", dtstamp=STAMP)

    calendar = parse(feed)
    assert str(calendar["X-WR-CALNAME"]) == "Chapterhouse"
    assert str(calendar["NAME"]) == "Chapterhouse"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert [str(e["UID"]) for e in calendar.events] == [
        "session-a@chapterhouse.example",
        "commemoration-v@chapterhouse.example",
        "commemoration-v@chapterhouse.example",
    ]
    assert feed == calendar_ics(events, name="Chapterhouse", lang="en", dtstamp=STAMP)


def test_the_stamp_is_written_in_utc_and_must_be_aware() -> None:
    seoul_stamp = dt.datetime(2025, 5, 1, 18, 30, tzinfo=ZoneInfo("Asia/Seoul"))
    events = [session_event(slug="a", host=HOST, title="A", on=dt.date(2025, 5, 18))]

    feed = calendar_ics(events, name="x", lang="en", dtstamp=seoul_stamp)

    assert b"DTSTAMP:20250501T093000Z" in feed
    with pytest.raises(ValueError, match="aware"):
        calendar_ics(events, name="x", lang="en", dtstamp=dt.datetime(2025, 5, 1))  # noqa: DTZ001


def test_an_event_refuses_a_naive_time_or_an_end_before_its_start() -> None:
    with pytest.raises(ValueError, match="aware"):
        CalendarEvent(uid="x", summary="x", start=dt.datetime(2025, 5, 18, 10))  # noqa: DTZ001
    with pytest.raises(ValueError, match="after the start"):
        CalendarEvent(uid="x", summary="x", start=dt.date(2025, 5, 18), end=dt.date(2025, 5, 18))
    with pytest.raises(ValueError, match="both be dates"):
        CalendarEvent(
            uid="x",
            summary="x",
            start=dt.date(2025, 5, 18),
            end=dt.datetime(2025, 5, 19, tzinfo=dt.UTC),
        )

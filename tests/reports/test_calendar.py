"""The calendar selectors and the feeds written from them, read back with ``icalendar``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from icalendar import Calendar, Event

from chapterhouse.custody.access import ADMIN, ANONYMOUS, viewer_for_scope
from chapterhouse.meetings.models import Commemoration, Session, SessionHost
from chapterhouse.registry.models import Body
from chapterhouse.reports.calendar import (
    body_sessions,
    calendar_month,
    calendar_sessions,
    commemoration_events,
    commemoration_list,
    session_events,
    session_title,
)
from chapterhouse.reports.ical import calendar_ics

pytestmark = pytest.mark.django_db

HOST = "chapterhouse.example"
STAMP = dt.datetime(2025, 5, 1, 9, 30, tzinfo=dt.UTC)


def closed_session(*, slug: str = "kz-closed", on: dt.date = dt.date(2025, 5, 10)) -> Session:
    """An internal session of the Kazakh committee: only grants covering ec-kz see it."""
    session = Session.objects.create(
        slug=slug, date=on, internal=True, title={"en": "Closed meeting"}
    )
    SessionHost.objects.create(session=session, body=Body.objects.get(slug="ec-kz"))
    return session


def feed_of(events: list, lang: str = "en") -> Calendar:
    return Calendar.from_ical(calendar_ics(events, name="Test", lang=lang, dtstamp=STAMP))


def events_by_uid(calendar: Calendar) -> dict[str, list[Event]]:
    found: dict[str, list[Event]] = {}
    for event in calendar.events:
        found.setdefault(str(event["UID"]), []).append(event)
    return found


# -- commemorations -----------------------------------------------------------------------


def test_each_commemoration_has_its_next_anniversary_and_its_number(demo):
    rows = commemoration_list(on=dt.date(2025, 5, 19), viewer=ANONYMOUS)

    assert [(row["id"], row["next"], row["anniversary"]) for row in rows] == [
        ("founding-day", dt.date(2025, 5, 20), 27),
        ("charter-day", dt.date(2025, 5, 22), 24),
    ]
    assert rows[0]["name"]["ru"] == "День основания Лиги"
    assert rows[0]["original"] == dt.date(1998, 5, 20)


def test_an_anniversary_falling_today_is_still_next(demo):
    rows = commemoration_list(on=dt.date(2025, 5, 20), viewer=ANONYMOUS)

    assert (rows[0]["id"], rows[0]["next"], rows[0]["anniversary"]) == (
        "founding-day",
        dt.date(2025, 5, 20),
        27,
    )


def test_once_this_years_anniversaries_are_over_next_years_come_soonest_first(demo):
    Commemoration.objects.create(
        slug="victory-day", name={"en": "Victory Day"}, date=dt.date(1945, 5, 9)
    )

    rows = commemoration_list(on=dt.date(2025, 5, 23), viewer=ANONYMOUS)

    assert [(row["id"], row["next"], row["anniversary"]) for row in rows] == [
        ("victory-day", dt.date(2026, 5, 9), 81),
        ("founding-day", dt.date(2026, 5, 20), 28),
        ("charter-day", dt.date(2026, 5, 22), 25),
    ]


def test_a_commemoration_known_to_the_month_or_year_gets_that_periods_anniversary(db):
    Commemoration.objects.create(
        slug="uprising", name="Uprising", date=dt.date(1956, 10, 1), date_precision="month"
    )
    Commemoration.objects.create(
        slug="founding", name="Founding", date=dt.date(1920, 1, 1), date_precision="year"
    )

    rows = {row["id"]: row for row in commemoration_list(on=dt.date(2025, 11, 5), viewer=ADMIN)}

    assert (rows["uprising"]["next"], rows["uprising"]["anniversary"]) == (
        dt.date(2026, 10, 1),
        70,
    )
    assert (rows["founding"]["next"], rows["founding"]["anniversary"]) == (
        dt.date(2025, 1, 1),
        105,
    )


# -- a month ------------------------------------------------------------------------------


def test_a_month_has_its_sessions_and_anniversaries_by_day(demo):
    month = calendar_month(year=2025, month=5, viewer=ANONYMOUS)

    assert [(row["id"], row["date"]) for row in month["sessions"]] == [
        ("gc5-d1", dt.date(2025, 5, 18)),
        ("gc5-d2", dt.date(2025, 5, 20)),
        ("gc5-d3", dt.date(2025, 5, 22)),
        ("gc5-d4", dt.date(2025, 5, 24)),
    ]
    assert [(row["id"], row["date"], row["anniversary"]) for row in month["anniversaries"]] == [
        ("founding-day", dt.date(2025, 5, 20), 27),
        ("charter-day", dt.date(2025, 5, 22), 24),
    ]
    assert [host["id"] for host in month["sessions"][1]["hosts"]] == ["ec-kz", "soc-steppe"]
    assert month["sessions"][0]["conference"]["id"] == "gc-5"


def test_a_month_without_events_is_empty_and_the_original_event_is_no_anniversary(demo):
    assert calendar_month(year=2025, month=4, viewer=ANONYMOUS)["sessions"] == []
    assert calendar_month(year=1998, month=5, viewer=ANONYMOUS)["anniversaries"] == []


def test_a_leap_day_is_remembered_on_the_28th_in_a_common_year(db):
    Commemoration.objects.create(slug="leap", name="Leap", date=dt.date(1948, 2, 29))

    common = calendar_month(year=2025, month=2, viewer=ANONYMOUS)["anniversaries"]
    leap = calendar_month(year=2024, month=2, viewer=ANONYMOUS)["anniversaries"]

    assert [(row["date"], row["anniversary"]) for row in common] == [(dt.date(2025, 2, 28), 77)]
    assert [(row["date"], row["anniversary"]) for row in leap] == [(dt.date(2024, 2, 29), 76)]


def test_a_session_known_only_to_the_month_is_listed_apart_and_one_known_to_the_year_is_not(
    demo,
):
    Session.objects.create(slug="may-only", date=dt.date(2025, 5, 1), date_precision="month")
    Session.objects.create(slug="year-only", date=dt.date(2025, 1, 1), date_precision="year")

    may = calendar_month(year=2025, month=5, viewer=ANONYMOUS)
    january = calendar_month(year=2025, month=1, viewer=ANONYMOUS)

    assert [row["id"] for row in may["month_sessions"]] == ["may-only"]
    assert "may-only" not in [row["id"] for row in may["sessions"]]
    assert january["sessions"] == january["month_sessions"] == []


def test_an_internal_session_is_in_the_month_only_for_those_who_may_see_it(demo):
    closed_session()

    def ids(viewer) -> list[str]:
        return [row["id"] for row in calendar_month(year=2025, month=5, viewer=viewer)["sessions"]]

    assert "kz-closed" not in ids(ANONYMOUS)
    assert "kz-closed" not in ids(viewer_for_scope("ec-jp"))
    assert "kz-closed" in ids(viewer_for_scope("ec-kz"))
    assert "kz-closed" in ids(viewer_for_scope("council"))
    assert "kz-closed" in ids(ADMIN)


def test_an_internal_host_is_left_out_of_a_public_sessions_hosts(demo):
    Body.objects.filter(slug="soc-steppe").update(internal=True)

    def hosts(viewer) -> list[str]:
        (session,) = [
            row
            for row in calendar_month(year=2025, month=5, viewer=viewer)["sessions"]
            if row["id"] == "gc5-d2"
        ]
        return [host["id"] for host in session["hosts"]]

    assert hosts(ANONYMOUS) == ["ec-kz"]
    assert hosts(viewer_for_scope("ec-kz")) == ["ec-kz", "soc-steppe"]


def test_a_month_reads_a_fixed_number_of_queries(demo, django_assert_num_queries):
    for index in range(20):
        session = Session.objects.create(slug=f"extra-{index}", date=dt.date(2025, 5, 1 + index))
        SessionHost.objects.create(session=session, body=Body.objects.get(slug="ec-ar"))

    # tasks, conferences, sessions, hosts (named as then), commemorations
    with django_assert_num_queries(5):
        calendar_month(year=2025, month=5, viewer=ANONYMOUS)


def test_a_month_has_every_day_of_the_conferences_under_way(demo):
    (conference,) = calendar_month(year=2025, month=5, viewer=ANONYMOUS)["conferences"]

    assert conference["id"] == "gc-5"
    assert (conference["start"], conference["end"]) == (dt.date(2025, 5, 18), dt.date(2025, 5, 24))
    assert [day.day for day in conference["days"]] == [18, 19, 20, 21, 22, 23, 24]
    assert calendar_month(year=2025, month=6, viewer=ANONYMOUS)["conferences"] == []


# -- a body -------------------------------------------------------------------------------


def test_a_body_has_the_sessions_it_or_a_body_below_it_hosted(demo):
    Session.objects.create(slug="steppe-only", date=dt.date(2025, 6, 1))
    SessionHost.objects.create(
        session=Session.objects.get(slug="steppe-only"), body=Body.objects.get(slug="soc-steppe")
    )

    kz = body_sessions(body="ec-kz", viewer=ANONYMOUS)
    council = body_sessions(body="council", viewer=ANONYMOUS)
    argentina = body_sessions(body="ec-ar", viewer=ANONYMOUS)

    assert kz["body"]["id"] == "ec-kz"
    assert [row["id"] for row in kz["sessions"]] == ["gc5-d2", "steppe-only"]
    assert [row["id"] for row in council["sessions"]] == [
        "gc5-d1",
        "gc5-d2",
        "gc5-d3",
        "gc5-d4",
        "steppe-only",
    ]
    assert [row["id"] for row in argentina["sessions"]] == ["gc5-d3"]


def test_an_unknown_or_hidden_body_has_no_calendar(demo):
    Body.objects.filter(slug="cell-almaty-uni").update(internal=True)

    with pytest.raises(Body.DoesNotExist):
        body_sessions(body="no-such-body", viewer=ANONYMOUS)
    with pytest.raises(Body.DoesNotExist):
        body_sessions(body="cell-almaty-uni", viewer=ANONYMOUS)
    assert body_sessions(body="cell-almaty-uni", viewer=viewer_for_scope("ec-kz"))["sessions"] == []


def test_a_bodys_internal_sessions_are_only_for_those_who_may_see_them(demo):
    closed_session()

    assert "kz-closed" not in [
        row["id"] for row in body_sessions(body="ec-kz", viewer=ANONYMOUS)["sessions"]
    ]
    assert "kz-closed" in [
        row["id"]
        for row in body_sessions(body="ec-kz", viewer=viewer_for_scope("ec-kz"))["sessions"]
    ]


# -- words --------------------------------------------------------------------------------


def test_a_session_without_a_title_is_named_after_its_conference_day_or_hosts(demo):
    Session.objects.filter(slug="gc5-d2").update(title=None)
    untitled = Session.objects.create(slug="untitled", date=dt.date(2025, 5, 30))
    SessionHost.objects.create(session=untitled, body=Body.objects.get(slug="ec-ar"))
    Session.objects.create(slug="bare", date=dt.date(2025, 5, 31))

    rows = {row["id"]: row for row in calendar_month(year=2025, month=5, viewer=ADMIN)["sessions"]}

    assert session_title(rows["gc5-d1"], lang="en", default_lang="en") == "Opening session"
    # The catalogue words "day"; until a translator does, the English wording stands.
    assert session_title(rows["gc5-d2"], lang="ru", default_lang="en").startswith(
        "5-я генеральная конференция, "
    )
    assert session_title(rows["gc5-d2"], lang="en", default_lang="en") == (
        "5th General Conference, day 2"
    )
    assert session_title(rows["untitled"], lang="de", default_lang="en") == (
        "Argentinisches Exekutivkomitee"
    )
    assert session_title(rows["bare"], lang="en", default_lang="en") == "Session"


# -- feeds --------------------------------------------------------------------------------


def test_the_feed_has_every_visible_session_as_an_all_day_event(demo):
    calendar = feed_of(
        session_events(
            calendar_sessions(viewer=ANONYMOUS),
            host=HOST,
            lang="en",
            default_lang="en",
            session_url=lambda slug: f"https://{HOST}/sessions/{slug}/",
        )
    )

    found = events_by_uid(calendar)
    assert list(found) == [
        "session-gc5-d1@chapterhouse.example",
        "session-gc5-d2@chapterhouse.example",
        "session-gc5-d3@chapterhouse.example",
        "session-gc5-d4@chapterhouse.example",
    ]
    (day_two,) = found["session-gc5-d2@chapterhouse.example"]
    assert day_two.decoded("DTSTART") == dt.date(2025, 5, 20)
    assert not isinstance(day_two.decoded("DTSTART"), dt.datetime)  # floating: no time zone
    assert day_two.decoded("DTEND") == dt.date(2025, 5, 21)
    assert str(day_two["SUMMARY"]) == "Meeting of the Kazakh Executive Committee"
    assert str(day_two["LOCATION"]) == "Hall of the Steppe Society, Almaty, Kazakhstan"
    assert str(day_two["URL"]) == "https://chapterhouse.example/sessions/gc5-d2/"
    assert "Hosted by Kazakh Executive Committee and Steppe Society" in str(day_two["DESCRIPTION"])
    assert "RRULE" not in day_two
    assert not calendar.timezones


def test_the_feed_writes_places_and_names_in_the_feeds_language(demo):
    calendar = feed_of(
        session_events(
            calendar_sessions(viewer=ANONYMOUS), host=HOST, lang="ru", default_lang="en"
        ),
        lang="ru",
    )

    (day_two,) = events_by_uid(calendar)["session-gc5-d2@chapterhouse.example"]
    assert str(day_two["LOCATION"]) == "Зал Степного общества, Алматы, Казахстан"
    assert day_two["SUMMARY"].params["LANGUAGE"] == "ru"
    assert "Казахский исполнительный комитет" in str(day_two["DESCRIPTION"])


def test_an_internal_session_is_in_the_feed_only_for_those_who_may_see_it(demo):
    closed_session()

    def uids(viewer) -> set[str]:
        events = session_events(
            calendar_sessions(viewer=viewer), host=HOST, lang="en", default_lang="en"
        )
        return set(events_by_uid(feed_of(events)))

    assert "session-kz-closed@chapterhouse.example" not in uids(ANONYMOUS)
    assert "session-kz-closed@chapterhouse.example" not in uids(viewer_for_scope("ec-ar"))
    assert "session-kz-closed@chapterhouse.example" in uids(viewer_for_scope("ec-kz"))


def test_a_session_with_a_start_time_and_zone_is_timed_in_that_zone(demo):
    Session.objects.filter(slug="gc5-d2").update(
        extra={"starts_at": "10:00", "ends_at": "13:30", "time_zone": "Asia/Almaty"}
    )
    Session.objects.filter(slug="gc5-d3").update(
        extra={"starts_at": "18:00", "time_zone": "Mars/Olympus"}  # no such zone: all-day
    )

    calendar = feed_of(
        session_events(calendar_sessions(viewer=ANONYMOUS), host=HOST, lang="en", default_lang="en")
    )

    found = events_by_uid(calendar)
    (almaty,) = found["session-gc5-d2@chapterhouse.example"]
    start = almaty.decoded("DTSTART")
    assert start == dt.datetime(2025, 5, 20, 10, 0, tzinfo=ZoneInfo("Asia/Almaty"))
    assert almaty["DTSTART"].params["TZID"] == "Asia/Almaty"
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 5, 20, 5, 0, tzinfo=dt.UTC)
    assert almaty.decoded("DTEND") - start == dt.timedelta(hours=3, minutes=30)
    assert [str(zone["TZID"]) for zone in calendar.timezones] == ["Asia/Almaty"]
    (buenos_aires,) = found["session-gc5-d3@chapterhouse.example"]
    assert buenos_aires.decoded("DTSTART") == dt.date(2025, 5, 22)


def test_commemorations_recur_yearly_and_name_the_shown_years_anniversary(demo):
    # The demo names Charter Day in every language; take the Russian name away.
    Commemoration.objects.filter(slug="charter-day").update(name={"en": "Charter Day"})
    rows = commemoration_list(on=dt.date(2025, 5, 1), viewer=ANONYMOUS)
    calendar = feed_of(
        commemoration_events(rows, host=HOST, lang="ru", default_lang="en", years=[2025, 2026]),
        lang="ru",
    )

    master, *occurrences = events_by_uid(calendar)[
        "commemoration-founding-day@chapterhouse.example"
    ]
    assert master.decoded("DTSTART") == dt.date(1998, 5, 20)
    assert str(master["SUMMARY"]) == "День основания Лиги"
    rule = rrulestr(
        master["RRULE"].to_ical().decode(),
        dtstart=dt.datetime(1998, 5, 20, tzinfo=dt.UTC),
    )
    assert rule.after(dt.datetime(2025, 1, 1, tzinfo=dt.UTC)).date() == dt.date(2025, 5, 20)
    assert [(o.decoded("RECURRENCE-ID"), str(o["SUMMARY"])) for o in occurrences] == [
        (dt.date(2025, 5, 20), "День основания Лиги — 27-я годовщина"),
        (dt.date(2026, 5, 20), "День основания Лиги — 28-я годовщина"),
    ]
    # A name missing in the feed's language falls back to the default language.
    (charter, *_) = events_by_uid(calendar)["commemoration-charter-day@chapterhouse.example"]
    assert str(charter["SUMMARY"]) == "Charter Day"


def test_a_commemoration_without_a_day_has_no_feed_event(db):
    Commemoration.objects.create(
        slug="uprising", name="Uprising", date=dt.date(1956, 10, 1), date_precision="month"
    )

    rows = commemoration_list(on=dt.date(2025, 1, 1), viewer=ANONYMOUS)

    assert commemoration_events(rows, host=HOST, lang="en", default_lang="en", years=[2025]) == []

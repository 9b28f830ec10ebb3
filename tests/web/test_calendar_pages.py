"""The calendar pages and feeds: the month grid, the commemorations, the iCalendar feeds."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from icalendar import Calendar

from chapterhouse.core.cldr import anniversary_ordinal
from chapterhouse.meetings.models import Commemoration, Session, SessionHost
from chapterhouse.registry.models import Body
from chapterhouse.relations.models import Task
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def closed_session() -> None:
    """An internal session of the Kazakh committee in May 2025."""
    session = Session.objects.create(
        slug="kz-closed", date=dt.date(2025, 5, 10), internal=True, title={"en": "Closed meeting"}
    )
    SessionHost.objects.create(session=session, body=Body.objects.get(slug="ec-kz"))


def weekday_headers(page: str) -> list[str]:
    return re.findall(r'<th scope="col"[^>]*><abbr title="[^"]*">([^<]+)</abbr></th>', page)


def cell_of(page: str, day: str) -> str:
    """Return the grid cell of one day (``2025-05-20``)."""
    start = page.index(f'datetime="{day}"')
    return page[start : page.index("</td>", start)]


def uids(response) -> set[str]:
    return {str(event["UID"]) for event in Calendar.from_ical(response.content).events}


# -- the month ----------------------------------------------------------------------------


def test_the_month_is_drawn_as_a_grid_in_english_weeks_starting_on_sunday(demo, client):
    page = client.get("/calendar/?month=2025-05&lang=en").content.decode()

    assert "<h1" in page and "May 2025</h1>" in page
    assert weekday_headers(page) == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert 'title="Sunday"' in page
    # 1 May 2025 was a Thursday: four empty cells before it in a Sunday-first week.
    first_week = page[page.index("<tbody>") : page.index('datetime="2025-05-01"')]
    assert first_week.count('class="month-grid__outside"') == 4
    assert page.count('class="month-grid__number"') == 31


def test_the_month_shows_the_demo_conferences_sessions_on_their_days(demo, client):
    page = client.get("/calendar/?month=2025-05&lang=en").content.decode()

    assert 'href="/sessions/gc5-d1/"' in cell_of(page, "2025-05-18")
    assert "Opening session" in cell_of(page, "2025-05-18")
    kazakh = cell_of(page, "2025-05-20")
    assert 'href="/sessions/gc5-d2/"' in kazakh
    assert "Almaty, Kazakhstan" in kazakh
    assert "League Founding Day" in kazakh and "27th anniversary" in kazakh
    assert "Charter Day" in cell_of(page, "2025-05-22")
    assert "24th anniversary" in cell_of(page, "2025-05-22")
    assert 'href="/sessions/gc5-d4/"' in cell_of(page, "2025-05-24")
    assert "/sessions/" not in cell_of(page, "2025-05-19")


def test_every_day_of_a_conference_is_marked_not_only_its_session_days(demo, client):
    page = client.get("/calendar/?month=2025-05&lang=en").content.decode()

    # The 5th General Conference runs 18–24 May 2025; its sessions are on 18, 20, 22, 24.
    for day in range(18, 25):
        cell = cell_of(page, f"2025-05-{day}")
        assert 'class="month-grid__conference"><a href="/conferences/gc-5/">' in cell, day
        assert "5th General Conference</a>" in cell
    for day in ("2025-05-17", "2025-05-25"):
        assert "/conferences/" not in cell_of(page, day)
    assert "month-grid__busy" in page[page.rindex("<td", 0, page.index('datetime="2025-05-21"')) :]


def test_a_conference_that_runs_into_the_next_month_is_marked_there_too(demo, client):
    from chapterhouse.meetings.models import Conference

    Conference.objects.filter(slug="gc-5").update(
        start=dt.date(2025, 5, 30), end=dt.date(2025, 6, 3)
    )

    may = client.get("/calendar/?month=2025-05&lang=en").content.decode()
    june = client.get("/calendar/?month=2025-06&lang=en").content.decode()

    assert [
        d for d in range(1, 32) if "/conferences/gc-5/" in cell_of(may, f"2025-05-{d:02d}")
    ] == [
        30,
        31,
    ]
    assert [
        d for d in range(1, 31) if "/conferences/gc-5/" in cell_of(june, f"2025-06-{d:02d}")
    ] == [
        1,
        2,
    ]


def test_the_month_is_named_in_german_with_weeks_starting_on_monday(demo, client):
    page = client.get("/calendar/?month=2025-05&lang=de").content.decode()

    assert "Mai 2025</h1>" in page
    assert weekday_headers(page) == ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"]
    assert 'title="Montag"' in page
    assert "27. Jahrestag" in cell_of(page, "2025-05-20")
    assert "Kasachstan" in cell_of(page, "2025-05-20")
    assert 'href="/sessions/gc5-d2/"' in cell_of(page, "2025-05-20")
    assert "April 2025" in page and "Juni 2025" in page


def test_the_month_is_named_in_russian_and_korean(demo, client):
    russian = client.get("/calendar/?month=2025-05&lang=ru").content.decode()
    korean = client.get("/calendar/?month=2025-05&lang=ko").content.decode()

    assert "май 2025" in russian
    assert weekday_headers(russian)[0] == "пн"
    assert "27-я годовщина" in russian
    assert "День основания Лиги" in russian
    assert "2025년 5월</h1>" in korean
    assert weekday_headers(korean)[0] == "일"  # Korea's week starts on Sunday
    assert "27주년" in korean


def test_the_month_links_the_months_before_and_after(demo, client):
    page = client.get("/calendar/?month=2025-01&lang=en").content.decode()

    assert 'href="/calendar/?month=2024-12" rel="prev"' in page
    assert "December 2024" in page
    assert 'href="/calendar/?month=2025-02" rel="next"' in page
    assert "February 2025" in page


def test_without_a_month_the_page_shows_this_month(demo, client):
    today = timezone.localdate()
    page = client.get("/calendar/?lang=en").content.decode()

    assert f'value="{today:%Y-%m}"' in page


@pytest.mark.parametrize("month", ["2025-13", "May", "2025-5", "0000-01", "２０２５-05"])
def test_a_month_that_is_not_one_gets_a_helpful_400(demo, client, month):
    response = client.get("/calendar/", {"month": month, "lang": "en"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a month" in page
    assert "YYYY-MM" in page


def test_the_last_month_there_is_has_no_next_link(demo, client):
    page = client.get("/calendar/?month=9999-12&lang=en").content.decode()

    assert 'rel="prev"' in page
    assert 'rel="next"' not in page


def test_an_internal_session_is_absent_for_anonymous_and_present_for_an_insider(personas, client):
    closed_session()

    anonymous = client.get("/calendar/?month=2025-05&lang=en").content.decode()
    sign_in(client, personas["mia"])  # a member of the Japanese committee
    outsider = client.get("/calendar/?month=2025-05&lang=en").content.decode()
    sign_in(client, personas["bob"])  # the officer of the Kazakh committee
    insider = client.get("/calendar/?month=2025-05&lang=en").content.decode()

    assert "Closed meeting" not in anonymous
    assert "Closed meeting" not in outsider
    assert "Closed meeting" in cell_of(insider, "2025-05-10")
    assert 'href="/sessions/kz-closed/"' in insider


def test_the_navigation_links_the_calendar(demo, client):
    page = client.get("/calendar/?month=2025-05&lang=en").content.decode()

    assert 'href="/calendar/" aria-current="page"' in page
    assert 'href="/calendar.ics?lang=en"' in page
    assert 'href="/calendar/"' in client.get("/").content.decode()


def test_the_month_runs_a_fixed_number_of_queries(demo, client, django_assert_num_queries):
    client.get("/calendar/?month=2025-05")  # the first request settles the session

    # organization, tasks, conferences, sessions, hosts, commemorations
    with django_assert_num_queries(6):
        client.get("/calendar/?month=2025-05")
    for index in range(25):
        session = Session.objects.create(slug=f"more-{index}", date=dt.date(2025, 5, 1 + index))
        SessionHost.objects.create(session=session, body=Body.objects.get(slug="ec-jp"))
        Commemoration.objects.create(slug=f"c-{index}", name="C", date=dt.date(1990, 5, 1 + index))
        Task.objects.create(slug=f"t-{index}", title="T", due=dt.date(2025, 5, 1 + index))
    with django_assert_num_queries(6):
        client.get("/calendar/?month=2025-05")


# -- commemorations -----------------------------------------------------------------------


def test_the_commemorations_show_the_next_anniversary_and_its_ordinal(demo, client):
    page = client.get("/commemorations/?as_of=2025-05-19&lang=en").content.decode()

    assert page.index("League Founding Day") < page.index("Charter Day")
    assert "May 20, 2025" in page
    assert "27th anniversary" in page
    assert "24th anniversary" in page
    assert 'href="/calendar/?month=2025-05"' in page


def test_the_commemorations_in_german_and_after_this_years_anniversaries(demo, client):
    page = client.get("/commemorations/?as_of=2025-06-01&lang=de").content.decode()

    assert "28. Jahrestag" in page
    assert "Tag der Charta" in page
    assert "20. Mai 2026" in page


def test_a_bad_as_of_on_the_commemorations_gets_a_400(demo, client):
    response = client.get("/commemorations/?as_of=soon&lang=en")

    assert response.status_code == 400
    assert "is not a date" in response.content.decode()


def test_the_commemorations_run_a_fixed_number_of_queries(demo, client, django_assert_num_queries):
    client.get("/commemorations/")
    for index in range(25):
        Commemoration.objects.create(slug=f"c-{index}", name="C", date=dt.date(1990, 1, 1 + index))

    with django_assert_num_queries(2):  # organization, commemorations
        client.get("/commemorations/")


# -- feeds --------------------------------------------------------------------------------


def test_the_feed_is_icalendar_with_sessions_and_commemorations(demo, client):
    response = client.get("/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "International Friendship League"
    assert uids(response) == {
        "session-gc5-d1@testserver",
        "session-gc5-d2@testserver",
        "session-gc5-d3@testserver",
        "session-gc5-d4@testserver",
        "commemoration-founding-day@testserver",
        "commemoration-charter-day@testserver",
        "task-proceedings@testserver",
        "task-student-clubs@testserver",
    }
    (opening,) = [e for e in calendar.events if str(e["UID"]) == "session-gc5-d1@testserver"]
    assert opening.decoded("DTSTART") == dt.date(2025, 5, 18)
    assert str(opening["URL"]) == "http://testserver/sessions/gc5-d1/"
    founding = [e for e in calendar.events if str(e["UID"]).startswith("commemoration-founding")]
    assert founding[0]["RRULE"]["FREQ"] == ["YEARLY"]
    this_year = timezone.localdate().year
    assert [(o.decoded("RECURRENCE-ID"), str(o["SUMMARY"])) for o in founding[1:]][1] == (
        dt.date(this_year, 5, 20),
        f"League Founding Day — {anniversary_ordinal(this_year - 1998, 'en')}",
    )


def test_the_feed_speaks_the_asked_language(demo, client):
    calendar = Calendar.from_ical(client.get("/calendar.ics?lang=ru").content)

    assert str(calendar["X-WR-CALNAME"]) == "Международная лига дружбы"
    summaries = {str(event["SUMMARY"]) for event in calendar.events}
    assert "День основания Лиги" in summaries
    assert all(event["SUMMARY"].params["LANGUAGE"] == "ru" for event in calendar.events)


def test_an_internal_session_is_in_the_feed_only_for_an_insider(personas, client):
    closed_session()

    anonymous = uids(client.get("/calendar.ics"))
    sign_in(client, personas["mia"])
    outsider = uids(client.get("/calendar.ics"))
    sign_in(client, personas["bob"])
    insider = uids(client.get("/calendar.ics"))

    assert "session-kz-closed@testserver" not in anonymous
    assert "session-kz-closed@testserver" not in outsider
    assert "session-kz-closed@testserver" in insider


def test_a_body_feed_has_the_sessions_and_tasks_of_the_body_and_those_below_it(demo, client):
    kz = client.get("/bodies/ec-kz/calendar.ics")
    council = client.get("/bodies/council/calendar.ics")

    assert kz["Content-Type"] == "text/calendar; charset=utf-8"
    assert str(Calendar.from_ical(kz.content)["X-WR-CALNAME"]) == "Kazakh Executive Committee"
    assert uids(kz) == {"session-gc5-d2@testserver", "task-student-clubs@testserver"}
    assert len(uids(council)) == 4 + 2  # the sessions, and the tasks of ec-kz and dept-3


def test_a_body_feed_of_an_unknown_or_hidden_body_is_404(personas, client):
    Body.objects.filter(slug="cell-almaty-uni").update(internal=True)

    assert client.get("/bodies/no-such-body/calendar.ics").status_code == 404
    assert client.get("/bodies/cell-almaty-uni/calendar.ics").status_code == 404
    sign_in(client, personas["bob"])
    assert client.get("/bodies/cell-almaty-uni/calendar.ics").status_code == 200


def test_the_feeds_run_a_fixed_number_of_queries(demo, client, django_assert_num_queries):
    client.get("/calendar.ics")
    # organization, sessions, hosts, commemorations, tasks; a body adds itself, its names,
    # the tree (once for its sessions, once for its tasks)
    counts = {"/calendar.ics": 5, "/bodies/council/calendar.ics": 8}
    for path, count in counts.items():
        with django_assert_num_queries(count):
            client.get(path)
    for index in range(25):
        session = Session.objects.create(slug=f"more-{index}", date=dt.date(2024, 1, 1 + index))
        SessionHost.objects.create(session=session, body=Body.objects.get(slug="soc-steppe"))
        task = Task.objects.create(slug=f"t-{index}", title="T", due=dt.date(2024, 1, 1 + index))
        task.assignees.create(body=Body.objects.get(slug="soc-steppe"))
    for path, count in counts.items():
        with django_assert_num_queries(count):
            client.get(path)

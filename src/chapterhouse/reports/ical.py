"""iCalendar feeds (RFC 5545) of sessions, commemorations and the due days of tasks,
written by ``icalendar``.

Sessions are all-day events on their date unless the caller knows the start
time in a named time zone; a session's country alone gives no time zone (a
committee may meet abroad), so such a session stays all-day. Commemorations
are yearly all-day events from the original date; the years a page shows get
their own occurrence (``RECURRENCE-ID``) whose summary names the anniversary
("Victory Day — 79th anniversary"), so a subscribed calendar shows the ordinal
where the feed knows it and the plain name in other years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.translation import pgettext
from icalendar import Calendar, Event

from chapterhouse.core.cldr import anniversary_ordinal, catalogue_code
from chapterhouse.reports.anniversaries import anniversary_date

PRODID = "-//Chapterhouse//Calendar//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """One event of a feed: a session, or a commemoration that recurs every year.

    ``start`` is a date for an all-day event, or an aware datetime in a
    ``ZoneInfo`` zone for a timed one; ``end`` is exclusive and defaults to the
    next day (all-day) or one hour later (timed). ``yearly`` repeats the event
    on its day every year; ``year_summaries`` gives the summary of single
    years' occurrences (year → summary) and is only read for yearly events.
    """

    uid: str
    summary: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    yearly: bool = False
    year_summaries: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.start, dt.datetime) and self.start.tzinfo is None:
            raise ValueError(f"{self.uid}: a timed event needs an aware start")
        if self.end is None:
            return
        if isinstance(self.end, dt.datetime) != isinstance(self.start, dt.datetime):
            raise ValueError(f"{self.uid}: start and end must both be dates or both datetimes")
        if self.end <= self.start:
            raise ValueError(f"{self.uid}: the end must be after the start")

    @property
    def all_day(self) -> bool:
        """Return whether the event takes whole days (its start is a date)."""
        return not isinstance(self.start, dt.datetime)


def session_event(
    *,
    slug: str,
    host: str,
    title: str,
    on: dt.date,
    starts_at: dt.time | None = None,
    time_zone: str | None = None,
    duration: dt.timedelta = dt.timedelta(hours=1),
    location: str = "",
    url: str = "",
    description: str = "",
) -> CalendarEvent:
    """Return the feed event of a session held ``on`` a day, UID ``session-<slug>@<host>``.

    With ``starts_at`` and an IANA ``time_zone`` (``Asia/Seoul``) the event is
    timed in that zone; with either missing it is all-day on ``on``, which is
    what a session known only by its date and country gets.
    """
    start: dt.date | dt.datetime = on
    end: dt.date | dt.datetime = on + dt.timedelta(days=1)
    if starts_at is not None and time_zone:
        start = dt.datetime.combine(on, starts_at, tzinfo=ZoneInfo(time_zone))
        end = start + duration
    return CalendarEvent(
        uid=f"session-{slug}@{host}",
        summary=title,
        start=start,
        end=end,
        description=description,
        location=location,
        url=url,
    )


def commemoration_event(
    *,
    slug: str,
    host: str,
    name: str,
    original: dt.date,
    years: Iterable[int],
    lang: str,
    url: str = "",
) -> CalendarEvent:
    """Return the yearly event of a commemoration, UID ``commemoration-<slug>@<host>``.

    It recurs from ``original`` itself; each of ``years`` (the years a page or
    feed shows, after the original's) gets the summary "<name> — <n-th
    anniversary>" with the ordinal written in ``lang`` by CLDR's rules.
    """
    summaries = {}
    for year in years:
        number = year - original.year
        if number < 1:
            continue
        with translation.override(catalogue_code(lang)):
            pattern = pgettext("calendar commemoration", "%(name)s — %(anniversary)s")
        summaries[year] = pattern % {
            "name": name,
            "anniversary": anniversary_ordinal(number, lang),
        }
    return CalendarEvent(
        uid=f"commemoration-{slug}@{host}",
        summary=name,
        start=original,
        url=url,
        yearly=True,
        year_summaries=summaries,
    )


def task_event(*, slug: str, host: str, summary: str, due: dt.date, url: str = "") -> CalendarEvent:
    """Return the all-day event of a task's due day, UID ``task-<slug>@<host>``.

    A VEVENT, not a VTODO: most calendar clients ignore the to-dos of a subscribed feed
    (Google Calendar, Outlook's web calendar) and show events; a to-do list would also
    invite ticking it off in the client, which would not reach the record.
    """
    return CalendarEvent(
        uid=f"task-{slug}@{host}",
        summary=summary,
        start=due,
        end=due + dt.timedelta(days=1),
        url=url,
    )


def _yearly_rule(original: dt.date) -> dict[str, object]:
    """Return the RRULE that repeats ``original`` every year (29 February: the month's last day)."""
    if original.month == 2 and original.day == 29:
        return {"FREQ": "YEARLY", "BYMONTH": 2, "BYMONTHDAY": -1}
    return {"FREQ": "YEARLY"}


def _component(
    event: CalendarEvent, *, lang: str, dtstamp: dt.datetime, summary: str, on: dt.date | None
) -> Event:
    """Return one VEVENT: the event itself (``on`` None) or its occurrence on day ``on``."""
    component = Event()
    component.add("uid", event.uid)
    component.add("dtstamp", dtstamp.astimezone(dt.UTC))
    component.add("summary", summary, parameters={"LANGUAGE": lang})
    start = on if on is not None else event.start
    if event.all_day:
        end = event.end if event.end is not None and on is None else None
        assert isinstance(start, dt.date)
        component.add("dtstart", start)
        component.add("dtend", end or start + dt.timedelta(days=1))
    else:
        assert isinstance(start, dt.datetime)
        component.add("dtstart", start)
        component.add("dtend", event.end or start + dt.timedelta(hours=1))
    if on is not None:
        component.add("recurrence-id", on)
    elif event.yearly:
        assert not isinstance(event.start, dt.datetime)
        component.add("rrule", _yearly_rule(event.start))
    if event.description:
        component.add("description", event.description, parameters={"LANGUAGE": lang})
    if event.location:
        component.add("location", event.location, parameters={"LANGUAGE": lang})
    if event.url:
        component.add("url", event.url)
    if event.yearly or event.all_day:
        component.add("transp", "TRANSPARENT")  # a whole-day marker does not block the day
    return component


def calendar_ics(
    events: Iterable[CalendarEvent], *, name: str, lang: str, dtstamp: dt.datetime
) -> bytes:
    """Return an iCalendar feed of ``events`` named ``name``, with texts in ``lang``.

    ``dtstamp`` (aware; the caller's "now", or the last change of the data)
    stamps every event, so the same data give the same bytes. Each time zone
    that a timed event uses is included as a VTIMEZONE. Events keep the order
    given; a yearly event is followed by its named occurrences in year order.
    """
    if dtstamp.tzinfo is None:
        raise ValueError("dtstamp must be an aware datetime")
    feed = Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("name", name)  # RFC 7986
    feed.add("x-wr-calname", name)  # the same, for clients that predate RFC 7986
    timed_years: list[int] = []
    for event in events:
        feed.add_component(
            _component(event, lang=lang, dtstamp=dtstamp, summary=event.summary, on=None)
        )
        if not event.all_day:
            timed_years.append(event.start.year)
        if not event.yearly:
            continue
        assert not isinstance(event.start, dt.datetime)
        for year in sorted(event.year_summaries):
            feed.add_component(
                _component(
                    event,
                    lang=lang,
                    dtstamp=dtstamp,
                    summary=event.year_summaries[year],
                    on=anniversary_date(event.start, year),
                )
            )
    if timed_years:
        # Describe each zone's rules over the years its events need (the default is 1970–2038).
        feed.add_missing_timezones(
            first_date=dt.date(min(timed_years), 1, 1),
            last_date=dt.date(max(timed_years) + 2, 1, 1),
        )
    return feed.to_ical()

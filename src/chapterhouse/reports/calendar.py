"""The calendar: commemorations and their anniversaries, the sessions of a month or of a
body, and the iCalendar events a feed is written from.

Selectors return plain dicts with Texts as stored and real ``date`` objects (the
page draws a grid from them and the feed writes them); each runs a fixed number
of queries whatever the size of the data. Every selector takes the ``viewer``:
internal sessions it may not see are left out, and so are hosts that are
internal bodies hidden from it. Commemorations are public records.

Only what has a day can be put on a day: sessions and commemorations dated to
the day are drawn on the grid and written to the feeds; those known only to the
month are listed under their month; those known only to the year are left out.

A session's Chronicle ``extra`` may give ``"starts_at": "HH:MM"`` (and
optionally ``"ends_at"``) with an IANA ``"time_zone"`` (``"Asia/Seoul"``);
with both, the feed writes a timed event in that zone. Without them a session
is an all-day event: its country alone gives no time zone.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import F, JSONField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext

from chapterhouse.core.cldr import catalogue_code, country_name, list_join
from chapterhouse.core.intervals import happened_between, overlaps_days
from chapterhouse.core.text import text_in
from chapterhouse.custody.access import Viewer
from chapterhouse.meetings.models import Commemoration, Conference, Session, SessionHost
from chapterhouse.registry.models import Body, BodyName
from chapterhouse.registry.tree import bodies_below
from chapterhouse.relations.selectors import tasks_due
from chapterhouse.reports.anniversaries import anniversary_date, anniversary_next
from chapterhouse.reports.ical import (
    CalendarEvent,
    commemoration_event,
    session_event,
    task_event,
)

# -- sessions -----------------------------------------------------------------------------


def _hosts_prefetch(viewer: Viewer) -> Prefetch:
    """Prefetch a session's hosts named as on the session's date, leaving out internal
    bodies hidden from ``viewer`` (one query for all sessions)."""
    renamed = (
        BodyName.objects.filter(body_id=OuterRef("body_id"), start__lte=OuterRef("session__date"))
        .order_by("-start", "-pk")
        .values("name")[:1]
    )
    hosts = (
        SessionHost.objects.filter(viewer.body_filter("body__"))
        .select_related("body")
        .annotate(
            name_then=Coalesce(
                Subquery(renamed, output_field=JSONField()),
                F("body__name"),
                output_field=JSONField(),
            )
        )
    )
    return Prefetch("hosts", queryset=hosts)


def _visible_sessions(viewer: Viewer) -> QuerySet[Session]:
    return (
        Session.objects.filter(viewer.session_filter())
        .select_related("conference")
        .prefetch_related(_hosts_prefetch(viewer))
        .order_by("date", F("day").asc(nulls_last=True), "pk")
    )


def _clock(value: Any) -> dt.time | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.time.fromisoformat(value)
    except ValueError:
        return None


def _zone(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return value


def _session_row(session: Session) -> dict[str, Any]:
    extra = session.extra if isinstance(session.extra, dict) else {}
    conference = session.conference
    return {
        "id": session.slug,
        "title": session.title,
        "date": session.date,
        "precision": session.date_precision,
        "day": session.day,
        "conference": (
            {"id": conference.slug, "name": conference.name, "number": conference.number}
            if conference is not None
            else None
        ),
        "hosts": [
            {"id": host.body.slug, "name": host.name_then}  # type: ignore[attr-defined]
            for host in session.hosts.all()
        ],
        "country": session.country,
        "city": session.city,
        "venue": session.venue,
        "format": session.format,
        "internal": session.internal,
        "starts_at": _clock(extra.get("starts_at")),
        "ends_at": _clock(extra.get("ends_at")),
        "time_zone": _zone(extra.get("time_zone")),
    }


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """Return the first and the last day of the month (December 9999 has no day after it)."""
    return dt.date(year, month, 1), dt.date(year, month, gregorian.monthrange(year, month)[1])


def calendar_sessions(*, viewer: Viewer) -> list[dict[str, Any]]:
    """Return every session dated to the day that ``viewer`` may see, in time order.

    This is what the organization's feed publishes: past sessions stay (a
    calendar is also a record), sessions known only to the month or year are
    left out (no day to put them on).
    """
    return [_session_row(row) for row in _visible_sessions(viewer).filter(date_precision="day")]


def body_sessions(*, body: str, viewer: Viewer) -> dict[str, Any]:
    """Return ``{"body": {"id", "name"}, "sessions"}``: the sessions dated to the day that
    ``body`` or any body below it hosted (at any time, dissolved sub-bodies too), those
    ``viewer`` may see, in time order.

    Raise ``Body.DoesNotExist`` for an unknown id and for an internal body hidden from
    ``viewer``, which must be indistinguishable. ``name`` is the body's latest name.
    """
    found = (
        Body.objects.filter(viewer.body_filter())
        .prefetch_related(Prefetch("renames", queryset=BodyName.objects.order_by("start", "pk")))
        .get(slug=body)
    )
    subtree = bodies_below(found.pk)
    hosted = SessionHost.objects.filter(body_id__in=subtree).values("session_id")
    sessions = _visible_sessions(viewer).filter(date_precision="day", pk__in=hosted)
    renames = list(found.renames.all())
    return {
        "body": {"id": found.slug, "name": renames[-1].name if renames else found.name},
        "sessions": [_session_row(row) for row in sessions],
    }


# -- commemorations -----------------------------------------------------------------------


def _commemoration_row(commemoration: Commemoration) -> dict[str, Any]:
    return {
        "id": commemoration.slug,
        "name": commemoration.name,
        "original": commemoration.date,
        "precision": commemoration.date_precision,
    }


def _next_occurrence(original: dt.date, precision: str, on: dt.date) -> tuple[dt.date, int]:
    """Return the first day of the next anniversary period of ``original`` (known to
    ``precision``) that is not over on ``on``, and its number."""
    if precision == "year":
        year = max(on.year, original.year + 1)
        return dt.date(year, 1, 1), year - original.year
    if precision == "month":
        year = max(on.year, original.year + 1)
        if year == on.year and original.month < on.month:
            year += 1
        return dt.date(year, original.month, 1), year - original.year
    return anniversary_next(original, on=on)


def commemoration_list(*, on: dt.date, viewer: Viewer) -> list[dict[str, Any]]:
    """Return every commemoration with its next anniversary as of ``on``, soonest first.

    Each row has ``id``, ``name``, ``original`` (the date commemorated, with its
    ``precision``), ``next`` (the day of the next anniversary, today's included;
    for a date known to the month or year, the first day of that period) and
    ``anniversary`` (its number: 80 for the 80th). Before the first anniversary
    the first one is next. ``viewer`` is taken like every selector's: commemorations
    are public, so it hides nothing here.
    """
    rows = []
    for commemoration in Commemoration.objects.order_by("date", "pk"):
        row = _commemoration_row(commemoration)
        row["next"], row["anniversary"] = _next_occurrence(
            commemoration.date, commemoration.date_precision, on
        )
        rows.append(row)
    rows.sort(key=lambda row: (row["next"], row["original"], row["id"]))
    return rows


def conferences_in(*, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Return the conferences under way on some day ``first <= day <= last``, by start.

    Each row has ``id``, ``name``, ``number``, ``start`` and ``end`` (its first and last
    day, inclusive) and ``days``, those of its days within ``first``–``last``. Only
    a conference whose start is known to the day can be put on days; one without an
    end lasts its first day. Conferences are public records. One query.
    """
    # No day after 31 December 9999 to end an interval at: the last day is compared as is.
    under_way = (overlaps_days(first, last) & Q(end__isnull=False)) | (
        happened_between("start", first, last) & Q(end__isnull=True)
    )
    rows = []
    for conference in Conference.objects.filter(
        under_way, start__isnull=False, start_precision="day"
    ).order_by("start", "pk"):
        start: dt.date = conference.start  # type: ignore[assignment]  # filtered: set
        end = conference.end - dt.timedelta(days=1) if conference.end else start
        shown_first, shown_last = max(start, first), min(end, last)
        rows.append(
            {
                "id": conference.slug,
                "name": conference.name,
                "number": conference.number,
                "start": start,
                "end": end,
                "days": [
                    shown_first + dt.timedelta(days=offset)
                    for offset in range((shown_last - shown_first).days + 1)
                ],
            }
        )
    return rows


def calendar_month(*, year: int, month: int, viewer: Viewer) -> dict[str, Any]:
    """Return what happens in one month, for ``viewer``.

    ``{"tasks": [...], "conferences": [...], "sessions": [...], "anniversaries": [...],
    "month_sessions": [...], "month_anniversaries": [...]}``: the tasks the viewer may
    see due on a day of the month (see `relations.selectors.tasks_due`), the conferences
    under way on a day of it (see `conferences_in`: every day of their span, not only
    those with a session), sessions dated to a day of the month and the
    anniversaries that fall on one (``date`` the day, ``anniversary`` the number;
    a 29 February is remembered on the 28th in common years), then sessions and
    anniversaries known only to the month. The original event itself (number 0)
    is no anniversary and is left out. Each list is in day order.
    """
    first, last = _month_bounds(year, month)
    sessions = [
        _session_row(row)
        for row in _visible_sessions(viewer).filter(
            date__gte=first, date__lte=last, date_precision__in=("day", "month")
        )
    ]
    anniversaries: list[dict[str, Any]] = []
    month_anniversaries: list[dict[str, Any]] = []
    commemorations = Commemoration.objects.filter(
        date__month=month, date__year__lt=year, date_precision__in=("day", "month")
    ).order_by("date", "pk")
    for commemoration in commemorations:
        row = _commemoration_row(commemoration)
        row["anniversary"] = year - commemoration.date.year
        if commemoration.date_precision == "day":
            row["date"] = anniversary_date(commemoration.date, year)
            anniversaries.append(row)
        else:
            row["date"] = first
            month_anniversaries.append(row)
    anniversaries.sort(key=lambda row: (row["date"], row["original"], row["id"]))
    return {
        "tasks": tasks_due(viewer=viewer, first=first, last=last),
        "conferences": conferences_in(first=first, last=last),
        "sessions": [row for row in sessions if row["precision"] == "day"],
        "anniversaries": anniversaries,
        "month_sessions": [row for row in sessions if row["precision"] != "day"],
        "month_anniversaries": month_anniversaries,
    }


# -- words for a session ------------------------------------------------------------------


def session_title(session: Mapping[str, Any], *, lang: str, default_lang: str) -> str:
    """Return a session's title in ``lang`` (Text fallback chain), never an empty string.

    A session without a title is called after its conference and day ("5th General
    Conference, day 2"), else its hosts, else "Session".
    """
    title = text_in(session.get("title"), lang, default_lang)
    if title:
        return title
    conference = session.get("conference")
    with translation.override(catalogue_code(lang)):
        if conference is not None:
            name = text_in(conference["name"], lang, default_lang)
            if session.get("day"):
                return gettext("%(conference)s, day %(day)s") % {
                    "conference": name,
                    "day": session["day"],
                }
            return name
        hosts = list_join(
            (text_in(host["name"], lang, default_lang) for host in session.get("hosts", [])),
            lang,
        )
        return hosts or gettext("Session")


def session_place(session: Mapping[str, Any], *, lang: str, default_lang: str) -> str:
    """Return where a session was held ("Hall B, Almaty, Kazakhstan"), or "" when unknown."""
    parts = [
        text_in(session.get("venue"), lang, default_lang),
        text_in(session.get("city"), lang, default_lang),
        country_name(session.get("country") or "", lang),
    ]
    return ", ".join(part for part in parts if part)


def _session_description(session: Mapping[str, Any], *, lang: str, default_lang: str) -> str:
    lines = []
    with translation.override(catalogue_code(lang)):
        conference = session.get("conference")
        if conference is not None:
            lines.append(text_in(conference["name"], lang, default_lang))
        hosts = list_join(
            (text_in(host["name"], lang, default_lang) for host in session.get("hosts", [])),
            lang,
        )
        if hosts:
            lines.append(gettext("Hosted by %(hosts)s") % {"hosts": hosts})
    return "\n".join(lines)


# -- feeds --------------------------------------------------------------------------------


def session_events(
    sessions: Iterable[Mapping[str, Any]],
    *,
    host: str,
    lang: str,
    default_lang: str,
    session_url: Callable[[str], str] | None = None,
) -> list[CalendarEvent]:
    """Return the feed events of ``sessions`` (rows of the selectors above), texts in
    ``lang``; ``session_url`` turns a session id into the address of its page."""
    events = []
    for session in sessions:
        starts_at, time_zone = session.get("starts_at"), session.get("time_zone")
        duration = dt.timedelta(hours=1)
        ends_at = session.get("ends_at")
        if starts_at is not None and ends_at is not None and ends_at > starts_at:
            duration = dt.datetime.combine(session["date"], ends_at) - dt.datetime.combine(
                session["date"], starts_at
            )
        events.append(
            session_event(
                slug=session["id"],
                host=host,
                title=session_title(session, lang=lang, default_lang=default_lang),
                on=session["date"],
                starts_at=starts_at,
                time_zone=time_zone,
                duration=duration,
                location=session_place(session, lang=lang, default_lang=default_lang),
                url=session_url(session["id"]) if session_url else "",
                description=_session_description(session, lang=lang, default_lang=default_lang),
            )
        )
    return events


def commemoration_events(
    commemorations: Iterable[Mapping[str, Any]],
    *,
    host: str,
    lang: str,
    default_lang: str,
    years: Iterable[int],
    url: str = "",
) -> list[CalendarEvent]:
    """Return the yearly feed events of the commemorations dated to the day (others have
    no day to recur on); each of ``years`` gets an occurrence naming its anniversary."""
    shown = list(years)
    return [
        commemoration_event(
            slug=row["id"],
            host=host,
            name=text_in(row["name"], lang, default_lang),
            original=row["original"],
            years=shown,
            lang=lang,
            url=url,
        )
        for row in commemorations
        if row["precision"] == "day"
    ]


# -- tasks --------------------------------------------------------------------------------


def task_due_title(task: Mapping[str, Any], *, lang: str, default_lang: str) -> str:
    """Return "Due: <title>" in ``lang`` (the title by the Text fallback chain)."""
    title = text_in(task["title"], lang, default_lang) or task["id"]
    with translation.override(catalogue_code(lang)):
        if task.get("status") == "done":
            return gettext("Due (done): %(title)s") % {"title": title}
        return gettext("Due: %(title)s") % {"title": title}


def task_events(
    tasks: Iterable[Mapping[str, Any]],
    *,
    host: str,
    lang: str,
    default_lang: str,
    task_url: Callable[[str], str] | None = None,
) -> list[CalendarEvent]:
    """Return the feed events of tasks due on a day (rows of `tasks_due`): all-day events
    "Due: <title>" on the due day, texts in ``lang``."""
    return [
        task_event(
            slug=task["id"],
            host=host,
            summary=task_due_title(task, lang=lang, default_lang=default_lang),
            due=task["due"],
            url=task_url(task["id"]) if task_url else "",
        )
        for task in tasks
    ]

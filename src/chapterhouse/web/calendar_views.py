"""The calendar pages: a month drawn as a wall calendar, the commemorations with their next
anniversary, and the iCalendar feeds a calendar client subscribes to.

Month and weekday names, the first day of the week and the anniversary ordinals
come from CLDR (Babel) in the page's language; the reads go through
``reports.calendar`` with the request's viewer, so an internal session appears
only to those who may see it.
"""

from __future__ import annotations

import calendar as gregorian
import datetime as dt
import re
from collections import defaultdict
from typing import Any

from babel import Locale
from babel.core import get_global
from babel.dates import format_skeleton, get_day_names
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chapterhouse.core.cldr import anniversary_ordinal, babel_locale
from chapterhouse.core.http import BadRequest, as_of_asked, bad_request_page
from chapterhouse.core.language import default_language
from chapterhouse.core.text import text_in
from chapterhouse.custody.access import viewer_of
from chapterhouse.registry.models import Body
from chapterhouse.relations.selectors import tasks_due
from chapterhouse.reports import calendar
from chapterhouse.reports.ical import calendar_ics

_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
# The feed names each commemoration's anniversary in the years around today.
FEED_YEARS_BEFORE = 1
FEED_YEARS_AFTER = 2


def _lang() -> str:
    return translation.get_language() or "en"


def _month_asked(request: HttpRequest) -> tuple[int, int]:
    """Return the (year, month) of ``?month=YYYY-MM``, else of today."""
    raw = request.GET.get("month", "").strip()
    if not raw:
        today = timezone.localdate()
        return today.year, today.month
    match = _MONTH.fullmatch(raw)
    if match is None or not (1 <= int(match[2]) <= 12) or int(match[1]) < 1:
        raise BadRequest(
            _("“%(value)s” is not a month. Give the month as YYYY-MM, for example 2025-05.")
            % {"value": raw}
        )
    return int(match[1]), int(match[2])


def first_weekday(locale: Locale) -> int:
    """Return the first day of the week where ``locale`` is spoken (0 Monday … 6 Sunday).

    CLDR keeps week data by territory; a language without one (``en``, ``ko``)
    takes its likely territory (``en`` → US: Sunday; ``ru`` → RU: Monday).
    """
    if locale.territory is None:
        likely = get_global("likely_subtags")
        tag = likely.get(str(locale)) or likely.get(locale.language)
        if tag:
            locale = Locale.parse(tag)
    return locale.first_week_day


def _neighbour(year: int, month: int, step: int) -> tuple[int, int] | None:
    index = year * 12 + (month - 1) + step
    shown_year, shown_month = divmod(index, 12)
    if not 1 <= shown_year <= 9999:
        return None
    return shown_year, shown_month + 1


def _month_link(year: int, month: int, locale: Locale) -> dict[str, str]:
    return {
        "url": f"{reverse('web:calendar')}?month={year:04d}-{month:02d}",
        "label": format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale),
    }


def _site_host(request: HttpRequest) -> str:
    """Return the host name the UIDs of a feed are made unique with (no port)."""
    domain, _port = split_domain_port(request.get_host())
    return domain or "chapterhouse"


def calendar_month(request: HttpRequest) -> HttpResponse:
    """Show one month (``?month=YYYY-MM``, default this month) as a wall calendar: its
    sessions and the anniversaries of commemorations, with links to the months around."""
    try:
        year, month = _month_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    lang = _lang()
    default = default_language()
    locale = babel_locale(lang)
    happening = calendar.calendar_month(year=year, month=month, viewer=viewer_of(request))

    by_day: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(_nothing)
    for conference in happening["conferences"]:
        entry = {
            "url": reverse("web:conference", args=[conference["id"]]),
            "name": text_in(conference["name"], lang, default),
        }
        for day in conference["days"]:
            by_day[day.day]["conferences"].append(entry)
    for task in happening["tasks"]:
        by_day[task["due"].day]["tasks"].append(
            {
                "url": reverse("web:task", args=[task["id"]]),
                "title": calendar.task_due_title(task, lang=lang, default_lang=default),
                "done": task["status"] == "done",
            }
        )
    for session in happening["sessions"]:
        by_day[session["date"].day]["sessions"].append(_session_entry(session, lang, default))
    for row in happening["anniversaries"]:
        by_day[row["date"].day]["anniversaries"].append(_anniversary_entry(row, lang, default))

    first = first_weekday(locale)
    wide = get_day_names("wide", context="stand-alone", locale=locale)
    short = get_day_names("abbreviated", context="stand-alone", locale=locale)
    order = [(first + offset) % 7 for offset in range(7)]
    today = timezone.localdate()
    weeks = [
        [
            {
                "day": day,
                "date": dt.date(year, month, day) if day else None,
                "today": day != 0 and dt.date(year, month, day) == today,
                "weekend": weekday in (5, 6),
                **(by_day.get(day) or _nothing() if day else {}),
            }
            for day, weekday in week
        ]
        for week in gregorian.Calendar(first).monthdays2calendar(year, month)
    ]
    previous, following = _neighbour(year, month, -1), _neighbour(year, month, 1)
    context = {
        "nav": "calendar",
        "month_label": format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale),
        "month_value": f"{year:04d}-{month:02d}",
        "weekdays": [
            {"short": short[weekday], "wide": wide[weekday], "weekend": weekday in (5, 6)}
            for weekday in order
        ],
        "weeks": weeks,
        "previous": _month_link(*previous, locale) if previous else None,
        "next": _month_link(*following, locale) if following else None,
        "month_sessions": [
            _session_entry(session, lang, default) for session in happening["month_sessions"]
        ],
        "month_anniversaries": [
            _anniversary_entry(row, lang, default) for row in happening["month_anniversaries"]
        ],
        "empty": not (
            happening["tasks"]
            or happening["conferences"]
            or happening["sessions"]
            or happening["anniversaries"]
            or happening["month_sessions"]
            or happening["month_anniversaries"]
        ),
        "feed_url": f"{reverse('web:calendar_feed')}?lang={lang}",
    }
    return render(request, "web/calendar.html", context)


def _nothing() -> dict[str, list[dict[str, Any]]]:
    return {"conferences": [], "sessions": [], "anniversaries": [], "tasks": []}


def _session_entry(session: dict[str, Any], lang: str, default: str) -> dict[str, Any]:
    return {
        "url": reverse("web:session", args=[session["id"]]),
        "title": calendar.session_title(session, lang=lang, default_lang=default),
        "place": calendar.session_place(session, lang=lang, default_lang=default),
        "internal": session["internal"],
    }


def _anniversary_entry(row: dict[str, Any], lang: str, default: str) -> dict[str, Any]:
    return {
        "name": text_in(row["name"], lang, default),
        "ordinal": anniversary_ordinal(row["anniversary"], lang),
    }


def commemoration_list(request: HttpRequest) -> HttpResponse:
    """List the commemorations, soonest anniversary first, as of ``?as_of=`` (default today),
    each with the day of its next anniversary and which anniversary it is."""
    try:
        on = as_of_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    lang = _lang()
    rows = calendar.commemoration_list(on=on, viewer=viewer_of(request))
    commemorations = [
        {
            **row,
            "ordinal": anniversary_ordinal(row["anniversary"], lang),
            "month_url": f"{reverse('web:calendar')}?month={row['next']:%Y-%m}",
        }
        for row in rows
    ]
    return render(
        request,
        "web/calendar_commemorations.html",
        {"nav": "calendar", "on": on, "commemorations": commemorations},
    )


def _feed(request: HttpRequest, *, name: str, events: list[Any]) -> HttpResponse:
    lang = _lang()
    body = calendar_ics(events, name=name, lang=lang, dtstamp=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response


def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Serve the organization's calendar: every session dated to the day that the visitor may
    see, the commemorations recurring every year, and the due day of every task the visitor
    may see (an all-day "Due: …" event), texts in the page language."""
    viewer = viewer_of(request)
    lang, default, host = _lang(), default_language(), _site_host(request)
    today = timezone.localdate()
    organization = getattr(request, "organization", None)
    name = text_in(organization.name, lang, default) if organization is not None else ""
    events = [
        *calendar.session_events(
            calendar.calendar_sessions(viewer=viewer),
            host=host,
            lang=lang,
            default_lang=default,
            session_url=lambda slug: request.build_absolute_uri(
                reverse("web:session", args=[slug])
            ),
        ),
        *calendar.commemoration_events(
            calendar.commemoration_list(on=today, viewer=viewer),
            host=host,
            lang=lang,
            default_lang=default,
            years=range(today.year - FEED_YEARS_BEFORE, today.year + FEED_YEARS_AFTER + 1),
            url=request.build_absolute_uri(reverse("web:commemorations")),
        ),
        *calendar.task_events(
            tasks_due(viewer=viewer),
            host=host,
            lang=lang,
            default_lang=default,
            task_url=lambda slug: request.build_absolute_uri(reverse("web:task", args=[slug])),
        ),
    ]
    return _feed(request, name=name or "Chapterhouse", events=events)


def body_calendar_feed(request: HttpRequest, slug: str) -> HttpResponse:
    """Serve the sessions of one body and the bodies below it, and the due days of the tasks
    given to them (those the visitor may see); 404 for an unknown body or one
    hidden from the visitor."""
    viewer = viewer_of(request)
    lang, default, host = _lang(), default_language(), _site_host(request)
    try:
        hosted = calendar.body_sessions(body=slug, viewer=viewer)
    except Body.DoesNotExist:
        raise Http404(_("No body with this id.")) from None
    events = [
        *calendar.session_events(
            hosted["sessions"],
            host=host,
            lang=lang,
            default_lang=default,
            session_url=lambda session: request.build_absolute_uri(
                reverse("web:session", args=[session])
            ),
        ),
        *calendar.task_events(
            tasks_due(viewer=viewer, body=slug),
            host=host,
            lang=lang,
            default_lang=default,
            task_url=lambda task: request.build_absolute_uri(reverse("web:task", args=[task])),
        ),
    ]
    return _feed(request, name=text_in(hosted["body"]["name"], lang, default), events=events)

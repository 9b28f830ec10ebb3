"""Pages for reports: the conference report (page and downloads) and the readable diff.

The report is written for the request's viewer, exactly as the command line writes it
for ``--scope``: the web report is what that reader may see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from chapterhouse.core.http import day_asked
from chapterhouse.core.language import language_name
from chapterhouse.core.partial_dates import FIRST_ASKABLE_DAY
from chapterhouse.custody.access import viewer_of
from chapterhouse.meetings.models import Conference
from chapterhouse.reports.changes import changes_grouped
from chapterhouse.reports.conference import (
    ConferenceReport,
    NoSessions,
    UndeclaredLanguage,
    conference_report,
    declared_language,
    render_html_fragment,
    render_markdown,
    render_pdf_report,
    working_languages,
)

# The readable diff covers this many days up to today when no range is asked for.
DEFAULT_CHANGES_DAYS = 30


def _report_language(request: HttpRequest, languages: list[str], default: str) -> str:
    """Return ``?lang=`` as asked (checked by the report), else the interface language when it
    is a working language, else the organization's default."""
    asked = request.GET.get("lang", "").strip()
    if asked:
        return asked
    try:
        return declared_language(translation.get_language() or default, languages)
    except UndeclaredLanguage:
        return default


def _links(languages: list[str]) -> list[dict[str, str]]:
    return [{"code": code, "name": language_name(code)} for code in languages]


def _read(
    request: HttpRequest, slug: str
) -> tuple[Conference, list[str], ConferenceReport | None, str, int]:
    """Return the conference, the working languages, and the report or why there is none."""
    conference = Conference.objects.filter(slug=slug).first()
    if conference is None:
        raise Http404(_("No conference with this id."))
    languages, default = working_languages()
    lang = _report_language(request, languages, default)
    try:
        report = conference_report(conference=conference, lang=lang, viewer=viewer_of(request))
    except UndeclaredLanguage as error:
        return conference, languages, None, str(error), 400
    except NoSessions as error:
        return conference, languages, None, str(error), 200
    return conference, languages, report, "", 200


def _problem(
    request: HttpRequest, conference: Conference, languages: list[str], message: str, status: int
) -> HttpResponse:
    return render(
        request,
        "web/report.html",
        {
            "nav": "conferences",
            "conference": conference,
            "problem": message,
            "languages": _links(languages),
        },
        status=status,
    )


def conference_report_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a conference's report in ``?lang=`` with download links for every working language."""
    conference, languages, report, message, status = _read(request, slug)
    if report is None:
        return _problem(request, conference, languages, message, status)
    return render(
        request,
        "web/report.html",
        {
            "nav": "conferences",
            "conference": conference,
            "report": report,
            "body": mark_safe(render_html_fragment(report, changes_template="web/_changes.html")),
            "languages": _links(languages),
        },
    )


def conference_report_download(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Send a conference's report in ``?lang=`` as a Markdown or PDF file."""
    conference, languages, report, message, status = _read(request, slug)
    if report is None:
        # Nothing to download: the page says why (a conference without sessions is not found).
        return _problem(request, conference, languages, message, 404 if status == 200 else status)
    filename = f"{conference.slug}-{report.lang}.{fmt}"
    if fmt == "pdf":
        response = HttpResponse(render_pdf_report(report), content_type="application/pdf")
    else:
        response = HttpResponse(
            render_markdown(report), content_type="text/markdown; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def changes_page(request: HttpRequest) -> HttpResponse:
    """Show what changed from ``?from=`` to ``?to=`` (both included), grouped like a report."""
    today = timezone.localdate()
    raw_from = request.GET.get("from", "").strip()
    raw_to = request.GET.get("to", "").strip()
    context: dict[str, Any] = {"nav": "changes", "raw_from": raw_from, "raw_to": raw_to}
    try:
        end = day_asked(raw_to, last=True) if raw_to else today
        start = (
            day_asked(raw_from, last=False)
            if raw_from
            else max(end - dt.timedelta(days=DEFAULT_CHANGES_DAYS), FIRST_ASKABLE_DAY)
        )
        languages, default = working_languages()
        lang = _report_language(request, languages, default)
        try:
            lang = declared_language(lang, languages)
        except UndeclaredLanguage:
            lang = default
        changes = changes_grouped(viewer=viewer_of(request), start=start, end=end, lang=lang)
    except ValueError as error:
        context["problem"] = str(error)
        return render(request, "web/changes.html", context, status=400)
    context.update(
        {
            "start": start,
            "end": end,
            "changes": changes,
            "body": mark_safe(_changes_html(changes)),
        }
    )
    return render(request, "web/changes.html", context)


def _changes_html(changes: Any) -> str:
    from django.template.loader import render_to_string

    from chapterhouse.core.cldr import catalogue_code

    with translation.override(catalogue_code(changes.lang)):
        # The web's own rendering links every body, person and decision the lines name.
        return render_to_string(
            "web/_changes.html", {"changes": changes, "heading_level": 3, "section_level": 2}
        )

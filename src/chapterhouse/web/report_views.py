"""Pages for reports: the conference report (page and downloads) and the readable diff.

The report is written for the request's viewer, exactly as the command line writes it
for ``--scope``: the web report is what that reader may see.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.http import day_asked
from chapterhouse.core.keyset import BadCursor
from chapterhouse.core.language import language_name
from chapterhouse.core.partial_dates import FIRST_ASKABLE_DAY
from chapterhouse.custody.access import Viewer, viewer_of
from chapterhouse.meetings.models import Conference
from chapterhouse.registry.selectors import DIFF_KINDS, diff_counts, diff_page
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
# Up to this many changes the page groups them as a report does; beyond, grouping would
# read them all (a busy January holds tens of thousands), so the page lists each kind a
# page at a time with a "Next" link (docs/decisions/0034-the-diff-a-page-at-a-time.md).
GROUPED_CHANGES_MAX = 500
CHANGES_PAGE_SIZE = 100
CHANGE_KIND_LABELS = {
    "started": gettext_lazy("Terms started"),
    "ended": gettext_lazy("Terms ended"),
    "bodies_founded": gettext_lazy("Bodies founded"),
    "bodies_dissolved": gettext_lazy("Bodies dissolved"),
    "renamed": gettext_lazy("Bodies renamed"),
    "mandates_moved": gettext_lazy("Mandates moved"),
}


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
        viewer = viewer_of(request)
        counts = diff_counts(viewer=viewer, start=start, end=end)
        context.update({"start": start, "end": end, "counts": _count_lines(counts)})
        cursor = request.GET.get("cursor", "").strip()
        if cursor or sum(counts.values()) > GROUPED_CHANGES_MAX:
            return _changes_paged(request, context, viewer, counts, cursor)
        changes = changes_grouped(viewer=viewer, start=start, end=end, lang=lang)
    except ValueError as error:
        context["problem"] = str(error)
        return render(request, "web/changes.html", context, status=400)
    context.update({"changes": changes, "body": mark_safe(_changes_html(changes))})
    return render(request, "web/changes.html", context)


def _count_lines(counts: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {"kind": kind, "label": CHANGE_KIND_LABELS[kind], "count": counts[kind]}
        for kind in DIFF_KINDS
    ]


def _changes_paged(
    request: HttpRequest,
    context: dict[str, Any],
    viewer: Viewer,
    counts: dict[str, int],
    cursor: str,
) -> HttpResponse:
    """Render the first ``CHANGES_PAGE_SIZE`` changes of each kind with a "Next" link per
    kind, or (``?cursor=``) the next page of one kind."""
    try:
        page = diff_page(
            viewer=viewer,
            start=context["start"],
            end=context["end"],
            limit=CHANGES_PAGE_SIZE,
            cursor=cursor or None,
            # The page's links give a kind with its cursor only.
            kind=(request.GET.get("kind", "").strip() or None) if cursor else None,
            counts=counts,
        )
    except BadCursor:
        context["problem"] = _(
            "This 'cursor' is not one of this page's \"Next\" links: start again from the"
            " first page."
        )
        return render(request, "web/changes.html", context, status=400)
    base = {"from": context["start"].isoformat(), "to": context["end"].isoformat()}
    if request.GET.get("lang"):
        base["lang"] = request.GET["lang"]
    sections = []
    for line in context["counts"]:
        kind = line["kind"]
        items = getattr(page, kind)
        following = getattr(page.next, kind) if page.next else None
        if not items:
            continue
        more = f"?{urlencode({**base, 'kind': kind, 'cursor': following})}" if following else ""
        sections.append({**line, "items": items, "more": more})
    context.update(
        {"sections": sections, "paged": True, "first_page": f"?{urlencode(base)}" if cursor else ""}
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

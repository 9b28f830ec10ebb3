"""The public pages: the org chart as of a date, bodies, people, conferences, sessions,
decisions. Plain function views; reads go through the selectors, which get the
request's viewer and leave out (or name by placeholder) what it may not see."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chapterhouse.core.http import BadRequest, as_of_asked, bad_request_page, page_asked
from chapterhouse.core.language import interface_code
from chapterhouse.core.partial_dates import format_start
from chapterhouse.custody.access import may_list_duplicates, may_record_people, viewer_of
from chapterhouse.meetings import selectors as meetings
from chapterhouse.meetings.models import Conference, Decision, Session
from chapterhouse.newsroom.public import selectors as news
from chapterhouse.registry import selectors as registry
from chapterhouse.registry.models import Body, Person
from chapterhouse.registry.search import MOST as SEARCH_MOST
from chapterhouse.registry.search import search_people, search_refusal
from chapterhouse.registry.shapes import ChartBody
from chapterhouse.web.decision_views import decision_page_preview
from chapterhouse.web.merged_ids import follows_merged_ids
from chapterhouse.web.session_views import conference_days
from chapterhouse.web.timeline import timeline_draw

PEOPLE_PER_PAGE = 50
# The org chart page draws whole levels while it holds at most this many bodies; a body
# whose children are not drawn opens them on demand (docs/decisions/0035). A small
# organization is drawn whole, as before; a large one is never built whole for a page.
CHART_PAGE_BODIES = 300
CONFERENCES_PER_PAGE = 25


def _pager(number: int, num_pages: int, keep: dict[str, str]) -> dict[str, Any]:
    """Return what ``web/_pager.html`` needs; ``keep`` are query parameters every link keeps."""

    def link(page: int) -> str:
        return "?" + urlencode({**keep, "page": page})

    return {
        "number": number,
        "num_pages": num_pages,
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if number < num_pages else None,
    }


def _news_about(
    request: HttpRequest,
    *,
    body: str | None = None,
    session: str | None = None,
    conference: str | None = None,
    person: str | None = None,
) -> list[news.NewsItem]:
    """Return the published articles about one body, session, conference or person, titled in
    the page's language (its working language, else the default) and linked to the news site
    in it. One query: the languages come from the organization the middleware already read."""
    organization = getattr(request, "organization", None)
    default = (
        organization.default_language
        if organization is not None and organization.default_language
        else settings.LANGUAGE_CODE
    )
    languages = list(organization.languages or []) if organization is not None else []
    languages = languages or [default]
    active = interface_code(translation.get_language() or default)
    lang = next((code for code in languages if interface_code(code) == active), default)
    return news.articles_about(
        now=timezone.now(),
        lang=lang,
        languages=languages,
        default_language=default,
        body=body,
        session=session,
        conference=conference,
        person=person,
    )


def _tree(bodies: list[ChartBody]) -> list[dict[str, Any]]:
    """Return the chart's flat, parent-first list of bodies as nested nodes: each body's
    fields and its ``children``."""
    nodes: dict[str, dict[str, Any]] = {body.id: {**dict(body), "children": []} for body in bodies}
    roots = []
    for body in bodies:
        node = nodes[body.id]
        parent = nodes.get(body.parent) if body.parent else None
        if parent is None:
            roots.append(node)
        else:
            parent["children"].append(node)
    return roots


def orgchart(request: HttpRequest) -> HttpResponse:
    """Show the organization as of a date, whole or below one body (``?body=id``)."""
    try:
        as_of = as_of_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    root = request.GET.get("body", "").strip() or None
    viewer = viewer_of(request)
    try:
        chart = registry.orgchart_as_of(
            as_of=as_of, root=root, viewer=viewer, max_bodies=CHART_PAGE_BODIES
        )
    except registry.UnknownBody:
        raise Http404(_("No body with this id.")) from None
    root_name = None
    if root is not None:
        if chart.bodies:
            root_name = chart.bodies[0].name
        else:  # the body is recorded but did not exist on that day
            found = Body.objects.filter(viewer.body_filter(), slug=root).first()
            if found is None:
                raise Http404(_("No body with this id."))
            root_name = registry.body_name_as_of(body=found, as_of=as_of)
    context = {
        "nav": "orgchart",
        "as_of": as_of,
        "root": root,
        "root_name": root_name,
        "tree": _tree(chart.bodies),
        "body_count": len(chart.bodies),
    }
    return render(request, "web/orgchart.html", context)


def orgchart_below(request: HttpRequest, slug: str) -> HttpResponse:
    """Return the part of the org chart below one body as an HTML fragment (the list of its
    children, drawn as on the org chart page) for the page's "open" control to insert.

    A body the visitor may not see, or one not alive on the day, is a 404 like an
    unknown id."""
    try:
        as_of = as_of_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    try:
        chart = registry.orgchart_as_of(
            as_of=as_of, root=slug, viewer=viewer_of(request), max_bodies=CHART_PAGE_BODIES
        )
    except registry.UnknownBody:
        raise Http404(_("No body with this id.")) from None
    if not chart.bodies:
        raise Http404(_("No body with this id."))
    tree = _tree(chart.bodies)
    context = {"as_of": as_of, "root": slug, "nodes": tree[0]["children"] if tree else []}
    return render(request, "web/_orgchart_below.html", context)


def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a body: who holds its posts, who held them, its mandates and its life."""
    try:
        as_of = as_of_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    try:
        overview = registry.body_overview(body=slug, as_of=as_of, viewer=viewer_of(request))
    except Body.DoesNotExist:
        raise Http404(_("No body with this id.")) from None
    context = {
        "nav": "orgchart",
        "as_of": as_of,
        "body": overview,
        # The selector already left out the people this visitor may not see.
        "timeline": timeline_draw(overview=overview, as_of=as_of, withheld=set()),
        "news": _news_about(request, body=slug),
    }
    return render(request, "web/body.html", context)


@follows_merged_ids
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a person's career in time order, each post linked to the decision that made it,
    and, to their custodians, their personal data."""
    viewer = viewer_of(request)
    person = (
        Person.objects.filter(viewer.people_filter(), slug=slug).prefetch_related("names").first()
    )
    if person is None:
        # A person hidden from this visitor is indistinguishable from one never recorded.
        raise Http404(_("No person with this id."))
    history = registry.person_history(person=slug, viewer=viewer)
    personal = viewer.sees_personal_data(person)
    affiliations = history.affiliations
    return render(
        request,
        "web/person.html",
        {
            "nav": "people",
            "person": person,
            "history": history,
            # Variants of a name are public; behind a call sign they are personal data.
            "variants": [] if person.call_sign else list(person.names.all()),
            "personal": personal,
            "name_variants": list(person.names.all()) if personal else [],
            "born": (
                format_start(person.born, person.born_precision)
                if personal and person.born
                else None
            ),
            "affiliations": [row for row in affiliations if not row.private],
            "private_affiliations": [row for row in affiliations if row.private],
            "news": _news_about(request, person=slug),
            "merged": (
                list(person.aliases.order_by("slug")) if viewer.may_edit_person(person) else []
            ),
        },
    )


def person_list(request: HttpRequest) -> HttpResponse:
    """List people by name; with ``?q=``, those it names in any script or spelling, best
    match first, each with the name that matched (`registry.search.search_people`)."""
    try:
        number = page_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    query = request.GET.get("q", "").strip()
    viewer = viewer_of(request)
    matched: dict[int, str] = {}
    if query:
        matches = search_people(query, viewer=viewer, limit=SEARCH_MOST)
        matched = {match.person.pk: match.matched for match in matches}
        paginator = Paginator([match.person for match in matches], PEOPLE_PER_PAGE)
    else:
        people = registry.people_visible(viewer=viewer).order_by("name", "pk")
        paginator = Paginator(
            people.only("slug", "name", "call_sign", "custodian_id"), PEOPLE_PER_PAGE
        )
    page = paginator.get_page(number)
    names = viewer.display_names(page.object_list)
    return render(
        request,
        "web/person_list.html",
        {
            "nav": "people",
            "people": [
                {
                    "slug": person.slug,
                    "name": names[person.pk],
                    # Shown only when it is not the name the list shows anyway.
                    "matched": matched.get(person.pk)
                    if matched.get(person.pk) != names[person.pk]
                    else None,
                }
                for person in page.object_list
            ],
            "query": query,
            "refusal": search_refusal(query) if query else None,
            "pager": _pager(page.number, paginator.num_pages, {"q": query} if query else {}),
            "may_record": may_record_people(viewer),
            "may_list_duplicates": may_list_duplicates(viewer),
        },
    )


def conference_list(request: HttpRequest) -> HttpResponse:
    """List conferences in time order."""
    try:
        number = page_asked(request)
    except BadRequest as error:
        return bad_request_page(request, error)
    offset = (number - 1) * CONFERENCES_PER_PAGE
    listing = meetings.conference_list(
        viewer=viewer_of(request), limit=CONFERENCES_PER_PAGE, offset=offset
    )
    pages = max(1, -(-listing["count"] // CONFERENCES_PER_PAGE))
    return render(
        request,
        "web/conference_list.html",
        {
            "nav": "conferences",
            "conferences": listing["items"],
            "pager": _pager(number, pages, {}),
        },
    )


def conference_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a conference: its days and sessions, and the decisions it took as a whole."""
    try:
        conference = meetings.conference_detail(conference=slug, viewer=viewer_of(request))
    except Conference.DoesNotExist:
        raise Http404(_("No conference with this id.")) from None
    return render(
        request,
        "web/conference.html",
        {
            "nav": "conferences",
            "conference": conference,
            "days": conference_days(conference),
            "news": _news_about(request, conference=slug),
        },
    )


def session_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a session: hosts, place, format, occasions, attendees, documents, decisions."""
    try:
        session = meetings.session_detail(session=slug, viewer=viewer_of(request))
    except Session.DoesNotExist:
        raise Http404(_("No session with this id.")) from None
    return render(
        request,
        "web/session.html",
        {"nav": "conferences", "session": session, "news": _news_about(request, session=slug)},
    )


def decision_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a decision: where and when it was taken, its wording, votes and what it changed."""
    try:
        decision = meetings.decision_detail(decision=slug, viewer=viewer_of(request))
    except Decision.DoesNotExist:
        raise Http404(_("No decision with this id.")) from None
    preview = None
    if request.user.is_authenticated and decision["status"] in {"proposed", "annulled"}:
        preview = decision_page_preview(viewer_of(request), slug)
    return render(
        request,
        "web/decision.html",
        {
            "nav": "conferences",
            "decision": decision,
            "changed_anything": any(decision["changes"].values()),
            "preview": preview,
        },
    )

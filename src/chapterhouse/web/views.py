"""The public pages: the org chart as of a date, bodies, people, conferences, sessions,
decisions. Plain function views; reads go through the selectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from chapterhouse.core.partial_dates import PartialDate
from chapterhouse.meetings import selectors as meetings
from chapterhouse.meetings.models import Conference, Decision, Session
from chapterhouse.registry import selectors as registry
from chapterhouse.registry.models import Body, Person
from chapterhouse.web.timeline import timeline_draw

PEOPLE_PER_PAGE = 50
CONFERENCES_PER_PAGE = 25


class BadRequest(Exception):
    """Raised by the helpers below for input a visitor can fix; shown on the 400 page."""


def _bad_request(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "400.html", {"message": message}, status=400)


def _as_of(request: HttpRequest) -> dt.date:
    """Return the ``as_of`` date the visitor asked for, else today.

    Like the CLI, a year or a month (``2024``, ``2024-05``) means its first day.
    """
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return timezone.localdate()
    try:
        return PartialDate.parse(raw).start()
    except ValueError:
        raise BadRequest(
            _("“%(value)s” is not a date. Give the date as YYYY-MM-DD, for example 2025-05-19.")
            % {"value": raw}
        ) from None


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        raise BadRequest(_("“%(value)s” is not a page number.") % {"value": raw}) from None
    if number < 1:
        raise BadRequest(_("“%(value)s” is not a page number.") % {"value": raw})
    return number


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


def _withheld(request: HttpRequest, slugs: Iterable[str | None]) -> set[str]:
    """Return the ids among ``slugs`` of people this visitor may not see named.

    People appear on public pages only when they agreed to (``Person.public``);
    staff see everyone. One query, whatever the number of people.
    """
    wanted = {slug for slug in slugs if slug}
    if not wanted or request.user.is_staff:
        return set()
    return set(Person.objects.filter(slug__in=wanted, public=False).values_list("slug", flat=True))


def _tree(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the chart's flat, parent-first list of bodies as nested nodes with ``children``."""
    nodes = {body["id"]: {**body, "children": []} for body in bodies}
    roots = []
    for body in bodies:
        node = nodes[body["id"]]
        parent = nodes.get(body["parent"]) if body["parent"] else None
        if parent is None:
            roots.append(node)
        else:
            parent["children"].append(node)
    return roots


def orgchart(request: HttpRequest) -> HttpResponse:
    """Show the organization as of a date, whole or below one body (``?body=id``)."""
    try:
        as_of = _as_of(request)
    except BadRequest as error:
        return _bad_request(request, str(error))
    root = request.GET.get("body", "").strip() or None
    try:
        chart = registry.orgchart_as_of(as_of=as_of, root=root)
    except registry.UnknownBody:
        raise Http404(_("No body with this id.")) from None
    root_name = None
    if root is not None:
        if chart["bodies"]:
            root_name = chart["bodies"][0]["name"]
        else:  # the body is recorded but did not exist on that day
            root_name = registry.body_name_as_of(body=Body.objects.get(slug=root), as_of=as_of)
    holders = [holder["person"] for body in chart["bodies"] for holder in body["holders"]]
    context = {
        "nav": "orgchart",
        "as_of": as_of,
        "root": root,
        "root_name": root_name,
        "tree": _tree(chart["bodies"]),
        "body_count": len(chart["bodies"]),
        "withheld": _withheld(request, holders),
    }
    return render(request, "web/orgchart.html", context)


def body_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a body: who holds its posts, who held them, its mandates and its life."""
    try:
        as_of = _as_of(request)
    except BadRequest as error:
        return _bad_request(request, str(error))
    try:
        overview = registry.body_overview(body=slug, as_of=as_of)
    except Body.DoesNotExist:
        raise Http404(_("No body with this id.")) from None
    people = [row["person"] for row in overview["holders"]]
    people += [row["person"] for row in overview["past_holders"]]
    people += [row["person"] for row in overview["future_holders"]]
    people += [event.get("person") for event in overview["timeline"]]
    withheld = _withheld(request, people)
    context = {
        "nav": "orgchart",
        "as_of": as_of,
        "body": overview,
        "timeline": timeline_draw(overview=overview, as_of=as_of, withheld=withheld),
        "withheld": withheld,
    }
    return render(request, "web/body.html", context)


def _visible_person(request: HttpRequest, slug: str) -> Person:
    person = Person.objects.prefetch_related("names").filter(slug=slug).first()
    if person is None or not (person.public or request.user.is_staff):
        # A person who is not public is indistinguishable from one never recorded.
        raise Http404(_("No person with this id."))
    return person


def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a person's career in time order, each post linked to the decision that made it."""
    person = _visible_person(request, slug)
    history = registry.person_history(person=slug)
    return render(
        request,
        "web/person.html",
        {"nav": "people", "person": person, "history": history},
    )


def person_list(request: HttpRequest) -> HttpResponse:
    """List people by name, optionally those whose any name contains ``?q=``."""
    try:
        number = _page_number(request)
    except BadRequest as error:
        return _bad_request(request, str(error))
    query = request.GET.get("q", "").strip()
    people = Person.objects.order_by("name", "pk")
    if not request.user.is_staff:
        people = people.filter(public=True)
    if query:
        matching = Person.objects.filter(Q(name__icontains=query) | Q(names__name__icontains=query))
        people = people.filter(pk__in=matching.values("pk"))
    paginator = Paginator(people.only("slug", "name"), PEOPLE_PER_PAGE)
    page = paginator.get_page(number)
    return render(
        request,
        "web/person_list.html",
        {
            "nav": "people",
            "people": page.object_list,
            "query": query,
            "pager": _pager(page.number, paginator.num_pages, {"q": query} if query else {}),
        },
    )


def conference_list(request: HttpRequest) -> HttpResponse:
    """List conferences in time order."""
    try:
        number = _page_number(request)
    except BadRequest as error:
        return _bad_request(request, str(error))
    offset = (number - 1) * CONFERENCES_PER_PAGE
    listing = meetings.conference_list(limit=CONFERENCES_PER_PAGE, offset=offset)
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
        conference = meetings.conference_detail(conference=slug)
    except Conference.DoesNotExist:
        raise Http404(_("No conference with this id.")) from None
    return render(
        request,
        "web/conference.html",
        {"nav": "conferences", "conference": conference},
    )


def session_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a session: hosts, place, format, occasions, attendees, documents, decisions."""
    try:
        session = meetings.session_detail(session=slug)
    except Session.DoesNotExist:
        raise Http404(_("No session with this id.")) from None
    people = [row["person"] for row in session["attendees"]]
    people.append(session["chair"]["id"] if session["chair"] else None)
    for document in session["documents"]:
        people.append(document["author"]["id"] if document["author"] else None)
        people += [signatory["id"] for signatory in document["signatories"]]
    return render(
        request,
        "web/session.html",
        {"nav": "conferences", "session": session, "withheld": _withheld(request, people)},
    )


def decision_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a decision: where and when it was taken, its wording, votes and what it changed."""
    try:
        decision = meetings.decision_detail(decision=slug)
    except Decision.DoesNotExist:
        raise Http404(_("No decision with this id.")) from None
    changes = decision["changes"]
    people = [decision["proposed_by"]["id"] if decision["proposed_by"] else None]
    people += [row["person"] for row in changes["terms_started"] + changes["terms_ended"]]
    people += [row["person"] for row in changes["awards"]]
    people += [effect.get("person") for effect in decision["effects"]]
    return render(
        request,
        "web/decision.html",
        {
            "nav": "conferences",
            "decision": decision,
            "changed_anything": any(changes.values()),
            "withheld": _withheld(request, people),
        },
    )

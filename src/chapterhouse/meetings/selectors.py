"""Reads about meetings: conferences, sessions, decisions and what decisions changed.

Every function returns plain dicts (JSON-ready: Texts as stored, dates written
back with their precision) and runs a fixed number of queries whatever the
size of the data. Unknown ids raise the model's ``DoesNotExist``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet

from chapterhouse.core.partial_dates import format_end, format_start
from chapterhouse.meetings.models import (
    Attendance,
    Conference,
    Decision,
    Document,
    EffectLog,
    Session,
    SessionHost,
    SessionOccasion,
)
from chapterhouse.registry.models import Body, BodyName, Mandate, Person, Term
from chapterhouse.relations.models import Agreement, Award, Task

DEFAULT_LIMIT = 50


# -- small shared pieces ------------------------------------------------------------------


def date_start_text(day: dt.date | None, precision: str) -> str | None:
    """Return a start (or a point in time) written back as it was given, or None."""
    if day is None:
        return None
    return format_start(day, precision)  # type: ignore[arg-type]


def date_end_text(day: dt.date | None, precision: str) -> str | None:
    """Return an exclusive end written back as it was given, or None for an open end."""
    if day is None:
        return None
    return format_end(day, precision)  # type: ignore[arg-type]


def person_ref(person: Person | None) -> dict[str, str] | None:
    """Return ``{"id", "name"}`` for ``person``, or None."""
    if person is None:
        return None
    return {"id": person.slug, "name": person.name}


def body_name_from_renames(body: Body, day: dt.date | None) -> Any:
    """Return the name ``body`` bore on ``day`` using its prefetched ``renames``.

    Without a day, return its latest name. Callers prefetch ``renames`` (in
    start order, the model's default) so that naming many bodies costs one query.
    """
    name = body.name
    for rename in body.renames.all():
        if day is not None and rename.start > day:
            break
        name = rename.name
    return name


def body_ref(body: Body | None, day: dt.date | None) -> dict[str, Any] | None:
    """Return ``{"id", "name"}`` with the name ``body`` bore on ``day`` (renames prefetched)."""
    if body is None:
        return None
    return {"id": body.slug, "name": body_name_from_renames(body, day)}


def page(queryset: QuerySet[Any], *, limit: int, offset: int) -> tuple[int, list[Any]]:
    """Return the total count and the rows ``offset … offset + limit`` of ``queryset``."""
    count = queryset.count()
    rows = list(queryset[offset : offset + limit]) if count > offset else []
    return count, rows


def _renames() -> Prefetch:
    return Prefetch("renames", queryset=BodyName.objects.order_by("start", "pk"))


def _hosts_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}hosts",
        queryset=SessionHost.objects.select_related("body").prefetch_related(
            Prefetch("body__renames", queryset=BodyName.objects.order_by("start", "pk"))
        ),
    )


def _hosts(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "id": host.body.slug,
            "name": body_name_from_renames(host.body, session.date),
            "kind": host.body.kind,
        }
        for host in session.hosts.all()
    ]


def _decision_summary(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.slug,
        "kind": decision.kind,
        "status": decision.status,
        "date": date_start_text(decision.date, decision.date_precision),
        "text": decision.text,
        "votes": decision.votes,
    }


# -- conferences --------------------------------------------------------------------------


def _conference_fields(conference: Conference) -> dict[str, Any]:
    return {
        "id": conference.slug,
        "number": conference.number,
        "kind": conference.kind,
        "name": conference.name,
        "dedication": conference.dedication,
        "start": date_start_text(conference.start, conference.start_precision),
        "end": date_end_text(conference.end, conference.end_precision),
    }


def conference_list(
    *, kind: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: conferences in time order, optionally of one ``kind``.

    Each item carries the number of its sessions. Conferences without a start
    date come last.
    """
    conferences = Conference.objects.annotate(session_count=Count("sessions")).order_by(
        F("start").asc(nulls_last=True), "number", "pk"
    )
    if kind:
        conferences = conferences.filter(kind=kind)
    count, rows = page(conferences, limit=limit, offset=offset)
    items = [{**_conference_fields(row), "session_count": row.session_count} for row in rows]
    return {"count": count, "items": items}


def conference_detail(*, conference: str) -> dict[str, Any]:
    """Return a conference with its sessions in day order (with their hosts, named as on
    the session's date) and the decisions it took as a whole.

    Decisions taken at one of its sessions are listed under that session
    (``session_detail``), not here. Raise ``Conference.DoesNotExist`` for an
    unknown id.
    """
    found = Conference.objects.prefetch_related(
        Prefetch(
            "sessions",
            queryset=Session.objects.order_by(
                F("day").asc(nulls_last=True), "date", "pk"
            ).prefetch_related(_hosts_prefetch()),
        ),
        Prefetch("decisions", queryset=Decision.objects.order_by("date", "position", "pk")),
    ).get(slug=conference)
    sessions = [
        {
            "id": session.slug,
            "day": session.day,
            "title": session.title,
            "date": date_start_text(session.date, session.date_precision),
            "country": session.country,
            "city": session.city,
            "format": session.format,
            "hosts": _hosts(session),
        }
        for session in found.sessions.all()
    ]
    return {
        **_conference_fields(found),
        "sessions": sessions,
        "decisions": [_decision_summary(decision) for decision in found.decisions.all()],
    }


# -- sessions -----------------------------------------------------------------------------


def _session_summary(session: Session) -> dict[str, Any]:
    return {
        "id": session.slug,
        "conference": session.conference.slug if session.conference else None,
        "day": session.day,
        "title": session.title,
        "date": date_start_text(session.date, session.date_precision),
        "country": session.country,
        "city": session.city,
        "format": session.format,
        "hosts": _hosts(session),
    }


def session_list(
    *,
    conference: str | None = None,
    host: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: sessions in time order with their hosts.

    Filters: the ``conference`` id, a ``host`` body id, and the days
    ``date_from <= date <= date_to`` (both inclusive). An unknown id in a
    filter simply matches nothing.
    """
    sessions = (
        Session.objects.select_related("conference")
        .prefetch_related(_hosts_prefetch())
        .order_by(F("date").asc(nulls_last=True), "day", "pk")
    )
    if conference:
        sessions = sessions.filter(conference__slug=conference)
    if host:
        sessions = sessions.filter(hosts__body__slug=host).distinct()
    if date_from is not None:
        sessions = sessions.filter(date__gte=date_from)
    if date_to is not None:
        sessions = sessions.filter(date__lte=date_to)
    count, rows = page(sessions, limit=limit, offset=offset)
    return {"count": count, "items": [_session_summary(row) for row in rows]}


def anniversary(*, on: dt.date | None, commemorated: dt.date) -> int | None:
    """Return which anniversary of ``commemorated`` falls in the year of ``on``
    (an event of 1945 has its 79th in 2024); None without a date or before the event."""
    if on is None:
        return None
    number = on.year - commemorated.year
    return number if number > 0 else None


def session_detail(*, session: str) -> dict[str, Any]:
    """Return a session: where, how and by whom it was held, what it was timed to, who
    attended in which role, its documents and its decisions in order.

    Hosts are named as on the session's date. Raise ``Session.DoesNotExist``
    for an unknown id.
    """
    found = (
        Session.objects.select_related("conference", "chair")
        .prefetch_related(
            _hosts_prefetch(),
            Prefetch("occasions", queryset=SessionOccasion.objects.select_related("commemoration")),
            Prefetch("attendees", queryset=Attendance.objects.select_related("person")),
            Prefetch("documents", queryset=Document.objects.select_related("author")),
            Prefetch("decisions", queryset=Decision.objects.order_by("date", "position", "pk")),
        )
        .get(slug=session)
    )
    documents = list(found.documents.all())
    signatory_ids = {slug for document in documents for slug in document.signatories or []}
    signatories = (
        {p.slug: p for p in Person.objects.filter(slug__in=signatory_ids)} if signatory_ids else {}
    )
    conference = found.conference
    return {
        "id": found.slug,
        "conference": (
            {"id": conference.slug, "name": conference.name, "number": conference.number}
            if conference
            else None
        ),
        "day": found.day,
        "title": found.title,
        "date": date_start_text(found.date, found.date_precision),
        "hosts": _hosts(found),
        "country": found.country,
        "city": found.city,
        "region": found.region,
        "venue": found.venue,
        "format": found.format,
        "chair": person_ref(found.chair),
        "occasions": [
            {
                "id": occasion.commemoration.slug,
                "name": occasion.commemoration.name,
                "date": date_start_text(
                    occasion.commemoration.date, occasion.commemoration.date_precision
                ),
                "anniversary": anniversary(on=found.date, commemorated=occasion.commemoration.date),
            }
            for occasion in found.occasions.all()
        ],
        "attendees": [
            {
                "person": attendance.person.slug,
                "name": attendance.person.name,
                "role": attendance.role,
                "capacity": attendance.capacity,
            }
            for attendance in found.attendees.all()
        ],
        "documents": [
            {
                "id": document.slug,
                "kind": document.kind,
                "title": document.title,
                "author": person_ref(document.author),
                "signatories": [
                    {"id": slug, "name": signatories[slug].name if slug in signatories else slug}
                    for slug in document.signatories or []
                ],
                "text": document.text,
            }
            for document in documents
        ],
        "decisions": [_decision_summary(decision) for decision in found.decisions.all()],
    }


# -- decisions ----------------------------------------------------------------------------


def _decision_place(decision: Decision) -> dict[str, Any]:
    session = decision.session
    conference = decision.conference or (session.conference if session else None)
    return {
        "session": session.slug if session else None,
        "conference": conference.slug if conference else None,
    }


def decision_list(
    *,
    session: str | None = None,
    conference: str | None = None,
    kind: str | None = None,
    status: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: decisions in the order they were taken.

    ``conference`` matches the decisions of the conference as a whole and
    those of its sessions; dates are inclusive. An unknown id in a filter
    simply matches nothing.
    """
    decisions = Decision.objects.select_related("session__conference", "conference").order_by(
        "date", "position", "pk"
    )
    if session:
        decisions = decisions.filter(session__slug=session)
    if conference:
        decisions = decisions.filter(
            Q(conference__slug=conference) | Q(session__conference__slug=conference)
        )
    if kind:
        decisions = decisions.filter(kind=kind)
    if status:
        decisions = decisions.filter(status=status)
    if date_from is not None:
        decisions = decisions.filter(date__gte=date_from)
    if date_to is not None:
        decisions = decisions.filter(date__lte=date_to)
    count, rows = page(decisions, limit=limit, offset=offset)
    items = [{**_decision_summary(row), **_decision_place(row)} for row in rows]
    return {"count": count, "items": items}


def _term_change(term: Term, day: dt.date) -> dict[str, Any]:
    return {
        "person": term.person.slug,
        "name": term.person.name,
        "body": term.body.slug,
        "body_name": body_name_from_renames(term.body, day),
        "role": term.role,
        "title": term.title,
        "start": date_start_text(term.start, term.start_precision),
        "end": date_end_text(term.end, term.end_precision),
        "how": term.how or None,
        "decision": term.decision.slug if term.decision else None,
        "ended_by": term.ended_by.slug if term.ended_by else None,
        "reason": term.end_reason or None,
    }


def _by_pk(model: Any, pks: Iterable[int], related: Iterable[str] = (), prefetch: Any = ()) -> Any:
    pks = set(pks)
    if not pks:
        return {}
    rows = model.objects.filter(pk__in=pks).select_related(*related).prefetch_related(*prefetch)
    return {row.pk: row for row in rows}


def _decision_changes(decision: Decision) -> dict[str, list[dict[str, Any]]]:
    """Return what ``decision`` changed, read from its effect log, grouped by kind of change.

    Each log entry points at the object it created or updated; the objects
    are loaded in one query per model, so the cost does not grow with the
    number of changes.
    """
    entries = list(EffectLog.objects.filter(decision=decision).order_by("seq"))
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        wanted[entry.model].add(entry.object_pk)
    day = decision.date
    renames = _renames()
    terms = _by_pk(
        Term,
        wanted["registry.term"],
        ("person", "body", "decision", "ended_by"),
        [Prefetch("body__renames", queryset=BodyName.objects.order_by("start", "pk"))],
    )
    bodies = _by_pk(Body, wanted["registry.body"], ("parent",), [renames])
    names = _by_pk(
        BodyName,
        wanted["registry.bodyname"],
        ("body",),
        [Prefetch("body__renames", queryset=BodyName.objects.order_by("start", "pk"))],
    )
    mandates = _by_pk(Mandate, wanted["registry.mandate"], ("body", "transferred_from"))
    awards = _by_pk(Award, wanted["relations.award"], ("person", "honour", "citation"))
    tasks = _by_pk(Task, wanted["relations.task"])
    agreements = _by_pk(Agreement, wanted["relations.agreement"])

    changes: dict[str, list[dict[str, Any]]] = {
        "terms_started": [],
        "terms_ended": [],
        "bodies_founded": [],
        "bodies_dissolved": [],
        "renames": [],
        "mandates_moved": [],
        "mandates_ended": [],
        "awards": [],
        "tasks": [],
        "agreements_signed": [],
    }
    founded: dict[int, dict[str, Any]] = {}
    for entry in entries:
        created = entry.action == "create"
        pk = entry.object_pk
        if entry.model == "registry.term" and pk in terms:
            key = "terms_started" if created else "terms_ended"
            changes[key].append(_term_change(terms[pk], day))
        elif entry.model == "registry.body" and pk in bodies:
            body = bodies[pk]
            if created:
                founded[pk] = {
                    "id": body.slug,
                    "name": body.name,
                    "kind": body.kind,
                    "parent": body.parent.slug if body.parent else None,
                    "founded": date_start_text(body.founded, body.founded_precision),
                    "mandates": [],
                }
                changes["bodies_founded"].append(founded[pk])
            else:
                changes["bodies_dissolved"].append(
                    {
                        "id": body.slug,
                        "name": body_name_from_renames(body, day),
                        "kind": body.kind,
                        "dissolved": date_end_text(body.dissolved, body.dissolved_precision),
                    }
                )
        elif entry.model == "registry.bodyname" and pk in names:
            rename = names[pk]
            changes["renames"].append(
                {
                    "body": rename.body.slug,
                    "name": rename.name,
                    "previous": body_name_from_renames(
                        rename.body, rename.start - dt.timedelta(days=1)
                    ),
                    "date": rename.start.isoformat(),
                }
            )
        elif entry.model == "registry.mandate" and pk in mandates:
            mandate = mandates[pk]
            if not created:
                changes["mandates_ended"].append(
                    {
                        "mandate": mandate.slug,
                        "body": mandate.body.slug,
                        "end": date_end_text(mandate.end, mandate.end_precision),
                    }
                )
            elif mandate.transferred_from is not None:
                changes["mandates_moved"].append(
                    {
                        "mandate": mandate.slug,
                        "from": mandate.transferred_from.slug,
                        "to": mandate.body.slug,
                        "holder_role": mandate.holder_role or None,
                        "date": date_start_text(mandate.start, mandate.start_precision),
                        "decision": decision.slug,
                    }
                )
            elif mandate.body_id in founded:
                # A mandate created with no predecessor belongs to a body this decision founded.
                founded[mandate.body_id]["mandates"].append(mandate.slug)
        elif entry.model == "relations.award" and pk in awards:
            award = awards[pk]
            changes["awards"].append(
                {
                    "person": award.person.slug,
                    "name": award.person.name,
                    "honour": award.honour.slug,
                    "honour_name": award.honour.name,
                    "date": award.date.isoformat(),
                    "citation": award.citation.slug if award.citation else None,
                }
            )
        elif entry.model == "relations.task" and pk in tasks:
            task = tasks[pk]
            changes["tasks"].append(
                {
                    "id": task.slug,
                    "title": task.title,
                    "due": date_start_text(task.due, task.due_precision),
                    "status": task.status,
                }
            )
        elif entry.model == "relations.agreement" and pk in agreements:
            agreement = agreements[pk]
            changes["agreements_signed"].append(
                {
                    "id": agreement.slug,
                    "title": agreement.title,
                    "status": agreement.status,
                    "date": date_start_text(agreement.date, agreement.date_precision),
                }
            )
    return changes


def decision_detail(*, decision: str) -> dict[str, Any]:
    """Return a decision: where and when it was taken, its wording, votes, its effects as
    written, and ``changes``: what adopting it changed in the record (terms started
    and ended, bodies founded and dissolved, renames, mandates moved and ended,
    awards, tasks, agreements signed), each with the ids of what it touched.

    A decision that is not adopted (or was annulled) changed nothing, so its
    ``changes`` lists are empty. Raise ``Decision.DoesNotExist`` for an
    unknown id.
    """
    found = Decision.objects.select_related("session__conference", "conference", "proposed_by").get(
        slug=decision
    )
    session = found.session
    conference = found.conference or (session.conference if session else None)
    return {
        **_decision_summary(found),
        "session": (
            {"id": session.slug, "title": session.title, "day": session.day} if session else None
        ),
        "conference": (
            {"id": conference.slug, "name": conference.name, "number": conference.number}
            if conference
            else None
        ),
        "proposed_by": person_ref(found.proposed_by),
        "effects": found.effects or [],
        "changes": _decision_changes(found),
    }

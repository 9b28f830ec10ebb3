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

from django.db.models import F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.expressions import Func
from django.db.models.functions import Coalesce

from chapterhouse.core.partial_dates import end_text, start_text
from chapterhouse.custody.access import (
    PeopleNamer,
    Viewer,
    custodian_name_expression,
    decision_id_expression,
    document_id_expression,
    person_columns,
    person_row,
)
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
from chapterhouse.registry.mandates import mandate_names
from chapterhouse.registry.models import Body, BodyName, Mandate, Person, Term
from chapterhouse.registry.selectors import body_name_on_row_day_expression
from chapterhouse.relations.models import Agreement, Award, Task

DEFAULT_LIMIT = 50


# -- small shared pieces ------------------------------------------------------------------


def person_ref(
    namer: PeopleNamer, person: Person | None, custodian_name: Any = None
) -> dict[str, Any] | None:
    """Return ``{"id", "name"}`` for ``person`` as ``namer``'s viewer may read it (a person
    hidden from them: id None and a placeholder name), or None without a person."""
    if person is None:
        return None
    return namer.ref(person_row(person, custodian_name=custodian_name))


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


def _hosts_prefetch(viewer: Viewer, prefix: str = "") -> Prefetch:
    """Prefetch a session's hosts, leaving out internal bodies hidden from ``viewer``."""
    return Prefetch(
        f"{prefix}hosts",
        queryset=SessionHost.objects.filter(viewer.body_filter("body__"))
        .select_related("body")
        .prefetch_related(
            Prefetch("body__renames", queryset=BodyName.objects.order_by("start", "pk"))
        ),
    )


def session_parts_prefetch(viewer: Viewer) -> tuple[Prefetch, ...]:
    """Prefetch what a session's page and the conference report show of each session: the
    hosts and documents ``viewer`` may see, the occasions, and the attendees with the name
    their custodian gives them."""
    return (
        _hosts_prefetch(viewer),
        Prefetch("occasions", queryset=SessionOccasion.objects.select_related("commemoration")),
        Prefetch(
            "attendees",
            queryset=Attendance.objects.select_related("person").annotate(
                custodian_name=custodian_name_expression("person__")
            ),
        ),
        Prefetch(
            "documents",
            queryset=Document.objects.filter(viewer.document_filter())
            .select_related("author")
            .annotate(author_custodian_name=custodian_name_expression("author__")),
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
        "date": start_text(decision.date, decision.date_precision),
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
        "start": start_text(conference.start, conference.start_precision),
        "end": end_text(conference.end, conference.end_precision),
    }


def _session_count(viewer: Viewer) -> Coalesce:
    """An expression for the number of a conference's sessions ``viewer`` may see."""
    counted = (
        Session.objects.filter(conference=OuterRef("pk"))
        .filter(viewer.session_filter())
        .order_by()
        .values("conference")
        .annotate(count=Func(F("pk"), function="COUNT"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def conference_list(
    *, viewer: Viewer, kind: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: conferences in time order, optionally of one ``kind``.

    Each item carries the number of its sessions ``viewer`` may see. Conferences
    without a start date come last.
    """
    conferences = Conference.objects.annotate(session_count=_session_count(viewer)).order_by(
        F("start").asc(nulls_last=True), "number", "pk"
    )
    if kind:
        conferences = conferences.filter(kind=kind)
    count, rows = page(conferences, limit=limit, offset=offset)
    items = [{**_conference_fields(row), "session_count": row.session_count} for row in rows]
    return {"count": count, "items": items}


def conference_detail(*, conference: str, viewer: Viewer) -> dict[str, Any]:
    """Return a conference with its sessions in day order (with their hosts, named as on
    the session's date) and the decisions it took as a whole, those ``viewer`` may see.

    Decisions taken at one of its sessions are listed under that session
    (``session_detail``), not here. Raise ``Conference.DoesNotExist`` for an
    unknown id.
    """
    found = Conference.objects.prefetch_related(
        Prefetch(
            "sessions",
            queryset=Session.objects.filter(viewer.session_filter())
            .order_by(F("day").asc(nulls_last=True), "date", "pk")
            .prefetch_related(_hosts_prefetch(viewer)),
        ),
        Prefetch(
            "decisions",
            queryset=Decision.objects.filter(viewer.decision_filter()).order_by(
                "date", "position", "pk"
            ),
        ),
    ).get(slug=conference)
    sessions = [
        {
            "id": session.slug,
            "day": session.day,
            "title": session.title,
            "date": start_text(session.date, session.date_precision),
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
        "date": start_text(session.date, session.date_precision),
        "country": session.country,
        "city": session.city,
        "format": session.format,
        "hosts": _hosts(session),
    }


def session_list(
    *,
    viewer: Viewer,
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
    filter simply matches nothing. Internal sessions ``viewer`` may not see are
    left out (and not counted).
    """
    sessions = (
        Session.objects.filter(viewer.session_filter())
        .select_related("conference")
        .prefetch_related(_hosts_prefetch(viewer))
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


def session_detail(*, session: str, viewer: Viewer) -> dict[str, Any]:
    """Return a session: where, how and by whom it was held, what it was timed to, who
    attended in which role, its documents and its decisions in order.

    Hosts are named as on the session's date. Raise ``Session.DoesNotExist``
    for an unknown id and for an internal session ``viewer`` may not see; its
    internal documents and decisions the viewer may not see are left out. The
    chair, attendees, authors and signatories the viewer may not see appear by
    placeholder, without an id.
    """
    found = (
        Session.objects.filter(viewer.session_filter())
        .select_related("conference", "chair__custodian")
        .annotate(chair_custodian_name=custodian_name_expression("chair__"))
        .prefetch_related(
            *session_parts_prefetch(viewer),
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(viewer.decision_filter()).order_by(
                    "date", "position", "pk"
                ),
            ),
        )
        .get(slug=session)
    )
    documents = list(found.documents.all())
    attendees = list(found.attendees.all())
    signatory_ids = {slug for document in documents for slug in document.signatories or []}
    signatories = (
        {
            row["slug"]: person_row(row)
            for row in Person.objects.filter(slug__in=signatory_ids)
            .annotate(custodian_name=custodian_name_expression())
            .values(*person_columns(), "custodian_name")
        }
        if signatory_ids
        else {}
    )
    chair = person_row(found.chair, custodian_name=found.chair_custodian_name)
    authors = {
        document.pk: person_row(document.author, custodian_name=document.author_custodian_name)  # type: ignore[attr-defined]
        for document in documents
    }
    present = {
        attendance.pk: person_row(attendance.person, custodian_name=attendance.custodian_name)  # type: ignore[attr-defined]
        for attendance in attendees
    }
    namer = PeopleNamer(
        viewer, [chair, *authors.values(), *present.values(), *signatories.values()]
    )

    def signatory(slug: str) -> dict[str, Any]:
        # A signatory id that names no recorded person is shown as written.
        return namer.ref(signatories.get(slug, {})) or {"id": slug, "name": slug}

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
        "date": start_text(found.date, found.date_precision),
        "hosts": _hosts(found),
        "country": found.country,
        "city": found.city,
        "region": found.region,
        "venue": found.venue,
        "format": found.format,
        "chair": namer.ref(chair),
        "occasions": [
            {
                "id": occasion.commemoration.slug,
                "name": occasion.commemoration.name,
                "date": start_text(
                    occasion.commemoration.date, occasion.commemoration.date_precision
                ),
                "anniversary": anniversary(on=found.date, commemorated=occasion.commemoration.date),
            }
            for occasion in found.occasions.all()
        ],
        "attendees": [
            {
                "person": namer.slug(present[attendance.pk]),
                "name": namer.name(present[attendance.pk]),
                "role": attendance.role,
                "capacity": attendance.capacity,
            }
            for attendance in attendees
        ],
        "documents": [
            {
                "id": document.slug,
                "kind": document.kind,
                "title": document.title,
                "author": namer.ref(authors[document.pk]),
                "signatories": [signatory(slug) for slug in document.signatories or []],
                "text": document.text,
                "file": (
                    {"name": document.file_name, "size": document.size} if document.file else None
                ),
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
    viewer: Viewer,
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
    simply matches nothing. Internal decisions ``viewer`` may not see are left
    out (and not counted).
    """
    decisions = (
        Decision.objects.filter(viewer.decision_filter())
        .select_related("session__conference", "conference")
        .order_by("date", "position", "pk")
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


def _term_change(term: Term, day: dt.date, namer: PeopleNamer) -> dict[str, Any]:
    who = person_row(term.person, custodian_name=term.custodian_name)  # type: ignore[attr-defined]
    return {
        "person": namer.slug(who),
        "name": namer.name(who),
        "body": term.body.slug,
        "body_name": body_name_from_renames(term.body, day),
        "role": term.role,
        "title": term.title,
        "start": start_text(term.start, term.start_precision),
        "end": end_text(term.end, term.end_precision),
        "how": term.how or None,
        "decision": term.decision_ref,  # type: ignore[attr-defined]
        "ended_by": term.ended_by_ref,  # type: ignore[attr-defined]
        "reason": term.end_reason or None,
    }


def _by_pk(model: Any, pks: Iterable[int], related: Iterable[str] = (), prefetch: Any = ()) -> Any:
    pks = set(pks)
    if not pks:
        return {}
    rows = model.objects.filter(pk__in=pks).select_related(*related).prefetch_related(*prefetch)
    return {row.pk: row for row in rows}


def _decision_changes(
    decision: Decision, viewer: Viewer, *, proposer: dict[str, Any], effect_people: set[str]
) -> tuple[dict[str, list[dict[str, Any]]], PeopleNamer, dict[str, dict[str, Any]]]:
    """Return what ``decision`` changed, read from its effect log, grouped by kind of change;
    the namer of its people for ``viewer`` (those changes, ``proposer`` and the people its
    effects name by id in ``effect_people``); and those people's rows by id.

    The people named only in the effects (a decision not adopted) cost one more query.

    Each log entry points at the object it created or updated; the objects
    are loaded in one query per model, so the cost does not grow with the
    number of changes. Changes to internal bodies the viewer may not see are
    left out; people the viewer may not see are named by placeholder.
    """
    entries = list(EffectLog.objects.filter(decision=decision).order_by("seq"))
    wanted: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        wanted[entry.model].add(entry.object_pk)
    day = decision.date
    renames = _renames()
    terms = (
        {
            term.pk: term
            for term in Term.objects.filter(pk__in=wanted["registry.term"])
            .select_related("person", "body")
            .annotate(
                custodian_name=custodian_name_expression("person__"),
                # A later decision that ended the term may be one the viewer may not see.
                decision_ref=decision_id_expression(viewer),
                ended_by_ref=decision_id_expression(viewer, "ended_by"),
            )
            .prefetch_related(
                Prefetch("body__renames", queryset=BodyName.objects.order_by("start", "pk"))
            )
            if viewer.sees_body(term.body_id, internal=term.body.internal)
        }
        if wanted["registry.term"]
        else {}
    )
    bodies = {
        pk: body
        for pk, body in _by_pk(Body, wanted["registry.body"], ("parent",), [renames]).items()
        if viewer.sees_body(pk, internal=body.internal)
    }
    names = _by_pk(
        BodyName,
        wanted["registry.bodyname"],
        ("body",),
        [Prefetch("body__renames", queryset=BodyName.objects.order_by("start", "pk"))],
    )
    # Each side of a hand-over is named as it was that day: the giver on its last day
    # with the mandate, the receiver on its first; a mandate that ended, its holder's
    # name on its last day.
    mandates = {
        pk: mandate
        for pk, mandate in (
            {
                row.pk: row
                for row in Mandate.objects.filter(pk__in=wanted["registry.mandate"])
                .select_related("body", "transferred_from")
                .annotate(
                    from_name=body_name_on_row_day_expression(
                        body="transferred_from", day="start", before=True
                    ),
                    to_name=body_name_on_row_day_expression(body="body", day="start"),
                    ended_name=body_name_on_row_day_expression(body="body", day="end", before=True),
                )
            }
            if wanted["registry.mandate"]
            else {}
        ).items()
        if viewer.sees_body(mandate.body_id, internal=mandate.body.internal)
        and (
            mandate.transferred_from is None
            or viewer.sees_body(
                mandate.transferred_from_id, internal=mandate.transferred_from.internal
            )
        )
    }
    awards = (
        {
            award.pk: award
            for award in Award.objects.filter(pk__in=wanted["relations.award"])
            .select_related("person", "honour")
            .annotate(
                custodian_name=custodian_name_expression("person__"),
                citation_ref=document_id_expression(viewer, "citation"),
            )
        }
        if wanted["relations.award"]
        else {}
    )
    who: dict[int, dict[str, Any]] = {}
    for term in terms.values():
        who[term.person_id] = person_row(term.person, custodian_name=term.custodian_name)
    for award in awards.values():
        who[award.person_id] = person_row(award.person, custodian_name=award.custodian_name)
    by_slug = {row["slug"]: row for row in who.values()}
    missing = effect_people - set(by_slug)
    if missing:
        for row in (
            Person.objects.filter(slug__in=missing)
            .annotate(custodian_name=custodian_name_expression())
            .values(*person_columns(), "custodian_name")
        ):
            by_slug[row["slug"]] = person_row(row)
    namer = PeopleNamer(viewer, [*by_slug.values(), proposer])
    titles = mandate_names({mandate.slug for mandate in mandates.values()})
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
            changes[key].append(_term_change(terms[pk], day, namer))
        elif entry.model == "registry.body" and pk in bodies:
            body = bodies[pk]
            if created:
                founded[pk] = {
                    "id": body.slug,
                    "name": body.name,
                    "kind": body.kind,
                    "parent": body.parent.slug if body.parent else None,
                    "founded": start_text(body.founded, body.founded_precision),
                    "mandates": [],
                    "mandate_names": [],
                }
                changes["bodies_founded"].append(founded[pk])
            else:
                changes["bodies_dissolved"].append(
                    {
                        "id": body.slug,
                        "name": body_name_from_renames(body, day),
                        "kind": body.kind,
                        "dissolved": end_text(body.dissolved, body.dissolved_precision),
                    }
                )
        elif entry.model == "registry.bodyname" and pk in names:
            rename = names[pk]
            if not viewer.sees_body(rename.body_id, internal=rename.body.internal):
                continue
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
                        "mandate_name": titles[mandate.slug],
                        "body": mandate.body.slug,
                        "body_name": mandate.ended_name,
                        "end": end_text(mandate.end, mandate.end_precision),
                    }
                )
            elif mandate.transferred_from is not None:
                changes["mandates_moved"].append(
                    {
                        "mandate": mandate.slug,
                        "mandate_name": titles[mandate.slug],
                        "from": mandate.transferred_from.slug,
                        "from_name": mandate.from_name,
                        "to": mandate.body.slug,
                        "to_name": mandate.to_name,
                        "holder_role": mandate.holder_role or None,
                        "date": start_text(mandate.start, mandate.start_precision),
                        "decision": decision.slug,
                    }
                )
            elif mandate.body_id in founded:
                # A mandate created with no predecessor belongs to a body this decision founded.
                founded[mandate.body_id]["mandates"].append(mandate.slug)
                founded[mandate.body_id]["mandate_names"].append(
                    {"id": mandate.slug, "name": titles[mandate.slug]}
                )
        elif entry.model == "relations.award" and pk in awards:
            award = awards[pk]
            changes["awards"].append(
                {
                    "person": namer.slug(who[award.person_id]),
                    "name": namer.name(who[award.person_id]),
                    "honour": award.honour.slug,
                    "honour_name": award.honour.name,
                    "date": award.date.isoformat(),
                    "citation": award.citation_ref,
                }
            )
        elif entry.model == "relations.task" and pk in tasks:
            task = tasks[pk]
            changes["tasks"].append(
                {
                    "id": task.slug,
                    "title": task.title,
                    "due": start_text(task.due, task.due_precision),
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
                    "date": start_text(agreement.date, agreement.date_precision),
                }
            )
    return changes, namer, by_slug


def _effects_for(
    effects: list[dict[str, Any]], namer: PeopleNamer, people: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return the effects as written, with the people the viewer may not see replaced: their
    ``person`` becomes None and ``person_name`` the placeholder (visible people get their
    display name there too)."""
    shown = []
    for effect in effects:
        slug = effect.get("person") if isinstance(effect, dict) else None
        if isinstance(slug, str) and slug in people:
            row = people[slug]
            effect = {**effect, "person": namer.slug(row), "person_name": namer.name(row)}
        shown.append(effect)
    return shown


def _effects_named(
    effects: list[dict[str, Any]], viewer: Viewer, day: dt.date | None
) -> list[dict[str, Any]]:
    """Return the effects with the names of what they name by id, beside the ids: a body's
    ``body_name`` as of ``day`` (none for a body the viewer may not see), an honour's
    ``honour_name``, an agreement's ``agreement_title``. One query per kind named."""
    from chapterhouse.relations.models import Honour

    def wanted(key: str) -> set[str]:
        return {e[key] for e in effects if isinstance(e, dict) and isinstance(e.get(key), str)}

    bodies: dict[str, Any] = {}
    if slugs := wanted("body"):
        named = Body.objects.filter(viewer.body_filter(), slug__in=slugs)
        if day is not None:
            from chapterhouse.registry.selectors import body_name_as_of_expression

            named = named.annotate(shown=body_name_as_of_expression(as_of=day))
        else:
            named = named.annotate(shown=F("name"))
        bodies = dict(named.values_list("slug", "shown"))
    honours = dict(
        Honour.objects.filter(slug__in=wanted("honour")).values_list("slug", "name")
        if wanted("honour")
        else []
    )
    agreements = dict(
        Agreement.objects.filter(slug__in=wanted("agreement")).values_list("slug", "title")
        if wanted("agreement")
        else []
    )
    named_effects = []
    for effect in effects:
        if isinstance(effect, dict):
            names = {
                "body_name": bodies.get(effect.get("body")),  # type: ignore[arg-type]
                "honour_name": honours.get(effect.get("honour")),  # type: ignore[arg-type]
                "agreement_title": agreements.get(effect.get("agreement")),  # type: ignore[arg-type]
            }
            effect = {**effect, **{key: value for key, value in names.items() if value}}
        named_effects.append(effect)
    return named_effects


def decision_detail(*, decision: str, viewer: Viewer) -> dict[str, Any]:
    """Return a decision: where and when it was taken, its wording, votes, its effects as
    written, and ``changes``: what adopting it changed in the record (terms started
    and ended, bodies founded and dissolved, renames, mandates moved and ended,
    awards, tasks, agreements signed), each with the ids of what it touched.

    A decision that is not adopted (or was annulled) changed nothing, so its
    ``changes`` lists are empty. Raise ``Decision.DoesNotExist`` for an
    unknown id and for an internal decision ``viewer`` may not see. People the
    viewer may not see appear by placeholder, without an id, in what it
    changed, as its proposer and in its effects.
    """
    found = (
        Decision.objects.filter(viewer.decision_filter())
        .select_related("session__conference", "conference", "proposed_by")
        .annotate(proposer_custodian_name=custodian_name_expression("proposed_by__"))
        .get(slug=decision)
    )
    effects = found.effects or []
    proposer = person_row(found.proposed_by, custodian_name=found.proposer_custodian_name)
    changes, namer, people = _decision_changes(
        found,
        viewer,
        proposer=proposer,
        effect_people={
            effect["person"]
            for effect in effects
            if isinstance(effect, dict) and isinstance(effect.get("person"), str)
        },
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
        "proposed_by": namer.ref(proposer),
        # What the effects name is shown by name only where the page lists them: a
        # decision not adopted (an adopted one shows what it changed instead).
        "effects": (
            _effects_for(effects, namer, people)
            if found.status == "adopted"
            else _effects_named(_effects_for(effects, namer, people), viewer, found.date)
        ),
        "changes": changes,
    }


def agreement_history(*, agreement: Agreement, viewer: Viewer) -> list[dict[str, Any]]:
    """Return an agreement's statuses in order: as recorded (``decision`` None), then each
    one an adopted decision gave it (proposed, in development, signed, terminated) with its
    date and the decision's id — None where the viewer may not see that decision.

    Read from the decisions' change log, so an annulled decision leaves no line; two
    queries whatever the number of decisions.
    """
    history: list[dict[str, Any]] = [
        {"status": agreement.base_status, "date": agreement.base_date or None, "decision": None}
    ]
    logs = (
        EffectLog.objects.filter(model="relations.agreement", object_pk=agreement.pk)
        .annotate(decision_ref=decision_id_expression(viewer))
        .order_by("decision__date", "decision__position", "seq")
        .values("decision_id", "decision__effects", "decision__date", "decision_ref")
    )
    done: set[int] = set()
    for row in logs:
        if row["decision_id"] in done:
            continue
        done.add(row["decision_id"])
        for effect in row["decision__effects"] or []:
            if not isinstance(effect, dict) or effect.get("agreement") != agreement.slug:
                continue
            if effect.get("op") == "sign_agreement":
                status = "signed"
            elif effect.get("op") == "agreement_status":
                status = str(effect.get("status"))
            else:
                continue
            history.append(
                {
                    "status": status,
                    "date": row["decision__date"],
                    "precision": "day",
                    "decision": row["decision_ref"],
                }
            )
    return history

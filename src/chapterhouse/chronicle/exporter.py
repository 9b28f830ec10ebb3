"""Export the database as a Chronicle that imports into an empty database to the same state.

Standing facts are written in their sections; what decisions made (bodies
founded, terms started, tasks assigned, ends and signatures) is written only
as the decisions' effects, so that importing the file replays it. Large
sections are streamed: the exporter never holds all terms in memory.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import IO, Any

from chapterhouse.core.partial_dates import add_duration, format_end, format_start
from chapterhouse.meetings.models import Commemoration, Conference, Decision, EffectLog, Session
from chapterhouse.registry.models import Body, BodyKind, Mandate, Organization, Person, Role, Term
from chapterhouse.relations.models import Agreement, Honour, Partner, Task

BATCH = 5000


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is absent, so the file says only what is known."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {}) or k == "public"}


def _start(day: dt.date | None, precision: str) -> str | None:
    return format_start(day, precision) if day else None  # type: ignore[arg-type]


def _end(day: dt.date | None, precision: str) -> str | None:
    return format_end(day, precision) if day else None  # type: ignore[arg-type]


def _base_values(model: str) -> dict[int, dict[str, Any]]:
    """Return, per object, the field values before the first decision changed them."""
    base: dict[int, dict[str, Any]] = {}
    for pk, before in (
        EffectLog.objects.filter(model=model, action="update")
        .order_by("id")
        .values_list("object_pk", "before")
    ):
        base.setdefault(pk, before or {})
    return base


def _iterate(queryset: Any) -> Iterator[Any]:
    """Yield rows in primary-key order, a batch at a time (bounded memory)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def export_organization() -> dict[str, Any] | None:
    org = Organization.objects.first()
    if org is None:
        return None
    return _compact(
        {
            "name": org.name,
            "short_name": org.short_name,
            "languages": org.languages,
            "default_language": org.default_language,
            "founded": _start(org.founded, org.founded_precision),
            "extra": org.extra,
        }
    )


def export_vocabulary(model: type[BodyKind] | type[Role]) -> Iterator[dict[str, Any]]:
    for item in model.objects.order_by("pk"):
        yield _compact({"id": item.slug, "name": item.name, "rank": item.rank, "extra": item.extra})


def body_object(
    body: Body, mandates: list[str], base: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return a body as a Chronicle body object (``base`` undoes later decisions)."""
    dissolved, dissolved_precision = body.dissolved, body.dissolved_precision
    if base is not None and "dissolved" in base:
        dissolved = dt.date.fromisoformat(base["dissolved"]) if base["dissolved"] else None
        dissolved_precision = base.get("dissolved_precision", "day")
    return _compact(
        {
            "id": body.slug,
            "kind": body.kind,
            "name": body.name,
            "aliases": body.aliases,
            "parent": body.parent.slug if body.parent else None,
            "number": body.number,
            "countries": body.countries,
            "region": body.region,
            "institution": body.institution,
            "affiliated": body.affiliated or None,
            "founded": _start(body.founded, body.founded_precision),
            "dissolved": _end(dissolved, dissolved_precision),
            "mandates": mandates,
            "extra": body.extra,
        }
    )


def export_bodies() -> Iterator[dict[str, Any]]:
    mandates: dict[int, list[str]] = defaultdict(list)
    for body_id, slug in (
        Mandate.objects.filter(decision__isnull=True, transferred_from__isnull=True)
        .order_by("pk")
        .values_list("body_id", "slug")
    ):
        mandates[body_id].append(slug)
    base = _base_values("registry.body")
    # Parents before children, so a reader of the file meets them in that order.
    bodies = list(Body.objects.filter(founded_by__isnull=True).select_related("parent"))
    by_parent: dict[int | None, list[Body]] = defaultdict(list)
    for body in bodies:
        by_parent[body.parent_id].append(body)
    standing = {body.pk for body in bodies}
    roots = [b for b in bodies if b.parent_id is None or b.parent_id not in standing]
    stack = sorted(roots, key=lambda b: b.pk, reverse=True)
    while stack:
        body = stack.pop()
        yield body_object(body, mandates.get(body.pk, []), base.get(body.pk))
        stack.extend(sorted(by_parent.get(body.pk, []), key=lambda b: b.pk, reverse=True))


def export_people() -> Iterator[dict[str, Any]]:
    queryset = Person.objects.select_related("custodian").prefetch_related(
        "names", "affiliations__partner"
    )
    for person in _iterate(queryset):
        yield _compact(
            {
                "id": person.slug,
                "name": person.name,
                "names": [
                    _compact({"name": n.name, "lang": n.lang, "kind": n.kind})
                    for n in person.names.all()
                ],
                "given": person.given,
                "family": person.family,
                "patronymic": person.patronymic,
                "call_sign": person.call_sign,
                "born": _start(person.born, person.born_precision),
                "custodian": person.custodian.slug if person.custodian else None,
                "public": person.public,
                "affiliations": [
                    _compact(
                        {
                            "partner": a.partner.slug,
                            "title": a.title,
                            "start": _start(a.start, a.start_precision),
                            "end": _end(a.end, a.end_precision),
                        }
                    )
                    for a in person.affiliations.all()
                ],
                "honorific": person.honorific,
                "extra": person.extra,
            }
        )


def export_terms() -> Iterator[dict[str, Any]]:
    base = _base_values("registry.term")
    queryset = Term.objects.filter(decision__isnull=True).select_related("person", "body")
    for term in _iterate(queryset):
        end, end_precision = term.end, term.end_precision
        if term.pk in base:
            before = base[term.pk]
            end = dt.date.fromisoformat(before["end"]) if before.get("end") else None
            end_precision = before.get("end_precision", "day")
        elif term.end_reason == "reappointed":
            end = None  # the reappointing term, later in the file, closes it again
        written_end = _end(end, end_precision)
        if (
            term.term_length
            and end is not None
            and term.how != "reappointed"
            and add_duration(term.start, term.term_length) == end
        ):
            written_end = None  # term_length gives it back
        yield _compact(
            {
                "person": term.person.slug,
                "body": term.body.slug,
                "role": term.role,
                "title": term.title,
                "start": _start(term.start, term.start_precision),
                "end": written_end,
                "term_length": term.term_length,
                "how": term.how,
            }
        )


def export_commemorations() -> Iterator[dict[str, Any]]:
    for item in Commemoration.objects.order_by("pk"):
        yield _compact(
            {
                "id": item.slug,
                "name": item.name,
                "date": _start(item.date, item.date_precision),
                "extra": item.extra,
            }
        )


def export_conferences() -> Iterator[dict[str, Any]]:
    for item in Conference.objects.order_by("pk"):
        yield _compact(
            {
                "id": item.slug,
                "number": item.number,
                "kind": item.kind,
                "name": item.name,
                "dedication": item.dedication,
                "start": _start(item.start, item.start_precision),
                "end": _end(item.end, item.end_precision),
                "extra": item.extra,
            }
        )


def export_sessions() -> Iterator[dict[str, Any]]:
    queryset = Session.objects.select_related("conference", "chair").prefetch_related(
        "hosts__body",
        "occasions__commemoration",
        "attendees__person",
        "documents__author",
    )
    for session in _iterate(queryset):
        yield _compact(
            {
                "id": session.slug,
                "conference": session.conference.slug if session.conference else None,
                "day": session.day,
                "title": session.title,
                "date": _start(session.date, session.date_precision),
                "hosts": [h.body.slug for h in session.hosts.all()],
                "country": session.country,
                "city": session.city,
                "region": session.region,
                "venue": session.venue,
                "format": session.format,
                "chair": session.chair.slug if session.chair else None,
                "occasions": [o.commemoration.slug for o in session.occasions.all()],
                "attendees": [
                    _compact({"person": a.person.slug, "role": a.role, "capacity": a.capacity})
                    for a in session.attendees.all()
                ],
                "documents": [
                    _compact(
                        {
                            "id": d.slug,
                            "kind": d.kind,
                            "title": d.title,
                            "author": d.author.slug if d.author else None,
                            "signatories": d.signatories,
                            "text": d.text,
                            "extra": d.extra,
                        }
                    )
                    for d in session.documents.all()
                ],
                "extra": session.extra,
            }
        )


def export_decisions() -> Iterator[dict[str, Any]]:
    queryset = Decision.objects.select_related("session", "conference", "proposed_by")
    for decision in queryset.order_by("position", "pk"):
        yield _compact(
            {
                "id": decision.slug,
                "session": decision.session.slug if decision.session else None,
                "conference": decision.conference.slug if decision.conference else None,
                "date": _start(decision.date, decision.date_precision)
                if decision.date_given
                else None,
                "kind": decision.kind,
                "text": decision.text,
                "proposed_by": decision.proposed_by.slug if decision.proposed_by else None,
                "status": decision.status,
                "votes": decision.votes,
                "effects": decision.effects,
                "extra": decision.extra,
            }
        ) | {"effects": decision.effects}


def export_partners() -> Iterator[dict[str, Any]]:
    for item in Partner.objects.order_by("pk"):
        yield _compact(
            {
                "id": item.slug,
                "name": item.name,
                "kind": item.kind,
                "country": item.country,
                "extra": item.extra,
            }
        )


def export_agreements() -> Iterator[dict[str, Any]]:
    for item in Agreement.objects.order_by("pk").prefetch_related("signatories__person"):
        yield _compact(
            {
                "id": item.slug,
                "title": item.title,
                "parties": item.parties,
                "status": item.base_status,
                "date": item.base_date,
                "articles": item.articles,
                "signatories": [
                    _compact({"person": s.person.slug, "party": s.party, "title": s.title})
                    for s in item.signatories.all()
                ],
                "extra": item.extra,
            }
        )


def export_honours() -> Iterator[dict[str, Any]]:
    for item in Honour.objects.order_by("pk"):
        yield _compact({"id": item.slug, "name": item.name, "kind": item.kind, "extra": item.extra})


def task_object(task: Task) -> dict[str, Any]:
    """Return a task as a Chronicle task object."""
    return _compact(
        {
            "id": task.slug,
            "title": task.title,
            "assignees": [
                {"body": a.body.slug} if a.body else {"person": a.person.slug}  # type: ignore[union-attr]
                for a in task.assignees.all()
            ],
            "due": _start(task.due, task.due_precision),
            "status": task.status,
            "extra": task.extra,
        }
    )


def export_tasks() -> Iterator[dict[str, Any]]:
    queryset = Task.objects.filter(decision__isnull=True).prefetch_related(
        "assignees__body", "assignees__person"
    )
    for task in queryset.order_by("pk"):
        yield task_object(task)


def chronicle_sections() -> Iterator[tuple[str, Any]]:
    """Yield ``(section, value)``: a dict for ``organization``, an iterator for lists."""
    organization = export_organization()
    if organization is not None:
        yield "organization", organization
    yield "body_kinds", export_vocabulary(BodyKind)
    yield "roles", export_vocabulary(Role)
    yield "bodies", export_bodies()
    yield "partners", export_partners()
    yield "people", export_people()
    yield "terms", export_terms()
    yield "commemorations", export_commemorations()
    yield "conferences", export_conferences()
    yield "sessions", export_sessions()
    yield "honours", export_honours()
    yield "agreements", export_agreements()
    yield "tasks", export_tasks()
    yield "decisions", export_decisions()


def chronicle_export(out: IO[str]) -> dict[str, int]:
    """Write the whole database as a Chronicle to ``out``; return counts per section."""
    counts: dict[str, int] = {}
    out.write('{\n  "chronicle": 1')
    for section, value in chronicle_sections():
        if isinstance(value, dict):
            out.write(f',\n  "{section}": ')
            out.write(json.dumps(value, ensure_ascii=False))
            counts[section] = 1
            continue
        counts[section] = _write_list(out, section, value)
    org = Organization.objects.first()
    if org is not None and org.chronicle_extra is not None:
        out.write(',\n  "extra": ')
        out.write(json.dumps(org.chronicle_extra, ensure_ascii=False))
    out.write("\n}\n")
    return counts


def _write_list(out: IO[str], section: str, items: Iterable[dict[str, Any]]) -> int:
    count = 0
    for item in items:
        out.write(f',\n  "{section}": [\n    ' if count == 0 else ",\n    ")
        out.write(json.dumps(item, ensure_ascii=False))
        count += 1
    if count:
        out.write("\n  ]")
    return count

"""Export the database as a Chronicle that imports into an empty database to the same state.

Standing facts are written in their sections; what decisions made (bodies
founded, terms started, tasks assigned, ends and signatures) is written only
as the decisions' effects, so that importing the file replays it. Large
sections are streamed: the exporter never holds all terms in memory.

An export for a restricted viewer (``export --public``, ``export --scope``)
writes only what that viewer may see (see :class:`Custody`), and still
imports cleanly: a hidden person whom a visible record names (an award, an
attendance, a signature) appears as a withheld stand-in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils import translation

from chapterhouse.core.partial_dates import add_duration, end_text, start_text
from chapterhouse.core.text import text_in
from chapterhouse.custody.access import ADMIN, Viewer, placeholder_name
from chapterhouse.meetings.models import (
    Attendance,
    Commemoration,
    Conference,
    Decision,
    Document,
    EffectLog,
    Session,
    SessionHost,
)
from chapterhouse.newsroom.models import Article, Category, Tag
from chapterhouse.registry.models import (
    Body,
    BodyKind,
    Competence,
    Mandate,
    Organization,
    Person,
    Role,
    Term,
)
from chapterhouse.relations.models import (
    Agreement,
    AgreementSignatory,
    Honour,
    Partner,
    Task,
    TaskAssignee,
)

BATCH = 5000
STAND_IN_PREFIX = "withheld-"


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is absent, so the file says only what is known."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {}) or k == "public"}


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


@dataclass
class Custody:
    """What a restricted viewer may see of the record, worked out once before writing.

    * Bodies: internal bodies the viewer has no grant on are left out, with
      every body below them and every body a left-out decision founded.
    * Sessions, documents, decisions: internal ones are kept only for a viewer
      with a grant on a host of the session (any grant, for a decision of a
      conference); a left-out session takes its documents and decisions along.
    * People: only those `Viewer.people_filter` keeps are written, and their
      personal data (birth date, contact, notes, private affiliations, the
      real name behind a call sign, `extra`) only if `sees_personal_data`.
      Their terms, standing or started by a decision, are left out; where a
      kept record names a hidden person, a stand-in takes their place.
    """

    viewer: Viewer
    hidden_bodies: set[int] = field(default_factory=set)
    hidden_body_slugs: set[str] = field(default_factory=set)
    kept_sessions: set[int] = field(default_factory=set)
    kept_decisions: set[int] = field(default_factory=set)
    hidden_documents: set[str] = field(default_factory=set)
    hidden_people: set[str] = field(default_factory=set)
    hosts: dict[int, list[int]] = field(default_factory=dict)
    body_pks: dict[str, int] = field(default_factory=dict)
    # hidden person's slug -> the stand-in written in their place, in order of first mention
    stand_ins: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def for_viewer(cls, viewer: Viewer) -> Custody:
        """Work out what ``viewer`` may see (a few queries, none per object)."""
        custody = cls(viewer=viewer)
        hosts: dict[int, list[int]] = defaultdict(list)
        for session_id, body_id in SessionHost.objects.order_by("pk").values_list(
            "session_id", "body_id"
        ):
            hosts[session_id].append(body_id)
        custody.hosts = dict(hosts)
        for pk, internal in Session.objects.values_list("pk", "internal"):
            if not internal or viewer.sees_internal(hosts.get(pk, [])):
                custody.kept_sessions.add(pk)
        for pk, session_id, internal in Decision.objects.values_list(
            "pk", "session_id", "internal"
        ):
            if session_id is not None and session_id not in custody.kept_sessions:
                continue
            if not internal or viewer.sees_internal(
                hosts.get(session_id, []) if session_id else []
            ):
                custody.kept_decisions.add(pk)
        for slug, session_id, internal in Document.objects.values_list(
            "slug", "session_id", "internal"
        ):
            if session_id not in custody.kept_sessions or (
                internal and not viewer.sees_internal(hosts.get(session_id, []))
            ):
                custody.hidden_documents.add(slug)
        custody._hide_bodies()
        custody._hide_people()
        return custody

    def _hide_bodies(self) -> None:
        visible = set(Body.objects.filter(self.viewer.body_filter()).values_list("pk", flat=True))
        rows = {
            pk: (slug, parent_id, founded_by_id)
            for pk, slug, parent_id, founded_by_id in Body.objects.values_list(
                "pk", "slug", "parent_id", "founded_by_id"
            )
        }
        verdict: dict[int, bool] = {}

        def hidden(pk: int) -> bool:
            # Walk up to the first body already judged; trees are shallow but may be wide.
            chain: list[int] = []
            current: int | None = pk
            result = False
            while current is not None and current not in verdict:
                chain.append(current)
                _slug, parent_id, founded_by_id = rows[current]
                if current not in visible or (
                    founded_by_id is not None and founded_by_id not in self.kept_decisions
                ):
                    result = True
                    break
                current = parent_id
            else:
                result = verdict.get(current, False) if current is not None else False
            for body_id in chain:
                verdict[body_id] = result
            return result

        for pk, (slug, _parent, _founder) in rows.items():
            self.body_pks[slug] = pk
            if hidden(pk):
                self.hidden_bodies.add(pk)
                self.hidden_body_slugs.add(slug)

    def _hide_people(self) -> None:
        """Find the hidden people that kept records name, and make their stand-ins."""
        mentioned: dict[str, bool] = {}  # slug -> needs a stand-in if hidden (terms don't)

        def mention(slug: str | None, *, stand_in: bool = True) -> None:
            if slug:
                mentioned[slug] = mentioned.get(slug, False) or stand_in

        for session_id, chair in Session.objects.order_by("pk").values_list("pk", "chair__slug"):
            if session_id in self.kept_sessions:
                mention(chair)
        for session_id, person in (
            Attendance.objects.order_by("session_id", "position", "pk")
            .values_list("session_id", "person__slug")
            .iterator()
        ):
            if session_id in self.kept_sessions:
                mention(person)
        for slug, author, signatories in Document.objects.order_by("pk").values_list(
            "slug", "author__slug", "signatories"
        ):
            if slug not in self.hidden_documents:
                mention(author)
                for signatory in signatories or []:
                    mention(signatory)
        for pk, proposer, effects in Decision.objects.order_by("position", "pk").values_list(
            "pk", "proposed_by__slug", "effects"
        ):
            if pk not in self.kept_decisions:
                continue
            mention(proposer)
            for effect in effects or []:
                if effect["op"] in ("start_term", "end_term"):
                    mention(effect["person"], stand_in=False)
                elif effect["op"] == "award":
                    mention(effect["person"])
                elif effect["op"] == "assign_task":
                    for assignee in effect["task"].get("assignees", []):
                        mention(assignee.get("person"))
        for person in AgreementSignatory.objects.order_by("agreement_id", "position").values_list(
            "person__slug", flat=True
        ):
            mention(person)
        for person in (
            TaskAssignee.objects.filter(task__decision__isnull=True, person__isnull=False)
            .order_by("task_id", "position")
            .values_list("person__slug", flat=True)
        ):
            mention(person)
        slugs = list(mentioned)
        for start in range(0, len(slugs), 500):
            chunk = slugs[start : start + 500]
            visible = set(
                Person.objects.filter(slug__in=chunk)
                .filter(self.viewer.people_filter())
                .values_list("slug", flat=True)
            )
            self.hidden_people.update(slug for slug in chunk if slug not in visible)
        self._make_stand_ins([slug for slug in slugs if mentioned[slug] and self.hides(slug)])

    def _make_stand_ins(self, slugs: list[str]) -> None:
        if not slugs:
            return
        org = Organization.objects.first()
        language = org.default_language if org else settings.LANGUAGE_CODE
        taken = set(
            Person.objects.filter(slug__startswith=STAND_IN_PREFIX).values_list("slug", flat=True)
        )
        people = {
            slug: (call_sign, custodian_id, custodian_name)
            for slug, call_sign, custodian_id, custodian_name in Person.objects.filter(
                slug__in=slugs
            ).values_list("slug", "call_sign", "custodian_id", "custodian__name")
        }
        number = 0
        with translation.override(language):
            for slug in slugs:
                number += 1
                while f"{STAND_IN_PREFIX}{number}" in taken:
                    number += 1
                call_sign, custodian_id, custodian_name = people.get(slug, ("", None, None))
                # A custodian the viewer may not see must not be named either.
                if custodian_id in self.hidden_bodies:
                    custodian_name = None
                name = placeholder_name(
                    call_sign=call_sign,
                    custodian_name=text_in(custodian_name, language, language) or None,
                )
                self.stand_ins[slug] = {
                    "id": f"{STAND_IN_PREFIX}{number}",
                    "name": name,
                    "public": True,
                }

    # --- questions the writers ask -------------------------------------------

    def hides(self, person_slug: str) -> bool:
        """Whether the person is hidden from the viewer (among those kept records name)."""
        return person_slug in self.hidden_people

    def person(self, slug: str) -> str:
        """Return the id to write for a person a kept record names: theirs or a stand-in's."""
        stand_in = self.stand_ins.get(slug)
        return stand_in["id"] if stand_in is not None else slug

    def body_hidden(self, slug: str) -> bool:
        return slug in self.hidden_body_slugs

    def effects(self, decision: Decision) -> list[dict[str, Any]]:
        """Return the decision's effects as the viewer may see them, still valid to replay."""
        kept: list[dict[str, Any]] = []
        for effect in decision.effects or []:
            op = effect["op"]
            if op in ("start_term", "end_term"):
                if self.hides(effect["person"]) or self.body_hidden(effect["body"]):
                    continue
                if op == "end_term" and self._ends_a_hidden_term(decision, effect):
                    continue
            elif op == "found_body":
                founded = effect["body"]
                parent = self.body_pks.get(founded.get("parent") or "")
                if (
                    self.body_hidden(founded["id"])
                    or self.body_hidden(founded.get("parent") or "")
                    or (
                        # Not founded (the decision is not adopted): judge it as it would be.
                        founded.get("internal")
                        and founded["id"] not in self.body_pks
                        and not self.viewer.sees_internal([parent] if parent else [])
                    )
                ):
                    continue
            elif op == "rename_body":
                if self.body_hidden(effect["body"]):
                    continue
            elif op == "dissolve_body":
                if self.body_hidden(effect["body"]):
                    continue
                effect = self._visible_transfers(effect)
            elif op == "award":
                effect = {**effect, "person": self.person(effect["person"])}
                if effect.get("citation") in self.hidden_documents:
                    effect.pop("citation")
            elif op == "assign_task":
                task = dict(effect["task"])
                task["assignees"] = self.assignees(task.get("assignees", []))
                if not task["assignees"]:
                    task.pop("assignees")
                effect = {**effect, "task": task}
            kept.append(effect)
        return kept

    def assignees(self, assignees: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return task assignees without hidden bodies and with stand-ins for hidden people."""
        kept = []
        for assignee in assignees:
            if assignee.get("body"):
                if not self.body_hidden(assignee["body"]):
                    kept.append(assignee)
            elif assignee.get("person"):
                kept.append({**assignee, "person": self.person(assignee["person"])})
        return kept

    def _visible_transfers(self, effect: dict[str, Any]) -> dict[str, Any]:
        transfers = []
        for transfer in effect.get("transfer", []):
            if transfer.get("to"):
                to = [slug for slug in transfer["to"] if not self.body_hidden(slug)]
                if not to:
                    continue  # every receiving body is hidden: the mandate leaves the picture
                transfer = {**transfer, "to": to}
            transfers.append(transfer)
        effect = {**effect, "transfer": transfers}
        if not transfers:
            effect.pop("transfer")
        return effect

    def _ends_a_hidden_term(self, decision: Decision, effect: dict[str, Any]) -> bool:
        # The term this effect ended may have been started by a decision left out;
        # replaying the end without its start would fail, so the end goes too.
        if decision.status != "adopted":
            return False
        starters = Term.objects.filter(
            ended_by=decision,
            person__slug=effect["person"],
            body__slug=effect["body"],
            role=effect["role"],
        ).values_list("decision_id", flat=True)
        return any(
            starter is not None and starter not in self.kept_decisions for starter in starters
        )


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
            "founded": start_text(org.founded, org.founded_precision),
            "extra": org.extra,
        }
    )


def export_vocabulary(model: type[BodyKind] | type[Role]) -> Iterator[dict[str, Any]]:
    for item in model.objects.order_by("pk"):
        yield _compact({"id": item.slug, "name": item.name, "rank": item.rank, "extra": item.extra})


def export_mandate_names() -> Iterator[dict[str, Any]]:
    for item in Competence.objects.order_by("pk"):
        yield _compact({"id": item.slug, "name": item.name, "extra": item.extra})


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
            "internal": body.internal or None,
            "founded": start_text(body.founded, body.founded_precision),
            "dissolved": end_text(dissolved, dissolved_precision),
            "mandates": mandates,
            "extra": body.extra,
        }
    )


def export_bodies(custody: Custody | None = None) -> Iterator[dict[str, Any]]:
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
    if custody is not None:
        bodies = [body for body in bodies if body.pk not in custody.hidden_bodies]
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


def person_object(person: Person, custody: Custody | None = None) -> dict[str, Any]:
    """Return a person as a Chronicle person object, as the viewer of ``custody`` may see it."""
    personal = custody is None or custody.viewer.sees_personal_data(person)
    # The real name behind a call sign is personal data: others know the call sign only.
    veiled = not personal and bool(person.call_sign)
    custodian = person.custodian
    if custodian is not None and custody is not None and custodian.pk in custody.hidden_bodies:
        custodian = None
    return _compact(
        {
            "id": person.slug,
            "name": person.call_sign if veiled else person.name,
            "names": []
            if veiled
            else [
                _compact({"name": n.name, "lang": n.lang, "kind": n.kind})
                for n in person.names.all()
            ],
            "given": None if veiled else person.given,
            "family": None if veiled else person.family,
            "patronymic": None if veiled else person.patronymic,
            "call_sign": person.call_sign,
            "born": start_text(person.born, person.born_precision) if personal else None,
            "custodian": custodian.slug if custodian else None,
            "public": person.public,
            "affiliations": [
                _compact(
                    {
                        "partner": a.partner.slug,
                        "title": a.title,
                        "start": start_text(a.start, a.start_precision),
                        "end": end_text(a.end, a.end_precision),
                        "private": a.private or None,
                    }
                )
                for a in person.affiliations.all()
                if personal or not a.private
            ],
            "honorific": person.honorific,
            "contact": person.contact if personal else None,
            "notes": person.notes if personal else None,
            # `extra` may hold anything; only those who see personal data get it.
            "extra": person.extra if personal else None,
        }
    )


def export_people(custody: Custody | None = None) -> Iterator[dict[str, Any]]:
    queryset = Person.objects.select_related("custodian").prefetch_related(
        "names", "affiliations__partner"
    )
    if custody is not None:
        queryset = queryset.filter(custody.viewer.people_filter())
    for person in _iterate(queryset):
        yield person_object(person, custody)
    if custody is not None:
        yield from custody.stand_ins.values()


def export_terms(custody: Custody | None = None) -> Iterator[dict[str, Any]]:
    base = _base_values("registry.term")
    queryset = Term.objects.filter(decision__isnull=True).select_related("person", "body")
    if custody is not None:
        # A hidden person's posts are not public either: their terms are left out.
        queryset = queryset.filter(custody.viewer.people_filter("person__"))
    for term in _iterate(queryset):
        if custody is not None and term.body_id in custody.hidden_bodies:
            continue
        end, end_precision = term.end, term.end_precision
        if term.pk in base:
            before = base[term.pk]
            end = dt.date.fromisoformat(before["end"]) if before.get("end") else None
            end_precision = before.get("end_precision", "day")
        elif term.end_reason == "reappointed":
            end = None  # the reappointing term, later in the file, closes it again
        written_end = end_text(end, end_precision)
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
                "start": start_text(term.start, term.start_precision),
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
                "date": start_text(item.date, item.date_precision),
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
                "start": start_text(item.start, item.start_precision),
                "end": end_text(item.end, item.end_precision),
                "extra": item.extra,
            }
        )


def export_sessions(custody: Custody | None = None) -> Iterator[dict[str, Any]]:
    queryset = Session.objects.select_related("conference", "chair").prefetch_related(
        "hosts__body",
        "occasions__commemoration",
        "attendees__person",
        "documents__author",
    )

    def person(slug: str) -> str:
        return custody.person(slug) if custody is not None else slug

    for session in _iterate(queryset):
        if custody is not None and session.pk not in custody.kept_sessions:
            continue
        hosts = [h.body.slug for h in session.hosts.all()]
        documents = list(session.documents.all())
        if custody is not None:
            hosts = [slug for slug in hosts if not custody.body_hidden(slug)]
            documents = [d for d in documents if d.slug not in custody.hidden_documents]
        yield _compact(
            {
                "id": session.slug,
                "conference": session.conference.slug if session.conference else None,
                "day": session.day,
                "title": session.title,
                "date": start_text(session.date, session.date_precision),
                "hosts": hosts,
                "country": session.country,
                "city": session.city,
                "region": session.region,
                "venue": session.venue,
                "format": session.format,
                "chair": person(session.chair.slug) if session.chair else None,
                "occasions": [o.commemoration.slug for o in session.occasions.all()],
                "attendees": [
                    _compact(
                        {"person": person(a.person.slug), "role": a.role, "capacity": a.capacity}
                    )
                    for a in session.attendees.all()
                ],
                "documents": [
                    _compact(
                        {
                            "id": d.slug,
                            "kind": d.kind,
                            "title": d.title,
                            "author": person(d.author.slug) if d.author else None,
                            "signatories": [person(slug) for slug in d.signatories],
                            "text": d.text,
                            "internal": d.internal or None,
                            "extra": d.extra,
                        }
                    )
                    for d in documents
                ],
                "internal": session.internal or None,
                "extra": session.extra,
            }
        )


def export_decisions(custody: Custody | None = None) -> Iterator[dict[str, Any]]:
    queryset = Decision.objects.select_related("session", "conference", "proposed_by")
    for decision in queryset.order_by("position", "pk"):
        effects = decision.effects
        proposer = decision.proposed_by.slug if decision.proposed_by else None
        if custody is not None:
            if decision.pk not in custody.kept_decisions:
                continue
            effects = custody.effects(decision)
            proposer = custody.person(proposer) if proposer else None
        yield _compact(
            {
                "id": decision.slug,
                "session": decision.session.slug if decision.session else None,
                "conference": decision.conference.slug if decision.conference else None,
                "date": start_text(decision.date, decision.date_precision)
                if decision.date_given
                else None,
                "kind": decision.kind,
                "text": decision.text,
                "proposed_by": proposer,
                "status": decision.status,
                "votes": decision.votes,
                "effects": effects,
                "internal": decision.internal or None,
                "extra": decision.extra,
            }
        ) | {"effects": effects}


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


def export_agreements(custody: Custody | None = None) -> Iterator[dict[str, Any]]:
    def person(slug: str) -> str:
        return custody.person(slug) if custody is not None else slug

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
                    _compact({"person": person(s.person.slug), "party": s.party, "title": s.title})
                    for s in item.signatories.all()
                ],
                "extra": item.extra,
            }
        )


def export_honours() -> Iterator[dict[str, Any]]:
    for item in Honour.objects.order_by("pk"):
        yield _compact({"id": item.slug, "name": item.name, "kind": item.kind, "extra": item.extra})


def task_object(task: Task, custody: Custody | None = None) -> dict[str, Any]:
    """Return a task as a Chronicle task object."""
    assignees = [
        {"body": a.body.slug} if a.body else {"person": a.person.slug}  # type: ignore[union-attr]
        for a in task.assignees.all()
    ]
    if custody is not None:
        assignees = custody.assignees(assignees)
    return _compact(
        {
            "id": task.slug,
            "title": task.title,
            "assignees": assignees,
            "due": start_text(task.due, task.due_precision),
            "status": task.status,
            "extra": task.extra,
        }
    )


def export_tasks(custody: Custody | None = None) -> Iterator[dict[str, Any]]:
    queryset = Task.objects.filter(decision__isnull=True).prefetch_related(
        "assignees__body", "assignees__person"
    )
    for task in queryset.order_by("pk"):
        yield task_object(task, custody)


def export_newsroom_vocabulary(model: type[Category] | type[Tag]) -> Iterator[dict[str, Any]]:
    for item in model.objects.order_by("pk"):
        yield _compact({"id": item.slug, "name": item.name, "extra": item.extra})


def _moment(value: dt.datetime | None) -> str | None:
    """Return an aware datetime as ISO 8601 in UTC with a ``Z``."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def export_articles(
    custody: Custody | None = None, at: dt.datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Yield the articles; for a restricted viewer only what the public site shows.

    A restricted viewer gets the articles published by ``at`` (``publish_at`` set
    and not later; none when ``at`` is not given), with only their published
    translations (an article with none is left out). Hidden bodies, sessions
    and people are left out of ``about``; a hidden author is left out.
    """
    if custody is not None and at is None:
        return
    queryset = Article.objects.select_related(
        "category", "author_person", "author_body"
    ).prefetch_related(
        "tags",
        "about_bodies",
        "about_sessions",
        "about_conferences",
        "about_people",
        "translations",
    )
    if custody is not None:
        queryset = queryset.filter(publish_at__isnull=False, publish_at__lte=at)
        visible_people = set(
            Person.objects.filter(articles__isnull=False)
            .filter(custody.viewer.people_filter())
            .values_list("slug", flat=True)
        ) | set(
            Person.objects.filter(articles_written__isnull=False)
            .filter(custody.viewer.people_filter())
            .values_list("slug", flat=True)
        )
    for article in _iterate(queryset):
        translations = list(article.translations.all())
        bodies = sorted(b.slug for b in article.about_bodies.all())
        sessions = sorted((s.pk, s.slug) for s in article.about_sessions.all())
        people = sorted(p.slug for p in article.about_people.all())
        author: dict[str, str] | None = None
        if article.author_person is not None:
            author = {"person": article.author_person.slug}
        elif article.author_body is not None:
            author = {"body": article.author_body.slug}
        if custody is not None:
            translations = [t for t in translations if t.status == "published"]
            if not translations:
                continue
            bodies = [slug for slug in bodies if not custody.body_hidden(slug)]
            sessions = [(pk, slug) for pk, slug in sessions if pk in custody.kept_sessions]
            people = [slug for slug in people if slug in visible_people]
            if author is not None and (
                ("person" in author and author["person"] not in visible_people)
                or ("body" in author and custody.body_hidden(author["body"]))
            ):
                author = None
        yield _compact(
            {
                "id": article.slug,
                "category": article.category.slug if article.category else None,
                "tags": sorted(t.slug for t in article.tags.all()),
                "source_language": article.source_language,
                "publish_at": _moment(article.publish_at),
                "author": author,
                "about": _compact(
                    {
                        "bodies": bodies,
                        "sessions": sorted(slug for _pk, slug in sessions),
                        "conferences": sorted(c.slug for c in article.about_conferences.all()),
                        "people": people,
                    }
                ),
                "translations": {
                    t.lang: _compact(
                        {"title": t.title, "lead": t.lead, "body": t.body, "status": t.status}
                    )
                    for t in sorted(translations, key=lambda t: t.lang)
                },
                "extra": article.extra,
            }
        )


def chronicle_sections(
    viewer: Viewer = ADMIN, *, at: dt.datetime | None = None
) -> Iterator[tuple[str, Any]]:
    """Yield ``(section, value)``: a dict for ``organization``, an iterator for lists.

    For a restricted ``viewer`` only what it may see is yielded (see :class:`Custody`),
    and of the articles only those published by ``at`` (see :func:`export_articles`).
    """
    custody = Custody.for_viewer(viewer) if viewer.is_restricted else None
    organization = export_organization()
    if organization is not None:
        yield "organization", organization
    yield "body_kinds", export_vocabulary(BodyKind)
    yield "roles", export_vocabulary(Role)
    yield "mandates", export_mandate_names()
    yield "bodies", export_bodies(custody)
    yield "partners", export_partners()
    yield "people", export_people(custody)
    yield "terms", export_terms(custody)
    yield "commemorations", export_commemorations()
    yield "conferences", export_conferences()
    yield "sessions", export_sessions(custody)
    yield "honours", export_honours()
    yield "agreements", export_agreements(custody)
    yield "tasks", export_tasks(custody)
    yield "decisions", export_decisions(custody)
    yield "categories", export_newsroom_vocabulary(Category)
    yield "tags", export_newsroom_vocabulary(Tag)
    yield "articles", export_articles(custody, at)


def chronicle_export(
    out: IO[str], *, viewer: Viewer = ADMIN, at: dt.datetime | None = None
) -> dict[str, int]:
    """Write the database as a Chronicle to ``out``; return counts per section.

    The default is the operator's full export; a restricted ``viewer`` (the
    anonymous public, or the officers of one body) gets only what it may see,
    and only the articles published by ``at`` (none without it).
    """
    counts: dict[str, int] = {}
    out.write('{\n  "chronicle": 1')
    for section, value in chronicle_sections(viewer, at=at):
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

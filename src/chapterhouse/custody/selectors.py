"""Reads of the custody app: the audit trail, and everything held about one person."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from chapterhouse.core.partial_dates import end_text, start_text
from chapterhouse.custody import audit_chain
from chapterhouse.custody.access import Viewer, audit_body_ids, may_read_audit_trail
from chapterhouse.custody.models import Account, AuditEntry, Grant
from chapterhouse.meetings.models import Conference, Decision, Session
from chapterhouse.registry.models import Body, Person
from chapterhouse.registry.services import person_plain_fields

AUDIT_LIMIT = 200


def audit_entries(
    viewer: Viewer,
    object_type: str | None = None,
    object_id: str | None = None,
    since: dt.datetime | dt.date | None = None,
    limit: int | None = AUDIT_LIMIT,
) -> list[AuditEntry]:
    """Return the audit entries the viewer may read, newest first.

    Administrators read every entry; officers read those recorded against a
    body they are officers of (or below one); everyone else reads none, and no
    query is made for them. ``since`` (a day means its start) keeps entries
    from then on; ``limit`` None returns them all.
    """
    if not may_read_audit_trail(viewer):
        return []
    entries: QuerySet[AuditEntry] = AuditEntry.objects.all()
    bodies = audit_body_ids(viewer)
    if bodies is not None:
        entries = entries.filter(body_id__in=bodies)
    if object_type is not None:
        entries = entries.filter(object_type=object_type)
    if object_id is not None:
        entries = entries.filter(object_id=object_id)
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
        entries = entries.filter(at__gte=since)
    entries = entries.order_by("-at", "-pk")
    if limit is not None:
        entries = entries[:limit]
    return list(entries)


@dataclass(frozen=True)
class AuditVerification:
    """What ``audit_chain_verify`` found: how many entries, and the first broken link."""

    count: int
    redacted: int
    last_digest: str
    broken_entry: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_entry is None


def audit_chain_verify() -> AuditVerification:
    """Walk the audit trail in the order it was written and check every link of its chain.

    Return at the first broken link: the entry's id and what is wrong with it (its
    fixed content changed, its values changed, or it does not follow the entry
    before it: one was removed, inserted or rewritten). Values that differ from
    their digest are fine only where erasure redacted them: an entry about a
    person followed by an "erase" entry about that person. Removing entries from
    the end leaves a shorter chain that is still whole; the last digest, kept
    somewhere else, is what shows that.
    """
    erased_at: dict[str, int] = {}
    for slug, pk in AuditEntry.objects.filter(object_type="person", action="erase").values_list(
        "object_id", "pk"
    ):
        erased_at[slug] = max(pk, erased_at.get(slug, 0))
    previous = audit_chain.GENESIS
    previous_id: int | None = None
    count = redacted = 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        problem = ""
        if entry.previous != previous:
            problem = (
                _("it does not follow entry %(id)s: an entry was removed, inserted or rewritten")
                % {"id": previous_id}
                if previous_id is not None
                else _("it is not the first entry written: entries before it were removed")
            )
        elif audit_chain.digest_of(entry) != entry.digest:
            problem = _("who, when, how or which object was changed after it was written")
        elif audit_chain.values_digest(entry.before, entry.after) != entry.values_digest:
            if entry.object_type == "person" and erased_at.get(entry.object_id, 0) > entry.pk:
                redacted += 1
            else:
                problem = _("its before/after values were changed after they were written")
        if problem:
            return AuditVerification(count, redacted, previous, entry.pk, problem)
        previous, previous_id = entry.digest, entry.pk
        count += 1
    return AuditVerification(count, redacted, previous)


def audit_changes(entry: AuditEntry) -> list[dict[str, Any]]:
    """Return ``[{"field", "before", "after"}]`` for each field an entry records."""
    before = entry.before or {}
    after = entry.after or {}
    fields = list(dict.fromkeys([*before, *after]))
    return [
        {"field": field, "before": before.get(field), "after": after.get(field)} for field in fields
    ]


def audit_entry_data(entry: AuditEntry) -> dict[str, Any]:
    """Return an audit entry as JSON-ready data."""
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor_label,
        "via": entry.via,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
    }


def person_data(*, person: Person) -> dict[str, Any]:
    """Return everything held about ``person`` as JSON-ready data, for a subject access request.

    Personal data included; the account's password hash and token digests are
    not (they say nothing about the person and would weaken the account).
    """
    from chapterhouse.meetings.models import Attendance, Document
    from chapterhouse.relations.models import Affiliation, Award, TaskAssignee

    terms = person.terms.select_related("body", "decision", "ended_by").order_by("start", "pk")
    account = Account.objects.select_related("user").filter(person=person).first()
    # The entries about the person, and those about what they did with their account.
    about = Q(object_type="person", object_id=person.slug)
    if account is not None:
        about |= Q(actor_id=account.user_id) | Q(
            object_type="account", object_id=account.user.get_username()
        )
    data: dict[str, Any] = {
        "id": person.slug,
        "name": person.name,
        "names": [
            {"name": variant.name, "lang": variant.lang or None, "kind": variant.kind or None}
            for variant in person.names.all()
        ],
        **person_plain_fields(person),
        "contact": person.contact or {},
        "notes": person.notes or None,
        "erased": person.erased.isoformat() if person.erased else None,
        "extra": person.extra,
        "affiliations": [
            {
                "partner": affiliation.partner.slug,
                "title": affiliation.title,
                "start": start_text(affiliation.start, affiliation.start_precision),
                "end": end_text(affiliation.end, affiliation.end_precision),
                "private": affiliation.private,
            }
            for affiliation in Affiliation.objects.filter(person=person).select_related("partner")
        ],
        "terms": [
            {
                "body": term.body.slug,
                "role": term.role,
                "title": term.title,
                "start": start_text(term.start, term.start_precision),
                "end": end_text(term.end, term.end_precision),
                "how": term.how or None,
                "decision": term.decision.slug if term.decision_id else None,  # type: ignore[union-attr]
                "ended_by": term.ended_by.slug if term.ended_by_id else None,  # type: ignore[union-attr]
            }
            for term in terms
        ],
        "attendances": [
            {"session": row.session.slug, "role": row.role, "capacity": row.capacity}
            for row in Attendance.objects.filter(person=person).select_related("session")
        ],
        "awards": [
            {
                "honour": award.honour.slug,
                "date": award.date.isoformat(),
                "decision": award.decision.slug,
            }
            for award in Award.objects.filter(person=person).select_related("honour", "decision")
        ],
        "tasks": [
            {"task": row.task.slug, "title": row.task.title, "status": row.task.status}
            for row in TaskAssignee.objects.filter(person=person).select_related("task")
        ],
        "documents_authored": [
            {"document": document.slug, "session": document.session.slug, "kind": document.kind}
            for document in Document.objects.filter(author=person).select_related("session")
        ],
        "documents_signed": [
            {"document": document.slug, "session": document.session.slug, "kind": document.kind}
            # JSON containment is not portable to SQLite; documents are few.
            for document in Document.objects.all()
            .select_related("session")
            .order_by("pk")
            .iterator()
            if person.slug in (document.signatories or [])
        ],
        "decisions_proposed": [
            {"decision": decision.slug, "kind": decision.kind, "status": decision.status}
            for decision in Decision.objects.filter(proposed_by=person)
        ],
        "account": _account_data(account),
        "audit": [
            audit_entry_data(entry)
            for entry in AuditEntry.objects.filter(about).order_by("at", "pk")
        ],
    }
    return data


def _account_data(account: Account | None) -> dict[str, Any] | None:
    if account is None:
        return None
    user = account.user
    return {
        "email": user.email,
        "active": user.is_active,
        "administrator": user.is_superuser,
        "joined": user.date_joined.isoformat(),
        "last_sign_in": user.last_login.isoformat() if user.last_login else None,
        "grants": [
            {
                "role": grant.role,
                "body": grant.body.slug,
                "start": grant.start.isoformat(),
                "end": grant.end.isoformat() if grant.end else None,
            }
            for grant in Grant.objects.filter(user=user).select_related("body").order_by("start")
        ],
        "tokens": [
            {
                "name": token.name,
                "prefix": token.prefix,
                "created": token.created.isoformat(),
                "expires": token.expires.isoformat() if token.expires else None,
                "revoked": token.revoked.isoformat() if token.revoked else None,
            }
            for token in user.api_tokens.order_by("created")
        ],
    }


# -- the objects a writer may reach -----------------------------------------------------------


def visible_session(viewer: Viewer, slug: str) -> Session:
    """Return the session ``slug`` if the viewer may see it; else raise Session.DoesNotExist
    (an internal session is, for outsiders, one that does not exist)."""
    session = Session.objects.select_related("conference", "chair").filter(slug=slug).first()
    if session is None or (
        session.internal
        and not viewer.sees_internal(session.hosts.values_list("body_id", flat=True))
    ):
        raise Session.DoesNotExist(slug)
    return session


def visible_decision(viewer: Viewer, slug: str) -> Decision:
    """Return the decision ``slug`` if the viewer may see it; else raise Decision.DoesNotExist."""
    decision = (
        Decision.objects.select_related("session", "conference", "proposed_by")
        .filter(slug=slug)
        .first()
    )
    if decision is None:
        raise Decision.DoesNotExist(slug)
    session = decision.session
    internal = decision.internal or (session is not None and session.internal)
    hosts = session.hosts.values_list("body_id", flat=True) if session is not None else []
    if internal and not viewer.sees_internal(hosts):
        raise Decision.DoesNotExist(slug)
    return decision


def visible_person(viewer: Viewer, slug: str) -> Person:
    """Return the person ``slug`` if the viewer may see them; else raise Person.DoesNotExist."""
    person = (
        Person.objects.select_related("custodian")
        .filter(viewer.people_filter())
        .filter(slug=slug)
        .first()
    )
    if person is None:
        raise Person.DoesNotExist(slug)
    return person


# -- the records a viewer may open, listed (the sitemap) -------------------------------------

# The kinds of record with a page of their own, in the order they are listed.
RECORD_KINDS = ("body", "person", "conference", "session", "decision")


@dataclass(frozen=True)
class RecordRef:
    """A record with a page of its own: its kind (one of `RECORD_KINDS`) and its id."""

    kind: str
    slug: str


def _records_of(viewer: Viewer) -> list[tuple[str, QuerySet[Any]]]:
    return [
        ("body", Body.objects.filter(viewer.body_filter())),
        ("person", Person.objects.filter(viewer.people_filter())),
        ("conference", Conference.objects.all()),  # conferences are public records
        ("session", Session.objects.filter(viewer.session_filter())),
        ("decision", Decision.objects.filter(viewer.decision_filter())),
    ]


def visible_record_count(viewer: Viewer) -> int:
    """Return how many bodies, people, conferences, sessions and decisions ``viewer`` may
    open (one query per kind)."""
    return sum(records.count() for _kind, records in _records_of(viewer))


def visible_records(viewer: Viewer, *, offset: int, limit: int) -> list[RecordRef]:
    """Return a slice of the records ``viewer`` may open, kind by kind (`RECORD_KINDS`), each
    kind by id: what the sitemap lists for an anonymous visitor (no private person, no
    internal body, session or decision). At most two queries per kind."""
    found: list[RecordRef] = []
    for kind, records in _records_of(viewer):
        if len(found) >= limit:
            break
        count = records.count()
        if offset >= count:
            offset -= count
            continue
        wanted = limit - len(found)
        slugs = records.order_by("slug").values_list("slug", flat=True)[offset : offset + wanted]
        found += [RecordRef(kind=kind, slug=slug) for slug in slugs]
        offset = 0
    return found

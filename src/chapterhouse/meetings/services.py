"""Decisions: adopting one applies its effects, annulling it reverts them.

Effects are Chronicle effect objects (already shape-checked by the schema);
this module resolves their references and calls the registry and relations
services, recording every change so that it can be reverted.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError, Q
from django.utils.translation import gettext as _

from chapterhouse.core.errors import RecordError, not_found_message
from chapterhouse.core.ids import new_record_id
from chapterhouse.core.locks import lock_record, lock_row
from chapterhouse.core.partial_dates import end_of, start_of, start_text
from chapterhouse.core.write_schema import (
    DecisionChanges,
    DecisionFields,
    SessionChanges,
    SessionFields,
    given,
    validated,
)
from chapterhouse.custody.access import (
    WRITE_ROLE,
    Viewer,
    may_act_for_organization,
    may_assign_task_to_person,
    may_choose_ids,
    may_record_session_for,
)
from chapterhouse.custody.services import audit_record, audit_update
from chapterhouse.meetings.effects import ChangeRecorder, restore_fields
from chapterhouse.meetings.models import (
    Attendance,
    Commemoration,
    Conference,
    Decision,
    Document,
    EffectLog,
    Session,
    SessionHost,
    SessionOccasion,
)
from chapterhouse.meetings.schedule import SessionSlot, conference_schedule_problems
from chapterhouse.registry import services as registry
from chapterhouse.registry.models import Body, Person
from chapterhouse.relations import services as relations
from chapterhouse.relations.models import Agreement, Honour, Task


def decision_default_date(*, session: Any, conference: Any) -> tuple[dt.date, str] | None:
    """Return the date a decision takes when none is given: its session's, or its
    conference's last day."""
    if session is not None and session.date is not None:
        return session.date, session.date_precision
    conf = conference if conference is not None else getattr(session, "conference", None)
    if conf is not None and conf.end is not None:
        return conf.end - dt.timedelta(days=1), "day"
    return None


def _start(value: str | None, decision: Decision) -> tuple[dt.date, str]:
    """Return a start: the given period's first day, else the decision's date."""
    day, precision = start_of(value)
    return (decision.date, "day") if day is None else (day, precision)


def _end(value: str | None, decision: Decision) -> tuple[dt.date, str]:
    """Return an end (exclusive): the day after the given period (an end written is the
    last day held), else the decision's date, since a change takes effect on the day it is
    decided and what it ends is no longer held that day."""
    day, precision = end_of(value)
    return (decision.date, "day") if day is None else (day, precision)


def _get(queryset: Any, slug: str, path: str) -> Any:
    """Return the object with id ``slug`` in ``queryset`` (what the writer may see); one
    the writer may not see is answered exactly like one that does not exist."""
    found = queryset.filter(slug=slug).first()
    if found is None:
        message = not_found_message(queryset.model._meta.label_lower)
        raise RecordError(message, path=path, value=slug)
    return found


class _Seen:
    """What the writer of a decision may refer to: the people, bodies and documents their
    viewer sees (and the bodies the decision itself founds)."""

    def __init__(self, viewer: Viewer, decision: Decision) -> None:
        self.people = Person.objects.filter(viewer.people_filter())
        # (An empty Q joined with | would narrow, not widen: administrators see all.)
        self.bodies = (
            Body.objects.all()
            if viewer.is_admin
            else Body.objects.filter(viewer.body_filter() | Q(founded_by=decision))
        )
        self.documents = Document.objects.filter(viewer.document_filter())


def _apply_effect(
    decision: Decision, effect: dict[str, Any], recorder: ChangeRecorder, seen: _Seen
) -> None:
    op = effect["op"]
    if op == "start_term":
        start, start_precision = _start(effect.get("start"), decision)
        end, end_precision = _end(effect["end"], decision) if effect.get("end") else (None, "day")
        registry.term_start(
            person=_get(seen.people, effect["person"], "person"),
            body=_get(seen.bodies, effect["body"], "body"),
            role=effect["role"],
            title=effect.get("title"),
            start=start,
            start_precision=start_precision,
            end=end,
            end_precision=end_precision,
            term_length=effect.get("term_length") or "",
            how=effect.get("how") or "",
            decision=decision,
            recorder=recorder,
        )
    elif op == "end_term":
        end, end_precision = _end(effect.get("end"), decision)
        registry.term_end(
            person=_get(seen.people, effect["person"], "person"),
            body=_get(seen.bodies, effect["body"], "body"),
            role=effect["role"],
            title=effect.get("title"),
            end=end,
            end_precision=end_precision,
            reason=effect.get("reason"),
            decision=decision,
            recorder=recorder,
        )
    elif op == "found_body":
        data = dict(effect["body"])
        founded = data.pop("founded", None)
        start, precision = _start(founded, decision)
        dissolved = data.pop("dissolved", None)
        end, end_precision = _end(dissolved, decision) if dissolved else (None, "day")
        parent_slug = data.pop("parent", None)
        parent = _get(seen.bodies, parent_slug, "body.parent") if parent_slug else None
        try:
            registry.body_create(
                slug=data.pop("id"),
                kind=data.pop("kind"),
                name=data.pop("name"),
                parent=parent,
                founded=start,
                founded_precision=precision,
                dissolved=end,
                dissolved_precision=end_precision,
                mandates=data.pop("mandates", None) or [],
                decision=decision,
                recorder=recorder,
                **data,
            )
        except RecordError as error:
            raise error.at("body") from None
    elif op == "dissolve_body":
        end, precision = _end(effect.get("date"), decision)
        transfers = []
        for index, transfer in enumerate(effect.get("transfer") or []):
            to = [
                _get(seen.bodies, slug, f"transfer[{index}].to[{n}]")
                for n, slug in enumerate(transfer.get("to") or [])
            ]
            transfers.append({**transfer, "to": to})
        registry.body_dissolve(
            body=_get(seen.bodies, effect["body"], "body"),
            date=end,
            date_precision=precision,
            transfers=transfers,
            decision=decision,
            recorder=recorder,
        )
    elif op == "rename_body":
        registry.body_rename(
            body=_get(seen.bodies, effect["body"], "body"),
            name=effect["name"],
            date=decision.date,
            decision=decision,
            recorder=recorder,
        )
    elif op == "award":
        citation = effect.get("citation")
        relations.award_give(
            person=_get(seen.people, effect["person"], "person"),
            honour_slug=effect["honour"],
            citation=_get(seen.documents, citation, "citation") if citation else None,
            date=decision.date,
            decision=decision,
            recorder=recorder,
        )
    elif op == "assign_task":
        try:
            relations.task_create_from_chronicle(
                data=effect["task"],
                decision=decision,
                recorder=recorder,
                people=seen.people,
                bodies=seen.bodies,
            )
        except RecordError as error:
            raise error.at("task") from None
    elif op == "sign_agreement":
        relations.agreement_sign(
            slug=effect["agreement"], date=decision.date, decision=decision, recorder=recorder
        )
    elif op == "agreement_status":
        relations.agreement_status_move(
            slug=effect["agreement"],
            status=effect["status"],
            date=decision.date,
            recorder=recorder,
        )
    else:  # pragma: no cover - the schema admits no other op
        raise RecordError(_("unknown effect %(op)s") % {"op": repr(op)}, path="op", value=op)


def decision_apply(*, decision: Decision, viewer: Viewer) -> None:
    """Apply every effect of ``decision`` and record the changes; all or nothing.

    Every person, body and document an effect names is looked up among those
    ``viewer`` (who adopts it) may see. Holds the record's write lock.
    """
    with transaction.atomic():
        lock_record()
        recorder = ChangeRecorder(decision)
        seen = _Seen(viewer, decision)
        for index, effect in enumerate(decision.effects):
            try:
                _apply_effect(decision, effect, recorder, seen)
            except RecordError as error:
                raise error.at(f"effects[{index}]") from None
        recorder.save()


def decision_revert(*, decision: Decision) -> None:
    """Undo every change ``decision`` made, newest first.

    Refuses when a later decision changed something this one made (annul
    that one first), so history never points at what no longer exists. Holds
    the record's write lock (call it inside a transaction).
    """
    lock_record()
    entries = list(EffectLog.objects.filter(decision=decision).order_by("-seq"))
    if not entries:
        return
    keys = {(entry.model, entry.object_pk) for entry in entries}
    later = (
        EffectLog.objects.exclude(decision=decision)
        .filter(id__gt=min(entry.id for entry in entries))
        .filter(object_pk__in={pk for _, pk in keys})
        .select_related("decision")
    )
    for entry in later:
        if (entry.model, entry.object_pk) in keys:
            raise RecordError(
                _("decision %(decision)s changed what this decision made; annul it first")
                % {"decision": entry.decision.slug},
                value=decision.slug,
            )
    from django.apps import apps

    with transaction.atomic():
        for entry in entries:
            model = apps.get_model(entry.model)
            if entry.action == "create":
                try:
                    model._default_manager.filter(pk=entry.object_pk).delete()
                except ProtectedError as error:
                    blockers = ", ".join(sorted({str(obj) for obj in error.protected_objects}))
                    raise RecordError(
                        _("cannot revert: %(records)s still depend on what this decision made")
                        % {"records": blockers},
                        value=decision.slug,
                    ) from None
            else:
                restore_fields(entry.model, entry.object_pk, entry.before or {})
        EffectLog.objects.filter(decision=decision).delete()


def _locked(decision: Decision) -> Decision:
    """Take the record's write lock, then re-read ``decision`` under a row lock: its status
    may have changed since the caller read it (another adoption or annulment went first).
    Call it inside a transaction, before reading anything the write depends on."""
    lock_record()
    lock_row(decision)
    return decision


def decision_annul(*, decision: Decision) -> Decision:
    """Annul an adopted decision: revert every effect and mark it annulled."""
    with transaction.atomic():
        _locked(decision)
        if decision.status != "adopted":
            raise RecordError(
                _("only an adopted decision can be annulled; this one is %(status)s")
                % {"status": decision.status},
                path="status",
                value=decision.status,
            )
        decision_revert(decision=decision)
        decision.status = "annulled"
        decision.save(update_fields=["status"])
    return decision


def decision_adopt(*, decision: Decision, viewer: Viewer) -> Decision:
    """Adopt a proposed (or annulled) decision and apply its effects as ``viewer`` sees."""
    with transaction.atomic():
        _locked(decision)
        # A rejected or withdrawn proposal stays so; an annulled one may be corrected
        # and adopted again.
        if decision.status not in {"proposed", "annulled"}:
            raise RecordError(
                _("only a proposed or annulled decision can be adopted; this one is %(status)s")
                % {"status": decision.status},
                path="status",
                value=decision.status,
            )
        decision.status = "adopted"
        decision.save(update_fields=["status"])
        decision_apply(decision=decision, viewer=viewer)
    return decision


# -- writes through the web, the API and the CLI --------------------------------------------
#
# Each write below takes the viewer who makes it, how it came in (`via`) and when
# (`at`), checks the viewer's grants, changes the record in one transaction and
# leaves an audit entry with the changed fields before and after. Officers of a
# body record its sessions and decisions: the viewer must be an officer of at least
# one body that hosts the session (a joint session is each host's), and of every
# body that hosts a decision's session and every body its effects touch.


def _record_error(error: RecordError) -> ValidationError:
    """Turn a RecordError from applying effects into a ValidationError naming the field."""
    return ValidationError({error.path or "__all__": [error.message]})


def _only_officers(viewer: Viewer, bodies: Iterable[Body], doing: str) -> None:
    """Refuse unless the viewer is an officer of every body (or an administrator).

    The refusal names only the bodies the viewer may see: a body they may not see is
    never named to them, not even to say that they may not act there.
    """
    bodies = list(bodies)
    if viewer.is_admin:
        return
    if not bodies:
        raise PermissionDenied(
            _("Only an administrator may %(doing)s without a host body.") % {"doing": doing}
        )
    outside = [body for body in bodies if not viewer.covers(WRITE_ROLE, body.pk)]
    if not outside:
        return
    named = sorted(
        {body.slug for body in outside if viewer.sees_body(body.pk, internal=body.internal)}
    )
    if named:
        raise PermissionDenied(
            _("Only officers of %(bodies)s (or a body above) may %(doing)s there.")
            % {"bodies": ", ".join(named), "doing": doing}
        )
    raise PermissionDenied(
        _("Only officers of every body concerned may %(doing)s.") % {"doing": doing}
    )


def _only_a_host_officer(viewer: Viewer, bodies: Iterable[Body], doing: str) -> None:
    """Refuse unless the viewer may record a session held by ``bodies``
    (`may_record_session_for`: an officer of at least one of them, or an administrator).

    The refusal names only the hosts the viewer may see.
    """
    bodies = list(bodies)
    if may_record_session_for(viewer, [body.pk for body in bodies]):
        return
    if not bodies:
        raise PermissionDenied(
            _("Only an administrator may %(doing)s without a host body.") % {"doing": doing}
        )
    named = sorted(
        {body.slug for body in bodies if viewer.sees_body(body.pk, internal=body.internal)}
    )
    if named:
        raise PermissionDenied(
            _("Only officers of one of %(bodies)s (or a body above) may %(doing)s there.")
            % {"bodies": ", ".join(named), "doing": doing}
        )
    raise PermissionDenied(_("Only officers of a body concerned may %(doing)s.") % {"doing": doing})


def _new_id(viewer: Viewer, model: Any, requested: str | None, *, fallback: str) -> str:
    """Return the id of a new ``model`` record the viewer writes (see `new_record_id`)."""
    return new_record_id(model, requested, chooses=may_choose_ids(viewer), fallback=fallback)


def _resolve(model: Any, slug: str | None, path: str, queryset: Any = None) -> Any:
    """Return the object with id ``slug`` (None for None); a ValidationError names ``path``."""
    if slug is None:
        return None
    found = (queryset if queryset is not None else model.objects).filter(slug=slug).first()
    if found is None:
        raise ValidationError(
            {
                path: [
                    _("No %(kind)s with the id “%(id)s”.")
                    % {"kind": model._meta.verbose_name, "id": slug}
                ]
            }
        )
    return found


def _visible_people(viewer: Viewer) -> Any:
    # A person the writer may not see is, for them, a person who does not exist.
    return Person.objects.filter(viewer.people_filter())


def _present(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in snapshot.items() if value not in (None, "", [], {})}


def session_snapshot(session: Session) -> dict[str, Any]:
    """Return the session's fields as a Chronicle writes them (ids, dates as text)."""
    return {
        "conference": session.conference.slug if session.conference_id else None,  # type: ignore[union-attr]
        "day": session.day,
        "title": session.title,
        "date": start_text(session.date, session.date_precision),
        "hosts": [host.body.slug for host in session.hosts.select_related("body")],
        "country": session.country or None,
        "city": session.city,
        "region": session.region,
        "venue": session.venue,
        "format": session.format or None,
        "chair": session.chair.slug if session.chair_id else None,  # type: ignore[union-attr]
        "occasions": [
            occasion.commemoration.slug
            for occasion in session.occasions.select_related("commemoration")
        ],
        "attendees": [
            _present(
                {
                    "person": attendee.person.slug,
                    "role": attendee.role,
                    "capacity": attendee.capacity,
                }
            )
            for attendee in session.attendees.select_related("person")
        ],
        "internal": session.internal,
        "extra": session.extra,
    }


def session_host_bodies(session: Session) -> list[Body]:
    """Return the bodies that hold the session, in order."""
    return [host.body for host in session.hosts.select_related("body")]


def _session_apply(
    viewer: Viewer, session: Session, data: dict[str, Any]
) -> tuple[list[Body] | None, Any]:
    """Set the given Chronicle-shaped fields on ``session`` (unsaved); return the new hosts
    (None if unchanged) and a function that writes the related rows once it is saved."""
    simple = {"day": "day", "title": "title", "city": "city", "region": "region", "venue": "venue"}
    for key, field in simple.items():
        if key in data:
            setattr(session, field, data[key])
    if "country" in data:
        session.country = data["country"] or ""
    if "format" in data:
        session.format = data["format"] or ""
    if "internal" in data:
        session.internal = bool(data["internal"])
    if "extra" in data:
        session.extra = data["extra"]
    if "date" in data:
        session.date, session.date_precision = start_of(data["date"])
    if "conference" in data:
        session.conference = _resolve(Conference, data["conference"], "conference")
    if "chair" in data:
        session.chair = _resolve(Person, data["chair"], "chair", _visible_people(viewer))
    hosts = None
    if data.get("hosts") is not None:
        visible = Body.objects.filter(viewer.body_filter())
        hosts = [
            _resolve(Body, slug, f"hosts[{n}]", visible) for n, slug in enumerate(data["hosts"])
        ]
        if session.pk is not None and not viewer.is_admin:
            # Hosts the writer may not see (an internal body of another committee) stay, in
            # their place: the writer can neither name nor remove them.
            for host in session.hosts.select_related("body").exclude(body__in=visible):
                hosts.insert(min(host.position, len(hosts)), host.body)
    occasions = None
    if "occasions" in data:
        occasions = [
            _resolve(Commemoration, slug, f"occasions[{n}]")
            for n, slug in enumerate(data["occasions"] or [])
        ]
    attendees = None
    if "attendees" in data:
        people = _visible_people(viewer)
        attendees = [
            (
                _resolve(Person, row["person"], f"attendees[{n}].person", people),
                row["role"],
                row.get("capacity"),
            )
            for n, row in enumerate(data["attendees"] or [])
        ]
        if session.pk is not None and not viewer.is_admin:
            # Attendees the writer may not see (another host's members) stay as they were:
            # the writer can neither name nor remove them.
            attendees += [
                (attendance.person, attendance.role, attendance.capacity)
                for attendance in session.attendees.select_related("person").exclude(
                    person__in=people
                )
            ]

    def write_related() -> None:
        if hosts is not None:
            session.hosts.all().delete()
            SessionHost.objects.bulk_create(
                SessionHost(session=session, body=body, position=n) for n, body in enumerate(hosts)
            )
        if occasions is not None:
            session.occasions.all().delete()
            SessionOccasion.objects.bulk_create(
                SessionOccasion(session=session, commemoration=c, position=n)
                for n, c in enumerate(occasions)
            )
        if attendees is not None:
            session.attendees.all().delete()
            Attendance.objects.bulk_create(
                Attendance(session=session, person=person, role=role, capacity=cap, position=n)
                for n, (person, role, cap) in enumerate(attendees)
            )

    return hosts, write_related


def _check_schedule(session: Session) -> None:
    """Refuse a session that does not fit its conference's days (see meetings.schedule)."""
    conference = session.conference
    if conference is None:
        return
    others = Session.objects.filter(conference=conference)
    if session.pk is not None:
        others = others.exclude(pk=session.pk)
    slots = [
        SessionSlot(key=pk, date=date, precision=precision, day=day)
        for pk, date, precision, day in others.values_list("pk", "date", "date_precision", "day")
    ]
    slots.append(
        SessionSlot(key=_THIS, date=session.date, precision=session.date_precision, day=session.day)
    )
    problems = conference_schedule_problems(conference, slots, changed=_THIS)
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(errors)


_THIS = object()


def session_create(
    *, viewer: Viewer, via: str, at: dt.datetime, values: Mapping[str, Any]
) -> Session:
    """Record a new session from Chronicle-shaped ``values`` (see SessionFields).

    The viewer must be an officer of at least one host body (a joint session is
    recorded by any host's officer; the others see it as theirs); only an
    administrator records a session without hosts. ``attendees`` ({person, role,
    capacity}) and ``occasions`` (commemoration ids) are resolved among what the
    viewer may see. Raise PermissionDenied or ValidationError.
    """
    fields = validated(SessionFields, values)
    data = given(fields)
    data.setdefault("hosts", [])
    with transaction.atomic():
        # The hosts first: someone who may not record here learns nothing from the rest.
        _only_a_host_officer(
            viewer,
            [
                _resolve(Body, slug, f"hosts[{n}]", Body.objects.filter(viewer.body_filter()))
                for n, slug in enumerate(data["hosts"])
            ],
            _("record a session"),
        )
        session = Session(slug=_new_id(viewer, Session, fields.id, fallback="session"))
        hosts, write_related = _session_apply(viewer, session, data)
        _check_schedule(session)
        session.save()
        write_related()
        audit_record(
            viewer=viewer,
            via=via,
            action="create",
            object_type="session",
            object_id=session.slug,
            at=at,
            body=hosts[0] if hosts else None,
            after=_present(session_snapshot(session)),
        )
    return session


def session_update(
    *, viewer: Viewer, via: str, at: dt.datetime, session: Session, changes: Mapping[str, Any]
) -> Session:
    """Change the given fields of ``session`` (see SessionChanges); null clears a field.

    The viewer must be an officer of at least one body that hosts it, before and after
    the change. A change that changes nothing leaves no audit entry.
    """
    data = given(validated(SessionChanges, changes))
    with transaction.atomic():
        # Read what is changed under a row lock: a concurrent change waits, then sees ours.
        lock_row(session)
        current_hosts = session_host_bodies(session)
        _only_a_host_officer(viewer, current_hosts, _("change a session"))
        before = session_snapshot(session)
        hosts, write_related = _session_apply(viewer, session, data)
        if hosts is not None:
            _only_a_host_officer(viewer, hosts, _("hold a session"))
        _check_schedule(session)
        session.save()
        write_related()
        after = session_snapshot(session)
        first: list[Body | None] = [*(hosts if hosts is not None else current_hosts), None]
        audit_update(
            viewer=viewer,
            via=via,
            object_type="session",
            object_id=session.slug,
            at=at,
            body=first[0],
            before=before,
            after=after,
        )
    return session


# -- decisions --------------------------------------------------------------------------------


def decision_snapshot(decision: Decision) -> dict[str, Any]:
    """Return the decision's fields as a Chronicle writes them."""
    return {
        "session": decision.session.slug if decision.session_id else None,  # type: ignore[union-attr]
        "conference": decision.conference.slug if decision.conference_id else None,  # type: ignore[union-attr]
        "date": start_text(decision.date, decision.date_precision),
        "kind": decision.kind,
        "text": decision.text,
        "proposed_by": decision.proposed_by.slug if decision.proposed_by_id else None,  # type: ignore[union-attr]
        "status": decision.status,
        "votes": decision.votes,
        "effects": decision.effects,
        "internal": decision.internal,
        "extra": decision.extra,
    }


_BODY_KEYS = ("start_term", "end_term", "dissolve_body", "rename_body")


class _References:
    """Every record a decision's effects name, each with its path in the decision."""

    def __init__(self, effects: list[dict[str, Any]]) -> None:
        self.bodies: list[tuple[str, str]] = []
        self.people: list[tuple[str, str]] = []
        self.task_people: list[tuple[str, str]] = []
        self.documents: list[tuple[str, str]] = []
        self.honours: list[tuple[str, str]] = []
        self.agreements: list[tuple[str, str]] = []
        self.kinds: list[tuple[str, str]] = []
        self.founded: set[str] = set()
        self.top = False
        for n, effect in enumerate(effects):
            path = f"effects[{n}]"
            op = effect.get("op")
            if op in _BODY_KEYS:
                self.bodies.append((f"{path}.body", effect["body"]))
            if op in {"start_term", "end_term", "award"}:
                self.people.append((f"{path}.person", effect["person"]))
            if op == "found_body":
                self.founded.add(effect["body"]["id"])
                parent = effect["body"].get("parent")
                if parent:
                    self.bodies.append((f"{path}.body.parent", parent))
                else:
                    self.top = True
            elif op == "dissolve_body":
                for t, transfer in enumerate(effect.get("transfer") or []):
                    for k, slug in enumerate(transfer.get("to") or []):
                        self.bodies.append((f"{path}.transfer[{t}].to[{k}]", slug))
                    if transfer.get("to_kind"):
                        self.kinds.append((f"{path}.transfer[{t}].to_kind", transfer["to_kind"]))
            elif op == "award":
                self.honours.append((f"{path}.honour", effect["honour"]))
                if effect.get("citation"):
                    self.documents.append((f"{path}.citation", effect["citation"]))
            elif op == "assign_task":
                for a, assignee in enumerate(effect["task"].get("assignees") or []):
                    where = f"{path}.task.assignees[{a}]"
                    if assignee.get("body"):
                        self.bodies.append((f"{where}.body", assignee["body"]))
                    elif assignee.get("person"):
                        self.task_people.append((f"{where}.person", assignee["person"]))
            elif op in ("sign_agreement", "agreement_status"):
                self.agreements.append((f"{path}.agreement", effect["agreement"]))
        # A body founded by the same decision is covered through its parent.
        self.bodies = [(path, slug) for path, slug in self.bodies if slug not in self.founded]

    @property
    def for_organization(self) -> bool:
        """Whether the effects do what only the organization as a whole does."""
        return bool(self.honours or self.agreements)


def _missing(
    queryset: Any, refs: list[tuple[str, str]], errors: dict[str, list[str]]
) -> dict[str, Any]:
    """Return the records ``refs`` name, found in ``queryset``; note each one not found
    (or not visible, which is the same) in ``errors`` by its path."""
    slugs = {slug for _path, slug in refs}
    found = {obj.slug: obj for obj in queryset.filter(slug__in=slugs)} if slugs else {}
    kind = queryset.model._meta.verbose_name
    for path, slug in refs:
        if slug not in found:
            errors.setdefault(path, []).append(
                _("No %(kind)s with the id “%(id)s”.") % {"kind": kind, "id": slug}
            )
    return found


def _decision_hosts(viewer: Viewer, decision: Decision) -> list[Body]:
    """Return the hosts of ``decision``'s session (of all its conference's sessions)."""
    if decision.session_id is not None:
        bodies = session_host_bodies(decision.session)  # type: ignore[arg-type]
    elif decision.conference_id is not None:
        bodies = [
            host.body
            for host in SessionHost.objects.filter(
                session__conference_id=decision.conference_id
            ).select_related("body")
        ]
    else:  # pragma: no cover - the schema requires one of them
        bodies = []
    if not bodies and not viewer.is_admin:
        raise PermissionDenied(
            _("Only an administrator may record a decision of a meeting without a host body.")
        )
    return bodies


def _decision_bodies(viewer: Viewer, decision: Decision) -> list[Body]:
    """Check every record ``decision``'s effects name as the viewer sees them, and return
    every body whose officers must agree to its effects.

    A person, body or document the viewer may not see is refused exactly like one that
    does not exist (a ValidationError naming the effect). Honours and agreements are the
    organization's: only those who act for it may award or sign them, and only officers of
    a person's committee (or the organization) may give that person an instruction.
    """
    refs = _References(decision.effects or [])
    if refs.top and not may_act_for_organization(viewer):
        raise PermissionDenied(
            _("Only officers of the whole organization may found a body at its top.")
        )
    errors: dict[str, list[str]] = {}
    found = _missing(Body.objects.filter(viewer.body_filter()), refs.bodies, errors)
    people = Person.objects.filter(viewer.people_filter())
    _missing(people, refs.people, errors)
    assignees = _missing(people, refs.task_people, errors)
    _missing(Document.objects.filter(viewer.document_filter()), refs.documents, errors)
    _missing(Honour.objects.all(), refs.honours, errors)
    _missing(Agreement.objects.all(), refs.agreements, errors)
    if errors:
        raise ValidationError(errors)
    if refs.for_organization and not may_act_for_organization(viewer):
        raise PermissionDenied(
            _(
                "Only officers of the whole organization may award its honours"
                " or sign its agreements."
            )
        )
    for _path, slug in refs.task_people:
        if not may_assign_task_to_person(viewer, assignees[slug]):
            raise PermissionDenied(
                _("Only officers of a person's committee (or above) may give them an instruction.")
            )
    # Every body that receives a mandate by kind must agree, seen or not (the refusal
    # names only those the viewer sees).
    receivers = [
        body
        for _path, kind in refs.kinds
        for body in Body.objects.filter(kind=kind).order_by("slug")
    ]
    return [found[slug] for slug in sorted(found)] + receivers


def _require_decision_power(viewer: Viewer, decision: Decision) -> None:
    """Refuse unless the viewer may record the decision's session (an officer of one of
    its hosts, `may_record_session_for`; checked first, so that an outsider learns nothing
    from the effects' references) and is an officer of every body its effects touch."""
    _only_a_host_officer(viewer, _decision_hosts(viewer, decision), _("record this decision"))
    touched = _decision_bodies(viewer, decision)
    if touched:
        _only_officers(viewer, touched, _("record this decision"))


def _own_ids(
    viewer: Viewer, effects: list[dict[str, Any]], kept: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Return ``effects`` with the ids of the bodies and tasks they create made the
    viewer's own (see `_new_id`): ids already in the decision (``kept``) stay, and every
    reference to a founded body within the decision follows its new id."""
    if may_choose_ids(viewer):
        return effects
    had = {e["body"]["id"] for e in kept if e.get("op") == "found_body"}
    had |= {e["task"]["id"] for e in kept if e.get("op") == "assign_task"}
    effects = copy.deepcopy(effects)
    renamed: dict[str, str] = {}
    for effect in effects:
        if effect.get("op") == "found_body" and effect["body"]["id"] not in had:
            old = effect["body"]["id"]
            new = _new_id(viewer, Body, old, fallback="body")
            while new in renamed.values():  # pragma: no cover - random ids rarely meet
                new = _new_id(viewer, Body, old, fallback="body")
            renamed[old] = new
            effect["body"]["id"] = new
        elif effect.get("op") == "assign_task" and effect["task"]["id"] not in had:
            effect["task"]["id"] = _new_id(viewer, Task, effect["task"]["id"], fallback="task")
    if not renamed:
        return effects
    for effect in effects:
        op = effect.get("op")
        if op in _BODY_KEYS and effect["body"] in renamed:
            effect["body"] = renamed[effect["body"]]
        if op == "found_body" and effect["body"].get("parent") in renamed:
            effect["body"]["parent"] = renamed[effect["body"]["parent"]]
        for transfer in effect.get("transfer") or []:
            if transfer.get("to"):
                transfer["to"] = [renamed.get(slug, slug) for slug in transfer["to"]]
        if op == "assign_task":
            for assignee in effect["task"].get("assignees") or []:
                if assignee.get("body") in renamed:
                    assignee["body"] = renamed[assignee["body"]]
    return effects


def _decision_audit_body(decision: Decision) -> Body | None:
    if decision.session_id is None:
        return None
    hosts = session_host_bodies(decision.session)  # type: ignore[arg-type]
    return hosts[0] if hosts else None


def _decision_set(viewer: Viewer, decision: Decision, data: dict[str, Any]) -> None:
    """Set the plain fields given in ``data`` (status and effects are the caller's)."""
    for key in ("kind", "text", "votes", "extra"):
        if key in data:
            setattr(decision, key, data[key])
    if "internal" in data:
        decision.internal = bool(data["internal"])
    if "effects" in data:
        decision.effects = _own_ids(viewer, data["effects"] or [], decision.effects or [])
    if "proposed_by" in data:
        decision.proposed_by = _resolve(
            Person, data["proposed_by"], "proposed_by", _visible_people(viewer)
        )
    if "date" in data:
        if data["date"]:
            decision.date, decision.date_precision = start_of(data["date"])  # type: ignore[assignment]
            decision.date_given = True
        else:
            default = decision_default_date(
                session=decision.session, conference=decision.conference
            )
            if default is None:
                raise ValidationError(
                    {
                        "date": [
                            _("Required here: neither its session nor its conference has a date.")
                        ]
                    }
                )
            decision.date, decision.date_precision = default
            decision.date_given = False


def decision_create(
    *, viewer: Viewer, via: str, at: dt.datetime, values: Mapping[str, Any]
) -> Decision:
    """Record a new decision from Chronicle-shaped ``values`` (see DecisionFields).

    The effects are checked with the Chronicle's models. With ``status:
    adopted`` they are applied at once; a failing effect refuses the whole
    decision. The viewer must be an officer of the session's hosts and of
    every body the effects touch.
    """
    fields = validated(DecisionFields, values)
    data = given(fields)
    with transaction.atomic():
        lock_record()
        decision = Decision(status="proposed")
        # An internal session the viewer may not see is, for them, one that does not exist.
        sessions = Session.objects.select_related("conference").filter(viewer.session_filter())
        decision.session = _resolve(Session, fields.session, "session", sessions)
        decision.conference = _resolve(Conference, fields.conference, "conference")
        decision.slug = _new_id(
            viewer,
            Decision,
            fields.id,
            fallback=f"{decision.session.slug}-d" if decision.session else "decision",
        )
        data.setdefault("date", None)
        _decision_set(viewer, decision, data)
        _require_decision_power(viewer, decision)
        decision.position = (
            Decision.objects.filter(date=decision.date).aggregate(Max("position"))["position__max"]
            or 0
        ) + 1
        decision.save()
        if fields.status == "adopted":
            try:
                decision_adopt(decision=decision, viewer=viewer)
            except RecordError as error:
                raise _record_error(error) from None
        audit_record(
            viewer=viewer,
            via=via,
            action="create",
            object_type="decision",
            object_id=decision.slug,
            at=at,
            body=_decision_audit_body(decision),
            after=_present(decision_snapshot(decision)),
        )
    return decision


# The moves a decision's status may make, and the audit action each records.
_STATUS_MOVES = {
    ("proposed", "adopted"): "adopt",
    ("annulled", "adopted"): "adopt",
    ("adopted", "annulled"): "annul",
    ("proposed", "rejected"): "reject",
    ("proposed", "withdrawn"): "withdraw",
}


def decision_update(
    *, viewer: Viewer, via: str, at: dt.datetime, decision: Decision, changes: Mapping[str, Any]
) -> Decision:
    """Change the given fields of ``decision`` (see DecisionChanges); this is also how a
    decision is adopted, annulled, rejected or withdrawn (``{"status": …}``).

    New effects (or a new date) of a decision that stays adopted are applied in
    place of the old ones: the old changes are reverted and the new applied in
    one transaction, so the record always matches the decision's wording; a
    later decision that built on the old changes refuses it (annul that one
    first). The viewer must be an officer of every body concerned, before and
    after the change.
    """
    data = given(validated(DecisionChanges, changes))
    with transaction.atomic():
        _locked(decision)
        status = data.pop("status", None) or decision.status
        _require_decision_power(viewer, decision)
        before = decision_snapshot(decision)
        move = None
        if status != decision.status:
            move = _STATUS_MOVES.get((decision.status, status))
            if move is None:
                raise ValidationError(
                    {
                        "status": [
                            _("A decision that is %(old)s cannot become %(new)s.")
                            % {"old": decision.status, "new": status}
                        ]
                    }
                )
        try:
            if move == "annul":
                decision_annul(decision=decision)
            reapply = (
                decision.status == "adopted"
                and move is None
                and any(key in data for key in ("effects", "date"))
            )
            if reapply:
                decision_revert(decision=decision)
            _decision_set(viewer, decision, data)
            _require_decision_power(viewer, decision)
            if move in {"reject", "withdraw"}:
                decision.status = status
            decision.save()
            if reapply:
                decision_apply(decision=decision, viewer=viewer)
            if move == "adopt":
                decision_adopt(decision=decision, viewer=viewer)
        except RecordError as error:
            raise _record_error(error) from None
        audit_update(
            viewer=viewer,
            via=via,
            action=move or "update",
            object_type="decision",
            object_id=decision.slug,
            at=at,
            body=lambda: _decision_audit_body(decision),
            before=before,
            after=decision_snapshot(decision),
        )
    return decision


class ConcernedBodies:
    """The bodies ``decision`` concerns, as `custody.access.decision_may_change` asks for
    them (`DecisionConcerns`): read on first use, so an administrator's answer (or that of
    someone who records nothing) costs no query. The touched bodies are None where
    `_decision_bodies` refuses the effects for the viewer."""

    def __init__(self, viewer: Viewer, decision: Decision) -> None:
        self.viewer, self.decision = viewer, decision

    @cached_property
    def host_ids(self) -> list[int]:
        try:
            return [body.pk for body in _decision_hosts(self.viewer, self.decision)]
        except PermissionDenied:
            return []

    @cached_property
    def touched_ids(self) -> list[int] | None:
        try:
            return [body.pk for body in _decision_bodies(self.viewer, self.decision)]
        except (PermissionDenied, ValidationError):
            return None


def decision_status_set(
    *, viewer: Viewer, via: str, at: dt.datetime, decision: Decision, status: str
) -> Decision:
    """Adopt (``adopted``), annul (``annulled``), reject or withdraw a decision, as the
    admin's actions, the ``decision`` command and the web's buttons do: unlike a PATCH,
    asking for the status it already has is refused, saying why. The status is read under
    the record's write lock, so of two people adopting (or annulling) the same decision at
    once, the second is told it already is."""
    with transaction.atomic():
        _locked(decision)
        if status == "adopted" and decision.status not in {"proposed", "annulled"}:
            raise ValidationError(
                {
                    "status": [
                        _(
                            "only a proposed or annulled decision can be adopted;"
                            " this one is %(status)s"
                        )
                        % {"status": decision.status}
                    ]
                }
            )
        if status == "annulled" and decision.status != "adopted":
            raise ValidationError(
                {
                    "status": [
                        _("only an adopted decision can be annulled; this one is %(status)s")
                        % {"status": decision.status}
                    ]
                }
            )
        return decision_update(
            viewer=viewer, via=via, at=at, decision=decision, changes={"status": status}
        )

"""Changes to awards, tasks and agreements made by decisions, and the desk's writes of
partners, honours and agreements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chapterhouse.core.errors import RecordError, not_found_message
from chapterhouse.core.ids import new_record_id
from chapterhouse.core.locks import lock_record, lock_row
from chapterhouse.core.partial_dates import PartialDate, start_of, start_text
from chapterhouse.core.write_schema import given, validated
from chapterhouse.custody.access import Viewer, may_act_for_organization, may_choose_ids
from chapterhouse.custody.services import audit_record, audit_update
from chapterhouse.meetings.effects import ChangeRecorder, fields_update
from chapterhouse.registry.models import Body, Person
from chapterhouse.relations.models import (
    Agreement,
    AgreementSignatory,
    Award,
    Honour,
    Partner,
    Task,
    TaskAssignee,
)
from chapterhouse.relations.selectors import SELF_PARTY
from chapterhouse.relations.write_schema import (
    AgreementChanges,
    AgreementFields,
    HonourChanges,
    HonourFields,
    PartnerChanges,
    PartnerFields,
)


def award_give(
    *,
    person: Person,
    honour_slug: str,
    date: dt.date,
    decision: Any,
    citation: Any = None,
    recorder: ChangeRecorder | None = None,
) -> Award:
    """Give ``person`` the honour ``honour_slug`` on ``date``."""
    honour = Honour.objects.filter(slug=honour_slug).first()
    if honour is None:
        raise RecordError(
            not_found_message(Honour._meta.label_lower), path="honour", value=honour_slug
        )
    award = Award.objects.create(
        person=person, honour=honour, date=date, citation=citation, decision=decision
    )
    if recorder is not None:
        recorder.created(award)
    return award


def task_assignees_set(
    *, task: Task, assignees: list[dict[str, str]], people: Any = None, bodies: Any = None
) -> None:
    """Replace the task's assignees by ``[{"body": id} | {"person": id}]``, in order.

    ``people`` and ``bodies`` are the querysets the writer may see (all, when not given);
    an id outside them is answered like one that does not exist.
    """
    people = Person.objects.all() if people is None else people
    bodies = Body.objects.all() if bodies is None else bodies
    task.assignees.all().delete()
    rows = []
    for index, assignee in enumerate(assignees):
        if "body" in assignee:
            body = bodies.filter(slug=assignee["body"]).first()
            if body is None:
                raise RecordError(
                    not_found_message(Body._meta.label_lower),
                    path=f"assignees[{index}].body",
                    value=assignee["body"],
                )
            rows.append(TaskAssignee(task=task, body=body, position=index))
        else:
            person = people.filter(slug=assignee["person"]).first()
            if person is None:
                raise RecordError(
                    not_found_message(Person._meta.label_lower),
                    path=f"assignees[{index}].person",
                    value=assignee["person"],
                )
            rows.append(TaskAssignee(task=task, person=person, position=index))
    TaskAssignee.objects.bulk_create(rows)


def task_create_from_chronicle(
    *,
    data: dict[str, Any],
    decision: Any = None,
    recorder: ChangeRecorder | None = None,
    people: Any = None,
    bodies: Any = None,
) -> Task:
    """Create a task from a Chronicle task object; its assignees are looked up among
    ``people`` and ``bodies`` (see `task_assignees_set`)."""
    if Task.objects.filter(slug=data["id"]).exists():
        raise RecordError(_("a task with this id already exists"), path="id", value=data["id"])
    due = PartialDate.parse(data["due"]) if data.get("due") else None
    task = Task.objects.create(
        slug=data["id"],
        title=data["title"],
        due=due.start() if due else None,
        due_precision=due.precision if due else "day",
        status=data.get("status") or "open",
        decision=decision,
        extra=data.get("extra"),
    )
    task_assignees_set(
        task=task, assignees=data.get("assignees") or [], people=people, bodies=bodies
    )
    if recorder is not None:
        recorder.created(task)
    return task


def agreement_sign(
    *, slug: str, date: dt.date, decision: Any, recorder: ChangeRecorder | None = None
) -> Agreement:
    """Mark the agreement signed on ``date`` by ``decision``."""
    agreement = Agreement.objects.filter(slug=slug).first()
    if agreement is None:
        raise RecordError(
            not_found_message(Agreement._meta.label_lower), path="agreement", value=slug
        )
    if agreement.status in {"signed", "terminated"}:
        raise RecordError(
            _("the agreement is already signed")
            if agreement.status == "signed"
            else _("the agreement is already terminated"),
            path="agreement",
            value=slug,
        )
    fields_update(
        agreement,
        recorder=recorder,
        status="signed",
        date=date,
        date_precision="day",
        signed_by=decision,
    )
    return agreement


def agreement_status_move(
    *, slug: str, status: str, date: dt.date, recorder: ChangeRecorder | None = None
) -> Agreement:
    """Move the agreement to ``status`` (proposed, in development or terminated) on ``date``,
    by a decision (``recorder`` keeps what annulling it restores). A terminated agreement
    stays so, and a signed one can only be terminated."""
    agreement = Agreement.objects.filter(slug=slug).first()
    if agreement is None:
        raise RecordError(
            not_found_message(Agreement._meta.label_lower), path="agreement", value=slug
        )
    if agreement.status == "terminated" or (
        agreement.status == "signed" and status != "terminated"
    ):
        raise RecordError(
            _("the agreement is already signed")
            if agreement.status == "signed"
            else _("the agreement is already terminated"),
            path="status",
            value=status,
        )
    fields_update(agreement, recorder=recorder, status=status, date=date, date_precision="day")
    return agreement


# -- the desk's writes: partners, honours, agreements ---------------------------------------
#
# Partners, honours and agreements are the organization's own records, kept by those who
# act for it as a whole (`may_act_for_organization`: administrators and the officers of
# the body at the top). Each write checks that first, validates the Chronicle-shaped
# values, reads what it changes under a row lock and writes an audit entry, in one
# transaction. An agreement is signed only by a decision (its ``sign_agreement`` step),
# so that its status history always names the decision that signed it.

WRITABLE_AGREEMENT_STATUSES = ("proposed", "in_development")


def _require_organization(viewer: Viewer, doing: str) -> None:
    if not may_act_for_organization(viewer):
        raise PermissionDenied(
            _(
                "Only those who act for the whole organization (officers of the body at the"
                " top, administrators) may %(doing)s."
            )
            % {"doing": doing}
        )


def _first_text(value: Any) -> str:
    if isinstance(value, dict):
        return next((str(part) for part in value.values() if part), "")
    return str(value or "")


def _new_slug(
    viewer: Viewer, model: Any, requested: str | None, *, name: Any, fallback: str
) -> str:
    """Return the id of a new record, made of its name when none is asked for (see
    `new_record_id`)."""
    return new_record_id(
        model,
        requested,
        chooses=may_choose_ids(viewer),
        stem=_first_text(name),
        fallback=fallback,
    )


def _audit(
    viewer: Viewer,
    via: str,
    at: dt.datetime,
    *,
    kind: str,
    slug: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Record a create (``before`` None) or an update (only the fields that changed)."""
    if before is None:
        present = {key: value for key, value in after.items() if value not in (None, "", [])}
        audit_record(
            viewer=viewer,
            via=via,
            action="create",
            object_type=kind,
            object_id=slug,
            at=at,
            after=present,
        )
        return
    audit_update(
        viewer=viewer,
        via=via,
        object_type=kind,
        object_id=slug,
        at=at,
        before=before,
        after=after,
    )


# -- partners ---------------------------------------------------------------------------------


def partner_snapshot(partner: Partner) -> dict[str, Any]:
    """Return the partner's fields as a Chronicle writes them."""
    return {
        "name": partner.name,
        "kind": partner.kind or None,
        "country": partner.country or None,
    }


def _partner_set(partner: Partner, data: Mapping[str, Any]) -> None:
    if "name" in data:
        if data["name"] is None:
            raise ValidationError({"name": [_("A partner needs a name.")]})
        partner.name = data["name"]
    if "kind" in data:
        partner.kind = data["kind"] or ""
    if "country" in data:
        partner.country = data["country"] or ""


def _simple_create(
    viewer: Viewer,
    via: str,
    at: dt.datetime,
    *,
    model: Any,
    kind: str,
    fields: Any,
    data: Mapping[str, Any],
    write: Any,
    snapshot: Any,
) -> Any:
    """Create a partner or an honour: an id from its name, its fields, an audit entry."""
    with transaction.atomic():
        lock_record()
        record = model(slug=_new_slug(viewer, model, fields.id, name=fields.name, fallback=kind))
        write(record, data)
        record.save()
        _audit(viewer, via, at, kind=kind, slug=record.slug, before=None, after=snapshot(record))
    return record


def _simple_update(
    viewer: Viewer,
    via: str,
    at: dt.datetime,
    *,
    record: Any,
    kind: str,
    data: Mapping[str, Any],
    write: Any,
    snapshot: Any,
) -> Any:
    """Change a partner or an honour under its row lock, with an audit entry."""
    with transaction.atomic():
        lock_row(record)
        before = snapshot(record)
        write(record, data)
        record.save()
        _audit(viewer, via, at, kind=kind, slug=record.slug, before=before, after=snapshot(record))
    return record


def partner_create(
    *, viewer: Viewer, via: str, at: dt.datetime, values: Mapping[str, Any]
) -> Partner:
    """Record a new partner organization from ``values`` (see PartnerFields)."""
    _require_organization(viewer, _("record a partner"))
    fields = validated(PartnerFields, values)
    return _simple_create(
        viewer,
        via,
        at,
        model=Partner,
        kind="partner",
        fields=fields,
        data=given(fields),
        write=_partner_set,
        snapshot=partner_snapshot,
    )


def partner_update(
    *, viewer: Viewer, via: str, at: dt.datetime, partner: Partner, changes: Mapping[str, Any]
) -> Partner:
    """Change the given fields of ``partner`` (see PartnerChanges); null clears one."""
    _require_organization(viewer, _("change a partner"))
    return _simple_update(
        viewer,
        via,
        at,
        record=partner,
        kind="partner",
        data=given(validated(PartnerChanges, changes)),
        write=_partner_set,
        snapshot=partner_snapshot,
    )


# -- honours ----------------------------------------------------------------------------------


def honour_snapshot(honour: Honour) -> dict[str, Any]:
    """Return the honour's fields as a Chronicle writes them."""
    return {"name": honour.name, "kind": honour.kind}


def _honour_set(honour: Honour, data: Mapping[str, Any]) -> None:
    if "name" in data:
        if data["name"] is None:
            raise ValidationError({"name": [_("An honour needs a name.")]})
        honour.name = data["name"]
    if "kind" in data:
        if data["kind"] is None:
            raise ValidationError({"kind": [_("An honour needs a kind.")]})
        honour.kind = data["kind"]


def honour_create(
    *, viewer: Viewer, via: str, at: dt.datetime, values: Mapping[str, Any]
) -> Honour:
    """Record a new honour from ``values`` (see HonourFields)."""
    _require_organization(viewer, _("record an honour"))
    fields = validated(HonourFields, values)
    data = given(fields)
    data.setdefault("kind", fields.kind)
    return _simple_create(
        viewer,
        via,
        at,
        model=Honour,
        kind="honour",
        fields=fields,
        data=data,
        write=_honour_set,
        snapshot=honour_snapshot,
    )


def honour_update(
    *, viewer: Viewer, via: str, at: dt.datetime, honour: Honour, changes: Mapping[str, Any]
) -> Honour:
    """Change the given fields of ``honour`` (see HonourChanges)."""
    _require_organization(viewer, _("change an honour"))
    return _simple_update(
        viewer,
        via,
        at,
        record=honour,
        kind="honour",
        data=given(validated(HonourChanges, changes)),
        write=_honour_set,
        snapshot=honour_snapshot,
    )


# -- agreements -------------------------------------------------------------------------------


def agreement_snapshot(agreement: Agreement) -> dict[str, Any]:
    """Return the agreement's fields as a Chronicle writes them (signatories by id: only
    the writer, who may see them, is shown this)."""
    return {
        "title": agreement.title,
        "parties": list(agreement.parties or []),
        "status": agreement.status,
        "date": start_text(agreement.date, agreement.date_precision),
        "articles": list(agreement.articles or []),
        "signatories": [
            {"person": signatory.person.slug, "party": signatory.party, "title": signatory.title}
            for signatory in agreement.signatories.select_related("person").order_by(
                "position", "pk"
            )
        ],
        "signed_by": agreement.signed_by.slug if agreement.signed_by_id else None,  # type: ignore[union-attr]
    }


def _signed_refusal() -> str:
    return _(
        "An agreement is signed only by a decision: record a decision with a “sign the"
        " agreement” step, and adopting it signs the agreement."
    )


def _agreement_set(
    viewer: Viewer, agreement: Agreement, data: Mapping[str, Any]
) -> list[AgreementSignatory] | None:
    """Apply ``data`` to ``agreement``; return its new signatories (None: unchanged).

    Parties are ``self`` or partners; signatories are people the writer may see (anyone
    else is answered like a person who does not exist), each for one of the parties.
    """
    errors: dict[str, list[str]] = {}
    signed = agreement.pk is not None and agreement.status == "signed"
    if "title" in data:
        if data["title"] is None:
            errors["title"] = [_("An agreement needs a title.")]
        else:
            agreement.title = data["title"]
    if "status" in data:
        status = data["status"] or "proposed"
        if signed and status != "signed":
            errors["status"] = [
                _("This agreement was signed by a decision; annul that decision to undo it.")
            ]
        elif status == "signed" and not signed:
            errors["status"] = [_signed_refusal()]
        elif status not in WRITABLE_AGREEMENT_STATUSES and not signed:
            errors["status"] = [_("An agreement recorded here is proposed or in development.")]
        elif not signed:
            agreement.status = status
            agreement.base_status = status
    if "date" in data:
        text_date = data["date"]
        day, precision = start_of(text_date)
        if signed and (day, precision) != (agreement.date, agreement.date_precision):
            errors["date"] = [_("This agreement's date is the day the decision signed it.")]
        elif not signed:
            agreement.date = day
            agreement.date_precision = precision
            agreement.base_date = text_date or ""
    if "parties" in data:
        parties = list(data["parties"] or [])
        known = set(
            Partner.objects.filter(slug__in=[p for p in parties if p != SELF_PARTY]).values_list(
                "slug", flat=True
            )
        )
        seen: set[str] = set()
        for n, party in enumerate(parties):
            if party != SELF_PARTY and party not in known:
                errors[f"parties[{n}]"] = [_("No partner with the id “%(id)s”.") % {"id": party}]
            elif party in seen:
                errors[f"parties[{n}]"] = [_("This party is listed twice.")]
            seen.add(party)
        agreement.parties = parties
    if "articles" in data:
        agreement.articles = [article for article in (data["articles"] or []) if article]
    signatories: list[AgreementSignatory] | None = None
    parties_now = set(agreement.parties or [])
    if "signatories" in data:
        visible = Person.objects.filter(viewer.people_filter())
        wanted = list(data["signatories"] or [])
        found = {
            person.slug: person
            for person in visible.filter(slug__in=[row["person"] for row in wanted])
        }
        signatories = []
        for n, row in enumerate(wanted):
            person = found.get(row["person"])
            if person is None:
                errors[f"signatories[{n}].person"] = [
                    _("No person with the id “%(id)s”.") % {"id": row["person"]}
                ]
            if row["party"] not in parties_now:
                errors[f"signatories[{n}].party"] = [
                    _("“%(party)s” is not a party to this agreement.") % {"party": row["party"]}
                ]
            if person is not None:
                signatories.append(
                    AgreementSignatory(
                        person=person, party=row["party"], title=row.get("title"), position=n
                    )
                )
    elif "parties" in data and agreement.pk is not None:
        for n, party in enumerate(
            agreement.signatories.order_by("position", "pk").values_list("party", flat=True)
        ):
            if party not in parties_now:
                errors[f"signatories[{n}].party"] = [
                    _("“%(party)s” is not a party to this agreement.") % {"party": party}
                ]
    if errors:
        raise ValidationError(errors)
    return signatories


def _signatories_write(agreement: Agreement, signatories: list[AgreementSignatory] | None) -> None:
    if signatories is None:
        return
    agreement.signatories.all().delete()
    for signatory in signatories:
        signatory.agreement = agreement
    AgreementSignatory.objects.bulk_create(signatories)


def agreement_create(
    *, viewer: Viewer, via: str, at: dt.datetime, values: Mapping[str, Any]
) -> Agreement:
    """Record a new agreement from ``values`` (see AgreementFields): proposed or in
    development; ``signed`` is refused (a decision signs it)."""
    _require_organization(viewer, _("record an agreement"))
    fields = validated(AgreementFields, values)
    data = given(fields)
    data.setdefault("status", fields.status)
    data.setdefault("parties", [])
    with transaction.atomic():
        lock_record()
        agreement = Agreement(status="proposed", base_status="proposed")
        signatories = _agreement_set(viewer, agreement, data)
        agreement.slug = _new_slug(
            viewer, Agreement, fields.id, name=fields.title, fallback="agreement"
        )
        agreement.save()
        _signatories_write(agreement, signatories)
        _audit(
            viewer,
            via,
            at,
            kind="agreement",
            slug=agreement.slug,
            before=None,
            after=agreement_snapshot(agreement),
        )
    return agreement


def agreement_update(
    *, viewer: Viewer, via: str, at: dt.datetime, agreement: Agreement, changes: Mapping[str, Any]
) -> Agreement:
    """Change the given fields of ``agreement`` (see AgreementChanges). A signed agreement
    keeps its status and date (the signing decision's); its texts may still change."""
    _require_organization(viewer, _("change an agreement"))
    data = given(validated(AgreementChanges, changes))
    with transaction.atomic():
        lock_row(agreement)
        before = agreement_snapshot(agreement)
        signatories = _agreement_set(viewer, agreement, data)
        agreement.save()
        _signatories_write(agreement, signatories)
        _audit(
            viewer,
            via,
            at,
            kind="agreement",
            slug=agreement.slug,
            before=before,
            after=agreement_snapshot(agreement),
        )
    return agreement

"""Decisions: adopting one applies its effects, annulling it reverts them.

Effects are Chronicle effect objects (already shape-checked by the schema);
this module resolves their references and calls the registry and relations
services, recording every change so that it can be reverted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from chapterhouse.core.effects import ChangeRecorder, restore_fields
from chapterhouse.core.errors import RecordError
from chapterhouse.core.partial_dates import end_of, start_of
from chapterhouse.meetings.models import Decision, Document, EffectLog
from chapterhouse.registry import services as registry
from chapterhouse.registry.models import Body, Person
from chapterhouse.relations import services as relations


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
    """Return an end (exclusive): the day after the given period, or after the decision's
    date, since a decision's own day still belongs to what it ends."""
    day, precision = end_of(value)
    return (decision.date + dt.timedelta(days=1), "day") if day is None else (day, precision)


def _get(model: Any, slug: str, path: str) -> Any:
    try:
        return model.objects.get(slug=slug)
    except model.DoesNotExist:
        kind = model._meta.verbose_name
        raise RecordError(f"no {kind} with this id", path=path, value=slug) from None


def _apply_effect(decision: Decision, effect: dict[str, Any], recorder: ChangeRecorder) -> None:
    op = effect["op"]
    if op == "start_term":
        start, start_precision = _start(effect.get("start"), decision)
        end, end_precision = _end(effect["end"], decision) if effect.get("end") else (None, "day")
        registry.term_start(
            person=_get(Person, effect["person"], "person"),
            body=_get(Body, effect["body"], "body"),
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
            person=_get(Person, effect["person"], "person"),
            body=_get(Body, effect["body"], "body"),
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
        parent = _get(Body, parent_slug, "body.parent") if parent_slug else None
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
                _get(Body, slug, f"transfer[{index}].to[{n}]")
                for n, slug in enumerate(transfer.get("to") or [])
            ]
            transfers.append({**transfer, "to": to})
        registry.body_dissolve(
            body=_get(Body, effect["body"], "body"),
            date=end,
            date_precision=precision,
            transfers=transfers,
            decision=decision,
            recorder=recorder,
        )
    elif op == "rename_body":
        registry.body_rename(
            body=_get(Body, effect["body"], "body"),
            name=effect["name"],
            date=decision.date,
            decision=decision,
            recorder=recorder,
        )
    elif op == "award":
        citation = effect.get("citation")
        relations.award_give(
            person=_get(Person, effect["person"], "person"),
            honour_slug=effect["honour"],
            citation=_get(Document, citation, "citation") if citation else None,
            date=decision.date,
            decision=decision,
            recorder=recorder,
        )
    elif op == "assign_task":
        try:
            relations.task_create_from_chronicle(
                data=effect["task"], decision=decision, recorder=recorder
            )
        except RecordError as error:
            raise error.at("task") from None
    elif op == "sign_agreement":
        relations.agreement_sign(
            slug=effect["agreement"], date=decision.date, decision=decision, recorder=recorder
        )
    else:  # pragma: no cover - the schema admits no other op
        raise RecordError(f"unknown effect {op!r}", path="op", value=op)


def decision_apply(*, decision: Decision) -> None:
    """Apply every effect of ``decision`` and record the changes; all or nothing."""
    with transaction.atomic():
        recorder = ChangeRecorder(decision)
        for index, effect in enumerate(decision.effects):
            try:
                _apply_effect(decision, effect, recorder)
            except RecordError as error:
                raise error.at(f"effects[{index}]") from None
        recorder.save()


def decision_revert(*, decision: Decision) -> None:
    """Undo every change ``decision`` made, newest first.

    Refuses when a later decision changed something this one made (annul
    that one first), so history never points at what no longer exists.
    """
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
                f"decision {entry.decision.slug} changed what this decision made; annul it first",
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
                        f"cannot revert: {blockers} still depend on what this decision made",
                        value=decision.slug,
                    ) from None
            else:
                restore_fields(entry.model, entry.object_pk, entry.before or {})
        EffectLog.objects.filter(decision=decision).delete()


def decision_annul(*, decision: Decision) -> Decision:
    """Annul an adopted decision: revert every effect and mark it annulled."""
    if decision.status != "adopted":
        raise RecordError(
            f"only an adopted decision can be annulled; this one is {decision.status}",
            path="status",
            value=decision.status,
        )
    with transaction.atomic():
        decision_revert(decision=decision)
        decision.status = "annulled"
        decision.save(update_fields=["status"])
    return decision


def decision_adopt(*, decision: Decision) -> Decision:
    """Adopt a proposed (or annulled) decision and apply its effects."""
    # A rejected or withdrawn proposal stays so; an annulled one may be corrected
    # and adopted again.
    if decision.status not in {"proposed", "annulled"}:
        raise RecordError(
            f"only a proposed or annulled decision can be adopted; this one is {decision.status}",
            path="status",
            value=decision.status,
        )
    with transaction.atomic():
        decision.status = "adopted"
        decision.save(update_fields=["status"])
        decision_apply(decision=decision)
    return decision

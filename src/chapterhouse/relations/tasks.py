"""Instructions with deadlines: give a standing one, change it, mark it done or open it
again, and remind the assignees of what is overdue.

Tasks given by a decision are created when the decision is adopted
(`relations.services.task_create_from_chronicle`); the functions here are the desk's
writes. Each is keyword-only (``viewer``, ``via``, ``at``), checks permission through
the named predicates of `custody.access`, resolves references among what the writer may
see, locks what it reads-then-writes and records an audit entry, in one transaction.

A task is *overdue* on a day when it is still open and the whole period of its due date
is over: due ``2025-07-01`` is overdue from 2 July, due ``2025-07`` from 1 August.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chapterhouse.core.cldr import catalogue_code
from chapterhouse.core.ids import new_record_id
from chapterhouse.core.intervals import held_on
from chapterhouse.core.locks import lock_record, lock_row
from chapterhouse.core.mail import mail_enqueue, site_url
from chapterhouse.core.partial_dates import PartialDate, format_start, period_in, start_text
from chapterhouse.core.text import Text, text_in
from chapterhouse.core.write_schema import TaskChanges, TaskFields, given, validated
from chapterhouse.custody.access import (
    WRITE_ROLE,
    Viewer,
    may_change_task,
    may_choose_ids,
    may_complete_task,
    may_give_task,
    may_send_reminders,
)
from chapterhouse.custody.models import Grant
from chapterhouse.custody.services import audit_record, audit_update
from chapterhouse.registry.models import Body, Organization, Person
from chapterhouse.registry.selectors import body_names_as_of
from chapterhouse.relations.models import Task, TaskAssignee, TaskReminder

User = get_user_model()

# -- reading a task's dates ------------------------------------------------------------------


def task_due_end(task: Task) -> dt.date | None:
    """Return the first day after the period the task is due in (None when undated)."""
    if task.due is None:
        return None
    return PartialDate.parse(format_start(task.due, task.due_precision)).end()


def task_is_overdue(task: Task, *, on: dt.date) -> bool:
    """Whether the task is open and its due period is over on ``on``."""
    end = task_due_end(task)
    return task.status == "open" and end is not None and end <= on


def overdue_filter(on: dt.date) -> Q:
    """A filter on Task keeping the open tasks overdue on ``on`` (see the module)."""
    return Q(status="open") & (
        Q(due_precision="day", due__lt=on)
        | Q(due_precision="month", due__lt=on.replace(day=1))
        | Q(due_precision="year", due__lt=on.replace(month=1, day=1))
    )


# -- snapshots and references ------------------------------------------------------------------


def task_snapshot(task: Task) -> dict[str, Any]:
    """Return the task's fields as the audit trail and the API write them."""
    assignees: list[dict[str, str]] = []
    for assignee in task.assignees.select_related("body", "person").order_by("position", "pk"):
        if assignee.body is not None:
            assignees.append({"body": assignee.body.slug})
        elif assignee.person is not None:
            assignees.append({"person": assignee.person.slug})
    return {
        "title": task.title,
        "assignees": assignees,
        "due": start_text(task.due, task.due_precision),
        "status": task.status,
        "decision": task.decision.slug if task.decision_id else None,  # type: ignore[union-attr]
        "done_on": task.done_on.isoformat() if task.done_on else None,
        "done_note": task.done_note or None,
        "extra": task.extra,
    }


def _present(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in snapshot.items() if value not in (None, "", [], {})}


@dataclass
class _Assignees:
    bodies: list[Body]
    people: list[Person]
    rows: list[tuple[Body | None, Person | None]]


def _resolve_assignees(viewer: Viewer, assignees: list[dict[str, Any]]) -> _Assignees:
    """Return the bodies and people named, looked up among those the writer may see: one
    they may not see is answered exactly like an id that does not exist."""
    bodies_seen = Body.objects.filter(viewer.body_filter())
    people_seen = Person.objects.filter(viewer.people_filter())
    errors: dict[str, list[str]] = {}
    rows: list[tuple[Body | None, Person | None]] = []
    named: set[tuple[str, int]] = set()  # the same body or person twice counts once
    for index, assignee in enumerate(assignees):
        if assignee.get("body"):
            body = bodies_seen.filter(slug=assignee["body"]).first()
            if body is None:
                errors[f"assignees[{index}].body"] = [
                    _("No body with the id “%(id)s”.") % {"id": assignee["body"]}
                ]
                continue
            if ("body", body.pk) not in named:
                named.add(("body", body.pk))
                rows.append((body, None))
        else:
            person = people_seen.filter(slug=assignee.get("person")).first()
            if person is None:
                errors[f"assignees[{index}].person"] = [
                    _("No person with the id “%(id)s”.") % {"id": assignee.get("person")}
                ]
                continue
            if ("person", person.pk) not in named:
                named.add(("person", person.pk))
                rows.append((None, person))
    if errors:
        raise ValidationError(errors)
    return _Assignees(
        bodies=[body for body, _p in rows if body is not None],
        people=[person for _b, person in rows if person is not None],
        rows=rows,
    )


def _refuse_giving(viewer: Viewer, assignees: _Assignees) -> None:
    if may_give_task(
        viewer, body_ids=[body.pk for body in assignees.bodies], people=assignees.people
    ):
        return
    outside = [body.slug for body in assignees.bodies if not viewer.covers(WRITE_ROLE, body.pk)]
    if outside:
        raise PermissionDenied(
            _("Only officers of %(bodies)s (or a body above) may give them an instruction.")
            % {"bodies": ", ".join(sorted(outside))}
        )
    raise PermissionDenied(
        _("Only the custodians of the people it is given to may give them an instruction.")
    )


def _write_assignees(task: Task, assignees: _Assignees) -> None:
    task.assignees.all().delete()
    TaskAssignee.objects.bulk_create(
        TaskAssignee(task=task, body=body, person=person, position=index)
        for index, (body, person) in enumerate(assignees.rows)
    )


def _set_due(task: Task, due: str | None) -> None:
    if due:
        parsed = PartialDate.parse(due)
        task.due, task.due_precision = parsed.start(), parsed.precision
    else:
        task.due, task.due_precision = None, "day"


def _new_id(viewer: Viewer, requested: str | None) -> str:
    return new_record_id(Task, requested, chooses=may_choose_ids(viewer), fallback="task")


def _audit_body(task: Task) -> int | None:
    first = task.assignees.filter(body__isnull=False).order_by("position", "pk").first()
    return first.body_id if first is not None else None


# -- the writes --------------------------------------------------------------------------------


def task_create(*, viewer: Viewer, via: str, at: dt.datetime, values: Mapping[str, Any]) -> Task:
    """Give a standing instruction from Chronicle-shaped ``values`` (see TaskFields).

    The writer must be an officer of every body it is given to and a custodian of every
    person (`custody.access.may_give_task`). Raise PermissionDenied or ValidationError.
    """
    fields = validated(TaskFields, values)
    data = given(fields)
    with transaction.atomic():
        lock_record()
        assignees = _resolve_assignees(viewer, data["assignees"])
        _refuse_giving(viewer, assignees)
        task = Task(slug=_new_id(viewer, fields.id), title=data["title"], status="open")
        _set_due(task, data.get("due"))
        task.extra = data.get("extra")
        task.save()
        _write_assignees(task, assignees)
        audit_record(
            viewer=viewer,
            via=via,
            action="create",
            object_type="task",
            object_id=task.slug,
            at=at,
            body=assignees.bodies[0] if assignees.bodies else None,
            after=_present(task_snapshot(task)),
        )
    return task


def _refuse_completing(viewer: Viewer, task: Task) -> None:
    if not may_complete_task(viewer, task):
        raise PermissionDenied(
            _(
                "Only the officers of a body it is given to, the people it is given to and"
                " those who act for the organization may mark this task done."
            )
        )


def _mark(task: Task, *, status: str, viewer: Viewer, at: dt.datetime, note: str) -> None:
    if status == "done":
        if task.status == "done":
            raise ValidationError({"status": [_("This task is already done.")]})
        task.status = "done"
        task.done_on = timezone.localdate(at)
        task.done_note = note.strip()
        task.done_by_id = viewer.user_id
    else:
        task.status = status
        task.done_on = None
        task.done_note = ""
        task.done_by_id = None


def task_update(
    *, viewer: Viewer, via: str, at: dt.datetime, task: Task, changes: Mapping[str, Any]
) -> Task:
    """Change the given fields of ``task`` (see TaskChanges); null clears the due date.

    ``status`` alone (``done`` with a ``note``, or ``open``) is what the assignees may
    change (`may_complete_task`); the title, the assignees, the due date and a
    cancellation are for those who may give it to its assignees, before and after the
    change, and only for a standing instruction (a decision's changes with the decision).
    A change that changes nothing leaves no audit entry.
    """
    data = given(validated(TaskChanges, changes))
    note = data.pop("note", None) or ""
    status = data.pop("status", None)
    if note and status != "done":
        raise ValidationError({"note": [_("A note goes with marking the task done.")]})
    if "title" in data and data["title"] is None:
        raise ValidationError({"title": [_("A task needs a title.")]})
    if "assignees" in data and not data["assignees"]:
        raise ValidationError({"assignees": [_("Give the task to at least one body or person.")]})
    with transaction.atomic():
        lock_row(task)
        before = task_snapshot(task)
        substance = bool(data) or status == "cancelled"
        if substance:
            task_refuse_changing(viewer, task)
            if "assignees" in data:
                assignees = _resolve_assignees(viewer, data["assignees"])
                _refuse_giving(viewer, assignees)
                _write_assignees(task, assignees)
            if "title" in data:
                task.title = data["title"]
            if "due" in data:
                _set_due(task, data["due"])
            if "extra" in data:
                task.extra = data["extra"]
        if status is not None and (status != task.status or status == "done"):
            if not substance:
                _refuse_completing(viewer, task)
            _mark(task, status=status, viewer=viewer, at=at, note=note)
        task.save()
        audit_update(
            viewer=viewer,
            via=via,
            object_type="task",
            object_id=task.slug,
            at=at,
            body=lambda: _audit_body(task),
            before=before,
            after=task_snapshot(task),
        )
    return task


def task_refuse_changing(viewer: Viewer, task: Task) -> None:
    """Refuse, saying why, unless the viewer may change ``task`` as it is now
    (`custody.access.may_change_task`); the edit page asks this before showing its form."""
    if task.decision_id is not None:
        raise PermissionDenied(
            _("This instruction was given by a decision: change it through the decision.")
        )
    if not may_change_task(viewer, task):
        raise PermissionDenied(
            _("Only those who may give an instruction to all its assignees may change it.")
        )


def task_mark_done(*, viewer: Viewer, via: str, at: dt.datetime, task: Task, note: str) -> Task:
    """Mark ``task`` done on the day of ``at`` with ``note`` (what was done), by an assignee
    (`custody.access.may_complete_task`)."""
    return task_update(
        viewer=viewer, via=via, at=at, task=task, changes={"status": "done", "note": note}
    )


def task_reopen(*, viewer: Viewer, via: str, at: dt.datetime, task: Task) -> Task:
    """Open ``task`` again (its done date and note are cleared; the audit trail keeps
    them)."""
    return task_update(viewer=viewer, via=via, at=at, task=task, changes={"status": "open"})


# -- overdue reminders -------------------------------------------------------------------------


def _recipients(task: Task, *, on: dt.date) -> list[tuple[Any, Person | None]]:
    """Return ``(user, person)`` for each account to remind of ``task``: the officers of the
    bodies it is given to (a grant on the body itself, active on ``on``) and the people it
    is given to who have an account; active accounts only, each once."""
    body_ids = [a.body_id for a in task.assignees.all() if a.body_id is not None]
    person_ids = [a.person_id for a in task.assignees.all() if a.person_id is not None]
    officers = Grant.objects.filter(held_on(on), role=WRITE_ROLE, body_id__in=body_ids)
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=officers.values("user_id")) | Q(account__person_id__in=person_ids))
        .select_related("account__person")
        .prefetch_related("account__person__names")
        .order_by("username")
    )
    found = []
    for user in users:
        account = getattr(user, "account", None)
        found.append((user, account.person if account is not None else None))
    return found


def recipient_language(person: Person | None) -> str:
    """Return the interface language to write to someone in: the language of their own
    (native) name when the interface is translated into it, else the organization's
    default language (accounts record no language of their own)."""
    interface = {code for code, _name in settings.LANGUAGES}
    if person is not None:
        for name in person.names.all():
            if name.kind == "native" and name.lang and catalogue_code(name.lang) in interface:
                return catalogue_code(name.lang)
    org = Organization.objects.values_list("default_language", flat=True).first()
    fallback = catalogue_code(org or settings.LANGUAGE_CODE)
    return fallback if fallback in interface else settings.LANGUAGE_CODE


def _reminder(
    task: Task, language: str, default: str, bodies: list[Text] | None = None
) -> tuple[str, str]:
    """Return the subject and text of an overdue reminder in ``language``: the task by its
    title, the bodies it is given to by their names (``bodies``), its due date by CLDR."""
    from chapterhouse.core.cldr import list_join

    title = text_in(task.title, language, default)
    given_to = list_join([text_in(name, language, default) for name in bodies or []], language)
    with translation.override(language):
        due = period_in(task.due, task.due_precision, language)
        subject = _("Overdue: %(title)s") % {"title": title}
        url = site_url() + reverse("web:task", args=[task.slug])
        body = "\n".join(
            [
                _("This instruction was due %(due)s and is not marked done yet:") % {"due": due},
                "",
                f"  {title}",
                "",
                *([_("Given to: %(bodies)s") % {"bodies": given_to}, ""] if given_to else []),
                _("Mark it done, with a note on what was done: %(url)s") % {"url": url},
                "",
            ]
        )
    return subject, body


def tasks_remind_overdue(
    *, viewer: Viewer, via: str, on: dt.date, at: dt.datetime
) -> list[tuple[Task, list[str]]]:
    """Queue one e-mail per recipient for every task overdue on ``on`` not yet reminded of
    that day; return each task reminded of with the addresses written to.

    Each recipient gets the message in their own language (`recipient_language`). What
    was sent is recorded (`TaskReminder`, one row per task and day, and an audit entry),
    so a second run on the same day sends nothing again. Administrators only (the
    command line's operator). A task with nobody to write to is not recorded, so it is
    tried again the next run.
    """
    if not may_send_reminders(viewer):
        raise PermissionDenied(_("Only administrators send the overdue reminders."))
    default = Organization.objects.values_list("default_language", flat=True).first() or "en"
    sent: list[tuple[Task, list[str]]] = []
    with transaction.atomic():
        # Two runs at once: the second waits here, then finds the first one's reminders.
        lock_record()
        overdue = list(
            Task.objects.filter(overdue_filter(on))
            .exclude(reminders__on=on)
            .prefetch_related("assignees__body")
            .order_by("due", "slug")
        )
        # The bodies by the names they bear on the day of the reminder, read at once.
        names = body_names_as_of(
            bodies={
                assignee.body
                for task in overdue
                for assignee in task.assignees.all()
                if assignee.body is not None
            },
            as_of=on,
        )
        for task in overdue:
            addresses = []
            given_to = [
                names[assignee.body_id]
                for assignee in task.assignees.all()
                if assignee.body_id is not None
            ]
            for user, person in _recipients(task, on=on):
                address = str(user.email or user.get_username())
                subject, body = _reminder(task, recipient_language(person), default, given_to)
                mail_enqueue(to=[address], subject=subject, body=body)
                addresses.append(address)
            if not addresses:
                continue
            TaskReminder.objects.create(task=task, on=on, recipients=addresses)
            audit_record(
                viewer=viewer,
                via=via,
                action="remind",
                object_type="task",
                object_id=task.slug,
                at=at,
                body=_audit_body(task),
                after={"on": on.isoformat(), "recipients": len(addresses)},
            )
            sent.append((task, addresses))
    return sent

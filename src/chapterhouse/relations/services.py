"""Changes to awards, tasks and agreements made by decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chapterhouse.core.effects import ChangeRecorder
from chapterhouse.core.errors import RecordError
from chapterhouse.core.partial_dates import PartialDate
from chapterhouse.registry.models import Body, Person
from chapterhouse.relations.models import Agreement, Award, Honour, Task, TaskAssignee


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
        raise RecordError("no honour with this id", path="honour", value=honour_slug)
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
                    "no body with this id", path=f"assignees[{index}].body", value=assignee["body"]
                )
            rows.append(TaskAssignee(task=task, body=body, position=index))
        else:
            person = people.filter(slug=assignee["person"]).first()
            if person is None:
                raise RecordError(
                    "no person with this id",
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
        raise RecordError("a task with this id already exists", path="id", value=data["id"])
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
        raise RecordError("no agreement with this id", path="agreement", value=slug)
    if agreement.status in {"signed", "terminated"}:
        raise RecordError(
            f"the agreement is already {agreement.status}", path="agreement", value=slug
        )
    before = {
        "status": agreement.status,
        "date": agreement.date,
        "date_precision": agreement.date_precision,
        "signed_by_id": agreement.signed_by_id,
    }
    agreement.status = "signed"
    agreement.date = date
    agreement.date_precision = "day"
    agreement.signed_by = decision
    agreement.save(update_fields=["status", "date", "date_precision", "signed_by"])
    if recorder is not None:
        recorder.updated(agreement, before)
    return agreement

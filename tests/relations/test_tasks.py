"""Instructions with deadlines: giving, changing, marking done, reminding, and the API."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from chapterhouse.custody.access import ADMIN, viewer_for_user
from chapterhouse.custody.models import AuditEntry
from chapterhouse.relations import tasks
from chapterhouse.relations.models import Task, TaskReminder
from tests.conftest import sign_in

ON = dt.date(2025, 8, 1)


def viewer(personas: dict[str, Any], name: str) -> Any:
    return viewer_for_user(personas[name], on=ON)


def give(who: Any, **values: Any) -> Task:
    return tasks.task_create(viewer=who, via="web", at=timezone.now(), values=values)


def test_an_officer_gives_a_standing_instruction_with_a_partial_due_date(personas):
    bob = viewer(personas, "bob")

    task = give(
        bob,
        title={"en": "Count the members"},
        assignees=[{"body": "ec-kz"}, {"person": "olga-smirnova"}],
        due="2025-09",
    )

    assert task.slug.startswith("task-")
    assert (task.due, task.due_precision) == (dt.date(2025, 9, 1), "month")
    assert [(a.body and a.body.slug, a.person and a.person.slug) for a in task.assignees.all()] == [
        ("ec-kz", None),
        (None, "olga-smirnova"),
    ]
    entry = AuditEntry.objects.get(object_type="task", object_id=task.slug)
    assert (entry.action, entry.after["due"]) == ("create", "2025-09")


def test_no_one_gives_an_instruction_to_a_body_they_are_not_an_officer_of(personas):
    with pytest.raises(PermissionDenied):
        give(viewer(personas, "bob"), title="Visit Tokyo", assignees=[{"body": "ec-jp"}])
    with pytest.raises(PermissionDenied):
        give(viewer(personas, "mia"), title="Visit Tokyo", assignees=[{"body": "ec-jp"}])
    assert not Task.objects.filter(title="Visit Tokyo").exists()


def test_a_person_the_writer_may_not_see_is_answered_like_one_that_does_not_exist(personas):
    alice_sees_lark = give(viewer(personas, "alice"), title="Write", assignees=[{"person": "lark"}])
    assert alice_sees_lark.assignees.get().person.slug == "lark"

    for slug in ("lark", "nobody-at-all"):
        with pytest.raises(ValidationError) as refused:
            give(viewer(personas, "bob"), title="Write", assignees=[{"person": slug}])
        assert refused.value.message_dict == {
            "assignees[0].person": [f"No person with the id “{slug}”."]
        }


def test_a_due_date_that_is_not_on_the_calendar_is_refused(personas):
    with pytest.raises(ValidationError) as refused:
        give(ADMIN, title="Plan", assignees=[{"body": "ec-kz"}], due="2025-02-30")
    assert "due" in refused.value.message_dict


def test_bob_marks_an_ec_kz_task_done_with_a_note_and_may_open_it_again(personas):
    task = Task.objects.get(slug="student-clubs")
    bob = viewer(personas, "bob")
    at = dt.datetime(2025, 11, 3, 10, 0, tzinfo=dt.UTC)

    tasks.task_mark_done(viewer=bob, via="web", at=at, task=task, note="Three clubs are open.")

    task.refresh_from_db()
    assert (task.status, task.done_on, task.done_note) == (
        "done",
        dt.date(2025, 11, 3),
        "Three clubs are open.",
    )
    assert task.done_by == personas["bob"]
    entry = AuditEntry.objects.get(object_type="task", object_id="student-clubs", action="update")
    assert entry.after["status"] == "done" and entry.before["status"] == "open"

    tasks.task_reopen(viewer=bob, via="web", at=at, task=task)
    task.refresh_from_db()
    assert (task.status, task.done_on, task.done_note) == ("open", None, "")


def test_mia_may_not_mark_it_done_nor_change_it(personas):
    task = Task.objects.get(slug="student-clubs")
    mia = viewer(personas, "mia")
    with pytest.raises(PermissionDenied):
        tasks.task_mark_done(viewer=mia, via="web", at=timezone.now(), task=task, note="")
    with pytest.raises(PermissionDenied):
        tasks.task_update(
            viewer=mia, via="web", at=timezone.now(), task=task, changes={"due": "2026"}
        )
    task.refresh_from_db()
    assert (task.status, task.due) == ("open", dt.date(2025, 12, 31))


def test_the_assigned_person_marks_their_own_task_done(personas):
    from chapterhouse.registry.models import Person

    task = give(ADMIN, title="Send the photos", assignees=[{"person": "park-minjun"}])
    mia = viewer(personas, "mia")
    assert mia.person_id == Person.objects.get(slug="park-minjun").pk

    tasks.task_mark_done(viewer=mia, via="web", at=timezone.now(), task=task, note="Sent.")

    task.refresh_from_db()
    assert task.status == "done"


def test_an_instruction_given_by_a_decision_changes_only_through_the_decision(personas):
    task = Task.objects.get(slug="proceedings")
    with pytest.raises(PermissionDenied):
        tasks.task_update(
            viewer=ADMIN, via="web", at=timezone.now(), task=task, changes={"title": "Other"}
        )
    tasks.task_mark_done(viewer=ADMIN, via="web", at=timezone.now(), task=task, note="Out")
    task.refresh_from_db()
    assert task.status == "done"


def test_overdue_means_the_whole_due_period_is_over(demo):
    task = Task(status="open", due=dt.date(2025, 7, 1), due_precision="month")
    assert not tasks.task_is_overdue(task, on=dt.date(2025, 7, 31))
    assert tasks.task_is_overdue(task, on=dt.date(2025, 8, 1))
    assert Task.objects.filter(tasks.overdue_filter(dt.date(2025, 7, 2))).get().slug == (
        "proceedings"
    )
    assert not Task.objects.filter(tasks.overdue_filter(dt.date(2025, 7, 1))).exists()


# -- reminders ---------------------------------------------------------------------------------


@pytest.fixture
def timur_account(personas: dict[str, Any]) -> Any:
    from chapterhouse.custody.services import user_add
    from chapterhouse.registry.models import Person

    return user_add(
        viewer=ADMIN,
        via="cli",
        email="timur@chapterhouse.test",
        person=Person.objects.get(slug="timur-akhmetov"),
        grants=[],
        is_admin=False,
        on=dt.date(2000, 1, 1),
        at=timezone.now(),
    )


def test_the_reminder_mails_the_officers_and_the_assigned_people_once_a_day(
    timur_account, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("tasks", "remind", "--on", "2026-01-02", stdout=StringIO())
    run_tasks()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "bob@chapterhouse.test",
        "timur@chapterhouse.test",
    ]
    [to_bob] = [m for m in mail.outbox if m.to == ["bob@chapterhouse.test"]]
    # Aigerim Bekova writes her name in Russian: the task and its due date are in Russian.
    assert "Открыть клубы дружбы в трёх университетах" in to_bob.subject
    assert "31 декабря 2025" in to_bob.body
    assert "/tasks/student-clubs/" in to_bob.body
    # The bodies it is given to by name, in the reader's language; no ids.
    assert "Казахский исполнительный комитет" in to_bob.body
    assert "ec-kz" not in to_bob.body
    # Nobody holds an officer grant on dept-3 itself: the proceedings wait for the next run.
    assert list(TaskReminder.objects.values_list("task__slug", "on")) == [
        ("student-clubs", dt.date(2026, 1, 2))
    ]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("tasks", "remind", "--on", "2026-01-02", stdout=StringIO())
    run_tasks()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        call_command("tasks", "remind", "--on", "2026-01-03", stdout=StringIO())
    run_tasks()
    assert len(mail.outbox) == 2


def test_a_task_done_or_not_yet_due_is_not_reminded_of(
    personas, run_tasks, django_capture_on_commit_callbacks
):
    Task.objects.filter(slug="student-clubs").update(status="done")
    with django_capture_on_commit_callbacks(execute=True):
        sent = tasks.tasks_remind_overdue(
            viewer=ADMIN, via="cli", on=dt.date(2026, 1, 2), at=timezone.now()
        )
    run_tasks()
    assert sent == [] and mail.outbox == []


def test_only_administrators_send_the_reminders(personas):
    with pytest.raises(PermissionDenied):
        tasks.tasks_remind_overdue(
            viewer=viewer(personas, "alice"), via="web", on=ON, at=timezone.now()
        )


# -- the API -----------------------------------------------------------------------------------


def api_client(personas: dict[str, Any], name: str) -> Client:
    from chapterhouse.custody.services import token_create

    _, token = token_create(user=personas[name], name="t", expires=None, at=timezone.now())
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_gives_an_instruction_and_marks_it_done(personas):
    bob = api_client(personas, "bob")

    created = bob.post(
        "/api/v1/tasks",
        data=json.dumps(
            {"title": {"en": "Report"}, "assignees": [{"body": "ec-kz"}], "due": "2025-10-15"}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    slug = created.json()["id"]
    assert created.json()["due"] == "2025-10-15"

    done = bob.patch(
        f"/api/v1/tasks/{slug}",
        data=json.dumps({"status": "done", "note": "Sent to the council."}),
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done"
    assert done.json()["done_note"] == "Sent to the council."
    assert bob.get(f"/api/v1/tasks/{slug}").json()["done_note"] == "Sent to the council."


def test_the_api_refuses_mia_and_names_a_bad_field(personas):
    mia = api_client(personas, "mia")
    refused = mia.patch(
        "/api/v1/tasks/student-clubs",
        data=json.dumps({"status": "done"}),
        content_type="application/json",
    )
    assert refused.status_code == 403

    bob = api_client(personas, "bob")
    bad = bob.post(
        "/api/v1/tasks",
        data=json.dumps({"title": "X", "assignees": [{"body": "no-such-body"}]}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["path"] == "assignees[0].body"


def test_a_note_without_marking_done_is_refused(personas):
    client = Client()
    sign_in(client, personas["bob"])
    with pytest.raises(ValidationError):
        tasks.task_update(
            viewer=viewer(personas, "bob"),
            via="api",
            at=timezone.now(),
            task=Task.objects.get(slug="student-clubs"),
            changes={"note": "hm"},
        )


@pytest.mark.parametrize(
    ("precision", "lang", "shown"),
    [("month", "en", "July 2025"), ("month", "ko", "2025년 7월"), ("year", "ko", "2025년")],
)
def test_the_reminder_writes_the_due_period_as_the_pages_do(db, precision, lang, shown):
    task = Task(
        slug="t",
        title="T",
        status="open",
        due=dt.date(2025, 1 if precision == "year" else 7, 1),
        due_precision=precision,
    )

    _subject, text = tasks._reminder(task, lang, "en")

    assert shown in text

"""The instructions on the site: the board, a task's page and its "mark done" form, the
forms of a standing instruction, and due days on the calendar and in the feeds."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from chapterhouse.registry.models import Body
from chapterhouse.relations.models import Task, TaskAssignee
from tests.conftest import sign_in


def as_user(personas: dict[str, Any], name: str) -> Client:
    client = Client()
    if name != "anonymous":
        sign_in(client, personas[name])
    return client


def section(html: str, name: str) -> str:
    """Return the HTML of the board's section ``name`` (overdue, open, done)."""
    match = re.search(rf'<section[^>]*id="{name}">(.*?)</section>', html, re.S)
    assert match is not None, name
    return match.group(1)


def test_the_board_shows_open_overdue_and_done_on_a_given_date(personas):
    Task.objects.create(slug="old-report", title={"en": "Old report"}, status="done")
    html = Client().get("/tasks/?as_of=2025-08-01").content.decode()

    assert "Publish the proceedings" in section(html, "overdue")
    assert "overdue" in section(html, "overdue")
    assert "Open friendship clubs" in section(html, "open")
    assert "Old report" in section(html, "done")
    # Before its due date the proceedings are simply open.
    earlier = Client().get("/tasks/?as_of=2025-06-01").content.decode()
    assert "Publish the proceedings" in section(earlier, "open")
    assert "July 1, 2025" in earlier  # the due date, by CLDR
    assert 'href="/decisions/gc5-d1-task/"' in earlier  # the decision that gave it


def test_my_instructions_are_those_given_to_me_or_my_bodies(personas):
    html = as_user(personas, "bob").get("/tasks/").content.decode()
    assert "My instructions" in html
    assert "Open friendship clubs" in html
    assert "Publish the proceedings" not in html
    body_board = Client().get("/bodies/dept-3/tasks/").content.decode()
    assert "Publish the proceedings" in body_board
    assert "Open friendship clubs" not in body_board


def test_a_hidden_person_is_never_named_and_an_internal_bodys_task_is_hidden(personas):
    clubs = Task.objects.get(slug="student-clubs")
    TaskAssignee.objects.create(task=clubs, person_id=_pk("olga-smirnova"), position=5)
    Body.objects.filter(slug="soc-steppe").update(internal=True)
    secret = Task.objects.create(slug="steppe-secret", title={"en": "Steppe plans"})
    TaskAssignee.objects.create(task=secret, body=Body.objects.get(slug="soc-steppe"))

    for client in (Client(), as_user(personas, "mia")):
        html = client.get("/tasks/?all=1").content.decode()
        assert "Olga Smirnova" not in html
        assert "Steppe plans" not in html
        assert client.get("/tasks/steppe-secret/").status_code == 404
    bob = as_user(personas, "bob").get("/tasks/").content.decode()
    assert "Olga Smirnova" in bob and "Steppe plans" in bob


def _pk(slug: str) -> int:
    from chapterhouse.registry.models import Person

    return Person.objects.get(slug=slug).pk


def test_bob_marks_an_ec_kz_task_done_with_a_note(personas):
    bob = as_user(personas, "bob")
    page = bob.get("/tasks/student-clubs/").content.decode()
    assert "Mark done" in page

    response = bob.post(
        "/tasks/student-clubs/",
        {"action": "done", "note": "Clubs opened in Almaty, Astana and Shymkent."},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/tasks/student-clubs/"
    assert "The task is marked done." in html
    assert "Clubs opened in Almaty, Astana and Shymkent." in html
    assert Task.objects.get(slug="student-clubs").status == "done"
    board = Client().get("/tasks/?all=1").content.decode()
    assert "Open friendship clubs" in section(board, "done")


def test_mia_may_not_mark_it_done_and_a_visitor_is_sent_to_sign_in(personas):
    mia = as_user(personas, "mia")
    assert "Mark done" not in mia.get("/tasks/student-clubs/").content.decode()
    assert mia.post("/tasks/student-clubs/", {"action": "done"}).status_code == 403
    visitor = Client().post("/tasks/student-clubs/", {"action": "done"})
    assert visitor.status_code == 302 and "/accounts/sign-in/" in visitor["Location"]
    assert Task.objects.get(slug="student-clubs").status == "open"


def test_bob_gives_a_standing_instruction_through_the_form(personas):
    bob = as_user(personas, "bob")
    form = bob.get("/tasks/new/?body=ec-kz").content.decode()
    assert 'lang="ru"' in form  # one title input per working language
    assert 'data-picker="people"' in form

    response = bob.post(
        "/tasks/new/",
        {
            "title_0": "Count the members",
            "title_2": "Посчитать членов",
            "bodies": ["ec-kz"],
            "person_0": "Olga Smirnova",
            "due": "2025-09",
        },
        follow=True,
    )

    html = response.content.decode()
    assert "The instruction is given." in html
    task = Task.objects.get(title__en="Count the members")
    assert task.title == {"en": "Count the members", "ru": "Посчитать членов"}
    assert (task.due, task.due_precision) == (dt.date(2025, 9, 1), "month")
    assert [a.person.slug for a in task.assignees.all() if a.person] == ["olga-smirnova"]
    assert "September 2025" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due", "2025-02-30", "is not a date on the calendar"),
        ("person_0", "Lark", "No person called"),
    ],
)
def test_bad_input_is_shown_beside_the_field_and_nothing_else_is_lost(
    personas, field, value, message
):
    bob = as_user(personas, "bob")
    data = {"title_0": "Keep me", "bodies": ["ec-kz"], field: value}
    response = bob.post("/tasks/new/", data)
    html = response.content.decode()
    assert message in html
    assert 'value="Keep me"' in html
    assert not Task.objects.filter(title__en="Keep me").exists()


def test_bob_edits_the_standing_instruction_but_not_one_given_by_a_decision(personas):
    bob = as_user(personas, "bob")
    form = bob.get("/tasks/student-clubs/edit/").content.decode()
    assert "Open friendship clubs at three universities" in form
    assert "Timur Akhmetov (timur-akhmetov)" in form

    response = bob.post(
        "/tasks/student-clubs/edit/",
        {
            "title_0": "Open friendship clubs at four universities",
            "bodies": ["ec-kz"],
            "person_0": "timur-akhmetov",
            "due": "2026-03-01",
        },
        follow=True,
    )
    assert "The instruction is saved." in response.content.decode()
    assert Task.objects.get(slug="student-clubs").due == dt.date(2026, 3, 1)
    assert bob.get("/tasks/proceedings/edit/").status_code == 403


def test_the_calendar_and_both_feeds_show_due_days_but_not_hidden_tasks(personas):
    Body.objects.filter(slug="soc-steppe").update(internal=True)
    secret = Task.objects.create(
        slug="steppe-secret", title={"en": "Steppe plans"}, due=dt.date(2025, 7, 3)
    )
    TaskAssignee.objects.create(task=secret, body=Body.objects.get(slug="soc-steppe"))

    month = Client().get("/calendar/?month=2025-07").content.decode()
    assert "Due: Publish the proceedings" in month
    assert "Steppe plans" not in month
    feed = Client().get("/calendar.ics").content.decode()
    assert "SUMMARY;LANGUAGE=en:Due: Publish the proceedings" in feed
    assert "DTSTART;VALUE=DATE:20250701" in feed
    assert "UID:task-proceedings@" in feed
    assert "Steppe plans" not in feed
    body_feed = Client().get("/bodies/ec-kz/calendar.ics").content.decode()
    assert "Due: Open friendship clubs" in body_feed
    assert "proceedings" not in body_feed
    assert "Steppe plans" not in body_feed
    insider = as_user(personas, "bob").get("/bodies/ec-kz/calendar.ics").content.decode()
    assert "Due: Steppe plans" in insider


def test_the_board_runs_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    kz = Body.objects.get(slug="ec-kz")
    for index in range(15):
        task = Task.objects.create(
            slug=f"extra-{index}", title={"en": f"Extra {index}"}, due=dt.date(2025, 6, 1)
        )
        TaskAssignee.objects.create(task=task, body=kz)
        TaskAssignee.objects.create(task=task, person_id=_pk("olga-smirnova"), position=1)
    bob = as_user(personas, "bob")
    bob.get("/tasks/")  # warm the session and the organization caches
    # (12: the body filter lists bodies by their names of today, found by every old name;
    # and one for the assignees' names in the reader's language, docs/decisions/0028.)
    with django_assert_max_num_queries(13):
        response = bob.get("/tasks/?all=1&as_of=2025-08-01")
    assert response.content.decode().count('class="task-card') >= 17

"""E-mails of the translation workflow: queued by the services, sent by the worker."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from babel.dates import format_date
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from chapterhouse.custody.access import ADMIN, viewer_for_user
from chapterhouse.custody.models import AuditEntry, Grant
from chapterhouse.custody.services import user_add
from chapterhouse.newsroom.models import Article, LanguageDesk, TranslationAssignment
from chapterhouse.newsroom.workflow.services import (
    article_send_to_translation,
    assignment_approve,
    assignment_claim,
    assignment_return,
    assignment_submit,
)
from chapterhouse.registry.models import Body

# On PostgreSQL the worker drops a connection it finds inside a transaction (its
# close_old_connections at start), so these tests commit for real there.
pytestmark = pytest.mark.django_db(transaction=connection.vendor == "postgresql")


def today() -> dt.date:
    return timezone.now().date()


def account(email: str, *grants: tuple[str, str], active: bool = True) -> Any:
    user = user_add(
        viewer=ADMIN,
        via="cli",
        email=email,
        grants=[(role, Body.objects.get(slug=body)) for role, body in grants],
        on=dt.date(2000, 1, 1),
        at=timezone.now(),
    )
    if not active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


@pytest.fixture
def desks(personas: dict[str, Any]) -> None:
    """German goes to the Nordic committee, everything else to dept-3 (tanya's)."""
    dept = Body.objects.get(slug="dept-3")
    for lang in ("ko", "en", "ru", "zh"):
        LanguageDesk.objects.create(lang=lang, body=dept)
    LanguageDesk.objects.create(lang="de", body=Body.objects.get(slug="ec-nordic"))


def send(slug: str = "gc5-opens", due: dt.date | None = None) -> list[TranslationAssignment]:
    return article_send_to_translation(
        viewer=ADMIN,
        via="cli",
        article=Article.objects.get(slug=slug),
        due=due or today() + dt.timedelta(days=5),
        at=timezone.now(),
    )


def sent(run_tasks: Any) -> dict[str, list[Any]]:
    """Run the worker; return the messages it sent by recipient, and empty the outbox."""
    run_tasks()
    by_recipient: dict[str, list[Any]] = {}
    for message in mail.outbox:
        for address in message.to:
            by_recipient.setdefault(address, []).append(message)
    mail.outbox.clear()
    return by_recipient


def test_each_desks_translators_get_one_email_listing_the_articles_and_due_dates(
    desks: None,
    personas: dict[str, Any],
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    account("nils@chapterhouse.test", ("translator", "ec-nordic"))
    account("gone@chapterhouse.test", ("translator", "dept-3"), active=False)
    ended = account("ended@chapterhouse.test", ("translator", "dept-3"))
    Grant.objects.filter(user=ended).update(end=dt.date(2001, 1, 1))
    due = today() + dt.timedelta(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        send(due=due)
    assert mail.outbox == []  # the worker sends them, not the request

    inbox = sent(run_tasks)
    assert sorted(inbox) == ["nils@chapterhouse.test", "tanya@chapterhouse.test"]
    (to_tanya,) = inbox["tanya@chapterhouse.test"]  # only Chinese is at her desk
    # Written for the Chinese desk, in Chinese: the language is named in its own words.
    assert to_tanya.subject.startswith("1篇") and "中文" in to_tanya.subject
    assert "“The 5th General Conference opens”（gc5-opens）" in to_tanya.body  # Chinese punctuation
    assert "/newsroom/assignments/" in to_tanya.body
    assert "/newsroom/queue/" in to_tanya.body
    (to_nils,) = inbox["nils@chapterhouse.test"]
    # Written for the German desk: its dates are German (CLDR), whatever the catalogues hold.
    assert format_date(due, format="long", locale="de") in to_nils.body
    assert to_nils.to == ["nils@chapterhouse.test"]


def test_links_in_mail_written_by_a_page_go_to_the_address_it_was_served_at(
    desks: None,
    personas: dict[str, Any],
    run_tasks: Any,
    client: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.conftest import sign_in

    settings.SITE_URL = ""  # as in development: the served port decides
    sign_in(client, personas["admin"])
    due = (today() + dt.timedelta(days=5)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/newsroom/articles/gc5-opens/send/", {"due": due}, HTTP_HOST="127.0.0.1:8105"
        )
    assert response.status_code == 302

    (to_tanya,) = sent(run_tasks)["tanya@chapterhouse.test"]
    assert "http://127.0.0.1:8105/newsroom/queue/" in to_tanya.body
    assert "http://127.0.0.1:8105/newsroom/assignments/" in to_tanya.body
    assert ":8000" not in to_tanya.body


def test_submission_tells_the_editors_and_the_decision_tells_the_translator(
    desks: None,
    personas: dict[str, Any],
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    editor = account("erin@chapterhouse.test", ("editor", "dept-3"))
    # The closing statement is Korean; its English text is a draft, so English is sent.
    english = next(a for a in send("gc5-closing-statement") if a.lang == "en")
    sent(run_tasks)  # what sending announced (PostgreSQL commits it)
    tanya = viewer_for_user(personas["tanya"], on=today())
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_claim(viewer=tanya, via="web", assignment=english, at=now)
        assignment_submit(
            viewer=tanya, via="web", assignment=english, title="Closing", lead="", body="", at=now
        )
    inbox = sent(run_tasks)
    assert list(inbox) == ["erin@chapterhouse.test"]
    assert "To review" in inbox["erin@chapterhouse.test"][0].subject
    assert f"/newsroom/assignments/{english.pk}/review/" in inbox["erin@chapterhouse.test"][0].body

    erin = viewer_for_user(editor, on=today())
    with django_capture_on_commit_callbacks(execute=True):
        assignment_return(
            viewer=erin, via="web", assignment=english, note="Please translate the lead.", at=now
        )
    (returned,) = sent(run_tasks)["tanya@chapterhouse.test"]
    assert "Sent back" in returned.subject
    assert "Please translate the lead." in returned.body

    with django_capture_on_commit_callbacks(execute=True):
        assignment_submit(
            viewer=tanya,
            via="web",
            assignment=english,
            title="Closing",
            lead="The lead",
            body="",
            at=now,
        )
        assignment_approve(viewer=erin, via="web", assignment=english, at=now)
    inbox = sent(run_tasks)
    assert [m.subject.split(":")[0] for m in inbox["tanya@chapterhouse.test"]] == ["Published"]


def test_without_editors_the_officers_of_the_body_are_told(
    desks: None,
    personas: dict[str, Any],
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Nobody edits dept-3: alice, officer of the council above it, hears of the submission.
    chinese = next(a for a in send() if a.lang == "zh")
    sent(run_tasks)  # what sending announced (PostgreSQL commits it)
    tanya = viewer_for_user(personas["tanya"], on=today())
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assignment_claim(viewer=tanya, via="web", assignment=chinese, at=now)
        assignment_submit(
            viewer=tanya, via="web", assignment=chinese, title="T", lead="", body="", at=now
        )
    assert list(sent(run_tasks)) == ["alice@chapterhouse.test"]


def test_a_rolled_back_send_emails_nobody(
    desks: None, run_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    LanguageDesk.objects.filter(lang="de").delete()  # a desk is missing: the send is refused
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="“de”"),
    ):
        send()
    assert sent(run_tasks) == {}


def test_overdue_reminders_go_once_a_day_to_whoever_the_work_waits_for(
    desks: None,
    personas: dict[str, Any],
    run_tasks: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assignments = {a.lang: a for a in send()}
    tanya = viewer_for_user(personas["tanya"], on=today())
    assignment_claim(viewer=tanya, via="web", assignment=assignments["zh"], at=timezone.now())
    TranslationAssignment.objects.update(due=today() - dt.timedelta(days=1))
    sent(run_tasks)  # what sending announced (PostgreSQL commits it)

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("newsroom", "remind-overdue", stdout=out)
    assert "Queued reminders for 2 overdue assignment(s)." in out.getvalue()
    inbox = sent(run_tasks)
    # Chinese (claimed) reminds tanya; German (open) has no translator at ec-nordic.
    (reminder,) = inbox["tanya@chapterhouse.test"]
    assert reminder.subject.startswith("1篇") and "中文" in reminder.subject
    assert "（gc5-opens）" in reminder.body
    assert list(inbox) == ["tanya@chapterhouse.test"]
    assert AuditEntry.objects.filter(action="remind").count() == 2

    again = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("newsroom", "remind-overdue", stdout=again)
    assert "Queued reminders for 0 overdue assignment(s)." in again.getvalue()
    assert sent(run_tasks) == {}

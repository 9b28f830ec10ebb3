"""E-mail leaves through the background queue: the database by default, Redis (RQ) when set."""

import pytest
from django.core import mail

from chapterhouse.core.mail import mail_enqueue


@pytest.mark.django_db
def test_mail_is_sent_by_the_worker_not_by_the_caller(
    run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(to=["a@example.org"], subject="Hello", body="World")
    assert mail.outbox == []
    run_tasks()
    assert [m.subject for m in mail.outbox] == ["Hello"]


REDIS_TASKS = {
    "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    "RQ_QUEUES": {"default": {"URL": "redis://127.0.0.1:6379/15"}},
}


@pytest.mark.django_db
def test_with_redis_the_mail_waits_in_an_rq_queue_until_a_worker_takes_it(
    django_capture_on_commit_callbacks, settings
):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    settings.TASKS = REDIS_TASKS["TASKS"]
    settings.RQ_QUEUES = REDIS_TASKS["RQ_QUEUES"]
    queue = django_rq.get_queue("default", job_class=Job)
    queue.empty()
    with django_capture_on_commit_callbacks(execute=True):
        mail_enqueue(to=["b@example.org"], subject="Queued in Redis", body="Hello")
    assert mail.outbox == []
    assert queue.count == 1
    # SimpleWorker runs the job in this process, so the test's mail outbox sees it.
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    assert [m.subject for m in mail.outbox] == ["Queued in Redis"]
    assert queue.count == 0


@pytest.mark.django_db
def test_nothing_is_queued_when_the_transaction_rolls_back(run_tasks):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        mail_enqueue(to=["c@example.org"], subject="Never", body="x")
        raise RuntimeError("rolled back")
    run_tasks()
    assert mail.outbox == []


def test_development_mail_is_printed_with_a_readable_subject_and_body():
    import io

    from django.core.mail import EmailMessage, get_connection

    stream = io.StringIO()
    connection = get_connection("chapterhouse.core.mail_console.EmailBackend", stream=stream)
    long_line = "Откройте ссылку, чтобы подтвердить комментарий: " + "слово " * 40
    EmailMessage(
        subject="Подтвердите комментарий к «Съезд открылся»",
        body=f"{long_line}\nhttp://127.0.0.1:8105/ru/comments/confirm/abc/\n",
        from_email="chapterhouse@localhost",
        to=["reader@example.org"],
        connection=connection,
    ).send()
    printed = stream.getvalue()

    assert "Subject: Подтвердите комментарий к «Съезд открылся»" in printed
    assert "To: reader@example.org" in printed
    assert long_line.rstrip() in printed
    assert "http://127.0.0.1:8105/ru/comments/confirm/abc/" in printed
    assert "=?utf-8?" not in printed
    assert "=D0" not in printed  # no quoted-printable


def test_development_prints_mail_with_the_readable_backend():
    import os
    import subprocess
    import sys

    environment = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "chapterhouse.settings"}
    environment.pop("EMAIL_BACKEND", None)
    printed = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert printed.strip() == "chapterhouse.core.mail_console.EmailBackend"

"""E-mail sent by a background task, never inside the request that asked for it."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def mail_send(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text message through the configured backend; return how many went."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


def mail_enqueue(*, to: list[str], subject: str, body: str) -> None:
    """Queue a message for the worker once the current transaction commits.

    Nothing is queued for an empty recipient list; a rolled-back transaction
    queues nothing (the message would announce something that did not happen).
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    transaction.on_commit(
        lambda: mail_send.enqueue(to=recipients, subject=subject.strip(), body=body)
    )

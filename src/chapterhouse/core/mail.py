"""E-mail sent by a background task, never inside the request that asked for it, and the
site's address its links start with."""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

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


# The request being served, so a message written during it can link back to the address
# it came to (set by `RequestOriginMiddleware`; the request, not its host, is kept so
# that a host ALLOWED_HOSTS refuses is never asked for unless a link is written).
_serving: contextvars.ContextVar[Any] = contextvars.ContextVar("chapterhouse_serving", default=None)


def site_url() -> str:
    """Return the site's address for links in messages and on the command line, without a
    trailing slash: ``SITE_URL`` when set (production sets it: the worker and the CLI have
    no request to take it from); else, while a request is served, the scheme, host and
    port it came to (in development: the port actually served, whichever it is); else "".
    """
    if settings.SITE_URL:
        return str(settings.SITE_URL).rstrip("/")
    request = _serving.get()
    if request is not None:
        return str(request.build_absolute_uri("/")).rstrip("/")
    return ""


class RequestOriginMiddleware:
    """Remember the request being served, for `site_url`."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _serving.set(request)
        try:
            return self.get_response(request)
        finally:
            _serving.reset(token)

"""Counting attempts in the cache: password-reset requests and failed API tokens.

Sign-in passwords are throttled by django-axes (settings.AXES_*); the two doors
axes does not watch are counted here in the same spirit: fixed windows in the
cache (Redis in production, so every app process shares the counts), keyed by
a digest of the address or e-mail, never the value itself.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from chapterhouse.core.cache_counters import cache_incr


def client_address(request: HttpRequest) -> str:
    """Return the client's network address, used only inside cache keys and hashes.

    With ``PROXY_COUNT`` proxies in front, it is the address the outermost proxy
    saw (X-Forwarded-For counted from the right, which a client cannot forge);
    otherwise REMOTE_ADDR.
    """
    proxies = settings.CLIENT_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(kind: str, value: str) -> str:
    return f"throttle:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def attempt_count(*, kind: str, value: str, window: int) -> int:
    """Count one attempt of ``kind`` by ``value`` and return how many fell in its window.

    The window starts with the first attempt and lasts ``window`` seconds.
    """
    return cache_incr(_key(kind, value), timeout=window)


def is_locked_out(*, kind: str, value: str, limit: int) -> bool:
    """Return whether ``value`` has used up its ``limit`` attempts of ``kind`` in the window."""
    return _count(_key(kind, value)) >= limit


def password_reset_allowed(*, email: str, address: str) -> tuple[bool, bool]:
    """Count a password-reset request; return (address allowed, e-mail allowed).

    ``PASSWORD_RESETS_PER_ADDRESS`` requests per network address and
    ``PASSWORD_RESETS_PER_EMAIL`` mails to one account are allowed per
    ``PASSWORD_RESET_WINDOW`` seconds.
    """
    window = settings.PASSWORD_RESET_WINDOW
    from_address = attempt_count(kind="reset-address", value=address, window=window)
    if from_address > settings.PASSWORD_RESETS_PER_ADDRESS:
        return False, False
    to_email = attempt_count(kind="reset-email", value=email.strip().lower(), window=window)
    return True, to_email <= settings.PASSWORD_RESETS_PER_EMAIL


def token_failure_record(*, address: str) -> None:
    """Count a failed bearer token from ``address`` (for ``AXES_COOLOFF_TIME``)."""
    window = int(settings.AXES_COOLOFF_TIME.total_seconds())
    attempt_count(kind="token-failure", value=address, window=window)


def token_locked_out(*, address: str) -> bool:
    """Return whether ``address`` sent ``AXES_FAILURE_LIMIT`` failed tokens in the cool-off."""
    return is_locked_out(kind="token-failure", value=address, limit=settings.AXES_FAILURE_LIMIT)

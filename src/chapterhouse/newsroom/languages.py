"""The working languages the public site is published in, cheap enough for every request.

The public site's URLs start with a working language (``/ru/…``). Resolving a
URL must not cost a query, so the list is kept in the process and refreshed when
the organization row is saved (and at most every few seconds, for the other
app processes).
"""

from __future__ import annotations

import time

from django.conf import settings

_REFRESH_SECONDS = 10.0
_cached: tuple[float, tuple[str, ...], str] | None = None


def _load() -> tuple[tuple[str, ...], str]:
    from chapterhouse.registry.models import Organization

    org = Organization.objects.values("languages", "default_language").first()
    if org is None:
        return (settings.LANGUAGE_CODE,), settings.LANGUAGE_CODE
    default = org["default_language"] or settings.LANGUAGE_CODE
    languages = tuple(org["languages"] or [default])
    return languages, default


def _state() -> tuple[tuple[str, ...], str]:
    global _cached
    now = time.monotonic()
    if _cached is None or now - _cached[0] > _REFRESH_SECONDS:
        languages, default = _load()
        _cached = (now, languages, default)
    return _cached[1], _cached[2]


def site_languages() -> tuple[str, ...]:
    """Return the organization's working languages, in its order (``("ko", "en", …)``)."""
    return _state()[0]


def site_default_language() -> str:
    """Return the organization's default language."""
    return _state()[1]


def site_languages_forget() -> None:
    """Drop the kept list (the organization changed, or a test loaded another one)."""
    global _cached
    _cached = None


class SiteLanguageConverter:
    """``<site_lang:lang>``: a working language of the organization, else no match (404)."""

    regex = r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"

    def to_python(self, value: str) -> str:
        if value not in site_languages():
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value

"""The language of the current request: interface codes, Babel locales, organization texts.

The middleware stores the organization's default language and its declared
vocabulary for the request in context variables, so template filters (which
see no context) can resolve Texts and role names without a query per use.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation

from chapterhouse.core.text import text_in
from chapterhouse.core.vocabulary import BUILTIN_BODY_KINDS, BUILTIN_ROLES

# Organization languages are BCP 47 (``zh``); Django's catalogues for Chinese
# are keyed by script (``zh-hans``).
_INTERFACE_ALIASES = {"zh": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans", "zh-hans": "zh-hans"}


@dataclass
class RequestLanguage:
    """What a request knows about its organization's languages."""

    default_language: str = "en"
    vocabulary: dict[str, dict[str, Any]] | None = field(default=None)


_current: contextvars.ContextVar[RequestLanguage | None] = contextvars.ContextVar(
    "chapterhouse_request_language", default=None
)


def request_language_set(*, default_language: str) -> contextvars.Token[RequestLanguage | None]:
    """Start a request whose organization writes plain Texts in ``default_language``."""
    return _current.set(RequestLanguage(default_language=default_language))


def request_language_reset(token: contextvars.Token[RequestLanguage | None]) -> None:
    """Forget what ``request_language_set`` stored."""
    _current.reset(token)


def default_language() -> str:
    """Return the organization's default language for this request (``en`` outside one)."""
    state = _current.get()
    return state.default_language if state is not None else settings.LANGUAGE_CODE


def interface_code(lang: str) -> str:
    """Return the Django language code for an organization language (``zh`` → ``zh-hans``)."""
    lowered = lang.lower()
    return _INTERFACE_ALIASES.get(lowered, lowered)


def babel_locale(lang: str | None = None) -> Locale:
    """Return the Babel locale of ``lang`` (default: the active language), else English."""
    code = translation.to_locale(lang or translation.get_language() or settings.LANGUAGE_CODE)
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def language_name(lang: str) -> str:
    """Return the name of ``lang`` in that language itself (``ru`` → ``русский``)."""
    try:
        locale = Locale.parse(translation.to_locale(lang))
    except (UnknownLocaleError, ValueError):
        return lang
    name = locale.get_display_name(locale) or lang
    return name[:1].upper() + name[1:]


def language_display(lang: str) -> str:
    """Return the name of ``lang`` in the active language (``ja`` → ``Japanese``, ``японский``)."""
    try:
        locale = Locale.parse(translation.to_locale(lang))
    except (UnknownLocaleError, ValueError):
        return lang
    return locale.get_display_name(babel_locale()) or lang


def text(value: Any) -> str:
    """Return an organization Text in the active language, with the fallback chain."""
    return text_in(value, translation.get_language() or settings.LANGUAGE_CODE, default_language())


# The organization's declared body kinds and roles are rows of the registry, which core
# does not import (layers point one way, docs/architecture.md): the registry hands over
# its reader when Django starts (`RegistryConfig.ready`).
_declared_vocabulary_readers: list[Callable[[], dict[str, dict[str, Any]]]] = []


def declared_vocabulary_reader_set(reader: Callable[[], dict[str, dict[str, Any]]]) -> None:
    """Read the declared vocabulary with ``reader`` from now on: it returns
    ``{"kinds": {slug: name}, "roles": {slug: name}}``. Without one, only the built-in
    names are known."""
    _declared_vocabulary_readers[:] = [reader]


def _vocabulary() -> dict[str, dict[str, Any]]:
    """Return the declared body kinds and roles by slug, loaded once per request."""
    state = _current.get()
    if state is not None and state.vocabulary is not None:
        return state.vocabulary
    loaded: dict[str, dict[str, Any]] = {"kinds": {}, "roles": {}}
    for reader in _declared_vocabulary_readers:
        loaded = reader()
    if state is not None:
        state.vocabulary = loaded
    return loaded


def _humanize(slug: str) -> str:
    words = slug.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _has_language(value: Any, lang: str) -> bool:
    wanted = {lang.lower(), lang.split("-")[0].lower()}
    if isinstance(value, str):
        # A plain string is written in the default language.
        return default_language().split("-")[0].lower() in wanted
    if not isinstance(value, dict):
        return False
    return any(code.lower() in wanted or code.split("-")[0].lower() in wanted for code in value)


def _vocabulary_name(declared: Any, builtin: tuple[Any, int] | None, slug: str) -> str:
    """Prefer the organization's own wording in the active language, then the built-in
    translation, then the organization's wording in another language."""
    lang = translation.get_language() or settings.LANGUAGE_CODE
    if declared and _has_language(declared, lang):
        return text(declared)
    if builtin is not None:
        return str(builtin[0])
    if declared:
        return text(declared)
    return _humanize(slug)


def body_kind_name(slug: str) -> str:
    """Return what the body kind ``slug`` is called: declared name, built-in name, or the slug."""
    return _vocabulary_name(_vocabulary()["kinds"].get(slug), BUILTIN_BODY_KINDS.get(slug), slug)


def role_name(slug: str) -> str:
    """Return what the role ``slug`` is called: declared name, built-in name, or the slug."""
    return _vocabulary_name(_vocabulary()["roles"].get(slug), BUILTIN_ROLES.get(slug), slug)

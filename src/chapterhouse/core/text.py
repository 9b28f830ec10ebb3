"""Translated short texts and their fallback chain: requested → default → any."""

from __future__ import annotations

import json
from typing import Any

Text = str | dict[str, str]


def text_in(value: Text | None, lang: str, default_lang: str = "en") -> str:
    """Return ``value`` in ``lang``, else in ``default_lang``, else in any language.

    A plain string is in the default language. A language with a region or
    script (``zh-hans``) falls back to its base (``zh``) before the default.
    Returns ``""`` only when there is no text at all.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    candidates = [lang, lang.split("-")[0], default_lang]
    for code in candidates:
        if value.get(code):
            return value[code]
    # Match a stored regional variant (``zh-Hans``) for a base request (``zh``).
    base = lang.split("-")[0].lower()
    for code, text in value.items():
        if code.split("-")[0].lower() == base and text:
            return text
    for text in value.values():
        if text:
            return text
    return ""


def text_key(value: Any) -> str:
    """Return a canonical string for ``value`` so equal texts compare equal in SQL."""
    if value in (None, "", {}):
        return ""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)

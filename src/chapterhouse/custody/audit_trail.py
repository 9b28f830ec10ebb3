"""The audit trail as a reader sees it: every word of an entry in the reader's language.

An entry is stored as it was written, in the words of the code and the Chronicle
(``update``, ``cli``, ``status: proposed → adopted``, ``root (command line)``), and
it must stay so: its digest seals those words. This module names them at read
time: actions, channels and field names through the vocabularies of
`core/labels.py`, values through the labels of their vocabulary (decision kinds and
statuses, session formats, attendee roles, effects, contact kinds), yes/no for
booleans, and dates, countries and numbers through CLDR. Ids and names are shown
as written: they are the organization's data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from babel.dates import format_datetime
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chapterhouse.core.formatting import country_name, date_display, number_display
from chapterhouse.core.labels import label
from chapterhouse.core.language import babel_locale, language_display
from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.services import REDACTED

# The vocabulary whose labels name a field's values.
_VALUE_VOCABULARY = {
    "kind": "decision_kind",
    "status": "decision_status",
    "format": "format",
}
_DATES = {"date", "born"}
_MOMENTS = {"erased"}
_LANGUAGE_KEY = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)*")
_COMMAND_LINE = re.compile(r"(?P<login>.+) \(command line\)")
_OFFICERS_OF = re.compile(r"officers of (?P<body>\S+)")


@dataclass(frozen=True)
class AuditChange:
    """One field of an entry: its name and its values before and after, as shown."""

    field: str
    before: SafeString
    after: SafeString


@dataclass(frozen=True)
class AuditRow:
    """One entry of the audit trail, every word in the reader's language."""

    at: dt.datetime
    when: str
    actor: str
    via: str
    action: str
    changes: list[AuditChange]


def moment_display(at: dt.datetime) -> str:
    """Return a moment in the site's time zone, the way the reader's language writes it."""
    return format_datetime(timezone.localtime(at), format="medium", locale=babel_locale())


def actor_display(stored: str) -> str:
    """Return who wrote an entry, its stored label named in the reader's language.

    The command line records ``LOGIN (command line)``, the built-in viewers
    ``administrator``, ``anonymous`` and ``officers of BODY``; an account is its login.
    """
    if found := _COMMAND_LINE.fullmatch(stored):
        return _("%(login)s (command line)") % {"login": found["login"]}
    if found := _OFFICERS_OF.fullmatch(stored):
        return _("officers of %(body)s") % {"body": found["body"]}
    if stored == "administrator":
        return pgettext("audit actor", "administrator")
    if stored == "anonymous":
        return pgettext("audit actor", "anonymous visitor")
    return stored


def _is_text(value: Any) -> bool:
    """Whether a value is a translated text (``{"en": …, "ru": …}``)."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(isinstance(key, str) and _LANGUAGE_KEY.fullmatch(key) for key in value)
        and all(isinstance(item, str) for item in value.values())
    )


def _text_display(value: dict[str, str]) -> SafeString:
    # Each wording is marked with its language: a reader's tools (and the page's tests)
    # then know it is the organization's text, not the interface's.
    return format_html_join(
        " · ",
        '{}: <span lang="{}">{}</span>',
        ((language_display(lang), lang, item) for lang, item in value.items()),
    )


def _join(parts: list[Any], separator: str = ", ") -> SafeString:
    return mark_safe(separator.join(str(conditional_escape(part)) for part in parts))


def _boolean(value: bool) -> str:
    return pgettext("boolean", "yes") if value else pgettext("boolean", "no")


def _data(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _attendee(value: Any) -> str:
    if not isinstance(value, dict):
        return _data(value)
    shown = str(value.get("person", ""))
    details: list[Any] = [label(str(value["role"]), "attendee_role")] if value.get("role") else []
    if value.get("capacity"):
        capacity = value["capacity"]
        details.append(_text_display(capacity) if _is_text(capacity) else _data(capacity))
    return format_html("{} ({})", shown, _join(details)) if details else shown


def _effect(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("op"), str):
        return label(value["op"], "effect")
    return _data(value)


def _votes(value: dict[str, Any]) -> str:
    return _("For: %(yes)s · against: %(no)s · abstained: %(abstain)s") % {
        "yes": number_display(value.get("for") or 0),
        "no": number_display(value.get("against") or 0),
        "abstain": number_display(value.get("abstain") or 0),
    }


def _name_variant(value: Any) -> str:
    if not isinstance(value, dict) or "name" not in value:
        return _data(value)
    details = [language_display(value["lang"])] if value.get("lang") else []
    if value.get("kind"):
        details.append(label(str(value["kind"]), "name_kind"))
    return format_html("{} ({})", value["name"], ", ".join(details)) if details else value["name"]


def value_display(field: str, value: Any) -> SafeString:
    """Return one stored value of ``field`` in the reader's language, as HTML; ``—`` for
    none. A translated text shows each wording marked with its language."""
    return conditional_escape(_value(field, value))


def _value(field: str, value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if value == REDACTED:
        return pgettext("audit value", "[erased]")
    if isinstance(value, bool):
        return _boolean(value)
    if field in _VALUE_VOCABULARY and isinstance(value, str):
        return label(value, _VALUE_VOCABULARY[field])
    if field in _DATES and isinstance(value, str):
        return date_display(value)
    if field in _MOMENTS and isinstance(value, str):
        try:
            return moment_display(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if field == "country" and isinstance(value, str):
        return country_name(value)
    if isinstance(value, int):
        return number_display(value)
    if field == "votes" and isinstance(value, dict):
        return _votes(value)
    if field == "contact" and isinstance(value, dict):
        return format_html_join(
            "; ",
            "{}: {}",
            ((label(str(kind), "contact"), _data(item)) for kind, item in value.items()),
        )
    if _is_text(value):
        return _text_display(value)
    if isinstance(value, list):
        show = {"attendees": _attendee, "effects": _effect, "names": _name_variant}.get(
            field, _data
        )
        return _join([show(item) for item in value])
    return _data(value)


def _changed_languages(before: Any, after: Any) -> tuple[Any, Any]:
    """Keep, of two translated texts, the languages whose wording changed."""
    if not (_is_text(before) and _is_text(after)):
        return before, after
    changed = [
        lang for lang in dict.fromkeys([*before, *after]) if before.get(lang) != after.get(lang)
    ]
    return (
        {lang: before[lang] for lang in changed if lang in before},
        {lang: after[lang] for lang in changed if lang in after},
    )


def change_display(change: dict[str, Any]) -> AuditChange:
    """Return one ``{"field", "before", "after"}`` change (custody.selectors.audit_changes)
    as the reader sees it."""
    field = str(change["field"])
    before, after = _changed_languages(change["before"], change["after"])
    return AuditChange(
        field=label(field, "record_field"),
        before=value_display(field, before),
        after=value_display(field, after),
    )


def audit_row(entry: AuditEntry, changes: list[dict[str, Any]]) -> AuditRow:
    """Return an audit entry and its ``changes`` as the reader sees them."""
    return AuditRow(
        at=entry.at,
        when=moment_display(entry.at),
        actor=actor_display(entry.actor_label),
        via=label(entry.via, "audit_via"),
        action=label(entry.action, "audit_action"),
        changes=[change_display(change) for change in changes],
    )

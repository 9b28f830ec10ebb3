"""Template filters that show organization data in the active language.

``{% load chapterhouse %}``, then for example ``{{ body.name|text }}``,
``{{ term.start|pdate:term.start_precision }}``, ``{{ term.end|pdate_end:term.end_precision }}``,
``{{ "2024-08"|pdate }}``, ``{{ "JP"|country }}``, ``{{ term.role|role }}``,
``{{ body.kind|kind }}``, ``{{ 14|number }}``, ``{{ 79|anniversary }}``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext as _

from chapterhouse.core import formatting, labels, language

register = template.Library()


@register.filter
def text(value: Any) -> str:
    """Return an organization Text in the active language (fallback: default, then any)."""
    return language.text(value)


@register.filter
def machine_time(value: Any) -> str:
    """Return a datetime for a ``<time datetime>`` attribute: to the second, no microseconds."""
    return formatting.machine_datetime(value)


@register.filter
def pdate(value: Any, precision: str | None = None) -> str:
    """Return a date with its precision, or a Chronicle Date string, in the active locale."""
    return formatting.date_display(value, precision or None)


@register.filter
def pdate_end(value: Any, precision: str | None = None) -> str:
    """Return a stored exclusive end date as the last period it covers."""
    return formatting.end_display(value, precision or "day")


@register.filter
def country(code: str | None) -> str:
    """Return a country's name in the active locale from its ISO 3166-1 code."""
    return formatting.country_name(code)


@register.filter
def role(slug: str) -> str:
    """Return a role's name in the active language."""
    return language.role_name(slug) if slug else ""


@register.filter
def kind(slug: str) -> str:
    """Return a body kind's name in the active language."""
    return language.body_kind_name(slug) if slug else ""


@register.filter
def number(value: Any) -> str:
    """Return a number with the active locale's grouping."""
    return formatting.number_display(value)


@register.filter
def anniversary(value: int | None) -> str:
    """Return "the n-th anniversary" in the active language."""
    return formatting.anniversary_display(value) if value else ""


@register.filter
def language_name(code: str) -> str:
    """Return a language's name in the active language."""
    return language.language_display(code) if code else ""


@register.simple_tag(takes_context=True)
def person_link(context: template.Context, slug: str | None, name: str | None) -> str:
    """Return a link to a person's page, or a neutral mention when the person is not public.

    Views put the ids of people this visitor may not see into ``withheld``.
    """
    if not slug:
        return conditional_escape(name or "")
    if slug in (context.get("withheld") or ()):
        return format_html('<span class="withheld">{}</span>', _("name withheld"))
    return format_html('<a href="{}">{}</a>', reverse("web:person", args=[slug]), name or slug)


@register.simple_tag
def body_link(slug: str | None, name: Any = None, as_of: Any = None) -> str:
    """Return a link to a body's page named by ``name`` (a Text, as of the date in
    question), its id when it has no name; nothing without an id. ``as_of`` (a date)
    opens the page on that date."""
    if not slug:
        return ""
    url = reverse("web:body", args=[slug])
    if as_of:
        url += "?as_of=" + (as_of.isoformat() if hasattr(as_of, "isoformat") else str(as_of))
    return format_html('<a href="{}">{}</a>', url, language.text(name) or slug)


@register.simple_tag
def kind_unless_named(kind_slug: str | None, name: Any = None) -> str:
    """Return the name of a body's kind, or nothing when the body's name (a Text) already
    says it ("4th Logistics Department" is not followed by "Department")."""
    if not kind_slug:
        return ""
    kind_name = language.body_kind_name(kind_slug)
    if kind_name and kind_name.casefold() in language.text(name).casefold():
        return ""
    return kind_name


@register.simple_tag
def kind_badge(kind_slug: str | None, name: Any = None) -> str:
    """Return the badge naming a body's kind, or nothing when its name already says it."""
    kind_name = kind_unless_named(kind_slug, name)
    return format_html('<span class="badge">{}</span>', kind_name) if kind_name else ""


@register.simple_tag
def decision_link(slug: str | None, label: str = "") -> str:
    """Return a small link to the decision that made a change, or nothing for a standing fact.

    ``label`` says what the decision did (default: "decision").
    """
    if not slug:
        return ""
    return format_html(
        '<a class="decision-link" href="{}" title="{}">{}</a>',
        reverse("web:decision", args=[slug]),
        _("Decision %(id)s") % {"id": slug},
        label or _("decision"),
    )


@register.filter
def label(value: str | None, vocabulary: str) -> str:
    """Return the interface name of a fixed-vocabulary value: ``{{ term.how|label:"how" }}``."""
    return labels.label(value, vocabulary)


@register.filter
def period(start: Any, end: Any = None) -> str:
    """Return ``start – end`` of two Chronicle dates, or ``since start`` for an open end."""
    first = formatting.date_display(start)
    if end:
        return (
            f"{first} – {formatting.date_display(end)}" if first else formatting.date_display(end)
        )
    return _("since %(date)s") % {"date": first} if first else ""

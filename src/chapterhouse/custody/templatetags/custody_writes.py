"""Template tags for the pages that show a record: who may change it, and its audit trail.

``{% load custody_writes %}`` then, for example::

    {% may_edit_person person as may_edit %}{% if may_edit %}<a href="…">Edit</a>{% endif %}
    {% audit_trail "person" person.slug %}

They ask the request's viewer, and make no query for a visitor who is not
signed in (the public pages pin their number of queries).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context

from chapterhouse.custody.access import (
    ANONYMOUS,
    Viewer,
    decision_may_change,
    may_read_audit_trail,
    may_record_for_some_body,
    may_record_session_for,
    session_may_change,
)
from chapterhouse.custody.selectors import audit_changes, audit_entries

register = template.Library()


def _viewer(context: Context) -> Viewer:
    request = context.get("request")
    viewer: Viewer | None = getattr(request, "viewer", None) if request is not None else None
    return viewer if viewer is not None else ANONYMOUS


def _writes_nothing(viewer: Viewer) -> bool:
    return not may_record_for_some_body(viewer)


def _slug(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return value.get("id") or value.get("slug")
    return getattr(value, "slug", None)


@register.simple_tag(takes_context=True)
def may_edit_person(context: Context, person: Any) -> bool:
    """Whether the viewer may edit the person (a Person, a dict with ``id`` or an id)."""
    from chapterhouse.registry.models import Person

    viewer = _viewer(context)
    if _writes_nothing(viewer):
        return False
    if not isinstance(person, Person):
        person = Person.objects.filter(slug=_slug(person)).only("pk", "custodian_id").first()
    return person is not None and viewer.may_edit_person(person)


@register.simple_tag(takes_context=True)
def may_change_session(context: Context, session: Any) -> bool:
    """Whether the viewer may change the session and record its decisions."""
    from chapterhouse.meetings.models import Session

    viewer = _viewer(context)
    if _writes_nothing(viewer):
        return False
    found = Session.objects.filter(slug=_slug(session)).first()
    return found is not None and session_may_change(viewer, found)


@register.simple_tag(takes_context=True)
def may_change_decision(context: Context, decision: Any) -> bool:
    """Whether the viewer may change, adopt or annul the decision."""
    from chapterhouse.meetings.models import Decision
    from chapterhouse.meetings.services import ConcernedBodies

    viewer = _viewer(context)
    if _writes_nothing(viewer):
        return False
    found = Decision.objects.select_related("session").filter(slug=_slug(decision)).first()
    return found is not None and decision_may_change(viewer, ConcernedBodies(viewer, found))


@register.simple_tag(takes_context=True)
def may_record_for(context: Context, body: Any) -> bool:
    """Whether the viewer may record sessions and decisions of the body."""
    from chapterhouse.registry.models import Body

    viewer = _viewer(context)
    if _writes_nothing(viewer):
        return False
    if viewer.is_admin:
        return True
    pk = Body.objects.filter(slug=_slug(body)).values_list("pk", flat=True).first()
    return may_record_session_for(viewer, [pk])


@register.simple_tag(takes_context=True)
def may_record_conference(context: Context) -> bool:
    """Whether the viewer may record or change a conference (see
    `custody.access.may_record_conference`); no query for those who write nothing."""
    from chapterhouse.custody.access import may_record_conference as may

    viewer = _viewer(context)
    return not _writes_nothing(viewer) and may(viewer)


@register.simple_tag(takes_context=True)
def may_record(context: Context) -> bool:
    """Whether the viewer may record sessions at all (an officer somewhere, or an admin)."""
    return not _writes_nothing(_viewer(context))


@register.inclusion_tag("custody/_audit_trail.html", takes_context=True)
def audit_trail(context: Context, object_type: str, object_id: Any) -> dict[str, Any]:
    """Show the object's audit entries the viewer may read (nothing for anyone else), every
    stored word named in the reader's language (see `custody.audit_trail`)."""
    from chapterhouse.custody.audit_trail import audit_row

    viewer = _viewer(context)
    if not may_read_audit_trail(viewer):
        return {"entries": []}
    entries = [
        audit_row(entry, audit_changes(entry))
        for entry in audit_entries(viewer, object_type=object_type, object_id=_slug(object_id))
    ]
    return {"entries": entries}

"""The one service for the organization's reference data.

Kinds of bodies, roles, categories, tags, honours, partners, commemorations and
the like have no rule beyond their model's own constraints, and only the admin
changes them (besides an import). They still change like everything else: an
administrator's write, validated, read under a row lock, audited, in one
transaction. Records with rules of their own (people, sessions, decisions,
articles, photos, grants) have their own services; records that only decisions
make (terms, mandates, awards) are not written here at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from chapterhouse.custody.access import Viewer, may_edit_reference_data
from chapterhouse.custody.services import audit_record, changed_fields


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return getattr(value, "slug", None) or value.pk
    if isinstance(value, FieldFile):
        # A stored file is recorded by its name, not its bytes.
        return value.name or None
    return value


def field_values(obj: models.Model, names: Iterable[str] | None = None) -> dict[str, Any]:
    """Return ``obj``'s concrete fields (or only ``names``) as JSON values; a related
    object is written as its Chronicle id when it has one."""
    wanted = None if names is None else set(names)
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or (wanted is not None and field.name not in wanted):
            continue
        if field.is_relation:
            related_id = getattr(obj, field.attname)
            related = getattr(obj, field.name) if related_id is not None else None
            values[field.name] = _json(related)
        else:
            values[field.name] = _json(getattr(obj, field.attname))
    return values


def object_id(obj: models.Model) -> str:
    """Return the id an audit entry names ``obj`` by: its Chronicle id, else its key."""
    return str(getattr(obj, "slug", None) or obj.pk)


def audit_body(obj: models.Model) -> int | None:
    """Return the body whose officers may read entries about ``obj``.

    A person's custodian; a body itself; a session's first host; anything that
    belongs to a session, that session's; anything else that belongs to a body or
    a person, that body or the person's custodian.
    """
    label = obj._meta.label_lower
    if label == "registry.person":
        return getattr(obj, "custodian_id", None)
    if label == "registry.body":
        return int(obj.pk)
    session: Any = None
    if label == "meetings.session":
        session = obj
    elif getattr(obj, "session_id", None) is not None:
        session = getattr(obj, "session", None)
    if session is not None:
        host = session.hosts.order_by("position", "pk").first()
        return host.body_id if host is not None else None
    body_id = getattr(obj, "body_id", None)
    if body_id is not None:
        return int(body_id)
    person = getattr(obj, "person", None) if getattr(obj, "person_id", None) else None
    return person.custodian_id if person is not None else None


def _require(viewer: Viewer) -> None:
    if not may_edit_reference_data(viewer):
        raise PermissionDenied(_("Only administrators change the organization's reference data."))


@transaction.atomic
def reference_save(
    *,
    viewer: Viewer,
    via: str,
    at: dt.datetime,
    obj: models.Model,
    fields: Iterable[str] | None = None,
) -> models.Model:
    """Save ``obj`` (new when it has no key) with its given ``fields`` changed; return it.

    The stored row is read under a row lock, so of two changes at once the second
    starts from the first; the audit entry holds the changed fields before and
    after (none when nothing changed). A model constraint that fails raises a
    ValidationError naming the field, and nothing is written.
    """
    _require(viewer)
    model = type(obj)
    before: dict[str, Any] = {}
    creating = obj.pk is None or not model._default_manager.filter(pk=obj.pk).exists()
    names = None if creating or fields is None else list(fields)
    if not creating:
        stored = model._default_manager.select_for_update().get(pk=obj.pk)
        before = field_values(stored, names)
    obj.full_clean()
    obj.save()
    after = field_values(obj, names)
    if not creating:
        before, after = changed_fields(before, after)
        if not after:
            return obj
    audit_record(
        viewer=viewer,
        via=via,
        action="create" if creating else "update",
        object_type=str(obj._meta.model_name),
        object_id=object_id(obj),
        at=at,
        body=audit_body(obj),
        before=before or None,
        after=after,
    )
    return obj


def _others_deleted_with(obj: models.Model) -> bool:
    """Whether deleting ``obj`` would delete (or is refused by) any other row."""
    collector = Collector(using=router.db_for_write(type(obj)))
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError):
        return True
    if any(
        (instance is not obj and instance.pk != obj.pk) or type(instance) is not type(obj)
        for instances in collector.data.values()
        for instance in instances
    ):
        return True
    return any(queryset.exists() for queryset in collector.fast_deletes)


@transaction.atomic
def reference_delete(*, viewer: Viewer, via: str, at: dt.datetime, obj: models.Model) -> None:
    """Delete ``obj`` and record what it held.

    Deleting never takes other rows with it: a row that others still refer to is
    refused with a ValidationError saying so, and nothing is deleted.
    """
    _require(viewer)
    model = type(obj)
    stored = model._default_manager.select_for_update().get(pk=obj.pk)
    if _others_deleted_with(stored):
        raise ValidationError(
            _("Other records still refer to %(id)s; it stays.") % {"id": object_id(stored)}
        )
    audit_record(
        viewer=viewer,
        via=via,
        action="delete",
        object_type=str(obj._meta.model_name),
        object_id=object_id(stored),
        at=at,
        body=audit_body(stored),
        before=field_values(stored),
    )
    stored.delete()

"""Audit entries for writes made in the Django admin.

The admin writes models directly rather than through the services, so every
ModelAdmin of the registry, meetings and relations apps mixes in
:class:`AuditedAdmin`: each save and delete leaves an entry (via ``admin``)
with the changed fields before and after, like any other write.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone

from chapterhouse.custody.access import ADMIN, Viewer
from chapterhouse.custody.services import audit_record


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


def field_values(obj: models.Model, names: list[str] | None = None) -> dict[str, Any]:
    """Return ``obj``'s concrete fields (or only ``names``) as JSON values; a related
    object is written as its Chronicle id when it has one."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or (names is not None and field.name not in names):
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

    A person's custodian; a body itself; a session's first host; a decision's
    session's first host; anything else that belongs to a session or a body, that.
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


def request_viewer(request: HttpRequest) -> Viewer:
    """Return the viewer of an admin request (the middleware sets it; staff are admins)."""
    viewer: Viewer | None = getattr(request, "viewer", None)
    if viewer is not None:
        return viewer
    return ADMIN


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes leave audit entries."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        names = list(form.changed_data)
        before = {}
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            if stored is not None:
                before = field_values(stored, names)
        super().save_model(request, obj, form, change)
        after = field_values(obj, names if change else None)
        if change:
            keys = [key for key in after if before.get(key) != after.get(key)]
            if not keys:
                return
            before = {key: before.get(key) for key in keys}
            after = {key: after[key] for key in keys}
        audit_record(
            viewer=request_viewer(request),
            via="admin",
            action="update" if change else "create",
            object_type=obj._meta.model_name,
            object_id=object_id(obj),
            at=timezone.now(),
            body=audit_body(obj),
            before=before or None,
            after=after,
        )

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        changed = [
            field_values(obj, list(fields))
            for obj, fields in formset.changed_objects  # type: ignore[attr-defined]
        ]
        added = [field_values(obj) for obj in formset.new_objects]  # type: ignore[attr-defined]
        deleted = [object_id(obj) for obj in formset.deleted_objects]  # type: ignore[attr-defined]
        if not (changed or added or deleted):
            return
        parent = form.instance
        related = formset.model._meta.model_name  # type: ignore[attr-defined]
        audit_record(
            viewer=request_viewer(request),
            via="admin",
            action="update",
            object_type=parent._meta.model_name,
            object_id=object_id(parent),
            at=timezone.now(),
            body=audit_body(parent),
            after={related: {"added": added, "changed": changed, "deleted": deleted}},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit_delete(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._audit_delete(request, obj)
        super().delete_queryset(request, queryset)

    def _audit_delete(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            viewer=request_viewer(request),
            via="admin",
            action="delete",
            object_type=obj._meta.model_name,
            object_id=object_id(obj),
            at=timezone.now(),
            body=audit_body(obj),
            before=field_values(obj),
        )

"""The log of changes a decision made, so that annulling it can revert them."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.apps import apps
from django.db import models

_JSON_SAFE = (str, int, float, bool, type(None), list, dict)


def _dump(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, _JSON_SAFE):
        return value
    raise TypeError(f"cannot log a value of type {type(value).__name__}")


class ChangeRecorder:
    """Collect the creates and updates one decision makes, in order."""

    def __init__(self, decision: Any) -> None:
        self.decision = decision
        self.entries: list[Any] = []

    def created(self, obj: models.Model) -> None:
        """Record that ``obj`` was created."""
        self._add("create", obj, None)

    def updated(self, obj: models.Model, before: dict[str, Any]) -> None:
        """Record that ``obj`` was changed; ``before`` maps field attnames to old values."""
        self._add("update", obj, {key: _dump(value) for key, value in before.items()})

    def _add(self, action: str, obj: models.Model, before: dict[str, Any] | None) -> None:
        from chapterhouse.meetings.models import EffectLog

        self.entries.append(
            EffectLog(
                decision=self.decision,
                seq=len(self.entries),
                action=action,
                model=obj._meta.label_lower,
                object_pk=obj.pk,
                before=before,
            )
        )

    def save(self) -> None:
        """Write the collected entries."""
        from chapterhouse.meetings.models import EffectLog

        EffectLog.objects.bulk_create(self.entries)


def fields_update(obj: models.Model, *, recorder: ChangeRecorder | None, **values: Any) -> None:
    """Set ``values`` on ``obj`` (by field name; a foreign key takes the object) and save those
    fields only. A decision's ``recorder`` logs their old values, so that annulling the
    decision restores them; without one (an edit outside a decision) nothing is logged."""
    attnames = [cast(models.Field, obj._meta.get_field(name)).attname for name in values]
    before = {attname: getattr(obj, attname) for attname in attnames}
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save(update_fields=list(values))
    if recorder is not None:
        recorder.updated(obj, before)


def restore_fields(model_label: str, pk: int, before: dict[str, Any]) -> None:
    """Put the logged ``before`` values back on the object."""
    model = apps.get_model(model_label)
    values = {}
    for attname, raw in before.items():
        field = next(f for f in model._meta.concrete_fields if f.attname == attname)
        values[attname] = None if raw is None else field.to_python(raw)
    model._default_manager.filter(pk=pk).update(**values)

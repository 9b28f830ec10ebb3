"""Bump the generations a cached viewer depends on (core.generations) on every write.

Signals rather than the services alone: grants, accounts and users are also written by
Django's own auth (a password or superuser flag), the admin and the tests; a bulk write
that sends no signal (the importer, a queryset update) bumps by itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_migrate, post_save

from chapterhouse.core.generations import generation_bump
from chapterhouse.custody.models import Account, Grant


def _grants_changed(sender: Any, **kwargs: Any) -> None:
    # Signing in writes last_login, which no viewer reads: not worth every cached viewer.
    if set(kwargs.get("update_fields") or ()) == {"last_login"}:
        return
    generation_bump("grants")


def _bodies_changed(sender: Any, **kwargs: Any) -> None:
    generation_bump("bodies")


def _devices_changed(sender: Any, **kwargs: Any) -> None:
    generation_bump("devices")


def _everything_changed(sender: Any, **kwargs: Any) -> None:
    generation_bump("bodies", "grants", "devices")


def connect() -> None:
    """Connect the receivers (from CustodyConfig.ready)."""
    from django.apps import apps
    from django_otp.models import Device

    from chapterhouse.registry.models import Body

    # The user model by its "app.Model" name: a model signal resolves it once it is loaded.
    for sender in (Grant, Account, settings.AUTH_USER_MODEL):
        post_save.connect(_grants_changed, sender=sender, dispatch_uid=f"grants-{sender}")
        post_delete.connect(_grants_changed, sender=sender, dispatch_uid=f"grants-del-{sender}")
    post_save.connect(_bodies_changed, sender=Body, dispatch_uid="bodies")
    post_delete.connect(_bodies_changed, sender=Body, dispatch_uid="bodies-del")
    for model in apps.get_models():
        if issubclass(model, Device):
            post_save.connect(_devices_changed, sender=model, dispatch_uid=f"devices-{model}")
            post_delete.connect(_devices_changed, sender=model, dispatch_uid=f"dev-del-{model}")
    # A migration may rewrite any of it with queryset updates.
    post_migrate.connect(_everything_changed, dispatch_uid="generations-migrate")

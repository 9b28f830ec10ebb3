"""Small pieces the admin modules of every app share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from chapterhouse.core.language import text
from chapterhouse.custody.admin_audit import ReadOnlyPermissions

if TYPE_CHECKING:  # django-stubs-ext is a development dependency only
    from django_stubs_ext import StrOrPromise


def text_column(field: str, description: StrOrPromise) -> Any:
    """Return an admin column that shows the Text in ``field`` in the active language."""

    @admin.display(description=description, ordering=field)
    def column(self: Any, obj: models.Model) -> str:
        return text(getattr(obj, field))

    column.__name__ = f"{field}_text"
    return column


class ReadOnlyInline(ReadOnlyPermissions, admin.TabularInline):
    """An inline that shows rows but never adds, changes or deletes them."""

    extra = 0
    can_delete = False
    show_change_link = False


class RecordedByDecisionsAdmin(admin.ModelAdmin):
    """An admin for rows that only decisions make (terms, renames, mandates).

    They can be read here; they change by recording a decision with effects and
    adopting it (or annulling one), so every post has its "why".
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

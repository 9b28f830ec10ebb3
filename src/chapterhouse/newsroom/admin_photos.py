"""The admin for albums and photos."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.admin_audit import AuditedAdmin
from chapterhouse.newsroom.models import Album, Photo
from chapterhouse.web.admin_helpers import text_column


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0


@admin.register(Album)
class AlbumAdmin(AuditedAdmin):
    list_display = ["slug", "title_text", "article"]
    search_fields = ["slug", "title"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    inlines = [PhotoInline]
    title_text = text_column("title", _("Title"))


@admin.register(Photo)
class PhotoAdmin(AuditedAdmin):
    list_display = ["album", "position", "image"]
    search_fields = ["album__slug"]
    list_select_related = ["album"]

"""The admin for power users: categories, tags, articles, their translations, albums, photos."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.admin_audit import AuditedAdmin
from chapterhouse.newsroom.models import (
    Article,
    ArticleTranslation,
    Category,
    Tag,
)
from chapterhouse.web.admin_helpers import text_column


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["slug", "name_text"]
    search_fields = ["slug", "name"]
    name_text = text_column("name", _("Name"))


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    list_display = ["slug", "name_text"]
    search_fields = ["slug", "name"]
    name_text = text_column("name", _("Name"))


class ArticleTranslationInline(admin.StackedInline):
    model = ArticleTranslation
    extra = 0
    exclude = ["source_paragraphs"]


@admin.register(Article)
class ArticleAdmin(AuditedAdmin):
    list_display = ["slug", "category", "source_language", "publish_at"]
    list_filter = ["category", "source_language"]
    search_fields = ["slug", "translations__title"]
    list_select_related = ["category"]
    autocomplete_fields = [
        "author_person",
        "author_body",
        "about_bodies",
        "about_sessions",
        "about_conferences",
        "about_people",
    ]
    filter_horizontal = ["tags"]
    inlines = [ArticleTranslationInline]


@admin.register(ArticleTranslation)
class ArticleTranslationAdmin(AuditedAdmin):
    list_display = ["article", "lang", "title", "status"]
    list_filter = ["status", "lang"]
    search_fields = ["article__slug", "title"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]


# Albums and photos are registered in admin_photos.py (uploads are checked there).
from chapterhouse.newsroom import admin_photos  # noqa: E402, F401

"""The admin for power users: categories, tags, articles, their translations, albums, photos,
language desks and translation assignments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.admin_audit import AuditedAdmin, request_viewer
from chapterhouse.newsroom import services
from chapterhouse.newsroom.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    Article,
    ArticleTranslation,
    Category,
    LanguageDesk,
    Tag,
    TranslationAssignment,
)
from chapterhouse.registry.models import Organization
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


class LanguageDeskForm(forms.ModelForm):
    """A desk's language is one of the organization's working languages."""

    class Meta:
        model = LanguageDesk
        fields = ["lang", "body"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = list(Organization.objects.values_list("languages", flat=True).first() or [])
        self.fields["lang"] = forms.ChoiceField(
            label=_("Language"),
            choices=[(lang, lang) for lang in languages],
            help_text=_("A working language of the organization."),
        )


@admin.register(LanguageDesk)
class LanguageDeskAdmin(AuditedAdmin):
    form = LanguageDeskForm
    list_display = ["lang", "body"]
    list_select_related = ["body"]
    ordering = ["lang"]


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        overdue = {"status__in": ACTIVE_ASSIGNMENT_STATUSES, "due__lt": timezone.now().date()}
        if self.value() == "yes":
            return queryset.filter(**overdue)
        if self.value() == "no":
            return queryset.exclude(**overdue)
        return queryset


@admin.register(TranslationAssignment)
class TranslationAssignmentAdmin(AuditedAdmin):
    """Assignments are made by sending an article; here their due day or body can change,
    and the "cancel" action goes through the service like the workspace."""

    list_display = ["article", "lang", "body", "due", "status", "claimed_by", "is_overdue"]
    list_filter = ["status", "lang", "body", OverdueFilter]
    list_select_related = ["article", "body", "claimed_by"]
    search_fields = ["article__slug"]
    fields = [
        "article",
        "lang",
        "body",
        "due",
        "status",
        "claimed_by",
        "created_at",
        "claimed_at",
        "submitted_at",
        "approved_at",
    ]
    readonly_fields = [
        "article",
        "lang",
        "status",
        "claimed_by",
        "created_at",
        "claimed_at",
        "submitted_at",
        "approved_at",
    ]
    actions = ["cancel"]

    @admin.display(boolean=True, description=_("overdue"))
    def is_overdue(self, obj: TranslationAssignment) -> bool:
        return obj.status in ACTIVE_ASSIGNMENT_STATUSES and obj.due < timezone.now().date()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sending an article creates them (workspace or command line)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # cancel instead: the assignment is part of the record

    @admin.action(description=_("Cancel the selected assignments"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[TranslationAssignment]) -> None:
        viewer = request_viewer(request)
        done = 0
        for assignment in queryset.select_related("article"):
            try:
                services.assignment_cancel(
                    viewer=viewer, via="admin", assignment=assignment, at=timezone.now()
                )
            except (ValidationError, PermissionDenied) as refused:
                message = "; ".join(getattr(refused, "messages", [str(refused)]))
                self.message_user(request, f"{assignment}: {message}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, _("Cancelled %(count)d assignment(s).") % {"count": done})


# Albums and photos are registered in admin_photos.py (uploads are checked there).
from chapterhouse.newsroom import admin_photos  # noqa: E402, F401

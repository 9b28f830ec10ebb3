"""The admin for power users: categories, tags, articles, their translations, albums, photos,
language desks and translation assignments.

Articles are written through ``article_create`` / ``article_update``, so a changed
source text marks the translations made from other paragraphs outdated, as in the
workspace. Translations move only through the workflow (claim, submit, approve):
they are read here. Desks are set with ``language_desk_set``; assignments are
cancelled with ``assignment_cancel``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.admin_audit import (
    ReadOnlyAdmin,
    ReferenceAdmin,
    ServiceAdmin,
    request_viewer,
)
from chapterhouse.newsroom.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    Article,
    ArticleTranslation,
    Category,
    LanguageDesk,
    Tag,
    TranslationAssignment,
)
from chapterhouse.newsroom.workflow import services
from chapterhouse.registry.models import Organization
from chapterhouse.web.admin_helpers import ReadOnlyInline, text_column


@admin.register(Category)
class CategoryAdmin(ReferenceAdmin):
    list_display = ["slug", "name_text"]
    search_fields = ["slug", "name"]
    name_text = text_column("name", _("Name"))


@admin.register(Tag)
class TagAdmin(ReferenceAdmin):
    list_display = ["slug", "name_text"]
    search_fields = ["slug", "name"]
    name_text = text_column("name", _("Name"))


class ArticleTranslationInline(ReadOnlyInline):
    model = ArticleTranslation
    fields = ["lang", "status", "title"]
    show_change_link = True


class ArticleAdminForm(forms.ModelForm):
    """An article's fields and its source text (the text of its source language)."""

    title = forms.CharField(label=_("Title"), max_length=500)
    lead = forms.CharField(label=_("Lead"), required=False, widget=forms.Textarea({"rows": 3}))
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea,
        help_text=_(
            "Markdown. Changing a paragraph marks the translations made from the old one outdated."
        ),
    )

    class Meta:
        model = Article
        fields = [
            "slug",
            "source_language",
            "category",
            "tags",
            "author_person",
            "author_body",
            "about_bodies",
            "about_sessions",
            "about_conferences",
            "about_people",
            "publish_at",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            source = services.source_translation(self.instance)
            self.initial.update(title=source.title, lead=source.lead, body=source.body)


@admin.register(Article)
class ArticleAdmin(ServiceAdmin):
    form = ArticleAdminForm
    writes_through = (services.article_create, services.article_update)
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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Its id is in every link; its source language is what translations are made from.
        return ["slug", "source_language"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # published news stays part of the record

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        data = form.cleaned_data
        fields = services.ArticleFields(
            category=data.get("category"),
            tags=list(data.get("tags") or []),
            author_person=data.get("author_person"),
            author_body=data.get("author_body"),
            about_bodies=list(data.get("about_bodies") or []),
            about_sessions=list(data.get("about_sessions") or []),
            about_conferences=list(data.get("about_conferences") or []),
            about_people=list(data.get("about_people") or []),
            publish_at=data.get("publish_at"),
        )
        text = {"title": data["title"], "lead": data["lead"], "body": data["body"]}
        viewer = request_viewer(request)
        if change:
            stored = Article.objects.get(pk=obj.pk)
            services.article_update(
                viewer=viewer, via="admin", article=stored, fields=fields, at=timezone.now(), **text
            )
            return
        article = services.article_create(
            viewer=viewer,
            via="admin",
            slug=obj.slug,
            source_language=obj.source_language,
            fields=fields,
            at=timezone.now(),
            **text,
        )
        obj.pk = article.pk


@admin.register(ArticleTranslation)
class ArticleTranslationAdmin(ReadOnlyAdmin):
    """Translations move through the workflow (sent, claimed, submitted, approved), and a
    source text changes with its article: here they are read."""

    list_display = ["article", "lang", "title", "status"]
    list_filter = ["status", "lang"]
    search_fields = ["article__slug", "title"]
    list_select_related = ["article"]


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
class LanguageDeskAdmin(ServiceAdmin):
    form = LanguageDeskForm
    writes_through = (services.language_desk_set,)
    list_display = ["lang", "body"]
    list_select_related = ["body"]
    ordering = ["lang"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # every working language has a desk; name another body instead

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        desk = services.language_desk_set(
            viewer=request_viewer(request),
            via="admin",
            lang=obj.lang,
            body=obj.body,
            at=timezone.now(),
        )
        obj.pk = desk.pk


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
class TranslationAssignmentAdmin(ReadOnlyAdmin):
    """Assignments are made by sending an article and move through the workflow; here
    they are read, and the "cancel" action goes through the service like the workspace."""

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
    actions = ["cancel"]

    @admin.display(boolean=True, description=_("overdue"))
    def is_overdue(self, obj: TranslationAssignment) -> bool:
        return obj.status in ACTIVE_ASSIGNMENT_STATUSES and obj.due < timezone.now().date()

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


# Albums and photos are registered in photos/admin.py (uploads are checked there).
from chapterhouse.newsroom.photos import admin as photos_admin  # noqa: E402, F401

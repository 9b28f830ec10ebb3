"""The admin for power users: partners, affiliations, agreements, honours, awards, tasks."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.admin_audit import AuditedAdmin
from chapterhouse.relations.models import (
    Affiliation,
    Agreement,
    AgreementSignatory,
    Award,
    Honour,
    Partner,
    Task,
    TaskAssignee,
)
from chapterhouse.web.admin_helpers import text_column


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = ["slug", "name_text", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["slug", "name"]
    name_text = text_column("name", _("Name"))


@admin.register(Affiliation)
class AffiliationAdmin(AuditedAdmin):
    list_display = ["person", "partner", "title_text", "start", "end"]
    search_fields = ["person__name", "partner__slug"]
    list_select_related = ["person", "partner"]
    autocomplete_fields = ["person", "partner"]
    title_text = text_column("title", _("Title"))


class AgreementSignatoryInline(admin.TabularInline):
    model = AgreementSignatory
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["slug", "title_text", "status", "date", "signed_by"]
    list_filter = ["status"]
    search_fields = ["slug", "title"]
    list_select_related = ["signed_by"]
    autocomplete_fields = ["signed_by"]
    inlines = [AgreementSignatoryInline]
    title_text = text_column("title", _("Title"))


@admin.register(AgreementSignatory)
class AgreementSignatoryAdmin(AuditedAdmin):
    list_display = ["agreement", "person", "party"]
    search_fields = ["agreement__slug", "person__name"]
    list_select_related = ["agreement", "person"]
    autocomplete_fields = ["agreement", "person"]


@admin.register(Honour)
class HonourAdmin(AuditedAdmin):
    list_display = ["slug", "name_text", "kind"]
    list_filter = ["kind"]
    search_fields = ["slug", "name"]
    name_text = text_column("name", _("Name"))


@admin.register(Award)
class AwardAdmin(AuditedAdmin):
    list_display = ["person", "honour", "date", "decision"]
    list_filter = ["honour"]
    search_fields = ["person__name", "honour__slug"]
    list_select_related = ["person", "honour", "decision"]
    autocomplete_fields = ["person", "honour", "citation", "decision"]
    date_hierarchy = "date"


class TaskAssigneeInline(admin.TabularInline):
    model = TaskAssignee
    extra = 0
    autocomplete_fields = ["body", "person"]


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ["slug", "title_text", "due", "status", "decision"]
    list_filter = ["status"]
    search_fields = ["slug", "title"]
    list_select_related = ["decision"]
    autocomplete_fields = ["decision"]
    inlines = [TaskAssigneeInline]
    title_text = text_column("title", _("Title"))


@admin.register(TaskAssignee)
class TaskAssigneeAdmin(AuditedAdmin):
    list_display = ["task", "body", "person"]
    list_select_related = ["task", "body", "person"]
    autocomplete_fields = ["task", "body", "person"]

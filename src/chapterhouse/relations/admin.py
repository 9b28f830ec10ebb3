"""The admin for power users: partners, affiliations, agreements, honours, awards, tasks.

Awards, an agreement's signing and a task's assignees are made by decisions
(``award``, ``sign_agreement``, ``assign_task`` effects) and are read-only here;
the rest is reference data, written through ``custody.reference``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.admin_audit import ReadOnlyAdmin, ReferenceAdmin
from chapterhouse.relations.models import (
    Affiliation,
    Agreement,
    AgreementSignatory,
    Award,
    Honour,
    Partner,
    Task,
    TaskAssignee,
    TaskReminder,
)
from chapterhouse.web.admin_helpers import ReadOnlyInline, RecordedByDecisionsAdmin, text_column


@admin.register(Partner)
class PartnerAdmin(ReferenceAdmin):
    list_display = ["slug", "name_text", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["slug", "name"]
    name_text = text_column("name", _("Name"))


@admin.register(Affiliation)
class AffiliationAdmin(ReferenceAdmin):
    list_display = ["person", "partner", "title_text", "start", "end"]
    search_fields = ["person__name", "partner__slug"]
    list_select_related = ["person", "partner"]
    autocomplete_fields = ["person", "partner"]
    title_text = text_column("title", _("Title"))


class AgreementSignatoryInline(ReadOnlyInline):
    model = AgreementSignatory
    fields = ["person", "party", "title", "position"]
    show_change_link = True


@admin.register(Agreement)
class AgreementAdmin(ReferenceAdmin):
    list_display = ["slug", "title_text", "status", "date", "signed_by"]
    list_filter = ["status"]
    search_fields = ["slug", "title"]
    list_select_related = ["signed_by"]
    inlines = [AgreementSignatoryInline]
    title_text = text_column("title", _("Title"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Once recorded, it is signed by a decision's sign_agreement effect, not by hand.
        return ["status", "date", "date_precision", "signed_by"] if obj is not None else []


@admin.register(AgreementSignatory)
class AgreementSignatoryAdmin(ReferenceAdmin):
    list_display = ["agreement", "person", "party"]
    search_fields = ["agreement__slug", "person__name"]
    list_select_related = ["agreement", "person"]
    autocomplete_fields = ["agreement", "person"]


@admin.register(Honour)
class HonourAdmin(ReferenceAdmin):
    list_display = ["slug", "name_text", "kind"]
    list_filter = ["kind"]
    search_fields = ["slug", "name"]
    name_text = text_column("name", _("Name"))


@admin.register(Award)
class AwardAdmin(RecordedByDecisionsAdmin):
    list_display = ["person", "honour", "date", "decision"]
    list_filter = ["honour"]
    search_fields = ["person__name", "honour__slug"]
    list_select_related = ["person", "honour", "decision"]
    autocomplete_fields = ["person", "honour", "citation", "decision"]
    date_hierarchy = "date"


class TaskAssigneeInline(ReadOnlyInline):
    model = TaskAssignee
    fields = ["body", "person"]


@admin.register(Task)
class TaskAdmin(ReferenceAdmin):
    list_display = ["slug", "title_text", "due", "status", "decision"]
    list_filter = ["status"]
    search_fields = ["slug", "title"]
    list_select_related = ["decision"]
    readonly_fields = ["decision"]
    inlines = [TaskAssigneeInline]
    title_text = text_column("title", _("Title"))


@admin.register(TaskAssignee)
class TaskAssigneeAdmin(RecordedByDecisionsAdmin):
    list_display = ["task", "body", "person"]
    list_select_related = ["task", "body", "person"]
    autocomplete_fields = ["task", "body", "person"]


@admin.register(TaskReminder)
class TaskReminderAdmin(ReadOnlyAdmin):
    """Reminders are written by ``chapterhouse tasks remind`` alone (once a day per task)."""

    list_display = ["task", "on"]
    list_select_related = ["task"]
    date_hierarchy = "on"

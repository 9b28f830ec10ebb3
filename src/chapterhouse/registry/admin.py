"""The admin for power users: the organization, bodies, people and their terms."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.admin_audit import AuditedAdmin
from chapterhouse.registry.models import (
    Body,
    BodyKind,
    BodyName,
    Mandate,
    Organization,
    Person,
    PersonName,
    Role,
    Term,
)
from chapterhouse.relations.models import Affiliation
from chapterhouse.web.admin_helpers import ReadOnlyInline, RecordedByDecisionsAdmin, text_column


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ["name_text", "short_name_text", "default_language", "founded"]
    name_text = text_column("name", _("Name"))
    short_name_text = text_column("short_name", _("Short name"))


@admin.register(BodyKind)
class BodyKindAdmin(AuditedAdmin):
    list_display = ["slug", "name_text", "rank"]
    search_fields = ["slug"]
    name_text = text_column("name", _("Name"))


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ["slug", "name_text", "rank"]
    search_fields = ["slug"]
    name_text = text_column("name", _("Name"))


class BodyNameInline(ReadOnlyInline):
    model = BodyName
    fk_name = "body"
    fields = ["name", "start", "decision"]


class MandateInline(ReadOnlyInline):
    model = Mandate
    fk_name = "body"
    fields = ["slug", "start", "end", "holder_role", "transferred_from", "decision", "ended_by"]


class BodyTermInline(ReadOnlyInline):
    model = Term
    fk_name = "body"
    fields = ["person", "role", "title", "start", "end", "how", "decision", "ended_by"]
    ordering = ["-start"]
    show_change_link = True


@admin.register(Body)
class BodyAdmin(AuditedAdmin):
    """Bodies are founded and dissolved by decisions; here their description is corrected."""

    list_display = ["slug", "name_text", "kind", "parent", "founded", "dissolved"]
    list_filter = ["kind", "affiliated"]
    search_fields = ["slug", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent", "founded_by", "dissolved_by"]
    inlines = [BodyNameInline, MandateInline, BodyTermInline]
    name_text = text_column("name", _("Name"))
    readonly_fields = [
        "slug",
        "parent",
        "founded",
        "founded_precision",
        "dissolved",
        "dissolved_precision",
        "founded_by",
        "dissolved_by",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(BodyName)
class BodyNameAdmin(RecordedByDecisionsAdmin):
    list_display = ["body", "name_text", "start", "decision"]
    search_fields = ["body__slug", "name"]
    list_select_related = ["body", "decision"]
    autocomplete_fields = ["body", "decision"]
    name_text = text_column("name", _("Name"))


@admin.register(Mandate)
class MandateAdmin(RecordedByDecisionsAdmin):
    list_display = ["slug", "body", "start", "end", "holder_role", "transferred_from", "decision"]
    list_filter = ["slug"]
    search_fields = ["slug", "body__slug"]
    list_select_related = ["body", "transferred_from", "decision"]
    autocomplete_fields = ["body", "decision", "ended_by", "transferred_from"]


class PersonNameInline(admin.TabularInline):
    model = PersonName
    extra = 0


class PersonTermInline(ReadOnlyInline):
    model = Term
    fk_name = "person"
    fields = ["body", "role", "title", "start", "end", "how", "decision", "ended_by"]
    ordering = ["start"]
    show_change_link = True


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ["partner"]


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "slug", "custodian", "public"]
    list_filter = ["public"]
    search_fields = ["name", "slug", "names__name", "call_sign"]
    list_select_related = ["custodian"]
    autocomplete_fields = ["custodian"]
    inlines = [PersonNameInline, PersonTermInline, AffiliationInline]


@admin.register(PersonName)
class PersonNameAdmin(AuditedAdmin):
    list_display = ["name", "person", "lang", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "person__name"]
    list_select_related = ["person"]
    autocomplete_fields = ["person"]


@admin.register(Term)
class TermAdmin(RecordedByDecisionsAdmin):
    list_display = ["person", "role", "body", "start", "end", "how", "decision"]
    list_filter = ["role", "how", "body__kind"]
    search_fields = ["person__name", "person__slug", "body__slug", "role"]
    list_select_related = ["person", "body", "decision"]
    autocomplete_fields = ["person", "body", "decision", "ended_by"]
    date_hierarchy = "start"

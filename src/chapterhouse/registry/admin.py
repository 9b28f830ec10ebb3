"""The admin for power users: the organization, bodies, people and their terms.

People change through `person_create` / `person_update`, as on the web; the
organization's vocabulary through `custody.reference`; terms, mandates and body
names only by decisions (read-only here).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.admin_audit import ReferenceAdmin, ServiceAdmin, request_viewer
from chapterhouse.registry.models import (
    Body,
    BodyKind,
    BodyName,
    Competence,
    Mandate,
    Organization,
    Person,
    PersonAlias,
    PersonName,
    PersonNameKey,
    Role,
    Term,
)
from chapterhouse.registry.services import person_create, person_snapshot, person_update
from chapterhouse.relations.models import Affiliation
from chapterhouse.web.admin_helpers import (
    ReadOnlyInline,
    ReadOnlyPermissions,
    RecordedByDecisionsAdmin,
    text_column,
)


@admin.register(Organization)
class OrganizationAdmin(ReferenceAdmin):
    list_display = ["name_text", "short_name_text", "default_language", "founded"]
    name_text = text_column("name", _("Name"))
    short_name_text = text_column("short_name", _("Short name"))


@admin.register(BodyKind)
class BodyKindAdmin(ReferenceAdmin):
    list_display = ["slug", "name_text", "rank"]
    search_fields = ["slug"]
    name_text = text_column("name", _("Name"))


@admin.register(Role)
class RoleAdmin(ReferenceAdmin):
    list_display = ["slug", "name_text", "rank"]
    search_fields = ["slug"]
    name_text = text_column("name", _("Name"))


@admin.register(Competence)
class CompetenceAdmin(ReferenceAdmin):
    """The names of mandate ids; which body holds a mandate is recorded by decisions."""

    list_display = ["slug", "name_text"]
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
class BodyAdmin(ReferenceAdmin):
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
        "name",
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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a body's end is its dissolution, by a decision


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


class PersonNameInline(ReadOnlyInline):
    model = PersonName
    fields = ["name", "lang", "kind", "position"]
    show_change_link = True


class PersonTermInline(ReadOnlyInline):
    model = Term
    fk_name = "person"
    fields = ["body", "role", "title", "start", "end", "how", "decision", "ended_by"]
    ordering = ["start"]
    show_change_link = True


class AffiliationInline(ReadOnlyInline):
    model = Affiliation
    fields = ["partner", "title", "start", "end"]
    show_change_link = True


@admin.register(Person)
class PersonAdmin(ServiceAdmin):
    """People are recorded and edited through the registry's services (custody checked,
    audited); they are erased, never deleted, so their history stays."""

    writes_through = (person_create, person_update)
    list_display = ["name", "slug", "custodian", "public"]
    list_filter = ["public"]
    search_fields = ["name", "slug", "names__name", "call_sign"]
    list_select_related = ["custodian"]
    autocomplete_fields = ["custodian"]
    fields = [
        "slug",
        "name",
        "given",
        "family",
        "patronymic",
        "call_sign",
        "born",
        "born_precision",
        "custodian",
        "public",
        "honorific",
        "contact",
        "notes",
        "erased",
    ]
    readonly_fields = ["erased"]
    inlines = [PersonNameInline, PersonTermInline, AffiliationInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A person's id is what every record refers to them by.
        return [*self.readonly_fields, "slug"] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # terms and decisions name them: erase their personal data instead

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        wanted = person_snapshot(obj)
        viewer = request_viewer(request)
        if not change:
            person = person_create(
                viewer=viewer,
                via="admin",
                at=timezone.now(),
                values={"id": obj.slug, **{k: v for k, v in wanted.items() if v is not None}},
            )
            obj.pk = person.pk
            return
        stored = person_snapshot(Person.objects.get(pk=obj.pk))
        changes = {key: value for key, value in wanted.items() if stored[key] != value}
        if changes:
            person_update(
                viewer=viewer, via="admin", at=timezone.now(), person=obj, changes=changes
            )


@admin.register(PersonName)
class PersonNameAdmin(ReferenceAdmin):
    """A name variant may be the real name behind a call sign: administrators only."""

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


@admin.register(PersonAlias)
class PersonAliasAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    """The ids of merged people (docs/decisions/0032): read here; made and undone only by
    `chapterhouse people merge|unmerge` or the "Likely duplicates" page, which move the
    records and write the audit entry."""

    list_display = ["slug", "person", "merged_at"]
    search_fields = ["slug", "person__slug"]
    list_select_related = ["person"]
    fields = ["slug", "person", "merged_at", "audit_entry"]
    readonly_fields = ["slug", "person", "merged_at", "audit_entry"]


@admin.register(PersonNameKey)
class PersonNameKeyAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    """The matching keys the person search reads (docs/decisions/0031): derived from the
    names, rebuilt by the services that write names; shown here to explain a search."""

    list_display = ["key", "person", "source_name", "lang", "real"]
    search_fields = ["key", "person__slug"]
    list_select_related = ["person"]
    fields = ["person", "key", "source_name", "lang", "real"]
    readonly_fields = ["person", "key", "source_name", "lang", "real"]

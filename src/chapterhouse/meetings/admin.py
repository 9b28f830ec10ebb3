"""The admin for power users: conferences, sessions, documents and decisions.

Sessions and decisions change only through their services, as on the web and
the API: saving calls ``session_create`` / ``session_update`` and
``decision_create`` / ``decision_update`` (effects resolved through the writer's
viewer, checked, locked, audited); the "Adopt" and "Annul" actions call
``decision_status_set``; the status is never edited by hand, and the log of what
a decision changed is read-only. A session's hosts, occasions and attendees
change on its page on the site (``session_update``); here they are shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import TypeAdapter, ValidationError

from chapterhouse.core.chronicle_schema import Effect
from chapterhouse.core.partial_dates import start_text
from chapterhouse.custody.admin_audit import (
    ReadOnlyAdmin,
    ReferenceAdmin,
    ServiceAdmin,
    refusal_text,
    request_viewer,
)
from chapterhouse.meetings.models import (
    Attendance,
    Commemoration,
    Conference,
    Decision,
    Document,
    EffectLog,
    Session,
    SessionHost,
    SessionOccasion,
)
from chapterhouse.meetings.services import (
    decision_create,
    decision_snapshot,
    decision_status_set,
    decision_update,
    session_create,
    session_update,
)
from chapterhouse.web.admin_helpers import ReadOnlyInline, text_column

EFFECTS: TypeAdapter[list[Any]] = TypeAdapter(list[Effect])


@admin.register(Commemoration)
class CommemorationAdmin(ReferenceAdmin):
    list_display = ["slug", "name_text", "date"]
    search_fields = ["slug", "name"]
    name_text = text_column("name", gettext_lazy("Name"))


class ConferenceSessionInline(ReadOnlyInline):
    model = Session
    fields = ["slug", "day", "title", "date", "country", "format"]
    show_change_link = True


@admin.register(Conference)
class ConferenceAdmin(ReferenceAdmin):
    list_display = ["slug", "number", "name_text", "kind", "start", "end"]
    list_filter = ["kind"]
    search_fields = ["slug", "name"]
    date_hierarchy = "start"
    inlines = [ConferenceSessionInline]
    name_text = text_column("name", gettext_lazy("Name"))


class SessionHostInline(ReadOnlyInline):
    model = SessionHost
    fields = ["body", "position"]


class SessionOccasionInline(ReadOnlyInline):
    model = SessionOccasion
    fields = ["commemoration", "position"]


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ["person", "role", "capacity"]


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ["slug", "kind", "title", "author"]
    show_change_link = True


class SessionDecisionInline(ReadOnlyInline):
    model = Decision
    fk_name = "session"
    fields = ["slug", "kind", "status", "date"]
    show_change_link = True


def _slug(obj: Any) -> str | None:
    return obj.slug if obj is not None else None


def _session_values(session: Session) -> dict[str, Any]:
    """Return the session's own fields (not hosts, occasions, attendees) as Chronicle values."""
    return {
        "conference": _slug(session.conference),
        "day": session.day,
        "title": session.title,
        "date": start_text(session.date, session.date_precision),
        "country": session.country or None,
        "city": session.city,
        "region": session.region,
        "venue": session.venue,
        "format": session.format or None,
        "chair": _slug(session.chair),
        "internal": session.internal,
        "extra": session.extra,
    }


@admin.register(Session)
class SessionAdmin(ServiceAdmin):
    list_display = ["slug", "title_text", "conference", "day", "date", "country", "format"]
    list_filter = ["format", "country", "conference"]
    search_fields = ["slug", "title"]
    list_select_related = ["conference"]
    autocomplete_fields = ["conference", "chair"]
    date_hierarchy = "date"
    writes_through = (session_create, session_update)
    inlines = [
        SessionHostInline,
        SessionOccasionInline,
        AttendanceInline,
        DocumentInline,
        SessionDecisionInline,
    ]
    title_text = text_column("title", gettext_lazy("Title"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["slug"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # its decisions and documents would go with it

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        wanted = _session_values(obj)
        viewer = request_viewer(request)
        if not change:
            values = {"id": obj.slug, **{k: v for k, v in wanted.items() if v is not None}}
            obj.pk = session_create(viewer=viewer, via="admin", at=timezone.now(), values=values).pk
            return
        stored = _session_values(Session.objects.get(pk=obj.pk))
        changes = {key: value for key, value in wanted.items() if stored[key] != value}
        if changes:
            session_update(
                viewer=viewer, via="admin", at=timezone.now(), session=obj, changes=changes
            )


@admin.register(SessionHost)
class SessionHostAdmin(ReadOnlyAdmin):
    """Hosts change with their session (``session_update``: officers of any host)."""

    list_display = ["session", "body", "position"]
    list_select_related = ["session", "body"]
    autocomplete_fields = ["session", "body"]


@admin.register(SessionOccasion)
class SessionOccasionAdmin(ReadOnlyAdmin):
    list_display = ["session", "commemoration", "position"]
    list_select_related = ["session", "commemoration"]
    autocomplete_fields = ["session", "commemoration"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    """Attendees change with their session (``session_update``)."""

    list_display = ["session", "person", "role"]
    list_filter = ["role"]
    search_fields = ["person__name", "session__slug"]
    list_select_related = ["session", "person"]
    autocomplete_fields = ["session", "person"]


@admin.register(Document)
class DocumentAdmin(ReferenceAdmin):
    list_display = ["slug", "title_text", "kind", "session", "author"]
    list_filter = ["kind"]
    search_fields = ["slug", "title"]
    list_select_related = ["session", "author"]
    autocomplete_fields = ["session", "author"]
    title_text = text_column("title", gettext_lazy("Title"))


class EffectLogInline(ReadOnlyInline):
    model = EffectLog
    fields = ["seq", "action", "model", "object_pk", "before"]
    readonly_fields = ["seq", "action", "model", "object_pk", "before"]
    verbose_name_plural = gettext_lazy("What it changed")


class DecisionForm(forms.ModelForm):
    """Checks the effects with the same models that check a Chronicle import."""

    class Meta:
        model = Decision
        fields = [
            "slug",
            "session",
            "conference",
            "date",
            "date_precision",
            "kind",
            "text",
            "proposed_by",
            "votes",
            "effects",
            "internal",
            "extra",
        ]
        help_texts = {
            "effects": gettext_lazy(
                'A list of effects as in the Chronicle format, e.g. [{"op": "start_term", '
                '"person": "park-minjun", "body": "ec-jp", "role": "head", "how": "elected"}]. '
                "They apply when the decision is adopted (action “Adopt selected decisions”)."
            )
        }

    def clean_effects(self) -> Any:
        effects = self.cleaned_data.get("effects") or []
        try:
            EFFECTS.validate_python(effects)
        except ValidationError as invalid:
            raise forms.ValidationError(
                [_effect_error(error) for error in invalid.errors(include_url=False)]
            ) from None
        return effects


def _effect_error(error: Any) -> str:
    """Return ``effects[0].body: <what is wrong>`` for one pydantic error."""
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"])
    return f"effects{path}: {error['msg']}"


# What an admin form may change of a recorded decision: its form's fields but those that
# say which decision it is (its status moves by the actions).
_DECISION_CHANGES = tuple(
    name
    for name in DecisionForm.Meta.fields
    if name not in {"slug", "session", "conference", "date_precision"}
)


@admin.register(Decision)
class DecisionAdmin(ServiceAdmin):
    form = DecisionForm
    list_display = ["slug", "kind", "status", "date", "session", "conference", "text_short"]
    list_filter = ["status", "kind"]
    search_fields = ["slug", "text"]
    list_select_related = ["session", "conference"]
    autocomplete_fields = ["session", "conference", "proposed_by"]
    date_hierarchy = "date"
    # Status moves only through the actions, so the effects are applied or reverted with it.
    readonly_fields = ["status"]
    inlines = [EffectLogInline]
    actions = ["adopt_selected", "annul_selected"]

    @admin.display(description=gettext_lazy("Text"))
    def text_short(self, obj: Decision) -> str:
        from chapterhouse.core.language import text

        wording = text(obj.text)
        return wording if len(wording) <= 80 else wording[:79] + "…"

    writes_through = (decision_create, decision_update, decision_status_set)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.readonly_fields
        # Where it was taken and its id stay. An adopted decision's effects are in force:
        # changing their wording here would no longer match what was applied. Annul,
        # edit, adopt again.
        fixed = [*self.readonly_fields, "slug", "session", "conference"]
        return [*fixed, "effects"] if obj.status == "adopted" else fixed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # withdraw or reject a proposal, annul an adopted decision

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        wanted = decision_snapshot(obj)
        own = {key: wanted[key] for key in _DECISION_CHANGES}
        viewer = request_viewer(request)
        if not change:
            values = {
                "id": obj.slug,
                "session": wanted["session"],
                "conference": wanted["conference"],
                **{key: value for key, value in own.items() if value is not None},
            }
            obj.pk = decision_create(
                viewer=viewer, via="admin", at=timezone.now(), values=values
            ).pk
            return
        stored = decision_snapshot(Decision.objects.get(pk=obj.pk))
        changes = {key: value for key, value in own.items() if stored[key] != value}
        if changes:
            decision_update(
                viewer=viewer, via="admin", at=timezone.now(), decision=obj, changes=changes
            )

    def _decide(self, request: HttpRequest, decision: Decision, status: str) -> None:
        # Through the same service as the web and the API: checked, applied and audited.
        with transaction.atomic():
            decision_status_set(
                viewer=request_viewer(request),
                via="admin",
                at=timezone.now(),
                decision=decision,
                status=status,
            )

    @admin.action(description=gettext_lazy("Adopt selected decisions"))
    def adopt_selected(self, request: HttpRequest, queryset: QuerySet[Decision]) -> None:
        """Adopt each decision, oldest first, and say which succeeded and why others failed."""
        for decision in queryset.order_by("date", "position", "pk"):
            try:
                self._decide(request, decision, "adopted")
            except (DjangoValidationError, PermissionDenied) as error:
                decision.refresh_from_db()
                self.message_user(
                    request,
                    _("Decision %(decision)s was not adopted: %(error)s")
                    % {"decision": decision.slug, "error": refusal_text(error)},
                    level=messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("Decision %(decision)s is adopted.") % {"decision": decision.slug},
                    level=messages.SUCCESS,
                )

    @admin.action(description=gettext_lazy("Annul selected decisions"))
    def annul_selected(self, request: HttpRequest, queryset: QuerySet[Decision]) -> None:
        """Annul each decision, newest first (so later changes are reverted before earlier
        ones they build on), and say which succeeded and why others failed."""
        for decision in queryset.order_by("-date", "-position", "-pk"):
            try:
                self._decide(request, decision, "annulled")
            except (DjangoValidationError, PermissionDenied) as error:
                decision.refresh_from_db()
                self.message_user(
                    request,
                    _("Decision %(decision)s was not annulled: %(error)s")
                    % {"decision": decision.slug, "error": refusal_text(error)},
                    level=messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("Decision %(decision)s is annulled.") % {"decision": decision.slug},
                    level=messages.SUCCESS,
                )


@admin.register(EffectLog)
class EffectLogAdmin(ReadOnlyAdmin):
    """The record of what decisions changed: to be read, never edited."""

    list_display = ["decision", "seq", "action", "model", "object_pk"]
    list_filter = ["action", "model"]
    search_fields = ["decision__slug"]
    list_select_related = ["decision"]

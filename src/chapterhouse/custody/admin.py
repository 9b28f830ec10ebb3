"""The custody admin: accounts and grants for administrators, tokens to revoke, and the
invitations and audit trail to read only.

The admin is no way around two-factor sign-in: its own sign-in page sends to
ours, and its pages need a session verified with a second factor.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.models import Account, ApiToken, AuditEntry, Grant, Invitation
from chapterhouse.custody.services import audit_record, token_revoke
from chapterhouse.custody.two_factor import is_verified


def _sign_in_instead(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Send the admin's sign-in to ours, which asks for the second factor."""
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("custody:login")
    )


_admin_has_permission = admin.site.has_permission


def _has_verified_permission(request: HttpRequest) -> bool:
    return _admin_has_permission(request) and is_verified(request.user)


admin.site.login = _sign_in_instead  # type: ignore[method-assign]
admin.site.has_permission = _has_verified_permission  # type: ignore[method-assign]


def _superuser_only(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("user", "person")
    search_fields = ("user__username", "person__slug", "person__name")
    raw_id_fields = ("user", "person")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _superuser_only(request)


def _grant_state(grant: Grant) -> dict[str, Any]:
    return {
        "role": grant.role,
        "body": grant.body.slug,
        "start": grant.start.isoformat(),
        "end": grant.end.isoformat() if grant.end else None,
    }


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "body", "start", "end", "granted_by")
    list_filter = ("role",)
    search_fields = ("user__username", "body__slug")
    raw_id_fields = ("user", "body", "granted_by")
    readonly_fields = ("granted_by",)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _superuser_only(request)

    def save_model(self, request: HttpRequest, obj: Grant, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = _grant_state(Grant.objects.get(pk=obj.pk)) if change else None
            if not change:
                obj.granted_by = request.user  # type: ignore[assignment]
            super().save_model(request, obj, form, change)
            audit_record(
                viewer=request.viewer,  # type: ignore[attr-defined]
                via="admin",
                action="grant_change" if change else "grant",
                object_type="account",
                object_id=obj.user.get_username(),
                at=timezone.now(),
                body=obj.body,
                before=before,
                after=_grant_state(obj),
            )

    def delete_model(self, request: HttpRequest, obj: Grant) -> None:
        with transaction.atomic():
            audit_record(
                viewer=request.viewer,  # type: ignore[attr-defined]
                via="admin",
                action="grant_delete",
                object_type="account",
                object_id=obj.user.get_username(),
                at=timezone.now(),
                body=obj.body,
                before=_grant_state(obj),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Grant]) -> None:
        for grant in queryset.select_related("user", "body"):
            self.delete_model(request, grant)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows to read here; they change elsewhere, or never."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _superuser_only(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser_only(request)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens can be read (never their digest) and revoked, nothing else."""

    list_display = ("name", "user", "prefix", "created", "expires", "revoked", "last_used")
    list_filter = ("revoked",)
    search_fields = ("user__username", "prefix", "name")
    fields = ("name", "user", "prefix", "created", "expires", "revoked", "last_used")
    actions = ["revoke"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return _superuser_only(request)

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        at = timezone.now()
        tokens = list(queryset.filter(revoked__isnull=True).select_related("user"))
        for token in tokens:
            token_revoke(token=token, at=at, via="admin")
        self.message_user(request, _("Revoked %(count)d tokens.") % {"count": len(tokens)})


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "invited_by", "created", "expires", "accepted")
    search_fields = ("email",)
    fields = ("email", "grants", "person", "invited_by", "created", "expires", "accepted")


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit trail: readable by administrators, changeable by no one."""

    list_display = ("at", "actor_label", "via", "action", "object_type", "object_id")
    list_filter = ("via", "action", "object_type")
    search_fields = ("actor_label", "object_id")
    date_hierarchy = "at"

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}

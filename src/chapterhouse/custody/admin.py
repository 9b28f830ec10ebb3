"""The custody admin: grants given and ended through their services, tokens to revoke, and
accounts, invitations and the audit trail to read only.

The admin is no way around two-factor sign-in: its own sign-in page sends to
ours, and its pages need a session verified with a second factor. It is for
administrators: anyone else signed in is told so (403) and where they work,
rather than being sent to sign in again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.access import may_manage_accounts_in_admin, may_use_admin
from chapterhouse.custody.admin_audit import ReadOnlyAdmin as BaseReadOnlyAdmin
from chapterhouse.custody.admin_audit import ServiceAdmin, refusal_text, request_viewer
from chapterhouse.custody.models import Account, ApiToken, AuditEntry, Grant, Invitation
from chapterhouse.custody.services import grant_create, grant_end, token_revoke
from chapterhouse.custody.two_factor import is_verified


def _sign_in_instead(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """Send the admin's sign-in to ours, which asks for the second factor."""
    return redirect_to_login(
        request.GET.get("next") or reverse("admin:index"), login_url=reverse("custody:login")
    )


def _has_verified_permission(request: HttpRequest) -> bool:
    return may_use_admin(request.user) and is_verified(request.user)


def _refused(request: HttpRequest) -> HttpResponse:
    """Tell someone signed in who is not an administrator why the admin is closed to them."""
    return render(request, "custody/admin_refused.html", status=403)


_admin_view = admin.site.admin_view


def _admin_view_for_administrators(view: Callable[..., Any], cacheable: bool = False) -> Any:
    """Wrap an admin page so that a signed-in non-administrator gets `_refused`."""
    inner = _admin_view(view, cacheable)

    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_use_admin(request.user):
            return _refused(request)
        return inner(request, *args, **kwargs)

    return update_wrapper(guarded, inner)


def _sign_in_or_refuse(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    if request.user.is_authenticated and not may_use_admin(request.user):
        return _refused(request)
    return _sign_in_instead(request, extra_context)


admin.site.login = _sign_in_or_refuse  # type: ignore[method-assign]
admin.site.has_permission = _has_verified_permission  # type: ignore[method-assign]
admin.site.admin_view = _admin_view_for_administrators  # type: ignore[method-assign]


class ReadOnlyAdmin(BaseReadOnlyAdmin):
    """Rows to read here, by superusers only; they change elsewhere, or never."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_manage_accounts_in_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_accounts_in_admin(request.user)


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    """Accounts are opened by `chapterhouse user add` or an accepted invitation."""

    list_display = ("user", "person")
    search_fields = ("user__username", "person__slug", "person__name")


@admin.register(Grant)
class GrantAdmin(ServiceAdmin):
    """Grants are given with `grant_create` and ended with `grant_end`, never deleted: who
    could do what, when, stays on the record. On a saved grant only its end can be set."""

    writes_through = (grant_create, grant_end)
    list_display = ("user", "role", "body", "start", "end", "granted_by")
    list_filter = ("role",)
    search_fields = ("user__username", "body__slug")
    raw_id_fields = ("user", "body")
    fields = ("user", "role", "body", "start", "end", "granted_by")
    actions = ["end_today"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_manage_accounts_in_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # end it instead

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("end", "granted_by")
        fixed = ("user", "role", "body", "start", "granted_by")
        return (*fixed, "end") if obj.end is not None else fixed

    def save_model(self, request: HttpRequest, obj: Grant, form: Any, change: bool) -> None:
        viewer = request_viewer(request)
        if not change:
            obj.pk = grant_create(
                viewer=viewer,
                via="admin",
                user=obj.user,
                role=obj.role,
                body=obj.body,
                on=obj.start,
                at=timezone.now(),
            ).pk
            return
        if obj.end is not None:
            self._end(request, obj, obj.end)

    def _end(self, request: HttpRequest, grant: Grant, on: dt.date) -> None:
        grant_end(
            viewer=request_viewer(request),
            via="admin",
            user=grant.user,
            role=grant.role,
            body=grant.body,
            on=on,
            at=timezone.now(),
        )

    @admin.action(description=_("End the selected grants today"))
    def end_today(self, request: HttpRequest, queryset: QuerySet[Grant]) -> None:
        today = timezone.localdate()
        ended = 0
        for grant in queryset.filter(end__isnull=True).select_related("user", "body"):
            try:
                with transaction.atomic():
                    self._end(request, grant, today)
            except (ValidationError, PermissionDenied) as refused:
                self.message_user(request, f"{grant}: {refusal_text(refused)}", messages.ERROR)
            else:
                ended += 1
        self.message_user(request, _("Ended %(count)d grants.") % {"count": ended})


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens can be read (never their digest) and revoked, nothing else."""

    list_display = ("name", "user", "prefix", "created", "expires", "revoked", "last_used")
    list_filter = ("revoked",)
    search_fields = ("user__username", "prefix", "name")
    fields = ("name", "user", "prefix", "created", "expires", "revoked", "last_used")
    actions = ["revoke"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return may_manage_accounts_in_admin(request.user)

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


# -- other apps' tables ---------------------------------------------------------------------
# Users, groups, two-factor devices, sign-in attempts and queued tasks come with their
# apps' admins, which write directly. Here they are read: accounts are opened with
# `chapterhouse user add` or an invitation, passwords reset by mail, devices enrolled and
# removed on the account page, a paused sign-in cleared with `axes_reset`.
THIRD_PARTY = (
    "auth.User",
    "auth.Group",
    "otp_totp.TOTPDevice",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "django_tasks_database.DBTaskResult",
)


def _read_only_registration(label: str) -> None:
    from django.apps import apps

    try:
        model = apps.get_model(label)
    except LookupError:
        return
    if not admin.site.is_registered(model):
        return
    original = type(admin.site.get_model_admin(model))
    admin.site.unregister(model)
    admin.site.register(
        model, type(original.__name__, (BaseReadOnlyAdmin, original), {"__doc__": original.__doc__})
    )


for _label in THIRD_PARTY:
    _read_only_registration(_label)

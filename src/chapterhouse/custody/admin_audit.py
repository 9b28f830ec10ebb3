"""How the Django admin writes: through the services, like every other edge.

Every registered ModelAdmin is one of two kinds (``tests/web/test_admin_writes.py``
enumerates them):

* read-only (:class:`ReadOnlyAdmin`): rows that only decisions make, logs, and
  third-party tables; nothing can be added, changed or deleted here;
* :class:`ServiceAdmin`: its saves, deletes and actions call the services named in
  ``writes_through`` (permission through the writer's viewer, validation,
  locking and the audit entry happen there). A service's refusal is shown on the
  form (or as a message for a deletion), and nothing is written. Its inlines are
  read-only: related rows change through their parent's service or their own page.

Reference data without rules of its own goes through ``custody.reference``
(:class:`ReferenceAdmin`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError, QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chapterhouse.custody.access import ADMIN, Viewer
from chapterhouse.custody.reference import reference_delete, reference_save

Refusal = ValidationError | PermissionDenied | ProtectedError


def request_viewer(request: HttpRequest) -> Viewer:
    """Return the viewer of an admin request (the middleware sets it; staff are admins)."""
    viewer: Viewer | None = getattr(request, "viewer", None)
    if viewer is not None:
        return viewer
    return ADMIN


def refusal_messages(refusal: Refusal) -> list[tuple[str | None, str]]:
    """Return (field or None, message) for each thing a service refused."""
    if isinstance(refusal, ValidationError):
        if hasattr(refusal, "error_dict"):
            return [
                (None if field == "__all__" else field, message)
                for field, found in refusal.message_dict.items()
                for message in found
            ]
        return [(None, message) for message in refusal.messages]
    if isinstance(refusal, ProtectedError):
        return [(None, _("Other records still refer to it; it stays."))]
    return [(None, str(refusal) or _("You may not do this."))]


def refusal_text(refusal: Refusal) -> str:
    """Return a refusal as one line, each problem prefixed with its field."""
    return "; ".join(
        f"{field}: {message}" if field else message for field, message in refusal_messages(refusal)
    )


class ReadOnlyPermissions:
    """No add, change or delete: for admins and inlines whose rows change elsewhere."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    """Rows to read here; they change elsewhere (through a service), or never."""


class ServiceAdmin(admin.ModelAdmin):
    """An admin whose every write calls the services it names in ``writes_through``.

    Subclasses implement :meth:`save_model` and :meth:`delete_model` with those
    services. Bulk deletion deletes one by one through :meth:`delete_model`.
    """

    writes_through: ClassVar[tuple[Callable[..., Any], ...]] = ()

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        raise NotImplementedError(f"{type(self).__name__} must save through a service")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must delete through a service")

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        # Many-to-many fields and inlines are the service's to write; inlines are read-only.
        for formset in formsets:
            if formset.has_changed():
                raise ValidationError(_("Rows shown below are changed on their own page."))
            # What the admin's history message reads from a saved formset: nothing.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseFormSet, change: bool
    ) -> None:
        raise NotImplementedError("the inlines of a ServiceAdmin are read-only")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except (ValidationError, PermissionDenied, ProtectedError) as refused:
                self.message_user(request, f"{obj}: {refusal_text(refused)}", messages.ERROR)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, PermissionDenied, ProtectedError) as refused:
            if request.method != "POST" or hasattr(request, "_service_refusal"):
                raise
            # The service refused, and its transaction rolled back: show the same form
            # again, with the refusal as its errors (the form's clean adds them, get_form).
            request._service_refusal = refused  # type: ignore[attr-defined]
        for uploads in request.FILES.lists():
            for upload in uploads[1]:
                upload.seek(0)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        found: Refusal | None = getattr(request, "_service_refusal", None)
        if found is None:
            return form_class
        refusal: Refusal = found

        class RefusedForm(form_class):  # type: ignore[valid-type,misc]
            def clean(self) -> Any:
                cleaned = super().clean()
                for field, message in refusal_messages(refusal):
                    if field is not None and field in self.fields:
                        self.add_error(field, message)
                    else:
                        self.add_error(None, f"{field}: {message}" if field else message)
                return cleaned

        return RefusedForm

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except (ValidationError, PermissionDenied, ProtectedError) as refused:
            # A refusal of the admin's own permission check stays a 403; one of the
            # service's is said on the page the user came from.
            if request.method != "POST" or not self.has_delete_permission(request):
                raise
            self.message_user(request, refusal_text(refused), messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])
            )


class ReferenceAdmin(ServiceAdmin):
    """An admin for reference data: writes go through `custody.reference`."""

    writes_through = (reference_save, reference_delete)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        reference_save(
            viewer=request_viewer(request),
            via="admin",
            at=timezone.now(),
            obj=obj,
            fields=form.changed_data if change else None,
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        reference_delete(viewer=request_viewer(request), via="admin", at=timezone.now(), obj=obj)

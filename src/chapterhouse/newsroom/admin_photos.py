"""The admin for albums and photos.

Uploads here pass the same checks as the workspace's upload page
(`newsroom.photos.photo_clean`): only real JPEG, PNG, WebP and GIF images within
the size and pixel limits, stored as a cleaned copy (upright, no location or
camera data) under a random name with a generated thumbnail. Writes are audited
by `AuditedAdmin`; the files of removed or replaced photos go once the change commits.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.admin_audit import AuditedAdmin, field_values, request_viewer
from chapterhouse.custody.services import audit_record
from chapterhouse.newsroom.models import Album, Photo
from chapterhouse.newsroom.photos import (
    CleanPhoto,
    photo_clean,
    photo_files_delete,
    photo_files_store,
)
from chapterhouse.web.admin_helpers import text_column

# Fields the upload fills in; the form never takes them as typed values.
_FILE_FIELDS = ["image", "thumbnail", "width", "height"]


def _photo_values(photo: Photo, names: list[str] | None = None) -> dict[str, Any]:
    """Return the photo's fields (or only ``names``) as JSON values, files by their names.

    `AuditedAdmin` writes fields with `field_values`, which does not know file fields.
    """
    every = [field.name for field in Photo._meta.concrete_fields if not field.primary_key]
    wanted = every if names is None else [name for name in names if name in every]
    values = field_values(photo, [name for name in wanted if name not in ("image", "thumbnail")])
    for name in ("image", "thumbnail"):
        if name in wanted:
            values[name] = getattr(photo, name).name or None
    return values


def _photo_id(photo: Photo) -> str:
    return f"{photo.album.slug}/{photo.pk}"


def _photo_body(photo: Photo) -> int | None:
    article = photo.album.article
    return article.author_body_id if article is not None else None


def _audit_photo(
    request: HttpRequest,
    photo: Photo,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit_record(
        viewer=request_viewer(request),
        via="admin",
        action=action,
        object_type="photo",
        object_id=_photo_id(photo),
        at=timezone.now(),
        body=_photo_body(photo),
        before=before,
        after=after,
    )


def _delete_files_on_commit(photos: list[Photo]) -> None:
    names = [name for photo in photos for name in (photo.image.name, photo.thumbnail.name) if name]
    transaction.on_commit(lambda: photo_files_delete(names))


class PhotoAdminForm(forms.ModelForm):
    """A photo's caption and place, and its image as an upload that is checked and cleaned."""

    upload = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_(
            "A JPEG, PNG, WebP or GIF photo; it is turned upright, stripped of location and "
            "camera data, and given a thumbnail. On a saved photo, a new file replaces it."
        ),
    )

    class Meta:
        model = Photo
        fields = ["album", "upload", "caption", "position"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cleaned_photo: CleanPhoto | None = None

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload is None:
            if self.instance.pk is None:
                raise forms.ValidationError(_("Choose the photo's image file."))
            return None
        self.cleaned_photo = photo_clean(upload)
        return upload

    @property
    def changed_data(self) -> list[str]:
        names = [name for name in super().changed_data if name != "upload"]
        if self.cleaned_photo is not None:
            names += _FILE_FIELDS
        return names

    def save(self, commit: bool = True) -> Any:
        photo = super().save(commit=False)
        if self.cleaned_photo is not None:
            replaced = Photo(image=photo.image.name, thumbnail=photo.thumbnail.name)
            written: list[str] = []
            try:
                photo_files_store(photo, self.cleaned_photo, written)
            except BaseException:
                photo_files_delete(written)
                raise
            if replaced.image.name:
                _delete_files_on_commit([replaced])
            self.cleaned_photo = None
        if commit:
            photo.save()
            self._save_m2m()  # type: ignore[attr-defined]
        return photo


@admin.display(description=_("Preview"))
def _preview(photo: Photo) -> str:
    if not photo.thumbnail:
        return "—"
    return format_html(
        '<a href="{}"><img src="{}" alt="" style="max-height: 8rem"></a><br>{} × {}',
        photo.image.url,
        photo.thumbnail.url,
        photo.width,
        photo.height,
    )


class PhotoInline(admin.TabularInline):
    model = Photo
    form = PhotoAdminForm
    extra = 0
    fields = ["preview", "upload", "caption", "position"]
    readonly_fields = ["preview"]

    @admin.display(description=_("Preview"))
    def preview(self, photo: Photo) -> str:
        return _preview(photo)


@admin.register(Album)
class AlbumAdmin(AuditedAdmin):
    list_display = ["slug", "title_text", "article"]
    search_fields = ["slug", "title"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    inlines = [PhotoInline]
    title_text = text_column("title", _("Title"))

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseFormSet, change: bool
    ) -> None:
        if formset.model is not Photo:  # type: ignore[attr-defined]
            super().save_formset(request, form, formset, change)
            return
        # Audited photo by photo (as PhotoAdmin does), with files named, not serialized.
        before = {
            photo_form.instance.pk: _photo_values(
                Photo.objects.get(pk=photo_form.instance.pk), photo_form.changed_data
            )
            for photo_form in formset.forms
            if photo_form.instance.pk is not None and photo_form.has_changed()
        }
        formset.save()  # type: ignore[attr-defined]
        for photo in formset.new_objects:  # type: ignore[attr-defined]
            _audit_photo(request, photo, "create", after=_photo_values(photo))
        for photo, fields in formset.changed_objects:  # type: ignore[attr-defined]
            names = list(fields)
            if "upload" in names:
                names += ["image", "thumbnail", "width", "height"]
            _audit_photo(
                request,
                photo,
                "update",
                before=before.get(photo.pk),
                after=_photo_values(photo, names),
            )
        deleted = list(formset.deleted_objects)  # type: ignore[attr-defined]
        for photo in deleted:
            _audit_photo(request, photo, "delete", before=_photo_values(photo))
        if deleted:
            _delete_files_on_commit(deleted)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _delete_files_on_commit(list(obj.photos.all()))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        _delete_files_on_commit(list(Photo.objects.filter(album__in=queryset)))
        super().delete_queryset(request, queryset)


@admin.register(Photo)
class PhotoAdmin(AuditedAdmin):
    form = PhotoAdminForm
    list_display = ["album", "position", "preview", "image"]
    search_fields = ["album__slug"]
    list_select_related = ["album"]
    autocomplete_fields = ["album"]
    readonly_fields = ["preview"]
    fields = ["album", "preview", "upload", "caption", "position"]

    @admin.display(description=_("Preview"))
    def preview(self, photo: Photo) -> str:
        return _preview(photo)

    # AuditedAdmin's entries cannot hold file fields: these write the photo's own.

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        names = list(form.changed_data)
        stored = Photo.objects.filter(pk=obj.pk).first() if change and obj.pk else None
        before = _photo_values(stored, names) if stored is not None else None
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        if change and not names:
            return
        after = _photo_values(obj, names if change else None)
        _audit_photo(request, obj, "update" if change else "create", before=before, after=after)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _audit_photo(request, obj, "delete", before=_photo_values(obj))
        _delete_files_on_commit([obj])
        admin.ModelAdmin.delete_model(self, request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        photos = list(queryset.select_related("album__article"))
        for photo in photos:
            _audit_photo(request, photo, "delete", before=_photo_values(photo))
        _delete_files_on_commit(photos)
        admin.ModelAdmin.delete_queryset(self, request, queryset)

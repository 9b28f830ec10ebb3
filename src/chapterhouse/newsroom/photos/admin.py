"""The admin for albums and photos.

Every write is the photo service's, as on the workspace's upload page: a photo is
added with ``photo_add`` (only real JPEG, PNG, WebP and GIF images within the size
and pixel limits, stored as a cleaned copy under a random name with a thumbnail,
the editor's grant checked, audited), its caption and place changed with
``photo_update``, and it is taken out with ``photo_remove`` (its files go once that
commits). Albums are made with ``album_create`` and changed with ``album_update``.
To show another image, add it and remove the old photo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chapterhouse.custody.admin_audit import ServiceAdmin, request_viewer
from chapterhouse.newsroom.models import Album, Photo
from chapterhouse.newsroom.photos.services import (
    album_create,
    album_update,
    photo_add,
    photo_remove,
    photo_update,
)
from chapterhouse.web.admin_helpers import ReadOnlyInline, text_column

T = TypeVar("T")


class PhotoAdminForm(forms.ModelForm):
    """A new photo's album, image, caption and place; a saved one's caption and place."""

    upload = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_(
            "A JPEG, PNG, WebP or GIF photo; it is turned upright, stripped of location and "
            "camera data, and given a thumbnail."
        ),
    )

    class Meta:
        model = Photo
        fields = ["album", "upload", "caption", "position"]

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload is None and self.instance.pk is None:
            raise forms.ValidationError(_("Choose the photo's image file."))
        return upload


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


def _as_admin(request: HttpRequest, service: Callable[..., T], **values: Any) -> T:
    """Call a photos service for the signed-in admin user, now, through the admin."""
    return service(viewer=request_viewer(request), via="admin", at=timezone.now(), **values)


class PhotoInline(ReadOnlyInline):
    model = Photo
    fields = ["preview", "caption", "position"]
    readonly_fields = ["preview"]
    show_change_link = True

    @admin.display(description=_("Preview"))
    def preview(self, photo: Photo) -> str:
        return _preview(photo)


@admin.register(Album)
class AlbumAdmin(ServiceAdmin):
    writes_through = (album_create, album_update)
    list_display = ["slug", "title_text", "article"]
    search_fields = ["slug", "title"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    inlines = [PhotoInline]
    title_text = text_column("title", _("Title"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["slug"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # remove its photos one by one (each removal is audited)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if change:
            _as_admin(request, album_update, album=obj, title=obj.title, article=obj.article)
            return
        obj.pk = _as_admin(
            request, album_create, slug=obj.slug, title=obj.title, article=obj.article
        ).pk


@admin.register(Photo)
class PhotoAdmin(ServiceAdmin):
    form = PhotoAdminForm
    writes_through = (photo_add, photo_update, photo_remove)
    list_display = ["album", "position", "preview", "image"]
    search_fields = ["album__slug"]
    list_select_related = ["album"]
    autocomplete_fields = ["album"]

    @admin.display(description=_("Preview"))
    def preview(self, photo: Photo) -> str:
        return _preview(photo)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["album", "upload", "caption"]
        return ["album", "preview", "caption", "position"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["album", "preview"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if change:
            _as_admin(request, photo_update, photo=obj, caption=obj.caption, position=obj.position)
            return
        obj.pk = _as_admin(
            request,
            photo_add,
            album=obj.album,
            upload=form.cleaned_data["upload"],
            caption=obj.caption,
        ).pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        _as_admin(request, photo_remove, photo=obj)

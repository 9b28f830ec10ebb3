"""The photo pages: the public gallery and albums, the workspace's upload pages, and /media/.

Public pages take their language from the path (``/ru/photos/``) and show only
albums of their own and albums of published articles. Workspace pages ask to
sign in first, then answer 403 to those who may not make or fill albums; the
checks themselves are in the services (newsroom/photos/services.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe
from django.views.static import serve

from chapterhouse.core.http import BadPageNumber, page_asked, show_errors
from chapterhouse.core.language import interface_code, language_name
from chapterhouse.custody.access import Viewer, album_may_add, album_may_change
from chapterhouse.newsroom.languages import site_default_language, site_languages
from chapterhouse.newsroom.models import Album, Article
from chapterhouse.newsroom.photos import selectors, services
from chapterhouse.newsroom.public.page_cache import public_page

PHOTOS_PER_PAGE = 24
# Media files have random names that never change content: browsers may keep them a year.
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def _viewer(request: HttpRequest) -> Viewer:
    return request.viewer  # type: ignore[attr-defined]


def _switcher(lang: str, url_for: Callable[[str], str]) -> list[dict[str, Any]]:
    """Links to this page in every working language (replacing the ?lang= switcher)."""
    return [
        {"code": code, "name": language_name(code), "url": url_for(code), "active": code == lang}
        for code in site_languages()
    ]


def _article_link(album: Album, lang: str) -> dict[str, str] | None:
    """The album's article as {url, title} in ``lang`` (else its source language), if any."""
    article = album.article
    if article is None:
        return None
    try:
        url = reverse("news:article", kwargs={"lang": lang, "slug": article.slug})
    except NoReverseMatch:
        url = ""
    texts = {t.lang: t.title for t in getattr(article, "shown_translations", [])}
    for code in (lang, article.source_language, *texts):
        if texts.get(code):
            return {"url": url, "title": texts[code], "lang": code}
    return {"url": url, "title": article.slug, "lang": ""}


# -- public pages ---------------------------------------------------------------------------


@require_safe
@public_page
def gallery(request: HttpRequest, lang: str) -> HttpResponse:
    """All photos: every public album's photos, the last uploaded first, a page at a time."""
    paginator = Paginator(selectors.gallery_photos(at=timezone.now()), PHOTOS_PER_PAGE)
    try:
        number = page_asked(request)
    except BadPageNumber as error:
        raise Http404(str(error)) from None
    try:
        page = paginator.page(number)  # no photos at all: an empty first page
    except InvalidPage:
        raise Http404(_("There is no page %(number)s.") % {"number": number}) from None
    pager = None
    if paginator.num_pages > 1:
        pager = {
            "number": page.number,
            "num_pages": paginator.num_pages,
            "previous": f"?page={page.number - 1}" if page.has_previous() else None,
            "next": f"?page={page.number + 1}" if page.has_next() else None,
        }
    suffix = f"?page={number}" if number > 1 else ""
    return render(
        request,
        "newsroom/photos/gallery.html",
        {
            "lang": lang,
            "photos": list(page.object_list),
            "pager": pager,
            "language_switcher": _switcher(
                lang, lambda code: reverse("photos:gallery", kwargs={"lang": code}) + suffix
            ),
        },
    )


@require_safe
@public_page
def album(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    """One album's photos with their captions and a link to its article."""
    try:
        found = selectors.album_public(slug=slug, at=timezone.now())
    except Album.DoesNotExist:
        raise Http404(_("There is no album with this id.")) from None
    return render(
        request,
        "newsroom/photos/album.html",
        {
            "lang": lang,
            "album": found,
            "article_link": _article_link(found, lang),
            "language_switcher": _switcher(
                lang, lambda code: reverse("photos:album", kwargs={"lang": code, "slug": slug})
            ),
        },
    )


@require_safe
def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Serve an uploaded file from MEDIA_ROOT (never a directory listing).

    Enough for one server; a bigger deployment lets its front proxy serve /media/.
    """
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT), show_indexes=False)
    response["Cache-Control"] = MEDIA_CACHE_CONTROL
    return response


# -- workspace pages -------------------------------------------------------------------------


def _working_language_choices() -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in site_languages()]


def _current_working_language() -> str:
    active = interface_code(translation.get_language() or "")
    for code in site_languages():
        if interface_code(code) == active:
            return code
    return site_default_language()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once and cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class AlbumForm(forms.Form):
    slug = forms.SlugField(
        label=gettext_lazy("Id"),
        max_length=100,
        help_text=gettext_lazy("Letters, digits, - and _; it becomes the album's address."),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the title"), choices=_working_language_choices
    )
    article = forms.ChoiceField(
        label=gettext_lazy("Article"),
        required=False,
        help_text=gettext_lazy(
            "The article it illustrates; its photos appear once the article is published. "
            "Without an article the album is in the gallery at once."
        ),
    )

    def __init__(self, *args: Any, articles: list[Article], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.articles = {article.slug: article for article in articles}
        choices = [("", _("— none: an album of its own —"))]
        for article in articles:
            titles = {t.lang: t.title for t in article.translations.all()}
            title = titles.get(_current_working_language()) or titles.get(
                article.source_language, ""
            )
            choices.append((article.slug, f"{title} ({article.slug})" if title else article.slug))
        self.fields["article"].choices = choices  # type: ignore[attr-defined]


class PhotoUploadForm(forms.Form):
    images = MultipleFileField(
        label=gettext_lazy("Photos"),
        help_text=gettext_lazy(
            "JPEG, PNG, WebP or GIF, up to %(size)s each; up to %(count)s photos at once."
        ),
    )
    caption = forms.CharField(
        label=gettext_lazy("Caption"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy("What they show; the same caption for every photo sent at once."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the caption"), choices=_working_language_choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["images"]
        field.help_text = str(field.help_text) % {
            "size": filesizeformat(settings.PHOTO_MAX_BYTES),
            "count": services.PHOTOS_PER_UPLOAD,
        }


@login_required
@require_http_methods(["GET", "POST"])
def album_new(request: HttpRequest) -> HttpResponse:
    """Make an album, for an article the viewer edits or of its own."""
    viewer = _viewer(request)
    if not album_may_add(viewer):
        raise PermissionDenied(_("Only editors and officers may make albums."))
    articles = list(services.articles_for_albums(viewer).prefetch_related("translations"))
    initial = {"language": _current_working_language(), "article": request.GET.get("article")}
    form = AlbumForm(
        request.POST if request.method == "POST" else None, initial=initial, articles=articles
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.album_create(
                viewer=viewer,
                via="web",
                slug=data["slug"],
                title={data["language"]: data["title"].strip()},
                article=form.articles.get(data["article"]) if data["article"] else None,
                at=timezone.now(),
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The album is made: now add its photos."))
            return redirect("photos:upload", slug=made.slug)
    return render(request, "newsroom/photos/album_new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def photo_upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Add photos to an album, several at once; shows what the album holds."""
    viewer = _viewer(request)
    try:
        found = selectors.album_for_upload(slug=slug)
    except Album.DoesNotExist:
        raise Http404(_("There is no album with this id.")) from None
    if not album_may_change(viewer, found.article):
        raise PermissionDenied(_("Only editors of the body that wrote its article may add photos."))
    form = PhotoUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"language": _current_working_language()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        caption = data["caption"].strip()
        try:
            added = services.photos_add(
                viewer=viewer,
                via="web",
                album=found,
                uploads=data["images"],
                caption={data["language"]: caption} if caption else None,
                at=timezone.now(),
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s photo was added to the album.",
                    "%(count)s photos were added to the album.",
                    len(added),
                )
                % {"count": len(added)},
            )
            return redirect("photos:upload", slug=found.slug)
    public_url = reverse("photos:album", kwargs={"lang": _current_working_language(), "slug": slug})
    return render(
        request,
        "newsroom/photos/photo_upload.html",
        {
            "form": form,
            "album": found,
            "album_photos": list(found.photos.all()),
            "public_url": public_url,
            "is_public": selectors.album_is_public(found, at=timezone.now()),
        },
    )

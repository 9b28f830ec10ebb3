"""Reading albums and photos back: what the public gallery and album pages show, and the
album the workspace's upload page works on."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from chapterhouse.newsroom.models import Album, ArticleTranslation, Photo
from chapterhouse.newsroom.public.selectors import SHOWN_STATUSES, articles_published


def public_albums_q(at: dt.datetime) -> Q:
    """A filter on Album: albums of their own, and those of articles on the public site at
    ``at`` (published by then, with a text shown: the news pages' own rule)."""
    return Q(article__isnull=True) | Q(article__in=articles_published(now=at))


def gallery_photos(*, at: dt.datetime) -> QuerySet[Photo]:
    """Return the photos of every public album, newest first (the last uploaded first)."""
    albums = Album.objects.filter(public_albums_q(at))
    return (
        Photo.objects.filter(album__in=albums)
        .select_related("album")
        .only("image", "thumbnail", "width", "height", "caption", "album__slug", "album__title")
        .order_by("-pk")
    )


def album_public(*, slug: str, at: dt.datetime) -> Album:
    """Return a public album with its photos and its article's shown texts (titles only).

    Raises Album.DoesNotExist for an unknown album and for one whose article is
    not published yet (it must not be seen before the article is).
    """
    return (
        Album.objects.filter(public_albums_q(at))
        .select_related("article")
        .prefetch_related(
            "photos",
            Prefetch(
                "article__translations",
                queryset=ArticleTranslation.objects.filter(status__in=SHOWN_STATUSES).only(
                    "article_id", "lang", "title"
                ),
                to_attr="shown_translations",
            ),
        )
        .get(slug=slug)
    )


def album_is_public(album: Album, *, at: dt.datetime) -> bool:
    """Whether the public site shows ``album`` at ``at``."""
    return Album.objects.filter(public_albums_q(at), pk=album.pk).exists()


def album_for_upload(*, slug: str) -> Album:
    """Return any album by its id, with its article and photos (workspace pages)."""
    return Album.objects.select_related("article").prefetch_related("photos").get(slug=slug)

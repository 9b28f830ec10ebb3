"""Authorization matrix rows of the photo pages (the demo has no albums: 404 rows use ids
that do not exist)."""

from __future__ import annotations

from collections.abc import Callable

# Editors or officers somewhere (bob: ec-kz, alice: the council) may make albums.
ALBUM_MAKERS = {"bob", "alice", "admin"}


def rows(
    allowed: Callable[..., dict[str, int]], everyone: set[str], signed_in: set[str], login: int
) -> list[tuple[str, str, dict[str, int]]]:
    return [
        ("<site_lang:lang>/photos/", "/en/photos/", allowed(everyone)),
        ("<site_lang:lang>/albums/<str:slug>/", "/ru/albums/no-such-album/", allowed(set())),
        (
            "newsroom/albums/new/",
            "/newsroom/albums/new/",
            allowed(ALBUM_MAKERS, no=403, anonymous=login),
        ),
        (
            "newsroom/albums/<str:slug>/photos/new/",
            "/newsroom/albums/no-such-album/photos/new/",
            allowed(set(), no=404, anonymous=login),
        ),
        ("media/<path:path>", "/media/photos/no-such-photo.jpg", allowed(set())),
    ]

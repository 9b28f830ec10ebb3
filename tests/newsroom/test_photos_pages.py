"""The photo pages: the "all photos" gallery, album pages, the albums under an article,
the workspace upload pages, the admin's upload and /media/."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from PIL import ExifTags, Image

from chapterhouse.custody.access import ADMIN
from chapterhouse.newsroom.models import Album, Article, Photo
from chapterhouse.newsroom.photos.services import album_create, photos_add
from tests.conftest import sign_in
from tests.newsroom.photo_samples import camera_jpeg, plain_png, plain_webp, upload

pytestmark = pytest.mark.django_db

AT = dt.datetime(2025, 5, 18, 10, tzinfo=dt.UTC)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def make_album(slug: str, title: dict[str, str], article: str | None) -> Album:
    return album_create(
        viewer=ADMIN,
        via="cli",
        slug=slug,
        title=title,
        article=Article.objects.get(slug=article) if article else None,
        at=AT,
    )


def put(album: Album, *files: tuple[str, bytes], caption: dict[str, str] | None = None) -> None:
    photos_add(
        viewer=ADMIN,
        via="cli",
        album=album,
        uploads=[upload(name, data) for name, data in files],
        caption=caption,
        at=AT,
    )


@pytest.fixture
def albums(demo: None, media_root: Path) -> dict[str, Album]:
    """The opening day's album (a published article), the closing statement's (scheduled
    for 2030) and an album of its own, each with photos."""
    opening = make_album("opening", {"en": "Opening day", "ru": "День открытия"}, "gc5-opens")
    put(
        opening,
        ("arrive.jpg", camera_jpeg()),
        caption={"en": "Delegates arrive", "ru": "Делегаты прибывают"},
    )
    put(opening, ("hall.png", plain_png()))
    closing = make_album("closing", {"en": "Closing"}, "gc5-closing-statement")
    put(closing, ("secret.jpg", camera_jpeg()), caption={"en": "Before the closing statement"})
    office = make_album("office", {"en": "The office"}, None)
    put(office, ("desk.webp", plain_webp()), caption={"en": "The new office"})
    return {"opening": opening, "closing": closing, "office": office}


def images(html: str) -> list[dict[str, str]]:
    """The <img> tags of a page as dicts of their attributes."""
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<img\b[^>]*>", html)]


def thumbnails(html: str) -> list[dict[str, str]]:
    return [img for img in images(html) if "/media/photos/thumbnails/" in img.get("src", "")]


def test_the_gallery_shows_every_public_photo_newest_first_with_its_caption_as_alt_text(
    client: Client, albums: dict[str, Album]
) -> None:
    response = client.get("/en/photos/")

    assert response.status_code == 200
    shown = thumbnails(response.content.decode())
    assert [img["alt"] for img in shown] == [
        "The new office",  # added last
        "Opening day",  # no caption: the album's title
        "Delegates arrive",
    ]
    photo = Photo.objects.get(album__slug="office")
    assert shown[0]["src"] == f"/media/{photo.thumbnail.name}"
    assert f'href="/en/albums/office/#photo-{photo.pk}"' in response.content.decode()


def test_the_gallery_speaks_the_page_s_language_and_falls_back_to_the_default(
    client: Client, albums: dict[str, Album]
) -> None:
    russian = [img["alt"] for img in thumbnails(client.get("/ru/photos/").content.decode())]
    german = [img["alt"] for img in thumbnails(client.get("/de/photos/").content.decode())]

    assert russian == ["The new office", "День открытия", "Делегаты прибывают"]
    assert german == ["The new office", "Opening day", "Delegates arrive"]


def test_photos_of_an_article_not_yet_published_are_nowhere_on_the_public_site(
    client: Client, albums: dict[str, Album]
) -> None:
    gallery = client.get("/en/photos/").content.decode()

    assert "Before the closing statement" not in gallery
    assert "/albums/closing/" not in gallery
    assert client.get("/en/albums/closing/").status_code == 404
    assert client.get("/en/albums/no-such-album/").status_code == 404


def test_an_album_page_shows_its_photos_with_captions_and_links_to_its_article(
    client: Client, albums: dict[str, Album]
) -> None:
    response = client.get("/ru/albums/opening/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>День открытия</h1>" in html
    assert [img["alt"] for img in thumbnails(html)] == ["Делегаты прибывают", "День открытия"]
    assert "<figcaption" in html and "Делегаты прибывают</figcaption>" in html
    assert 'href="/ru/news/gc5-opens/"' in html
    photo = Photo.objects.filter(album__slug="opening").first()
    assert photo is not None and f'href="/media/{photo.image.name}"' in html


def test_an_album_page_links_to_the_same_album_in_every_working_language(
    client: Client, albums: dict[str, Album]
) -> None:
    html = client.get("/en/albums/office/").content.decode()

    for code in ("ko", "en", "ru", "zh", "de"):
        assert f'hreflang="{code}" href="/{code}/albums/office/"' in html


def test_an_unknown_language_or_page_is_a_404(client: Client, albums: dict[str, Album]) -> None:
    assert client.get("/xx/photos/").status_code == 404
    assert client.get("/ja/albums/opening/").status_code == 404
    assert client.get("/en/photos/?page=2").status_code == 404
    assert client.get("/en/photos/?page=two").status_code == 404
    assert client.get("/en/photos/?page=0").status_code == 404


def test_the_gallery_is_paginated(client: Client, albums: dict[str, Album]) -> None:
    for batch in range(2):
        put(albums["office"], *[(f"{batch}-{n}.png", plain_png((40, 30))) for n in range(15)])

    first = client.get("/en/photos/").content.decode()
    second = client.get("/en/photos/?page=2").content.decode()

    assert len(thumbnails(first)) == 24 and len(thumbnails(second)) == 9
    assert 'href="?page=2" rel="next"' in first


def queries(client: Client, path: str) -> int:
    client.get(path)  # warm the per-process caches (working languages)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_gallery_and_album_pages_run_a_fixed_number_of_queries(
    client: Client, albums: dict[str, Album]
) -> None:
    few = (queries(client, "/en/photos/"), queries(client, "/en/albums/opening/"))
    for batch in range(2):
        put(albums["opening"], *[(f"{batch}-{n}.png", plain_png((40, 30))) for n in range(15)])
    many = (queries(client, "/en/photos/"), queries(client, "/en/albums/opening/"))

    # Gallery: organization, count, page of photos, the news categories (the news frame).
    # Album: organization, album with its article, photos, article titles, categories.
    assert few == many == (4, 5)


def test_the_article_page_shows_its_albums(client: Client, albums: dict[str, Album]) -> None:
    html = client.get("/en/news/gc5-opens/").content.decode()

    assert [img["alt"] for img in thumbnails(html)] == ["Delegates arrive", "Opening day"]
    assert 'href="/en/albums/opening/"' in html


def test_the_article_album_include_renders_the_albums_it_is_given(
    albums: dict[str, Album],
) -> None:
    given = list(Album.objects.filter(slug="opening").prefetch_related("photos"))
    with translation.override("ru"):
        html = render_to_string("newsroom/photos/_album.html", {"albums": given, "lang": "ru"})

    assert 'href="/ru/albums/opening/"' in html
    assert [img["alt"] for img in thumbnails(html)] == ["Делегаты прибывают", "День открытия"]
    empty = render_to_string("newsroom/photos/_album.html", {"albums": [], "lang": "ru"})
    assert empty.strip() == ""


# -- /media/ -------------------------------------------------------------------------------


def test_media_files_are_served_with_long_cache_headers_and_without_listings(
    client: Client, albums: dict[str, Album], media_root: Path
) -> None:
    photo = Photo.objects.filter(album__slug="office").get()
    (media_root.parent / "secret.txt").write_text("outside MEDIA_ROOT")

    response = client.get(f"/media/{photo.thumbnail.name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "max-age=31536000" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == (media_root / photo.thumbnail.name).read_bytes()
    assert client.get("/media/photos/").status_code == 404
    assert client.get("/media/photos/nothing.jpg").status_code == 404
    for sneaky in ("/media/../secret.txt", "/media/photos/..%2F..%2Fsecret.txt"):
        assert client.get(sneaky).status_code in (400, 404)


# -- workspace pages -----------------------------------------------------------------------


@pytest.fixture
def alice(client: Client, personas: dict[str, Any], media_root: Path) -> Client:
    """Alice, an officer of the council (above the press bureau), signed in."""
    sign_in(client, personas["alice"])
    return client


def test_an_editor_makes_an_album_for_an_article_and_is_sent_on_to_add_photos(
    alice: Client,
) -> None:
    form = alice.get("/newsroom/albums/new/").content.decode()
    assert 'value="gc5-opens"' in form and 'value="gc5-closing-statement"' in form
    assert 'value="gc5-steppe-day"' not in form  # written by a person: administrators only

    response = alice.post(
        "/newsroom/albums/new/",
        {"slug": "gc5-day-one", "title": "Day one", "language": "en", "article": "gc5-opens"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/newsroom/albums/gc5-day-one/photos/new/"
    album = Album.objects.get(slug="gc5-day-one")
    assert album.title == {"en": "Day one"} and album.article is not None


def test_making_an_album_with_an_id_already_taken_says_so(
    alice: Client, albums: dict[str, Album]
) -> None:
    response = alice.post(
        "/newsroom/albums/new/",
        {"slug": "office", "title": "Again", "language": "en", "article": ""},
    )

    assert response.status_code == 200
    assert "an album “office” already exists" in response.content.decode()


def test_several_photos_are_uploaded_at_once_and_the_page_says_how_many(
    alice: Client, albums: dict[str, Album], media_root: Path
) -> None:
    response = alice.post(
        "/newsroom/albums/opening/photos/new/",
        {
            "images": [upload("a.jpg", camera_jpeg()), upload("b.png", plain_png())],
            "caption": "Im Saal",
            "language": "de",
        },
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain == [("/newsroom/albums/opening/photos/new/", 302)]
    assert "2 photos were added to the album." in html
    added = list(Photo.objects.filter(album__slug="opening", caption={"de": "Im Saal"}))
    assert len(added) == 2
    assert all(f'src="/media/{photo.thumbnail.name}"' in html for photo in added)
    stored = Image.open(media_root / added[0].image.name)
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_a_refused_upload_shows_which_file_and_why_and_keeps_nothing(
    alice: Client, albums: dict[str, Album], media_root: Path
) -> None:
    before = stored_files(media_root)

    response = alice.post(
        "/newsroom/albums/opening/photos/new/",
        {
            "images": [
                upload("a.jpg", camera_jpeg()),
                upload("report.jpg", b"%PDF-1.7 not a photo"),
            ],
            "language": "en",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "“report.jpg” was not accepted: it is not a JPEG, PNG, WebP or GIF image" in html
    assert Photo.objects.filter(album__slug="opening").count() == 2
    assert stored_files(media_root) == before


def test_an_oversized_upload_is_refused_on_the_page(
    alice: Client, albums: dict[str, Album], settings: Any
) -> None:
    settings.PHOTO_MAX_BYTES = 5_000

    response = alice.post(
        "/newsroom/albums/opening/photos/new/",
        {"images": [upload("huge.jpg", camera_jpeg((1200, 900)))], "language": "en"},
    )

    assert "“huge.jpg” was not accepted: it is " in response.content.decode()
    assert Photo.objects.filter(album__slug="opening").count() == 2


def test_upload_pages_ask_visitors_to_sign_in_and_refuse_those_without_the_right(
    client: Client, personas: dict[str, Any], albums: dict[str, Album]
) -> None:
    anonymous = client.get("/newsroom/albums/opening/photos/new/")
    assert anonymous.status_code == 302 and "/accounts/sign-in/" in anonymous["Location"]

    sign_in(client, personas["bob"])  # officer of ec-kz, not of the press bureau
    assert client.get("/newsroom/albums/opening/photos/new/").status_code == 403
    assert client.get("/newsroom/albums/office/photos/new/").status_code == 200
    refused = client.post(
        "/newsroom/albums/opening/photos/new/",
        {"images": [upload("a.png", plain_png())], "language": "en"},
    )
    assert refused.status_code == 403
    assert Photo.objects.filter(album__slug="opening").count() == 2

    sign_in(client, personas["tanya"])  # a translator
    assert client.get("/newsroom/albums/new/").status_code == 403


# -- the admin -----------------------------------------------------------------------------


def test_an_admin_upload_goes_through_the_same_checks_and_cleaning(
    admin_client: Client, albums: dict[str, Album], media_root: Path
) -> None:
    album = albums["office"]
    refused = admin_client.post(
        "/admin/newsroom/photo/add/",
        {"album": album.pk, "upload": upload("notes.jpg", b"just text"), "position": 5},
    )
    assert refused.status_code == 200
    assert "“notes.jpg” was not accepted" in refused.content.decode()
    assert Photo.objects.filter(album=album).count() == 1

    accepted = admin_client.post(
        "/admin/newsroom/photo/add/",
        {
            "album": album.pk,
            "upload": upload("IMG_9.jpg", camera_jpeg()),
            "caption": '{"en": "From the admin"}',
            "position": 5,
        },
    )

    assert accepted.status_code == 302
    photo = Photo.objects.filter(album=album).latest("pk")
    assert photo.position == 1  # after the album's last photo, as on the upload page
    from chapterhouse.custody.models import AuditEntry

    entry = AuditEntry.objects.get(object_type="photo", object_id=f"office/{photo.pk}")
    assert (entry.via, entry.after["uploaded_as"]) == ("admin", "IMG_9.jpg")  # the service's
    assert (photo.width, photo.height) == (400, 800)
    assert photo.caption == {"en": "From the admin"}
    assert "IMG_9" not in photo.image.name
    assert not Image.open(media_root / photo.image.name).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert Image.open(media_root / photo.thumbnail.name).size == (240, 480)


def test_the_album_s_admin_page_shows_its_photos_and_changes_them_only_on_their_own_page(
    admin_client: Client, albums: dict[str, Album], media_root: Path
) -> None:
    from chapterhouse.custody.models import AuditEntry

    album = albums["office"]
    existing = album.photos.get()
    page = admin_client.get(f"/admin/newsroom/album/{album.pk}/change/").content.decode()
    assert 'name="photos-0-caption"' not in page
    assert f"/admin/newsroom/photo/{existing.pk}/change/" in page

    changed = admin_client.post(
        f"/admin/newsroom/photo/{existing.pk}/change/",
        {"caption": '{"en": "Our office"}', "position": 3},
    )

    assert changed.status_code == 302
    existing.refresh_from_db()
    assert (existing.caption, existing.position) == ({"en": "Our office"}, 3)
    entry = AuditEntry.objects.get(
        object_type="photo", object_id=f"office/{existing.pk}", action="update"
    )
    assert entry.via == "admin" and entry.after == {"caption": {"en": "Our office"}, "position": 3}

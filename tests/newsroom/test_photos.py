"""Photo uploads: checked with Pillow, cleaned of location data, turned upright, thumbnailed,
stored all or nothing, audited, and only by those who may."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import ExifTags, Image

from chapterhouse.custody.access import ADMIN, Viewer, viewer_for_user
from chapterhouse.custody.models import AuditEntry
from chapterhouse.newsroom.models import Album, Article, Photo
from chapterhouse.newsroom.photos.services import (
    album_create,
    photo_add,
    photo_remove,
    photos_add,
)
from tests.newsroom.photo_samples import (
    animated_gif,
    bomb_png,
    camera_jpeg,
    plain_png,
    plain_webp,
    upload,
)

pytestmark = pytest.mark.django_db

AT = dt.datetime(2025, 5, 18, 10, tzinfo=dt.UTC)


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to a fresh MEDIA_ROOT for each test."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def viewer(user: Any) -> Viewer:
    return viewer_for_user(user, on=AT.date())


@pytest.fixture
def album(demo: None, media_root: Path) -> Album:
    """An album of the press bureau's article on the opening day."""
    return album_create(
        viewer=ADMIN,
        via="cli",
        slug="gc5-opening-photos",
        title={"en": "Opening day"},
        article=Article.objects.get(slug="gc5-opens"),
        at=AT,
    )


def add(album: Album, data: bytes, name: str = "photo.jpg", **kwargs: Any) -> Photo:
    return photo_add(
        viewer=kwargs.pop("viewer", ADMIN),
        via="web",
        album=album,
        upload=upload(name, data),
        caption=kwargs.pop("caption", None),
        at=AT,
    )


def test_a_camera_jpeg_is_stored_upright_without_its_position_and_with_a_small_thumbnail(
    album: Album, media_root: Path
) -> None:
    photo = add(album, camera_jpeg(), "IMG_2041.JPG", caption={"en": "Delegates arrive"})

    assert (photo.width, photo.height) == (400, 800)  # held sideways: turned upright
    original = Image.open(media_root / photo.image.name)
    assert original.format == "JPEG" and original.size == (400, 800)
    assert original.getpixel((200, 20))[0] > 180  # red, the left half, is now on top
    assert original.getpixel((200, 780))[2] > 180  # blue at the bottom
    exif = original.getexif()
    assert ExifTags.IFD.GPSInfo not in exif and not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.BodySerialNumber not in exif and ExifTags.Base.Make not in exif
    assert b"PhoneMaker" not in (media_root / photo.image.name).read_bytes()

    thumbnail = Image.open(media_root / photo.thumbnail.name)
    assert thumbnail.format == "WEBP"
    assert thumbnail.size == (240, 480)
    assert not thumbnail.getexif() and "xmp" not in thumbnail.info
    assert (media_root / photo.thumbnail.name).stat().st_size < len(camera_jpeg())


def test_stored_files_get_random_names_with_the_extension_of_their_real_format(
    album: Album, media_root: Path
) -> None:
    # A PNG sent as "holiday.jpg" is stored as a .png; the sender's name is not used.
    photo = add(album, plain_png(), "holiday.jpg")

    assert photo.image.name.startswith("photos/") and photo.image.name.endswith(".png")
    assert "holiday" not in photo.image.name
    assert photo.thumbnail.name.startswith("photos/thumbnails/")
    assert Image.open(media_root / photo.image.name).mode == "RGBA"  # transparency kept
    assert (photo.width, photo.height) == (300, 200)


def test_a_png_loses_its_exif_position_too(album: Album, media_root: Path) -> None:
    photo = add(album, plain_png(with_gps=True), "map.png")

    stored = Image.open(media_root / photo.image.name)
    stored.load()
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_webp_and_animated_gif_are_accepted_and_a_gif_keeps_its_frames_not_its_comment(
    album: Album, media_root: Path
) -> None:
    webp = add(album, plain_webp(), "banner.webp")
    gif = add(album, animated_gif(), "wave.gif")

    assert webp.image.name.endswith(".webp") and (webp.width, webp.height) == (640, 480)
    stored = Image.open(media_root / gif.image.name)
    assert stored.format == "GIF" and stored.n_frames == 3
    assert b"Harbour Lane" not in (media_root / gif.image.name).read_bytes()
    assert Image.open(media_root / gif.thumbnail.name).format == "WEBP"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notes.jpg", b"Minutes of the meeting, not a picture.\n" * 20, "not a JPEG, PNG"),
        ("cut.jpg", camera_jpeg()[:2000], "damaged or cut short"),
        ("empty.jpg", b"", "empty"),
        ("bomb.png", bomb_png(), "decompression bomb"),
    ],
    ids=["text-file-named-jpg", "truncated-jpeg", "empty-file", "decompression-bomb"],
)
def test_what_is_not_a_whole_image_is_refused_by_name_and_nothing_is_stored(
    album: Album, media_root: Path, name: str, data: bytes, reason: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        add(album, data, name)

    message = " ".join(refused.value.messages)
    assert f"“{name}”" in message and reason in message
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    album: Album, media_root: Path, settings: Any
) -> None:
    settings.PHOTO_MAX_BYTES = 10_000
    big = camera_jpeg((2000, 1500))
    assert len(big) > 10_000

    with pytest.raises(ValidationError) as refused:
        add(album, big, "big.jpg")

    assert "“big.jpg”" in refused.value.messages[0]
    assert "the largest photo accepted is 9.8 KB" in refused.value.messages[0]
    assert stored_files(media_root) == []


def test_a_picture_with_more_pixels_than_allowed_is_refused(
    album: Album, media_root: Path, settings: Any
) -> None:
    settings.PHOTO_MAX_PIXELS = 100_000

    with pytest.raises(ValidationError) as refused:
        add(album, camera_jpeg((800, 400)), "wide.jpg")

    assert "800 × 400 pixels" in refused.value.messages[0]
    assert stored_files(media_root) == []


def test_one_refused_file_refuses_the_whole_batch_and_names_each_bad_file(
    album: Album, media_root: Path
) -> None:
    with pytest.raises(ValidationError) as refused:
        photos_add(
            viewer=ADMIN,
            via="web",
            album=album,
            uploads=[
                upload("good.jpg", camera_jpeg()),
                upload("fake.jpg", b"GIF89a but not really"),
                upload("also-good.png", plain_png()),
                upload("cut.png", plain_png()[:60]),
            ],
            caption=None,
            at=AT,
        )

    messages = refused.value.messages
    assert len(messages) == 2
    assert "“fake.jpg”" in messages[0] and "“cut.png”" in messages[1]
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_failure_while_storing_leaves_no_rows_and_no_files(
    album: Album, media_root: Path
) -> None:
    # The thumbnails' folder cannot be made (a file is in its way): the originals are
    # written, then storing the first thumbnail fails.
    (media_root / "photos").mkdir()
    (media_root / "photos" / "thumbnails").write_text("in the way")

    with pytest.raises(ValidationError) as refused:
        photos_add(
            viewer=ADMIN,
            via="web",
            album=album,
            uploads=[upload("a.jpg", camera_jpeg()), upload("b.jpg", camera_jpeg())],
            caption=None,
            at=AT,
        )

    assert "nothing was kept" in refused.value.messages[0]
    assert not Photo.objects.exists()
    assert not AuditEntry.objects.filter(object_type="photo").exists()
    assert stored_files(media_root) == [media_root / "photos" / "thumbnails"]


def test_photos_go_to_the_end_of_the_album_in_the_order_sent(album: Album) -> None:
    first = add(album, plain_png(), "1.png")
    batch = photos_add(
        viewer=ADMIN,
        via="web",
        album=album,
        uploads=[upload("2.png", plain_png()), upload("3.png", plain_png())],
        caption={"ru": "Зал"},
        at=AT,
    )

    assert [first.position, *(photo.position for photo in batch)] == [0, 1, 2]
    assert [photo.caption for photo in batch] == [{"ru": "Зал"}, {"ru": "Зал"}]


def test_adding_and_removing_photos_is_audited_and_removal_deletes_the_files(
    album: Album, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    photo = add(album, camera_jpeg(), "IMG_1.jpg", caption={"en": "Hall"})
    entry = AuditEntry.objects.get(object_type="photo", action="create")
    assert entry.object_id == f"gc5-opening-photos/{photo.pk}"
    assert entry.after["uploaded_as"] == "IMG_1.jpg"
    assert entry.after["width"] == 400 and entry.after["caption"] == {"en": "Hall"}
    assert entry.body is not None and entry.body.slug == "press-bureau"

    with django_capture_on_commit_callbacks(execute=True):
        photo_remove(viewer=ADMIN, via="web", photo=photo, at=AT)

    assert AuditEntry.objects.filter(object_type="photo", action="delete").exists()
    assert stored_files(media_root) == []


def test_only_editors_and_officers_of_the_article_s_body_may_add_its_photos(
    album: Album, personas: dict[str, Any], media_root: Path
) -> None:
    # alice is an officer of the council, above the press bureau that wrote the article.
    add(album, plain_png(), viewer=viewer(personas["alice"]))
    for name in ("bob", "tanya", "mia", "charlie"):
        with pytest.raises(PermissionDenied):
            add(album, plain_png(), viewer=viewer(personas[name]))
    assert Photo.objects.count() == 1


def test_an_album_of_its_own_may_be_made_and_filled_by_any_editor_or_officer(
    demo: None, personas: dict[str, Any], media_root: Path
) -> None:
    bob = viewer(personas["bob"])  # officer of ec-kz only
    own = album_create(
        viewer=bob, via="web", slug="kz-summer", title={"ru": "Лето"}, article=None, at=AT
    )
    add(own, plain_webp(), viewer=bob)

    for name in ("tanya", "mia", "charlie"):
        with pytest.raises(PermissionDenied):
            album_create(
                viewer=viewer(personas[name]),
                via="web",
                slug=f"{name}-album",
                title={"en": "Mine"},
                article=None,
                at=AT,
            )
    with pytest.raises(PermissionDenied):  # the council's article is not bob's
        album_create(
            viewer=bob,
            via="web",
            slug="closing",
            title={"en": "Closing"},
            article=Article.objects.get(slug="gc5-closing-statement"),
            at=AT,
        )
    assert AuditEntry.objects.filter(object_type="album", object_id="kz-summer").exists()


def test_an_album_needs_a_new_valid_id_and_a_title(album: Album) -> None:
    for slug, title, field in [
        ("gc5-opening-photos", {"en": "Again"}, "slug"),
        ("not a slug!", {"en": "Bad"}, "slug"),
        ("no-title", {"en": "  "}, "title"),
    ]:
        with pytest.raises(ValidationError) as refused:
            album_create(viewer=ADMIN, via="web", slug=slug, title=title, article=None, at=AT)
        assert field in refused.value.message_dict


def test_the_thumbnail_of_a_wide_picture_is_480_pixels_across(
    album: Album, media_root: Path
) -> None:
    photo = add(album, plain_webp((1600, 900)), "wide.webp")

    thumbnail = Image.open(io.BytesIO((media_root / photo.thumbnail.name).read_bytes()))
    assert thumbnail.size == (480, 270)


def test_a_batch_of_more_photos_than_allowed_at_once_is_refused_before_any_is_read(
    album: Album, media_root: Path
) -> None:
    from chapterhouse.newsroom.photos.services import PHOTOS_PER_UPLOAD

    with pytest.raises(ValidationError) as refused:
        photos_add(
            viewer=ADMIN,
            via="web",
            album=album,
            uploads=[upload(f"{n}.png", plain_png()) for n in range(PHOTOS_PER_UPLOAD + 1)],
            caption=None,
            at=AT,
        )

    assert f"send at most {PHOTOS_PER_UPLOAD} photos at once" in refused.value.messages[0]
    assert stored_files(media_root) == []

"""Albums and photos: checking uploads, storing them with a thumbnail (reads: `selectors.py`).

An upload is accepted when Pillow reads it as a JPEG, PNG, WebP or GIF image
within the size and pixel limits; what the browser or the file name claims is
not trusted. What is stored is a cleaned copy, never the bytes as uploaded:

* EXIF orientation is applied to the pixels, then every piece of metadata is
  dropped (EXIF with its GPS position and camera serial, XMP, IPTC, comments);
  only the ICC colour profile is kept. A photo taken at home must not tell the
  world where home is, so the stored "original" carries no position either.
* JPEGs are re-encoded with their own quantization tables (the quality they
  had), PNGs losslessly, WebPs at high quality; animated GIFs and WebPs keep
  their frames.
* The thumbnail is a WebP at most ``THUMBNAIL_SIDE`` pixels on its long side,
  converted to sRGB and with no metadata at all.

Files get random names (the extension of the real format), so they cannot be
guessed and may be cached forever. Writes are keyword-only services that check
the viewer's grants, run in one transaction and record an audit entry; a write
that fails removes the files it had stored.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Max, QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, JpegImagePlugin, UnidentifiedImageError

from chapterhouse.custody.access import (
    Viewer,
    album_may_change,
    news_bodies_edited_by,
)
from chapterhouse.custody.services import AuditSubject, audit_record, audit_update
from chapterhouse.newsroom.models import Album, Article, Photo

logger = logging.getLogger(__name__)

# Pillow's format name → the extension the stored file gets.
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
THUMBNAIL_SIDE = 480
# 40 megapixels: more than any phone, and ~120 MB of memory to clean one. Pillow's own
# limit (Image.MAX_IMAGE_PIXELS, ~89 MP) stops anything larger before it is decoded.
DEFAULT_MAX_PIXELS = 40_000_000
# Photos checked in one go are held in memory until stored: keep a batch bounded
# (PHOTOS_PER_UPLOAD in the settings; Django refuses a request with more files).
PHOTOS_PER_UPLOAD = int(getattr(settings, "PHOTOS_PER_UPLOAD", 20))


def photo_max_bytes() -> int:
    return int(settings.PHOTO_MAX_BYTES)


def photo_max_pixels() -> int:
    return int(getattr(settings, "PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS))


# -- checking and cleaning an upload ------------------------------------------------------


@dataclass(frozen=True)
class CleanPhoto:
    """An upload that passed the checks: the bytes to store and what to record about them."""

    name: str  # the file name it was uploaded under (for messages and the audit trail)
    extension: str
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _refuse(name: str, reason: str) -> ValidationError:
    return ValidationError(
        _("“%(file)s” was not accepted: %(reason)s") % {"file": name, "reason": reason},
        code="photo_refused",
    )


def _size(size: int) -> str:
    return str(filesizeformat(size)).replace("\xa0", " ")


def _read(upload: File, name: str) -> bytes:
    size = upload.size
    limit = photo_max_bytes()
    if size is not None and size > limit:
        raise _refuse(
            name,
            _("it is %(size)s; the largest photo accepted is %(limit)s")
            % {"size": _size(size), "limit": _size(limit)},
        )
    upload.seek(0)
    # Read one byte more than allowed: a file whose size was not known is refused too.
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _refuse(
            name,
            _("it is larger than %(limit)s, the largest photo accepted") % {"limit": _size(limit)},
        )
    if not data:
        raise _refuse(name, _("the file is empty"))
    return data


def _check_pixels(image: Image.Image, name: str) -> None:
    width, height = image.size
    frames = _frames(image)
    limit = photo_max_pixels()
    if width * height * frames <= limit:
        return
    values = {"width": width, "height": height, "frames": frames, "limit": limit // 1_000_000}
    if frames > 1:
        reason = _(
            "it is %(width)s × %(height)s pixels in %(frames)s frames; the most accepted "
            "is %(limit)s megapixels in all"
        )
    else:
        reason = _("it is %(width)s × %(height)s pixels; the most accepted is %(limit)s megapixels")
    raise _refuse(name, reason % values)


def _open(data: bytes, name: str) -> Image.Image:
    """Open ``data`` as an accepted image, check it whole, and return it decoded."""
    not_image = _("it is not a JPEG, PNG, WebP or GIF image")
    damaged = _("the image is damaged or cut short")
    with warnings.catch_warnings():
        # Above Image.MAX_IMAGE_PIXELS Pillow only warns; treat that as the bomb it is.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise _refuse(name, not_image)
                probe.verify()
            image = Image.open(io.BytesIO(data))
            _check_pixels(image, name)
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(
                name, _("it claims more pixels than any photo has (a decompression bomb)")
            ) from None
        except UnidentifiedImageError:
            raise _refuse(name, not_image) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
            # Pillow reports damaged data with any of these, depending on the format.
            raise _refuse(name, damaged) from None
    return image


def _frames(image: Image.Image) -> int:
    return int(getattr(image, "n_frames", 1) or 1)


# Saving copies some metadata from the opened file unless told otherwise (a GIF's
# comment, for one): name each kind empty.
_NO_METADATA: dict[str, dict[str, Any]] = {
    "JPEG": {"exif": b"", "xmp": b"", "comment": b""},
    "PNG": {"exif": b""},
    "WEBP": {"exif": b"", "xmp": b""},
    "GIF": {"comment": b""},
}


def _clean_original(image: Image.Image, image_format: str) -> tuple[Image.Image, bytes]:
    """Return the upright image and its bytes re-encoded without metadata (ICC kept)."""
    icc = image.info.get("icc_profile")
    out = io.BytesIO()
    if _frames(image) > 1:
        # Animations keep their frames; cameras do not write orientation into them.
        options: dict[str, Any] = {"save_all": True, **_NO_METADATA[image_format]}
        if image_format == "WEBP":
            options["quality"] = 90
        image.save(out, format=image_format, **options)
        image.seek(0)
        return image, out.getvalue()
    upright = ImageOps.exif_transpose(image) or image
    options = dict(_NO_METADATA[image_format])
    if icc:
        options["icc_profile"] = icc
    if image_format == "JPEG":
        # The original's own tables keep its quality; a fixed "quality" would change it.
        quantization = getattr(image, "quantization", None)
        if quantization:
            options["qtables"] = quantization
        sampling = JpegImagePlugin.get_sampling(image)
        if sampling >= 0:
            options["subsampling"] = sampling
        options["optimize"] = True
    elif image_format == "WEBP":
        options["quality"] = 90
    elif image_format == "GIF" and "transparency" in image.info:
        options["transparency"] = image.info["transparency"]
    upright.save(out, format=image_format, **options)
    return upright, out.getvalue()


def _srgb(image: Image.Image) -> Image.Image:
    """Return ``image`` converted to sRGB (RGB or RGBA), using its ICC profile if it has one."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            target = ImageCms.createProfile("sRGB")
            converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: plain conversion below is good enough for a thumbnail
    return image.convert(mode)


def _thumbnail(image: Image.Image) -> bytes:
    if _frames(image) > 1:
        image.seek(0)
    small = _srgb(image)
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="WEBP", quality=80, method=4)
    return out.getvalue()


def photo_clean(upload: File, *, name: str | None = None) -> CleanPhoto:
    """Check that ``upload`` is an accepted image and return its cleaned copy and thumbnail.

    Raises a ValidationError naming the file and the reason when it is too large,
    empty, not an image (whatever its name says), damaged or cut short, or has
    more pixels than allowed (decompression bombs included). Stores nothing.
    """
    name = name or str(upload.name or _("the file"))
    data = _read(upload, name)
    image = _open(data, name)
    image_format = str(image.format)
    try:
        upright, cleaned = _clean_original(image, image_format)
        thumbnail = _thumbnail(upright)
    except (OSError, ValueError) as error:
        logger.warning("photo %s could not be re-encoded: %s", name, error)
        raise _refuse(name, _("the image could not be converted")) from None
    width, height = upright.size
    return CleanPhoto(
        name=name,
        extension=ACCEPTED_FORMATS[image_format],
        image=cleaned,
        thumbnail=thumbnail,
        width=width,
        height=height,
    )


def photos_clean(uploads: Sequence[File]) -> list[CleanPhoto]:
    """Check every upload; raise one ValidationError listing each refused file and why."""
    if len(uploads) > PHOTOS_PER_UPLOAD:
        raise ValidationError(
            _("%(count)s files were sent; send at most %(most)s photos at once")
            % {"count": len(uploads), "most": PHOTOS_PER_UPLOAD},
            code="photo_batch",
        )
    cleaned: list[CleanPhoto] = []
    problems: list[ValidationError] = []
    for upload in uploads:
        try:
            cleaned.append(photo_clean(upload))
        except ValidationError as error:
            problems.append(error)
    if problems:
        raise ValidationError(problems)
    if not cleaned:
        raise ValidationError(_("choose at least one photo to upload"), code="photo_missing")
    return cleaned


def photo_files_store(photo: Photo, clean: CleanPhoto, written: list[str]) -> None:
    """Write the cleaned image and its thumbnail under random names onto ``photo`` (unsaved).

    Every name written is appended to ``written`` at once, so the caller can remove
    the files if anything after fails.
    """
    stem = uuid.uuid4().hex
    photo.image.save(f"{stem}.{clean.extension}", ContentFile(clean.image), save=False)
    written.append(str(photo.image.name))
    photo.thumbnail.save(f"{stem}.webp", ContentFile(clean.thumbnail), save=False)
    written.append(str(photo.thumbnail.name))
    photo.width, photo.height = clean.width, clean.height


def photo_files_delete(names: Sequence[str | None]) -> None:
    """Remove stored files (missing ones are fine)."""
    for name in names:
        if name:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("could not remove the photo file %s", name)


# -- permissions --------------------------------------------------------------------------


def articles_for_albums(viewer: Viewer) -> QuerySet[Article]:
    """Return the articles the viewer may make albums for, newest first."""
    articles = Article.objects.order_by("-publish_at", "slug")
    bodies = news_bodies_edited_by(viewer)
    if bodies is None:
        return articles
    return articles.filter(author_body_id__in=bodies)


def _require(viewer: Viewer, article: Article | None, what: str) -> None:
    if not album_may_change(viewer, article):
        if article is None:
            message = _("only editors and officers may %(what)s") % {"what": what}
        else:
            message = _("only editors of the body that wrote “%(article)s” may %(what)s") % {
                "article": article.slug,
                "what": what,
            }
        raise PermissionDenied(message)


# -- writes -------------------------------------------------------------------------------


@transaction.atomic
def album_create(
    *,
    viewer: Viewer,
    via: str,
    slug: str,
    title: dict[str, str],
    article: Article | None,
    at: dt.datetime,
) -> Album:
    """Make an album (for ``article``, or of its own) and return it."""
    _require(viewer, article, _("make an album"))
    try:
        validate_slug(slug)
    except ValidationError:
        raise ValidationError(
            {"slug": _("“%(slug)s” is not an id: use letters, digits, - and _") % {"slug": slug}}
        ) from None
    if not any(str(value).strip() for value in title.values()):
        raise ValidationError({"title": _("an album needs a title")})
    if Album.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("an album “%(slug)s” already exists") % {"slug": slug}})
    album = Album.objects.create(slug=slug, title=title, article=article)
    audit_record(
        viewer=viewer,
        via=via,
        action="create",
        object_type="album",
        object_id=slug,
        at=at,
        body=article.author_body_id if article is not None else None,
        after={"title": title, "article": article.slug if article is not None else None},
    )
    return album


def _photo_subject(photo: Photo) -> AuditSubject:
    """A photo's audit entries: as ``<album>/<id>``, under the body that wrote its album's
    article (none for an album of no article)."""
    album = photo.album
    article = album.article
    return {
        "object_type": "photo",
        "object_id": f"{album.slug}/{photo.pk}",
        "body": article.author_body_id if article is not None else None,
    }


def photos_add(
    *,
    viewer: Viewer,
    via: str,
    album: Album,
    uploads: Sequence[File],
    caption: dict[str, str] | None,
    at: dt.datetime,
) -> list[Photo]:
    """Check every upload, then add them all to the end of ``album``; return the photos.

    All or nothing: one refused file refuses the lot (the ValidationError names
    each one and why), and a failure while storing removes every file already
    written and leaves no row.
    """
    article = album.article
    _require(viewer, article, _("add photos to its albums"))
    cleaned = photos_clean(uploads)
    written: list[str] = []
    try:
        with transaction.atomic():
            last = Photo.objects.filter(album=album).aggregate(last=Max("position"))["last"]
            position = -1 if last is None else last
            photos = []
            for clean in cleaned:
                position += 1
                photo = Photo(album=album, caption=caption or None, position=position)
                photo_files_store(photo, clean, written)
                photo.save()
                photos.append(photo)
                audit_record(
                    viewer=viewer,
                    via=via,
                    action="create",
                    **_photo_subject(photo),
                    at=at,
                    after={
                        "album": album.slug,
                        "uploaded_as": clean.name,
                        "image": photo.image.name,
                        "thumbnail": photo.thumbnail.name,
                        "width": photo.width,
                        "height": photo.height,
                        "caption": photo.caption,
                        "position": position,
                    },
                )
    except OSError:
        photo_files_delete(written)
        logger.exception("photos for album %s could not be stored", album.slug)
        raise ValidationError(
            _("the server could not store the photos; nothing was kept, please try again later"),
            code="photo_storage",
        ) from None
    except BaseException:
        photo_files_delete(written)
        raise
    return photos


def photo_add(
    *,
    viewer: Viewer,
    via: str,
    album: Album,
    upload: File,
    caption: dict[str, str] | None,
    at: dt.datetime,
) -> Photo:
    """Check one upload and add it to the end of ``album`` (see :func:`photos_add`)."""
    return photos_add(
        viewer=viewer, via=via, album=album, uploads=[upload], caption=caption, at=at
    )[0]


@transaction.atomic
def photo_remove(*, viewer: Viewer, via: str, photo: Photo, at: dt.datetime) -> None:
    """Take a photo out of its album; its files are removed once the removal commits."""
    album = photo.album
    _require(viewer, album.article, _("remove photos from its albums"))
    names = [photo.image.name, photo.thumbnail.name]
    audit_record(
        viewer=viewer,
        via=via,
        action="delete",
        **_photo_subject(photo),
        at=at,
        before={"image": photo.image.name, "caption": photo.caption, "position": photo.position},
    )
    photo.delete()
    transaction.on_commit(lambda: photo_files_delete(names))


@transaction.atomic
def photo_update(
    *,
    viewer: Viewer,
    via: str,
    photo: Photo,
    caption: dict[str, str] | None,
    position: int,
    at: dt.datetime,
) -> Photo:
    """Change a photo's caption and place in its album; return it (its image stays: to
    show another, add that one and remove this one). No change, no audit entry."""
    locked = (
        Photo.objects.select_for_update(of=("self",))
        .select_related("album__article")
        .get(pk=photo.pk)
    )
    article = locked.album.article
    _require(viewer, article, _("change photos in its albums"))
    if position < 0:
        raise ValidationError({"position": _("a place in the album is 0 or more")})
    before = {"caption": locked.caption, "position": locked.position}
    after = {"caption": caption or None, "position": position}
    if before == after:
        return locked
    locked.caption, locked.position = after["caption"], position
    locked.save(update_fields=["caption", "position"])
    audit_update(
        viewer=viewer, via=via, **_photo_subject(locked), at=at, before=before, after=after
    )
    return locked


@transaction.atomic
def album_update(
    *,
    viewer: Viewer,
    via: str,
    album: Album,
    title: dict[str, str],
    article: Article | None,
    at: dt.datetime,
) -> Album:
    """Change an album's title or the article it belongs to; return it.

    The viewer must be allowed to fill the album both as it is and as it will be.
    """
    locked = (
        Album.objects.select_for_update(of=("self",)).select_related("article").get(pk=album.pk)
    )
    _require(viewer, locked.article, _("change its albums"))
    _require(viewer, article, _("give it an album"))
    if not any(str(value).strip() for value in (title or {}).values()):
        raise ValidationError({"title": _("an album needs a title")})
    before = {"title": locked.title, "article": locked.article.slug if locked.article else None}
    after = {"title": title, "article": article.slug if article is not None else None}
    if before == after:
        return locked
    locked.title, locked.article = title, article
    locked.save(update_fields=["title", "article"])
    audit_update(
        viewer=viewer,
        via=via,
        object_type="album",
        object_id=locked.slug,
        at=at,
        body=article.author_body_id if article is not None else None,
        before=before,
        after=after,
    )
    return locked

"""Real image files for the photo tests, made with Pillow (no fixtures on disk)."""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

# Where the camera was: a position that must not reach the public site.
GPS_LATITUDE = (43.0, 15.0, 7.0)


def camera_jpeg(size: tuple[int, int] = (800, 400)) -> bytes:
    """A JPEG as a phone writes it: held sideways (EXIF orientation 6) with a GPS position.

    The left half is red and the right half blue, so turning it upright puts red on top.
    """
    width, height = size
    image = Image.new("RGB", size, (220, 20, 20))
    image.paste((20, 20, 220), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.BodySerialNumber] = "SN-123456"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (76.0, 56.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=92)
    return out.getvalue()


def plain_png(size: tuple[int, int] = (300, 200), *, with_gps: bool = False) -> bytes:
    """A half-transparent PNG, optionally with an eXIf chunk holding a GPS position."""
    image = Image.new("RGBA", size, (20, 160, 60, 128))
    options = {}
    if with_gps:
        exif = Image.Exif()
        exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
        options["exif"] = exif
    out = io.BytesIO()
    image.save(out, "PNG", **options)
    return out.getvalue()


def plain_webp(size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 200, 20)).save(out, "WEBP")
    return out.getvalue()


def animated_gif(frames: int = 3, size: tuple[int, int] = (60, 40)) -> bytes:
    """An animated GIF whose file carries a comment (metadata that must not be kept)."""
    images = [Image.new("RGB", size, (40 * i, 80, 200 - 40 * i)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(
        out,
        "GIF",
        save_all=True,
        append_images=images[1:],
        duration=100,
        loop=0,
        comment=b"shot at 12 Harbour Lane",
    )
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    """A file as the browser sends it (the name and type are the sender's claims)."""
    return SimpleUploadedFile(name, data, content_type=content_type)

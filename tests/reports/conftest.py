"""Read PDFs back as a person's tools would: the text, and glyphs the fonts lacked."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, TextStringObject


def pdf_text(pdf: bytes) -> str:
    """Return the text of ``pdf`` as poppler's ``pdftotext`` (Debian's poppler-utils) reads it."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils (.ci/run does)")
    done = subprocess.run(
        [tool, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def _string_bytes(value: Any) -> bytes:
    if isinstance(value, TextStringObject):
        return value.get_original_bytes()
    return bytes(value)


def _notdef_in(content: Any, resources: Any, reader: PdfReader) -> int:
    """Count glyph 0 (.notdef) shown with a two-byte (Type0) font in one content stream."""
    fonts = resources.get("/Font", {}) if resources else {}
    two_byte = {name for name, ref in fonts.items() if ref.get_object().get("/Subtype") == "/Type0"}
    count = 0
    font = None
    for operands, operator in ContentStream(content, reader).operations:
        if operator == b"Tf":
            font = operands[0]
            continue
        if operator == b"Do":
            xobject = resources["/XObject"][operands[0]].get_object()
            if xobject.get("/Subtype") == "/Form":
                count += _notdef_in(xobject, xobject.get("/Resources", resources), reader)
            continue
        if operator in (b"Tj", b"'", b'"'):
            shown = [operands[-1]]
        elif operator == b"TJ":
            shown = [item for item in operands[0] if isinstance(item, (bytes, str))]
        else:
            continue
        if font not in two_byte:
            continue
        for string in shown:
            raw = _string_bytes(string)
            count += sum(1 for i in range(0, len(raw) - 1, 2) if raw[i : i + 2] == b"\0\0")
    return count


def pdf_notdef_count(pdf: bytes) -> int:
    """Return how many glyphs of ``pdf`` are .notdef: characters no embedded font could draw.

    Text extraction alone cannot tell: Typst writes the intended characters as
    ActualText even over a missing glyph, so a tofu box still reads as "조".
    """
    reader = PdfReader(BytesIO(pdf))
    return sum(
        _notdef_in(page.get_contents(), page.get("/Resources"), reader) for page in reader.pages
    )


@pytest.fixture(name="pdf_text")
def pdf_text_fixture() -> Callable[[bytes], str]:
    """Return a function that extracts a PDF's text with pdftotext."""
    return pdf_text


@pytest.fixture(name="pdf_notdef_count")
def pdf_notdef_count_fixture() -> Callable[[bytes], int]:
    """Return a function that counts a PDF's missing (.notdef) glyphs."""
    return pdf_notdef_count

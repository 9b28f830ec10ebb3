"""A session's documents: agendas, minutes, resolutions, letters …, with an uploaded file.

Only a file that is a document is kept: its first bytes must be those of a PDF, an
OpenDocument or Word text, a PNG or JPEG image, or UTF-8 plain text (.txt, .md), and
agree with its extension; and it is at most ``limits.DOCUMENT_MAX_BYTES``. The file
is stored under ``DOCUMENTS_ROOT`` with a random name and sent only by the download
view, to those who may see the document.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chapterhouse.core import limits
from chapterhouse.core.chronicle_schema import (
    ChronicleObject,
    DocumentKind,
    Extra,
    Items,
    Slug,
    Text,
)
from chapterhouse.core.locks import lock_record
from chapterhouse.core.write_schema import given, validated
from chapterhouse.custody.access import Viewer, document_may_add
from chapterhouse.custody.services import audit_record
from chapterhouse.meetings.models import Document, Session
from chapterhouse.meetings.services import (
    _new_id,
    _present,
    _resolve,
    _visible_people,
    session_host_bodies,
)
from chapterhouse.registry.models import Person


class DocumentFields(ChronicleObject):
    """A new document of a session, as a Chronicle writes it (the file comes apart)."""

    id: Slug | None = None
    """Its id: as for a session, only an administrator's is used as it is."""
    kind: DocumentKind
    title: Text
    author: Slug | None = None
    signatories: Items[Slug] | None = None
    text: Text | None = None
    internal: bool = False
    extra: Extra = None


# What a file's first bytes say it is, and the extensions that may name it.
_TEXT_TYPES = {".txt": "text/plain", ".md": "text/markdown"}
_ODT = "application/vnd.oasis.opendocument.text"
_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    _ODT: {".odt"},
    _DOCX: {".docx"},
}


def _zipped_type(upload: UploadedFile) -> str | None:
    """Return the type of an OpenDocument or Word text held in a zip file, else None."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == _ODT.encode():
                return _ODT
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return _DOCX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def document_file_type(upload: UploadedFile) -> str | None:
    """Return the content type the file's bytes (and extension) show it to be, or None
    for a file that is not one of the documents we keep."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    upload.seek(0)
    head = upload.read(8)
    found: str | None = None
    if head.startswith(b"%PDF-"):
        found = "application/pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "image/png"
    elif head.startswith(b"\xff\xd8\xff"):
        found = "image/jpeg"
    elif head.startswith(b"PK\x03\x04"):
        found = _zipped_type(upload)
    elif extension in _TEXT_TYPES:
        upload.seek(0)
        try:
            content = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            content = "\0"
        found = _TEXT_TYPES[extension] if "\0" not in content else None
        upload.seek(0)
        return found
    upload.seek(0)
    if found is None or extension not in _EXTENSIONS[found]:
        return None
    return found


def _checked_upload(upload: UploadedFile) -> str:
    """Return the upload's content type, or refuse it beside ``file``."""
    if upload.size is not None and upload.size > limits.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": [
                    _("This file is %(size)s MB; a document may be at most %(max)s MB.")
                    % {
                        "size": f"{upload.size / 1024 / 1024:.1f}",
                        "max": limits.DOCUMENT_MAX_BYTES // 1024 // 1024,
                    }
                ]
            }
        )
    content_type = document_file_type(upload)
    if content_type is None:
        raise ValidationError(
            {
                "file": [
                    _(
                        "This file is not a document we keep: upload a PDF, an OpenDocument"
                        " or Word text (.odt, .docx), plain text (.txt, .md) or a PNG or"
                        " JPEG image."
                    )
                ]
            }
        )
    return content_type


def document_snapshot(document: Document) -> dict[str, Any]:
    """Return the document's fields as a Chronicle writes them, with its file's name."""
    return {
        "session": document.session.slug,
        "kind": document.kind,
        "title": document.title,
        "author": document.author.slug if document.author_id else None,  # type: ignore[union-attr]
        "signatories": document.signatories,
        "text": document.text,
        "internal": document.internal,
        "file": document.file_name or None,
        "size": document.size,
        "extra": document.extra,
    }


def document_create(
    *,
    viewer: Viewer,
    via: str,
    at: dt.datetime,
    session: Session,
    values: Mapping[str, Any],
    upload: UploadedFile | None = None,
) -> Document:
    """Record a document of ``session`` from Chronicle-shaped ``values`` (see
    DocumentFields), with the uploaded file ``upload`` if any.

    The viewer must be allowed to change the session (an officer of one of its hosts). The
    author and signatories are resolved among the people the viewer may see (a hidden
    person is answered like a missing one). A file that is not a document, or too large,
    is refused beside ``file``; nothing is stored then.
    """
    if not document_may_add(viewer, session):
        raise PermissionDenied(
            _("Only officers of a body that hosts this session may add its documents.")
        )
    fields = validated(DocumentFields, values)
    data = given(fields)
    content_type = _checked_upload(upload) if upload is not None else ""
    if upload is None and not data.get("text"):
        raise ValidationError({"file": [_("Upload the document, or give its text.")]})
    with transaction.atomic():
        lock_record()
        people = _visible_people(viewer)
        author = _resolve(Person, data.get("author"), "author", people)
        signatories = [
            _resolve(Person, slug, f"signatories[{n}]", people).slug
            for n, slug in enumerate(data.get("signatories") or [])
        ]
        document = Document(
            slug=_new_id(viewer, Document, fields.id, fallback=f"{session.slug}-doc"),
            session=session,
            kind=data["kind"],
            title=data["title"],
            author=author,
            signatories=signatories,
            text=data.get("text"),
            internal=bool(data.get("internal")),
            extra=data.get("extra"),
            position=(
                Document.objects.filter(session=session).aggregate(Max("position"))["position__max"]
                or 0
            )
            + 1,
        )
        if upload is not None:
            document.file_name = os.path.basename(upload.name or "")[:255]
            document.content_type = content_type
            document.size = upload.size
            document.file.save(upload.name or "document", upload, save=False)
        try:
            document.save()
            hosts = session_host_bodies(session)
            audit_record(
                viewer=viewer,
                via=via,
                action="create",
                object_type="document",
                object_id=document.slug,
                at=at,
                body=hosts[0] if hosts else None,
                after=_present(document_snapshot(document)),
            )
        except BaseException:
            # Nothing saved: the stored file goes too.
            if document.file.name:
                document.file.storage.delete(document.file.name)
            raise
    return document

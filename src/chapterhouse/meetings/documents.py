"""The documents of a session: speeches, reports, minutes, letters.

A minimal, text-only version (the decision desk needs letters of thanks); the
conferences desk brings uploads with the same signature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chapterhouse.custody.access import Viewer
from chapterhouse.custody.services import audit_record
from chapterhouse.meetings.models import DOCUMENT_KIND_CHOICES, Document, Session
from chapterhouse.meetings.services import (
    _new_id,
    _present,
    _resolve,
    _visible_people,
    session_host_bodies,
    session_may_change,
)
from chapterhouse.registry.models import Person

_KINDS = {kind for kind, _label in DOCUMENT_KIND_CHOICES}


def document_snapshot(document: Document) -> dict[str, Any]:
    """Return the document's fields as a Chronicle writes them."""
    return {
        "session": document.session.slug,
        "kind": document.kind,
        "title": document.title,
        "author": document.author.slug if document.author_id else None,  # type: ignore[union-attr]
        "signatories": document.signatories,
        "text": document.text,
        "internal": document.internal,
    }


def document_create(
    *,
    viewer: Viewer,
    via: str,
    at: dt.datetime,
    session: Session,
    values: Mapping[str, Any],
    upload: Any = None,
) -> Document:
    """Add a document to ``session`` from Chronicle-shaped ``values`` (``id``?, ``kind``,
    ``title``, ``text``?, ``author``?, ``internal``?); the viewer must be an officer of
    every host of the session. ``upload`` (a file) is not kept by this version.
    """
    if not session_may_change(viewer, session):
        raise PermissionDenied(
            _("Only officers of every body that hosts this session may add its documents.")
        )
    errors: dict[str, list[str]] = {}
    kind = values.get("kind")
    if kind not in _KINDS:
        errors["kind"] = [_("Choose the kind of document.")]
    title = values.get("title")
    if not title:
        errors["title"] = [_("Give the document a title.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        document = Document(
            session=session,
            kind=str(kind),
            title=title,
            text=values.get("text"),
            internal=bool(values.get("internal")),
            slug=_new_id(viewer, Document, values.get("id"), fallback=f"{session.slug}-{kind}"),
        )
        document.author = _resolve(
            Person,
            values.get("author"),
            "author",
            _visible_people(viewer),
        )
        document.position = (
            Document.objects.filter(session=session).aggregate(Max("position"))["position__max"]
            or 0
        ) + 1
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
    return document

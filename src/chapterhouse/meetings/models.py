"""Commemorations, conferences, sessions, their documents and decisions."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q

from chapterhouse.core.chronicle_schema import (
    AttendeeRole,
    DecisionKind,
    DecisionStatus,
    DocumentKind,
    SessionFormat,
)
from chapterhouse.core.models import (
    extra_field,
    precision_field,
    slug_field,
    text_field,
    vocabulary_choices,
)

FORMAT_CHOICES = vocabulary_choices(SessionFormat)
ATTENDEE_ROLE_CHOICES = vocabulary_choices(AttendeeRole)
DOCUMENT_KIND_CHOICES = vocabulary_choices(DocumentKind)
DECISION_KIND_CHOICES = vocabulary_choices(DecisionKind)
DECISION_STATUS_CHOICES = vocabulary_choices(DecisionStatus)


class DocumentStorage(FileSystemStorage):
    """Where uploaded documents are kept: ``DOCUMENTS_ROOT``, read at each use (so a test
    may point it elsewhere), outside MEDIA_ROOT, which ``/media/`` serves to anyone.

    A document has no public URL: it is sent only by the download view, to those who may
    see it (``url()`` refuses).
    """

    @property
    def base_location(self) -> str:
        return str(settings.DOCUMENTS_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("A document is sent only by its download view.")


def document_storage() -> DocumentStorage:
    """Return the storage of uploaded documents (a callable keeps it out of migrations)."""
    return DocumentStorage()


def document_upload_to(instance: Any, filename: str) -> str:
    """Return where an uploaded document is stored: a random name (the original name is
    kept in ``file_name``, never on disk) with the extension checked on upload."""
    import secrets

    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"documents/{secrets.token_hex(16)}{extension}"


class Commemoration(models.Model):
    """An event the organization remembers; sessions are timed to its anniversaries."""

    slug = slug_field("commemoration")
    name = text_field("What is commemorated.", required=True)
    date = models.DateField(help_text="The date of the original event.")
    date_precision = precision_field("the date")
    extra = extra_field()

    def __str__(self) -> str:
        return self.slug


class Conference(models.Model):
    """A numbered conference whose days are sessions."""

    slug = slug_field("conference")
    number = models.IntegerField(null=True, blank=True, help_text="E.g. 5 for the 5th.")
    kind = models.CharField(max_length=100, blank=True, help_text="E.g. general.")
    name = text_field("Its name.", required=True)
    dedication = text_field("What it is dedicated to.")
    start = models.DateField(null=True, blank=True, help_text="First day.")
    start_precision = precision_field("the start")
    end = models.DateField(null=True, blank=True, help_text="Exclusive end (day after the last).")
    end_precision = precision_field("the end")
    extra = extra_field()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(start__lt=F("end")),
                name="conference_start_before_end",
            )
        ]

    def __str__(self) -> str:
        return self.slug


class Session(models.Model):
    """A meeting: a day of a conference, or a meeting on its own."""

    slug = slug_field("session")
    # PROTECT: a conference's sessions are its record.
    conference = models.ForeignKey(
        Conference,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    day = models.IntegerField(null=True, blank=True, help_text="Day number in the conference.")
    title = text_field("Its title.")
    date = models.DateField(null=True, blank=True)
    date_precision = precision_field("the date")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    city = text_field("City.")
    region = text_field("Region.")
    venue = text_field("Venue.")
    format = models.CharField(max_length=20, blank=True, choices=FORMAT_CHOICES)
    # SET_NULL would silently forget who chaired; PROTECT keeps the record whole.
    chair = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions_chaired",
    )
    extra = extra_field()

    internal = models.BooleanField(
        default=False, help_text="Seen only by people with a grant on a body it belongs to."
    )

    class Meta:
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return self.slug


class SessionHost(models.Model):
    """A body that holds a session, in order."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="hosts")
    body = models.ForeignKey("registry.Body", on_delete=models.PROTECT, related_name="hosted")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.body_id} hosts {self.session_id}"


class SessionOccasion(models.Model):
    """A commemoration a session is timed to coincide with."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="occasions")
    commemoration = models.ForeignKey(
        Commemoration, on_delete=models.PROTECT, related_name="sessions"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.session_id} on {self.commemoration_id}"


class Attendance(models.Model):
    """A person at a session, in a role."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendees")
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="attendances"
    )
    role = models.CharField(max_length=20, choices=ATTENDEE_ROLE_CHOICES)
    capacity = text_field("In what capacity, e.g. for a guest.")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.person_id} as {self.role} at {self.session_id}"


class Document(models.Model):
    """A speech, report, minutes or letter of a session."""

    slug = slug_field("document")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DOCUMENT_KIND_CHOICES)
    title = text_field("Its title.", required=True)
    author = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_authored",
    )
    signatories = models.JSONField(
        default=list, blank=True, help_text="Person ids of the signatories, in order."
    )
    text = text_field("Its text.")
    file = models.FileField(
        upload_to=document_upload_to,
        storage=document_storage,
        blank=True,
        max_length=200,
        help_text="The uploaded file (under DOCUMENTS_ROOT), sent only by its download view.",
    )
    file_name = models.CharField(
        max_length=255, blank=True, help_text="The uploaded file's name as the writer had it."
    )
    content_type = models.CharField(
        max_length=100, blank=True, help_text="The file's type, as its bytes show it."
    )
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="In bytes.")
    position = models.PositiveIntegerField(default=0)
    internal = models.BooleanField(
        default=False, help_text="Seen only by people with a grant on a body it belongs to."
    )
    extra = extra_field()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.slug


class Decision(models.Model):
    """A decision of a session or of a conference as a whole, with typed effects."""

    slug = slug_field("decision")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    conference = models.ForeignKey(
        Conference, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    date = models.DateField(help_text="When it was taken (defaults from the session).")
    date_precision = precision_field("the date")
    date_given = models.BooleanField(
        default=False, help_text="Whether the date was given rather than defaulted."
    )
    kind = models.CharField(max_length=20, choices=DECISION_KIND_CHOICES)
    text = text_field("Its wording.")
    proposed_by = models.ForeignKey(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions_proposed",
    )
    status = models.CharField(max_length=20, choices=DECISION_STATUS_CHOICES, default="proposed")
    votes = models.JSONField(null=True, blank=True, help_text="{for, against, abstain}.")
    effects = models.JSONField(
        default=list, blank=True, help_text="The effects as Chronicle effect objects."
    )
    position = models.PositiveIntegerField(default=0, help_text="Order within its date.")
    internal = models.BooleanField(
        default=False, help_text="Seen only by people with a grant on a body it belongs to."
    )
    extra = extra_field()

    class Meta:
        ordering = ["date", "position", "pk"]
        indexes = [models.Index(fields=["date", "position"])]

    def __str__(self) -> str:
        return self.slug


class EffectLog(models.Model):
    """One change an adopted decision made, with what is needed to revert it."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="log")
    seq = models.PositiveIntegerField(help_text="Order in which the changes were made.")
    action = models.CharField(max_length=10, help_text="create or update.")
    model = models.CharField(max_length=100, help_text="app_label.model of the object.")
    object_pk = models.BigIntegerField()
    before = models.JSONField(null=True, blank=True, help_text="Field values before an update.")

    class Meta:
        ordering = ["decision", "seq"]

    def __str__(self) -> str:
        return f"{self.action} {self.model}#{self.object_pk}"

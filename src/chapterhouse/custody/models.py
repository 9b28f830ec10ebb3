"""Accounts, grants, API tokens, invitations and the audit trail.

Accounts are Django users whose username is their e-mail address; an account
may be linked to the person it belongs to. An organization administrator is a
superuser. Everyone else acts through grants of a role on a body, which cover
that body and every body below it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction

from chapterhouse.core.limits import refuse_over_long
from chapterhouse.core.locks import lock_record
from chapterhouse.custody import audit_chain

ROLE_CHOICES = [
    ("officer", "officer"),
    ("editor", "editor"),
    ("translator", "translator"),
    ("member", "member"),
]
ROLES = tuple(role for role, _ in ROLE_CHOICES)

VIA_CHOICES = [("web", "web"), ("api", "API"), ("cli", "command line"), ("admin", "admin")]


class Account(models.Model):
    """What Chapterhouse knows about a user beyond Django's own fields."""

    # CASCADE: the account row is part of the user; it has no life of its own.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account"
    )
    # SET_NULL: erasing or merging a person must not delete the sign-in.
    person = models.OneToOneField(
        "registry.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
        help_text="The person this account belongs to, if any.",
    )

    def __str__(self) -> str:
        return self.user.get_username()


class Grant(models.Model):
    """A role on a body for a time; it covers the body and every body below it."""

    # CASCADE: a grant means nothing without its holder.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(max_length=20, choices=ROLE_CHOICES)
    # PROTECT: a body with grants on it is still in use; end the grants first.
    body = models.ForeignKey("registry.Body", on_delete=models.PROTECT, related_name="grants")
    start = models.DateField(help_text="First day the grant applies.")
    end = models.DateField(
        null=True, blank=True, help_text="First day it no longer applies (exclusive)."
    )
    # SET_NULL: who granted is history; removing that account must not remove the grant.
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grants_given",
    )

    class Meta:
        indexes = [models.Index(fields=["user", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gt=models.F("start")),
                name="grant_start_before_end",
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}@{self.body_id}"


class ApiToken(models.Model):
    """A personal API token; only a SHA-256 digest of the secret is kept."""

    # CASCADE: a token is only ever its user's.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for.")
    prefix = models.CharField(
        max_length=12, db_index=True, help_text="The secret's first characters, to recognise it."
    )
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret.")
    created = models.DateTimeField()
    expires = models.DateTimeField(null=True, blank=True)
    revoked = models.DateTimeField(null=True, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Invitation(models.Model):
    """An officer's invitation to open an account, with the grants it will bring."""

    email = models.EmailField()
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the link's secret.")
    grants = models.JSONField(default=list, help_text='[{"role": …, "body": body id}, …]')
    # SET_NULL: an invitation outlives the account of the officer who sent it.
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField()
    expires = models.DateTimeField()
    accepted = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.email


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("The audit trail cannot be edited.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail cannot be edited.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEntry]:  # type: ignore[override]
        # Each entry links to the one before it, so entries are appended one by one.
        raise PermissionError("Audit entries are appended one by one (see AuditEntry.save).")


class AuditEntry(models.Model):
    """One write: who, when, which object, and its fields before and after.

    Entries are written once. Database triggers refuse to delete them, to
    truncate the table or to change anything; the one exception is erasure of a
    person, which may redact the personal values in `before`/`after` of the
    entries about that person written before the erasure's own entry (see
    custody.services.person_erase). Each entry is a link of a hash chain
    (custody.audit_chain), so a change made behind the triggers' back shows up
    in `chapterhouse audit verify`.
    """

    at = models.DateTimeField(db_index=True)
    # DO_NOTHING without a database constraint: the entry must outlive the
    # account unchanged (the triggers refuse even a SET NULL); `actor_label` says who.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(max_length=300, help_text="Who, as written at the time.")
    via = models.CharField(max_length=10, choices=VIA_CHOICES)
    action = models.CharField(max_length=50, help_text="e.g. create, update, adopt, erase.")
    object_type = models.CharField(max_length=50, help_text="e.g. person, session, decision.")
    object_id = models.CharField(max_length=200, help_text="The object's Chronicle id.")
    body = models.ForeignKey(
        "registry.Body",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        help_text="The body whose officers may read this entry.",
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    values_digest = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of before and after, as written."
    )
    previous = models.CharField(
        max_length=64, editable=False, help_text="The digest of the entry before this one."
    )
    digest = models.CharField(
        max_length=64,
        editable=False,
        help_text="SHA-256 of who, when, how, what, the values' digest and the previous digest.",
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            if not kwargs.pop("redacting", False):
                raise PermissionError("The audit trail cannot be edited.")
            super().save(*args, **kwargs)
            return
        self._append(*args, **kwargs)

    def _append(self, *args: Any, **kwargs: Any) -> None:
        """Link the entry to the last one and insert it, holding the record's write lock
        until the transaction ends, so two writers never link to the same entry."""
        # Lengths first, as for every model: the digest covers what is stored.
        refuse_over_long(AuditEntry, self)
        # No savepoint: a failed append fails the writer's whole transaction anyway.
        with transaction.atomic(savepoint=False):
            lock_record()
            last = AuditEntry.objects.order_by("-pk").values_list("digest", flat=True).first()
            self.previous = last or audit_chain.GENESIS
            self.values_digest = audit_chain.values_digest(self.before, self.after)
            self.digest = audit_chain.digest_of(self)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("The audit trail cannot be edited.")

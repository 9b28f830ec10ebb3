"""Writes of the custody app: accounts, grants, tokens, invitations and audit entries.

Every function is keyword-only, runs in one transaction and takes the time
(`at` or `on`) from its caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model

from chapterhouse.custody.access import WRITE_ROLE, Viewer
from chapterhouse.custody.models import ROLES, Account, ApiToken, AuditEntry, Grant
from chapterhouse.registry.models import Body, Person

TOKEN_PREFIX = "chp_"


def digest(secret: str) -> str:
    """SHA-256 hex digest of a token or invitation secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def audit_record(
    *,
    viewer: Viewer,
    via: str,
    action: str,
    object_type: str,
    object_id: str,
    at: dt.datetime,
    body: Body | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry; call it inside the transaction of the write it records."""
    body_id = body.pk if isinstance(body, Model) else body
    return AuditEntry.objects.create(
        at=at,
        actor_id=viewer.user_id,
        actor_label=viewer.label,
        via=via,
        action=action,
        object_type=object_type,
        object_id=object_id,
        body_id=body_id,
        before=before,
        after=after,
    )


def parse_grant(text: str) -> tuple[str, Body]:
    """Read `ROLE@BODY` (e.g. `officer@kr-committee`); a ValidationError says what is wrong."""
    role, sep, body_slug = text.partition("@")
    if not sep or not role or not body_slug:
        raise ValidationError(
            f"{text!r}: a grant is written ROLE@BODY, e.g. officer@{body_slug or 'body-id'}"
        )
    if role not in ROLES:
        raise ValidationError(
            f"{text!r}: unknown role {role!r}; expected one of {', '.join(ROLES)}"
        )
    try:
        body = Body.objects.get(slug=body_slug)
    except Body.DoesNotExist:
        raise ValidationError(f"{text!r}: no body with id {body_slug!r}") from None
    return role, body


def _require_grant_power(viewer: Viewer, body: Body) -> None:
    # An officer may hand out roles on their own body and below, never above it.
    if not viewer.covers(WRITE_ROLE, body.pk):
        raise PermissionDenied(
            f"only officers of {body.slug} or a body above it may grant roles there"
        )


@transaction.atomic
def grant_create(
    *,
    viewer: Viewer,
    via: str,
    user: AbstractBaseUser,
    role: str,
    body: Body,
    on: dt.date,
    at: dt.datetime,
) -> Grant:
    """Give `user` the role on `body` from `on`; the viewer must be an officer there."""
    _require_grant_power(viewer, body)
    if role not in ROLES:
        raise ValidationError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    grant = Grant.objects.create(
        user=user, role=role, body=body, start=on, granted_by_id=viewer.user_id
    )
    audit_record(
        viewer=viewer,
        via=via,
        action="grant",
        object_type="account",
        object_id=user.get_username(),
        at=at,
        body=body,
        after={"role": role, "body": body.slug, "start": on.isoformat()},
    )
    return grant


@transaction.atomic
def grant_end(
    *,
    viewer: Viewer,
    via: str,
    user: AbstractBaseUser,
    role: str,
    body: Body,
    on: dt.date,
    at: dt.datetime,
) -> int:
    """End the user's open grants of `role` on `body` on `on` (exclusive); return how many."""
    _require_grant_power(viewer, body)
    grants = Grant.objects.filter(user=user, role=role, body=body, end__isnull=True)
    ended = 0
    for grant in grants:
        if grant.start >= on:
            grant.delete()  # a grant that never began simply goes
        else:
            grant.end = on
            grant.save(update_fields=["end"])
        ended += 1
    if not ended:
        raise ValidationError(f"{user.get_username()} holds no open {role} grant on {body.slug}")
    audit_record(
        viewer=viewer,
        via=via,
        action="revoke",
        object_type="account",
        object_id=user.get_username(),
        at=at,
        body=body,
        before={"role": role, "body": body.slug},
        after={"end": on.isoformat()},
    )
    return ended


@transaction.atomic
def user_add(
    *,
    viewer: Viewer,
    via: str,
    email: str,
    password: str | None = None,
    person: Person | None = None,
    grants: list[tuple[str, Body]] = (),  # type: ignore[assignment]
    is_admin: bool = False,
    on: dt.date,
    at: dt.datetime,
) -> AbstractBaseUser:
    """Open an account for `email` (its sign-in name), maybe linked to a person, with grants."""
    email = email.strip().lower()
    validate_email(email)
    if is_admin and not viewer.is_admin:
        raise PermissionDenied("only an administrator may create another administrator")
    if person is not None and not viewer.may_edit_person(person):
        raise PermissionDenied(f"only the custodians of {person.slug} may link an account to them")
    User = get_user_model()
    if User.objects.filter(username__iexact=email).exists():
        raise ValidationError(f"an account for {email} already exists")
    user = User.objects.create_user(
        username=email, email=email, password=password, is_superuser=is_admin, is_staff=is_admin
    )
    Account.objects.create(user=user, person=person)
    audit_record(
        viewer=viewer,
        via=via,
        action="create",
        object_type="account",
        object_id=email,
        at=at,
        after={"person": person.slug if person else None, "admin": is_admin},
    )
    for role, body in grants:
        grant_create(viewer=viewer, via=via, user=user, role=role, body=body, on=on, at=at)
    return user


@transaction.atomic
def token_create(
    *,
    user: AbstractBaseUser,
    name: str,
    expires: dt.datetime | None,
    at: dt.datetime,
    via: str = "cli",
) -> tuple[ApiToken, str]:
    """Create a personal API token; return it with its secret, which is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=secret[:12], digest=digest(secret), created=at, expires=expires
    )
    audit_record(
        viewer=Viewer(user_id=user.pk, label=user.get_username()),
        via=via,
        action="token_create",
        object_type="account",
        object_id=user.get_username(),
        at=at,
        after={
            "token": token.name,
            "prefix": token.prefix,
            "expires": expires.isoformat() if expires else None,
        },
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, at: dt.datetime, via: str = "cli") -> None:
    """Revoke a token from now on."""
    if token.revoked is None:
        token.revoked = at
        token.save(update_fields=["revoked"])
    audit_record(
        viewer=Viewer(user_id=token.user_id, label=token.user.get_username()),
        via=via,
        action="token_revoke",
        object_type="account",
        object_id=token.user.get_username(),
        at=at,
        before={"token": token.name, "prefix": token.prefix},
    )


def token_user(*, secret: str, at: dt.datetime) -> AbstractBaseUser | None:
    """Return the active user a bearer secret belongs to, or None if unknown, expired or revoked."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest(secret), revoked__isnull=True)
        .first()
    )
    if token is None or (token.expires is not None and token.expires <= at):
        return None
    if not token.user.is_active:
        return None
    # Touch last_used at most once a minute so reading does not write on every request.
    if token.last_used is None or (at - token.last_used).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used=at)
    return token.user

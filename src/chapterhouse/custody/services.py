"""Writes of the custody app: accounts, grants, tokens, invitations and audit entries.

Every function is keyword-only, runs in one transaction and takes the time
(`at` or `on`) from its caller.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypedDict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model

from chapterhouse.core.generations import generation_bump
from chapterhouse.core.locks import lock_row
from chapterhouse.custody.access import (
    ANONYMOUS,
    Viewer,
    may_close_accounts,
    may_grant_roles_on,
    may_invite_without_grants,
    may_make_administrators,
    viewer_for_user,
)
from chapterhouse.custody.models import ROLES, Account, ApiToken, AuditEntry, Grant, Invitation
from chapterhouse.registry.models import Body, Person, PersonAlias
from chapterhouse.registry.person_name_keys import person_name_keys_refresh

TOKEN_PREFIX = "chp_"


def digest(secret: str) -> str:
    """SHA-256 hex digest of a token or invitation secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


class AuditSubject(TypedDict):
    """What an audit entry is about, as a service names it once for its kind of object and
    passes to ``audit_record`` or ``audit_update`` with ``**``."""

    object_type: str
    object_id: str
    body: Body | int | None


def changed_fields(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the fields of ``after`` whose value differs from ``before``, as (before,
    after): what an update's audit entry records. Both are empty when nothing changed."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


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


def audit_update(
    *,
    viewer: Viewer,
    via: str,
    object_type: str,
    object_id: str,
    at: dt.datetime,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    body: Body | int | Callable[[], Body | int | None] | None = None,
    action: str = "update",
) -> AuditEntry | None:
    """Write the audit entry of an update from the snapshots ``before`` and ``after``: only
    the fields that changed, and no entry at all when nothing did. ``body`` may be a function
    that finds the body, so that its query runs only when there is an entry to write."""
    old, new = changed_fields(before, after)
    if not new:
        return None
    return audit_record(
        viewer=viewer,
        via=via,
        action=action,
        object_type=object_type,
        object_id=object_id,
        at=at,
        body=body() if callable(body) else body,
        before=old,
        after=new,
    )


def _account_audit(
    *,
    viewer: Viewer,
    via: str,
    action: str,
    account: str,
    at: dt.datetime,
    body: Body | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write the audit entry of ``action`` on an account, named by its user name (or, before
    it exists, the e-mail it is made for)."""
    return audit_record(
        viewer=viewer,
        via=via,
        action=action,
        object_type="account",
        object_id=account,
        at=at,
        body=body,
        before=before,
        after=after,
    )


def _account_holder(user: User) -> Viewer:
    """Return ``user`` as the actor of what they do to their own account (a token, a second
    factor, a password, an accepted invitation)."""
    return Viewer(user_id=user.pk, label=user.get_username())


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
    if not may_grant_roles_on(viewer, body.pk):
        raise PermissionDenied(
            f"only officers of {body.slug} or a body above it may grant roles there"
        )


@transaction.atomic
def grant_create(
    *,
    viewer: Viewer,
    via: str,
    user: User,
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
    _account_audit(
        viewer=viewer,
        via=via,
        action="grant",
        account=user.get_username(),
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
    user: User,
    role: str,
    body: Body,
    on: dt.date,
    at: dt.datetime,
) -> int:
    """End the user's open grants of `role` on `body` on `on` (exclusive); return how many."""
    _require_grant_power(viewer, body)
    # Locked: two revocations at once end (and audit) each grant once.
    grants = Grant.objects.select_for_update().filter(
        user=user, role=role, body=body, end__isnull=True
    )
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
    _account_audit(
        viewer=viewer,
        via=via,
        action="revoke",
        account=user.get_username(),
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
) -> User:
    """Open an account for `email` (its sign-in name), maybe linked to a person, with grants."""
    email = email.strip().lower()
    validate_email(email)
    if is_admin and not may_make_administrators(viewer):
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
    _account_audit(
        viewer=viewer,
        via=via,
        action="create",
        account=email,
        at=at,
        after={"person": person.slug if person else None, "admin": is_admin},
    )
    for role, body in grants:
        grant_create(viewer=viewer, via=via, user=user, role=role, body=body, on=on, at=at)
    return user


@transaction.atomic
def user_set_active(*, viewer: Viewer, via: str, user: User, active: bool, at: dt.datetime) -> bool:
    """Close (``active=False``) or reopen an account; return whether anything changed.

    A closed account cannot sign in, its open sessions end at their next request and
    its API tokens stop working; its grants, tokens and history stay, so reopening it
    gives back what it had. Accounts are closed, never deleted: the audit trail names them.
    """
    from django.utils.translation import gettext

    if not may_close_accounts(viewer):
        raise PermissionDenied(gettext("Only an administrator may close or reopen an account."))
    lock_row(user)
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    _account_audit(
        viewer=viewer,
        via=via,
        action="reopen" if active else "close",
        account=user.get_username(),
        at=at,
        before={"active": not active},
        after={"active": active},
    )
    return True


@transaction.atomic
def token_create(
    *,
    user: User,
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
    _account_audit(
        viewer=_account_holder(user),
        via=via,
        action="token_create",
        account=user.get_username(),
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
    _account_audit(
        viewer=_account_holder(token.user),
        via=via,
        action="token_revoke",
        account=token.user.get_username(),
        at=at,
        before={"token": token.name, "prefix": token.prefix},
    )


def token_user(*, secret: str, at: dt.datetime) -> User | None:
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


INVITATION_LIFETIME = dt.timedelta(days=14)


@transaction.atomic
def invitation_create(
    *,
    viewer: Viewer,
    via: str,
    email: str,
    grants: list[tuple[str, Body]],
    person: Person | None = None,
    at: dt.datetime,
) -> tuple[Invitation, str]:
    """Invite `email` to open an account with `grants`; return the invitation and its secret.

    Only the secret's digest is stored, so the link in the e-mail is the one
    way in. The viewer must be an officer of every granted body (an
    administrator may invite without grants), and a custodian of `person`.
    """
    email = email.strip().lower()
    validate_email(email)
    if not grants and not may_invite_without_grants(viewer):
        raise ValidationError("an invitation brings at least one grant")
    for role, body in grants:
        if role not in ROLES:
            raise ValidationError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        _require_grant_power(viewer, body)
    if person is not None and not viewer.may_edit_person(person):
        raise PermissionDenied(f"only the custodians of {person.slug} may link an account to them")
    if get_user_model().objects.filter(username__iexact=email).exists():
        raise ValidationError(f"an account for {email} already exists")
    secret = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        email=email,
        digest=digest(secret),
        grants=[{"role": role, "body": body.pk} for role, body in grants],
        person=person,
        invited_by_id=viewer.user_id,
        created=at,
        expires=at + INVITATION_LIFETIME,
    )
    _account_audit(
        viewer=viewer,
        via=via,
        action="invite",
        account=email,
        at=at,
        body=grants[0][1] if grants else None,
        after={
            "grants": [f"{role}@{body.slug}" for role, body in grants],
            "person": person.slug if person else None,
            "expires": invitation.expires.isoformat(),
        },
    )
    return invitation, secret


def invitation_for_secret(*, secret: str, at: dt.datetime) -> Invitation:
    """Return the open invitation a link's secret belongs to.

    Raises ValidationError when the link is unknown, already used or expired.
    """
    invitation = Invitation.objects.filter(digest=digest(secret)).first()
    if invitation is None:
        raise ValidationError("This invitation link is not valid.", code="unknown")
    if invitation.accepted is not None:
        raise ValidationError("This invitation has already been accepted.", code="accepted")
    if invitation.expires <= at:
        raise ValidationError("This invitation has expired.", code="expired")
    return invitation


@transaction.atomic
def invitation_accept(
    *, secret: str, password: str, on: dt.date, at: dt.datetime, via: str = "web"
) -> User:
    """Open the invited account with `password` and give it the invitation's grants.

    The grants are given with the inviter's authority as it is now: an inviter
    who has since lost their officer grant (or their account) can no longer
    hand them out, and the invitation fails with PermissionDenied.
    """
    invitation = invitation_for_secret(secret=secret, at=at)
    # Lock the row so the same link cannot be accepted twice at once.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted is not None:
        raise ValidationError("This invitation has already been accepted.", code="accepted")
    inviter = (
        viewer_for_user(invitation.invited_by, on=on)
        if invitation.invited_by is not None
        else ANONYMOUS
    )
    bodies = Body.objects.in_bulk([grant["body"] for grant in invitation.grants])
    grants: list[tuple[str, Body]] = []
    for grant in invitation.grants:
        body = bodies.get(grant["body"])
        if body is None:
            raise ValidationError("A body this invitation grants a role on no longer exists.")
        grants.append((grant["role"], body))
    if not grants and not may_invite_without_grants(inviter):
        raise PermissionDenied("only an administrator may invite without grants")
    user = user_add(
        viewer=inviter,
        via=via,
        email=invitation.email,
        password=password,
        person=invitation.person,
        grants=grants,
        on=on,
        at=at,
    )
    invitation.accepted = at
    invitation.save(update_fields=["accepted"])
    _account_audit(
        viewer=_account_holder(user),
        via=via,
        action="accept_invitation",
        account=user.get_username(),
        at=at,
        body=grants[0][1] if grants else None,
        after={"grants": [f"{role}@{body.slug}" for role, body in grants]},
    )
    return user


@transaction.atomic
def two_factor_enable(*, user: User, device: Model, at: dt.datetime, via: str = "web") -> None:
    """Keep `device` (a TOTP device whose first code was just checked) as the user's second factor.

    Any other device the user had is removed: one authenticator at a time, so
    a lost phone is replaced, not added to.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True  # type: ignore[attr-defined]
    device.save()
    _account_audit(
        viewer=_account_holder(user),
        via=via,
        action="two_factor_enable",
        account=user.get_username(),
        at=at,
    )


@transaction.atomic
def two_factor_disable(*, user: User, at: dt.datetime, via: str = "web") -> None:
    """Remove the user's second factor (only for those to whom it is optional: callers check)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    _account_audit(
        viewer=_account_holder(user),
        via=via,
        action="two_factor_disable",
        account=user.get_username(),
        at=at,
    )


def operator_viewer(acting_as: str | None = None, *, on: dt.date | None = None) -> Viewer:
    """Return who a command-line user acts as.

    Without `acting_as`, the operator: an administrator, named by their login.
    With an account's e-mail (`--as EMAIL`), that account with exactly its grants
    on `on`, so a command is checked the way the same write on the web would be.
    """
    import getpass

    if acting_as:
        user = User.objects.filter(username__iexact=acting_as.strip(), is_active=True).first()
        if user is None:
            raise ValidationError(f"no active account {acting_as!r}")
        if on is None:
            raise TypeError("acting as an account needs the day its grants are read on")
        viewer = viewer_for_user(user, on=on)
        return replace(viewer, label=f"{user.get_username()} (command line)")
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        login = "operator"
    return Viewer(is_admin=True, label=f"{login} (command line)")


# What erasure removes from a person, and redacts from the audit trail about them.
ERASED_FIELDS = (
    "name",
    "given",
    "family",
    "patronymic",
    "call_sign",
    "born",
    "contact",
    "notes",
    "names",
    "extra",
)
REDACTED = "[erased]"


def erased_name(person: Person) -> str:
    """Return the placeholder an erased person is shown by."""
    from django.utils.translation import gettext

    return gettext("Erased member %(number)s") % {"number": person.pk}


def _redact(values: dict[str, Any] | None) -> dict[str, Any] | None:
    if not values:
        return values
    return {
        key: (REDACTED if key in ERASED_FIELDS and value not in (None, "", {}, []) else value)
        for key, value in values.items()
    }


@transaction.atomic
def person_erase(*, viewer: Viewer, via: str, person: Person, at: dt.datetime) -> Person:
    """Erase a person's personal data and keep the public record under a placeholder name.

    Removed: birth date, contact details, notes, the parts of the name, name
    variants, call sign, private affiliations and ``extra``; the name becomes
    "Erased member N". Kept: the id (decisions, documents and the audit trail
    refer to it), the custodian, terms, attendances, awards and decisions,
    which are the organization's public history. Any account is unlinked. Audit
    entries about the person keep who did what and when, with the personal
    values in them replaced by "[erased]". Only the person's custodians (or an
    administrator) may erase them.
    """
    from django.utils.translation import gettext

    from chapterhouse.relations.models import Affiliation

    lock_row(person)  # an edit at the same moment waits, then finds the data erased
    if not viewer.may_edit_person(person):
        custodian = person.custodian
        if custodian is None:
            refusal = gettext("Only an administrator may erase this person.")
        elif viewer.sees_body(custodian.pk, internal=custodian.internal):
            refusal = gettext(
                "Only officers of %(body)s (or a body above) may erase this person."
            ) % {"body": custodian.slug}
        else:
            # An internal custodian is not named to someone who may not see it.
            refusal = gettext(
                "Only the officers of this person's custodian body may erase this person."
            )
        raise PermissionDenied(refusal)
    erased = [
        field
        for field in ("given", "family", "patronymic", "call_sign", "notes")
        if getattr(person, field)
    ]
    if person.born is not None:
        erased.append("born")
    if person.contact:
        erased.append("contact")
    if person.extra:
        erased.append("extra")
    variants, _ = person.names.all().delete()
    if variants:
        erased.append("names")
    private, _ = Affiliation.objects.filter(person=person, private=True).delete()
    if private:
        erased.append("affiliations")
    person.name = erased_name(person)
    person.given = person.family = person.patronymic = person.call_sign = ""
    person.born = None
    person.born_precision = "day"
    person.contact = {}
    person.notes = ""
    person.extra = None
    person.erased = at
    person.save()
    # The records merged into this person, kept to undo a merge, are the same person's
    # data (docs/decisions/0032); after the erasure's own audit entry no undo is possible.
    for alias in PersonAlias.objects.select_for_update().filter(person=person):
        fields = {
            **alias.merged.get("fields", {}),
            "name": person.name,
            "given": "",
            "family": "",
            "patronymic": "",
            "call_sign": "",
            "born": None,
            "contact": {},
            "notes": "",
            "extra": None,
        }
        alias.merged = {**alias.merged, "fields": fields}
        alias.save(update_fields=["merged"])
    person_name_keys_refresh(person_ids=[person.pk])
    unlinked = Account.objects.filter(person=person).update(person=None)
    generation_bump("grants")  # an update sends no signal; a cached viewer names the person
    erasure = audit_record(
        viewer=viewer,
        via=via,
        action="erase",
        object_type="person",
        object_id=person.slug,
        at=at,
        body=person.custodian_id,
        before={field: REDACTED for field in ["name", *erased]},
        after={"name": person.name, "erased": at.isoformat(), "account_unlinked": bool(unlinked)},
    )
    # The triggers let only before/after change, and only of the entries an "erase"
    # entry follows: which is why that entry is written first. The chain holds the
    # digest of the values as written, so it stays whole (see audit_chain_verify).
    for entry in AuditEntry.objects.filter(
        object_type="person", object_id=person.slug, pk__lt=erasure.pk
    ):
        entry.before = _redact(entry.before)
        entry.after = _redact(entry.after)
        entry.save(redacting=True, update_fields=["before", "after"])
    return person


def password_changed_record(*, user: User, how: str, via: str, at: dt.datetime) -> AuditEntry:
    """Record that `user`'s password was changed (`how`: "change" or "reset"), never the value."""
    return _account_audit(
        viewer=_account_holder(user),
        via=via,
        action=f"password_{how}",
        account=user.get_username(),
        at=at,
    )

"""Comments on the news: what readers say about an article.

Signed-in members' comments go straight to moderation; a visitor's waits until
they follow the link e-mailed to them (only its digest is stored). Editors and
officers of the body that wrote the article approve or reject them. The view
counter is `counter.py`.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chapterhouse.core.cache_counters import cache_incr
from chapterhouse.core.intervals import held_on
from chapterhouse.core.mail import mail_enqueue
from chapterhouse.custody.access import (
    ANONYMOUS,
    EDITORIAL_ROLES,
    PeopleNamer,
    Viewer,
    bodies_covering,
    comments_may_moderate,
    custodian_name_expression,
    may_comment_as_member,
    may_erase_visitors_data,
    person_columns,
    person_row,
)
from chapterhouse.custody.models import Grant
from chapterhouse.custody.services import audit_record, digest
from chapterhouse.custody.throttle import (
    client_address as client_address,
)  # the engagement views use it
from chapterhouse.newsroom.cache import public_pages_changed
from chapterhouse.newsroom.engagement.counter import PREFIX, daily_salt, hashed
from chapterhouse.newsroom.models import Article, Comment
from chapterhouse.registry.models import Person

COMMENT_CONFIRM_LIFETIME = dt.timedelta(days=3)


# --- comments: writes ---------------------------------------------------------------------


def _member_name(viewer: Viewer) -> str:
    """The name the public may read for a member: their person's public name (a hidden
    person's call sign or "a member of …"), else the account's name or address's local part."""
    if viewer.person_id is not None:
        row = (
            Person.objects.filter(pk=viewer.person_id)
            .annotate(custodian_name=custodian_name_expression())
            .values(*person_columns(), "custodian_name")
            .first()
        )
        if row is not None:
            person = person_row(row)
            namer = PeopleNamer(ANONYMOUS, [person])
            if namer.sees(person):
                # Stored once, read in every language: the display name, not the variant
                # in the language the member happened to comment in.
                return ANONYMOUS.display_name(person)[:100]
            return namer.name(person)[:100]
    user = get_user_model().objects.get(pk=viewer.user_id or 0)
    return (user.get_full_name() or user.get_username().split("@")[0])[:100]


def comment_rate_exceeded(*, address: str, article: Article, at: dt.datetime) -> bool:
    """Count one comment from `address` on the article; return whether a limit is passed.

    The address counts only as a hash (with the day's salt); a flood from one
    address does not use up the article's own allowance.
    """
    now = at.timestamp()
    window = settings.COMMENTS_ADDRESS_WINDOW
    key = f"{PREFIX}comments:address:{hashed(daily_salt(at), address)}:{int(now // window)}"
    if cache_incr(key, timeout=window) > settings.COMMENTS_PER_ADDRESS:
        return True
    window = settings.COMMENTS_ARTICLE_WINDOW
    key = f"{PREFIX}comments:article:{article.pk}:{int(now // window)}"
    return cache_incr(key, timeout=window) > settings.COMMENTS_PER_ARTICLE


@transaction.atomic
def comment_create(
    *,
    viewer: Viewer,
    via: str,
    article: Article,
    lang: str,
    body: str,
    name: str = "",
    email: str = "",
    at: dt.datetime,
) -> tuple[Comment, str | None]:
    """Store a comment on the article; return it and, for a visitor, its confirmation secret.

    A member's comment (see `may_comment_as_member`) is pending moderation at once, under the
    name the public may read for them; a visitor's is unconfirmed until they follow
    the e-mailed link (only the secret's digest is kept). The text is plain text.
    """
    body = body.strip()
    if not body:
        raise ValidationError(_("Write something first: the comment is empty."))
    if len(body) > settings.COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("A comment has at most %(limit)d characters.")
            % {"limit": settings.COMMENT_MAX_LENGTH}
        )
    if may_comment_as_member(viewer):
        comment = Comment.objects.create(
            article=article,
            lang=lang,
            user_id=viewer.user_id,
            name=_member_name(viewer),
            body=body,
            status="pending",
            created_at=at,
        )
        return comment, None
    name, email = name.strip(), email.strip()
    if not name or not email:
        raise ValidationError(_("A visitor's comment needs a name and an e-mail address."))
    secret = secrets.token_urlsafe(32)
    comment = Comment.objects.create(
        article=article,
        lang=lang,
        name=name[:100],
        email=email,
        body=body,
        status="unconfirmed",
        confirm_digest=digest(secret),
        created_at=at,
    )
    return comment, secret


@transaction.atomic
def comment_confirm(*, secret: str, at: dt.datetime) -> Comment:
    """Move the visitor's comment whose link carries `secret` to moderation; return it.

    Raise Comment.DoesNotExist for an unknown secret and ValidationError (code
    ``expired``) for a link older than three days. Following the link again is
    harmless: the comment is returned as it stands.
    """
    comment = (
        Comment.objects.select_for_update()
        .select_related("article")
        .get(confirm_digest=digest(secret))
    )
    if comment.status != "unconfirmed":
        return comment
    if at - comment.created_at > COMMENT_CONFIRM_LIFETIME:
        raise ValidationError(_("This confirmation link has expired."), code="expired")
    comment.status = "pending"
    comment.confirmed_at = at
    comment.save(update_fields=["status", "confirmed_at"])
    return comment


# Moderation moves a comment between these; an unconfirmed comment is not for editors yet.
_MODERATION_FROM = {"approved": {"pending", "rejected"}, "rejected": {"pending", "approved"}}


def _comment_moderate(
    *, viewer: Viewer, via: str, comment: Comment, status: str, at: dt.datetime
) -> Comment:
    locked = Comment.objects.select_for_update().select_related("article").get(pk=comment.pk)
    if not comments_may_moderate(viewer, locked.article):
        raise PermissionDenied(
            _("Only editors of the body that wrote “%(article)s” may moderate its comments.")
            % {"article": locked.article.slug}
        )
    if locked.status not in _MODERATION_FROM[status]:
        raise ValidationError(
            _("This comment is %(status)s: it cannot be %(new)s.")
            % {"status": locked.status, "new": status}
        )
    before = locked.status
    locked.status = status
    locked.moderated_by_id = viewer.user_id
    locked.moderated_at = at
    locked.save(update_fields=["status", "moderated_by", "moderated_at"])
    audit_record(
        viewer=viewer,
        via=via,
        action="approve" if status == "approved" else "reject",
        object_type="comment",
        object_id=str(locked.pk),
        at=at,
        body=locked.article.author_body_id,
        before={"status": before},
        after={"status": status, "article": locked.article.slug},
    )
    return locked


@transaction.atomic
def comment_approve(*, viewer: Viewer, via: str, comment: Comment, at: dt.datetime) -> Comment:
    """Show the comment on its article; the viewer must moderate the article."""
    return _comment_moderate(viewer=viewer, via=via, comment=comment, status="approved", at=at)


@transaction.atomic
def comment_reject(*, viewer: Viewer, via: str, comment: Comment, at: dt.datetime) -> Comment:
    """Keep the comment off its article (or take an approved one down)."""
    return _comment_moderate(viewer=viewer, via=via, comment=comment, status="rejected", at=at)


@transaction.atomic
def comments_erase_email(*, viewer: Viewer, via: str, email: str, at: dt.datetime) -> int:
    """Blank the address and name of every comment left with `email`; return how many.

    A visitor has no person record, so this is how their erasure request is met.
    The audit entries name the comments, never the address. Administrators only.
    """
    if not may_erase_visitors_data(viewer):
        raise PermissionDenied(_("Only administrators may erase visitors' data."))
    email = email.strip()
    if not email:
        raise ValidationError(_("Name the e-mail address to erase."))
    comments = list(
        Comment.objects.select_for_update()
        .filter(email__iexact=email)
        .select_related("article")
        .order_by("pk")
    )
    for comment in comments:
        audit_record(
            viewer=viewer,
            via=via,
            action="erase",
            object_type="comment",
            object_id=str(comment.pk),
            at=at,
            body=comment.article.author_body_id,
            after={"email": "", "name": ""},
        )
    Comment.objects.filter(pk__in=[comment.pk for comment in comments]).update(email="", name="")
    if comments:
        public_pages_changed()  # .update() sends no post_save
    return len(comments)


# --- comments: mail -------------------------------------------------------------------------


def comment_mail_confirmation(*, comment: Comment, link: str, title: str) -> None:
    """Queue the confirmation link to the visitor (sent by the worker after commit)."""
    mail_enqueue(
        to=[comment.email],
        subject=_("Confirm your comment on “%(title)s”") % {"title": title},
        body=_(
            "Hello %(name)s,\n\nyou (or someone using your address) left a comment on "
            "“%(title)s”. To send it to the editors, follow this link within three days:\n\n"
            "%(link)s\n\nIf it was not you, ignore this message: the comment will not appear."
        )
        % {"name": comment.name, "title": title, "link": link},
    )


def moderator_addresses(*, article: Article, on: dt.date) -> list[str]:
    """Return the e-mail addresses of the article's moderators on `on`: editors and officers
    holding a grant on its body or a body above; administrators when there are none."""
    addresses: list[str] = []
    if article.author_body_id is not None:
        chain = bodies_covering(article.author_body_id)
        addresses = list(
            Grant.objects.filter(held_on(on), role__in=EDITORIAL_ROLES, body_id__in=chain)
            .filter(user__is_active=True)
            .values_list("user__email", flat=True)
        )
    if not addresses:
        addresses = list(
            get_user_model()
            .objects.filter(is_superuser=True, is_active=True)
            .values_list("email", flat=True)
        )
    return sorted({address for address in addresses if address})


def comment_mail_moderators(*, comment: Comment, link: str, title: str, on: dt.date) -> None:
    """Queue a note to the article's moderators that a comment awaits them."""
    mail_enqueue(
        to=moderator_addresses(article=comment.article, on=on),
        subject=_("A comment awaits moderation: “%(title)s”") % {"title": title},
        body=_("%(name)s commented on “%(title)s”:\n\n%(body)s\n\nApprove or reject it: %(link)s")
        % {"name": comment.name, "title": title, "body": comment.body, "link": link},
    )

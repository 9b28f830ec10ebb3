"""Readers and the news: how many read each article, and what they say about it.

Views. Anonymous readers get the article page from a cache, so the page's
script posts a beacon (`views.js`) and the beacon counts. A reader is counted
once per article per day by remembering, in the cache only, a SHA-256 of the
day's salt, their address, their user agent and the article. The salt is made
for each day and lives only in the cache until the day ends, so nothing links a
reader across days, and no address is ever stored. New readers add to a pending
count per (article, day) in the cache; `views_flush` (a background task queued
at most once a minute) moves the pending counts into `ArticleViewDay` with one
upsert per (article, day). The beacon itself never touches the database.

Comments. Signed-in members' comments go straight to moderation; a visitor's
waits until they follow the link e-mailed to them (only its digest is stored).
Editors and officers of the body that wrote the article approve or reject them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from chapterhouse.core.intervals import held_on
from chapterhouse.core.mail import mail_enqueue
from chapterhouse.custody.access import (
    ANONYMOUS,
    PeopleNamer,
    Viewer,
    custodian_name_expression,
    person_columns,
    person_row,
)
from chapterhouse.custody.models import Grant
from chapterhouse.custody.services import audit_record, digest
from chapterhouse.custody.throttle import (
    client_address as client_address,
)  # engagement_views use it
from chapterhouse.newsroom.cache import public_generation, public_pages_changed
from chapterhouse.newsroom.models import Article, ArticleTranslation, ArticleViewDay, Comment
from chapterhouse.newsroom.public import articles_published, articles_scheduled
from chapterhouse.registry.models import Body, Person

PREFIX = "engagement:"
MODERATOR_ROLES = ("editor", "officer")
COMMENT_CONFIRM_LIFETIME = dt.timedelta(days=3)

# Clients that are not a person reading: crawlers, link previews, scripts, headless browsers.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|preview|headless|curl|wget|python-requests"
    r"|python-urllib|httpx|aiohttp|go-http-client|java/|okhttp|libwww|scrapy|lighthouse"
    r"|pingdom|uptime|feedfetcher|ia_archiver|mediapartners|phantomjs|selenium|puppeteer"
    r"|playwright",
    re.IGNORECASE,
)


# --- who is asking ------------------------------------------------------------------------


def is_automated(request: HttpRequest) -> bool:
    """Whether the request comes from a bot, a script or a prefetch rather than a reader."""
    agent = request.META.get("HTTP_USER_AGENT", "").strip()
    if not agent or BOT_USER_AGENT.search(agent):
        return True
    purpose = " ".join(
        request.headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Moz")
    ).lower()
    return "prefetch" in purpose or "prerender" in purpose


def _day(at: dt.datetime) -> dt.date:
    return at.astimezone(dt.UTC).date()


def _seconds_left_today(at: dt.datetime) -> int:
    """Seconds from `at` to the end of its UTC day (at least one)."""
    end = dt.datetime.combine(_day(at) + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    return max(1, math.ceil((end - at).total_seconds()))


def _daily_salt(at: dt.datetime) -> str:
    """Return the salt of `at`'s day, made by whichever process asks first.

    It lives in the cache only and expires when the day ends: yesterday's hashes
    cannot be recomputed, so nothing links a reader from one day to the next.
    """
    key = f"{PREFIX}salt:{_day(at).isoformat()}"
    salt = cache.get(key)
    if salt is None:
        cache.add(key, secrets.token_hex(32), timeout=_seconds_left_today(at))
        # Re-read: if another process added first, everyone hashes with its salt.
        salt = cache.get(key) or secrets.token_hex(32)
    return str(salt)


def _hashed(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


def _incr(key: str, *, timeout: int | None) -> int:
    """Add one to the counter at `key` (created at 0 with `timeout`); return the new value."""
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=timeout)
        return 1


# --- views: the beacon --------------------------------------------------------------------

_PENDING_TIMEOUT = 3 * 24 * 3600
_SEQUENCE = f"{PREFIX}views:sequence"
_FLUSH_STATE = f"{PREFIX}views:flush-state"
_FLUSH_LOCK = f"{PREFIX}views:flush-lock"
FLUSH_SCHEDULED = f"{PREFIX}views:flush-scheduled"
# A slot announced in the sequence but not yet readable is retried this many flushes.
_SLOT_RETRIES = 5


def _pending_key(article_id: int, day: dt.date) -> str:
    return f"{PREFIX}views:pending:{article_id}:{day.isoformat()}"


def _slot_key(number: int) -> str:
    return f"{PREFIX}views:slot:{number}"


def published_article_id(*, slug: str, at: dt.datetime) -> int | None:
    """Return the id of the published article `slug` on `at`, else None.

    A found article is kept in the cache under the public pages' generation, so
    any change to an article or its translations is seen at once; a scheduled
    article's publication time is kept with it and compared to `at` on every call.
    An unknown id is not kept: random ids must not crowd the counts out of the cache.
    """
    key = f"{PREFIX}article:{public_generation()}:{_hashed(slug)[:40]}"
    found = cache.get(key)
    if found is None:
        row = articles_scheduled().filter(slug=slug).values_list("pk", "publish_at").first()
        if row is None or row[1] is None:
            return None
        found = (row[0], row[1].timestamp())
        cache.set(key, found, timeout=300)
    article_id, publish_at = found
    return int(article_id) if publish_at <= at.timestamp() else None


def view_record(*, article_id: int, address: str, user_agent: str, at: dt.datetime) -> bool:
    """Count a reader of the article on `at`'s day unless already counted; return whether new.

    Only the cache is read and written: a hash marks the reader as seen until the
    day ends, and the (article, day) pending count goes up by one. A pending
    count created here is announced in a sequence so `views_flush` finds it.
    """
    day = _day(at)
    seen = f"{PREFIX}views:seen:{_hashed(_daily_salt(at), address, user_agent, article_id)}"
    if not cache.add(seen, 1, timeout=_seconds_left_today(at)):
        return False
    pending = _pending_key(article_id, day)
    if not cache.add(pending, 1, timeout=_PENDING_TIMEOUT):
        try:
            cache.incr(pending)
            return True  # already announced
        except ValueError:  # expired in between: start it again, announced anew below
            if not cache.add(pending, 1, timeout=_PENDING_TIMEOUT):
                cache.incr(pending)
                return True
    number = _incr(_SEQUENCE, timeout=None)
    cache.set(_slot_key(number), f"{article_id}:{day.isoformat()}", timeout=_PENDING_TIMEOUT)
    return True


def _flush_in_process() -> bool:
    """Whether the counts must be flushed by this process: a worker cannot see them."""
    configured = settings.VIEWS_FLUSH_IN_PROCESS
    if configured is not None:
        return bool(configured)
    return isinstance(caches["default"], LocMemCache)


def views_flush_schedule() -> bool:
    """Queue `views_flush` unless one was queued in the last ``VIEWS_FLUSH_SECONDS``.

    Return whether it was queued. With a cache in this process's memory (no
    Redis) the worker would see none of the counts, so the flush runs here
    instead, still at most once a window.
    """
    if not cache.add(FLUSH_SCHEDULED, 1, timeout=settings.VIEWS_FLUSH_SECONDS):
        return False
    if _flush_in_process():
        views_flush.call()
    else:
        transaction.on_commit(lambda: views_flush.enqueue())
    return True


# --- views: the flush ---------------------------------------------------------------------


def views_pending_move(*, at: dt.datetime) -> int:
    """Move the pending view counts from the cache into ArticleViewDay; return how many.

    One flush runs at a time (a lock in the cache). Each count is taken with an
    atomic decrement, so views counted meanwhile stay pending for the next flush.
    (article, day) pairs are watched until the day after theirs, when no view can
    be added to them any more.
    """
    if not cache.add(_FLUSH_LOCK, 1, timeout=300):
        return 0
    try:
        state = cache.get(_FLUSH_STATE) or {"sequence": 0, "retry": {}, "watched": []}
        current = int(cache.get(_SEQUENCE) or 0)
        if current < state["sequence"]:  # the cache was emptied: start over
            state = {"sequence": 0, "retry": {}, "watched": []}
        wanted = [*state["retry"], *range(state["sequence"] + 1, current + 1)]
        slots = cache.get_many([_slot_key(number) for number in wanted])
        watched = set(state["watched"])
        retry: dict[int, int] = {}
        for number in wanted:
            pair = slots.get(_slot_key(number))
            if pair is not None:
                watched.add(pair)
            elif state["retry"].get(number, 0) + 1 < _SLOT_RETRIES:
                # Announced but not written yet (a beacon between its two steps).
                retry[number] = state["retry"].get(number, 0) + 1
        pairs = {}
        for pair in watched:
            article_id, day = pair.split(":")
            pairs[_pending_key(int(article_id), dt.date.fromisoformat(day))] = pair
        moved: dict[str, int] = {}
        for key, count in cache.get_many(list(pairs)).items():
            if count and int(count) > 0:
                try:
                    cache.decr(key, int(count))
                except ValueError:  # expired meanwhile: nothing left to take
                    continue
                moved[pairs[key]] = int(count)
        try:
            _view_days_add(moved)
        except Exception:
            for pair, count in moved.items():  # give the counts back for the next flush
                article_id, day = pair.split(":")
                key = _pending_key(int(article_id), dt.date.fromisoformat(day))
                cache.add(key, 0, timeout=_PENDING_TIMEOUT)
                cache.incr(key, count)
            raise
        oldest = (_day(at) - dt.timedelta(days=1)).isoformat()
        state = {
            "sequence": current,
            "retry": retry,
            "watched": sorted(pair for pair in watched if pair.split(":")[1] >= oldest),
        }
        cache.set(_FLUSH_STATE, state, timeout=None)
        return sum(moved.values())
    finally:
        cache.delete(_FLUSH_LOCK)


def _view_days_add(moved: dict[str, int]) -> None:
    """Add the counts to ArticleViewDay: one INSERT … ON CONFLICT DO UPDATE per batch of
    (article, day) rows (SQLite and PostgreSQL both have it; Django's bulk_create can only
    overwrite a count, not add to it)."""
    rows = []
    for pair, moved_count in moved.items():
        article_id, day_text = pair.split(":")
        rows.append((int(article_id), day_text, moved_count))
    if not rows:
        return
    # An article deleted since its views were counted takes its counts with it.
    existing = set(
        Article.objects.filter(pk__in={row[0] for row in rows}).values_list("pk", flat=True)
    )
    rows = [row for row in rows if row[0] in existing]
    quote = connection.ops.quote_name
    table = quote(ArticleViewDay._meta.db_table)
    article, day, count = quote("article_id"), quote("day"), quote("count")  # column names
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), 300):
            batch = rows[start : start + 300]
            cursor.execute(
                f"INSERT INTO {table} ({article}, {day}, {count}) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(batch))
                + f" ON CONFLICT ({article}, {day}) DO UPDATE"
                f" SET {count} = {table}.{count} + EXCLUDED.{count}",
                [value for row in batch for value in row],
            )


# --- views: what they add up to -------------------------------------------------------------


def views_total(article: Article | int) -> int:
    """Return how many readers the article has had, all days together (flushed counts only)."""
    article_id = article.pk if isinstance(article, Article) else article
    total = ArticleViewDay.objects.filter(article_id=article_id).aggregate(total=Sum("count"))
    return int(total["total"] or 0)


@dataclass(frozen=True)
class ViewsBar:
    """One day's bar in the readers chart (SVG user units)."""

    day: dt.date
    count: int
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class ViewsChart:
    """Readers per day over a period, laid out for an SVG bar chart."""

    bars: list[ViewsBar]
    total: int
    peak: int
    width: int
    height: int
    bar_width: float


def views_by_day(*, article_id: int, until: dt.date, days: int = 30) -> ViewsChart:
    """Return the readers of each of the `days` days up to `until` (flushed counts), drawn.

    One query. Days without readers are bars of height zero, so the gaps show.
    """
    start = until - dt.timedelta(days=days - 1)
    counts = dict(
        ArticleViewDay.objects.filter(
            article_id=article_id, day__gte=start, day__lte=until
        ).values_list("day", "count")
    )
    width, height, gap = 600, 120, 2.0
    bar_width = width / days - gap
    peak = max(counts.values(), default=0)
    bars = []
    for index in range(days):
        day = start + dt.timedelta(days=index)
        count = counts.get(day, 0)
        bar_height = (height - 4) * count / peak if peak else 0.0
        bars.append(
            ViewsBar(
                day=day,
                count=count,
                x=round(index * (bar_width + gap), 2),
                y=round(height - bar_height, 2),
                height=round(bar_height, 2),
            )
        )
    return ViewsChart(
        bars=bars,
        total=sum(counts.values()),
        peak=peak,
        width=width,
        height=height,
        bar_width=round(bar_width, 2),
    )


# --- comments: reads ----------------------------------------------------------------------


def article_published(*, slug: str, at: dt.datetime) -> Article | None:
    """Return the article `slug` if the public may read it on `at`, else None (the public
    site's own rule: `public.articles_published`)."""
    return articles_published(now=at).filter(slug=slug).first()


def may_moderate(viewer: Viewer, article: Article) -> bool:
    """Whether the viewer moderates the article's comments: an editor or officer of the body
    that wrote it (a person's article: administrators only)."""
    return any(viewer.covers(role, article.author_body_id) for role in MODERATOR_ROLES)


def moderated_bodies(viewer: Viewer) -> frozenset[int] | None:
    """Return the bodies whose articles the viewer moderates; None means all (administrators)."""
    if viewer.is_admin:
        return None
    return frozenset().union(*(viewer.scopes.get(role, frozenset()) for role in MODERATOR_ROLES))


def _moderated(viewer: Viewer, prefix: str = "") -> Q:
    """A filter on Article (or `prefix` + Article) keeping those the viewer moderates."""
    bodies = moderated_bodies(viewer)
    return Q() if bodies is None else Q(**{f"{prefix}author_body_id__in": bodies})


def _titles(article_ids: Iterable[int], lang: str) -> dict[int, str]:
    """Return each article's title in `lang`, else in its source language, else any (one query)."""
    rows = ArticleTranslation.objects.filter(article_id__in=set(article_ids)).values_list(
        "article_id", "lang", "title", "article__source_language"
    )
    titles: dict[int, tuple[int, str]] = {}
    for article_id, row_lang, title, source in rows:
        rank = 0 if row_lang == lang else 1 if row_lang == source else 2
        if article_id not in titles or rank < titles[article_id][0]:
            titles[article_id] = (rank, title)
    return {article_id: title for article_id, (_rank, title) in titles.items()}


def moderation_queue(*, viewer: Viewer, lang: str) -> list[dict[str, Any]]:
    """Return the pending comments the viewer moderates (the oldest 200), with article titles.

    Two queries whatever the number of comments.
    """
    comments = list(
        Comment.objects.filter(status="pending")
        .filter(_moderated(viewer, "article__"))
        .select_related("article")
        .order_by("created_at", "pk")[:200]
    )
    titles = _titles((comment.article_id for comment in comments), lang)
    return [
        {"comment": comment, "article": comment.article, "title": titles.get(comment.article_id)}
        for comment in comments
    ]


def moderation_overview(*, viewer: Viewer, lang: str, limit: int = 50) -> list[dict[str, Any]]:
    """Return the latest articles the viewer moderates, with their readers and pending comments.

    Two queries whatever the number of articles: the counts are subqueries run
    only for the rows shown.
    """
    pending = (
        Comment.objects.filter(article_id=OuterRef("pk"), status="pending")
        .values("article_id")
        .annotate(total=Count("pk"))
        .values("total")[:1]
    )
    readers = (
        ArticleViewDay.objects.filter(article_id=OuterRef("pk"))
        .values("article_id")
        .annotate(total=Sum("count"))
        .values("total")[:1]
    )
    articles = list(
        Article.objects.filter(_moderated(viewer))
        .annotate(
            pending=Subquery(pending, output_field=IntegerField()),
            readers=Subquery(readers, output_field=IntegerField()),
        )
        .order_by(F("publish_at").desc(nulls_last=True), "-pk")
        .values("pk", "slug", "publish_at", "pending", "readers")[:limit]
    )
    titles = _titles((row["pk"] for row in articles), lang)
    return [
        {
            **row,
            "title": titles.get(row["pk"]) or row["slug"],
            "pending": row["pending"] or 0,
            "readers": row["readers"] or 0,
        }
        for row in articles
    ]


# --- comments: writes ---------------------------------------------------------------------


def is_member(viewer: Viewer) -> bool:
    """Whether the viewer comments as a member (signed in, with any grant, or an admin)."""
    return viewer.user_id is not None and (viewer.is_admin or bool(viewer.member_bodies))


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
    key = f"{PREFIX}comments:address:{_hashed(_daily_salt(at), address)}:{int(now // window)}"
    if _incr(key, timeout=window) > settings.COMMENTS_PER_ADDRESS:
        return True
    window = settings.COMMENTS_ARTICLE_WINDOW
    key = f"{PREFIX}comments:article:{article.pk}:{int(now // window)}"
    return _incr(key, timeout=window) > settings.COMMENTS_PER_ARTICLE


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

    A member's comment (see `is_member`) is pending moderation at once, under the
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
    if is_member(viewer):
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
    if not may_moderate(viewer, locked.article):
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
    if not viewer.is_admin:
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
        parents = dict(Body.objects.values_list("pk", "parent_id"))
        chain: list[int] = []
        body_id: int | None = article.author_body_id
        while body_id is not None and body_id not in chain:
            chain.append(body_id)
            body_id = parents.get(body_id)
        addresses = list(
            Grant.objects.filter(held_on(on), role__in=MODERATOR_ROLES, body_id__in=chain)
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


def article_title(article: Article, lang: str) -> str:
    """Return the article's title in `lang`, else its source language (its id if none)."""
    return _titles([article.pk], lang).get(article.pk) or article.slug


@task()
def views_flush() -> int:
    """Move the view counts pending in the cache into the database; return how many moved.

    Run by the task worker (never inside a request), queued by `views_flush_schedule`.
    """
    return views_pending_move(at=timezone.now())

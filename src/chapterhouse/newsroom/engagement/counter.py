"""The view counter: how many read each article.

Anonymous readers get the article page from a cache, so the page's script posts
a beacon (`views.js`) and the beacon counts. A reader is counted once per
article per day by remembering, in the cache only, a SHA-256 of the day's salt,
their address, their user agent and the article. The salt is made for each day
and lives only in the cache until the day ends, so nothing links a reader across
days, and no address is ever stored. New readers add to a pending count per
(article, day) in the cache; `views_flush` (a background task queued at most
once a minute) moves the pending counts into `ArticleViewDay` with one upsert per
(article, day). The beacon itself never touches the database.

Who is asking (bots, the day's salt, cache counters) is answered here too; the
comments' rate limit (`services.py`) uses the same salt and counters.

The task lives here, beside the counts it moves: the worker imports it by this
module's path (`chapterhouse.newsroom.engagement.counter.views_flush`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django_tasks import task

from chapterhouse.core.cache_counters import cache_incr
from chapterhouse.newsroom.cache import public_generation
from chapterhouse.newsroom.models import Article, ArticleViewDay
from chapterhouse.newsroom.public.selectors import articles_scheduled

PREFIX = "engagement:"

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


def daily_salt(at: dt.datetime) -> str:
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


def hashed(*parts: object) -> str:
    """Return the SHA-256 (hex) of `parts`; led by `daily_salt`, it names a reader for a day."""
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()


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
    key = f"{PREFIX}article:{public_generation()}:{hashed(slug)[:40]}"
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
    seen = f"{PREFIX}views:seen:{hashed(daily_salt(at), address, user_agent, article_id)}"
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
    number = cache_incr(_SEQUENCE, timeout=None)
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


@task()
def views_flush() -> int:
    """Move the view counts pending in the cache into the database; return how many moved.

    Run by the task worker (never inside a request), queued by `views_flush_schedule`.
    """
    return views_pending_move(at=timezone.now())

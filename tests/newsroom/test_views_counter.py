"""The view counter: once per reader per article per day, no bots, no address kept, no
database work on the beacon, counts moved into the database in batches by the worker."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from chapterhouse.newsroom.engagement import counter
from chapterhouse.newsroom.models import Article, ArticleViewDay

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
READER = "203.0.113.7"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with no reader seen and nothing pending (the memory cache outlives
    a test's database)."""
    cache.clear()
    yield
    cache.clear()


def beacon(client, slug="gc5-opens", *, address=READER, agent=BROWSER, lang="en", **headers):
    return client.post(
        f"/{lang}/news/{slug}/view", REMOTE_ADDR=address, HTTP_USER_AGENT=agent, **headers
    )


def flush() -> int:
    return counter.views_pending_move(at=dt.datetime.now(dt.UTC))


def counted(slug="gc5-opens") -> int:
    return counter.views_total(Article.objects.get(slug=slug))


# On PostgreSQL the worker drops a connection it finds inside a transaction (its
# close_old_connections at start), so the tests that run it there commit for real.
WORKER_DB = pytest.mark.django_db(transaction=connection.vendor == "postgresql")


@pytest.fixture
def worker_flushes(settings):
    """Counts wait in the cache for the worker (as with Redis), not flushed by the beacon."""
    settings.VIEWS_FLUSH_IN_PROCESS = False


def test_a_reader_is_counted_once_per_article_per_day(client, demo, worker_flushes):
    for _ in range(3):
        assert beacon(client).status_code == 204
    beacon(client, lang="ru")  # the same article in another language is the same article
    flush()
    assert counted() == 1


def test_two_readers_count_two_and_other_articles_count_apart(client, demo, worker_flushes):
    beacon(client)
    beacon(client, address="198.51.100.20")
    beacon(client, agent=BROWSER + " (another browser)")
    beacon(client, "gc5-steppe-day")
    flush()
    assert counted() == 3
    assert counted("gc5-steppe-day") == 1


def test_the_same_reader_counts_again_the_next_day(demo):
    article = Article.objects.get(slug="gc5-opens")
    monday = dt.datetime(2025, 5, 19, 23, 59, tzinfo=dt.UTC)
    tuesday = monday + dt.timedelta(minutes=2)
    for at in (monday, monday, tuesday, tuesday):
        counter.view_record(article_id=article.pk, address=READER, user_agent=BROWSER, at=at)
    counter.views_pending_move(at=tuesday)
    days = dict(ArticleViewDay.objects.filter(article=article).values_list("day", "count"))
    assert days == {monday.date(): 1, tuesday.date(): 1}


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 (compatible; Yahoo! Slurp)",
        "curl/8.5.0",
        "Wget/1.21",
        "python-requests/2.32",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/130.0 Safari/537.36",
        "",
    ],
)
def test_bots_scripts_and_clients_without_a_user_agent_are_not_counted(
    client, demo, worker_flushes, agent
):
    assert beacon(client, agent=agent).status_code == 204
    flush()
    assert counted() == 0


def test_a_prefetch_is_not_a_reading(client, demo, worker_flushes):
    assert beacon(client, HTTP_SEC_PURPOSE="prefetch").status_code == 204
    flush()
    assert counted() == 0
    beacon(client)
    flush()
    assert counted() == 1


def test_the_beacon_is_post_only_and_knows_only_published_articles(client, demo):
    assert client.get("/en/news/gc5-opens/view").status_code == 405
    assert beacon(client, "no-such-article").status_code == 404
    assert beacon(client, "gc5-closing-statement").status_code == 404  # scheduled for 2030
    assert beacon(client, lang="xx").status_code == 404
    assert ArticleViewDay.objects.count() == 0


def test_no_address_is_stored_anywhere_in_the_database(client, demo, worker_flushes):
    address = "192.0.2.199"
    beacon(client, address=address)
    flush()
    assert counted() == 1
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            found += [table for row in cursor.fetchall() if address in repr(row)]
    assert found == []


def test_the_beacon_reads_and_writes_no_newsroom_table_when_a_flush_is_already_scheduled(
    client, demo
):
    beacon(client)  # a first reader: the article's id is now in the cache
    cache.set(counter.FLUSH_SCHEDULED, 1, timeout=60)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get("/en/news/gc5-opens/view").status_code == 405
    with CaptureQueriesContext(connection) as queries:
        assert beacon(client, address="198.51.100.30").status_code == 204
    # What remains is what every request costs (the language middleware reads the
    # organization row); the beacon itself adds nothing, and writes nothing.
    assert len(queries) == len(baseline)
    assert all(
        query["sql"].lstrip().upper().startswith("SELECT") and "newsroom" not in query["sql"]
        for query in queries.captured_queries
    ), queries.captured_queries
    flush()
    assert counted() == 2


@WORKER_DB
def test_the_worker_moves_the_counts_with_one_task_a_minute(
    client, demo, worker_flushes, run_tasks, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        beacon(client)
        beacon(client, address="198.51.100.21")
        beacon(client, address="198.51.100.22")
    assert counted() == 0  # nothing in the database until the worker runs
    assert DBTaskResult.objects.filter(task_path__endswith="views_flush").count() == 1
    run_tasks()
    assert counted() == 3


def test_a_flush_adds_to_the_days_counts_with_one_insert(demo):
    opens, steppe = Article.objects.filter(slug__in=["gc5-opens", "gc5-steppe-day"]).order_by(
        "slug"
    )
    at = dt.datetime(2025, 5, 20, 12, tzinfo=dt.UTC)
    for reader in range(3):
        counter.view_record(article_id=opens.pk, address=f"r{reader}", user_agent="x", at=at)
    counter.view_record(article_id=steppe.pk, address="r0", user_agent="x", at=at)
    with CaptureQueriesContext(connection) as queries:
        assert counter.views_pending_move(at=at) == 4
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(writes) == 1
    for reader in range(3, 5):
        counter.view_record(article_id=opens.pk, address=f"r{reader}", user_agent="x", at=at)
    assert counter.views_pending_move(at=at) == 2
    assert counter.views_pending_move(at=at) == 0  # nothing counted twice
    assert counter.views_total(opens) == 5
    assert counter.views_total(steppe.pk) == 1


def test_without_a_shared_cache_the_beacon_flushes_its_own_counts_once_a_minute(client, demo):
    # The memory cache is this process's own: a worker could not see the counts.
    beacon(client)
    assert counted() == 1  # flushed at once: no flush had run this minute
    beacon(client, address="198.51.100.23")
    assert counted() == 1  # waits for the next minute (or the next flush)
    flush()
    assert counted() == 2


def test_the_views_flush_command_moves_the_counts(client, demo, worker_flushes, capsys):
    beacon(client)
    call_command("views", "flush")
    assert "1" in capsys.readouterr().out
    assert counted() == 1


def test_the_article_page_carries_the_beacon_and_loads_the_counter_script(client, demo):
    page = client.get("/en/news/gc5-opens/").content.decode()
    assert 'data-view-beacon="/en/news/gc5-opens/view"' in page
    assert "newsroom/views.js" in page
    assert "<script>" not in page  # only scripts from files: the CSP allows no inline code


REDIS_PREFIX = f"test-views-{uuid.uuid4().hex[:8]}"
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/13",
        "KEY_PREFIX": REDIS_PREFIX,
    }
}


@WORKER_DB
def test_with_redis_readers_are_counted_across_processes_and_flushed_by_the_worker(
    client, demo, run_tasks, django_capture_on_commit_callbacks
):
    with override_settings(CACHES=REDIS):
        try:
            with django_capture_on_commit_callbacks(execute=True):
                beacon(client)
                beacon(client)
                beacon(client, address="198.51.100.24")
            assert counted() == 0
            run_tasks()
            assert counted() == 2
            beacon(client)  # still the same day: not again
            flush()
            assert counted() == 2
        finally:
            redis = cache._cache.get_client()  # type: ignore[attr-defined]
            keys = list(redis.scan_iter(f"{REDIS_PREFIX}:*"))
            if keys:
                redis.delete(*keys)


def test_an_article_whose_texts_are_all_outdated_is_read_and_counted_like_any_other(
    client, demo, worker_flushes
):
    # The public site shows outdated texts (with a notice); the counter follows the same rule.
    article = Article.objects.get(slug="gc5-steppe-day")
    article.translations.update(status="outdated")
    assert client.get("/en/news/gc5-steppe-day/").status_code == 200
    assert beacon(client, "gc5-steppe-day").status_code == 204
    flush()
    assert counted("gc5-steppe-day") == 1

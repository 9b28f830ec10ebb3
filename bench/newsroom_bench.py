"""Load-test the public news site: 100,000 articles in 5 languages, cached pages vs bare Django.

    createdb -h 127.0.0.1 -U postgres chapterhouse_news_bench
    .venv/bin/python bench/newsroom_bench.py \
        --database-url postgresql://postgres@127.0.0.1:5432/chapterhouse_news_bench \
        --redis-url redis://127.0.0.1:6379/3

It fills the database with the demo organization plus ``--articles`` invented
articles (default 100,000), each with a text in all five working languages
(500,000 translations, written with bulk inserts, then indexed for search with
the real ``search_index`` command), starts ``chapterhouse serve`` (gunicorn,
production settings, ``--workers`` processes) with one extra URL, ``/bench/bare/``,
a view that returns a fixed response through the same middleware, and runs wrk
(Debian's ``wrk``) against:

* ``/bench/bare/``: the bare Django view, the yardstick;
* ``/en/`` and ``/ru/``: the home page (latest news), served from the page cache;
* one article page in two languages, served from the page cache;
* the same article page uncached (a signed-in reader's path: the cache is
  skipped when a session cookie is present).

All runs go through the one server in one run, so the figures compare. The
issue's target is cached pages >= half the bare view's requests per second.
It also prints the number of SQL queries the uncached home and article pages
run with 100 and with 100,000 articles (they must not grow).

``--keep-data`` skips the fill when the database already holds the articles.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH_DIR))

LANGUAGES = ["ko", "en", "ru", "zh", "de"]
WORDS = {
    "en": [
        "solidarity",
        "friendship",
        "conference",
        "committee",
        "delegation",
        "cooperation",
        "culture",
        "youth",
    ],
    "ru": [
        "солидарность",
        "дружба",
        "конференция",
        "комитет",
        "делегация",
        "сотрудничество",
        "культура",
    ],
    "de": [
        "Solidarität",
        "Freundschaft",
        "Konferenz",
        "Komitee",
        "Delegation",
        "Zusammenarbeit",
        "Kultur",
    ],
    "ko": ["연대", "친선", "대회", "위원회", "대표단", "협력", "문화", "청년"],
    "zh": ["团结", "友谊", "代表大会", "委员会", "代表团", "合作", "文化", "青年"],
}


def sentence(rng: random.Random, lang: str, words: int) -> str:
    picked = [rng.choice(WORDS[lang]) for _ in range(words)]
    joiner = "" if lang == "zh" else " "
    return joiner.join(picked)


def fill(articles: int, seed: int) -> None:
    """Write the demo, then `articles` articles with five translations each."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from chapterhouse.newsroom.models import Article, ArticleTranslation, Category
    from chapterhouse.registry.models import Body

    call_command("migrate", verbosity=0)
    call_command("demo", verbosity=0)
    rng = random.Random(seed)
    categories = list(Category.objects.values_list("pk", flat=True))
    bodies = list(Body.objects.values_list("pk", flat=True))
    start = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    chunk = 5000
    began = time.perf_counter()
    for first in range(0, articles, chunk):
        with transaction.atomic():
            batch = [
                Article(
                    slug=f"bench-{n:06d}",
                    category_id=rng.choice(categories) if categories else None,
                    source_language=rng.choice(LANGUAGES),
                    publish_at=start + dt.timedelta(minutes=25 * n),
                    author_body_id=rng.choice(bodies),
                )
                for n in range(first, min(first + chunk, articles))
            ]
            Article.objects.bulk_create(batch, batch_size=chunk)
            made = Article.objects.filter(slug__in=[a.slug for a in batch]).values_list(
                "pk", flat=True
            )
            ArticleTranslation.objects.bulk_create(
                [
                    ArticleTranslation(
                        article_id=pk,
                        lang=lang,
                        title=sentence(rng, lang, 6),
                        lead=sentence(rng, lang, 20),
                        body="\n\n".join(sentence(rng, lang, 60) for _ in range(5)),
                        status="published",
                    )
                    for pk in made
                    for lang in LANGUAGES
                ],
                batch_size=chunk,
            )
        done = min(first + chunk, articles)
        print(f"\r  articles written: {done:,}/{articles:,}", end="", flush=True)
    print(f"\n  fill: {time.perf_counter() - began:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    began = time.perf_counter()
    call_command("search_index", verbosity=0)
    print(
        f"  search index of {articles * len(LANGUAGES):,} translations: "
        f"{time.perf_counter() - began:.0f} s"
    )


def query_counts(label: str) -> None:
    """Print how many queries the uncached home and article pages run."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from chapterhouse.newsroom.models import Article

    slug = (
        Article.objects.filter(slug__startswith="bench-")
        .order_by("-slug")
        .values_list("slug", flat=True)
        .first()
        or "gc5-opens"
    )
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy, ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False):
        client = Client()
        for path in ("/en/", f"/en/news/{slug}/", f"/de/news/{slug}/"):
            with CaptureQueriesContext(connection) as queries:
                status = client.get(path).status_code
            print(f"  {label}: {path} → {status}, {len(queries)} queries uncached")


def wrk(url: str, seconds: int, connections: int, headers: list[str]) -> float:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+(\S+)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    print(
        f"  {url:<55} {rps:>9,.0f} req/s   p99 {p99.group(1) if p99 else '?':>8}"
        + (f"   NON-2xx: {non2xx.group(1)}" if non2xx else "")
    )
    return rps


def production_env(*, database_url: str, redis_url: str | None, var: Path) -> dict[str, str]:
    """Return the environment of a production-like ``chapterhouse serve`` (DEBUG off, a fresh
    secret, no TLS redirect) on ``database_url``, with the bench's URLs (``/bench/bare/``)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": f"{BENCH_DIR}:{ROOT / 'src'}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "CHAPTERHOUSE_VAR": str(var),
        "DEBUG": "0",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


@contextlib.contextmanager
def serving(env: dict[str, str], *, port: int, workers: int) -> Iterator[str]:
    """Run ``chapterhouse serve`` (gunicorn, ``workers`` processes) with ``env`` on ``port``
    until the block ends; yield its base URL once ``/bench/bare/`` answers."""
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            # the venv's command beside the running Python (the project's .venv, or another)
            str(Path(sys.executable).parent / "chapterhouse"),
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/bench/bare/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep-data", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")

    var = Path(tempfile.mkdtemp(prefix="news-bench-"))
    env = production_env(database_url=args.database_url, redis_url=args.redis_url, var=var)
    os.environ.update(env)
    import django

    django.setup()
    from chapterhouse.newsroom.models import Article

    if not (args.keep_data and Article.objects.filter(slug__startswith="bench-").exists()):
        fill(min(100, args.articles), args.seed)
        query_counts("100 articles")
        from django.core.management import call_command

        Article.objects.filter(slug__startswith="bench-").delete()
        call_command("search_index", verbosity=0)
        fill(args.articles, args.seed)
    query_counts(f"{Article.objects.count():,} articles")
    slug = (
        Article.objects.filter(slug__startswith="bench-")
        .order_by("-publish_at")
        .values_list("slug", flat=True)[10]
    )

    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    base = f"http://127.0.0.1:{args.port}"
    with serving(env, port=args.port, workers=args.workers):
        paths = ["/bench/bare/", "/en/", "/ru/", f"/en/news/{slug}/", f"/zh/news/{slug}/"]
        for path in paths:  # warm every worker's cache entry and connections
            for _ in range(args.workers * 3):
                urllib.request.urlopen(base + path, timeout=10).read()
        print(
            f"\nwrk: {args.seconds} s each, {args.connections} connections, "
            f"{args.workers} gunicorn workers, {os.cpu_count()} cores"
        )
        bare = wrk(base + "/bench/bare/", args.seconds, args.connections, [])
        results = {path: wrk(base + path, args.seconds, args.connections, []) for path in paths[1:]}
        uncached = wrk(
            f"{base}/en/news/{slug}/",
            args.seconds,
            args.connections,
            ["Cookie: sessionid=bench-not-a-session"],
        )
        print("\ncached / bare:")
        for path, rps in results.items():
            verdict = "ok" if rps >= bare / 2 else "BELOW HALF"
            print(f"  {path:<40} {rps / bare:5.2f}  {verdict}")
        print(f"  uncached article (session cookie)        {uncached / bare:5.2f}")
    shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time the Python of an uncached article page: what a signed-in reader costs the app.

    .venv/bin/python bench/article_python_bench.py                # SQLite in a temp folder
    .venv/bin/python bench/article_python_bench.py --data-dir /tmp/article-bench --keep
    .venv/bin/python bench/article_python_bench.py --data-dir /tmp/article-bench --reuse --profile

It fills a database with the demo and ``--articles`` articles (newsroom_bench's fill),
signs a reader in (a member of a committee: a real session cookie, so the page cache is
skipped), warms the page, then times ``--requests`` requests of one article page through
Django's test client in the process (no server, no network) and prints the median and
95th percentile, signed in and for a visitor whose session cookie names no session (the
page cache skips both). The queries are pinned in the tests, not here. ``--profile``
adds the 25 costliest functions of the signed-in runs.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(BENCH_DIR))


def timed(client, path: str, requests: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="use the kept database")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="article-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATABASE_URL": f"sqlite:///{data_dir / 'db.sqlite3'}",
            "DJANGO_SETTINGS_MODULE": "chapterhouse.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "CHAPTERHOUSE_VAR": str(data_dir / "var"),
            # One process: sessions from the cache, viewers kept (decision 0036).
            "SINGLE_PROCESS": "1",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone
    from newsroom_bench import fill

    from chapterhouse.custody.access import ADMIN
    from chapterhouse.custody.services import user_add
    from chapterhouse.newsroom.models import Article
    from chapterhouse.registry.models import Body

    if not args.reuse:
        fill(args.articles, 5)
    slug = Article.objects.order_by("-publish_at").values_list("slug", flat=True)[3]
    path = f"/en/news/{slug}/"
    user = get_user_model().objects.filter(email="reader@bench.test").first()
    if user is None:
        user = user_add(
            viewer=ADMIN,
            via="cli",
            email="reader@bench.test",
            grants=[("member", Body.objects.get(slug="ec-jp"))],
            on=timezone.localdate(),
            at=timezone.now(),
        )
    reader = Client()
    reader.force_login(user)
    # A visitor with a session cookie that names no session: the page cache is skipped.
    anonymous = Client()
    anonymous.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    print(f"article {path}, {Article.objects.count():,} articles, {args.requests} requests each")
    for label, client in (("signed in", reader), ("visitor, uncached", anonymous)):
        timed(client, path, 5)  # warm
        times = timed(client, path, args.requests)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"  {label}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        timed(reader, path, args.requests)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    if not args.keep and not args.reuse and args.data_dir is None:
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Time the news search: rebuilding the index and queries, on SQLite or PostgreSQL.

    .venv/bin/python bench/search_bench.py                      # SQLite, var/bench/search.sqlite3
    .venv/bin/python bench/search_bench.py --translations 100000
    createdb -h 127.0.0.1 -U postgres chapterhouse_search_bench
    .venv/bin/python bench/search_bench.py \
        --database-url postgresql://postgres@127.0.0.1:5432/chapterhouse_search_bench

It migrates the database (the SQLite file is made anew; a PostgreSQL database
must be empty or hold only an earlier run's data), writes ``--translations``
published translations (articles in five languages: ko en ru zh de, each text
about 150 words of invented words plus a few real ones, so common and rare
terms both occur) with bulk inserts, which send no signals, then times
``chapterhouse search_index`` (the whole index from nothing, then again with
nothing to change), and the median and p95 of ``search_articles`` (count and
first page, what a search page runs) for a common word, a rare word, a
two-word query and CJK words, plus ``search_counts_elsewhere``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapterhouse.settings")
os.environ.setdefault("SECRET_KEY", "insecure-bench-only-key")  # DEBUG off needs a key

LANGUAGES = ["ko", "en", "ru", "zh", "de"]
SYLLABLES = {
    "en": ["ka", "lo", "mer", "tin", "sa", "vel", "dor", "pa", "rin", "tho", "gle", "ven"],
    "de": ["ber", "ge", "lich", "keit", "stra", "ung", "mal", "hof", "ten", "rau", "wis"],
    "ru": ["ка", "ло", "мер", "тин", "са", "вель", "дор", "па", "рин", "то", "гле", "вен"],
    "ko": [
        "가",
        "나",
        "다",
        "라",
        "마",
        "바",
        "사",
        "아",
        "자",
        "차",
        "카",
        "타",
        "파",
        "하",
        "조",
        "직",
    ],
    "zh": [
        "的",
        "国",
        "人",
        "大",
        "会",
        "中",
        "年",
        "代",
        "表",
        "组",
        "织",
        "发",
        "展",
        "和",
        "平",
    ],
}
REAL = {
    "en": ["conference", "committee", "delegates", "friendship", "resolution", "congress"],
    "de": ["Konferenz", "Konferenzen", "Komitee", "Delegierte", "Freundschaft", "Beschluss"],
    "ru": ["конференция", "конференции", "комитет", "делегаты", "дружба", "резолюция"],
    "ko": ["조직대회", "위원회", "대표", "우정", "결의"],
    "zh": ["代表大会", "委员会", "友谊", "决议", "组织"],
}
# (label, lang, query): what is timed.
QUERIES = [
    ("common word", "en", "conference"),
    ("rare word", "en", "zeppelin"),
    ("two words", "en", "friendship committee"),
    ("stemmed (ru)", "ru", "конференция"),
    ("stemmed (de)", "de", "Konferenzen"),
    ("CJK (zh)", "zh", "代表大会"),
    ("CJK (ko)", "ko", "대회"),
]


def words(rng: random.Random, lang: str, count: int) -> str:
    joiner = "" if lang == "zh" else " "
    out = []
    for _ in range(count):
        if rng.random() < 0.08:
            out.append(rng.choice(REAL[lang]))
        else:
            out.append("".join(rng.choices(SYLLABLES[lang], k=rng.randint(1, 3))))
    if rng.random() < 0.001 and lang == "en":
        out.append("zeppelin")
    return joiner.join(out)


def fill(translations: int, seed: int) -> None:
    from chapterhouse.newsroom.models import Article, ArticleTranslation, SearchEntry

    rng = random.Random(seed)
    SearchEntry.objects.all().delete()
    ArticleTranslation.objects.filter(article__slug__startswith="bench-").delete()
    Article.objects.filter(slug__startswith="bench-").delete()
    articles = -(-translations // len(LANGUAGES))
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    made = 0
    for first in range(0, articles, 1000):
        batch = [
            Article(
                slug=f"bench-{n}",
                source_language="en",
                publish_at=start + dt.timedelta(hours=n),
            )
            for n in range(first, min(first + 1000, articles))
        ]
        Article.objects.bulk_create(batch)
        texts = []
        for article in Article.objects.filter(slug__in=[a.slug for a in batch]):
            for lang in LANGUAGES:
                if made >= translations:
                    break
                texts.append(
                    ArticleTranslation(
                        article=article,
                        lang=lang,
                        title=words(rng, lang, 6),
                        lead=words(rng, lang, 25),
                        body="\n\n".join(words(rng, lang, 40) for _ in range(3)),
                        status="published",
                    )
                )
                made += 1
        ArticleTranslation.objects.bulk_create(texts)


def timed(function: object, runs: int) -> tuple[float, float, object]:
    durations = []
    result = None
    for _ in range(runs):
        began = time.perf_counter()
        result = function()  # type: ignore[operator]
        durations.append((time.perf_counter() - began) * 1000)
    durations.sort()
    p95 = durations[min(len(durations) - 1, round(0.95 * (len(durations) - 1)))]
    return statistics.median(durations), p95, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--translations", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        path = ROOT / "var" / "bench" / "search.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from chapterhouse.newsroom.search.selectors import (
        search_articles,
        search_counts_elsewhere,
        search_terms,
    )

    call_command("migrate", verbosity=0)
    print(f"{connection.vendor}: {args.translations:,} translations")
    began = time.perf_counter()
    fill(args.translations, args.seed)
    print(f"  written in {time.perf_counter() - began:.1f} s (bulk, no signals)")
    if connection.vendor == "postgresql":
        # What autovacuum would have done by now; the plans depend on it.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    for label in ("index from nothing", "index again, nothing changed"):
        began = time.perf_counter()
        call_command("search_index", verbosity=0)
        print(f"  search_index, {label}: {time.perf_counter() - began:.1f} s")

    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    print(f"  {'query':<16} {'matches':>8} {'median ms':>10} {'p95 ms':>8}")
    for label, lang, query in QUERIES:
        terms = search_terms(query)
        median, p95, page = timed(
            lambda terms=terms, lang=lang: search_articles(terms=terms, lang=lang, now=now),
            args.runs,
        )
        print(f"  {label:<16} {page.count:>8,} {median:>10.1f} {p95:>8.1f}")  # type: ignore[attr-defined]
    terms = search_terms("конференция")
    median, p95, _ = timed(
        lambda: search_counts_elsewhere(terms=terms, langs=["ko", "en", "zh", "de"], now=now),
        args.runs,
    )
    print(f"  {'other languages':<16} {'':>8} {median:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()

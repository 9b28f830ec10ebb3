"""Measure the registry at scale: import throughput and memory, org chart, diff, history.

    python bench/registry_bench.py --scale small
    python bench/registry_bench.py                        # full: 1M people, 3M terms, SQLite
    python bench/registry_bench.py --database-url postgres://user:pw@host/any

It generates the Chronicle with ``bench/generate.py`` (or reuses the file
from an earlier run), imports it with ``chapterhouse import FILE`` into a
fresh database in a child process (its wall time and peak RSS are
measured), brings the database to its steady state (``ANALYZE``; on
PostgreSQL ``VACUUM ANALYZE``, as autovacuum would some minutes later), then
sets Django up in this process against that database and times the
selectors the pages and the CLI use:

* ``orgchart_as_of(viewer=ADMIN, as_of=, root=)`` for a regional committee (a subtree of
  about 200 bodies) on a day from 2021 on, over many committees and days;
* the whole org chart: the org chart page's top levels (``max_bodies=300``), the time to
  the first bodies of the streamed chart (``orgchart_stream`` written by
  ``orgchart_json_chunks``, as the API and the command write it) and its whole time, and
  once ``orgchart_as_of`` of the whole organization built at once;
* ``diff_between(viewer=ADMIN, start=, end=)`` for one calendar month (the complete list);
* ``diff_page(viewer=ADMIN, start=, end=)``, the first page (counts of every kind and
  the first 100 changes of each) that the API, the web page and the CLI start from: for
  the same months, and for any range: a month, a January (the busiest month: dates
  written as a year start on 1 January), a whole year and ten years;
* ``person_history(viewer=ADMIN, person=)`` for people who hold terms.

The fresh database is a file in the data directory for SQLite, or, for
PostgreSQL, a database named ``chapterhouse_bench`` on the server of
``--database-url``, created and dropped by the bench (``--keep`` keeps it).
It never touches the database named in the URL.

Targets (two cores): org chart p95 <= 30 ms, whole chart's first bodies <= 1 s,
one-month diff <= 200 ms (its first page too), the first page of any range <= 100 ms,
history <= 10 ms, import >= 20,000 terms/s, import peak RSS <= 2 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
BENCH_DATABASE = "chapterhouse_bench"
# The bench runs the production settings (DEBUG off), which need a key; this one is its own.
os.environ.setdefault("SECRET_KEY", "insecure-bench-only-key")
SCALES = {
    "small": {"people": 10_000, "bodies": 1_000, "terms": 30_000},
    # Built in a few minutes on two cores: a tenth of the full organization.
    "medium": {"people": 100_000, "bodies": 10_000, "terms": 300_000},
    "full": {"people": 1_000_000, "bodies": 100_000, "terms": 3_000_000},
}
TARGETS = {
    "import_terms_per_s": (">=", 20_000),
    "import_peak_rss_mb": ("<=", 2048),
    "orgchart_subtree_p95_ms": ("<=", 30),
    # The whole chart streamed (API /orgchart/stream, `chapterhouse orgchart`): its first
    # bodies within a second, whatever the size (docs/decisions/0035).
    "orgchart_first_bodies_ms": ("<=", 1000),
    "diff_month_p95_ms": ("<=", 200),
    # Issue 15: the first page (counts of every kind + the first 100 of each) of any range.
    "diff_page_month_p95_ms": ("<=", 200),
    "diff_page_any_p95_ms": ("<=", 100),
    "history_p95_ms": ("<=", 10),
}
# The invented present of the generated organization (bench/generate.py).
LAST_DAY = dt.date(2025, 12, 31)
RECENT = dt.date(2021, 1, 1)


def chapterhouse_command() -> list[str]:
    script = Path(sys.executable).with_name("chapterhouse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "chapterhouse.cli"]


def run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run ``argv`` to completion; return its wall time (s) and its peak RSS (KiB).

    ``os.wait4`` gives the resource usage of exactly this child, not the
    maximum over every child this process ever waited for.
    """
    started = time.perf_counter()
    child = subprocess.Popen(argv, env=env)
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit code {child.returncode}")
    return elapsed, int(usage.ru_maxrss)  # KiB on Linux


def chronicle_ensure(*, scale: str, seed: int, data_dir: Path, regenerate: bool) -> Path:
    """Return the Chronicle file for ``scale``, generating it when it is missing."""
    path = data_dir / f"{scale}-seed{seed}.chronicle.json"
    if path.exists() and not regenerate:
        print(f"Reusing {path} ({path.stat().st_size / 1e6:,.0f} MB)")
        return path
    sizes = SCALES[scale]
    argv = [
        sys.executable,
        str(BENCH_DIR / "generate.py"),
        "--output",
        str(path),
        "--seed",
        str(seed),
    ]
    for key, value in sizes.items():
        argv += [f"--{key}", str(value)]
    started = time.perf_counter()
    subprocess.run(argv, check=True)
    print(f"Generated {path} in {time.perf_counter() - started:.0f} s")
    return path


class Database:
    """A fresh database for one bench run: a SQLite file or a PostgreSQL database."""

    def __init__(self, url: str | None, *, data_dir: Path, scale: str, reuse: bool) -> None:
        self.server_url = url
        self.reuse = reuse
        self.is_postgres = bool(url) and urlsplit(url or "").scheme.startswith("postgres")
        if self.is_postgres:
            parts = urlsplit(url or "")
            self.url = urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            self.label = f"PostgreSQL database {BENCH_DATABASE} on {parts.hostname}"
        else:
            if url:
                import dj_database_url

                self.path = Path(dj_database_url.parse(url)["NAME"]).resolve()
            else:
                self.path = data_dir / f"{scale}.sqlite3"
            self.url = f"sqlite:///{self.path}"
            self.label = f"SQLite file {self.path}"

    def use(self) -> None:
        """Set Django up on this database, as production runs (DEBUG off)."""
        os.environ.update(DATABASE_URL=self.url, DJANGO_SETTINGS_MODULE="chapterhouse.settings")
        os.environ.pop("DEBUG", None)
        import django

        django.setup()

    def create(self) -> None:
        """Create the empty database, dropping the bench's own leftover from an earlier run."""
        if self.reuse:
            return
        if self.is_postgres:
            self._postgres(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")
            self._postgres(f"CREATE DATABASE {BENCH_DATABASE}")
        else:
            if self.server_url and self.path.exists():
                raise SystemExit(
                    f"{self.path} exists; the bench imports into a fresh database only. "
                    "Remove it, name another file, or pass --reuse to time it as it is."
                )
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def drop(self) -> None:
        if self.is_postgres:
            from django.db import connections

            connections.close_all()
            self._postgres(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")

    def size_mb(self) -> float | None:
        if self.is_postgres:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_database_size(current_database())")
                return float(cursor.fetchone()[0]) / 1e6
        return self.path.stat().st_size / 1e6 if self.path.exists() else None

    def _postgres(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(statement)


def percentile(samples: list[float], fraction: float) -> float:
    """Return the ``fraction`` quantile of ``samples`` (nearest rank)."""
    ordered = sorted(samples)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def timed(call: Callable[[], Any]) -> tuple[float, Any, int]:
    """Return the milliseconds ``call`` took, its result and the SQL queries it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, result, len(queries.captured_queries)


def queries_time(*, runs: int, seed: int) -> dict[str, Any]:
    """Time the selectors on the imported database (Django must be set up)."""
    from chapterhouse.custody.access import ADMIN
    from chapterhouse.registry.models import Body, Term
    from chapterhouse.registry.selectors import (
        diff_between,
        diff_page,
        orgchart_as_of,
        orgchart_stream,
        person_history,
    )
    from chapterhouse.registry.shapes import orgchart_json_chunks

    rng = random.Random(seed)
    results: dict[str, Any] = {}

    regions = list(
        Body.objects.filter(kind="regional_committee").values_list("slug", "founded", "dissolved")
    )
    cases = []
    for _ in range(runs):
        slug, founded, dissolved = rng.choice(regions)
        # Recent days, when a regional committee has grown to its ~200 bodies.
        low = max(founded or RECENT, RECENT)
        high = min((dissolved or LAST_DAY) - dt.timedelta(days=1), LAST_DAY)
        cases.append((slug, low + dt.timedelta(days=rng.randint(0, (high - low).days))))
    for slug, day in cases[:3]:  # warm the caches and the connection
        orgchart_as_of(viewer=ADMIN, as_of=day, root=slug)
    samples, sizes, holders, counts = [], [], [], []
    for slug, day in cases:
        elapsed, chart, queries = timed(partial(orgchart_as_of, viewer=ADMIN, as_of=day, root=slug))
        samples.append(elapsed)
        sizes.append(len(chart.bodies))
        holders.append(sum(len(body.holders) for body in chart.bodies))
        counts.append(queries)
    results["orgchart_subtree"] = summary(samples) | {
        "bodies_mean": statistics.mean(sizes),
        "holders_mean": statistics.mean(holders),
        "queries_max": max(counts),
    }

    months = []
    for _ in range(max(10, runs // 5)):
        year, month = rng.randint(2000, 2025), rng.randint(1, 12)
        first = dt.date(year, month, 1)
        last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
        months.append((first, last))
    diff_between(viewer=ADMIN, start=months[0][0], end=months[0][1])
    samples, changes, counts = [], [], []
    for first, last in months:
        elapsed, diff, queries = timed(partial(diff_between, viewer=ADMIN, start=first, end=last))
        samples.append(elapsed)
        changes.append(len(diff.started) + len(diff.ended))
        counts.append(queries)
    results["diff_month"] = summary(samples) | {
        "terms_changed_mean": statistics.mean(changes),
        "queries_max": max(counts),
        # The cost grows with what changed: microseconds per term started or ended.
        "us_per_term_changed": 1000 * sum(samples) / max(1, sum(changes)),
        "months": [
            {"month": first.isoformat()[:7], "terms_changed": changed, "ms": round(ms, 1)}
            for (first, _last), changed, ms in zip(months, changes, samples, strict=True)
        ],
    }

    samples, counts = [], []
    for first, last in months:
        elapsed, _page, queries = timed(partial(diff_page, viewer=ADMIN, start=first, end=last))
        samples.append(elapsed)
        counts.append(queries)
    results["diff_page_month"] = summary(samples) | {"queries_max": max(counts)}
    ranges = []
    for _ in range(max(20, runs // 2)):
        year = rng.randint(2000, 2025)
        month = rng.randint(1, 12)
        month_end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        ranges += [
            ("month", dt.date(year, month, 1), month_end),
            ("january", dt.date(year, 1, 1), dt.date(year, 1, 31)),
            ("year", dt.date(year, 1, 1), dt.date(year, 12, 31)),
            ("ten_years", dt.date(min(year, 2016), 1, 1), dt.date(min(year, 2016) + 9, 12, 31)),
        ]
    by_range: dict[str, list[float]] = {}
    samples, counts, changed = [], [], []
    for name, first, last in ranges:
        elapsed, page, queries = timed(partial(diff_page, viewer=ADMIN, start=first, end=last))
        samples.append(elapsed)
        counts.append(queries)
        by_range.setdefault(name, []).append(elapsed)
        changed.append(sum(page.counts.model_dump().values()) if page.counts else 0)
    results["diff_page_any"] = summary(samples) | {
        "queries_max": max(counts),
        "changes_max": max(changed),
        "ranges": {name: summary(values) for name, values in by_range.items()},
    }

    first_pk = Term.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    last_pk = Term.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked = [rng.randint(first_pk, last_pk) for _ in range(runs * 2)]
    people = list(
        dict.fromkeys(Term.objects.filter(pk__in=picked).values_list("person__slug", flat=True))
    )[:runs]
    person_history(viewer=ADMIN, person=people[0])
    samples, lengths, counts = [], [], []
    for slug in people:
        elapsed, history, queries = timed(partial(person_history, viewer=ADMIN, person=slug))
        samples.append(elapsed)
        lengths.append(len(history.terms))
        counts.append(queries)
    results["history"] = summary(samples) | {
        "terms_mean": statistics.mean(lengths),
        "queries_max": max(counts),
    }

    day = dt.date(2025, 6, 30)
    elapsed, chart, queries = timed(lambda: orgchart_as_of(viewer=ADMIN, as_of=day, max_bodies=300))
    results["orgchart_top"] = {"ms": elapsed, "bodies": len(chart.bodies), "queries": queries}

    started = time.perf_counter()
    first_ms, size = None, 0
    for piece in orgchart_json_chunks(
        as_of=day, bodies=orgchart_stream(viewer=ADMIN, as_of=day), ensure_ascii=False
    ):
        size += len(piece)
        if first_ms is None and '"id"' in piece:  # the first piece with bodies in it
            first_ms = (time.perf_counter() - started) * 1000
    results["orgchart_stream"] = {
        "first_bodies_ms": first_ms,
        "ms": (time.perf_counter() - started) * 1000,
        "mb": size / 1e6,
    }

    elapsed, chart, queries = timed(lambda: orgchart_as_of(viewer=ADMIN, as_of=day))
    results["orgchart_whole"] = {
        "ms": elapsed,
        "bodies": len(chart.bodies),
        "queries": queries,
        "holders": sum(len(body.holders) for body in chart.bodies),
    }
    return results


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "runs": len(samples),
        "p50_ms": percentile(samples, 0.5),
        "p95_ms": percentile(samples, 0.95),
        "max_ms": max(samples),
    }


def verdict(name: str, value: float) -> str:
    if name not in TARGETS:
        return ""
    sign, limit = TARGETS[name]
    ok = value >= limit if sign == ">=" else value <= limit
    return f"{sign} {limit:,}  {'ok' if ok else 'MISSED'}"


def table_print(figures: dict[str, Any]) -> None:
    """Print the figures as a table with each target and whether it was met."""
    rows: list[tuple[str, str, float | None]] = []  # label, figure, value checked
    if "import_seconds" in figures:
        rows += [
            (
                "import: terms/s",
                f"{figures['import_terms_per_s']:,.0f}",
                figures["import_terms_per_s"],
            ),
            ("import: wall time", f"{figures['import_seconds']:,.1f} s", None),
            (
                "import: peak RSS",
                f"{figures['import_peak_rss_mb']:,.0f} MB",
                figures["import_peak_rss_mb"],
            ),
            ("then (VACUUM) ANALYZE", f"{figures['analyze_seconds']:,.1f} s", None),
        ]
    keys = (
        ["import_terms_per_s", "", "import_peak_rss_mb", ""] if "import_seconds" in figures else []
    )
    queries = figures["queries"]
    chart, diff, history = queries["orgchart_subtree"], queries["diff_month"], queries["history"]
    whole = queries["orgchart_whole"]
    top, stream = queries["orgchart_top"], queries["orgchart_stream"]
    page_month, page_any = queries["diff_page_month"], queries["diff_page_any"]
    rows += [
        ("org chart, subtree: p50", f"{chart['p50_ms']:.1f} ms", None),
        ("org chart, subtree: p95", f"{chart['p95_ms']:.1f} ms", chart["p95_ms"]),
        (
            "  bodies, holders, queries",
            f"{chart['bodies_mean']:.0f}, {chart['holders_mean']:.0f}, {chart['queries_max']}",
            None,
        ),
        ("diff, one month: p50", f"{diff['p50_ms']:.1f} ms", None),
        ("diff, one month: p95", f"{diff['p95_ms']:.1f} ms", diff["p95_ms"]),
        (
            "  terms changed, queries",
            f"{diff['terms_changed_mean']:.0f}, {diff['queries_max']}",
            None,
        ),
        ("  per term changed", f"{diff['us_per_term_changed']:.1f} µs", None),
        (
            "diff, one month, first page: p95",
            f"{page_month['p95_ms']:.1f} ms",
            page_month["p95_ms"],
        ),
        ("diff, any range, first page: p95", f"{page_any['p95_ms']:.1f} ms", page_any["p95_ms"]),
        *(
            (f"  {name}: p50 / p95", f"{ranges['p50_ms']:.1f} / {ranges['p95_ms']:.1f} ms", None)
            for name, ranges in page_any["ranges"].items()
        ),
        (
            "  changes (max), queries",
            f"{page_any['changes_max']:,}, {page_any['queries_max']}",
            None,
        ),
        ("history: p50", f"{history['p50_ms']:.2f} ms", None),
        ("history: p95", f"{history['p95_ms']:.2f} ms", history["p95_ms"]),
        ("  terms, queries", f"{history['terms_mean']:.1f}, {history['queries_max']}", None),
        ("org chart page: top levels", f"{top['ms']:,.0f} ms", None),
        ("  bodies, queries", f"{top['bodies']:,}, {top['queries']}", None),
        (
            "whole chart streamed: first bodies",
            f"{stream['first_bodies_ms']:,.0f} ms",
            stream["first_bodies_ms"],
        ),
        ("  all of it, size", f"{stream['ms']:,.0f} ms, {stream['mb']:,.1f} MB", None),
        ("org chart, whole at once", f"{whole['ms']:,.0f} ms", None),
        ("  bodies, holders", f"{whole['bodies']:,}, {whole['holders']:,}", None),
    ]
    keys += [
        "",
        "orgchart_subtree_p95_ms",
        "",
        "",
        "diff_month_p95_ms",
        "",
        "",
        "diff_page_month_p95_ms",
        "diff_page_any_p95_ms",
        *("" for _ in page_any["ranges"]),
        "",
        "",
        "history_p95_ms",
        "",
        "",
        "",
        "orgchart_first_bodies_ms",
        "",
        "",
        "",
    ]
    width = max(len(row[0]) for row in rows)
    print()
    print(f"{'measure':<{width}}  {'figure':>18}  target")
    for (label, figure, value), key in zip(rows, keys, strict=True):
        target = verdict(key, value) if value is not None else ""
        print(f"{label:<{width}}  {figure:>18}  {target}")


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gb": memory,
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument(
        "--database-url",
        default=None,
        help="SQLite file (must not exist) or PostgreSQL server; default: a "
        "SQLite file in the data directory",
    )
    parser.add_argument("--data-dir", type=Path, default=PROJECT_DIR / "var" / "bench")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=100, help="timed runs per query (default 100)")
    parser.add_argument("--regenerate", action="store_true", help="write the Chronicle anew")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="skip the import and time the queries on the database as it is",
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL bench database")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)

    args.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(
        args.database_url, data_dir=args.data_dir, scale=args.scale, reuse=args.reuse
    )
    importer = PROJECT_DIR / "src" / "chapterhouse" / "chronicle" / "importer.py"
    figures: dict[str, Any] = {
        # Which importer was measured: it changes faster than these figures.
        "importer_sha256": hashlib.sha256(importer.read_bytes()).hexdigest()[:12],
        "scale": args.scale,
        "sizes": SCALES[args.scale],
        "database": database.label,
        "machine": machine(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DJANGO_SETTINGS_MODULE": "chapterhouse.settings",
    }
    env.pop("DEBUG", None)
    try:
        if not args.reuse:
            chronicle = chronicle_ensure(
                scale=args.scale, seed=args.seed, data_dir=args.data_dir, regenerate=args.regenerate
            )
            figures["chronicle_mb"] = chronicle.stat().st_size / 1e6
            database.create()
            print(f"Migrating {database.label}")
            subprocess.run(
                [*chapterhouse_command(), "migrate", "--noinput", "-v0"], env=env, check=True
            )
            print(f"Importing {chronicle.name} into {database.label}")
            seconds, rss_kib = run_measured(
                [*chapterhouse_command(), "import", str(chronicle)], env
            )
            figures["import_seconds"] = seconds
            figures["import_peak_rss_mb"] = rss_kib / 1024

        database.use()
        from chapterhouse.registry.models import Term

        if "import_seconds" in figures:
            # What autovacuum does on PostgreSQL some minutes after a big import (the
            # planner's statistics, hint bits, the visibility map), and what SQLite
            # never does on its own (statistics): measure the steady state.
            from django.db import connection

            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE" if database.is_postgres else "ANALYZE")
            figures["analyze_seconds"] = time.perf_counter() - started
        terms = Term.objects.count()
        figures["terms_in_database"] = terms
        if "import_seconds" in figures:
            figures["import_terms_per_s"] = terms / figures["import_seconds"]
        figures["database_mb"] = database.size_mb()
        print(f"Timing the queries ({args.runs} runs each)")
        figures["queries"] = queries_time(runs=args.runs, seed=args.seed)
    finally:
        if database.is_postgres and not args.keep and not args.reuse:
            database.drop()

    table_print(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, default=str) + "\n")
        print(f"\nFigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Profile one import: where the time goes, section by section and function by function.

    python bench/import_profile.py var/bench/small-seed1.chronicle.json
    python bench/import_profile.py FILE --database-url postgresql://postgres@127.0.0.1/postgres

It imports FILE in this process under cProfile into a fresh database (a
temporary SQLite file by default; for PostgreSQL the ``chapterhouse_bench``
database on the server of the URL, created and dropped like
``registry_bench.py`` does), then prints the time of the validating pass and
of each section's writing, and the functions that took the most time of their
own. Profiling slows Python down by about half again; compare the shares,
not the absolute figures, with ``registry_bench.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry_bench import Database


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("file", type=Path, help="a Chronicle file (see bench/generate.py)")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--top", type=int, default=25, help="functions to list (default 25)")
    parser.add_argument("--output", type=Path, help="also save the raw profile here")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        database = Database(
            args.database_url or f"sqlite:///{scratch}/profile.sqlite3",
            data_dir=Path(scratch),
            scale="profile",
            reuse=False,
        )
        database.create()
        database.use()  # registry_bench gives the bench its SECRET_KEY
        from django.core.management import call_command

        from chapterhouse.chronicle.importer import chronicle_import

        try:
            call_command("migrate", verbosity=0)
            profile = cProfile.Profile()
            started = time.perf_counter()
            profile.enable()
            result = chronicle_import(args.file)
            profile.disable()
            elapsed = time.perf_counter() - started
        finally:
            if database.is_postgres:
                database.drop()

    terms = result.counts["terms"].created if "terms" in result.counts else 0
    print(f"Imported {args.file} in {elapsed:.1f} s under the profiler ({terms:,} standing terms)")
    stats = pstats.Stats(profile)
    if args.output:
        stats.dump_stats(str(args.output))
    phases = []
    for (filename, _line, name), row in stats.stats.items():  # type: ignore[attr-defined]
        if filename.endswith("chronicle/importer.py") and (
            name.startswith("write_") or name in {"validate", "write"}
        ):
            phases.append((row[3], name))
    print(f"\n{'phase (cumulative)':<28} {'seconds':>8} {'share':>6}")
    for seconds, name in sorted(phases, reverse=True):
        if name.endswith("_chunk") or seconds < 0.01:
            continue
        print(f"{name:<28} {seconds:>8.2f} {seconds / elapsed:>6.0%}")
    print(f"\nThe {args.top} functions with the most time of their own:")
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())

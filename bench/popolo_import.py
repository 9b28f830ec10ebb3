"""Measure a Popolo import: memberships per second and the process's peak memory.

    python bench/popolo_import.py --memberships 100000
    python bench/popolo_import.py --memberships 100000 --database-url postgresql://…

It writes an EveryPolitician-like Popolo file (one legislature, four
legislative periods, parties; each membership dated by its period and on
behalf of a party, as EveryPolitician's are) with one person per
``--per-person`` memberships, imports it into a fresh database (a temporary
SQLite file by default; for PostgreSQL the ``chapterhouse_bench`` database
on the server of the URL, created and dropped as ``registry_bench.py`` does)
and prints the import's time, memberships per second, and the peak resident
memory of the process before and after the import (``ru_maxrss``). Run it
once per size: the peak is the process's, so one process per figure.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent))

from registry_bench import Database

PERIODS = [("term/1", "2000-01-10", "2004"), ("term/2", "2005-01-12", "2009")]
PERIODS += [("term/3", "2010-01-11", "2014"), ("term/4", "2015-01-14", None)]
PARTIES = 12


def write_popolo(out: IO[str], *, memberships: int, per_person: int) -> None:
    """Write a Popolo file of ``memberships`` memberships, streaming (no document in memory)."""
    people = max(1, memberships // per_person)
    out.write('{"persons": [')
    for n in range(people):
        person = {
            "id": f"person/{n}",
            "name": f"Person {n}",
            "other_names": [{"name": f"Персона {n}", "lang": "ru"}],
            "identifiers": [{"scheme": "wikidata", "identifier": f"Q{n}"}],
            "birth_date": f"{1940 + n % 50}-0{1 + n % 9}-1{n % 10}",
        }
        out.write(("," if n else "") + json.dumps(person, ensure_ascii=False))
    out.write('], "organizations": [')
    organizations = [{"id": "house", "name": "House", "classification": "legislature"}]
    organizations += [
        {"id": f"party/{n}", "name": f"Party {n}", "classification": "party"}
        for n in range(PARTIES)
    ]
    out.write(",".join(json.dumps(o) for o in organizations))
    out.write('], "events": [')
    events = [
        {
            "id": period,
            "classification": "legislative period",
            "organization_id": "house",
            "start_date": start,
            **({"end_date": end} if end else {}),
        }
        for period, start, end in PERIODS
    ]
    out.write(",".join(json.dumps(e) for e in events))
    out.write('], "memberships": [')
    for n in range(memberships):
        person, period = divmod(n, per_person)
        membership = {
            "person_id": f"person/{person % people}",
            "organization_id": "house",
            "role": "member",
            "legislative_period_id": PERIODS[period % len(PERIODS)][0],
            "on_behalf_of_id": f"party/{(person + period) % PARTIES}",
        }
        if period >= len(PERIODS):  # more seats than periods: dated ones, a year each
            year = 1900 + period
            membership.update(start_date=str(year), end_date=f"{year}-06-30")
            del membership["legislative_period_id"]
        out.write(("," if n else "") + json.dumps(membership))
    out.write("]}\n")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--memberships", type=int, default=100_000)
    parser.add_argument("--per-person", type=int, default=4, help="memberships a person has")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as scratch:
        popolo = Path(scratch) / "bench.popolo.json"
        with popolo.open("w", encoding="utf-8") as out:
            write_popolo(out, memberships=args.memberships, per_person=args.per_person)
        size = popolo.stat().st_size
        database = Database(
            args.database_url or f"sqlite:///{scratch}/popolo.sqlite3",
            data_dir=Path(scratch),
            scale="popolo",
            reuse=False,
        )
        database.create()
        database.use()  # registry_bench gives the bench its SECRET_KEY
        from django.core.management import call_command

        from chapterhouse.chronicle.popolo import popolo_import

        try:
            call_command("migrate", verbosity=0)
            before = peak_mib()
            started = time.perf_counter()
            result = popolo_import(popolo)
            seconds = time.perf_counter() - started
            after = peak_mib()
        finally:
            database.drop()
    terms = result.counts["terms"].created
    print(f"file: {size / 2**20:.1f} MiB, {args.memberships:,} memberships")
    rate = args.memberships / seconds
    print(f"imported {terms:,} terms in {seconds:.1f} s: {rate:,.0f} memberships/s")
    grown = after - before
    print(f"peak RSS: {before:.0f} MiB before the import, {after:.0f} MiB after (+{grown:.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

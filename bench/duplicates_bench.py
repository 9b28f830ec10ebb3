"""Time the duplicate checks (``registry.duplicates``): one warning of the new-person page
(``people_like``) and one list of likely pairs (``duplicate_pairs``).

    .venv/bin/python bench/duplicates_bench.py                  # 100,000 people, SQLite
    .venv/bin/python bench/duplicates_bench.py --people 20000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/DB .venv/bin/python bench/duplicates_bench.py

Both compare the stored matching keys (``PersonNameKey``): a warning reads the near keys
of the typed names from the B-tree ways of the person search
(``registry.search.near_key_candidates``: the very key or one letter away); a list
groups the equal keys of the whole register in SQL and reads the near keys of the newest
people's names. The bench makes a fresh SQLite database in var/bench/duplicates.sqlite3
(or uses ``DATABASE_URL``, which it empties: never point it at a database you keep),
writes ``--people`` people (Latin display names, about half with a variant in Cyrillic
or Hangul, a tenth with a call sign; only 90 pairs of given and family names, so every
key of those is shared by a thousand people or more) with bulk inserts and their keys
through ``registry.person_name_keys.person_name_keys_refresh``, then prints the median and the
slowest of a few runs of each, for an administrator (every person) and for an officer of
one committee.

Measured on two shared cores (December 2026), medians:

    people   database    warning (admin / officer)   list of pairs (admin / officer)
    100,000  SQLite      10 ms / 10 ms               2.8 s / 2.7 s

With the trigram index as the source of candidates (before decision 0031 was revised)
the same run took 0.93 s a warning and 28 s a list. A list's time is now the grouping of
every key of the register by key (equal keys, the whole register: it grows with the
register, about 8 keys a person); the near keys of the newest names are one or a few
index queries. The scan of every name in Python that the stored keys replaced took
about a second per warning at 100,000 people, and compared every name with every other
for a list.
"""

from __future__ import annotations

import argparse
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

GIVEN = ["Min-jun", "Ji-woo", "Irina", "Olga", "Timur", "Aigerim", "Lars", "Ana", "Kenji", "Wei"]
FAMILY = ["Park", "Kim", "Volkova", "Smirnova", "Akhmetov", "Bekova", "Eriksson", "Costa", "Sato"]
CYRILLIC = {"Park": "Пак", "Kim": "Ким", "Min-jun": "Мин Чжун", "Ji-woo": "Чжи У"}
HANGUL = {"Park": "박", "Kim": "김", "Min-jun": "민준", "Ji-woo": "지우"}


def build(count: int) -> None:
    from django.db import transaction

    from chapterhouse.registry.models import Body, Person, PersonName
    from chapterhouse.registry.person_name_keys import person_name_keys_refresh

    rng = random.Random(11)
    bodies = [
        Body.objects.create(
            slug=f"ec-{index}", kind="executive_committee", name={"en": f"C{index}"}
        )
        for index in range(20)
    ]
    people = []
    for index in range(count):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        people.append(
            Person(
                slug=f"p{index}",
                name=f"{given} {family} {index}" if index % 3 else f"{family} {given}",
                given=given,
                family=family,
                call_sign=f"Sign{index}" if index % 10 == 0 else "",
                custodian=bodies[index % len(bodies)],
                public=index % 2 == 0,
            )
        )
    Person.objects.bulk_create(people, batch_size=5000)
    pks = dict(Person.objects.values_list("slug", "pk"))
    variants = []
    for person in people:
        if person.family in CYRILLIC and person.given in CYRILLIC:
            for script in (CYRILLIC, HANGUL):
                variants.append(
                    PersonName(
                        person_id=pks[person.slug],
                        name=f"{script[person.family]} {script[person.given]}",
                        kind="native",
                    )
                )
    PersonName.objects.bulk_create(variants, batch_size=5000)
    ordered = sorted(pks.values())
    for start in range(0, len(ordered), 2000):
        with transaction.atomic():
            person_name_keys_refresh(person_ids=ordered[start : start + 2000])


def timed(check, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        check()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    if "DATABASE_URL" not in os.environ:
        database = ROOT / "var/bench/duplicates.sqlite3"
        database.parent.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command

    from chapterhouse.custody.access import ADMIN, Viewer
    from chapterhouse.registry.duplicates import duplicate_pairs, people_like
    from chapterhouse.registry.models import Body

    call_command("migrate", verbosity=0)
    if "sqlite" not in os.environ["DATABASE_URL"]:
        call_command("flush", interactive=False, verbosity=0)
    start = time.perf_counter()
    build(args.people)
    print(f"{args.people} people written in {time.perf_counter() - start:.1f} s")
    officer = Viewer(
        user_id=1,
        label="officer",
        scopes={"officer": frozenset({Body.objects.get(slug="ec-3").pk})},
    )
    for label, viewer in (
        ("administrator, first check", ADMIN),
        ("administrator", ADMIN),
        ("officer of one committee", officer),
    ):
        median, slowest = timed(
            lambda viewer=viewer: people_like(viewer=viewer, names=["Пак Мин Чжун", "박민준"]),
            1 if "first" in label else args.runs,
        )
        print(f"one warning, {label}: median {median:.0f} ms, slowest {slowest:.0f} ms")
    for label, viewer in (("administrator", ADMIN), ("officer of one committee", officer)):
        median, slowest = timed(
            lambda viewer=viewer: duplicate_pairs(viewer=viewer), max(1, args.runs // 2)
        )
        pairs = len(duplicate_pairs(viewer=viewer))
        print(
            f"one list of pairs, {label}: median {median:.0f} ms, slowest {slowest:.0f} ms"
            f" ({pairs} pairs)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

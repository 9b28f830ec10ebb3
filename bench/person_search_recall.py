"""Measure how well the person search finds people by a spelling it has not stored.

    .venv/bin/python bench/person_search_recall.py                 # 2,400 people, SQLite
    DATABASE_URL=postgresql://… .venv/bin/python bench/person_search_recall.py --people 4000

Invented people in four groups, each stored with its native name and one Latin spelling:
Korean (Hangul + Revised Romanization, "Park Min-jun"), Russian (Cyrillic + BGN/PCGN,
"Pyotr Shishkov"), Chinese (Traditional characters + pinyin) and European names with
diacritics ("Katrin Sjögren", stored as written only). Each is then looked for by a
spelling NOT stored: McCune–Reischauer or a passport spelling (Pak Min-chun, Minjoon Park),
passport/ICAO or scholarly transliteration (Petr Shishkov, Pëtr Šiškov), Simplified
characters or given-name-first pinyin, a comma form in Cyrillic or ASCII, capitals; a
fifth of the queries also carry a typo (one letter changed). Prints recall@5 (the person is
among the first five) and the mean reciprocal rank over the first twenty, per group and in
all, and the median and slowest time of one search. The SQLite database is made afresh in
var/bench/person_search.sqlite3; with DATABASE_URL set, that database is used (flushed).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapterhouse.settings")
os.environ.setdefault("SECRET_KEY", "insecure-bench-only-key")  # DEBUG off needs a key

# -- Korean: Hangul, Revised Romanization, and the other spellings seen for each ----------
KO_SURNAMES = [  # Hangul, RR, other spellings
    ("박", "Park", ["Pak", "Bak"]),
    ("김", "Kim", ["Gim"]),
    ("이", "Lee", ["Yi", "Rhee", "I"]),
    ("최", "Choi", ["Choe"]),
    ("정", "Jeong", ["Jung", "Chung"]),
    ("강", "Kang", ["Gang"]),
    ("조", "Jo", ["Cho"]),
    ("윤", "Yun", ["Yoon"]),
    ("장", "Jang", ["Chang"]),
    ("임", "Im", ["Lim", "Rim"]),
    ("신", "Shin", ["Sin"]),
    ("서", "Seo", ["Suh", "So"]),
    ("권", "Kwon", ["Gwon"]),
    ("황", "Hwang", ["Whang"]),
    ("안", "Ahn", ["An"]),
    ("유", "Yoo", ["Yu"]),
]
KO_SYLLABLES = [  # Hangul, RR, McCune–Reischauer (ASCII) and passport spellings
    ("민", "min", ["min"]),
    ("준", "jun", ["chun", "joon"]),
    ("서", "seo", ["so", "suh"]),
    ("연", "yeon", ["yon", "yun"]),
    ("지", "ji", ["chi"]),
    ("우", "u", ["woo"]),
    ("현", "hyeon", ["hyon", "hyun"]),
    ("수", "su", ["soo"]),
    ("영", "yeong", ["yong", "young"]),
    ("희", "hui", ["hee", "hi"]),
    ("은", "eun", ["un"]),
    ("성", "seong", ["song", "sung"]),
    ("호", "ho", ["ho"]),
    ("진", "jin", ["chin"]),
    ("혜", "hye", ["hye"]),
    ("동", "dong", ["tong"]),
    ("태", "tae", ["thae"]),
    ("경", "gyeong", ["kyong", "kyung"]),
    ("재", "jae", ["chae"]),
    ("하", "ha", ["ha"]),
    ("윤", "yun", ["yoon"]),
    ("석", "seok", ["sok", "suk"]),
    ("덕", "deok", ["tok", "duk"]),
    ("미", "mi", ["mi"]),
]

# -- Russian: Cyrillic and three transliteration systems ----------------------------------
RU_GIVEN = [
    "Пётр", "Алексей", "Сергей", "Юрий", "Евгений", "Наталья", "Ксения", "Татьяна",
    "Дмитрий", "Фёдор", "Яна", "Людмила", "Вячеслав", "Михаил", "Ирина", "Ольга", "Артём",
    "Юлия", "Жанна", "Григорий", "Анастасия", "Семён", "Любовь", "Эдуард", "Василий",
]  # fmt: skip
RU_FAMILY = [
    "Шишков", "Щукин", "Хрущёв", "Жуков", "Цветков", "Чайковский", "Яковлев", "Юдин",
    "Ежов", "Зайцев", "Кузнецов", "Соловьёв", "Воробьёв", "Шевченко", "Ершов", "Журавлёв",
    "Голубев", "Мельников", "Белоусов", "Пчёлкин", "Хохлов", "Крючков", "Жилин", "Щербаков",
    "Чернышёв", "Лебедев", "Морозов", "Фёдоров", "Орлов", "Ильин", "Тихонов", "Цыганов",
    "Ефремов", "Гущин", "Шапошников", "Коньков", "Прохоров", "Дьячков", "Южаков", "Ященко",
]  # fmt: skip
_COMMON = dict(zip("абвгдзклмнопрстуф", "abvgdzklmnoprstuf", strict=True))
BGN = {**_COMMON, "е": "e", "ё": "yo", "ж": "zh", "и": "i", "й": "y", "х": "kh", "ц": "ts",
       "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
       "я": "ya"}  # fmt: skip
ICAO = {**BGN, "ё": "e", "й": "i", "ъ": "ie", "ю": "iu", "я": "ia"}
SCHOLARLY = {**BGN, "ё": "ë", "ж": "ž", "й": "j", "х": "x", "ц": "c", "ч": "č", "ш": "š",
             "щ": "šč", "ь": "ʹ", "э": "è", "ю": "ju", "я": "ja"}  # fmt: skip


def transliterate(cyrillic: str, system: dict[str, str]) -> str:
    out = []
    for index, letter in enumerate(cyrillic):
        lower = letter.lower()
        latin = system.get(lower, lower)
        after_vowel = index == 0 or cyrillic[index - 1] in "аеёиоуыэюяьъ"
        if system is BGN and lower == "е" and after_vowel:
            latin = "ye"
        out.append(latin.capitalize() if letter.isupper() else latin)
    return "".join(out)


def feminine(family: str) -> str:
    if family.endswith("ий"):
        return family[:-2] + "ая"
    if family.endswith(("ов", "ёв", "ев", "ин")):
        return family + "а"
    return family


# -- Chinese: Traditional, Simplified, pinyin ---------------------------------------------
ZH_SURNAMES = [("張", "张", "Zhang"), ("陳", "陈", "Chen"), ("劉", "刘", "Liu"),
               ("黃", "黄", "Huang"), ("趙", "赵", "Zhao"), ("吳", "吴", "Wu"),
               ("周", "周", "Zhou"), ("孫", "孙", "Sun"), ("楊", "杨", "Yang"),
               ("王", "王", "Wang"), ("林", "林", "Lin"), ("鄭", "郑", "Zheng"),
               ("謝", "谢", "Xie"), ("馬", "马", "Ma"), ("許", "许", "Xu")]  # fmt: skip
ZH_GIVEN = [("偉", "伟", "wei"), ("華", "华", "hua"), ("國", "国", "guo"), ("強", "强", "qiang"),
            ("麗", "丽", "li"), ("軍", "军", "jun"), ("敏", "敏", "min"), ("靜", "静", "jing"),
            ("傑", "杰", "jie"), ("濤", "涛", "tao"), ("明", "明", "ming"), ("紅", "红", "hong"),
            ("東", "东", "dong"), ("龍", "龙", "long"), ("鵬", "鹏", "peng"), ("輝", "辉", "hui"),
            ("玲", "玲", "ling"), ("飛", "飞", "fei"), ("嵐", "岚", "lan"), ("雲", "云", "yun")]  # fmt: skip  # noqa: E501

# -- European names with diacritics -------------------------------------------------------
EU_GIVEN = ["Katrin", "Jürgen", "Søren", "Åsa", "Björn", "Zoë", "Noémie", "François",
            "Małgorzata", "Łukasz", "Jiří", "Ágnes", "Göran", "Inès", "Þóra", "Renée",
            "Sébastien", "Øystein", "Mäddel", "Ólafur"]  # fmt: skip
EU_FAMILY = ["Sjögren", "Müller", "Lindqvist", "Håkansson", "Öberg", "Nyström", "Jönsson",
             "Kowalczyk", "Dvořák", "Brandão", "Gonçalves", "Petőfi", "Ødegaard", "Schäfer",
             "Wałęsa", "Šimek", "Žukauskas", "Łęcki", "Fjällström", "Ångström", "Grünewald",
             "Åkesson", "Müllerová", "Kovačić", "Dönmez"]  # fmt: skip


def ascii_of(text: str) -> str:
    from anyascii import anyascii

    return anyascii(text)


def typo(text: str, rng: random.Random) -> str:
    """Change one interior letter of the longest word."""
    words = text.split(" ")
    longest = max(range(len(words)), key=lambda index: len(words[index]))
    word = words[longest]
    if len(word) < 5:
        return text
    position = rng.randrange(2, len(word) - 1)
    letter = rng.choice([c for c in "aeioulnrst" if c != word[position].lower()])
    words[longest] = word[:position] + letter + word[position + 1 :]
    return " ".join(words)


def invent(count: int, rng: random.Random) -> list[tuple[str, str, list[str], str]]:
    """Return ``(group, display name, stored variants, query)`` for ``count`` people."""
    people: list[tuple[str, str, list[str], str]] = []
    seen: set[str] = set()
    while len(people) < count:
        group = rng.choice(["korean", "russian", "chinese", "european"])
        if group == "korean":
            hangul_family, rr_family, other_family = rng.choice(KO_SURNAMES)
            syllables = rng.sample(KO_SYLLABLES, 2)
            hangul = hangul_family + "".join(s[0] for s in syllables)
            rr_given = "-".join(s[1] for s in syllables).capitalize()
            other_given = "".join(rng.choice(s[2]) for s in syllables).capitalize()
            name, stored = f"{rr_family} {rr_given}", [hangul]
            query = rng.choice(
                [
                    f"{rng.choice(other_family)} {other_given}",
                    f"{other_given} {rng.choice(other_family)}",
                    f"{rr_family.upper()} {rr_given.replace('-', '').upper()}",
                    f"{rr_given.replace('-', ' ')} {rng.choice(other_family)}",
                ]
            )
            key = hangul
        elif group == "russian":
            given = rng.choice(RU_GIVEN)
            family = rng.choice(RU_FAMILY)
            if given[-1] in "аяь" and given not in ("Любовь",):
                family = feminine(family)
            cyrillic = f"{given} {family}"
            name, stored = transliterate(cyrillic, BGN), [cyrillic]
            query = rng.choice(
                [
                    transliterate(cyrillic, ICAO),
                    transliterate(cyrillic, SCHOLARLY),
                    f"{family}, {given}".replace("ё", "е"),
                    f"{transliterate(family, ICAO).upper()} {transliterate(given, ICAO)}",
                ]
            )
            key = cyrillic
        elif group == "chinese":
            surname = rng.choice(ZH_SURNAMES)
            given_chars = rng.sample(ZH_GIVEN, rng.choice([1, 2]))
            traditional = surname[0] + "".join(c[0] for c in given_chars)
            simplified = surname[1] + "".join(c[1] for c in given_chars)
            pinyin_given = "".join(c[2] for c in given_chars).capitalize()
            name, stored = f"{surname[2]} {pinyin_given}", [traditional]
            query = rng.choice(
                [
                    simplified if simplified != traditional else f"{pinyin_given} {surname[2]}",
                    f"{pinyin_given} {surname[2]}",
                    f"{surname[2].upper()} {pinyin_given}",
                ]
            )
            key = traditional
        else:
            given, family = rng.choice(EU_GIVEN), rng.choice(EU_FAMILY)
            name, stored = f"{given} {family}", []
            query = rng.choice(
                [
                    ascii_of(f"{given} {family}"),
                    ascii_of(f"{family}, {given}"),
                    ascii_of(f"{family.upper()} {given}"),
                ]
            )
            key = name
        if key in seen:
            continue
        seen.add(key)
        if rng.random() < 0.2:
            query = typo(query, rng)
        if query == name or query in stored:
            continue
        people.append((group, name, stored, query))
    return people


def build(people: list[tuple[str, str, list[str], str]]) -> list[int]:
    from chapterhouse.registry.models import Person, PersonName
    from chapterhouse.registry.person_name_keys import person_name_keys_refresh

    rows = Person.objects.bulk_create(
        [
            Person(slug=f"p{index}", name=name, public=True)
            for index, (_, name, _, _) in enumerate(people)
        ],
        batch_size=2000,
    )
    pks = list(
        Person.objects.filter(slug__in=[row.slug for row in rows])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    PersonName.objects.bulk_create(
        [
            PersonName(person_id=pk, name=variant, kind="native")
            for pk, (_, _, stored, _) in zip(pks, people, strict=True)
            for variant in stored
        ],
        batch_size=2000,
    )
    for start in range(0, len(pks), 2000):
        person_name_keys_refresh(person_ids=pks[start : start + 2000])
    return pks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2400)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--misses", action="store_true", help="print the queries missed")
    args = parser.parse_args(argv)

    if not os.environ.get("DATABASE_URL"):
        database = ROOT / "var/bench/person_search.sqlite3"
        database.parent.mkdir(parents=True, exist_ok=True)
        database.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from chapterhouse.custody.access import ADMIN
    from chapterhouse.registry.search import search_people

    call_command("migrate", verbosity=0)
    call_command("flush", "--no-input", verbosity=0)
    people = invent(args.people, random.Random(args.seed))
    start = time.perf_counter()
    pks = build(people)
    print(
        f"{len(people)} people written with their keys in {time.perf_counter() - start:.1f} s"
        f" ({connection.vendor})"
    )
    found_in_5: dict[str, list[bool]] = defaultdict(list)
    reciprocal: dict[str, list[float]] = defaultdict(list)
    times: list[float] = []
    for pk, (group, name, _, query) in zip(pks, people, strict=True):
        started = time.perf_counter()
        ranked = [match.person.pk for match in search_people(query, viewer=ADMIN, limit=20)]
        times.append((time.perf_counter() - started) * 1000)
        rank = ranked.index(pk) + 1 if pk in ranked else None
        found_in_5[group].append(rank is not None and rank <= 5)
        reciprocal[group].append(1 / rank if rank else 0.0)
        if args.misses and (rank is None or rank > 5):
            print(f"  missed: {query!r} for {name!r} (rank {rank})")
    print(f"{'group':<10} {'queries':>7} {'recall@5':>9} {'MRR':>6}")
    for group in [*sorted(found_in_5), "all"]:
        hits = (
            [hit for values in found_in_5.values() for hit in values]
            if group == "all"
            else found_in_5[group]
        )
        ranks = (
            [rank for values in reciprocal.values() for rank in values]
            if group == "all"
            else reciprocal[group]
        )
        print(
            f"{group:<10} {len(hits):>7} {sum(hits) / len(hits):>9.3f}"
            f" {sum(ranks) / len(ranks):>6.3f}"
        )
    times.sort()
    print(
        f"one search: median {statistics.median(times):.1f} ms,"
        f" p95 {times[int(len(times) * 0.95)]:.1f} ms, slowest {times[-1]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

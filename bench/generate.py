"""Write a large, valid Chronicle v1 file for an invented organization, streaming it to disk.

    python bench/generate.py --output var/bench/full.chronicle.json
    python bench/generate.py --small --output var/bench/small.chronicle.json --validate

The organization: a coordination committee (``cc``) over departments (with
bureaus and working groups), one executive committee per country, affiliated
societies, regional committees of about 200 bodies each (branches, then
primary cells at universities and workplaces), founded from 1995 on. People
carry name variants in their own scripts. Terms are spread over 30 years in
chains of successive holders; two terms of the same person, body, role and
title never overlap. Some of it happens through decisions: the heads of the
coordination committee, of executive and of regional committees are elected
at sessions (``start_term``/``end_term``, re-elections with ``reappointed``),
working groups are founded and dissolved by their departments
(``found_body``/``dissolve_body`` with a mandate transfer), some committees
are renamed (``rename_body``) and honours are awarded (``award``).

Only the body tree (one small record per body) is held in memory: people and
terms are generated body by body and written out at once; sessions and
decisions go to temporary files beside the output and are appended at the
end. The same ``--seed`` gives the same file, byte for byte.

Day-precision ends are written as the last day held and successors start the
day after, so the file means the same whether a day end is read as the last
day held or as the first day no longer held; year and month ends are exact.
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import itertools
import json
import math
import random
import shutil
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

FULL = {"people": 1_000_000, "bodies": 100_000, "terms": 3_000_000}
SMALL = {"people": 10_000, "bodies": 1_000, "terms": 30_000}

ORIGIN = dt.date(1995, 1, 1)
# Nothing starts on or after this day: the invented present is the end of 2025.
HORIZON = dt.date(2026, 1, 1)
MIN_SEGMENT = 60  # days: the shortest term, so every boundary can move a little
DAY = dt.timedelta(days=1)
LANGUAGES = ["en", "ru", "de", "zh", "ko"]
# Babel lists a few territory codes that ISO 3166-1 only reserves.
NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB"}
NOT_COUNTRIES |= {"XK", "ZZ"}

# Terms a body holds per year of its life, relative to the others.
KIND_WEIGHT = {
    "coordination_committee": 100.0,
    "department": 20.0,
    "bureau": 5.0,
    "working_group": 5.0,
    "executive_committee": 40.0,
    "society": 5.0,
    "regional_committee": 12.0,
    "branch": 5.0,
    "primary_cell": 2.2,
}
# The posts of each kind of body: (role, title, concurrent holders); members fill the rest.
OFFICERS: dict[str, list[tuple[str, dict[str, str] | None, int]]] = {
    "coordination_committee": [
        ("chair", None, 1),
        ("deputy_chair", None, 2),
        ("secretary", {"en": "Secretary for Organization", "ru": "Секретарь по оргработе"}, 1),
        ("secretary", {"en": "Secretary for Ideas", "ru": "Секретарь по идеологии"}, 1),
        ("secretary", {"en": "Secretary for International Affairs"}, 1),
        ("adviser", {"en": "Adviser on Work in the PRC", "zh": "对华工作顾问"}, 1),
        ("adviser", {"en": "Adviser on Youth", "de": "Berater für Jugend"}, 1),
        ("adviser", {"en": "Adviser on Finance"}, 1),
    ],
    "department": [
        ("director", None, 1),
        ("deputy_head", None, 1),
        ("secretary", None, 1),
        ("adviser", {"en": "Adviser on Method"}, 1),
    ],
    "bureau": [("head", None, 1)],
    "working_group": [("head", None, 1)],
    "executive_committee": [
        ("head", None, 1),
        ("deputy_head", None, 1),
        ("secretary", {"en": "Secretary for Organization"}, 1),
        ("secretary", {"en": "Secretary for Education"}, 1),
    ],
    "society": [("chair", None, 1), ("secretary", None, 1)],
    "regional_committee": [("head", None, 1), ("deputy_head", None, 1), ("secretary", None, 1)],
    "branch": [("head", None, 1), ("secretary", None, 1)],
    "primary_cell": [("secretary", None, 1)],
}
MEMBER_ROLES = {
    "coordination_committee": ["member", "member", "candidate_member"],
    "society": ["board_member"],
    "primary_cell": ["member", "activist"],
}
# Groups whose holders change by decisions taken at the body's own sessions.
ELECTED_BY_DECISION = {
    "coordination_committee": {"chair"},
    "executive_committee": {"head"},
    "regional_committee": {"head"},
}
APPOINTED_ROLES = {"director", "deputy_head", "secretary", "adviser"}
# fmt: off
HONOURS = [
    {"id": "order-of-friendship", "name": {"en": "Order of Friendship", "ru": "Орден Дружбы"},
     "kind": "order"},
    {"id": "badge-of-merit", "name": {"en": "Badge of Merit", "de": "Verdienstabzeichen"},
     "kind": "badge"},
    {"id": "diploma-of-honour", "name": {"en": "Diploma of Honour"}, "kind": "diploma"},
]
PARTNERS = [
    {"id": "andes-foundation", "name": {"en": "Andes Foundation"}, "kind": "foundation",
     "country": "AR"},
    {"id": "steppe-youth-union", "name": {"en": "Steppe Youth Union"}, "kind": "youth_union",
     "country": "KZ"},
    {"id": "baltic-friendship-society", "name": {"en": "Baltic Friendship Society"},
     "kind": "society", "country": "LV"},
]

# Name parts per culture: (Latin, native script); family names as (male, female) where it matters.
CULTURES: dict[str, dict[str, Any]] = {
    "ru": {
        "lang": "ru",
        "given_m": [("Ivan", "Иван"), ("Sergey", "Сергей"), ("Timur", "Тимур"),
                    ("Dmitry", "Дмитрий"), ("Aleksei", "Алексей"), ("Nurlan", "Нурлан"),
                    ("Pavel", "Павел"), ("Arman", "Арман")],
        "given_f": [("Irina", "Ирина"), ("Olga", "Ольга"), ("Aigerim", "Айгерим"),
                    ("Natalia", "Наталья"), ("Yelena", "Елена"), ("Dana", "Дана"),
                    ("Svetlana", "Светлана"), ("Madina", "Мадина")],
        "family": [(("Volkov", "Волков"), ("Volkova", "Волкова")),
                   (("Smirnov", "Смирнов"), ("Smirnova", "Смирнова")),
                   (("Akhmetov", "Ахметов"), ("Akhmetova", "Ахметова")),
                   (("Bekov", "Беков"), ("Bekova", "Бекова")),
                   (("Petrov", "Петров"), ("Petrova", "Петрова")),
                   (("Kuznetsov", "Кузнецов"), ("Kuznetsova", "Кузнецова")),
                   (("Sokolov", "Соколов"), ("Sokolova", "Соколова")),
                   (("Nurlanov", "Нурланов"), ("Nurlanova", "Нурланова"))],
        # A looser romanization people also write their names in.
        "alt": {"kh": "h", "y": "i", "ei": "ey", "v": "w"},
    },
    "zh": {
        "lang": "zh",
        "family": [("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"),
                   ("Yang", "杨"), ("Zhao", "赵"), ("Huang", "黄")],
        "given": [("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jing", "静"), ("Lei", "磊"),
                  ("Yang", "洋"), ("Jun", "军"), ("Hua", "华"), ("Lin", "林"), ("Ping", "平")],
        "alt": {"zh": "ch", "x": "hs", "q": "ch'"},
    },
    "ko": {
        "lang": "ko",
        "family": [("Kim", "김"), ("Lee", "이"), ("Park", "박"), ("Choi", "최"), ("Jung", "정"),
                   ("Kang", "강"), ("Cho", "조"), ("Yoon", "윤")],
        "given": [("Min", "민"), ("Jun", "준"), ("Seo", "서"), ("Yeon", "연"), ("Ji", "지"),
                  ("Hoon", "훈"), ("Woo", "우"), ("Hye", "혜")],
        "alt": {"Park": "Bak", "Lee": "Yi", "Choi": "Choe", "Jung": "Jeong", "oo": "u"},
    },
    "ja": {
        "lang": "ja",
        "family": [("Sato", "佐藤"), ("Suzuki", "鈴木"), ("Takahashi", "高橋"), ("Tanaka", "田中"),
                   ("Watanabe", "渡辺"), ("Ito", "伊藤"), ("Yamamoto", "山本"),
                   ("Nakamura", "中村")],
        "given": [("Kenji", "健二"), ("Yuki", "由紀"), ("Haruto", "陽翔"), ("Aoi", "葵"),
                  ("Ren", "蓮"), ("Hiroshi", "博"), ("Akiko", "明子"), ("Sakura", "さくら")],
        "alt": {"Sato": "Satō", "Ito": "Itō", "Yuki": "Yūki"},
    },
    "de": {
        "lang": "de",
        "given": ["Jürgen", "Anna", "Lukas", "Sophie", "Matthias", "Katrin", "Jörg", "Lena",
                  "Hans", "Gudrun"],
        "family": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
                   "Becker", "Schäfer", "Koch"],
    },
    "es": {
        "lang": "es",
        "given": ["Lucía", "José", "María", "Andrés", "Sofía", "Martín", "Camila", "Tomás",
                  "Valentina", "Joaquín"],
        "family": ["Fernández", "García", "López", "Martínez", "Rodríguez", "Pérez", "Gómez",
                   "Díaz", "Silva", "Núñez"],
    },
    "en": {
        "lang": "en",
        "given": ["John", "Mary", "David", "Sarah", "Michael", "Emma", "Kwame", "Amina",
                  "Rahul", "Priya"],
        "family": ["Smith", "Jones", "Brown", "Taylor", "Mensah", "Okafor", "Sharma", "Patel",
                   "Evans", "Roberts"],
    },
}
CULTURE_OF_COUNTRY = {
    **dict.fromkeys(["RU", "BY", "UA", "KZ", "KG", "UZ", "TJ", "AM", "AZ", "GE", "MD"], "ru"),
    **dict.fromkeys(["CN", "TW", "SG", "HK", "MO"], "zh"),
    **dict.fromkeys(["KR", "KP"], "ko"),
    "JP": "ja",
    **dict.fromkeys(["DE", "AT", "CH", "LI", "LU"], "de"),
    **dict.fromkeys(["ES", "AR", "MX", "CO", "CL", "PE", "VE", "CU", "BO", "EC", "UY", "PY"],
                    "es"),
}
PLACE_START = ["Nor", "Ka", "Vel", "Ost", "Mar", "Tal", "San", "Bel", "Kor", "Ala", "Dun", "Ris",
               "Zel", "Per", "Ud", "Ves"]
PLACE_END = ["ovo", "ania", "berg", "ville", "grad", "mar", "ina", "sk", "ora", "heim", "abad",
             "ton"]
INSTITUTIONS = [
    ("University of {}", "Университет {}"),
    ("{} Technical College", "Технический колледж {}"),
    ("{} Tractor Works", "Тракторный завод {}"),
    ("{} Teachers' Institute", "Педагогический институт {}"),
    ("{} Port Authority", "Управление порта {}"),
    ("{} Textile Mill", "Текстильная фабрика {}"),
]
# fmt: on


# ---------------------------------------------------------------- the body tree


@dataclass(slots=True)
class BodyPlan:
    """One body of the invented organization, before its people and terms exist."""

    index: int
    slug: str
    kind: str
    parent: int  # index into the plan, -1 for the top
    country: str | None
    founded: dt.date
    founded_precision: str
    # The first day the body no longer exists; None while it lives on.
    dissolved: dt.date | None = None
    dissolved_precision: str = "day"
    by_decision: bool = False  # founded (and maybe dissolved) by a decision of its parent
    number: int | None = None
    label: str = ""  # what varies in its name (a country, a place, an ordinal)
    children: list[int] = field(default_factory=list)
    budget: int = 0  # terms to generate
    people_start: int = 0  # its own people: [people_start, people_start + people_count)
    people_count: int = 0
    subtree_end: int = 0  # people of the whole subtree: [people_start, subtree_end)


def countries_all() -> list[tuple[str, dict[str, str]]]:
    """Return ISO 3166-1 countries with their names in the working languages (CLDR)."""
    from babel import Locale

    names = {lang: Locale.parse(lang).territories for lang in LANGUAGES}
    codes = sorted(
        code
        for code in names["en"]
        if isinstance(code, str) and len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )
    return [(code, {lang: names[lang].get(code, code) for lang in LANGUAGES}) for code in codes]


def place_name(rng: random.Random) -> str:
    return rng.choice(PLACE_START) + rng.choice(PLACE_END)


def day_between(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    """Return a random day in ``[low, high]``."""
    return low + dt.timedelta(days=rng.randint(0, max(0, (high - low).days)))


def start_snapped(
    rng: random.Random, day: dt.date, low: dt.date, high: dt.date
) -> tuple[dt.date, str]:
    """Return ``day`` or the first day of its year or month when that stays in ``[low, high]``."""
    roll = rng.random()
    if roll < 0.25:
        candidate, precision = dt.date(day.year, 1, 1), "year"
    elif roll < 0.5:
        candidate, precision = dt.date(day.year, day.month, 1), "month"
    else:
        return day, "day"
    if low <= candidate <= high:
        return candidate, precision
    return day, "day"


def text_start(day: dt.date, precision: str) -> str:
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def text_end(first_day_after: dt.date, precision: str) -> str:
    """Return the end Date text for a period that stops before ``first_day_after``."""
    last = first_day_after - DAY
    if precision == "year":
        return f"{last.year:04d}"
    if precision == "month":
        return f"{last.year:04d}-{last.month:02d}"
    return last.isoformat()


def tree_plan(*, bodies: int, rng: random.Random) -> list[BodyPlan]:
    """Return the body tree in pre-order (every parent before its children)."""
    countries = countries_all()
    plan: list[BodyPlan] = []

    def add(
        kind: str,
        slug: str,
        parent: int,
        country: str | None,
        low: dt.date,
        high: dt.date,
        **extra: Any,
    ) -> int:
        day = day_between(rng, low, high)
        founded, precision = start_snapped(rng, day, low, high)
        body = BodyPlan(len(plan), slug, kind, parent, country, founded, precision, **extra)
        plan.append(body)
        if parent >= 0:
            plan[parent].children.append(body.index)
        return body.index

    def years(day: dt.date, count: int) -> dt.date:
        return min(dt.date(day.year + count, day.month, min(day.day, 28)), latest)

    latest = HORIZON - dt.timedelta(days=2 * 365)  # every body lives two years at least
    cc = add("coordination_committee", "cc", -1, None, ORIGIN, ORIGIN)
    n_departments = max(4, min(12, bodies // 2000))
    n_ecs = max(5, min(len(countries) - 20, round(bodies / 660)))
    departments = []
    for number in range(1, n_departments + 1):
        dept = add(
            "department", f"dept-{number}", cc, None, ORIGIN, years(ORIGIN, 12), number=number
        )
        departments.append(dept)
    for dept in departments:
        number = plan[dept].number or 0
        for k in range(1, rng.randint(0, 2) + 1):
            add(
                "bureau",
                f"bureau-{number}-{k}",
                dept,
                None,
                plan[dept].founded,
                years(plan[dept].founded, 8),
                number=k,
            )
        for k in range(1, rng.randint(1, 3) + 1):
            wg = add(
                "working_group",
                f"wg-{number}-{k}",
                dept,
                None,
                plan[dept].founded + dt.timedelta(days=30),
                years(plan[dept].founded, 15),
                number=k,
                by_decision=True,
            )
            earliest_end = plan[wg].founded + dt.timedelta(days=3 * 365)
            if rng.random() < 0.5 and earliest_end < HORIZON - dt.timedelta(days=30):
                plan[wg].dissolved = day_between(rng, earliest_end, HORIZON - DAY)
    chosen = rng.sample(countries, n_ecs)
    ecs = [
        add(
            "executive_committee",
            f"ec-{code.lower()}",
            cc,
            code,
            ORIGIN,
            years(ORIGIN, 18),
            label=code,
        )
        for code, _names in chosen
    ]
    n_societies = max(2, bodies // 100)
    for k in range(n_societies):
        ec = rng.choice(ecs)
        country = plan[ec].country
        add(
            "society",
            f"soc-{str(country).lower()}-{k + 1}",
            ec,
            country,
            plan[ec].founded,
            years(plan[ec].founded, 10),
            label=place_name(rng),
        )
    remaining = bodies - len(plan)
    n_regions = max(len(ecs), remaining // 200)
    # Big countries have more regions: Zipf-like weights over a shuffled order.
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(ecs))]
    regions_per_ec = allocate(n_regions - len(ecs), weights)
    per_region = allocate(remaining - n_regions, [1.0] * n_regions)
    region_number = 0
    for ec, extra_regions in zip(ecs, regions_per_ec, strict=True):
        code = str(plan[ec].country).lower()
        for k in range(1, extra_regions + 2):
            size = per_region[region_number]
            region_number += 1
            rc = add(
                "regional_committee",
                f"rc-{code}-{k}",
                ec,
                plan[ec].country,
                plan[ec].founded,
                years(plan[ec].founded, 10),
                number=k,
                label=place_name(rng),
            )
            n_branches = max(1, round(size / 11)) if size else 0
            cells = allocate(size - n_branches, [1.0] * n_branches) if n_branches else []
            for j in range(1, n_branches + 1):
                br = add(
                    "branch",
                    f"br-{code}-{k}-{j}",
                    rc,
                    plan[ec].country,
                    plan[rc].founded,
                    years(plan[rc].founded, 8),
                    number=j,
                    label=place_name(rng),
                )
                for i in range(1, cells[j - 1] + 1):
                    cell = add(
                        "primary_cell",
                        f"cell-{code}-{k}-{j}-{i}",
                        br,
                        plan[ec].country,
                        plan[br].founded,
                        years(plan[br].founded, 12),
                        number=i,
                        label=place_name(rng),
                    )
                    if rng.random() < 0.08:
                        body = plan[cell]
                        low = body.founded + dt.timedelta(days=365)
                        end = day_between(rng, low, HORIZON - dt.timedelta(days=30))
                        body.dissolved, body.dissolved_precision = end_snapped(rng, end, low)
    assert len(plan) == bodies, (len(plan), bodies)
    return preorder(plan)


def end_snapped(rng: random.Random, day: dt.date, low: dt.date) -> tuple[dt.date, str]:
    """Return an exclusive end near ``day``: the first day of a year or month, or ``day``."""
    roll = rng.random()
    if roll < 0.2:
        candidate, precision = dt.date(day.year, 1, 1), "year"
    elif roll < 0.4:
        candidate, precision = dt.date(day.year, day.month, 1), "month"
    else:
        return day, "day"
    return (candidate, precision) if candidate >= low else (day, "day")


def preorder(plan: list[BodyPlan]) -> list[BodyPlan]:
    """Return the plan renumbered in depth-first pre-order, so every subtree is contiguous."""
    order: list[int] = []
    stack = [0]
    while stack:
        index = stack.pop()
        order.append(index)
        stack.extend(reversed(plan[index].children))
    renumber = {old: new for new, old in enumerate(order)}
    result = [plan[old] for old in order]
    for body in result:
        body.index = renumber[body.index]
        body.parent = renumber[body.parent] if body.parent >= 0 else -1
        body.children = [renumber[child] for child in body.children]
    return result


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainder)."""
    if not weights:
        return []
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    parts = [math.floor(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def budgets_assign(plan: list[BodyPlan], *, terms: int, people: int) -> None:
    """Give each body its number of terms and its own people; sum the people of subtrees."""
    weights = [KIND_WEIGHT[body.kind] * max(1.0, life_days(body) / 365.25) for body in plan]
    for body, budget in zip(plan, allocate(terms, weights), strict=True):
        body.budget = budget
    counts = allocate(people, [max(body.budget, 1) for body in plan])
    start = 0
    for body, count in zip(plan, counts, strict=True):
        body.people_start, body.people_count = start, count
        start += count
    for body in reversed(plan):  # children come after their parent in pre-order
        body.subtree_end = max(
            [body.people_start + body.people_count]
            + [plan[child].subtree_end for child in body.children]
        )


def life_days(body: BodyPlan) -> int:
    return ((body.dissolved or HORIZON) - body.founded).days


# ---------------------------------------------------------------- names


def body_name(body: BodyPlan, plan: list[BodyPlan], countries: dict[str, dict[str, str]]) -> Any:
    """Return the body's founding name as a Text."""
    country = countries.get(body.country or "", {})
    kind = body.kind
    if kind == "coordination_committee":
        return {
            "en": "Coordination Committee",
            "ru": "Координационный комитет",
            "de": "Koordinierungskomitee",
            "zh": "协调委员会",
            "ko": "조정위원회",
        }
    if kind == "department":
        return {
            "en": f"Department No. {body.number}",
            "ru": f"Отдел № {body.number}",
            "de": f"Abteilung Nr. {body.number}",
        }
    if kind == "bureau":
        return {"en": f"Bureau {body.number} of {plan[body.parent].slug}"}
    if kind == "working_group":
        return {"en": f"Working Group {body.number} of Department No. {plan[body.parent].number}"}
    if kind == "executive_committee":
        return {
            "en": f"Executive Committee in {country['en']}",
            "ru": f"Исполнительный комитет: {country['ru']}",
            "de": f"Exekutivkomitee {country['de']}",
            "zh": f"{country['zh']}执行委员会",
            "ko": f"{country['ko']} 집행위원회",
        }
    if kind == "society":
        return {"en": f"{body.label} Society for Cultural Exchange"}
    if kind == "regional_committee":
        return {
            "en": f"{body.label} Regional Committee",
            "ru": f"Региональный комитет {body.label}",
        }
    if kind == "branch":
        return {"en": f"{body.label} Branch", "ru": f"Отделение {body.label}"}
    template_en, template_ru = INSTITUTIONS[(body.number or 0) % len(INSTITUTIONS)]
    return {
        "en": f"Primary Cell at the {template_en.format(body.label)}",
        "ru": f"Первичная ячейка: {template_ru.format(body.label)}",
    }


def ascii_fold(text: str) -> str:
    """Return ``text`` without diacritics (ü → ue, é → e) as people type it on Latin keyboards."""
    text = text.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").replace("ß", "ss")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def alternative(text: str, rules: dict[str, str]) -> str:
    for old, new in rules.items():
        text = text.replace(old, new)
    return text


def person_object(index: int, custodian: str, culture: str, rng: random.Random) -> dict[str, Any]:
    """Return a person with the names and variants usual in ``culture``."""
    parts = CULTURES[culture]
    person: dict[str, Any] = {"id": person_slug(index)}
    names: list[dict[str, str]] = []
    if culture == "ru":
        female = rng.random() < 0.5
        given = rng.choice(parts["given_f" if female else "given_m"])
        family = rng.choice(parts["family"])[1 if female else 0]
        father = rng.choice(parts["given_m"])
        patronymic = patronymic_of(father[0], female=female)
        display = f"{given[0]} {family[0]}"
        person.update(name=display, given=given[0], family=family[0], patronymic=patronymic)
        names.append({"name": f"{given[1]} {family[1]}", "lang": "ru", "kind": "native"})
        variant = alternative(display, parts["alt"])
        if variant != display:
            names.append({"name": variant, "kind": "transliteration"})
    elif culture in {"zh", "ko", "ja"}:
        family = rng.choice(parts["family"])
        if culture == "ja":
            given = rng.choice(parts["given"])
        else:
            first, second = rng.choice(parts["given"]), rng.choice(parts["given"])
            joiner = "-" if culture == "ko" else ""
            given = (first[0] + joiner + second[0].lower(), first[1] + second[1])
        family_first = culture != "ja" or rng.random() < 0.5
        display = f"{family[0]} {given[0]}" if family_first else f"{given[0]} {family[0]}"
        person.update(name=display, given=given[0], family=family[0])
        names.append({"name": family[1] + given[1], "lang": parts["lang"], "kind": "native"})
        variant = alternative(display, parts["alt"])
        if variant != display:
            names.append({"name": variant, "kind": "transliteration"})
    else:
        given, family = rng.choice(parts["given"]), rng.choice(parts["family"])
        display = f"{given} {family}"
        person.update(name=display, given=given, family=family)
        folded = ascii_fold(display)
        if folded != display:
            names.append({"name": folded, "kind": "transliteration"})
    if rng.random() < 0.05:
        names.append({"name": f"{display.split()[0]} {place_name(rng)}", "kind": "birth"})
    if rng.random() < 0.02:
        person["call_sign"] = f"{place_name(rng)}-{rng.randint(1, 99)}"
    if names:
        person["names"] = names
    if rng.random() < 0.6:
        born = dt.date(rng.randint(1935, 2005), rng.randint(1, 12), rng.randint(1, 28))
        person["born"] = born.isoformat() if rng.random() < 0.8 else str(born.year)
    person["custodian"] = custodian
    if rng.random() < 0.3:
        person["public"] = True
    if rng.random() < 0.01:
        partner = rng.choice(PARTNERS)
        start = dt.date(rng.randint(1995, 2024), 1, 1)
        affiliation: dict[str, Any] = {
            "partner": partner["id"],
            "title": {"en": "Member of the Board"},
            "start": str(start.year),
        }
        if rng.random() < 0.5 and start.year < 2024:
            affiliation["end"] = str(rng.randint(start.year, 2024))
        person["affiliations"] = [affiliation]
    return person


def patronymic_of(father: str, *, female: bool) -> str:
    """Return the patronymic formed from ``father`` (Sergey → Sergeevich, Ivan → Ivanovna)."""
    if father[-1] in "yi":
        return father[:-1] + ("evna" if female else "evich")
    return father + ("ovna" if female else "ovich")


def person_slug(index: int) -> str:
    return f"p{index:07d}"


def culture_of(body: BodyPlan, rng: random.Random) -> str:
    known = CULTURE_OF_COUNTRY.get(body.country or "")
    # A fifth of every committee comes from elsewhere: the organization is international.
    if known is None or rng.random() < 0.2:
        return rng.choice(list(CULTURES))
    return known


# ---------------------------------------------------------------- terms


@dataclass(slots=True)
class Segment:
    """One term of a chain: a holder of one post for one stretch of time."""

    start: dt.date
    start_precision: str
    end: dt.date | None  # exclusive; None: still held
    end_precision: str
    person: int = -1
    how: str = ""


@dataclass(slots=True)
class Group:
    """Concurrent holders of one post (same role and title) in one body."""

    role: str
    title: dict[str, str] | None
    chains: list[list[Segment]]
    by_decision: bool


def body_groups(body: BodyPlan, plan: list[BodyPlan], rng: random.Random) -> list[Group]:
    """Return the body's posts with their successive holders; exactly ``body.budget`` terms."""
    officers = OFFICERS[body.kind]
    member_roles = MEMBER_ROLES.get(body.kind, ["member"])
    life = life_days(body)
    per_chain = max(1, min(round(life / (365.25 * 2.5)), life // MIN_SEGMENT - 1))
    n_officer_chains = sum(count for _role, _title, count in officers)
    n_chains = max(n_officer_chains, math.ceil(body.budget / per_chain))
    if body.budget < n_chains:
        n_chains = max(1, body.budget)
    sizes = [
        body.budget // n_chains + (1 if i < body.budget % n_chains else 0) for i in range(n_chains)
    ]
    decided = ELECTED_BY_DECISION.get(body.kind, set())
    groups: list[Group] = []
    chain_index = 0
    for role, title, count in officers:
        chains = []
        for _ in range(count):
            if chain_index < n_chains and sizes[chain_index]:
                chains.append(chain_segments(body, sizes[chain_index], officer=True, rng=rng))
            chain_index += 1
        if chains:
            groups.append(Group(role, title, chains, body.by_decision or role in decided))
    members: dict[str, list[list[Segment]]] = {}
    for i in range(chain_index, n_chains):
        role = member_roles[i % len(member_roles)]
        members.setdefault(role, []).append(chain_segments(body, sizes[i], officer=False, rng=rng))
    for role, chains in members.items():
        groups.append(Group(role, None, chains, body.by_decision))
    low, high = people_range(body, plan)
    for group in groups:
        holders_assign(group, low, high, total=plan[0].subtree_end, rng=rng)
    return groups


def chain_segments(
    body: BodyPlan, count: int, *, officer: bool, rng: random.Random
) -> list[Segment]:
    """Return ``count`` successive terms of one post between the body's founding and its end."""
    life_end = body.dissolved or HORIZON
    life = (life_end - body.founded).days
    # A dissolved body's day-precision end may be read as its last day: keep a day spare.
    usable = life - 1
    slack = usable - count * MIN_SEGMENT
    assert slack >= 0, (body.slug, count, life)
    if officer or rng.random() < 0.5:
        start, start_precision = body.founded, body.founded_precision
    else:
        offset = int(slack * rng.random() * 0.4)
        start = body.founded + dt.timedelta(days=offset)
        start, start_precision = start_snapped(rng, start, body.founded, start)
        slack -= (start - body.founded).days
    weights = [rng.random() + 0.2 for _ in range(count)]
    total = sum(weights)
    boundaries = [start]
    day = start
    for weight in weights[:-1]:
        day = day + dt.timedelta(days=MIN_SEGMENT + int(slack * weight / total))
        boundaries.append(day)
    precisions = [start_precision]
    for i in range(1, len(boundaries)):
        low = boundaries[i - 1] + dt.timedelta(days=MIN_SEGMENT)
        high = (boundaries[i + 1] if i + 1 < len(boundaries) else life_end) - dt.timedelta(
            days=MIN_SEGMENT
        )
        boundaries[i], precision = start_snapped(rng, boundaries[i], low, high)
        precisions.append(precision)
    end: dt.date | None
    if body.dissolved is not None:
        end, end_precision = body.dissolved, body.dissolved_precision
    elif rng.random() < 0.12:  # the post fell vacant
        low = boundaries[-1] + dt.timedelta(days=MIN_SEGMENT)
        if low < HORIZON - DAY:
            end, end_precision = end_snapped(rng, day_between(rng, low, HORIZON - DAY), low)
        else:
            end, end_precision = None, "day"
    else:
        end, end_precision = None, "day"
    segments = []
    for i, first in enumerate(boundaries):
        if i + 1 < len(boundaries):
            segments.append(Segment(first, precisions[i], boundaries[i + 1], precisions[i + 1]))
        else:
            segments.append(Segment(first, precisions[i], end, end_precision))
    return segments


def people_range(body: BodyPlan, plan: list[BodyPlan]) -> tuple[int, int]:
    """Return the people a body recruits from: its parent's whole subtree (the top: everyone)."""
    source = plan[body.parent] if body.parent >= 0 else body
    return source.people_start, source.subtree_end


def holders_assign(group: Group, low: int, high: int, *, total: int, rng: random.Random) -> None:
    """Give each segment a holder, re-electing some; concurrent holders are distinct people."""
    tenures: list[tuple[dt.date, int, list[Segment]]] = []
    for number, chain in enumerate(group.chains):
        i = 0
        while i < len(chain):
            length = min(len(chain) - i, rng.choice((1, 1, 1, 2, 2, 3)))
            tenures.append((chain[i].start, number, chain[i : i + length]))
            i += length
    tenures.sort(key=lambda tenure: (tenure[0], tenure[1]))
    if high - low < 4 * len(group.chains) + 4:
        low, high = 0, total
    busy: set[int] = set()
    running: list[tuple[dt.date, int]] = []
    reappointing = group.role in APPOINTED_ROLES
    for start, _number, segments in tenures:
        while running and running[0][0] <= start:
            busy.discard(heapq.heappop(running)[1])
        person = rng.randrange(low, high)
        while person in busy:
            person = rng.randrange(low, high)
        busy.add(person)
        end = segments[-1].end or dt.date.max
        heapq.heappush(running, (end, person))
        for k, segment in enumerate(segments):
            segment.person = person
            if k:
                segment.how = "reappointed" if reappointing or group.by_decision else "elected"
            elif reappointing:
                segment.how = "appointed"
            else:
                roll = rng.random()
                segment.how = "coopted" if roll < 0.06 else "acting" if roll < 0.1 else "elected"


# ---------------------------------------------------------------- writing


class SectionWriter:
    """Write one JSON array, one object a line, into an open file."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0

    def write(self, item: dict[str, Any]) -> None:
        self.out.write(",\n" if self.count else "\n")
        self.out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        self.count += 1


def term_object(body: BodyPlan, group: Group, segment: Segment) -> dict[str, Any]:
    term: dict[str, Any] = {
        "person": person_slug(segment.person),
        "body": body.slug,
        "role": group.role,
    }
    if group.title is not None:
        term["title"] = group.title
    term["start"] = text_start(segment.start, segment.start_precision)
    if segment.end is not None:
        term["end"] = text_end(segment.end, segment.end_precision)
    if segment.how:
        term["how"] = segment.how
    return term


class DecisionLog:
    """Collect the sessions and decisions of one body, then write them out."""

    def __init__(
        self, sessions: SectionWriter, decisions: SectionWriter, seen_sessions: set[str]
    ) -> None:
        self.sessions = sessions
        self.decisions = decisions
        self.seen_sessions = seen_sessions

    def session(self, host: BodyPlan, day: dt.date, title: str, rng: random.Random) -> str:
        slug = f"s-{host.slug}-{day:%Y%m%d}"
        if slug not in self.seen_sessions:
            self.seen_sessions.add(slug)
            session: dict[str, Any] = {
                "id": slug,
                "title": {"en": title},
                "date": day.isoformat(),
                "hosts": [host.slug],
            }
            if host.country:
                session["country"] = host.country
            session["format"] = rng.choice(("in_person", "in_person", "online", "hybrid"))
            self.sessions.write(session)
        return slug

    def decide(
        self,
        *,
        host: BodyPlan,
        day: dt.date,
        slug: str,
        kind: str,
        text: str,
        effects: list[dict[str, Any]],
        rng: random.Random,
    ) -> None:
        session = self.session(host, day, f"Meeting of {host.slug}", rng)
        decision: dict[str, Any] = {
            "id": slug,
            "session": session,
            "kind": kind,
            "status": "adopted",
            "text": {"en": text},
        }
        if rng.random() < 0.3:
            present = rng.randint(5, 40)
            against = rng.randint(0, present // 5)
            decision["votes"] = {"for": present - against, "against": against, "abstain": 0}
        decision["effects"] = effects
        self.decisions.write(decision)


def body_decisions(
    body: BodyPlan,
    plan: list[BodyPlan],
    groups: list[Group],
    body_object: dict[str, Any] | None,
    log: DecisionLog,
    rng: random.Random,
) -> None:
    """Write the decisions that found, staff, rename and dissolve ``body``."""
    by_day: dict[dt.date, list[dict[str, Any]]] = {}
    for group in groups:
        if not group.by_decision:
            continue
        for chain in group.chains:
            for k, segment in enumerate(chain):
                effect: dict[str, Any] = {
                    "op": "start_term",
                    "person": person_slug(segment.person),
                    "body": body.slug,
                    "role": group.role,
                }
                if group.title is not None:
                    effect["title"] = group.title
                effect["how"] = "founding" if segment.start == body.founded else segment.how
                effect["start"] = text_start(segment.start, segment.start_precision)
                by_day.setdefault(segment.start, []).append(effect)
                successor = chain[k + 1] if k + 1 < len(chain) else None
                if segment.end is None or segment.end == body.dissolved:
                    continue  # still held, or ended by the dissolution
                if (
                    successor is not None
                    and successor.person == segment.person
                    and successor.how == "reappointed"
                ):
                    continue  # the re-election ends it
                ending: dict[str, Any] = {
                    "op": "end_term",
                    "person": person_slug(segment.person),
                    "body": body.slug,
                    "role": group.role,
                }
                if group.title is not None:
                    ending["title"] = group.title
                ending["end"] = text_end(segment.end, segment.end_precision)
                ending["reason"] = "term expired" if successor else "resigned"
                # Ends come first so a re-elected holder's seat is free again.
                by_day.setdefault(segment.end, []).insert(0, ending)
    host = plan[body.parent] if body.by_decision else body
    for day in sorted(by_day):
        effects = by_day[day]
        if day == body.founded and body_object is not None:
            effects.insert(0, {"op": "found_body", "body": body_object})
        starts = sum(1 for effect in effects if effect["op"] == "start_term")
        log.decide(
            host=host,
            day=day,
            slug=f"d-{body.slug}-{day:%Y%m%d}",
            kind="election" if starts else "other",
            text=f"Changes in {body.slug}: {starts} elected",
            effects=effects,
            rng=rng,
        )
    if body_object is not None and body.founded not in by_day:
        log.decide(
            host=host,
            day=body.founded,
            slug=f"d-{body.slug}-{body.founded:%Y%m%d}",
            kind="resolution",
            text=f"{body.slug} is founded",
            effects=[{"op": "found_body", "body": body_object}],
            rng=rng,
        )
    if body.by_decision and body.dissolved is not None:
        last_day = body.dissolved - DAY
        log.decide(
            host=host,
            day=last_day,
            slug=f"d-{body.slug}-{last_day:%Y%m%d}-dissolve",
            kind="dissolution",
            text=f"{body.slug} is dissolved; its work passes on",
            effects=[
                {
                    "op": "dissolve_body",
                    "body": body.slug,
                    "transfer": [{"mandate": mandate_of(body), "to": [plan[body.parent].slug]}],
                }
            ],
            rng=rng,
        )
    if body.kind in {"executive_committee", "regional_committee"} and rng.random() < 0.15:
        day = day_between(rng, body.founded + dt.timedelta(days=365), HORIZON - DAY)
        log.decide(
            host=body,
            day=day,
            slug=f"d-{body.slug}-{day:%Y%m%d}-rename",
            kind="resolution",
            text=f"{body.slug} takes a new name",
            effects=[
                {
                    "op": "rename_body",
                    "body": body.slug,
                    "name": {"en": f"{body.label} Committee of Friendship"},
                }
            ],
            rng=rng,
        )


def mandate_of(body: BodyPlan) -> str:
    return f"{body.slug}-agenda"


def body_object_for(
    body: BodyPlan, plan: list[BodyPlan], countries: dict[str, dict[str, str]]
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": body.slug,
        "kind": body.kind,
        "name": body_name(body, plan, countries),
    }
    if body.parent >= 0:
        data["parent"] = plan[body.parent].slug
    if body.number is not None:
        data["number"] = body.number
    if body.country:
        data["countries"] = [body.country]
    if body.kind == "primary_cell":
        template_en, template_ru = INSTITUTIONS[(body.number or 0) % len(INSTITUTIONS)]
        data["institution"] = {
            "en": template_en.format(body.label),
            "ru": template_ru.format(body.label),
        }
    if body.kind == "regional_committee":
        data["region"] = {"en": f"{body.label} Province"}
    if body.kind == "society":
        data["affiliated"] = True
    if body.kind == "coordination_committee":
        data["aliases"] = [{"en": "Central Committee"}]
        data["mandates"] = ["statutes", "external-relations"]
    data["founded"] = text_start(body.founded, body.founded_precision)
    if body.dissolved is not None and not body.by_decision:
        data["dissolved"] = text_end(body.dissolved, body.dissolved_precision)
    if body.kind == "working_group":
        data["mandates"] = [mandate_of(body)]
    if body.kind == "department":
        data["mandates"] = [f"{body.slug}-work"]
    return data


def chronicle_write(
    *, people: int, bodies: int, terms: int, seed: int, output: Path, progress: IO[str]
) -> dict[str, int]:
    """Write the Chronicle to ``output``; return how many objects of each section it holds."""
    started = time.monotonic()
    rng = random.Random(f"{seed}:tree")
    plan = tree_plan(bodies=bodies, rng=rng)
    budgets_assign(plan, terms=terms, people=people)
    countries = {code: names for code, names in countries_all()}
    output.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with (
        SpillFiles(output.parent) as spill,
        output.open("w", encoding="utf-8", buffering=1 << 20) as out,
    ):
        out.write('{"chronicle":1,\n"organization":')
        out.write(
            json.dumps(
                {
                    "name": {
                        "en": "International Solidarity Federation",
                        "ru": "Международная федерация солидарности",
                        "de": "Internationale Solidaritätsföderation",
                        "zh": "国际团结联合会",
                        "ko": "국제연대연맹",
                    },
                    "short_name": {"en": "ISF", "ru": "МФС"},
                    "languages": LANGUAGES,
                    "default_language": "en",
                    "founded": text_start(ORIGIN, "year"),
                },
                ensure_ascii=False,
            )
        )
        out.write(',\n"bodies":[')
        section = SectionWriter(out)
        for body in plan:
            if not body.by_decision:
                section.write(body_object_for(body, plan, countries))
        out.write("\n],\n")
        counts["bodies"] = section.count
        report(progress, "bodies", section.count, started)

        out.write('"people":[')
        section = SectionWriter(out)
        people_rng = random.Random(f"{seed}:people")
        for body in plan:
            for index in range(body.people_start, body.people_start + body.people_count):
                culture = culture_of(body, people_rng)
                section.write(person_object(index, body.slug, culture, people_rng))
                if section.count % 200_000 == 0:
                    report(progress, "people", section.count, started)
        out.write("\n],\n")
        counts["people"] = section.count
        report(progress, "people", section.count, started)

        out.write('"terms":[')
        section = SectionWriter(out)
        sessions, decisions = SectionWriter(spill.sessions), SectionWriter(spill.decisions)
        log = DecisionLog(sessions, decisions, set())
        terms_by_decision = 0
        for body in plan:
            body_rng = random.Random(f"{seed}:body:{body.index}")
            groups = body_groups(body, plan, body_rng)
            for group in groups:
                if group.by_decision:
                    terms_by_decision += sum(len(chain) for chain in group.chains)
                    continue
                for chain in group.chains:
                    for segment in chain:
                        section.write(term_object(body, group, segment))
                        if section.count % 500_000 == 0:
                            report(progress, "terms", section.count, started)
            body_object = body_object_for(body, plan, countries) if body.by_decision else None
            body_decisions(body, plan, groups, body_object, log, body_rng)
        awards_write(
            log,
            plan,
            people=people,
            count=max(3, terms // 2000),
            rng=random.Random(f"{seed}:awards"),
        )
        out.write("\n],\n")
        counts["terms"] = section.count
        counts["terms_by_decision"] = terms_by_decision
        report(progress, "terms", section.count, started)

        for name, writer, spilled in (
            ("sessions", sessions, spill.sessions),
            ("decisions", decisions, spill.decisions),
        ):
            out.write(f'"{name}":[')
            spilled.flush()
            spilled.seek(0)
            shutil.copyfileobj(spilled, out, 1 << 20)
            out.write("\n],\n")
            counts[name] = writer.count
        out.write('"partners":')
        out.write(json.dumps(PARTNERS, ensure_ascii=False))
        out.write(',\n"honours":')
        out.write(json.dumps(HONOURS, ensure_ascii=False))
        out.write("\n}\n")
    report(progress, "done", counts["terms"] + counts["terms_by_decision"], started)
    return counts


def awards_write(
    log: DecisionLog, plan: list[BodyPlan], *, people: int, count: int, rng: random.Random
) -> None:
    """Award honours at sessions of the coordination committee from 2000 on."""
    top = plan[0]
    days = sorted(
        {day_between(rng, dt.date(2000, 1, 1), HORIZON - DAY) for _ in range(max(1, count // 5))}
    )
    per_day = allocate(count, [1.0] * len(days))
    for day, awarded in zip(days, per_day, strict=True):
        effects = [
            {
                "op": "award",
                "person": person_slug(rng.randrange(people)),
                "honour": rng.choice(HONOURS)["id"],
            }
            for _ in range(awarded)
        ]
        if effects:
            log.decide(
                host=top,
                day=day,
                slug=f"d-cc-{day:%Y%m%d}-awards",
                kind="award",
                text="Honours for service to the federation",
                effects=effects,
                rng=rng,
            )


class SpillFiles:
    """Two temporary files beside the output for sessions and decisions, removed afterwards."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> SpillFiles:
        kwargs: dict[str, Any] = {
            "mode": "w+",
            "encoding": "utf-8",
            "dir": self.directory,
            "suffix": ".spill",
        }
        self.sessions = tempfile.TemporaryFile(**kwargs)
        self.decisions = tempfile.TemporaryFile(**kwargs)
        return self

    def __exit__(self, *exc: object) -> None:
        self.sessions.close()
        self.decisions.close()


def report(progress: IO[str], what: str, count: int, started: float) -> None:
    progress.write(f"  {what:>9}: {count:>10,}  ({time.monotonic() - started:6.1f} s)\n")
    progress.flush()


# ---------------------------------------------------------------- checking


def items(path: Path) -> Iterator[tuple[str, Any]]:
    """Yield ``(section, object)`` for every object of every section, streaming the file."""
    import ijson

    with path.open("rb") as stream:
        builder: Any = None
        root = ""
        for prefix, event, value in ijson.parse(stream):
            if builder is None:
                if event == "start_map" and (
                    prefix == "organization"
                    or (prefix.endswith(".item") and prefix.count(".") == 1)
                ):
                    root, builder = prefix, ijson.ObjectBuilder()
                    builder.event(event, value)
                continue
            builder.event(event, value)
            # Nested objects have longer prefixes: this end closes the item itself.
            if prefix == root and event == "end_map":
                yield root.split(".")[0], builder.value
                builder = None


def chronicle_check(path: Path, *, twins: bool) -> dict[str, int]:
    """Validate every object against the Chronicle models and check the references.

    With ``twins``, also check that no two terms of the same person, body, role
    and title overlap (this holds every term in memory: small files only).
    Raise ``SystemExit`` with the first problems found.
    """
    from chapterhouse.core.chronicle_schema import SECTION_MODELS

    problems: list[str] = []
    counts: dict[str, int] = {}
    ids: dict[str, set[str]] = {"bodies": set(), "people": set(), "sessions": set()}
    references: list[tuple[str, str, str]] = []
    spans: dict[tuple[str, str, str, str], list[tuple[dt.date, dt.date | None]]] = {}
    for section, item in items(path):
        counts[section] = counts.get(section, 0) + 1
        try:
            SECTION_MODELS[section].model_validate(item)
        except Exception as error:  # pydantic.ValidationError, reported with the object
            problems.append(f"{section}[{counts[section] - 1}]: {error}")
            if len(problems) > 20:
                break
            continue
        if section in ids:
            ids[section].add(item["id"])
        if section == "decisions":
            references.append(("sessions", item["session"], f"decision {item['id']}"))
            for effect in item.get("effects", []):
                if effect["op"] == "found_body":
                    ids["bodies"].add(effect["body"]["id"])
                    counts["bodies_by_decision"] = counts.get("bodies_by_decision", 0) + 1
                for field_name, kind in (("person", "people"), ("body", "bodies")):
                    if isinstance(effect.get(field_name), str):
                        references.append((kind, effect[field_name], f"decision {item['id']}"))
                if effect["op"] == "start_term":
                    counts["terms_by_decision"] = counts.get("terms_by_decision", 0) + 1
        if section == "terms":
            references.append(("people", item["person"], "term"))
            references.append(("bodies", item["body"], "term"))
            if twins:
                twin_key = (
                    item["person"],
                    item["body"],
                    item["role"],
                    json.dumps(item.get("title"), sort_keys=True),
                )
                from chapterhouse.core.partial_dates import PartialDate

                start = PartialDate.parse(item["start"]).start()
                end = PartialDate.parse(item["end"]).end() if "end" in item else None
                spans.setdefault(twin_key, []).append((start, end))
        if section == "people" and "custodian" in item:
            references.append(("bodies", item["custodian"], "person custodian"))
    for kind, slug, where in references:
        if slug not in ids[kind]:
            problems.append(f"{where} refers to an unknown {kind} id {slug!r}")
            if len(problems) > 20:
                break
    for twin_key, intervals in spans.items():
        intervals.sort(key=lambda interval: interval[0])
        for (_s1, e1), (s2, _e2) in itertools.pairwise(intervals):
            if e1 is None or e1 > s2:
                problems.append(f"twin terms overlap: {twin_key} at {s2}")
    if problems:
        raise SystemExit("The Chronicle is not valid:\n" + "\n".join(problems[:20]))
    return counts


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--people", type=int, help=f"default {FULL['people']:,}")
    parser.add_argument("--bodies", type=int, help=f"default {FULL['bodies']:,}")
    parser.add_argument("--terms", type=int, help=f"default {FULL['terms']:,}")
    parser.add_argument(
        "--small", action="store_true", help="quick mode: 10,000 people, 1,000 bodies, 30,000 terms"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument(
        "--validate",
        action="store_true",
        help="afterwards, check every object against the Chronicle models",
    )
    args = parser.parse_args(argv)
    sizes = dict(SMALL if args.small else FULL)
    for key in sizes:
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    if sizes["bodies"] < 200:
        parser.error("--bodies must be at least 200")
    if sizes["people"] < 1000 or sizes["terms"] < sizes["bodies"]:
        parser.error("--people must be at least 1000 and --terms at least --bodies")
    print(
        f"Writing {args.output}: {sizes['people']:,} people, {sizes['bodies']:,} bodies, "
        f"{sizes['terms']:,} terms (seed {args.seed})",
        file=sys.stderr,
    )
    counts = chronicle_write(seed=args.seed, output=args.output, progress=sys.stderr, **sizes)
    print(json.dumps(counts))
    if args.validate:
        checked = chronicle_check(args.output, twins=sizes["terms"] <= 300_000)
        print(f"Valid: {json.dumps(checked)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Time the conference report per working language on an organization of 100,000 people.

    .venv/bin/python bench/report_bench.py                       # SQLite, var/bench/
    .venv/bin/python bench/report_bench.py --runs 10 --pdf-runs 3
    .venv/bin/python bench/report_bench.py \
        --database-url postgresql://postgres@127.0.0.1:5432/chapterhouse_report_bench

It writes the Chronicle of an invented federation (deterministic for a
``--seed``): a coordination committee, 12 departments with working groups, an
executive committee in each of 150 countries with 20 primary cells each, and
100,000 people named in their own scripts (Hangul, Han, Cyrillic, Latin), each
a member of a cell, with heads, secretaries, directors and council members — about
107,000 terms. Its 6th General Conference has 20 sessions (one a day, hosted by
one or two committees in their countries, with chair, speakers, a rapporteur,
guests with their capacity, participants and documents; some timed to
commemorations) and 300 decisions in a realistic mix: elections to the council
and as candidates, appointments with a title and a term length, re-elected
committee heads, resignations, working groups founded and dissolved with their
mandates handed over, renames, awards, instructions with assignees and due
dates, agreements signed, resolutions, and a few rejected or only proposed.

It imports that file with the real importer (``chronicle_import``: validation,
decisions applied) into a fresh database, then times, for each working
language, what a visitor's download costs: ``conference_report`` (the reads,
as an anonymous visitor sees them) plus ``render_markdown``, and the same plus
``render_pdf_report`` (Typst). It prints the median and p95 of the runs (the
first PDF run, in which the process indexes the fonts, is shown apart) and the
number of SQL queries. Targets (two cores): markdown <= 200 ms, PDF <= 2 s.

``--database-url`` must name a database that is empty or does not hold
Chronicle data (create one with ``createdb``); the SQLite default file is
deleted and made anew. ``--keep`` keeps the SQLite file and the Chronicle.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapterhouse.settings")
os.environ.setdefault("SECRET_KEY", "insecure-bench-only-key")  # DEBUG off needs a key

LANGUAGES = ["ko", "en", "ru", "zh", "de"]
CONFERENCE = "gc-6"
FIRST_DAY = (2025, 5, 4)
SESSIONS = 20
DECISIONS = 300
CELLS_PER_COMMITTEE = 20
# Countries whose committees exist for sure, then the others CLDR knows, in code order.
COUNTRIES_FIRST = ["KR", "CN", "RU", "KZ", "DE", "JP", "AR", "SE", "BR", "IN", "FR", "VN"]
NOT_COUNTRIES = {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB"}
NOT_COUNTRIES |= {"XK", "ZZ"}
CYRILLIC_COUNTRIES = {"RU", "KZ", "BY", "UA", "KG", "BG", "RS", "MN", "TJ"}

KO_FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
KO_GIVEN = "민준서연지현우수영호하은도윤성진혜원태희"
ZH_FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
ZH_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
RU_GIVEN = ["Ирина", "Алексей", "Ольга", "Дмитрий", "Анна", "Сергей", "Мария", "Тимур"]
RU_FAMILY = ["Волков", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Новиков", "Ахметов"]
LATIN_GIVEN = ["Ana", "Lucas", "Sofia", "Jonas", "Maria", "Erik", "Lucia", "Jürgen", "Amara"]
LATIN_FAMILY = ["Costa", "Müller", "Fernández", "Lind", "Silva", "Dubois", "Okafor", "Nguyen"]


# -- the Chronicle ------------------------------------------------------------------------


def _text(words: dict[str, str]) -> dict[str, str]:
    return {lang: value for lang, value in words.items() if value}


def _countries(count: int) -> list[str]:
    from babel import Locale

    known = sorted(
        code
        for code in Locale.parse("en").territories
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )
    rest = [code for code in known if code not in COUNTRIES_FIRST]
    return (COUNTRIES_FIRST + rest)[:count]


def _country_names(code: str) -> dict[str, str]:
    from chapterhouse.core.cldr import country_name

    return {lang: country_name(code, lang) for lang in LANGUAGES}


def _person_name(rng: random.Random, country: str) -> tuple[str, list[dict[str, str]]]:
    """Return a display name in the script of ``country`` and, sometimes, a Latin variant."""
    if country == "KR":
        name = rng.choice(KO_FAMILY) + rng.choice(KO_GIVEN) + rng.choice(KO_GIVEN)
        return name, [{"name": f"Person {name}", "kind": "transliteration"}]
    if country == "CN":
        name = rng.choice(ZH_FAMILY) + rng.choice(ZH_GIVEN) + rng.choice(ZH_GIVEN)
        return name, []
    if country in CYRILLIC_COUNTRIES:
        given, family = rng.choice(RU_GIVEN), rng.choice(RU_FAMILY)
        if given.endswith("а"):
            family += "а"
        return f"{given} {family}", []
    return f"{rng.choice(LATIN_GIVEN)} {rng.choice(LATIN_FAMILY)}", []


def chronicle(*, people: int, seed: int) -> dict[str, Any]:
    """Return the Chronicle of the invented federation and its 6th General Conference."""
    import datetime as dt

    rng = random.Random(seed)
    first_day = dt.date(*FIRST_DAY)
    committees = max(1, min(150, people // (CELLS_PER_COMMITTEE * 30)))
    countries = _countries(committees)

    bodies: list[dict[str, Any]] = [
        {
            "id": "cc",
            "kind": "coordination_committee",
            "name": _text(
                {
                    "en": "Coordination Committee",
                    "ru": "Координационный комитет",
                    "de": "Koordinierungsausschuss",
                    "zh": "协调委员会",
                    "ko": "조정위원회",
                }
            ),
            "founded": "1995-03-01",
            "mandates": ["statutes", "external-relations"],
        }
    ]
    departments = [f"dept-{n}" for n in range(1, 13)]
    for number, slug in enumerate(departments, start=1):
        bodies.append(
            {
                "id": slug,
                "kind": "department",
                "parent": "cc",
                "number": number,
                "name": _text(
                    {
                        "en": f"Department {number}",
                        "ru": f"{number}-й отдел",
                        "de": f"Abteilung {number}",
                        "zh": f"第{number}部",
                        "ko": f"제{number}부",
                    }
                ),
                "founded": "1996",
                "mandates": [f"{slug}-work"],
            }
        )
    groups = [f"wg-{n}" for n in range(1, 25)]
    for index, slug in enumerate(groups):
        bodies.append(
            {
                "id": slug,
                "kind": "working_group",
                "parent": departments[index % 12],
                "name": _text(
                    {"en": f"Working Group {index + 1}", "ru": f"Рабочая группа {index + 1}"}
                ),
                "founded": "2015",
                "mandates": [f"{slug}-topic"],
            }
        )
    committee_of: dict[str, str] = {}
    cells: dict[str, list[str]] = {}
    for code in countries:
        names = _country_names(code)
        slug = f"ec-{code.lower()}"
        committee_of[code] = slug
        bodies.append(
            {
                "id": slug,
                "kind": "executive_committee",
                "parent": "cc",
                "countries": [code],
                "name": _text(
                    {
                        "en": f"Executive Committee in {names['en']}",
                        "ru": f"Исполнительный комитет ({names['ru']})",
                        "de": f"Exekutivkomitee {names['de']}",
                        "zh": f"{names['zh']}执行委员会",
                        "ko": f"{names['ko']} 집행위원회",
                    }
                ),
                "founded": "1996",
            }
        )
        cells[slug] = []
        for number in range(1, CELLS_PER_COMMITTEE + 1):
            cell = f"{slug}-cell-{number}"
            cells[slug].append(cell)
            bodies.append(
                {
                    "id": cell,
                    "kind": "primary_cell",
                    "parent": slug,
                    "name": _text(
                        {
                            "en": f"Primary Cell {number} ({names['en']})",
                            "ru": f"Первичная ячейка № {number} ({names['ru']})",
                        }
                    ),
                    "founded": "1999",
                }
            )

    persons: list[dict[str, Any]] = []
    terms: list[dict[str, Any]] = []
    members_of: dict[str, list[str]] = {cell: [] for slugs in cells.values() for cell in slugs}
    all_cells = [cell for slugs in cells.values() for cell in slugs]
    country_of_cell = {cell: code for code in countries for cell in cells[committee_of[code]]}
    for index in range(people):
        cell = all_cells[index % len(all_cells)]
        slug = f"p{index:06d}"
        name, variants = _person_name(rng, country_of_cell[cell])
        person: dict[str, Any] = {
            "id": slug,
            "name": name,
            "custodian": cell,
            "public": rng.random() < 0.9,
        }
        if variants and index % 5 == 0:
            person["names"] = variants
        persons.append(person)
        members_of[cell].append(slug)
        start = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(9000))
        terms.append({"person": slug, "body": cell, "role": "member", "start": start.isoformat()})

    used: set[str] = set()

    def pick(pool: list[str]) -> str:
        for _ in range(1000):
            slug = rng.choice(pool)
            if slug not in used:
                used.add(slug)
                return slug
        raise RuntimeError("the pool is used up")

    heads: dict[str, str] = {}
    for committee, slugs in cells.items():
        for cell in slugs:
            for role in ("head", "secretary"):
                terms.append(
                    {
                        "person": pick(members_of[cell]),
                        "body": cell,
                        "role": role,
                        "start": "2022-01-15",
                        "how": "elected",
                    }
                )
        head = pick(members_of[slugs[0]])
        heads[committee] = head
        terms.append(
            {
                "person": head,
                "body": committee,
                "role": "head",
                "start": "2021-03-01",
                "how": "elected",
            }
        )
        terms.append(
            {
                "person": pick(members_of[slugs[1]]),
                "body": committee,
                "role": "deputy_head",
                "start": "2021-03-01",
                "how": "elected",
            }
        )
    everyone = [person["id"] for person in persons]
    council = [pick(everyone) for _ in range(40)]
    terms.append({"person": council[0], "body": "cc", "role": "chair", "start": "2019-05-20"})
    for slug in council[1:3]:
        terms.append({"person": slug, "body": "cc", "role": "deputy_chair", "start": "2019-05-20"})
    for slug in council:
        terms.append({"person": slug, "body": "cc", "role": "member", "start": "2019-05-20"})
    department_staff: list[tuple[str, str]] = []
    for slug in departments:
        terms.append(
            {"person": pick(everyone), "body": slug, "role": "director", "start": "2020-02-01"}
        )
        for _ in range(4):
            person = pick(everyone)
            department_staff.append((person, slug))
            terms.append({"person": person, "body": slug, "role": "member", "start": "2020-02-01"})

    commemorations = [
        {
            "id": "founding-day",
            "name": _text(
                {
                    "en": "Founding Day",
                    "ru": "День основания",
                    "de": "Gründungstag",
                    "zh": "成立纪念日",
                    "ko": "창립기념일",
                }
            ),
            "date": "1995-05-09",
        },
        {
            "id": "charter-day",
            "name": _text({"en": "Charter Day", "ru": "День устава", "de": "Tag der Charta"}),
            "date": "1998-05-12",
        },
        {
            "id": "youth-day",
            "name": _text({"en": "Youth Day", "ko": "청년의 날", "zh": "青年节"}),
            "date": "1946-05-19",
        },
    ]
    honours = [
        {
            "id": "friendship-badge",
            "name": _text({"en": "Friendship Badge", "ru": "Знак дружбы", "ko": "친선 휘장"}),
            "kind": "badge",
        },
        {
            "id": "order-of-merit",
            "name": _text({"en": "Order of Merit", "de": "Verdienstorden", "zh": "功勋勋章"}),
            "kind": "order",
        },
        {
            "id": "letter-of-thanks",
            "name": _text({"en": "Letter of Thanks", "ru": "Благодарственное письмо"}),
            "kind": "letter_of_thanks",
        },
    ]
    partners = [
        {
            "id": f"partner-{n}",
            "name": _text({"en": f"Partner Union {n}", "ru": f"Союз-партнёр {n}"}),
            "kind": "youth_union",
            "country": countries[n % len(countries)],
        }
        for n in range(1, 11)
    ]
    agreements = [
        {
            "id": f"agreement-{n}",
            "title": _text(
                {
                    "en": f"Agreement on Cooperation with Partner Union {n}",
                    "ru": f"Соглашение о сотрудничестве с союзом-партнёром {n}",
                }
            ),
            "parties": ["self", f"partner-{n}"],
            "status": "in_development",
            "articles": [
                _text({"en": "To promote mutual cooperation."}),
                _text({"en": "To exchange delegations."}),
            ],
        }
        for n in range(1, 11)
    ]

    conference = {
        "id": CONFERENCE,
        "number": 6,
        "kind": "general",
        "name": _text(
            {
                "en": "6th General Conference",
                "ru": "6-я генеральная конференция",
                "de": "6. Generalkonferenz",
                "zh": "第六次全体大会",
                "ko": "제6차 총회",
            }
        ),
        "dedication": _text(
            {
                "en": "Dedicated to the 30th anniversary of the federation",
                "ru": "Посвящается 30-летию федерации",
            }
        ),
        "start": first_day.isoformat(),
        "end": (first_day + dt.timedelta(days=SESSIONS - 1)).isoformat(),
    }
    committee_list = list(cells)
    formats = ["in_person", "hybrid", "online"]
    sessions = []
    for day in range(1, SESSIONS + 1):
        on = first_day + dt.timedelta(days=day - 1)
        if day == 1:
            hosts, country = ["cc"], countries[0]
        else:
            first = committee_list[(day * 7) % len(committee_list)]
            second = committee_list[(day * 11) % len(committee_list)]
            hosts = [first] if day % 3 or second == first else [first, second]
            country = countries[committee_list.index(first)]
        local = [member for host in hosts if host in cells for member in members_of[cells[host][2]]]
        pool = local or everyone
        chair = heads.get(hosts[0], council[0])
        attendees = [{"person": chair, "role": "chair"}]
        attendees += [{"person": rng.choice(pool), "role": "speaker"} for _ in range(3)]
        attendees.append({"person": rng.choice(pool), "role": "rapporteur"})
        attendees += [
            {
                "person": rng.choice(everyone),
                "role": "guest",
                "capacity": _text(
                    {"en": f"Delegate of Partner Union {n}", "ru": f"Делегат союза-партнёра {n}"}
                ),
            }
            for n in (day % 10 + 1, (day + 3) % 10 + 1)
        ]
        seen: set[str] = set()
        attendees += [
            {"person": slug, "role": "participant"} for slug in rng.sample(pool, min(12, len(pool)))
        ]
        unique = []
        for attendee in attendees:
            if attendee["person"] not in seen:
                seen.add(attendee["person"])
                unique.append(attendee)
        occasions = [commemorations[day % 3]["id"]] if day % 4 == 0 else []
        sessions.append(
            {
                "id": f"gc6-d{day}",
                "conference": CONFERENCE,
                "day": day,
                "title": _text(
                    {
                        "en": f"Session of day {day}",
                        "ru": f"Заседание {day}-го дня",
                        "ko": f"{day}일차 회의",
                    }
                ),
                "date": on.isoformat(),
                "hosts": hosts,
                "country": country,
                "city": _text({"en": f"City {day}", "ru": f"Город {day}"}),
                "venue": _text({"en": f"Hall {day}"}),
                "format": formats[day % 3],
                "chair": chair,
                "occasions": occasions,
                "attendees": unique,
                "documents": [
                    {
                        "id": f"gc6-d{day}-speech",
                        "kind": "speech",
                        "title": _text(
                            {"en": f"Address of day {day}", "ru": f"Выступление {day}-го дня"}
                        ),
                        "author": chair,
                        "text": _text({"en": "Dear friends ..."}),
                    },
                    {
                        "id": f"gc6-d{day}-minutes",
                        "kind": "minutes",
                        "title": _text({"en": f"Minutes of day {day}"}),
                        "text": _text({"en": "The session opened ..."}),
                    },
                ],
            }
        )

    decisions = _decisions(
        rng=rng,
        sessions=sessions,
        pick=pick,
        everyone=everyone,
        heads=heads,
        cells=cells,
        members_of=members_of,
        department_staff=department_staff,
        departments=departments,
        groups=groups,
    )
    return {
        "chronicle": 1,
        "organization": {
            "name": _text(
                {
                    "en": "International Federation of Friendship",
                    "ru": "Международная федерация дружбы",
                    "de": "Internationale Föderation der Freundschaft",
                    "zh": "国际友谊联合会",
                    "ko": "국제우호연맹",
                }
            ),
            "short_name": _text({"en": "IFF", "ru": "МФД", "zh": "国友联", "ko": "국우연"}),
            "languages": LANGUAGES,
            "default_language": "en",
            "founded": "1995-05-09",
        },
        "bodies": bodies,
        "people": persons,
        "terms": terms,
        "commemorations": commemorations,
        "conferences": [conference],
        "sessions": sessions,
        "decisions": decisions,
        "partners": partners,
        "agreements": agreements,
        "honours": honours,
    }


def _decisions(
    *,
    rng: random.Random,
    sessions: list[dict[str, Any]],
    pick: Any,
    everyone: list[str],
    heads: dict[str, str],
    cells: dict[str, list[str]],
    members_of: dict[str, list[str]],
    department_staff: list[tuple[str, str]],
    departments: list[str],
    groups: list[str],
) -> list[dict[str, Any]]:
    """Return the conference's 300 decisions: the mix of kinds the module docstring lists."""
    plan = (
        ["council"] * 60
        + ["candidates"] * 30
        + ["representative"] * 15
        + ["reelect"] * 20
        + ["resign"] * 20
        + ["found"] * 12
        + ["dissolve"] * 8
        + ["rename"] * 10
        + ["award"] * 40
        + ["task"] * 40
        + ["agreement"] * 10
        + ["resolution"] * 35
    )
    assert len(plan) == DECISIONS
    rng.shuffle(plan)
    committees = list(heads)
    rng.shuffle(committees)
    staff = list(department_staff)
    dissolvable = list(groups[:8])
    cells_to_rename = [cell for slugs in cells.values() for cell in slugs[3:4]]
    counters: dict[str, int] = {}
    decisions = []
    for index, kind in enumerate(plan):
        if (kind == "reelect" and counters.get(kind, 0) >= len(committees)) or (
            kind == "rename" and counters.get(kind, 0) >= len(cells_to_rename)
        ):
            kind = "resolution"  # a small organization has fewer committees to change
        counters[kind] = counters.get(kind, 0) + 1
        number = counters[kind]
        at_conference = index >= DECISIONS - 20  # the last 20: decisions of the conference
        session = sessions[index % len(sessions)]
        place: dict[str, Any] = (
            {"conference": CONFERENCE} if at_conference else {"session": session["id"]}
        )
        status = "adopted"
        effects: list[dict[str, Any]] = []
        decision_kind = "resolution"
        text = {
            "en": f"Resolution {number} on the work of the federation",
            "ru": f"Резолюция № {number}",
        }
        if kind == "council":
            decision_kind = "election"
            people = [pick(everyone) for _ in range(1 + number % 3)]
            effects = [
                {"op": "start_term", "person": p, "body": "cc", "role": "member", "how": "elected"}
                for p in people
            ]
            text = {"en": f"Election {number} of members of the Coordination Committee"}
        elif kind == "candidates":
            decision_kind = "election"
            effects = [
                {
                    "op": "start_term",
                    "person": pick(everyone),
                    "body": "cc",
                    "role": "candidate_member",
                    "how": "elected",
                }
            ]
            text = {"en": f"Election {number} of a candidate member"}
        elif kind == "representative":
            decision_kind = "appointment"
            effects = [
                {
                    "op": "start_term",
                    "person": pick(everyone),
                    "body": "cc",
                    "role": "representative",
                    "title": _text(
                        {
                            "en": f"Permanent Representative for Region {number}",
                            "ru": f"Постоянный представитель по региону {number}",
                        }
                    ),
                    "how": "appointed",
                    "term_length": "P1Y",
                }
            ]
            text = {"en": f"Appointment {number} of a permanent representative"}
        elif kind == "reelect":
            decision_kind = "election"
            committee = committees[number - 1]
            effects = [
                {
                    "op": "end_term",
                    "person": heads[committee],
                    "body": committee,
                    "role": "head",
                    "reason": _text({"en": "re-election"}),
                },
                {
                    "op": "start_term",
                    "person": pick(members_of[cells[committee][4]]),
                    "body": committee,
                    "role": "head",
                    "how": "elected",
                },
            ]
            text = {"en": f"Election of the head of {committee}"}
        elif kind == "resign":
            decision_kind = "other"
            person, body = staff[number - 1]
            effects = [
                {
                    "op": "end_term",
                    "person": person,
                    "body": body,
                    "role": "member",
                    "reason": _text({"en": "resigned", "ru": "по собственному желанию"}),
                }
            ]
            text = {"en": f"Resignation {number} accepted"}
        elif kind == "found":
            decision_kind = "other"
            effects = [
                {
                    "op": "found_body",
                    "body": {
                        "id": f"wg-new-{number}",
                        "kind": "working_group",
                        "parent": departments[number % 12],
                        "name": _text(
                            {
                                "en": f"New Working Group {number}",
                                "ru": f"Новая рабочая группа {number}",
                            }
                        ),
                    },
                }
            ]
            text = {"en": f"A working group {number} is founded"}
        elif kind == "dissolve":
            decision_kind = "dissolution"
            group = dissolvable[number - 1]
            effects = [
                {
                    "op": "dissolve_body",
                    "body": group,
                    "transfer": [
                        {"mandate": f"{group}-topic", "to": [departments[(number + 3) % 12]]}
                    ],
                }
            ]
            text = {"en": f"Working group {group} is dissolved"}
        elif kind == "rename":
            decision_kind = "resolution"
            cell = cells_to_rename[number - 1]
            effects = [
                {
                    "op": "rename_body",
                    "body": cell,
                    "name": _text(
                        {"en": f"Renamed Cell {number}", "ru": f"Переименованная ячейка {number}"}
                    ),
                }
            ]
            text = {"en": f"Cell {cell} is renamed"}
        elif kind == "award":
            decision_kind = "award"
            citation = None if at_conference else f"{session['id']}-speech"
            effect = {
                "op": "award",
                "person": rng.choice(everyone),
                "honour": ["friendship-badge", "order-of-merit", "letter-of-thanks"][number % 3],
            }
            if citation:
                effect["citation"] = citation
            effects = [effect]
            text = {"en": f"Award {number}"}
        elif kind == "task":
            decision_kind = "instruction"
            assignees: list[dict[str, str]] = [{"body": departments[number % 12]}]
            if number % 2:
                assignees.append({"person": rng.choice(everyone)})
            effects = [
                {
                    "op": "assign_task",
                    "task": {
                        "id": f"task-{number}",
                        "title": _text(
                            {
                                "en": f"Instruction {number}: prepare the report on topic {number}",
                                "ru": f"Поручение {number}: подготовить доклад",
                            }
                        ),
                        "assignees": assignees,
                        "due": f"2025-{6 + number % 6:02d}-{1 + number % 28:02d}",
                        "status": "open",
                    },
                }
            ]
            text = {"en": f"Instruction {number}"}
        elif kind == "agreement":
            decision_kind = "agreement"
            effects = [{"op": "sign_agreement", "agreement": f"agreement-{number}"}]
            text = {"en": f"Agreement {number} is signed"}
        elif number % 7 == 0:
            status = "rejected"
        elif number % 11 == 0:
            status = "proposed"
        decisions.append(
            {
                "id": f"gc6-{kind}-{number}",
                **place,
                "kind": decision_kind,
                "status": status,
                "text": _text(text),
                "votes": {"for": 40 + number % 20, "against": number % 5, "abstain": number % 3},
                "effects": effects,
            }
        )
    return decisions


# -- the timing ---------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile (p95 of a few runs is their slowest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10, help="markdown runs per language")
    parser.add_argument("--pdf-runs", type=int, default=4, help="PDF runs per language")
    parser.add_argument("--database-url", default="", help="default: a SQLite file in var/bench/")
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file and the JSON")
    parser.add_argument("--verbose", action="store_true", help="print every markdown run")
    args = parser.parse_args()

    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    sqlite_file = folder / "report-bench.sqlite3"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{sqlite_file}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chapterhouse.chronicle.importer import chronicle_import
    from chapterhouse.custody.access import ANONYMOUS
    from chapterhouse.registry.models import Person, Term
    from chapterhouse.reports.conference import (
        conference_report,
        render_markdown,
        render_pdf_report,
    )

    began = time.perf_counter()
    data = chronicle(people=args.people, seed=args.seed)
    source = folder / f"report-bench-{args.people}.chronicle.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    written = time.perf_counter() - began
    size = source.stat().st_size
    del data

    call_command("migrate", verbosity=0, interactive=False)
    began = time.perf_counter()
    chronicle_import(source)
    imported = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"Report bench on {connection.vendor}: {Person.objects.count():,} people,"
        f" {Term.objects.count():,} terms; Chronicle {size / 2**20:.0f} MiB written in"
        f" {written:.1f} s, imported in {imported:.1f} s"
    )
    print(
        f"Conference {CONFERENCE}: {SESSIONS} sessions, {DECISIONS} decisions;"
        f" {args.runs} markdown and {args.pdf_runs} PDF runs per language (anonymous visitor)"
    )
    header = (
        f"{'lang':5} {'read p50 ms':>12} {'md p50 ms':>10} {'md p95 ms':>10} {'queries':>8}"
        f" {'md KiB':>7}"
        f" {'pdf first s':>12} {'pdf p50 s':>10} {'pdf p95 s':>10} {'pages':>6}"
    )
    print(header)
    print("-" * len(header))
    # What the app processes do at start (chapterhouse/wsgi.py): long-lived objects
    # leave the garbage collector's care, so full collections stay short.
    gc.collect()
    gc.freeze()
    for lang in LANGUAGES:
        with CaptureQueriesContext(connection) as queries:
            report = conference_report(conference=CONFERENCE, lang=lang, viewer=ANONYMOUS)
        markdown_times, read_times = [], []
        text = ""
        for _ in range(args.runs):
            began = time.perf_counter()
            report = conference_report(conference=CONFERENCE, lang=lang, viewer=ANONYMOUS)
            read = time.perf_counter()
            text = render_markdown(report)
            markdown_times.append(time.perf_counter() - began)
            read_times.append(read - began)
        if args.verbose:
            print(f"{lang}: markdown runs (ms)", [round(t * 1000) for t in markdown_times])
        pdf_times = []
        pdf = b""
        for _ in range(args.pdf_runs + 1):
            began = time.perf_counter()
            report = conference_report(conference=CONFERENCE, lang=lang, viewer=ANONYMOUS)
            pdf = render_pdf_report(report)
            pdf_times.append(time.perf_counter() - began)
        later = pdf_times[1:]
        pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
        print(
            f"{lang:5} {statistics.median(read_times) * 1000:12.1f}"
            f" {statistics.median(markdown_times) * 1000:10.1f}"
            f" {percentile(markdown_times, 0.95) * 1000:10.1f} {len(queries):8d}"
            f" {len(text.encode()) / 1024:7.0f} {pdf_times[0]:12.2f}"
            f" {statistics.median(later):10.2f} {percentile(later, 0.95):10.2f} {pages:6d}"
        )
    if not args.keep:
        source.unlink(missing_ok=True)
        if not args.database_url:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()

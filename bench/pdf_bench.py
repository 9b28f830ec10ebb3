"""Time the PDF typesetter on a conference-report-sized document in each working language.

    .venv/bin/python bench/pdf_bench.py              # 20 sessions, 300 decisions, 5 runs
    .venv/bin/python bench/pdf_bench.py --sessions 5 --decisions 50 --runs 3

It writes a Markdown report shaped like issue 4's (header, schedule, what
changed, resolutions, instructions, awards, sessions) with names in Hangul,
Han, Cyrillic and Latin and dates, countries, lists and ordinals from CLDR,
converts it with ``markdown_to_typst`` and typesets it with ``render_pdf``.
It prints, per language, the first render (the process indexes the Noto
fonts then) and the median and slowest of the later ones, with the page
count. Target (two cores): <= 2 s per language for the PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapterhouse.settings")
os.environ.setdefault("SECRET_KEY", "insecure-bench-only-key")  # DEBUG off needs a key

import django

django.setup()

from chapterhouse.core.cldr import (  # noqa: E402
    anniversary_ordinal,
    country_name,
    date_day_month,
    date_span,
    list_join,
)
from chapterhouse.reports.pdf import markdown_to_typst, render_pdf  # noqa: E402

LANGUAGES = ["ko", "en", "ru", "zh-hans", "de"]
BODIES = ["조정위원회", "中央委员会", "Координационный комитет", "Koordinierungsausschuss"]
PEOPLE = ["김민준", "王秀英", "Ирина Волкова", "Jürgen Müller", "Aigerim Bekova"]
COUNTRIES = ["KR", "CN", "RU", "DE", "KZ"]
START = dt.date(2025, 5, 18)


def report_markdown(lang: str, *, sessions: int, decisions: int) -> str:
    """Return a Markdown conference report of the given size in ``lang``."""
    last = START + dt.timedelta(days=sessions - 1)
    lines = [
        "# 5th General Conference / 제5차 대회 / 第五次大会 / Пятая конференция",
        "",
        f"Dedicated to the {anniversary_ordinal(79, lang)}. {date_span(START, last, lang)}",
        "",
        "## Schedule",
        "",
    ]
    for day in range(sessions):
        hosts = list_join([BODIES[day % 4], BODIES[(day + 1) % 4]], lang)
        country = country_name(COUNTRIES[day % 5], lang)
        when = date_day_month(START + dt.timedelta(days=day), lang)
        lines.append(f"{day + 1}. Day {day + 1}. {hosts} ({country} — {when})")
    lines += ["", "## What changed", ""]
    for index in range(decisions // 3):
        person = PEOPLE[index % 5]
        lines.append(f"- **{person}** ({BODIES[index % 4]}), {anniversary_ordinal(index, lang)}")
    lines += ["", "## Resolutions and instructions", ""]
    for index in range(decisions - decisions // 3):
        due = date_day_month(START + dt.timedelta(days=index % 200), lang)
        lines.append(
            f"{index + 1}. {BODIES[index % 4]}: instruction to {PEOPLE[index % 5]}, due {due}."
        )
    lines += ["", "## Sessions", ""]
    for day in range(sessions):
        lines += [
            f"### Day {day + 1}",
            "",
            f"Chair: {PEOPLE[day % 5]}. Speakers: {list_join(PEOPLE, lang)}.",
            "",
            "| Role | Person |",
            "| --- | --- |",
            *(f"| speaker | {person} |" for person in PEOPLE),
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--decisions", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    print(f"PDF bench: {args.sessions} sessions, {args.decisions} decisions, {args.runs} runs")
    print(f"{'lang':8} {'first s':>8} {'median s':>9} {'max s':>7} {'pages':>6} {'KiB':>6}")
    for lang in LANGUAGES:
        markdown = report_markdown(lang, sessions=args.sessions, decisions=args.decisions)
        times = []
        pdf = b""
        for _ in range(args.runs):
            began = time.perf_counter()
            pdf = render_pdf(markdown_to_typst(markdown), lang=lang, title="5th Conference")
            times.append(time.perf_counter() - began)
        pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
        later = times[1:] or times
        print(
            f"{lang:8} {times[0]:8.3f} {statistics.median(later):9.3f} {max(later):7.3f}"
            f" {pages:6d} {len(pdf) // 1024:6d}"
        )


if __name__ == "__main__":
    main()

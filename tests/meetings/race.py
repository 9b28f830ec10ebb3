"""Run ``chapterhouse decision annul|adopt`` from several processes at the same instant.

Used by test_concurrent_writes.py as ``python race.py ROUNDS DECISION`` with
DATABASE_URL naming a scratch database that holds the demo. Each round forks one
process per verb of ``VERBS``; they wait at a barrier and then run the command
together. After each round this prints one JSON line: what each process answered
and the state of the record.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import sys
import traceback
from typing import Any

VERBS = ("annul", "annul", "adopt", "adopt")


def run(verb: str, slug: str, barrier: Any, answers: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    barrier.wait()
    try:
        call_command("decision", verb, slug, stdout=out)
        answers.put((verb, "ok"))
    except CommandError as error:
        answers.put((verb, f"refused: {error}"))
    except Exception:  # a crash is what the test looks for
        answers.put((verb, "crash: " + traceback.format_exc()))


def state(slug: str) -> dict[str, Any]:
    """The decision's status and what the record holds because of it."""
    from django.db.models import Count

    from chapterhouse.meetings.models import Decision, EffectLog
    from chapterhouse.registry.models import Body, Mandate, Term

    decision = Decision.objects.get(slug=slug)
    duplicate_terms = (
        Term.objects.values("person", "body", "role", "start")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    duplicate_mandates = (
        Mandate.objects.values("body", "slug", "start")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    dissolved = Body.objects.get(slug=decision.effects[0]["body"]).dissolved
    return {
        "status": decision.status,
        "log": EffectLog.objects.filter(decision=decision).count(),
        "given": Mandate.objects.filter(decision=decision).count(),
        "ended": Mandate.objects.filter(ended_by=decision).count(),
        "dissolved": dissolved.isoformat() if dissolved else None,
        "duplicate_terms": duplicate_terms,
        "duplicate_mandates": duplicate_mandates,
    }


def main() -> None:
    rounds, slug = int(sys.argv[1]), sys.argv[2]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chapterhouse.settings")
    import django

    django.setup()
    from django.db import connections

    context = multiprocessing.get_context("fork")
    print(json.dumps({"round": 0, "answers": [], **state(slug)}), flush=True)
    for number in range(1, rounds + 1):
        connections.close_all()  # each process opens its own connection
        barrier = context.Barrier(len(VERBS))
        answers = context.Queue()
        workers = [
            context.Process(target=run, args=(verb, slug, barrier, answers)) for verb in VERBS
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(120)
        said = [answers.get(timeout=5) for _ in workers]
        print(json.dumps({"round": number, "answers": said, **state(slug)}), flush=True)


if __name__ == "__main__":
    main()

"""Write throughput: decisions recorded through the API by concurrent clients, on PostgreSQL.

    .venv/bin/python bench/write_throughput.py \
        --server-url postgresql://postgres@127.0.0.1:5432/postgres --seconds 20
    # options: --clients 8, --decisions N (per client, instead of --seconds), --workers 4,
    # --redis-url URL, --keep (keep the database), --reuse (run again on a kept one)

It creates the scratch database ``chapterhouse_write_bench`` on that server (dropped
at the end unless ``--keep``; it never touches another database), migrates it, loads
the demo, opens one account per client, each an officer of one body, with an API
token, starts ``chapterhouse serve`` (gunicorn, production settings, ``--workers``
processes; the news bench's helpers) and runs ``--clients`` threads, each with its
own keep-alive connection, that record what a secretary records, cycle after cycle,
one session (``POST /sessions``) a day:

* a person (``POST /people``) elected member of the body the client works on;
* the previous cycle's member's term ended (``end_term``);
* a primary cell founded under that body (``found_body``);
* the new member appointed head of the new cell (``start_term``);
* for officers of the coordination council, a Friendship Badge awarded (``award``).

Every decision is ``status: adopted``, so it applies its effects at once. Clients
0–3 all write into the Kazakh executive committee (two as council officers, two as
its own officers: contention on one body); the others into a body each. Every
write is valid in any order, so every non-2xx answer is an error: their count and
the first few bodies are printed (a client stops at its first one).

Then it checks the registry's invariants on the database (``invariant_problems``):
no two overlapping terms of one person in one body, role and title; every term
inside its body's life; every adopted decision's effects in its log and nothing
logged for the others; as many terms as the logs say decisions created; the
audit trail's hash chain whole.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "src"))
sys.path.insert(0, str(BENCH_DIR))

from newsroom_bench import production_env, serving  # noqa: E402
from registry_bench import percentile  # noqa: E402

DATABASE = "chapterhouse_write_bench"
# (the client's body: its grant, its sessions' host, custodian of its people; the body
# its members are elected to). Four clients contend for ec-kz.
CLIENT_BODIES = [
    ("council", "ec-kz"),
    ("council", "ec-kz"),
    ("ec-kz", "ec-kz"),
    ("ec-kz", "ec-kz"),
    ("ec-jp", "ec-jp"),
    ("ec-nordic", "ec-nordic"),
    ("ec-ar", "ec-ar"),
    ("dept-3", "dept-3"),
]
FIRST_DAY = dt.date(2023, 1, 2)  # after every demo body's founding


# -- the registry's invariants -------------------------------------------------------------


def invariant_problems() -> list[str]:
    """Return what breaks the registry's invariants on the current database (empty: none).

    * no two terms of one person in one body, role and title share a day;
    * every term starts inside its body's life and ends by its dissolution;
    * every adopted decision with effects has its log, and no other decision has one;
    * each decision created as many terms as its log says;
    * the audit trail's hash chain is whole (``audit_chain_verify``).
    """
    from django.db import connection
    from django.db.models import Count

    from chapterhouse.custody.selectors import audit_chain_verify
    from chapterhouse.meetings.models import Decision, EffectLog
    from chapterhouse.registry.models import Body, Term

    problems: list[str] = []
    term, body = Term._meta.db_table, Body._meta.db_table
    never = "'9999-12-31'"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, b.id FROM {term} a JOIN {term} b ON a.person_id = b.person_id"
            " AND a.body_id = b.body_id AND a.role = b.role AND a.title_key = b.title_key"
            f' AND a.id < b.id AND a.start < COALESCE(b."end", {never})'
            f' AND b.start < COALESCE(a."end", {never})'
        )
        problems += [f"terms {a} and {b} overlap" for a, b in cursor.fetchall()]
        cursor.execute(
            f"SELECT t.id FROM {term} t JOIN {body} b ON b.id = t.body_id"
            " WHERE (b.founded IS NOT NULL AND t.start < b.founded)"
            " OR (b.dissolved IS NOT NULL AND (t.start >= b.dissolved"
            ' OR t."end" IS NULL OR t."end" > b.dissolved))'
        )
        problems += [f"term {pk} is outside its body's life" for (pk,) in cursor.fetchall()]
    logged = Count("log")
    decisions = Decision.objects.annotate(logged=logged)
    for slug in (
        decisions.filter(status="adopted", logged=0)
        .exclude(effects=[])
        .values_list("slug", flat=True)
    ):
        problems.append(f"adopted decision {slug} has effects but no log")
    for slug, status in (
        decisions.exclude(status="adopted").filter(logged__gt=0).values_list("slug", "status")
    ):
        problems.append(f"{status} decision {slug} has a log")
    made = dict(
        EffectLog.objects.filter(action="create", model="registry.term")
        .values_list("decision")
        .annotate(n=Count("id"))
        .values_list("decision", "n")
    )
    held = dict(
        Term.objects.filter(decision__isnull=False)
        .values_list("decision")
        .annotate(n=Count("id"))
        .values_list("decision", "n")
    )
    # Terms the import brought in carry their decision as provenance without a log:
    # only decisions with a log are counted.
    for pk in set(EffectLog.objects.values_list("decision", flat=True).distinct()):
        if made.get(pk, 0) != held.get(pk, 0):
            problems.append(
                f"decision #{pk}: its log created {made.get(pk, 0)} terms, "
                f"{held.get(pk, 0)} hold it as provenance"
            )
    verification = audit_chain_verify()
    if not verification.intact:
        problems.append(
            f"audit chain broken at entry {verification.broken_entry}: {verification.problem}"
        )
    return problems


# -- the clients ---------------------------------------------------------------------------


@dataclass
class Tally:
    """What the clients saw: each decision's latency, the other writes, the refusals."""

    latencies: list[float] = field(default_factory=list)
    other_writes: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One API client: an officer of ``home`` electing members of ``target``."""

    def __init__(
        self, number: int, base: str, token: str, tally: Tally, *, first_day: dt.date, run: str
    ) -> None:
        self.number = number
        self.first_day = first_day
        self.tag = run
        self.home, self.target = CLIENT_BODIES[number % len(CLIENT_BODIES)]
        self.connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.tally = tally

    def post(self, path: str, payload: dict[str, Any], *, decision: bool) -> dict[str, Any]:
        began = time.perf_counter()
        self.connection.request("POST", path, json.dumps(payload), self.headers)
        response = self.connection.getresponse()
        body = response.read()
        took = time.perf_counter() - began
        with self.tally.lock:
            if response.status // 100 != 2:
                self.tally.errors.append(f"{response.status} {path}: {body[:400]!r}")
                raise RuntimeError("refused")
            if decision:
                self.tally.latencies.append(took)
            else:
                self.tally.other_writes += 1
        return json.loads(body)

    def decide(self, session: str, kind: str, *effects: dict[str, Any]) -> dict[str, Any]:
        payload = {"session": session, "kind": kind, "status": "adopted", "effects": effects}
        return self.post("/api/v1/decisions", payload, decision=True)

    def run(self, *, until: float, decisions: int) -> None:
        """Record cycles until the time is up or ``decisions`` are recorded."""
        done = cycle = 0
        member: str | None = None
        try:
            while time.monotonic() < until and done < decisions:
                # One session a day; clients hosted by one body meet on different days.
                day = self.first_day + dt.timedelta(days=cycle * len(CLIENT_BODIES) + self.number)
                session = self.post(
                    "/api/v1/sessions",
                    {"date": day.isoformat(), "hosts": [self.home], "title": "bench"},
                    decision=False,
                )["id"]
                person = self.post(
                    "/api/v1/people",
                    {
                        "name": f"Bench Member {self.tag}-{self.number}-{cycle}",
                        "custodian": self.home,
                    },
                    decision=False,
                )["id"]
                seat = {"body": self.target, "role": "member"}
                self.decide(session, "election", {"op": "start_term", "person": person, **seat})
                done += 1
                if member is not None:
                    self.decide(session, "other", {"op": "end_term", "person": member, **seat})
                    done += 1
                member = person
                founded = self.decide(
                    session,
                    "other",
                    {
                        "op": "found_body",
                        "body": {
                            "id": f"bench-cell-{self.tag}-{self.number}-{cycle}",
                            "kind": "primary_cell",
                            "name": {"en": f"Bench cell {self.number}-{cycle}"},
                            "parent": self.target,
                        },
                    },
                )
                cell = founded["effects"][0]["body"]["id"]
                self.decide(
                    session,
                    "appointment",
                    {"op": "start_term", "person": person, "body": cell, "role": "head"},
                )
                done += 2
                if self.home == "council":
                    self.decide(
                        session,
                        "award",
                        {"op": "award", "person": person, "honour": "friendship-badge"},
                    )
                    done += 1
                cycle += 1
        except (RuntimeError, OSError) as error:
            if str(error) != "refused":
                with self.tally.lock:
                    self.tally.errors.append(f"client {self.number}: {error!r}")
        finally:
            self.connection.close()


# -- the run -------------------------------------------------------------------------------


def database_create(admin_url: str, *, drop_first: bool) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        if drop_first:
            connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")


def database_drop(admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def organization_load(clients: int, *, reuse: bool) -> list[str]:
    """Migrate, load the demo (unless ``reuse``), and give each client an officer's account
    (opened once) and a new API token; return the tokens' secrets."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from chapterhouse.custody.access import ADMIN
    from chapterhouse.custody.services import token_create, user_add
    from chapterhouse.registry.models import Body

    if not reuse:
        call_command("migrate", verbosity=0)
        call_command("demo", verbosity=0, stdout=io.StringIO())
    now = timezone.now()
    secrets = []
    for number in range(clients):
        home = CLIENT_BODIES[number % len(CLIENT_BODIES)][0]
        email = f"bench-writer-{number}@example.org"
        user = get_user_model().objects.filter(username=email).first() or user_add(
            viewer=ADMIN,
            via="cli",
            email=email,
            grants=[("officer", Body.objects.get(slug=home))],
            on=timezone.localdate(),
            at=now,
        )
        secrets.append(token_create(user=user, name="write bench", expires=None, at=now)[1])
    return secrets


def first_free_day() -> dt.date:
    """Return the first day of this run's sessions: after every session of an earlier run."""
    from django.db.models import Max

    from chapterhouse.meetings.models import Session

    latest = Session.objects.aggregate(Max("date"))["date__max"]
    return max(FIRST_DAY, latest + dt.timedelta(days=1)) if latest else FIRST_DAY


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="A PostgreSQL server (any database of it: the bench makes its own).",
    )
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--decisions", type=int, default=None, help="Per client, at least (whole cycles)."
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--keep", action="store_true", help="Keep the database.")
    parser.add_argument("--reuse", action="store_true", help="Record more on a kept database.")
    args = parser.parse_args()

    base_url, _, _ = args.server_url.rpartition("/")
    database_url = f"{base_url}/{DATABASE}"
    if not args.reuse:
        database_create(args.server_url, drop_first=True)
    var = Path(tempfile.mkdtemp(prefix="write-bench-"))
    env = production_env(database_url=database_url, redis_url=args.redis_url, var=var)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    from chapterhouse.meetings.models import Decision

    try:
        began = time.perf_counter()
        secrets = organization_load(args.clients, reuse=args.reuse)
        print(f"{DATABASE}: ready in {time.perf_counter() - began:.0f} s")
        first_day = first_free_day()
        before = Decision.objects.count()
        connections.close_all()
        tally = Tally()
        with serving(env, port=args.port, workers=args.workers) as base:
            run = f"{int(time.time()) % 100_000:05d}"
            clients = [
                Client(n, base, secrets[n], tally, first_day=first_day, run=run)
                for n in range(args.clients)
            ]
            limit = args.decisions or 10**9
            seconds = args.seconds if args.decisions is None else 10**6
            began = time.perf_counter()
            until = time.monotonic() + seconds
            threads = [
                threading.Thread(target=c.run, kwargs={"until": until, "decisions": limit})
                for c in clients
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
        recorded = Decision.objects.count() - before
        latencies = tally.latencies
        print(
            f"\n{args.clients} clients, {args.workers} gunicorn workers, {os.cpu_count()} cores,"
            f" {wall:.1f} s"
        )
        print(
            f"  decisions: {len(latencies)} answered 201 ({recorded} in the database),"
            f" {len(latencies) / wall:.1f} decisions/s"
            f" (+ {tally.other_writes} sessions and people)"
        )
        if latencies:
            print(
                "  latency: "
                + ", ".join(
                    f"p{int(q * 100)} {percentile(latencies, q) * 1000:.0f} ms"
                    for q in (0.5, 0.95, 0.99)
                )
                + f", max {max(latencies) * 1000:.0f} ms"
            )
        print(f"  errors: {len(tally.errors)}")
        for error in tally.errors[:5]:
            print(f"    {error}")
        began = time.perf_counter()
        problems = invariant_problems()
        print(f"invariants ({time.perf_counter() - began:.1f} s): {len(problems)} problems")
        for problem in problems[:20]:
            print(f"  {problem}")
        return 1 if tally.errors or problems else 0
    finally:
        connections.close_all()
        shutil.rmtree(var, ignore_errors=True)
        if not args.keep:
            database_drop(args.server_url)


if __name__ == "__main__":
    sys.exit(main())

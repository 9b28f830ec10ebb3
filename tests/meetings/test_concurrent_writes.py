"""Adopting and annulling one decision from several processes at once.

Four real processes run ``decision annul`` twice and ``decision adopt`` twice at
the same instant, round after round, against a scratch copy of the demo on the
database the suite runs on (PostgreSQL in CI, SQLite by default). Whatever the
order, the record must be that of some serial order: the decision's status
agrees with its effect log, the dissolved department's mandate is handed over
exactly once or not at all, nothing is duplicated, and no process crashes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings

DECISION = "gc5-d1-dissolve"
ROUNDS = 4
HERE = Path(__file__).parent


@pytest.fixture
def scratch_database(tmp_path: Path) -> Iterator[str]:
    """Return the URL of a new, empty database on the suite's engine; drop it after."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        yield f"sqlite:///{tmp_path / 'race.sqlite3'}"
        return
    import psycopg

    name = f"race_{uuid.uuid4().hex[:12]}"
    server = {
        "host": default.get("HOST") or "127.0.0.1",
        "port": default.get("PORT") or 5432,
        "user": default.get("USER") or "postgres",
        "password": default.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{server['password']}" if server["password"] else ""
    try:
        yield f"postgresql://{server['user']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(**server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "chapterhouse.settings"}
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_parallel_adopts_and_annuls_leave_a_record_some_serial_order_would(scratch_database):
    chapterhouse = str(Path(sys.executable).parent / "chapterhouse")
    for step in ([chapterhouse, "migrate", "--noinput"], [chapterhouse, "demo"]):
        done = run(scratch_database, *step)
        assert done.returncode == 0, done.stderr

    raced = run(scratch_database, sys.executable, str(HERE / "race.py"), str(ROUNDS), DECISION)

    assert raced.returncode == 0, raced.stderr
    rounds = [json.loads(line) for line in raced.stdout.splitlines()]
    assert len(rounds) == ROUNDS + 1
    adopted = rounds[0]  # the demo adopts the dissolution
    assert adopted["status"] == "adopted" and adopted["given"] == 4 and adopted["dissolved"]
    for before, state in pairwise(rounds):
        where = f"round {state['round']}: {state}"
        assert not [a for a in state["answers"] if a[1].startswith("crash")], where
        # In any serial order, annuls and adopts that succeed alternate from the status
        # the round began with; the others are refused, saying why.
        oks = [verb for verb, said in state["answers"] if said == "ok"]
        first, second = ("annul", "adopt") if before["status"] == "adopted" else ("adopt", "annul")
        assert oks.count(first) in {oks.count(second), oks.count(second) + 1} and oks, where
        flipped = oks.count(first) > oks.count(second)
        assert (state["status"] != before["status"]) == flipped, where
        assert (state["duplicate_terms"], state["duplicate_mandates"]) == (0, 0), where
        if state["status"] == "adopted":
            assert (state["given"], state["ended"], state["log"]) == (
                adopted["given"],
                adopted["ended"],
                adopted["log"],
            ), where
            assert state["dissolved"] == adopted["dissolved"], where
        else:
            assert state["status"] == "annulled", where
            assert (state["given"], state["ended"], state["log"]) == (0, 0, 0), where
            assert state["dissolved"] is None, where

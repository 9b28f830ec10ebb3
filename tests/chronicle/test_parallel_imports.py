"""Two `chapterhouse import` runs at once: the second waits for the first (or, on
SQLite past the busy timeout, says the database is busy), never a traceback, and the
data and the audit trail come out whole."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from chapterhouse.chronicle.management.commands.demo import DEMO_FILE
from chapterhouse.core.locks import IMPORT_LOCK

CHAPTERHOUSE = str(Path(sys.executable).with_name("chapterhouse"))
DEMO_PEOPLE = len(json.loads(DEMO_FILE.read_text())["people"])


def start(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [CHAPTERHOUSE, *args],
        env={**os.environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


@pytest.fixture
def database(transactional_db: None, tmp_path: Path) -> tuple[str, Callable[[str], int]]:
    """Return the URL of a database other processes can write, and a way to count in it:
    on PostgreSQL the test database itself (committed for real), on SQLite a migrated
    file (the test database lives in memory)."""
    if connection.vendor == "postgresql":
        # The configured server and account, with the test database's name.
        server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        url = f"{server}/{connection.settings_dict['NAME']}"

        def count_pg(sql: str) -> int:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return int(cursor.fetchone()[0])

        return url, count_pg
    path = tmp_path / "parallel.sqlite3"
    url = f"sqlite:///{path}"
    code, _out, err = finish(start(url, "migrate", "--noinput", "-v0"))
    assert code == 0, err

    def count_sqlite(sql: str) -> int:
        with sqlite3.connect(path) as db:
            return int(db.execute(sql).fetchone()[0])

    return url, count_sqlite


def test_two_imports_at_once_both_succeed_and_write_everything_once(database):
    url, count = database
    holder = None
    if connection.vendor == "postgresql":
        import psycopg

        # Hold the import lock, so both imports must find it taken and wait.
        holder = psycopg.connect(url)
        holder.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
    imports = [start(url, "import", str(DEMO_FILE)) for _ in range(2)]
    if holder is not None:
        waiting = [process.stderr.readline() for process in imports]  # type: ignore[union-attr]
        holder.commit()
        holder.close()
        assert all("waiting for another import to finish" in line for line in waiting)
    results = [finish(process) for process in imports]

    for code, _out, err in results:
        assert "Traceback" not in err
        assert code == 0 or "busy with another write" in err, err
    created = sorted(out.rsplit(":", 1)[-1] for code, out, _ in results if code == 0)
    assert created[-1].startswith(" 84 created")  # the first; the second finds it all
    assert count("SELECT count(*) FROM registry_person") == DEMO_PEOPLE
    assert count("SELECT count(*) FROM custody_auditentry WHERE object_type = 'chronicle'") == len(
        [code for code, *_ in results if code == 0]
    )
    code, out, err = finish(start(url, "audit", "verify"))
    assert (code, err) == (0, "")
    assert out.startswith("OK: ")

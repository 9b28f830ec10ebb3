"""The write lock of the organization's record.

Adopting, annulling or changing a decision reads the registry (which terms are
open, which mandates a body holds, what a later decision built on) and then
writes it. Two such writes at once could each read the state before the other
and both apply, so they take one lock, held until their transaction ends: any
interleaving then gives the result of some serial order. Readers never wait
(PostgreSQL's snapshots; SQLite's WAL).

* PostgreSQL: a transaction-level advisory lock (`pg_advisory_xact_lock`).
* SQLite: every transaction already begins with the database's write lock
  (``transaction_mode: IMMEDIATE`` in settings), so there is nothing to add.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.db.models import Model

# An arbitrary constant: the advisory lock of the organization's record.
RECORD_LOCK = 0x43484152  # "CHAR"


def lock_record() -> None:
    """Take the record's write lock until the current transaction ends (call it inside
    ``transaction.atomic``); taking it again in the same transaction is harmless."""
    if not connection.in_atomic_block:
        raise RuntimeError("the record's write lock is held by a transaction; open one first")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECORD_LOCK])


def lock_row(record: Model) -> None:
    """Lock ``record``'s row until the current transaction ends and reload it, so that of
    two changes at once the second starts from what the first wrote (PostgreSQL's
    ``SELECT … FOR UPDATE``; SQLite's transactions already hold the write lock)."""
    # The record's lock first, as every audited write takes it: one order, no deadlock.
    lock_record()
    model = type(record)
    list(model._default_manager.select_for_update().filter(pk=record.pk).values_list("pk"))
    record.refresh_from_db()


# Another constant: imports, one at a time.
IMPORT_LOCK = 0x43484950  # "CHIP"


def import_lock(*, on_wait: Callable[[], None] | None = None) -> None:
    """Take the import lock until the current transaction ends, waiting for an import
    that holds it; call ``on_wait`` first if it must wait.

    Two imports of the same file at once would each find an object missing and both
    create it; the second would fail on a unique constraint halfway. Waiting makes
    the second one read what the first wrote. SQLite's write lock at BEGIN already
    serializes them (a second import waits there, up to the busy timeout).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("the import lock is held by a transaction; open one first")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [IMPORT_LOCK])
        if not cursor.fetchone()[0]:
            if on_wait is not None:
                on_wait()
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
    # An import reads the record and writes it like a decision does: it holds the
    # record's lock from its first read (always after the import lock: one order).
    lock_record()

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
    model = type(record)
    list(model._default_manager.select_for_update().filter(pk=record.pk).values_list("pk"))
    record.refresh_from_db()

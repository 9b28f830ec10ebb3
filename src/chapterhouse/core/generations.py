"""Things read on every request that change rarely, memoized per generation.

A generation is a number kept in the shared cache (Redis when REDIS_URL is set, so every
app process sees the same one; otherwise the process's own memory) under a name such as
``"bodies"`` or ``"grants"``. A write that changes the thing bumps its number; a reader
asks for the numbers (one cache read for all of them) and keeps what it computed in the
process's memory under them, so a process recomputes once after a change and never
serves what was true before it. See docs/decisions/0036.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

_PREFIX = "generation:"
# Above this many entries the memo starts again empty: a bound, not an eviction policy
# (entries of old generations are never read again and go with the rest).
MEMO_LIMIT = 20_000
_memo: dict[Hashable, object] = {}
# A process-unique start for a name the cache has lost (evicted, restarted): a restarted
# Redis then never hands out a number an older memo was kept under.
_fresh = itertools.count(1)
# Set when this thread bumped a generation inside a transaction that has not ended: what it
# reads until then may be rolled back, so it is computed but not kept.
_local = threading.local()


def _transaction_depth() -> int:
    """How many atomic blocks are open on the default connection, not counting those a test
    case wraps each test in (they stand for the autocommit a request runs in)."""
    blocks = transaction.get_connection().atomic_blocks
    return sum(1 for block in blocks if not getattr(block, "_from_testcase", False))


def generations(*names: str) -> tuple[int, ...]:
    """Return the current generation of each of `names` (one cache read)."""
    keys = [_PREFIX + name for name in names]
    found = cache.get_many(keys)
    numbers = []
    for key in keys:
        number = found.get(key)
        if number is None:
            # Unknown (first use or evicted): start it at a number no memo is kept under.
            number = int(time.time() * 1000) * 1000 + next(_fresh) % 1000
            if not cache.add(key, number, timeout=None):
                number = cache.get(key, number)
        numbers.append(int(number))
    return tuple(numbers)


def generation_bump(*names: str) -> None:
    """Mark `names` as changed: now, and again when the transaction commits (so another
    process that read the old rows in between does not keep them under the new number)."""

    def bump() -> None:
        for name in names:
            # Never read yet (ValueError): the next reader starts it afresh.
            with contextlib.suppress(ValueError):
                cache.incr(_PREFIX + name)

    bump()
    if _transaction_depth():
        _local.uncommitted = True
    transaction.on_commit(bump)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """Return what `compute` returns for `key` (which names the generations it depends on),
    computing it once per process; without a shared cache (settings.CACHE_SHARED) every
    time."""
    if not settings.CACHE_SHARED:
        return compute()  # another process could not tell this one of a change
    if getattr(_local, "uncommitted", False):
        if _transaction_depth():
            return compute()  # may still be rolled back: not kept
        _local.uncommitted = False
    try:
        return _memo[key]  # type: ignore[return-value]
    except KeyError:
        pass
    value = compute()
    if len(_memo) >= MEMO_LIMIT:
        _memo.clear()
    _memo[key] = value
    return value


def memo_clear() -> None:
    """Forget what this process memoized (as a new process would start); the generations
    in the shared cache stay."""
    _memo.clear()

"""Which version of the public site's pages is current, shared by all app processes.

Cached public pages are stored under a key that includes a generation number.
Any change that can show on the public site (an article, a translation, a
comment, a photo, a category …) bumps the number once its transaction commits,
so every process stops serving the old pages at once without knowing which
pages they were. Each process re-reads the number at most once a second, so a
cache hit costs one cache read, not two.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "newsroom:public-generation"
_LOCAL_SECONDS = 1.0
_local: tuple[float, int] | None = None


def public_generation() -> int:
    """Return the current generation of the public pages (read at most once a second)."""
    global _local
    now = time.monotonic()
    if _local is not None and now - _local[0] < _LOCAL_SECONDS:
        return _local[1]
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # First use, or the cache was flushed: start anywhere not used before.
        generation = int(time.time() * 1000)
        cache.add(GENERATION_KEY, generation, timeout=None)
        generation = cache.get(GENERATION_KEY, generation)
    _local = (now, int(generation))
    return int(generation)


def _bump() -> None:
    global _local
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there (flushed): any fresh value is new
        cache.set(GENERATION_KEY, int(time.time() * 1000), timeout=None)
    _local = None


def public_pages_changed() -> None:
    """Mark every cached public page stale once the current transaction commits."""
    transaction.on_commit(_bump)

"""Counters kept in the cache (Redis in production, so every app process shares them)."""

from __future__ import annotations

from django.core.cache import cache


def cache_incr(key: str, *, timeout: int | None) -> int:
    """Add one to the counter at `key` (created at 0 with `timeout`, None for no expiry);
    return the new value.

    The window of a counter with a timeout starts with its first count: adding one never
    moves it. A counter that expires between the creation and the addition starts again
    at 1.
    """
    cache.add(key, 0, timeout=timeout)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=timeout)
        return 1

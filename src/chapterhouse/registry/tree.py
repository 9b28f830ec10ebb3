"""The walks of the body tree: a body and every body below it, or above it.

One function walks parent links downward (`descendants`), over a children map that
callers build from rows they have loaded anyway (`children_by_parent`), so a page keeps
its number of queries; `bodies_below` loads the tree itself in one query. Dissolved
bodies are walked like living ones: for the tree as it stood on a day, see the
recursive query in `registry.selectors` (`_subtree_sql`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chapterhouse.registry.models import Body


def children_by_parent(rows: Iterable[tuple[int, int | None]]) -> dict[int | None, list[int]]:
    """Return the ids of each body's children by parent id, from ``(id, parent_id)`` rows."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in rows:
        children.setdefault(parent_id, []).append(pk)
    return children


def descendants(roots: Iterable[int], children: Mapping[int | None, Iterable[int]]) -> set[int]:
    """Return the ids of ``roots`` and of every body below them in ``children``; a cycle in
    the parent links (which the registry refuses) would not loop."""
    found: set[int] = set()
    stack = list(roots)
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, ()))
    return found


def bodies_below(*roots: int) -> set[int]:
    """Return the ids of ``roots`` and of every body below them, dissolved or not (one
    query for the body tree)."""
    return descendants(roots, children_by_parent(Body.objects.values_list("pk", "parent_id")))


def ancestors(body_id: int, parents: Mapping[int, int | None]) -> list[int]:
    """Return ``body_id`` and every body above it in ``parents`` (id to parent id), nearest
    first; a cycle in the parent links (which the registry refuses) would not loop."""
    chain: list[int] = []
    current: int | None = body_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def bodies_above(body_id: int) -> list[int]:
    """Return ``body_id`` and every body above it, nearest first (one query for the tree)."""
    return ancestors(body_id, dict(Body.objects.values_list("pk", "parent_id")))

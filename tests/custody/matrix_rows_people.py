"""Authorization-matrix rows of the page that records a person (web/person_views.py).

Officers of a body (bob, alice) and the administrator record people; mia (a plain
member), tanya (a translator) and charlie (no grant) get 403; anonymous visitors
are sent to sign in. The edit page's rows stay in the matrix itself.
"""

from __future__ import annotations

from typing import Any

RECORDERS = {"bob", "alice", "admin"}  # an officer grant somewhere


def rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    return [
        ("people/new/", "/people/new/", allowed(RECORDERS, no=403, anonymous=login)),
    ]

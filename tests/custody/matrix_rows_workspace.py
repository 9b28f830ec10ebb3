"""Authorization-matrix rows of the newsroom's workspace (newsroom/urls_workspace.py).

The workspace is for accounts with an editor, translator or officer grant:
tanya (translator of dept-3), bob (officer of ec-kz), alice (officer of the
council) and the administrator. mia (a plain member) and charlie (no grant) get
403; anonymous visitors are sent to sign in. The matrix plants no language desk,
so no assignment exists: assignment pages are 404 for the workspace's users.
POST-only routes answer a signed-in GET with 405 (whoever asks).
"""

from __future__ import annotations

from typing import Any

STAFF = {"tanya", "bob", "alice", "admin"}
WRITERS = {"bob", "alice", "admin"}  # an editor or officer grant somewhere
TRANSLATORS = {"tanya", "admin"}


def rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    forbidden = 403
    unknown_for_staff = {persona: 404 for persona in STAFF} | {
        "mia": forbidden,
        "charlie": forbidden,
        "anonymous": login,
    }
    post_only = allowed(set(), no=405, anonymous=login)
    return [
        ("newsroom/", "/newsroom/", allowed(STAFF, no=forbidden, anonymous=login)),
        (
            "newsroom/coverage/",
            "/newsroom/coverage/",
            allowed(STAFF, no=forbidden, anonymous=login),
        ),
        (
            "newsroom/coverage/",
            "/newsroom/coverage/?body=ec-kz&start=2025-01-01&end=2025-12-31&status=missing",
            allowed(STAFF, no=forbidden, anonymous=login),
        ),
        (
            "newsroom/articles/new/",
            "/newsroom/articles/new/",
            allowed(WRITERS, no=forbidden, anonymous=login),
        ),
        (
            "newsroom/articles/<str:slug>/",
            "/newsroom/articles/gc5-opens/",
            allowed(STAFF, no=forbidden, anonymous=login),
        ),
        ("newsroom/articles/<str:slug>/", "/newsroom/articles/no-such-article/", unknown_for_staff),
        # Written by the press bureau (under dept-3, under the council).
        (
            "newsroom/articles/<str:slug>/edit/",
            "/newsroom/articles/gc5-opens/edit/",
            allowed({"alice", "admin"}, no=forbidden, anonymous=login),
        ),
        # Written by a person, about ec-kz and the society below it.
        (
            "newsroom/articles/<str:slug>/edit/",
            "/newsroom/articles/gc5-steppe-day/edit/",
            allowed({"bob", "alice", "admin"}, no=forbidden, anonymous=login),
        ),
        ("newsroom/articles/<str:slug>/send/", "/newsroom/articles/gc5-opens/send/", post_only),
        (
            "newsroom/articles/<str:slug>/publish/",
            "/newsroom/articles/gc5-opens/publish/",
            post_only,
        ),
        (
            "newsroom/queue/",
            "/newsroom/queue/",
            allowed(TRANSLATORS, no=forbidden, anonymous=login),
        ),
        ("newsroom/review/", "/newsroom/review/", allowed(WRITERS, no=forbidden, anonymous=login)),
        ("newsroom/assignments/<int:pk>/", "/newsroom/assignments/999999/", unknown_for_staff),
        ("newsroom/assignments/<int:pk>/claim/", "/newsroom/assignments/999999/claim/", post_only),
        (
            "newsroom/assignments/<int:pk>/review/",
            "/newsroom/assignments/999999/review/",
            unknown_for_staff,
        ),
    ]

"""Authorization-matrix rows of the desk's conference, session-document and file pages
(web/session_views.py) and of the conference writes of the API.

A conference is the organization's: only those who act for it (alice, officer of the
council at the top, and the administrator) record or change one; other signed-in
personas get 403, visitors are sent to sign in (the API answers them 401). A
session's documents are added by the officers of one of its hosts (gc5-d2: ec-kz,
bob's). The demo's documents have no file, so their download is 404 for everyone.
"""

from __future__ import annotations

from typing import Any

ORGANIZATION = {"alice", "admin"}
KZ_OFFICERS = {"bob", "alice", "admin"}


def rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    return [
        (
            "conferences/new/",
            "/conferences/new/",
            allowed(ORGANIZATION, no=403, anonymous=login),
        ),
        (
            "conferences/<str:slug>/edit/",
            "/conferences/gc-5/edit/",
            allowed(ORGANIZATION, no=403, anonymous=login),
        ),
        (
            "conferences/<str:slug>/edit/",
            "/conferences/no-such-conference/edit/",
            allowed(set(), no=404, anonymous=login),
        ),
        (
            "sessions/<str:slug>/documents/new/",
            "/sessions/gc5-d2/documents/new/",
            allowed(KZ_OFFICERS, no=403, anonymous=login),
        ),
        (
            "sessions/<str:slug>/documents/new/",
            "/sessions/kz-closed/documents/new/",
            {**allowed(KZ_OFFICERS, no=404, anonymous=login), "mia": 404},
        ),
        ("documents/<str:slug>/file", "/documents/gc5-d1-opening/file", allowed(set())),
    ]


def api_rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    return [
        (
            "POST",
            "/api/v1/conferences",
            "/api/v1/conferences",
            {
                "id": "gc-6",
                "name": {"en": "6th General Conference"},
                "start": "2026-05-01",
                "end": "2026-05-02",
            },
            allowed(ORGANIZATION, yes=201, no=403, anonymous=401),
        ),
        (
            "PATCH",
            "/api/v1/conferences/{id}",
            "/api/v1/conferences/gc-5",
            {"dedication": {"en": "To the founders"}},
            allowed(ORGANIZATION, no=403, anonymous=401),
        ),
    ]

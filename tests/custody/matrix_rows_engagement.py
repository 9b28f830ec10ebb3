"""Authorization-matrix rows of readers' engagement: the view beacon, comments, moderation."""

from __future__ import annotations

from typing import Any


def rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    """The matrix only GETs: the POST-only endpoints answer 405 to everyone."""
    post_only = allowed(set(), no=405)
    # Editors and officers moderate (their list holds only their bodies' articles);
    # bob is officer of ec-kz, alice of the council, so both may open the page.
    moderators = {"bob", "alice", "admin"}
    return [
        ("<site_lang:lang>/news/<str:slug>/view", "/en/news/gc5-opens/view", post_only),
        ("<site_lang:lang>/news/<str:slug>/comments/", "/en/news/gc5-opens/comments/", post_only),
        (
            "<site_lang:lang>/news/<str:slug>/comments/thanks/",
            "/en/news/gc5-opens/comments/thanks/?sent=email",
            allowed(everyone),
        ),
        (
            "<site_lang:lang>/news/<str:slug>/comments/thanks/",
            "/en/news/gc5-closing-statement/comments/thanks/",
            allowed(set()),
        ),
        (
            "<site_lang:lang>/comments/confirm/<str:secret>/",
            "/ru/comments/confirm/not-a-real-secret/",
            allowed(set()),
        ),
        (
            "newsroom/comments/",
            "/newsroom/comments/",
            allowed(moderators, no=403, anonymous=login),
        ),
        ("newsroom/comments/<int:pk>/approve/", "/newsroom/comments/1/approve/", post_only),
        ("newsroom/comments/<int:pk>/reject/", "/newsroom/comments/1/reject/", post_only),
    ]

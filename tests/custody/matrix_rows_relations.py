"""Authorization-matrix rows of partners, honours and agreements (web/relations_views.py,
api/relations_writes.py).

Reading is public. Writing is for those who act for the whole organization
(alice, an officer of the council at the top, and the administrator): everyone else
signed in gets 403, anonymous visitors are sent to sign in (pages) or get 401 (API).
The demo's one award goes to lark, whom only alice and the administrator see, so its
letter is checked per persona in tests/web/test_relations_pages.py; here an award that
does not exist is 404 for everyone.
"""

from __future__ import annotations

from typing import Any

ORGANIZATION = {"alice", "admin"}


def rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    writers = allowed(ORGANIZATION, no=403, anonymous=login)
    unknown_for_writers = allowed(set(), no=403, anonymous=login) | {
        persona: 404 for persona in ORGANIZATION
    }
    return [
        ("partners/", "/partners/", allowed(everyone)),
        ("partners/new/", "/partners/new/", writers),
        ("partners/<str:slug>/", "/partners/nordic-youth/", allowed(everyone)),
        ("partners/<str:slug>/", "/partners/no-such-partner/", allowed(set())),
        ("partners/<str:slug>/edit/", "/partners/nordic-youth/edit/", writers),
        ("partners/<str:slug>/edit/", "/partners/no-such-partner/edit/", unknown_for_writers),
        ("honours/", "/honours/", allowed(everyone)),
        ("honours/new/", "/honours/new/", writers),
        ("honours/<str:slug>/", "/honours/friendship-badge/", allowed(everyone)),
        ("honours/<str:slug>/", "/honours/no-such-honour/", allowed(set())),
        ("honours/<str:slug>/edit/", "/honours/friendship-badge/edit/", writers),
        ("awards/<int:pk>/letter.pdf", "/awards/999999/letter.pdf", allowed(set())),
        ("agreements/", "/agreements/", allowed(everyone)),
        ("agreements/new/", "/agreements/new/", writers),
        ("agreements/<str:slug>/", "/agreements/coop-nordic-youth/", allowed(everyone)),
        ("agreements/<str:slug>/", "/agreements/no-such-agreement/", allowed(set())),
        ("agreements/<str:slug>/edit/", "/agreements/coop-teachers/edit/", writers),
    ]


def api_rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    def write(status: int) -> dict[str, int]:
        return allowed(ORGANIZATION, yes=status, no=403, anonymous=401)

    return [
        ("POST", "/api/v1/partners", "/api/v1/partners", {"name": {"en": "New Union"}}, write(201)),
        (
            "PATCH",
            "/api/v1/partners/{id}",
            "/api/v1/partners/nordic-youth",
            {"country": "NO"},
            write(200),
        ),
        (
            "POST",
            "/api/v1/honours",
            "/api/v1/honours",
            {"name": {"en": "Star"}, "kind": "medal"},
            write(201),
        ),
        (
            "PATCH",
            "/api/v1/honours/{id}",
            "/api/v1/honours/friendship-badge",
            {"kind": "order"},
            write(200),
        ),
        (
            "POST",
            "/api/v1/agreements",
            "/api/v1/agreements",
            {"title": {"en": "Pact"}, "parties": ["self", "nordic-youth"]},
            write(201),
        ),
        (
            "PATCH",
            "/api/v1/agreements/{id}",
            "/api/v1/agreements/coop-teachers",
            {"articles": [{"en": "To meet once a year."}]},
            write(200),
        ),
    ]

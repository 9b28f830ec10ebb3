"""Authorization-matrix rows of the page that records a person (web/person_views.py), and
of a private person under a newsroom grant (docs/decisions/0025).

Officers of a body (bob, alice) and the administrator record people and list likely
duplicates; mia (a plain
member), tanya (a translator) and charlie (no grant) get 403; anonymous visitors
are sent to sign in. The edit page's rows stay in the matrix itself.

Least privilege for the newsroom's roles: `plant` records a private person in the custody
of dept-3 who holds a post in its press bureau. Tanya's translator grant on dept-3 covers
both, and still does not open her page nor her history (404, as for anyone who may not see
her); alice (an officer above dept-3) and the administrator see her.
"""

from __future__ import annotations

from typing import Any

RECORDERS = {"bob", "alice", "admin"}  # an officer grant somewhere
NEWSROOM_PRIVATE = "vera-lindqvist"  # private, custodian dept-3, a member of the press bureau
ABOVE_DEPT_3 = {"alice", "admin"}


def plant() -> None:
    import datetime as dt

    from chapterhouse.registry.models import Body, Person, Term

    vera = Person.objects.create(
        slug=NEWSROOM_PRIVATE,
        name="Vera Lindqvist",
        public=False,
        custodian=Body.objects.get(slug="dept-3"),
    )
    Term.objects.create(
        person=vera,
        body=Body.objects.get(slug="press-bureau"),
        role="member",
        start=dt.date(2024, 1, 1),
    )


def rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    return [
        ("people/new/", "/people/new/", allowed(RECORDERS, no=403, anonymous=login)),
        # Likely duplicates: for those who may merge some people (docs/decisions/0032); the
        # merge and its undoing are POST-only (their writes: tests/web/test_person_merge_pages).
        (
            "people/duplicates/",
            "/people/duplicates/",
            allowed(RECORDERS, no=403, anonymous=login),
        ),
        ("people/merge/", "/people/merge/", allowed(set(), no=405, anonymous=login)),
        ("people/unmerge/", "/people/unmerge/", allowed(set(), no=405, anonymous=login)),
        # A translator grant on her custodian body does not open a private person's page.
        ("people/<str:slug>/", f"/people/{NEWSROOM_PRIVATE}/", allowed(ABOVE_DEPT_3)),
    ]


def api_rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    return [
        (
            "GET",
            "/api/v1/people/{id}",
            f"/api/v1/people/{NEWSROOM_PRIVATE}",
            None,
            allowed(ABOVE_DEPT_3),
        ),
        (
            "GET",
            "/api/v1/people/{id}/history",
            f"/api/v1/people/{NEWSROOM_PRIVATE}/history",
            None,
            allowed(ABOVE_DEPT_3),
        ),
    ]

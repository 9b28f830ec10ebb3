"""Authorization-matrix rows of the instructions (web/task_views.py, POST/PATCH /tasks).

The demo has two tasks: "student-clubs", a standing instruction to ec-kz and
timur-akhmetov (custodian ec-kz), and "proceedings", given to dept-3 by the
decision gc5-d1-task. The board and a task's page are public; the body board of the
internal cell-almaty-uni is for those with a grant covering ec-kz. Officers give
instructions; only those who may give one to every assignee (bob and alice for
ec-kz, the administrator) change it, and an instruction a decision gave changes
only through the decision (403 for everyone on the desk).
"""

from __future__ import annotations

from typing import Any

KZ_OFFICERS = {"bob", "alice", "admin"}


def rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    return [
        ("tasks/", "/tasks/", allowed(everyone)),
        ("tasks/", "/tasks/?all=1&as_of=2025-08-01", allowed(everyone)),
        ("tasks/", "/tasks/?body=cell-almaty-uni", allowed(KZ_OFFICERS)),
        ("bodies/<str:slug>/tasks/", "/bodies/ec-kz/tasks/", allowed(everyone)),
        ("bodies/<str:slug>/tasks/", "/bodies/cell-almaty-uni/tasks/", allowed(KZ_OFFICERS)),
        ("tasks/new/", "/tasks/new/", allowed(KZ_OFFICERS, no=403, anonymous=login)),
        ("tasks/<str:slug>/", "/tasks/student-clubs/", allowed(everyone)),
        ("tasks/<str:slug>/", "/tasks/no-such-task/", allowed(set(), no=404)),
        (
            "tasks/<str:slug>/edit/",
            "/tasks/student-clubs/edit/",
            allowed(KZ_OFFICERS, no=403, anonymous=login),
        ),
        (
            "tasks/<str:slug>/edit/",
            "/tasks/proceedings/edit/",
            allowed(set(), no=403, anonymous=login),
        ),
    ]


def api_rows(allowed: Any, everyone: set[str], signed_in: set[str], login: int) -> list[Any]:
    return [
        (
            "POST",
            "/api/v1/tasks",
            "/api/v1/tasks",
            {"title": {"en": "Report on the clubs"}, "assignees": [{"body": "ec-kz"}]},
            allowed(KZ_OFFICERS, yes=201, no=403, anonymous=401),
        ),
        (
            "PATCH",
            "/api/v1/tasks/{id}",
            "/api/v1/tasks/student-clubs",
            {"status": "done", "note": "Three clubs are open."},
            allowed(KZ_OFFICERS, no=403, anonymous=401),
        ),
    ]

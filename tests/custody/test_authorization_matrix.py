"""The authorization matrix: every URL pattern and every API operation, for every persona.

The patterns are enumerated from the URL configuration and the operations from
the OpenAPI document, so a new page or endpoint without a row in the tables
below fails `test_every_page_and_operation_has_a_row`. For each persona the
test asserts the expected status and that no personal value the persona may
not read appears in any response.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ["anonymous", "charlie", "mia", "tanya", "bob", "alice", "admin"]
SIGNED_IN = PERSONAS[1:]

# Personal values planted on the two hidden people of the demo, and who may read them.
# olga-smirnova: public false, custodian ec-kz (bob is its officer, alice is above it).
# lark: public false, call sign "Lark", custodian rc-pt (only alice, above, and admin).
PLANTED = {
    "olga-smirnova": {
        "contact": {"email": "olga.private@mail.test", "phone": "+7 700 555 0142"},
        "notes": "keeps the spare keys of the Almaty office",
        "readers": {"bob", "alice", "admin"},
        "secrets": ["olga.private@mail.test", "+7 700 555 0142", "spare keys of the Almaty"],
    },
    "lark": {
        "contact": {"email": "ana.private@mail.test"},
        "notes": "lives near the Porto harbour",
        "readers": {"alice", "admin"},
        "secrets": ["ana.private@mail.test", "Porto harbour", "Ana Costa"],
    },
}


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """Yield (route, name) for every URL pattern, namespaces included."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield prefix + str(entry.pattern), name


def web_routes() -> set[str]:
    """Every route of the site outside the API and the admin (both are enumerated apart)."""
    return {
        route
        for route, _ in walk(get_resolver().url_patterns)
        if not route.startswith(("api/", "admin/"))
    }


def api_operations(client: Client) -> set[tuple[str, str]]:
    """Every (METHOD, path) the OpenAPI document lists."""
    document = client.get("/api/v1/openapi.json").json()
    return {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }


def allowed(readers: set[str], yes: int = 200, no: int = 404, anonymous: int | None = None):
    """Expected statuses: `yes` for `readers`, `no` for everyone else (anonymous may differ)."""
    table = {persona: yes if persona in readers else no for persona in PERSONAS}
    if anonymous is not None and "anonymous" not in readers:
        table["anonymous"] = anonymous
    return table


EVERYONE = set(PERSONAS)
OLGA_READERS = {"bob", "alice", "admin"}  # officers of ec-kz (her custodian) and above
KZ_INSIDERS = {"bob", "alice", "admin"}  # grants covering ec-kz
KZ_OFFICERS = {"bob", "alice", "admin"}
COUNCIL_OFFICERS = {"alice", "admin"}
SIGNED_IN_ONLY = allowed(set(SIGNED_IN), anonymous=302)
LOGIN = 302  # anonymous visitors of a signed-in page are sent to sign in

# Web pages: (route, concrete path, expected status per persona). Hidden and
# internal records are planted by `plant` below.
WEB: list[tuple[str, str, dict[str, int]]] = [
    ("", "/", allowed(EVERYONE)),
    ("bodies/<str:slug>/", "/bodies/ec-kz/", allowed(EVERYONE)),
    ("bodies/<str:slug>/", "/bodies/cell-almaty-uni/", allowed(KZ_INSIDERS)),
    ("bodies/<str:slug>/chart/", "/bodies/ec-kz/chart/?as_of=2025-05-19", allowed(EVERYONE)),
    # Below an internal body: a 404 for whoever may not see it, as for an unknown id.
    ("bodies/<str:slug>/chart/", "/bodies/cell-almaty-uni/chart/", allowed(KZ_INSIDERS)),
    ("bodies/<str:slug>/calendar.ics", "/bodies/ec-kz/calendar.ics", allowed(EVERYONE)),
    (
        "bodies/<str:slug>/calendar.ics",
        "/bodies/cell-almaty-uni/calendar.ics",
        allowed(KZ_INSIDERS),
    ),
    ("calendar/", "/calendar/?month=2025-03", allowed(EVERYONE)),
    ("calendar.ics", "/calendar.ics", allowed(EVERYONE)),
    ("commemorations/", "/commemorations/", allowed(EVERYONE)),
    ("people/", "/people/", allowed(EVERYONE)),
    ("people/<str:slug>/", "/people/irina-volkova/", allowed(EVERYONE)),
    ("people/<str:slug>/", "/people/olga-smirnova/", allowed(OLGA_READERS)),
    ("people/<str:slug>/", "/people/lark/", allowed(COUNCIL_OFFICERS)),
    (
        "people/<str:slug>/edit/",
        "/people/olga-smirnova/edit/",
        allowed(OLGA_READERS, anonymous=LOGIN),
    ),
    (
        "people/<str:slug>/edit/",
        "/people/irina-volkova/edit/",
        allowed(COUNCIL_OFFICERS, no=403, anonymous=LOGIN),
    ),
    ("conferences/", "/conferences/", allowed(EVERYONE)),
    ("conferences/<str:slug>/", "/conferences/gc-5/", allowed(EVERYONE)),
    ("conferences/<str:slug>/report/", "/conferences/gc-5/report/?lang=en", allowed(EVERYONE)),
    ("conferences/<str:slug>/report/", "/conferences/nope/report/", allowed(set())),
    ("conferences/<str:slug>/report.md", "/conferences/gc-5/report.md?lang=ru", allowed(EVERYONE)),
    (
        "conferences/<str:slug>/report.pdf",
        "/conferences/gc-5/report.pdf?lang=ko",
        allowed(EVERYONE),
    ),
    ("changes", "/changes?from=2025-05-18&to=2025-05-24", allowed(EVERYONE)),
    ("sessions/<str:slug>/", "/sessions/gc5-d2/", allowed(EVERYONE)),
    ("sessions/<str:slug>/", "/sessions/kz-closed/", allowed(KZ_INSIDERS)),
    ("sessions/new/", "/sessions/new/", allowed(KZ_OFFICERS, no=403, anonymous=LOGIN)),
    (
        "sessions/<str:slug>/edit/",
        "/sessions/gc5-d2/edit/",
        allowed(KZ_OFFICERS, no=403, anonymous=LOGIN),
    ),
    (
        "sessions/<str:slug>/edit/",
        "/sessions/gc5-d1/edit/",
        allowed(COUNCIL_OFFICERS, no=403, anonymous=LOGIN),
    ),
    ("decisions/<str:slug>/", "/decisions/gc5-d1-elect/", allowed(EVERYONE)),
    ("decisions/<str:slug>/", "/decisions/kz-closed-d1/", allowed(KZ_INSIDERS)),
    ("decisions/new/", "/decisions/new/", allowed(KZ_OFFICERS, no=403, anonymous=LOGIN)),
    (
        "decisions/<str:slug>/edit/",
        "/decisions/gc5-d2-cell/edit/",
        allowed(KZ_OFFICERS, no=403, anonymous=LOGIN),
    ),
    (
        "decisions/<str:slug>/adopt/",
        "/decisions/gc5-d3-nominate/adopt/",
        allowed({"alice", "admin"}, no=403, anonymous=LOGIN),
    ),
    (
        "decisions/<str:slug>/annul/",
        "/decisions/gc5-d2-cell/annul/",
        allowed(KZ_OFFICERS, no=403, anonymous=LOGIN),
    ),
    ("accounts/", "/accounts/", SIGNED_IN_ONLY),
    ("accounts/sign-in/", "/accounts/sign-in/", allowed(EVERYONE)),
    ("accounts/sign-in/code/", "/accounts/sign-in/code/", allowed(set(), no=302)),
    ("accounts/sign-out/", "/accounts/sign-out/", allowed(set(), no=405)),
    ("accounts/two-factor/", "/accounts/two-factor/", SIGNED_IN_ONLY),
    ("accounts/password/", "/accounts/password/", SIGNED_IN_ONLY),
    ("accounts/password/changed/", "/accounts/password/changed/", SIGNED_IN_ONLY),
    ("accounts/password/reset/", "/accounts/password/reset/", allowed(EVERYONE)),
    ("accounts/password/reset/sent/", "/accounts/password/reset/sent/", allowed(EVERYONE)),
    (
        "accounts/password/reset/<uidb64>/<token>/",
        "/accounts/password/reset/MQ/bad-token/",
        allowed(EVERYONE),
    ),
    ("accounts/password/reset/done/", "/accounts/password/reset/done/", allowed(EVERYONE)),
    (
        "accounts/invitations/new/",
        "/accounts/invitations/new/",
        allowed(KZ_OFFICERS, no=403, anonymous=LOGIN),
    ),
    (
        "accounts/invitations/<str:secret>/",
        "/accounts/invitations/not-a-real-secret/",
        allowed(set(), no=404),
    ),
]


def _area_modules() -> list[Any]:
    """The modules of newer areas' rows, kept beside this file in ``matrix_rows_<area>.py``."""
    import importlib.util
    from pathlib import Path

    modules = []
    for file in sorted(Path(__file__).parent.glob("matrix_rows_*.py")):
        spec = importlib.util.spec_from_file_location(f"_matrix_{file.stem}", file)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return modules


def _area_rows(kind: str) -> list[Any]:
    """Rows of newer areas, kept beside this file in ``matrix_rows_<area>.py``.

    Each such module defines ``rows(allowed, everyone, signed_in, login)`` returning
    (route, concrete path, expected statuses) tuples like those of ``WEB``, and may
    define ``api_rows(allowed, everyone, signed_in, login)`` returning (METHOD, OpenAPI
    path, concrete path, JSON body, expected statuses) tuples like those of ``API``, and
    ``plant()`` adding the records its rows ask for (run after :func:`plant`'s own).
    """
    found: list[Any] = []
    for module in _area_modules():
        make = getattr(module, kind, None)
        if make is not None:
            found += make(allowed, EVERYONE, set(SIGNED_IN), LOGIN)
    return found


WEB += _area_rows("rows")

# API operations: (METHOD, OpenAPI path, concrete path, JSON body, expected statuses).
READ = allowed(EVERYONE)
API: list[tuple[str, str, str, dict[str, Any] | None, dict[str, int]]] = [
    ("GET", "/api/v1/organization", "/api/v1/organization", None, READ),
    ("GET", "/api/v1/bodies", "/api/v1/bodies", None, READ),
    ("GET", "/api/v1/bodies/{id}", "/api/v1/bodies/ec-kz", None, READ),
    ("GET", "/api/v1/bodies/{id}", "/api/v1/bodies/cell-almaty-uni", None, allowed(KZ_INSIDERS)),
    ("GET", "/api/v1/people", "/api/v1/people", None, READ),
    ("GET", "/api/v1/people/{id}", "/api/v1/people/irina-volkova", None, READ),
    ("GET", "/api/v1/people/{id}", "/api/v1/people/olga-smirnova", None, allowed(OLGA_READERS)),
    ("GET", "/api/v1/people/{id}", "/api/v1/people/lark", None, allowed(COUNCIL_OFFICERS)),
    (
        "GET",
        "/api/v1/people/{id}/history",
        "/api/v1/people/olga-smirnova/history",
        None,
        allowed(OLGA_READERS),
    ),
    ("GET", "/api/v1/orgchart", "/api/v1/orgchart?as_of=2025-05-19", None, READ),
    ("GET", "/api/v1/orgchart/stream", "/api/v1/orgchart/stream?as_of=2025-05-19", None, READ),
    ("GET", "/api/v1/diff", "/api/v1/diff?from=2025-05-18&to=2025-05-24", None, READ),
    ("GET", "/api/v1/conferences", "/api/v1/conferences", None, READ),
    ("GET", "/api/v1/conferences/{id}", "/api/v1/conferences/gc-5", None, READ),
    ("GET", "/api/v1/sessions", "/api/v1/sessions", None, READ),
    ("GET", "/api/v1/sessions/{id}", "/api/v1/sessions/gc5-d2", None, READ),
    ("GET", "/api/v1/sessions/{id}", "/api/v1/sessions/kz-closed", None, allowed(KZ_INSIDERS)),
    ("GET", "/api/v1/decisions", "/api/v1/decisions", None, READ),
    ("GET", "/api/v1/decisions/{id}", "/api/v1/decisions/gc5-d1-elect", None, READ),
    ("GET", "/api/v1/decisions/{id}", "/api/v1/decisions/kz-closed-d1", None, allowed(KZ_INSIDERS)),
    ("GET", "/api/v1/partners", "/api/v1/partners", None, READ),
    ("GET", "/api/v1/partners/{id}", "/api/v1/partners/{partner}", None, READ),
    ("GET", "/api/v1/agreements", "/api/v1/agreements", None, READ),
    ("GET", "/api/v1/agreements/{id}", "/api/v1/agreements/{agreement}", None, READ),
    ("GET", "/api/v1/honours", "/api/v1/honours", None, READ),
    ("GET", "/api/v1/honours/{id}", "/api/v1/honours/{honour}", None, READ),
    ("GET", "/api/v1/tasks", "/api/v1/tasks", None, READ),
    ("GET", "/api/v1/tasks/{id}", "/api/v1/tasks/{task}", None, READ),
    (
        "POST",
        "/api/v1/people",
        "/api/v1/people",
        {"id": "new-kz-member", "name": "New Member", "custodian": "ec-kz"},
        allowed(KZ_OFFICERS, yes=201, no=403, anonymous=401),
    ),
    (
        "PATCH",
        "/api/v1/people/{id}",
        "/api/v1/people/olga-smirnova",
        {"notes": "moved"},
        allowed(OLGA_READERS, anonymous=401),
    ),
    (
        "PATCH",
        "/api/v1/people/{id}",
        "/api/v1/people/irina-volkova",
        {"honorific": {"en": "Dr"}},
        allowed(COUNCIL_OFFICERS, no=403, anonymous=401),
    ),
    (
        "POST",
        "/api/v1/sessions",
        "/api/v1/sessions",
        {"id": "kz-new", "date": "2025-06-01", "hosts": ["ec-kz"]},
        allowed(KZ_OFFICERS, yes=201, no=403, anonymous=401),
    ),
    (
        "PATCH",
        "/api/v1/sessions/{id}",
        "/api/v1/sessions/gc5-d2",
        {"venue": {"en": "Hall B"}},
        allowed(KZ_OFFICERS, no=403, anonymous=401),
    ),
    (
        "POST",
        "/api/v1/decisions",
        "/api/v1/decisions",
        {"id": "kz-new-d", "session": "gc5-d2", "kind": "resolution", "text": {"en": "Thanks"}},
        allowed(KZ_OFFICERS, yes=201, no=403, anonymous=401),
    ),
    (
        "PATCH",
        "/api/v1/decisions/{id}",
        "/api/v1/decisions/gc5-d2-cell",
        {"text": {"en": "Found the cell"}},
        allowed(KZ_OFFICERS, no=403, anonymous=401),
    ),
]

API += _area_rows("api_rows")


def plant() -> dict[str, str]:
    """Plant the personal values, an internal body, session and decision; return demo ids."""
    from chapterhouse.meetings.models import Decision, Session, SessionHost
    from chapterhouse.registry.models import Body, Person
    from chapterhouse.relations.models import Agreement, Honour, Partner, Task

    for slug, planted in PLANTED.items():
        Person.objects.filter(slug=slug).update(
            contact=planted["contact"],
            notes=planted["notes"],
            born=dt.date(1980, 2, 29),
            born_precision="day",
        )
    Body.objects.filter(slug="cell-almaty-uni").update(internal=True)
    session = Session.objects.create(
        slug="kz-closed", date=dt.date(2025, 3, 1), internal=True, title={"en": "Closed meeting"}
    )
    SessionHost.objects.create(session=session, body=Body.objects.get(slug="ec-kz"))
    Decision.objects.create(
        slug="kz-closed-d1",
        session=session,
        date=session.date,
        kind="resolution",
        status="adopted",
        internal=True,
        text={"en": "A closed resolution"},
    )
    for module in _area_modules():
        if hasattr(module, "plant"):
            module.plant()
    return {
        "partner": Partner.objects.values_list("slug", flat=True).first() or "",
        "agreement": Agreement.objects.values_list("slug", flat=True).first() or "",
        "honour": Honour.objects.values_list("slug", flat=True).first() or "",
        "task": Task.objects.values_list("slug", flat=True).first() or "",
    }


def test_every_page_and_operation_has_a_row(client, demo):
    assert web_routes() == {route for route, _, _ in WEB}
    listed = {(method, path) for method, path, *_ in API}
    served = api_operations(client)
    assert served == listed, f"missing rows: {served - listed}; stale rows: {listed - served}"
    for _, _, expected in WEB:
        assert set(expected) == set(PERSONAS)


def request_as(client: Client, method: str, path: str, body: Any, token: str | None):
    """Send one request; writes run in a savepoint rolled back after, so each starts fresh."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    with transaction.atomic():
        if method == "GET":
            response = client.get(path, **headers)
        else:
            send = client.post if method == "POST" else client.patch
            response = send(path, data=json.dumps(body), content_type="application/json", **headers)
        transaction.set_rollback(True)
    return response


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_matrix_says_and_no_personal_data_leaks(
    persona, personas, settings
):
    from django.utils import timezone

    # Each request's writes are rolled back (request_as), a new session row too; a session
    # kept in the cache (cached_db) would outlive its row. In production a session is saved
    # outside any transaction a view rolls back.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"

    from chapterhouse.custody.services import token_create
    from tests.conftest import sign_in

    ids = plant()
    web = Client()
    api = Client(enforce_csrf_checks=True)
    token = None
    if persona != "anonymous":
        user = personas[persona]
        sign_in(web, user)
        _, token = token_create(user=user, name="matrix", expires=None, at=timezone.now())
    secrets = [
        secret
        for planted in PLANTED.values()
        if persona not in planted["readers"]
        for secret in planted["secrets"]
    ]
    wrong: list[str] = []
    responses = []
    for _, path, expected in WEB:
        response = request_as(web, "GET", path, None, None)
        responses.append((f"GET {path}", response))
        if response.status_code != expected[persona]:
            wrong.append(f"GET {path}: {response.status_code}, expected {expected[persona]}")
    for method, _, path, body, expected in API:
        path = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
        response = request_as(api, method, path, body, token)
        responses.append((f"{method} {path}", response))
        if response.status_code != expected[persona]:
            wrong.append(
                f"{method} {path}: {response.status_code}, expected {expected[persona]}"
                f" {response.getvalue()[:200]!r}"
            )
    everything = ""
    for where, response in responses:
        text = response.getvalue().decode("utf-8", "replace")
        everything += text
        for secret in secrets:
            if secret in text:
                wrong.append(f"{where}: shows {secret!r} to {persona}")
    # The custodians do read the planted values: the leak check looks for real text.
    for planted in PLANTED.values():
        if persona in planted["readers"]:
            wrong += [
                f"{secret!r} never shown to {persona}"
                for secret in planted["secrets"]
                if secret not in everything
            ]
    assert wrong == []


def admin_pages() -> list[str]:
    """The admin's index and the list page of every registered model (enumerated, so a new
    admin is covered without a row of its own)."""
    from django.contrib import admin
    from django.urls import reverse

    return [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    ]


# Administrators use the admin; anyone else signed in is told why not (403); visitors sign in.
ADMIN_PAGES = {persona: 403 for persona in SIGNED_IN} | {"anonymous": LOGIN, "admin": 200}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_admin_page_is_for_administrators_only(persona, personas):
    from tests.conftest import sign_in

    client = Client()
    if persona != "anonymous":
        sign_in(client, personas[persona])
    wrong = [
        f"GET {path}: {status}, expected {ADMIN_PAGES[persona]}"
        for path in admin_pages()
        if (status := client.get(path).status_code) != ADMIN_PAGES[persona]
    ]
    assert wrong == []

"""Shared fixtures: the demo organization, loaded through the real importer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

DEMO_FILE = Path(__file__).resolve().parents[1] / "src/chapterhouse/chronicle/demo.chronicle.json"


@pytest.fixture
def demo_file() -> Path:
    """Return the path of the demo organization's Chronicle."""
    return DEMO_FILE


@pytest.fixture
def demo(db: None) -> None:
    """Load the demo organization (the example Chronicle) into the test database."""
    from chapterhouse.chronicle.importer import chronicle_import

    chronicle_import(DEMO_FILE)


# --- personas ---------------------------------------------------------------
# The people of the permission stories, on the demo organization:
#   admin    an organization administrator (superuser)
#   alice    the chair (irina-volkova), officer of the coordination council
#   bob      the head of the Kazakhstan committee (aigerim-bekova), officer of ec-kz
#   tanya    a translator of the information department (dept-3), no person record
#   mia      a plain member of the Japanese committee (park-minjun)
#   charlie  an outsider: an account with no grant at all
#   anonymous  a visitor who is not signed in (no account)

PERSONAS: dict[str, dict[str, object]] = {
    "admin": {"email": "admin@chapterhouse.test", "admin": True, "grants": []},
    "alice": {
        "email": "alice@chapterhouse.test",
        "person": "irina-volkova",
        "grants": [("officer", "council")],
    },
    "bob": {
        "email": "bob@chapterhouse.test",
        "person": "aigerim-bekova",
        "grants": [("officer", "ec-kz")],
    },
    "tanya": {"email": "tanya@chapterhouse.test", "grants": [("translator", "dept-3")]},
    "mia": {
        "email": "mia@chapterhouse.test",
        "person": "park-minjun",
        "grants": [("member", "ec-jp")],
    },
    "charlie": {"email": "charlie@chapterhouse.test", "grants": []},
}


@pytest.fixture
def personas(demo: None) -> dict[str, object]:
    """Create the persona accounts on the demo organization; return users by persona name.

    Accounts get no usable password (tests sign in with `sign_in`); officers and
    the administrator get a confirmed TOTP device, as two-factor is required of them.
    """
    import datetime as dt

    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chapterhouse.custody.access import ADMIN
    from chapterhouse.custody.services import user_add
    from chapterhouse.registry.models import Body, Person

    at = timezone.now()
    users: dict[str, object] = {}
    for name, spec in PERSONAS.items():
        person_slug = spec.get("person")
        user = user_add(
            viewer=ADMIN,
            via="cli",
            email=str(spec["email"]),
            person=Person.objects.get(slug=person_slug) if person_slug else None,
            grants=[(role, Body.objects.get(slug=body)) for role, body in spec["grants"]],  # type: ignore[attr-defined]
            is_admin=bool(spec.get("admin")),
            on=dt.date(2000, 1, 1),
            at=at,
        )
        if spec.get("admin") or any(role == "officer" for role, _ in spec["grants"]):  # type: ignore[attr-defined]
            TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        users[name] = user
    return users


def sign_in(client: object, user: object) -> None:
    """Sign `user` in on a Django test client, second factor included when they have one."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)  # type: ignore[attr-defined]
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session  # type: ignore[attr-defined]
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(autouse=True, scope="session")
def _plain_http() -> object:
    """Serve the test client over plain HTTP: production redirects it to HTTPS.

    Session-scoped so hypothesis tests do not see a function-scoped fixture.
    """
    from django.test import override_settings

    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture
def admin_client(client: object, admin_user: object) -> object:
    """Return a client signed in as a superuser with a verified second factor."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=admin_user, name="phone", confirmed=True)
    sign_in(client, admin_user)
    return client


def grow_conference(slug: str, *, sessions: int) -> None:
    """Add `sessions` more days to a conference, each with an adopted resolution."""
    import datetime as dt

    from chapterhouse.meetings.models import Conference, Decision, Session, SessionHost
    from chapterhouse.registry.models import Body

    conference = Conference.objects.get(slug=slug)
    host = Body.objects.get(slug="ec-nordic")
    for index in range(sessions):
        session = Session.objects.create(
            slug=f"extra-{index}",
            conference=conference,
            day=5 + index,
            date=dt.date(2025, 5, 24),
            country="SE",
        )
        SessionHost.objects.create(session=session, body=host)
        Decision.objects.create(
            slug=f"extra-{index}",
            session=session,
            date=dt.date(2025, 5, 24),
            kind="resolution",
            text={"en": f"Resolution {index}"},
            status="adopted",
        )


@pytest.fixture
def run_tasks(db: None, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Return a function that runs the queued background tasks with the real worker.

    Work is queued when a transaction commits; tests wrap the request in
    ``django_capture_on_commit_callbacks(execute=True)`` (or use a transactional
    test) so the enqueue happens, then call this to let ``db_worker`` run it.
    The worker closes "old" connections between tasks; inside a test's
    transaction that would close the test's own connection (PostgreSQL), so that
    one step is left out here.
    """
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    return run


def _empty_audit_trail() -> None:
    """Empty the audit trail, lifting its triggers just long enough (tests only)."""
    import importlib

    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE custody_auditentry DISABLE TRIGGER USER")
            cursor.execute("DELETE FROM custody_auditentry")
            cursor.execute("ALTER TABLE custody_auditentry ENABLE TRIGGER USER")
            return
        triggers = importlib.import_module("chapterhouse.custody.migrations.0004_audit_sealed")
        for statement in triggers.SQLITE_BACKWARD:
            cursor.execute(statement)
        cursor.execute("DELETE FROM custody_auditentry")
        for statement in triggers.SQLITE_FORWARD:
            cursor.execute(statement)


@pytest.fixture
def transactional_db(transactional_db: None) -> Iterator[None]:
    """pytest-django's transactional_db, able to empty the audit trail afterwards.

    A transactional test commits for real and is cleaned up by emptying every
    table. The audit trail's triggers refuse that (deletions on SQLite, a
    TRUNCATE of a trail with entries on PostgreSQL), so they are lifted just
    long enough to empty that one table, then put back.
    """
    yield
    _empty_audit_trail()


@pytest.fixture(autouse=True)
def _audit_trail_emptied_after_transactional_marks(
    request: pytest.FixtureRequest,
) -> Iterator[None]:
    """The same for tests marked ``django_db(transaction=True)``, which pytest-django
    sets up without the ``transactional_db`` fixture."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction", marker.args[:1] == (True,)):
        yield
        return
    request.getfixturevalue("_django_db_helper")  # so this one is torn down first
    yield
    _empty_audit_trail()


@pytest.fixture(autouse=True)
def _memo_forgotten() -> Iterator[None]:
    """Start each test as a new process would: the database is rolled back after a test
    without bumping any generation (core.generations), so what this process kept under a
    generation (a viewer, a user's device) could outlive its rows and a reused id."""
    from chapterhouse.core.generations import memo_clear

    memo_clear()
    yield
    memo_clear()

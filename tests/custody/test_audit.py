"""The audit trail: every write leaves an entry, officers read theirs, nobody edits it."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import get_resolver
from django.utils import timezone

from chapterhouse.custody.access import ADMIN, viewer_for_user
from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.selectors import audit_entries
from chapterhouse.meetings.models import Commemoration, Decision
from chapterhouse.meetings.services import session_create
from chapterhouse.registry.models import Person
from chapterhouse.registry.services import person_update
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 6, 1)


def viewer(personas: dict[str, Any], name: str) -> Any:
    return viewer_for_user(personas[name], on=ON)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def kz_writes(personas: dict[str, Any]) -> str:
    """Bob records a session of his committee and edits one of its members; return the
    session's id."""
    bob = viewer(personas, "bob")
    at = timezone.now()
    session = session_create(
        viewer=bob,
        via="api",
        at=at,
        values={"id": "kz-plenum", "date": "2025-06-10", "hosts": ["ec-kz"]},
    )
    person_update(
        viewer=bob,
        via="web",
        at=at,
        person=Person.objects.get(slug="timur-akhmetov"),
        changes={"notes": "Chairs the youth section."},
    )
    return session.slug


def test_officers_read_the_entries_of_their_bodies_and_those_below(personas, kz_writes):
    bob = {(e.object_type, e.object_id) for e in audit_entries(viewer(personas, "bob"))}
    alice = {(e.object_type, e.object_id) for e in audit_entries(viewer(personas, "alice"))}

    assert {("session", kz_writes), ("person", "timur-akhmetov")} <= bob
    assert {("session", kz_writes), ("person", "timur-akhmetov")} <= alice


def test_members_outsiders_and_visitors_read_no_entries(personas, kz_writes):
    for name in ("mia", "charlie", "tanya"):
        assert audit_entries(viewer(personas, name)) == []


def test_an_officer_of_another_committee_does_not_read_them(personas, kz_writes):
    from chapterhouse.custody.access import viewer_for_scope

    assert audit_entries(viewer_for_scope("ec-jp"), object_id=kz_writes) == []


def test_the_selector_filters_by_object_and_time(personas, kz_writes):
    entries = audit_entries(ADMIN, object_type="person", object_id="timur-akhmetov")
    assert [entry.action for entry in entries] == ["update"]
    assert audit_entries(ADMIN, since=timezone.now() + dt.timedelta(days=1)) == []


def test_the_session_page_shows_its_trail_to_bob(client, personas, kz_writes):
    sign_in(client, personas["bob"])

    page = client.get(f"/sessions/{kz_writes}/").content.decode()

    assert "Audit trail" in page
    assert "bob@chapterhouse.test" in page


def test_the_command_prints_the_trail(kz_writes):
    text = run("audit")

    assert "Audit trail" in text
    assert f"session:{kz_writes}" in text
    assert "notes: — → Chairs" in text
    assert "person:timur-akhmetov" in text


def test_the_command_filters_by_object_and_prints_json(kz_writes):
    entries = json.loads(run("audit", "--object", "person:timur-akhmetov", "--format", "json"))

    assert [(e["action"], e["via"], e["actor"]) for e in entries] == [
        ("update", "web", "bob@chapterhouse.test")
    ]
    assert entries[0]["after"] == {"notes": "Chairs the youth section."}
    assert json.loads(run("audit", "--since", "2999-01-01", "--format", "json")) == []


def test_the_command_refuses_a_malformed_object(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="TYPE:ID"):
        run("audit", "--object", "kz-plenum")


def test_adopting_from_the_command_line_is_audited(demo):
    run("decision", "adopt", "gc5-d3-nominate")

    entry = AuditEntry.objects.get(object_id="gc5-d3-nominate")
    assert (entry.action, entry.via) == ("adopt", "cli")
    assert entry.after == {"status": "adopted"}


def test_an_admin_action_is_audited(client, personas):
    sign_in(client, personas["admin"])
    decision = Decision.objects.get(slug="gc5-d3-nominate")

    client.post(
        "/admin/meetings/decision/",
        {"action": "adopt_selected", "_selected_action": [decision.pk]},
    )

    entry = AuditEntry.objects.get(object_id="gc5-d3-nominate")
    assert (entry.action, entry.via, entry.actor_label) == (
        "adopt",
        "admin",
        "admin@chapterhouse.test",
    )


def test_an_admin_edit_is_audited_with_the_changed_fields(client, personas):
    sign_in(client, personas["admin"])
    founding = Commemoration.objects.get(slug="founding-day")

    response = client.post(
        f"/admin/meetings/commemoration/{founding.pk}/change/",
        {
            "slug": "founding-day",
            "name": json.dumps(founding.name),
            "date": "1998-05-21",
            "date_precision": "day",
            "extra": "null",
        },
    )

    assert response.status_code == 302, response.content
    entry = AuditEntry.objects.get(object_type="commemoration")
    assert (entry.action, entry.via) == ("update", "admin")
    assert (entry.before, entry.after) == ({"date": "1998-05-20"}, {"date": "1998-05-21"})


def test_the_trail_cannot_be_changed_or_deleted_through_the_orm(personas, kz_writes):
    entry = AuditEntry.objects.first()
    assert entry is not None

    entry.action = "nothing"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(action="nothing")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE custody_auditentry SET action = 'nothing'",
        "UPDATE custody_auditentry SET actor_label = 'someone else'",
        "UPDATE custody_auditentry SET object_id = 'other'",
        "DELETE FROM custody_auditentry",
    ],
)
def test_the_database_refuses_to_rewrite_the_trail(personas, kz_writes, statement):
    count = AuditEntry.objects.count()

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert AuditEntry.objects.count() == count
    assert not AuditEntry.objects.filter(action="nothing").exists()


def test_no_web_page_or_api_operation_writes_the_trail(client, demo):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    api_writes = [
        path
        for path, operations in paths.items()
        if "audit" in path and set(operations) & {"post", "put", "patch", "delete"}
    ]
    web_routes = [str(pattern.pattern) for pattern in get_resolver().url_patterns]

    assert api_writes == []
    assert not any("audit" in route for route in web_routes)

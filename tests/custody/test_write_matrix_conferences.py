"""The write matrix of conferences and joint sessions, for every persona (in the style of
test_write_matrix): a conference is recorded by those who act for the organization; a
joint session by an officer of any one of its hosts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.custody.test_write_matrix import clients, expect, plant, send

pytestmark = pytest.mark.django_db

CONFERENCE = {"name": {"en": "Extraordinary conference"}, "start": "2026-02-01"}

# (what, method, path, JSON body, expected status per persona)
WRITES: list[tuple[str, str, str, dict[str, Any], dict[str, int]]] = [
    ("a conference", "POST", "/api/v1/conferences", CONFERENCE, expect(bob=403)),
    (
        "a conference whose last day is before its first",
        "POST",
        "/api/v1/conferences",
        {**CONFERENCE, "end": "2026-01-31"},
        expect(bob=403, alice=400, admin=400),
    ),
    (
        "new days that leave a session outside the conference",
        "PATCH",
        "/api/v1/conferences/gc-5",
        {"start": "2025-05-19"},
        expect(bob=403, alice=400, admin=400),
    ),
    (
        "a joint session with a committee the writer is no officer of",
        "POST",
        "/api/v1/sessions",
        {"date": "2025-06-10", "hosts": ["ec-kz", "ec-jp"]},
        expect(bob=201),
    ),
    (
        "a session hosted only by a committee the writer is no officer of",
        "POST",
        "/api/v1/sessions",
        {"date": "2025-06-10", "hosts": ["ec-jp"]},
        expect(bob=403),
    ),
    (
        "a change to a session of another committee",
        "PATCH",
        "/api/v1/sessions/gc5-d4",
        {"venue": {"en": "Hall C"}},
        expect(bob=403, alice=200, admin=200),
    ),
    (
        "a session timed to a commemoration that does not exist",
        "POST",
        "/api/v1/sessions",
        {"date": "2025-06-10", "hosts": ["ec-kz"], "occasions": ["no-such-day"]},
        expect(bob=400, alice=400, admin=400),
    ),
]


def test_each_persona_may_write_conferences_and_joint_sessions_as_the_matrix_says(personas):
    plant()
    wrong = []
    for what, method, path, body, expected in WRITES:
        for persona, client in clients(personas).items():
            response = send(client, method, path, body)
            if response.status_code != expected[persona]:
                wrong.append(
                    f"{persona}, {what}: {response.status_code}, expected {expected[persona]}"
                    f" {response.content[:300]!r}"
                )
    assert not wrong, "\n".join(wrong)


def _post(client: Any, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_an_officer_of_one_host_records_the_decisions_of_a_joint_session(personas):
    """bob records a session jointly with ec-jp, then a decision of it that touches only
    ec-kz; one that elects someone in ec-jp still needs an officer of ec-jp."""
    bob = clients(personas)["bob"]
    session = _post(bob, "/api/v1/sessions", {"date": "2025-06-10", "hosts": ["ec-kz", "ec-jp"]})
    assert session.status_code == 201, session.content
    slug = session.json()["id"]
    own = _post(
        bob,
        "/api/v1/decisions",
        {
            "session": slug,
            "kind": "election",
            "effects": [
                {"op": "start_term", "person": "timur-akhmetov", "body": "ec-kz", "role": "member"}
            ],
        },
    )
    assert own.status_code == 201, own.content
    other = _post(
        bob,
        "/api/v1/decisions",
        {
            "session": slug,
            "kind": "election",
            "effects": [
                {"op": "start_term", "person": "park-minjun", "body": "ec-jp", "role": "member"}
            ],
        },
    )
    assert other.status_code == 403, other.content

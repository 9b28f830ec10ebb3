"""The write side of the authorization matrix, for every persona.

Three promises, each a table below:

* ``WRITES``: what each persona may record. Effects that name a person or body
  the writer may not see are refused like a missing id; what only the
  organization as a whole does (honours, agreements, a body at the top) needs
  the organization's officers; an instruction to a person needs their
  committee's officers.
* ``PROBES``: a write naming something the writer may not see gets, word for
  word, the answer a write naming an id that does not exist gets.
* ``CREATES``: asking for an id that a hidden record holds creates the record
  exactly as asking for a fresh id does, so "taken" never answers.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.custody.test_authorization_matrix import PERSONAS

pytestmark = pytest.mark.django_db

HIDDEN_PERSON = "lark"  # custodian rc-pt, not public: only alice and admin see her
OTHER_MEMBER = "park-minjun"  # public member of ec-jp: bob sees him but is not his officer
HIDDEN_BODY = "jp-circle"  # planted: internal, under ec-jp (bob does not see it)
HIDDEN_SESSION = "jp-closed"  # planted: internal, hosted by ec-jp
HIDDEN_DECISION = "jp-closed-d1"
MISSING = "no-such-record"
OUTSIDERS = ("charlie", "mia", "tanya")


def expect(*, bob: int, alice: int = 201, admin: int = 201, outsiders: int = 403) -> dict:
    """Statuses per persona; anonymous clients are always asked to sign in."""
    table = {"anonymous": 401, "bob": bob, "alice": alice, "admin": admin}
    table.update(dict.fromkeys(OUTSIDERS, outsiders))
    assert set(table) == set(PERSONAS)
    return table


def decision(*effects: dict[str, Any], session: str = "gc5-d2") -> dict[str, Any]:
    """A decision of ``session`` (hosted by ec-kz: bob's) adopted at once."""
    return {
        "id": "probe",
        "session": session,
        "kind": "other",
        "status": "adopted",
        "text": {"en": "A probe"},
        "effects": list(effects),
    }


def start_term(person: str) -> dict[str, Any]:
    return {"op": "start_term", "person": person, "body": "ec-kz", "role": "member"}


def award(person: str) -> dict[str, Any]:
    return {"op": "award", "person": person, "honour": "friendship-badge"}


def task_for(assignee: dict[str, str]) -> dict[str, Any]:
    return {
        "op": "assign_task",
        "task": {
            "id": "probe-task",
            "title": {"en": "Report back"},
            "assignees": [assignee],
            "status": "open",
        },
    }


def dissolve(body: str) -> dict[str, Any]:
    return {"op": "dissolve_body", "body": body}


# (what, method, path, JSON body, expected status per persona)
WRITES: list[tuple[str, str, str, dict[str, Any], dict[str, int]]] = [
    (
        "a term for a person the writer may not see",
        "POST",
        "/api/v1/decisions",
        decision(start_term(HIDDEN_PERSON)),
        expect(bob=400),
    ),
    (
        "an end to the term of a person the writer may not see",
        "POST",
        "/api/v1/decisions",
        decision(
            {
                "op": "end_term",
                "person": HIDDEN_PERSON,
                "body": "rc-pt",
                "role": "activist",
                "reason": "resigned",
            }
        ),
        expect(bob=400),
    ),
    (
        "an honour for a person the writer may not see",
        "POST",
        "/api/v1/decisions",
        decision(award(HIDDEN_PERSON)),
        expect(bob=400),
    ),
    (
        "an honour of the organization for a person everyone sees",
        "POST",
        "/api/v1/decisions",
        decision(award("timur-akhmetov")),
        expect(bob=403),
    ),
    (
        "the signing of an agreement of the organization",
        "POST",
        "/api/v1/decisions",
        decision({"op": "sign_agreement", "agreement": "coop-teachers"}),
        expect(bob=403),
    ),
    (
        "a decision that sends an agreement of the organization for development",
        "POST",
        "/api/v1/decisions",
        decision(
            {"op": "agreement_status", "agreement": "coop-teachers", "status": "in_development"}
        ),
        expect(bob=403),
    ),
    (
        "an instruction to a member of another committee",
        "POST",
        "/api/v1/decisions",
        decision(task_for({"person": OTHER_MEMBER})),
        expect(bob=403),
    ),
    (
        "an instruction to a person the writer may not see",
        "POST",
        "/api/v1/decisions",
        decision(task_for({"person": HIDDEN_PERSON})),
        expect(bob=400),
    ),
    (
        "an instruction to a body the writer may not see",
        "POST",
        "/api/v1/decisions",
        decision(task_for({"body": HIDDEN_BODY})),
        expect(bob=400),
    ),
    (
        "the dissolution of a body the writer may not see",
        "POST",
        "/api/v1/decisions",
        decision(dissolve(HIDDEN_BODY)),
        expect(bob=400),
    ),
    (
        "a body at the top of the organization",
        "POST",
        "/api/v1/decisions",
        decision(
            {
                "op": "found_body",
                "body": {"id": "new-top", "kind": "committee", "name": {"en": "New"}},
            }
        ),
        expect(bob=403),
    ),
    (
        "a decision of a session the writer may not see",
        "POST",
        "/api/v1/decisions",
        {**decision(), "session": HIDDEN_SESSION},
        # mia (a member of ec-jp) sees the closed session but is no officer of it.
        {**expect(bob=400, outsiders=400), "mia": 403},
    ),
    (
        "a session chaired by a person the writer may not see",
        "POST",
        "/api/v1/sessions",
        {"date": "2025-06-10", "hosts": ["ec-kz"], "chair": HIDDEN_PERSON},
        expect(bob=400),
    ),
    (
        "a session attended by a person the writer may not see",
        "POST",
        "/api/v1/sessions",
        {
            "date": "2025-06-10",
            "hosts": ["ec-kz"],
            "attendees": [{"person": HIDDEN_PERSON, "role": "guest"}],
        },
        expect(bob=400),
    ),
    (
        "a change to a decision the writer may not see",
        "PATCH",
        f"/api/v1/decisions/{HIDDEN_DECISION}",
        {"text": {"en": "Rewritten"}},
        {**expect(bob=404, alice=200, admin=200, outsiders=404), "mia": 403},
    ),
]

# (what, method, path, JSON body with the hidden id, the id hidden, who may not see it)
PROBES: list[tuple[str, str, str, dict[str, Any], str, set[str]]] = [
    (what, method, path, body, hidden, set(PERSONAS) - seen)
    for what, method, path, body, hidden, seen in [
        (
            "term",
            "POST",
            "/api/v1/decisions",
            decision(start_term(HIDDEN_PERSON)),
            HIDDEN_PERSON,
            {"alice", "admin"},
        ),
        (
            "honour",
            "POST",
            "/api/v1/decisions",
            decision(award(HIDDEN_PERSON)),
            HIDDEN_PERSON,
            {"alice", "admin"},
        ),
        (
            "instruction to a person",
            "POST",
            "/api/v1/decisions",
            decision(task_for({"person": HIDDEN_PERSON})),
            HIDDEN_PERSON,
            {"alice", "admin"},
        ),
        (
            "instruction to a body",
            "POST",
            "/api/v1/decisions",
            decision(task_for({"body": HIDDEN_BODY})),
            HIDDEN_BODY,
            {"mia", "alice", "admin"},
        ),
        (
            "dissolution",
            "POST",
            "/api/v1/decisions",
            decision(dissolve(HIDDEN_BODY)),
            HIDDEN_BODY,
            {"mia", "alice", "admin"},
        ),
        (
            "session of a decision",
            "POST",
            "/api/v1/decisions",
            {**decision(), "session": HIDDEN_SESSION},
            HIDDEN_SESSION,
            {"mia", "alice", "admin"},
        ),
        (
            "chair",
            "POST",
            "/api/v1/sessions",
            {"date": "2025-06-10", "hosts": ["ec-kz"], "chair": HIDDEN_PERSON},
            HIDDEN_PERSON,
            {"alice", "admin"},
        ),
        (
            "attendee",
            "POST",
            "/api/v1/sessions",
            {
                "date": "2025-06-10",
                "hosts": ["ec-kz"],
                "attendees": [{"person": HIDDEN_PERSON, "role": "guest"}],
            },
            HIDDEN_PERSON,
            {"alice", "admin"},
        ),
        (
            "proposer",
            "POST",
            "/api/v1/decisions",
            {**decision(), "proposed_by": HIDDEN_PERSON},
            HIDDEN_PERSON,
            {"alice", "admin"},
        ),
        (
            "decision to change",
            "PATCH",
            f"/api/v1/decisions/{HIDDEN_DECISION}",
            {"text": {"en": "Rewritten"}},
            HIDDEN_DECISION,
            {"mia", "alice", "admin"},
        ),
        (
            "person to change",
            "PATCH",
            f"/api/v1/people/{HIDDEN_PERSON}",
            {"notes": "x"},
            HIDDEN_PERSON,
            {"alice", "admin"},
        ),
    ]
]

# (what, path, JSON body asking for a taken id, where the new id is in the answer)
CREATES: list[tuple[str, str, dict[str, Any], str]] = [
    (
        "a session with a hidden session's id",
        "/api/v1/sessions",
        {"id": HIDDEN_SESSION, "date": "2025-06-10", "hosts": ["ec-kz"]},
        "id",
    ),
    (
        "a decision with a hidden decision's id",
        "/api/v1/decisions",
        {**decision(), "id": HIDDEN_DECISION},
        "id",
    ),
    (
        "a person with a hidden person's id",
        "/api/v1/people",
        {"id": HIDDEN_PERSON, "name": "New Member", "custodian": "ec-kz"},
        "id",
    ),
    (
        "a body with a hidden body's id",
        "/api/v1/decisions",
        decision(
            {
                "op": "found_body",
                "body": {
                    "id": HIDDEN_BODY,
                    "kind": "primary_cell",
                    "parent": "ec-kz",
                    "name": {"en": "New cell"},
                },
            }
        ),
        "effects.0.body.id",
    ),
]


def plant() -> None:
    """An internal body, session and decision of the Japanese committee."""
    from chapterhouse.meetings.models import Decision, Session, SessionHost
    from chapterhouse.registry.models import Body

    jp = Body.objects.get(slug="ec-jp")
    Body.objects.create(
        slug=HIDDEN_BODY,
        kind="primary_cell",
        parent=jp,
        name={"en": "Tokyo study circle"},
        founded=dt.date(2020, 1, 1),
        internal=True,
    )
    session = Session.objects.create(
        slug=HIDDEN_SESSION, date=dt.date(2025, 3, 1), internal=True, title={"en": "Closed"}
    )
    SessionHost.objects.create(session=session, body=jp)
    Decision.objects.create(
        slug=HIDDEN_DECISION,
        session=session,
        date=session.date,
        kind="resolution",
        status="adopted",
        internal=True,
        text={"en": "A closed resolution"},
    )


def clients(personas: dict[str, Any]) -> dict[str, Client]:
    """An API client per persona, signed in with a bearer token."""
    from chapterhouse.custody.services import token_create

    found = {"anonymous": Client()}
    for persona in PERSONAS[1:]:
        _, token = token_create(
            user=personas[persona], name="matrix", expires=None, at=timezone.now()
        )
        found[persona] = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    return found


def send(client: Client, method: str, path: str, body: Any) -> Any:
    """Send one write in a savepoint rolled back after, so each starts from the same data."""
    with transaction.atomic():
        call = client.post if method == "POST" else client.patch
        response = call(path, data=json.dumps(body), content_type="application/json")
        transaction.set_rollback(True)
    return response


def page(response: Any, hidden: str) -> str:
    """The page's text with ``hidden`` read as the missing id and the per-page CSRF token out."""
    text = response.content.decode().replace(hidden, MISSING)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def dig(data: Any, path: str) -> Any:
    for key in path.split("."):
        data = data[int(key)] if key.isdigit() else data[key]
    return data


def test_each_persona_may_write_what_the_write_matrix_says(personas):
    plant()
    by_persona = clients(personas)
    wrong = []
    for what, method, path, body, expected in WRITES:
        for persona, client in by_persona.items():
            response = send(client, method, path, body)
            if response.status_code != expected[persona]:
                wrong.append(
                    f"{persona}, {what}: {response.status_code}, expected {expected[persona]}"
                    f" {response.content[:300]!r}"
                )
    assert not wrong, "\n".join(wrong)


def test_a_hidden_id_is_answered_word_for_word_like_a_missing_one(personas):
    plant()
    by_persona = clients(personas)
    wrong = []
    for what, method, path, body, hidden, blind in PROBES:
        missing_body = json.loads(json.dumps(body).replace(hidden, MISSING))
        for persona in sorted(blind):
            client = by_persona[persona]
            seen = send(client, method, path, body)
            absent = send(client, method, path.replace(hidden, MISSING), missing_body)
            said = seen.content.decode().replace(hidden, MISSING)
            if (seen.status_code, said) != (absent.status_code, absent.content.decode()):
                wrong.append(
                    f"{persona}, {what}: {seen.status_code} {said[:200]!r}"
                    f" but {absent.status_code} {absent.content[:200]!r} for a missing id"
                )
            if seen.status_code < 400:
                wrong.append(f"{persona}, {what}: a hidden id was accepted ({seen.status_code})")
    assert not wrong, "\n".join(wrong)


def test_asking_for_a_hidden_records_id_creates_as_a_fresh_id_does(personas):
    plant()
    by_persona = clients(personas)
    writers = ("bob", "alice")  # officers of ec-kz who do not choose ids exactly
    wrong = []
    for what, path, body, where in CREATES:
        asked = dig(body, where)
        fresh_body = json.loads(json.dumps(body).replace(f'"{asked}"', '"fresh-name"'))
        for persona in writers:
            taken = send(by_persona[persona], "POST", path, body)
            fresh = send(by_persona[persona], "POST", path, fresh_body)
            if (taken.status_code, fresh.status_code) != (201, 201):
                wrong.append(f"{persona}, {what}: {taken.status_code} and {fresh.status_code}")
                continue
            got = dig(taken.json(), where)
            if got == asked or not got.startswith(f"{asked}-"):
                wrong.append(f"{persona}, {what}: asked {asked!r}, got {got!r}")
            if len(got) - len(asked) != len(dig(fresh.json(), where)) - len("fresh-name"):
                wrong.append(f"{persona}, {what}: a taken id is answered differently")
    assert not wrong, "\n".join(wrong)


def test_an_administrator_gets_the_id_asked_for_and_is_told_when_it_is_taken(personas):
    plant()
    admin = clients(personas)["admin"]

    fresh = send(admin, "POST", "/api/v1/sessions", {**CREATES[0][2], "id": "kz-exact"})
    taken = send(admin, "POST", "/api/v1/sessions", CREATES[0][2])

    assert (fresh.status_code, fresh.json()["id"]) == (201, "kz-exact")
    assert taken.status_code == 400
    assert taken.json()["errors"] == [
        {"path": "id", "message": "A session with this id already exists."}
    ]


def test_a_hidden_person_named_by_the_web_form_is_refused_like_a_missing_one(client, personas):
    from tests.conftest import sign_in

    sign_in(client, personas["bob"])

    def form(person: str) -> str:
        response = client.post(
            "/decisions/new/",
            {
                "session": "gc5-d2",
                "kind": "election",
                "text_0": "Elected",
                "steps": "1",
                "s0-op": "start_term",
                **{f"s0-{key}": value for key, value in start_term(person).items()},
                "s0-how": "elected",
            },
        )
        assert response.status_code == 200  # the form again, with the error
        return page(response, person)

    assert form(HIDDEN_PERSON) == form(MISSING)
    assert f"No person called “{MISSING}” is on the record." in form(MISSING)


def test_a_hidden_session_in_the_web_form_is_treated_like_a_missing_one(client, personas):
    from tests.conftest import sign_in

    plant()
    sign_in(client, personas["bob"])

    hidden = client.get(f"/decisions/new/?session={HIDDEN_SESSION}")
    missing = client.get(f"/decisions/new/?session={MISSING}")

    assert hidden.status_code == missing.status_code == 200
    assert page(hidden, HIDDEN_SESSION) == page(missing, MISSING)

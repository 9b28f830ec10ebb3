"""The write matrix of people recorded through the API and the desk, for every persona.

Officers record people whose custodian body they are officers of (bob: ec-kz and below;
alice: the council and everything below it); plain members, translators and outsiders
may not; a custodian body the writer may not see is answered like one that does not
exist; name variants are checked like every other field (bad input is a 400 whoever
sends it, as for the other writes).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chapterhouse.registry.models import Person
from tests.conftest import sign_in
from tests.custody.test_authorization_matrix import PERSONAS
from tests.custody.test_write_matrix import HIDDEN_BODY, clients, expect, plant, send

pytestmark = pytest.mark.django_db


def person(custodian: str, **more: Any) -> dict[str, Any]:
    return {"name": "Kim Ji-woo", "custodian": custodian, **more}


VARIANTS = [{"name": "김지우", "lang": "ko", "kind": "native"}, {"name": "Gim Jiu"}]

# (what, JSON body, expected status per persona)
WRITES = [
    ("a person kept by ec-kz", person("ec-kz", names=VARIANTS), expect(bob=201)),
    ("a person kept by the Portuguese committee", person("rc-pt"), expect(bob=403)),
    # jp-circle is internal to ec-jp: alice (above it), the administrator and mia (a
    # member of ec-jp, not an officer) see it; for everyone else it is a body that does
    # not exist, before any question of rights.
    (
        "a person kept by a body bob may not see",
        person(HIDDEN_BODY),
        {**expect(bob=400, outsiders=400), "mia": 403},
    ),
    (
        "a variant in a language that is no language code",
        person("ec-kz", names=[{"name": "김지우", "lang": "Korean"}]),
        expect(bob=400, alice=400, admin=400, outsiders=400),
    ),
    (
        "a variant of a kind the Chronicle does not know",
        person("ec-kz", names=[{"name": "김지우", "kind": "nickname"}]),
        expect(bob=400, alice=400, admin=400, outsiders=400),
    ),
]


def test_each_persona_may_record_the_people_the_matrix_says(personas):
    plant()
    by_persona = clients(personas)
    wrong = []
    for what, body, expected in WRITES:
        for persona, client in by_persona.items():
            response = send(client, "POST", "/api/v1/people", body)
            if response.status_code != expected[persona]:
                wrong.append(
                    f"{persona}, {what}: {response.status_code}, expected {expected[persona]}"
                    f" {response.content[:300]!r}"
                )
    assert not wrong, "\n".join(wrong)


def test_a_hidden_custodian_is_answered_like_a_missing_one(personas):
    plant()
    bob = clients(personas)["bob"]

    hidden = send(bob, "POST", "/api/v1/people", person(HIDDEN_BODY)).json()
    missing = send(bob, "POST", "/api/v1/people", person("no-such-record")).json()

    assert hidden["errors"][0]["message"].replace(HIDDEN_BODY, "X") == missing["errors"][0][
        "message"
    ].replace("no-such-record", "X")


@pytest.mark.parametrize(
    "persona, status",
    [(name, 302 if name in ("bob", "alice", "admin") else 403) for name in PERSONAS[1:]]
    + [("anonymous", 302)],
)
def test_the_desk_records_a_person_for_the_officers_only(personas, persona, status):
    client = Client()
    if persona != "anonymous":
        sign_in(client, personas[persona])
    form = {
        "name": "Kim Ji-woo",
        "custodian": "ec-kz",
        "names-TOTAL_FORMS": "1",
        "names-INITIAL_FORMS": "0",
        "names-0-name": "김지우",
        "names-0-lang": "ko",
        "names-0-kind": "native",
    }

    response = client.post("/people/new/", form)

    assert response.status_code == status
    recorded = Person.objects.filter(name="Kim Ji-woo")
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/")
    assert recorded.exists() is (status == 302 and persona != "anonymous")


def test_bob_may_not_choose_a_custodian_he_is_not_an_officer_of_on_the_desk(client, personas):
    sign_in(client, personas["bob"])

    response = client.post(
        "/people/new/",
        {"name": "Kim Ji-woo", "custodian": "rc-pt", "names-TOTAL_FORMS": "0"},
    )

    assert "“rc-pt” is not one you can choose." in response.content.decode()
    assert not Person.objects.filter(name="Kim Ji-woo").exists()

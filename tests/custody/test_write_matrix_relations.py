"""The write side of partners, honours and agreements through the API, for every persona.

* Who writes: those who act for the whole organization (alice, officer of the council at
  the top, and the administrator); anyone else signed in gets 403, anonymous clients 401.
* ``PROBES``: a signatory the writer may not see gets, word for word, the answer a
  signatory id that does not exist gets.
* ``CREATES``: asking for an id a record already holds gives a non-administrator the
  same kind of fresh id as asking for a new one; an administrator is told it is taken.
* An agreement is signed only by a decision: ``"status": "signed"`` is refused, and a
  signed agreement keeps the status and date its decision gave it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.services import token_create
from chapterhouse.registry.models import Person
from chapterhouse.relations.models import Agreement, Honour, Partner
from tests.conftest import sign_in
from tests.custody.test_authorization_matrix import PERSONAS

pytestmark = pytest.mark.django_db

HIDDEN = "hermit"  # planted: no custodian, no post, not public: only the administrator sees
MISSING = "no-such-person"

WRITES: list[tuple[str, str, dict[str, Any], int]] = [
    ("POST", "/partners", {"name": {"en": "Steppe Union"}, "country": "KZ"}, 201),
    ("PATCH", "/partners/almaty-teachers", {"kind": "trade_union"}, 200),
    ("POST", "/honours", {"name": {"en": "Star"}, "kind": "medal"}, 201),
    (
        "PATCH",
        "/honours/letter-of-thanks",
        {"name": {"en": "Letter of Thanks", "ru": "Благодарность"}},
        200,
    ),
    (
        "POST",
        "/agreements",
        {
            "title": {"en": "Pact"},
            "parties": ["self", "almaty-teachers"],
            "status": "proposed",
            "articles": [{"en": "To meet."}],
            "signatories": [{"person": "irina-volkova", "party": "self"}],
        },
        201,
    ),
    ("PATCH", "/agreements/coop-teachers", {"date": "2025-09"}, 200),
]


def send(client: Client, method: str, url: str, body: Any, **extra: Any) -> Any:
    call = client.post if method == "POST" else client.patch
    return call(f"/api/v1{url}", body, content_type="application/json", **extra)


def api_client(personas: dict[str, Any], name: str) -> Client:
    client = Client()
    if name != "anonymous":
        sign_in(client, personas[name])
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_those_acting_for_the_organization_write(personas, persona):
    client = api_client(personas, persona)
    for method, url, body, created in WRITES:
        response = send(client, method, url, body)
        expected = (
            created if persona in {"alice", "admin"} else 401 if persona == "anonymous" else 403
        )
        assert response.status_code == expected, (method, url, response.content)
        if expected == 403:
            assert response.json()["errors"] == [] and response.json()["detail"]


@pytest.mark.parametrize("persona", ["alice", "admin"])
def test_a_hidden_signatory_is_answered_like_a_missing_one(personas, persona):
    Person.objects.create(slug=HIDDEN, name="Hidden Hermit", public=False)
    client = api_client(personas, persona)

    def answer(person: str) -> Any:
        body = {
            "title": {"en": "Pact"},
            "parties": ["self"],
            "signatories": [{"person": person, "party": "self"}],
        }
        response = send(client, "POST", "/agreements", body)
        return response.status_code, str(response.content, "utf-8").replace(person, "…")

    missing = answer(MISSING)
    assert missing[0] == 400 and "signatories[0].person" in missing[1]
    if persona == "admin":
        assert answer(HIDDEN)[0] == 201  # the administrator sees everyone
    else:
        assert answer(HIDDEN) == missing
        assert not Agreement.objects.filter(signatories__person__slug=HIDDEN).exists()


def test_a_taken_id_is_never_answered_to_an_officer(personas):
    alice = api_client(personas, "alice")
    admin = api_client(personas, "admin")

    taken = send(alice, "POST", "/partners", {"id": "nordic-youth", "name": {"en": "Copy"}})
    fresh = send(alice, "POST", "/partners", {"id": "brand-new", "name": {"en": "New"}})
    refused = send(
        admin, "POST", "/honours", {"id": "friendship-badge", "name": "X", "kind": "badge"}
    )
    chosen = send(
        admin, "POST", "/honours", {"id": "order-of-merit", "name": "Merit", "kind": "order"}
    )

    assert taken.status_code == fresh.status_code == 201
    assert taken.json()["id"].startswith("nordic-youth-") and fresh.json()["id"].startswith(
        "brand-new-"
    )
    assert len(taken.json()["id"]) - len("nordic-youth") == len(fresh.json()["id"]) - len(
        "brand-new"
    )
    assert refused.status_code == 400 and refused.json()["errors"][0]["path"] == "id"
    assert chosen.status_code == 201 and Honour.objects.filter(slug="order-of-merit").exists()


def test_signed_is_refused_and_a_signed_agreement_keeps_its_status(personas):
    alice = api_client(personas, "alice")

    created = send(alice, "POST", "/agreements", {"title": "Pact", "status": "signed"})
    changed = send(alice, "PATCH", "/agreements/coop-teachers", {"status": "signed"})
    unsigned = send(alice, "PATCH", "/agreements/coop-nordic-youth", {"status": "proposed"})
    retitled = send(
        alice, "PATCH", "/agreements/coop-nordic-youth", {"articles": [{"en": "One article."}]}
    )

    for refused in (created, changed):
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["path"] == "status"
        assert "signed only by a decision" in refused.json()["errors"][0]["message"]
    assert unsigned.status_code == 400 and unsigned.json()["errors"][0]["path"] == "status"
    assert retitled.status_code == 200, retitled.content
    signed = Agreement.objects.get(slug="coop-nordic-youth")
    assert signed.status == "signed" and signed.signed_by is not None
    assert (
        retitled.json()["status"] == "signed"
        and retitled.json()["signed_by"] == signed.signed_by.slug
    )
    assert Agreement.objects.get(slug="coop-teachers").status == "in_development"


def test_bad_input_names_each_field_and_saves_nothing(personas):
    alice = api_client(personas, "alice")
    before = Partner.objects.count(), Agreement.objects.count()

    partner = send(alice, "POST", "/partners", {"name": {"en": "X"}, "country": "ZZ"})
    agreement = send(
        alice,
        "POST",
        "/agreements",
        {
            "title": "Pact",
            "parties": ["self", "no-such-partner"],
            "date": "2025-02-30",
        },
    )
    party = send(
        alice,
        "POST",
        "/agreements",
        {
            "title": "Pact",
            "parties": ["self", "no-such-partner"],
            "signatories": [{"person": "erik-lind", "party": "nordic-youth"}],
        },
    )

    # The request's shape is checked first (the detail names the field), then the service.
    assert partner.status_code == 400 and partner.json()["detail"].startswith("country:")
    assert agreement.status_code == 400 and agreement.json()["detail"].startswith("date:")
    assert party.status_code == 400
    assert {error["path"] for error in party.json()["errors"]} == {
        "parties[1]",
        "signatories[0].party",
    }
    assert (Partner.objects.count(), Agreement.objects.count()) == before


def test_a_bearer_token_writes_and_the_audit_says_api(personas):
    _token, secret = token_create(
        user=personas["alice"], name="script", expires=None, at=timezone.now()
    )
    client = Client(enforce_csrf_checks=True)

    response = send(
        client,
        "POST",
        "/honours",
        {"name": {"en": "Medal"}, "kind": "medal"},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, personas["alice"])
    without_csrf = send(browser, "POST", "/honours", {"name": {"en": "Medal"}, "kind": "medal"})

    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(object_type="honour", object_id=response.json()["id"])
    assert entry.via == "api" and entry.action == "create"
    assert without_csrf.status_code == 403


def test_what_the_desk_records_exports_as_entered_and_imports_again(personas, tmp_path):
    import io
    import json

    from chapterhouse.chronicle.exporter import chronicle_export
    from chapterhouse.chronicle.importer import chronicle_import

    admin = api_client(personas, "admin")
    send(admin, "POST", "/partners", {"id": "steppe-union", "name": {"en": "Steppe Union"}})
    body = {
        "id": "steppe-pact",
        "title": {"en": "Steppe Pact", "ru": "Степной договор"},
        "parties": ["self", "steppe-union"],
        "status": "in_development",
        "date": "2025-06",
        "articles": [{"en": "To meet."}, {"en": "To write."}],
        "signatories": [{"person": "irina-volkova", "party": "self", "title": {"en": "Chair"}}],
    }
    assert send(admin, "POST", "/agreements", body).status_code == 201

    out = io.StringIO()
    chronicle_export(out)
    exported = json.loads(out.getvalue())
    pact = next(item for item in exported["agreements"] if item["id"] == "steppe-pact")
    assert {key: pact[key] for key in body} == body
    path = tmp_path / "again.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    chronicle_import(path)  # the export reads back: nothing it holds is refused
    assert Agreement.objects.get(slug="steppe-pact").articles == body["articles"]

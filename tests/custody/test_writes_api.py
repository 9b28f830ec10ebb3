"""Writes through the API: POST/PATCH of sessions, decisions and people, with their checks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.services import token_create
from chapterhouse.meetings.models import Decision, Session
from chapterhouse.registry.models import Person, Term
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.post(f"/api/v1{url}", data, content_type="application/json", **extra)


def patch(client: Client, url: str, data: Any, **extra: Any) -> Any:
    return client.patch(f"/api/v1{url}", data, content_type="application/json", **extra)


def as_user(client: Client, personas: dict[str, Any], name: str) -> Client:
    sign_in(client, personas[name])
    return client


KZ_SESSION = {"id": "kz-plenum", "date": "2025-06-10", "hosts": ["ec-kz"], "country": "KZ"}


def test_bob_records_a_session_his_committee_hosts(client, personas):
    response = post(as_user(client, personas, "bob"), "/sessions", KZ_SESSION)

    assert response.status_code == 201, response.content
    assert response.json()["hosts"] == ["ec-kz"]
    # Not an administrator: the id he suggests gets a few random characters.
    slug = response.json()["id"]
    assert slug.startswith("kz-plenum-") and len(slug) == len("kz-plenum-") + 5
    assert Session.objects.get(slug=slug).hosts.get().body.slug == "ec-kz"
    entry = AuditEntry.objects.get(object_type="session", object_id=slug)
    assert (entry.action, entry.via, entry.actor_label) == (
        "create",
        "api",
        "bob@chapterhouse.test",
    )
    assert entry.after["date"] == "2025-06-10"


def test_bob_may_not_record_a_session_the_japanese_committee_hosts(client, personas):
    response = post(
        as_user(client, personas, "bob"), "/sessions", {**KZ_SESSION, "hosts": ["ec-jp"]}
    )

    assert response.status_code == 403
    assert "ec-jp" in response.json()["detail"]
    assert not Session.objects.filter(slug__startswith="kz-plenum").exists()


def test_an_anonymous_client_is_asked_to_sign_in(client, demo):
    assert post(client, "/sessions", KZ_SESSION).status_code == 401
    assert patch(client, "/people/aigerim-bekova", {"notes": "x"}).status_code == 401


def test_bad_input_is_refused_naming_where_it_is(client, personas):
    response = post(
        as_user(client, personas, "bob"),
        "/decisions",
        {"id": "kz-d", "session": "gc5-d2", "kind": "election", "effects": [{"op": "start_term"}]},
    )

    assert response.status_code == 400
    assert "effects[0].person: Field required" in response.json()["detail"]
    assert not Decision.objects.filter(slug__startswith="kz-d").exists()


def test_an_unknown_reference_is_refused_naming_the_field(client, personas):
    response = post(
        as_user(client, personas, "bob"), "/sessions", {**KZ_SESSION, "chair": "nobody"}
    )

    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == [{"path": "chair", "message": "No person with the id “nobody”."}]


def elect(body: str) -> dict[str, Any]:
    return {
        "id": f"elect-to-{body}",
        "session": "gc5-d2",
        "kind": "election",
        "status": "adopted",
        "effects": [
            {"op": "start_term", "person": "timur-akhmetov", "body": body, "role": "member"}
        ],
    }


def test_bob_may_not_start_a_term_in_the_council(client, personas):
    response = post(as_user(client, personas, "bob"), "/decisions", elect("council"))

    assert response.status_code == 403
    assert "council" in response.json()["detail"]
    assert not Decision.objects.filter(slug__startswith="elect-to-council").exists()


def test_alice_may_start_a_term_in_the_council(client, personas):
    response = post(as_user(client, personas, "alice"), "/decisions", elect("council"))

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "adopted"
    term = Term.objects.get(decision__slug=response.json()["id"])
    assert (term.person.slug, term.body.slug, term.start) == (
        "timur-akhmetov",
        "council",
        dt.date(2025, 5, 20),
    )


def test_bob_adopts_a_decision_of_his_session_that_starts_a_term_in_his_committee(client, personas):
    response = post(as_user(client, personas, "bob"), "/decisions", elect("ec-kz"))

    assert response.status_code == 201, response.content
    slug = response.json()["id"]
    assert Term.objects.filter(decision__slug=slug, body__slug="ec-kz").exists()


def test_new_effects_of_an_adopted_decision_replace_the_old_in_the_record(client, personas):
    client = as_user(client, personas, "bob")
    slug = post(client, "/decisions", elect("ec-kz")).json()["id"]

    response = patch(
        client,
        f"/decisions/{slug}",
        {
            "effects": [
                {"op": "start_term", "person": "timur-akhmetov", "body": "ec-kz", "role": "head"}
            ]
        },
    )

    assert response.status_code == 200, response.content
    roles = list(Term.objects.filter(decision__slug=slug).values_list("role", flat=True))
    assert roles == ["head"]
    entry = AuditEntry.objects.filter(object_id=slug).last()
    assert entry is not None and entry.action == "update"
    assert entry.before["effects"][0]["role"] == "member"
    assert entry.after["effects"][0]["role"] == "head"


def test_annulling_through_the_api_reverts_the_effects(client, personas):
    client = as_user(client, personas, "bob")
    slug = post(client, "/decisions", elect("ec-kz")).json()["id"]

    response = patch(client, f"/decisions/{slug}", {"status": "annulled"})

    assert response.status_code == 200
    assert response.json()["status"] == "annulled"
    assert not Term.objects.filter(decision__slug=slug).exists()
    assert AuditEntry.objects.filter(object_id=slug, action="annul").exists()


def test_an_impossible_status_change_is_a_clear_400(client, personas):
    response = patch(
        as_user(client, personas, "admin"), "/decisions/gc5-d3-rejected", {"status": "annulled"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "status"


def test_an_unknown_id_is_a_404(client, personas):
    client = as_user(client, personas, "alice")
    assert patch(client, "/sessions/nowhere", {"day": 2}).status_code == 404
    assert patch(client, "/decisions/nothing", {"kind": "other"}).status_code == 404
    assert patch(client, "/people/nobody", {"notes": "x"}).status_code == 404


def test_a_person_hidden_from_the_client_is_a_404_not_a_403(client, personas):
    # olga-smirnova is not public and in the custody of ec-kz.
    response = patch(as_user(client, personas, "mia"), "/people/olga-smirnova", {"notes": "x"})

    assert response.status_code == 404


def test_bob_edits_a_member_in_his_committees_custody(client, personas):
    response = patch(
        as_user(client, personas, "bob"),
        "/people/olga-smirnova",
        {"notes": "Moved to Astana.", "born": "1990-04"},
    )

    assert response.status_code == 200, response.content
    olga = Person.objects.get(slug="olga-smirnova")
    assert (olga.notes, olga.born, olga.born_precision) == (
        "Moved to Astana.",
        dt.date(1990, 4, 1),
        "month",
    )
    entry = AuditEntry.objects.get(object_id="olga-smirnova", action="update")
    assert entry.after == {"born": "1990-04", "notes": "Moved to Astana."}
    assert entry.body.slug == "ec-kz"  # type: ignore[union-attr]


def test_mia_may_not_edit_even_her_own_record(client, personas):
    response = patch(as_user(client, personas, "mia"), "/people/park-minjun", {"notes": "x"})

    assert response.status_code == 403


def test_bob_may_not_hand_a_member_to_a_body_he_is_not_an_officer_of(client, personas):
    response = patch(
        as_user(client, personas, "bob"), "/people/timur-akhmetov", {"custodian": "ec-jp"}
    )

    assert response.status_code == 403
    assert Person.objects.get(slug="timur-akhmetov").custodian.slug == "ec-kz"  # type: ignore[union-attr]


def test_bob_records_a_new_member_of_his_committee_but_not_of_the_council(client, personas):
    client = as_user(client, personas, "bob")
    new = {"id": "dana-nur", "name": "Dana Nur", "custodian": "ec-kz", "contact": {"phone": "1"}}

    created = post(client, "/people", new)
    assert created.status_code == 201
    assert (
        post(client, "/people", {**new, "id": "dana-2", "custodian": "council"}).status_code == 403
    )
    assert Person.objects.get(slug=created.json()["id"]).contact == {"phone": "1"}


def test_a_browser_session_needs_the_csrf_token(personas):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, personas["bob"])

    refused = post(browser, "/sessions", KZ_SESSION)
    browser.get("/")  # the CSRF cookie
    token = browser.cookies["csrftoken"].value
    accepted = post(browser, "/sessions", KZ_SESSION, HTTP_X_CSRFTOKEN=token)

    assert refused.status_code == 403
    assert accepted.status_code == 201, accepted.content


def test_a_bearer_token_writes_without_a_csrf_token(personas):
    _token, secret = token_create(
        user=personas["bob"], name="script", expires=None, at=timezone.now()
    )
    client = Client(enforce_csrf_checks=True)

    response = post(client, "/sessions", KZ_SESSION, HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 201, response.content
    assert AuditEntry.objects.get(object_id=response.json()["id"]).via == "api"


def test_the_openapi_document_describes_the_writes(client, demo):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    for path, method, status in [
        ("/api/v1/sessions", "post", "201"),
        ("/api/v1/sessions/{id}", "patch", "200"),
        ("/api/v1/decisions", "post", "201"),
        ("/api/v1/decisions/{id}", "patch", "200"),
        ("/api/v1/people", "post", "201"),
        ("/api/v1/people/{id}", "patch", "200"),
    ]:
        operation = paths[path][method]
        assert operation["summary"]
        assert {status, "400", "401", "403"} <= set(operation["responses"])
        assert operation["security"]
        assert "requestBody" in operation

"""Writes through the web pages: forms with CSRF, the same checks as the API, and the links
to them shown only to those allowed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chapterhouse.custody.models import AuditEntry
from chapterhouse.meetings.models import Decision, Session
from chapterhouse.registry.models import Person, Term
from tests.conftest import sign_in
from tests.web.form_data import form_data

pytestmark = pytest.mark.django_db


def as_user(client: Client, personas: dict[str, Any], name: str) -> Client:
    sign_in(client, personas[name])
    return client


SESSION_FORM = {
    "id": "kz-plenum",
    "date": "2025-06-10",
    "hosts": ["ec-kz"],
    "country": "KZ",
    "attendees-TOTAL_FORMS": "0",
    "attendees-INITIAL_FORMS": "0",
}


@pytest.mark.parametrize(
    "url",
    [
        "/sessions/new/",
        "/sessions/gc5-d2/edit/",
        "/decisions/new/",
        "/decisions/gc5-d1-elect/edit/",
        "/decisions/gc5-d1-elect/annul/",
        "/people/aigerim-bekova/edit/",
    ],
)
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, demo, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/?next=")


@pytest.mark.parametrize(
    "persona, url, status",
    [
        ("mia", "/sessions/new/", 403),
        ("charlie", "/decisions/new/", 403),
        ("bob", "/sessions/new/?host=ec-jp", 403),
        ("bob", "/sessions/new/?host=ec-kz", 200),
        ("bob", "/sessions/gc5-d2/edit/", 200),
        ("bob", "/sessions/gc5-d1/edit/", 403),
        ("bob", "/decisions/new/?session=gc5-d2", 200),
        ("bob", "/decisions/new/?session=gc5-d4", 403),
        ("bob", "/decisions/gc5-d1-elect/edit/", 403),
        ("alice", "/decisions/gc5-d1-elect/edit/", 200),
        ("mia", "/people/park-minjun/edit/", 403),
        ("charlie", "/people/olga-smirnova/edit/", 404),
        ("bob", "/people/olga-smirnova/edit/", 200),
        ("bob", "/people/park-minjun/edit/", 403),
        ("admin", "/people/park-minjun/edit/", 200),
    ],
)
def test_a_form_answers_each_persona_as_their_grants_allow(client, personas, persona, url, status):
    assert as_user(client, personas, persona).get(url).status_code == status


def test_bob_records_a_session_through_the_form(client, personas):
    response = as_user(client, personas, "bob").post("/sessions/new/", SESSION_FORM)

    assert response.status_code == 302
    session = Session.objects.get(slug__startswith="kz-plenum-")
    assert response["Location"] == f"/sessions/{session.slug}/"
    assert [host.body.slug for host in session.hosts.all()] == ["ec-kz"]
    assert AuditEntry.objects.get(object_id=session.slug).via == "web"


def test_the_forms_need_the_csrf_token(personas):
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, personas["bob"])

    response = browser.post("/sessions/new/", SESSION_FORM)

    assert response.status_code == 403
    assert not Session.objects.filter(slug__startswith="kz-plenum").exists()


def test_a_step_missing_its_person_is_refused_beside_it(client, personas):
    form = {
        "id": "kz-elect",
        "session": "gc5-d2",
        "kind": "election",
        "steps": "1",
        "s0-op": "start_term",
        "s0-body": "ec-kz",
        "s0-role": "member",
        "s0-how": "elected",
    }

    response = as_user(client, personas, "bob").post("/decisions/new/?session=gc5-d2", form)

    assert response.status_code == 200
    assert "Nothing was saved" in response.content.decode()
    assert response.context["steps"][0].errors["person"] == ["This field is required."]
    assert not Decision.objects.filter(slug__startswith="kz-elect").exists()


def test_the_decision_form_has_no_json_field(client, personas):
    page = as_user(client, personas, "bob").get("/decisions/new/?session=gc5-d2").content.decode()

    assert 'name="effects"' not in page
    assert "Add: elect someone" in page


def test_bob_records_a_decision_then_adopts_and_annuls_it(client, personas):
    client = as_user(client, personas, "bob")
    form = {
        "id": "kz-elect",
        "session": "gc5-d2",
        "kind": "election",
        "steps": "1",
        "s0-op": "start_term",
        "s0-person": "timur-akhmetov",
        "s0-body": "ec-kz",
        "s0-role": "member",
        "s0-how": "elected",
    }
    created = client.post("/decisions/new/", form)
    assert created.status_code == 302
    slug = Decision.objects.get(slug__startswith="kz-elect-").slug
    assert created["Location"] == f"/decisions/{slug}/"
    assert not Term.objects.filter(decision__slug=slug).exists()

    assert client.get(f"/decisions/{slug}/adopt/").status_code == 200
    assert client.post(f"/decisions/{slug}/adopt/").status_code == 302
    assert Term.objects.filter(decision__slug=slug).exists()

    assert client.post(f"/decisions/{slug}/annul/").status_code == 302
    assert not Term.objects.filter(decision__slug=slug).exists()
    actions = list(AuditEntry.objects.filter(object_id=slug).values_list("action", flat=True))
    assert actions == ["create", "adopt", "annul"]


def test_bob_edits_a_member_and_sees_the_change_in_the_audit_trail(client, personas):
    client = as_user(client, personas, "bob")
    page = client.get("/people/timur-akhmetov/edit/")
    form = form_data(page.content.decode())
    form.update({"notes": "Speaks at every plenum.", "public": "on"})

    response = client.post("/people/timur-akhmetov/edit/", form)

    assert response.status_code == 302, response.context["form"].errors
    assert Person.objects.get(slug="timur-akhmetov").notes == "Speaks at every plenum."
    trail = client.get("/people/timur-akhmetov/").content.decode()
    assert "Audit trail" in trail
    assert "Speaks at every plenum." in trail
    assert "bob@chapterhouse.test" in trail


def test_the_audit_trail_is_not_shown_to_a_member_or_a_visitor(client, personas):
    bob = Client()
    sign_in(bob, personas["bob"])
    page = bob.get("/people/timur-akhmetov/edit/")
    bob.post("/people/timur-akhmetov/edit/", {**form_data(page.content.decode()), "notes": "x"})

    assert "Audit trail" not in client.get("/people/timur-akhmetov/").content.decode()
    mia = as_user(client, personas, "mia")
    assert "Audit trail" not in mia.get("/people/timur-akhmetov/").content.decode()


@pytest.mark.parametrize(
    "persona, url, link, shown",
    [
        ("bob", "/sessions/gc5-d2/", "/sessions/gc5-d2/edit/", True),
        ("bob", "/sessions/gc5-d2/", "/decisions/new/?session=gc5-d2", True),
        ("mia", "/sessions/gc5-d2/", "/sessions/gc5-d2/edit/", False),
        (None, "/sessions/gc5-d2/", "/sessions/gc5-d2/edit/", False),
        ("bob", "/sessions/gc5-d1/", "/sessions/gc5-d1/edit/", False),
        ("alice", "/decisions/gc5-d1-elect/", "/decisions/gc5-d1-elect/annul/", True),
        ("bob", "/decisions/gc5-d1-elect/", "/decisions/gc5-d1-elect/edit/", False),
        ("bob", "/people/timur-akhmetov/", "/people/timur-akhmetov/edit/", True),
        ("mia", "/people/park-minjun/", "/people/park-minjun/edit/", False),
        ("bob", "/bodies/ec-kz/", "/sessions/new/?host=ec-kz", True),
        ("bob", "/bodies/ec-jp/", "/sessions/new/?host=ec-jp", False),
        ("alice", "/conferences/gc-5/", "/sessions/new/?conference=gc-5", True),
        ("charlie", "/conferences/gc-5/", "/sessions/new/?conference=gc-5", False),
    ],
)
def test_pages_link_to_the_forms_only_for_those_allowed(
    client, personas, persona, url, link, shown
):
    if persona:
        sign_in(client, personas[persona])

    page = client.get(url).content.decode()

    assert (f'href="{link}"' in page) is shown

"""The page of likely duplicates, merging from it, undoing on the person's page, and the
old id's redirect (docs/decisions/0032), for each persona."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from chapterhouse.custody.models import AuditEntry
from chapterhouse.registry.models import Body, Person, PersonAlias, Term
from chapterhouse.registry.person_name_keys import person_name_keys_refresh
from tests.conftest import sign_in
from tests.custody.test_authorization_matrix import PERSONAS

pytestmark = pytest.mark.django_db


def plant_twin(custodian: str = "ec-kz") -> Person:
    """Timur Akhmetov recorded a second time, in Cyrillic, with a post of his own."""
    twin = Person.objects.create(
        slug="timur-2", name="Тимур Ахметов", custodian=Body.objects.get(slug=custodian)
    )
    Term.objects.create(
        person=twin,
        body=Body.objects.get(slug="ec-kz"),
        role="member",
        start=dt.date(2019, 1, 1),
        end=dt.date(2020, 1, 1),
    )
    person_name_keys_refresh(person_ids=[twin.pk])  # the fixture writes rows directly
    return twin


def client_of(personas, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        sign_in(client, personas[persona])
    return client


def test_an_officer_sees_the_pair_with_its_reason_and_merges_it(personas):
    plant_twin()
    bob = client_of(personas, "bob")

    people = bob.get("/people/").content.decode()
    page = bob.get("/people/duplicates/").content.decode()

    assert "/people/duplicates/" in people
    assert "timur-2" in page and "timur-akhmetov" in page
    assert "a matching name in another script" in page
    response = bob.post("/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"})
    assert response.status_code == 302 and response["Location"] == "/people/timur-akhmetov/"
    shown = bob.get("/people/timur-akhmetov/").content.decode()
    assert "is merged into this person" in shown and "Undo the merge" in shown
    assert AuditEntry.objects.filter(action="merge", via="web").exists()


def test_the_old_id_redirects_to_the_kept_person_and_the_merge_can_be_undone(personas):
    plant_twin()
    bob = client_of(personas, "bob")
    bob.post("/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"})

    old = bob.get("/people/timur-2/")
    assert old.status_code == 302 and old["Location"] == "/people/timur-akhmetov/"
    # The public old id of a public person redirects for a visitor too.
    assert Client().get("/people/timur-2/")["Location"] == "/people/timur-akhmetov/"

    undone = bob.post("/people/unmerge/", {"other": "timur-2"})
    assert undone.status_code == 302 and undone["Location"] == "/people/timur-2/"
    assert bob.get("/people/timur-2/").status_code == 200
    assert not PersonAlias.objects.exists()


def test_a_refused_merge_says_why_and_changes_nothing(personas):
    twin = plant_twin()
    Term.objects.create(
        person=twin,
        body=Body.objects.get(slug="ec-kz"),
        role="ideological_secretary",
        start=dt.date(2023, 1, 1),
    )
    bob = client_of(personas, "bob")

    response = bob.post(
        "/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"}, follow=True
    )

    assert "overlapping terms" in response.content.decode()
    assert Person.objects.filter(slug="timur-2").exists()


def test_the_old_id_of_a_hidden_kept_person_is_as_unknown_as_any(personas):
    plant_twin()
    client_of(personas, "admin").post(
        "/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"}
    )
    Person.objects.filter(slug="timur-akhmetov").update(public=False)

    assert client_of(personas, "charlie").get("/people/timur-2/").status_code == 404


def test_every_page_of_the_old_id_leads_to_the_same_page_of_the_kept_person(personas):
    plant_twin()
    bob = client_of(personas, "bob")
    bob.post("/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"})

    edit = bob.get("/people/timur-2/edit/?from=list")
    followed = bob.get("/people/timur-2/edit/", follow=True)

    assert edit.status_code == 302
    assert edit["Location"] == "/people/timur-akhmetov/edit/?from=list"
    assert followed.status_code == 200 and 'value="Timur Akhmetov"' in followed.content.decode()
    # An id that never was anyone's is still unknown.
    assert bob.get("/people/timur-3/edit/").status_code == 404


def test_the_old_id_of_a_hidden_kept_person_leads_nowhere_on_any_page(personas):
    plant_twin()
    client_of(personas, "admin").post(
        "/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"}
    )
    Person.objects.filter(slug="timur-akhmetov").update(public=False)

    # charlie may not see Timur: the old id tells him nothing, on the page as in the API.
    charlie = client_of(personas, "charlie")
    assert charlie.get("/people/timur-2/edit/").status_code == 404
    assert charlie.get("/api/v1/people/timur-2/history").status_code == 404
    changed = charlie.patch(
        "/api/v1/people/timur-2", {"notes": "x"}, content_type="application/json"
    )
    assert changed.status_code == 404


def test_the_api_changes_the_kept_person_through_the_old_id(personas):
    plant_twin()
    bob = client_of(personas, "bob")
    bob.post("/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"})

    response = bob.patch(
        "/api/v1/people/timur-2", {"notes": "Chairs the audit"}, content_type="application/json"
    )

    assert response.status_code == 200 and response.json()["id"] == "timur-akhmetov"
    assert Person.objects.get(slug="timur-akhmetov").notes == "Chairs the audit"


# Who may merge the pair (both kept by ec-kz): officers of ec-kz or above and the
# administrator; a member who may not see timur-2 gets 404, as for a missing person.
MERGE_STATUS = {
    "anonymous": 302,
    "charlie": 404,
    "mia": 404,
    "tanya": 404,
    "bob": 302,
    "alice": 302,
    "admin": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_may_merge_and_unmerge_as_the_matrix_says(persona, personas):
    plant_twin()
    client = client_of(personas, persona)

    merged = client.post("/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"})

    assert merged.status_code == MERGE_STATUS[persona]
    done = PersonAlias.objects.filter(slug="timur-2").exists()
    assert done == (persona in {"bob", "alice", "admin"})
    if not done:
        client_of(personas, "admin").post(
            "/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"}
        )
    undone = client.post("/people/unmerge/", {"other": "timur-2"})
    # The kept person is public: those who may see only them are refused, not told "none".
    assert undone.status_code == {**MERGE_STATUS, "charlie": 403, "mia": 403, "tanya": 403}[persona]
    assert Person.objects.filter(slug="timur-2").exists() == (persona in {"bob", "alice", "admin"})


def test_an_officer_of_only_one_of_the_two_is_refused(personas):
    twin = plant_twin(custodian="rc-pt")
    twin.public = True
    twin.save()
    bob = client_of(personas, "bob")

    page = bob.get("/people/duplicates/").content.decode()
    response = bob.post("/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"})

    assert "Merge timur-2 into timur-akhmetov" not in page
    assert response.status_code == 403
    assert not PersonAlias.objects.exists()


def test_the_api_answers_the_old_id_with_the_kept_person(personas):
    plant_twin()
    client_of(personas, "admin").post(
        "/people/merge/", {"keep": "timur-akhmetov", "other": "timur-2"}
    )

    detail = Client().get("/api/v1/people/timur-2")
    history = Client().get("/api/v1/people/timur-2/history")

    assert detail.status_code == 200 and detail.json()["id"] == "timur-akhmetov"
    assert history.status_code == 200
    assert any(term["role"] == "member" for term in history.json()["terms"])
    Person.objects.filter(slug="timur-akhmetov").update(public=False)
    assert Client().get("/api/v1/people/timur-2").status_code == 404


@pytest.mark.parametrize("twins", [1, 6])
def test_the_duplicates_page_runs_the_same_queries_whatever_the_number_of_pairs(
    twins, personas, django_assert_max_num_queries
):
    kz = Body.objects.get(slug="ec-kz")
    olgas = [
        Person.objects.create(slug=f"olga-{number}", name="Ольга Смирнова", custodian=kz)
        for number in range(twins)
    ]
    person_name_keys_refresh(person_ids=[olga.pk for olga in olgas])
    bob = client_of(personas, "bob")

    # Session, user, grants, viewer; the keys several people share, the newest people's
    # names, their near keys (registry.search.near_key_candidates: on SQLite one query for
    # every few dozen names, four for the newest 30; one on PostgreSQL) and the keys' rows
    # (registry.duplicates: bounded whatever the size of the register); the pairs' rows and
    # their names in the reader's script; the menu.
    with django_assert_max_num_queries(15):
        page = bob.get("/people/duplicates/")

    assert page.content.decode().count("olga-") >= twins

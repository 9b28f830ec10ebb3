"""The pages that record and change a person: names in several scripts, custody,
contact details, and the warning of a likely duplicate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from chapterhouse.custody.access import Viewer, viewer_for_user
from chapterhouse.custody.models import AuditEntry
from chapterhouse.registry.duplicates import people_like
from chapterhouse.registry.models import Body, Person
from tests.conftest import sign_in
from tests.web.form_data import form_data

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 6, 1)


def as_user(client: Client, personas: dict[str, Any], name: str) -> Client:
    sign_in(client, personas[name])
    return client


def person_form(**fields: Any) -> dict[str, Any]:
    """Return what the new-person page posts: ``names`` as a list of (name, lang, kind)."""
    names = fields.pop("names", [])
    data = {
        "name": "",
        "given": "",
        "family": "",
        "patronymic": "",
        "call_sign": "",
        "honorific_0": "",
        "custodian": "",
        "born": "",
        "email": "",
        "phone": "",
        "address": "",
        "notes": "",
        "names-TOTAL_FORMS": str(len(names)),
        "names-INITIAL_FORMS": "0",
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "1000",
    }
    for index, (name, lang, kind) in enumerate(names):
        data |= {
            f"names-{index}-name": name,
            f"names-{index}-lang": lang,
            f"names-{index}-kind": kind,
        }
    return data | fields


KIM = person_form(
    name="Kim Ji-woo",
    given="Ji-woo",
    family="Kim",
    custodian="ec-jp",
    names=[("김지우", "ko", "native"), ("Gim Jiu", "", "transliteration")],
)


def test_the_page_offers_names_languages_and_the_bodies_the_writer_is_an_officer_of(
    client, personas, django_assert_max_num_queries
):
    as_user(client, personas, "bob")
    with django_assert_max_num_queries(12):
        page = client.get("/people/new/").content.decode()

    assert 'name="names-0-name"' in page
    # Languages by their names, the working languages first.
    assert page.index(">Korean<") < page.index(">Afrikaans<")
    custodians = page[page.index('name="custodian"') :].split("</select>", 1)[0]
    assert 'value="ec-kz"' in custodians and 'value="council"' not in custodians
    # Contact details one by one, texts one per working language: no JSON to type.
    assert 'name="email"' in page and 'name="phone"' in page and 'name="address"' in page
    assert 'name="contact"' not in page and 'name="honorific_1" lang="ko"' in page


def test_alice_records_a_person_with_a_korean_native_name_and_a_transliteration(client, personas):
    response = as_user(client, personas, "alice").post(
        "/people/new/", KIM | {"custodian": "council", "email": "jiwoo@example.test"}
    )

    assert response.status_code == 302, response.content.decode()
    person = Person.objects.get(name="Kim Ji-woo")
    assert response["Location"] == f"/people/{person.slug}/"
    assert person.slug.startswith("kim-ji-woo-")
    assert [(n.name, n.lang, n.kind) for n in person.names.all()] == [
        ("김지우", "ko", "native"),
        ("Gim Jiu", "", "transliteration"),
    ]
    assert person.contact == {"email": "jiwoo@example.test"}
    assert person.custodian.slug == "council"  # type: ignore[union-attr]
    page = client.get(response["Location"]).content.decode()
    assert "Kim Ji-woo is recorded." in page and "김지우" in page
    entry = AuditEntry.objects.get(object_type="person", object_id=person.slug)
    assert entry.after["names"][0] == {"name": "김지우", "lang": "ko", "kind": "native"}


def test_a_likely_duplicate_in_another_script_is_named_and_nothing_is_recorded(client, personas):
    form = person_form(
        name="Пак Мин Чжун", custodian="ec-kz", names=[("Пак Мин Чжун", "ru", "native")]
    )
    response = as_user(client, personas, "bob").post("/people/new/", form)

    page = response.content.decode()
    assert response.status_code == 200
    assert "May be the same person as:" in page
    assert '<a href="/people/park-minjun/">Park Min-jun</a>' in page
    assert "Create anyway" in page
    assert not Person.objects.filter(name="Пак Мин Чжун").exists()
    # What was typed is still there.
    assert 'value="Пак Мин Чжун"' in page


def test_the_korean_spelling_finds_the_same_person_as_the_latin_one(personas):
    charlie = viewer_for_user(personas["charlie"], on=ON)

    found = people_like(viewer=charlie, names=["박민준"])
    assert [person.slug for person, _score in found] == ["park-minjun"]
    found = people_like(viewer=charlie, names=["Park Minjun"])
    assert found[0][0].slug == "park-minjun"
    assert people_like(viewer=charlie, names=["Kim Ji-woo"]) == []


def test_a_name_without_its_patronymic_is_warned_of_and_a_shared_first_name_is_not(
    client, personas
):
    as_user(client, personas, "bob")
    first = client.post(
        "/people/new/", person_form(name="Dana Serikovna Omarova", custodian="ec-kz")
    )
    assert first.status_code == 302

    again = client.post("/people/new/", person_form(name="Dana Omarova", custodian="ec-kz"))
    other = client.post("/people/new/", person_form(name="Dana Petrova", custodian="ec-kz"))

    assert "May be the same person as:" in again.content.decode()
    assert ">Dana Serikovna Omarova</a>" in again.content.decode()
    assert other.status_code == 302


def test_confirming_records_the_person_after_all(client, personas):
    form = person_form(name="Park Min-jun", custodian="ec-kz")
    as_user(client, personas, "bob")
    assert "May be the same person as:" in client.post("/people/new/", form).content.decode()

    response = client.post("/people/new/", form | {"confirm": "1"})

    assert response.status_code == 302
    assert Person.objects.filter(name="Park Min-jun").count() == 2


def test_a_hidden_person_is_never_hinted_at(client, personas):
    # bob may not see Lark (Ana Costa, kept by rc-pt): no warning, the person is recorded.
    response = as_user(client, personas, "bob").post(
        "/people/new/", person_form(name="Ana Costa", custodian="ec-kz")
    )
    assert response.status_code == 302
    # Olga Smirnova and Lark are hidden from charlie and mia: their names find nobody.
    for name in ("charlie", "mia"):
        viewer = viewer_for_user(personas[name], on=ON)
        assert people_like(viewer=viewer, names=["Olga Smirnova", "Ольга Смирнова"]) == []
        assert people_like(viewer=viewer, names=["Ana Costa", "Lark"]) == []


def test_the_administrator_is_warned_of_lark(client, personas):
    response = as_user(client, personas, "admin").post(
        "/people/new/", person_form(name="Ana Costa", custodian="rc-pt")
    )
    assert '<a href="/people/lark/">Ana Costa</a>' in response.content.decode()


def test_the_real_name_behind_a_call_sign_is_compared_only_for_the_custodians():
    # A member of the Portuguese committee sees Lark, but not who she is.
    Body.objects.get(slug="rc-pt")  # the demo is loaded
    member = Viewer(
        user_id=1, label="member", scopes={"member": frozenset({Body.objects.get(slug="rc-pt").pk})}
    )

    assert people_like(viewer=member, names=["Ana Costa"]) == []
    assert [person.slug for person, _ in people_like(viewer=member, names=["Lark"])] == ["lark"]


test_the_real_name_behind_a_call_sign_is_compared_only_for_the_custodians = pytest.mark.usefixtures(
    "demo"
)(test_the_real_name_behind_a_call_sign_is_compared_only_for_the_custodians)


def test_a_date_not_on_the_calendar_is_refused_beside_the_field_and_nothing_is_lost(
    client, personas
):
    response = as_user(client, personas, "alice").post(
        "/people/new/", KIM | {"custodian": "council", "born": "2025-02-30", "phone": "+1 555 0100"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    born = page[page.index('for="id_born"') :].split("</div>", 1)[0]
    assert "is not a date on the calendar" in born
    assert 'value="Kim Ji-woo"' in page and 'value="김지우"' in page
    assert 'value="+1 555 0100"' in page
    assert '<option value="ko" selected>' in page
    assert not Person.objects.filter(name="Kim Ji-woo").exists()


def test_add_a_name_keeps_what_was_typed_and_saves_nothing(client, personas):
    response = as_user(client, personas, "alice").post(
        "/people/new/", KIM | {"custodian": "council", "add_name": "1"}
    )

    page = response.content.decode()
    assert 'name="names-2-name"' in page and 'value="Gim Jiu"' in page
    assert 'value="Kim Ji-woo"' in page
    assert "Nothing was saved" not in page
    assert not Person.objects.filter(name="Kim Ji-woo").exists()


def test_bob_changes_contact_details_one_field_at_a_time_and_the_messenger_stays(client, personas):
    as_user(client, personas, "bob")
    page = client.get("/people/aigerim-bekova/edit/").content.decode()
    assert 'value="aigerim.bekova@ifl-demo.test"' in page and "<textarea" in page
    assert 'value="Айгерим Нурлановна Бекова"' in page

    form = form_data(page) | {"phone": "+7 700 555 0199", "address": "5 Dostyk Avenue, Almaty"}
    response = client.post("/people/aigerim-bekova/edit/", form)

    assert response.status_code == 302, response.content.decode()
    person = Person.objects.get(slug="aigerim-bekova")
    assert person.contact == {
        "email": "aigerim.bekova@ifl-demo.test",
        "phone": "+7 700 555 0199",
        "messenger": "@aigerim_b",
        "address": "5 Dostyk Avenue, Almaty",
    }
    assert [n.name for n in person.names.all()] == [
        "Айгерим Нурлановна Бекова",
        "Aygerim Bekova",
        "아이게림 베코바",
        "艾格林·别科娃",
        "Aigerim Bekowa",
    ]


def test_a_member_may_not_record_people(client, personas):
    assert as_user(client, personas, "mia").get("/people/new/").status_code == 403


def test_the_api_records_a_person_with_name_variants(client, personas):
    response = as_user(client, personas, "bob").post(
        "/api/v1/people",
        {
            "name": "Kim Ji-woo",
            "custodian": "ec-kz",
            "names": [{"name": "김지우", "lang": "ko", "kind": "native"}, {"name": "Gim Jiu"}],
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["names"] == [
        {"name": "김지우", "lang": "ko", "kind": "native"},
        {"name": "Gim Jiu"},
    ]
    person = Person.objects.get(slug=response.json()["id"])
    assert [n.name for n in person.names.all()] == ["김지우", "Gim Jiu"]
    # A PATCH with names replaces them.
    response = client.patch(
        f"/api/v1/people/{person.slug}", {"names": []}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["names"] is None
    assert not person.names.exists()


@pytest.mark.parametrize("persona, shown", [("bob", True), ("admin", True), ("mia", False)])
def test_the_people_list_offers_to_add_a_person_to_those_who_may(client, personas, persona, shown):
    page = as_user(client, personas, persona).get("/people/").content.decode()

    assert ('href="/people/new/"' in page) is shown


def test_the_administrator_gets_an_id_made_from_the_name(client, personas):
    as_user(client, personas, "admin")
    form = person_form(name="Park Min-jun", custodian="ec-jp", confirm="1")

    first = client.post("/people/new/", form | {"name": "Kim Ji-woo"})
    second = client.post("/people/new/", form)

    assert first["Location"] == "/people/kim-ji-woo/"
    # park-min-jun is free; park-minjun (the demo's) is another id.
    assert second["Location"] == "/people/park-min-jun/"
    third = client.post("/people/new/", form)
    assert third["Location"].startswith("/people/park-min-jun-")

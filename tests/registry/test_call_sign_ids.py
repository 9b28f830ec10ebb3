"""A call sign is not given away by the person's id.

Ids are public (URLs, API ids, the org chart, the diff, search). The demo's Lark (real
name Ana Costa, custodian rc-pt) has the id ``lark``; a call-signed person whose id is made
from their real name is refused by the importer and the services, an existing one is
found by a system check and fixed by ``chapterhouse person change-id``.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from chapterhouse.chronicle.importer import ChronicleInvalid, chronicle_import
from chapterhouse.custody.access import ADMIN, Viewer, scopes_for_grants, viewer_for_user
from chapterhouse.custody.models import AuditEntry
from chapterhouse.meetings.models import Decision, Document
from chapterhouse.registry.checks import check_call_sign_ids
from chapterhouse.registry.models import Body, Person
from chapterhouse.registry.person_ids import revealed_words
from chapterhouse.registry.services import person_change_id, person_create, person_update
from tests.conftest import sign_in


def officer_of(slug: str) -> Viewer:
    body = Body.objects.get(slug=slug)
    return Viewer(
        user_id=1, label=f"officer of {slug}", scopes=scopes_for_grants([("officer", body.pk)])
    )


def smallest_chronicle(people: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "chronicle": 1,
        "organization": {"name": {"en": "League"}, "languages": ["en"], "default_language": "en"},
        "bodies": [{"id": "council", "kind": "coordination_committee", "name": {"en": "Council"}}],
        "people": people,
    }


# -- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person_id", "names", "revealed"),
    [
        ("ana-costa", ["Ana Costa"], ["ana", "costa"]),
        ("acosta7", ["Ana Costa"], ["costa"]),
        ("olga", ["Ольга Смирнова"], ["olga"]),
        ("zhang-w", ["张伟"], ["zhang"]),
        ("lark", ["Ana Costa"], []),
        ("li-river", ["Li Wu"], []),  # words of fewer than three letters tell nothing
    ],
)
def test_an_id_gives_away_the_words_of_the_real_name_it_contains(person_id, names, revealed):
    assert revealed_words(person_id, names) == revealed


# -- the importer -------------------------------------------------------------------------


def test_the_importer_refuses_a_call_signed_person_whose_id_contains_the_real_name(
    db, tmp_path: Path
):
    path = tmp_path / "people.json"
    path.write_text(
        json.dumps(
            smallest_chronicle(
                [
                    {"id": "kestrel", "name": "Maria Lopez", "call_sign": "Kestrel"},
                    {"id": "lopez-maria", "name": "Maria Lopez"},  # no call sign: allowed
                    {
                        "id": "heron-smirnova",
                        "name": "Olga S.",
                        "call_sign": "Heron",
                        "names": [{"name": "Ольга Смирнова", "kind": "native"}],
                    },
                ]
            )
        ),
        encoding="utf-8",
    )

    with pytest.raises(ChronicleInvalid) as refused:
        chronicle_import(path)

    [error] = refused.value.errors
    assert error.path == "people[2].id"
    assert error.value == "heron-smirnova"
    assert "'smirnova'" in error.message and "call sign" in error.message
    assert not Person.objects.exists()  # nothing was written


def test_the_demo_names_lark_by_her_call_sign(demo):
    lark = Person.objects.get(call_sign="Lark")

    assert lark.slug == "lark"
    assert check_call_sign_ids(databases=["default"]) == []


# -- the services -------------------------------------------------------------------------


def test_an_administrator_may_not_choose_an_id_made_from_the_real_name(demo):
    with pytest.raises(ValidationError) as refused:
        person_create(
            viewer=ADMIN,
            via="api",
            at=timezone.now(),
            values={"id": "maria-lopez", "name": "Maria Lopez", "call_sign": "Kestrel"},
        )

    assert "maria" in str(refused.value) and "call sign" in str(refused.value)
    assert not Person.objects.filter(name="Maria Lopez").exists()


def test_an_officers_new_call_signed_person_gets_an_id_from_the_call_sign(demo):
    person = person_create(
        viewer=officer_of("ec-kz"),
        via="web",
        at=timezone.now(),
        values={
            "id": "maria-lopez",
            "name": "Maria Lopez",
            "call_sign": "Kestrel",
            "custodian": "ec-kz",
        },
    )

    assert person.slug.startswith("kestrel-")
    assert revealed_words(person.slug, ["Maria Lopez"]) == []


def test_a_call_sign_is_refused_for_someone_whose_id_is_their_name(demo):
    aigerim = Person.objects.get(slug="aigerim-bekova")

    with pytest.raises(ValidationError) as refused:
        person_update(
            viewer=ADMIN,
            via="api",
            at=timezone.now(),
            person=aigerim,
            changes={"call_sign": "Falcon"},
        )

    assert "call_sign" in refused.value.message_dict
    assert "change-id" in str(refused.value)
    assert Person.objects.get(slug="aigerim-bekova").call_sign == ""


# -- fixing a stored id -------------------------------------------------------------------


@pytest.fixture
def revealing(demo: None) -> Person:
    """Give Lark back the id made from her real name, as older data has it."""
    Person.objects.filter(slug="lark").update(slug="ana-costa")
    for decision in Decision.objects.filter(slug="gc5-d4-award"):
        decision.effects = [{**decision.effects[0], "person": "ana-costa"}]
        decision.save(update_fields=["effects"])
    Document.objects.filter(slug="gc5-d4-letter").update(signatories=["irina-volkova", "ana-costa"])
    return Person.objects.get(slug="ana-costa")


def test_the_system_check_tells_the_operator_how_to_fix_a_revealing_id(revealing):
    [warning] = check_call_sign_ids(databases=["default"])

    assert warning.id == "registry.W001"
    assert "ana-costa" in warning.msg
    assert warning.hint == "Give them a new id: chapterhouse person change-id ana-costa NEW-ID"


def test_change_id_renames_the_person_everywhere_they_are_named_and_audits_it(revealing):
    out = StringIO()

    call_command("person", "change-id", "ana-costa", "lark", stdout=out)

    assert "ana-costa is now lark" in out.getvalue()
    assert not Person.objects.filter(slug="ana-costa").exists()
    assert Person.objects.get(slug="lark").call_sign == "Lark"
    assert Decision.objects.get(slug="gc5-d4-award").effects[0]["person"] == "lark"
    assert Document.objects.get(slug="gc5-d4-letter").signatories == ["irina-volkova", "lark"]
    entry = AuditEntry.objects.filter(object_type="person", object_id="lark").latest("pk")
    assert (entry.before, entry.after) == ({"id": "ana-costa"}, {"id": "lark"})
    assert check_call_sign_ids(databases=["default"]) == []
    # Annulling and adopting the award again finds her under the new id.
    call_command("decision", "annul", "gc5-d4-award", stdout=StringIO())
    call_command("decision", "adopt", "gc5-d4-award", stdout=StringIO())
    assert Person.objects.get(slug="lark").awards.count() == 1


def test_change_id_refuses_a_new_id_that_still_contains_the_real_name(revealing):
    with pytest.raises(CommandError, match="costa"):
        call_command("person", "change-id", "ana-costa", "costa-lark", stdout=StringIO())

    assert Person.objects.filter(slug="ana-costa").exists()


def test_only_the_persons_custodians_may_change_their_id(revealing, personas):
    bob = viewer_for_user(personas["bob"], on=dt.date(2025, 6, 1))
    alice = viewer_for_user(personas["alice"], on=dt.date(2025, 6, 1))

    with pytest.raises(Exception, match="may edit"):
        person_change_id(viewer=bob, via="api", at=timezone.now(), person=revealing, new_id="lark")
    person_change_id(viewer=alice, via="api", at=timezone.now(), person=revealing, new_id="lark")

    # Not an administrator: the id asked for is a stem, with random characters after it.
    assert revealing.slug.startswith("lark-")


def test_after_the_change_no_page_or_answer_carries_the_real_name(revealing, personas):
    person_change_id(viewer=ADMIN, via="cli", at=timezone.now(), person=revealing, new_id="lark")
    Person.objects.filter(slug="lark").update(public=True)
    client = Client()
    sign_in(client, personas["charlie"])

    people = client.get("/api/v1/people?limit=100").content.decode()
    page = client.get("/people/lark/").content.decode()

    assert "ana-costa" not in people and "ana-costa" not in page
    assert "Lark" in page


# -- through the API ------------------------------------------------------------------------


def test_a_person_created_through_the_api_with_a_call_sign_gets_an_id_from_it(personas):
    client = Client()
    sign_in(client, personas["bob"])
    new = {"id": "dana-nur", "name": "Dana Nur", "call_sign": "Swift", "custodian": "ec-kz"}

    created = client.post("/api/v1/people", new, content_type="application/json")

    assert created.status_code == 201
    assert created.json()["id"].startswith("swift-")
    assert "dana" not in created.json()["id"] and "nur" not in created.json()["id"]


def test_giving_a_call_sign_through_the_api_to_someone_whose_id_is_their_name_is_a_400(personas):
    client = Client()
    sign_in(client, personas["admin"])

    answer = client.patch(
        "/api/v1/people/aigerim-bekova", {"call_sign": "Falcon"}, content_type="application/json"
    )

    assert answer.status_code == 400
    assert "change-id" in answer.content.decode()
    assert Person.objects.get(slug="aigerim-bekova").call_sign == ""

"""Data subject rights: everything held about a person as JSON, and erasure that keeps the
public record under a placeholder name."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from chapterhouse.cli import main as chapterhouse
from chapterhouse.custody.access import ADMIN, viewer_for_user
from chapterhouse.custody.models import Account, AuditEntry
from chapterhouse.custody.services import person_erase, user_add
from chapterhouse.registry.models import Body, Person, Term
from chapterhouse.registry.services import person_update
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

# Timur is in the custody of ec-kz, born 1996, with an e-mail address and name variants.
OLD_NAMES = ["Timur Akhmetov", "Тимур Ахметов", "Timur Ahmetov", "Timur A.", "Akhmetova"]


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def timur(personas: dict[str, Any]) -> Person:
    """Timur, with an account of his own and a change bob made to his record."""
    person = Person.objects.get(slug="timur-akhmetov")
    user_add(
        viewer=ADMIN,
        via="cli",
        email="timur@chapterhouse.test",
        person=person,
        grants=[("member", Body.objects.get(slug="ec-kz"))],
        on=dt.date(2020, 1, 1),
        at=timezone.now(),
    )
    person_update(
        viewer=viewer_for_user(personas["bob"], on=dt.date(2025, 6, 1)),
        via="web",
        at=timezone.now(),
        person=person,
        changes={"name": "Timur A.", "family": "Akhmetova", "notes": "Lives in Almaty."},
    )
    person.refresh_from_db()
    return person


def test_export_data_gives_everything_held_about_the_person(timur):
    data = json.loads(run("person", "export-data", "timur-akhmetov"))

    assert data["id"] == "timur-akhmetov"
    assert (data["name"], data["born"], data["notes"]) == ("Timur A.", "1996", "Lives in Almaty.")
    assert data["contact"] == {"email": "timur.akhmetov@ifl-demo.test"}
    assert {"name": "Тимур Ахметов", "lang": "ru", "kind": "native"} in data["names"]
    assert ("ec-kz", "ideological_secretary") in {(t["body"], t["role"]) for t in data["terms"]}
    assert {"session": "gc5-d2", "role": "speaker", "capacity": None} in data["attendances"]
    assert data["tasks"][0]["task"] == "student-clubs"
    assert data["account"]["email"] == "timur@chapterhouse.test"
    assert data["account"]["grants"][0] == {
        "role": "member",
        "body": "ec-kz",
        "start": "2020-01-01",
        "end": None,
    }
    assert "update" in [entry["action"] for entry in data["audit"]]


def test_export_data_reveals_no_password_hash_or_token_digest(timur):
    user = Account.objects.get(person=timur).user
    user.set_password("correct horse battery staple")
    user.save()

    text = run("person", "export-data", "timur-akhmetov")

    assert user.password not in text
    assert "argon2" not in text
    assert "digest" not in text


def test_export_data_is_audited_and_can_go_to_a_file(timur, tmp_path):
    target = tmp_path / "timur.json"

    call_command(
        "person", "export-data", "timur-akhmetov", "--output", str(target), stderr=StringIO()
    )

    assert json.loads(target.read_text())["id"] == "timur-akhmetov"
    entry = AuditEntry.objects.get(object_id="timur-akhmetov", action="export")
    assert (entry.via, entry.body.slug) == ("cli", "ec-kz")  # type: ignore[union-attr]


@pytest.mark.parametrize("action", [["export-data"], ["erase", "--yes"]])
def test_an_unknown_person_is_refused_with_exit_status_1(demo, action, capsys):
    with pytest.raises(SystemExit) as exit:
        chapterhouse(["person", action[0], "nobody", *action[1:]])

    assert exit.value.code == 1
    assert "no person with id 'nobody'" in capsys.readouterr().err


def test_erase_keeps_the_public_record_under_a_placeholder(timur):
    terms = list(Term.objects.filter(person=timur).values_list("body__slug", "role", "start"))

    text = run("person", "erase", "timur-akhmetov", "--yes")

    timur.refresh_from_db()
    assert timur.name == f"Erased member {timur.pk}"
    assert f"Erased member {timur.pk}" in text
    assert timur.erased is not None
    assert (timur.born, timur.contact, timur.notes, timur.given, timur.family) == (
        None,
        {},
        "",
        "",
        "",
    )
    assert not timur.names.exists()
    assert list(Term.objects.filter(person=timur).values_list("body__slug", "role", "start")) == (
        terms
    )
    assert not Account.objects.filter(person=timur).exists()
    assert Account.objects.filter(user__username="timur@chapterhouse.test").exists()


def test_after_erasure_the_old_name_appears_nowhere(client, personas, timur):
    run("person", "erase", "timur-akhmetov", "--yes")
    sign_in(client, personas["admin"])

    places = {
        "page": client.get("/people/timur-akhmetov/").content.decode(),
        "api": client.get("/api/v1/people/timur-akhmetov").content.decode(),
        "export-data": run("person", "export-data", "timur-akhmetov"),
        "audit": run("audit", "--object", "person:timur-akhmetov", "--format", "json"),
    }

    for place, text in places.items():
        for name in [*OLD_NAMES, "Lives in Almaty", "timur.akhmetov@ifl-demo.test"]:
            assert name not in text, f"{name!r} is still in the {place}"
    assert f"Erased member {timur.pk}" in places["page"]
    assert "ideological_secretary" in places["export-data"]


def test_erasure_redacts_the_trail_but_keeps_who_did_what_and_when(timur):
    update = AuditEntry.objects.get(object_id="timur-akhmetov", action="update")

    run("person", "erase", "timur-akhmetov", "--yes")

    redacted = AuditEntry.objects.get(pk=update.pk)
    assert (redacted.at, redacted.actor_label, redacted.action) == (
        update.at,
        update.actor_label,
        update.action,
    )
    assert redacted.before == {"name": "[erased]", "family": None, "notes": None}
    assert redacted.after == {"name": "[erased]", "family": "[erased]", "notes": "[erased]"}
    erase = AuditEntry.objects.get(object_id="timur-akhmetov", action="erase")
    assert erase.via == "cli"
    assert erase.body.slug == "ec-kz"  # type: ignore[union-attr]


def test_only_the_custodians_may_erase(personas, timur):
    from django.core.exceptions import PermissionDenied

    mia = viewer_for_user(personas["mia"], on=dt.date(2025, 6, 1))
    with pytest.raises(PermissionDenied):
        person_erase(viewer=mia, via="web", person=timur, at=timezone.now())

    bob = viewer_for_user(personas["bob"], on=dt.date(2025, 6, 1))
    person_erase(viewer=bob, via="web", person=timur, at=timezone.now())
    assert Person.objects.get(slug="timur-akhmetov").erased is not None


def test_an_erased_person_cannot_be_given_personal_data_again(personas, timur):
    from django.core.exceptions import ValidationError

    run("person", "erase", "timur-akhmetov", "--yes")

    with pytest.raises(ValidationError):
        person_update(
            viewer=ADMIN,
            via="api",
            at=timezone.now(),
            person=Person.objects.get(slug="timur-akhmetov"),
            changes={"notes": "again"},
        )

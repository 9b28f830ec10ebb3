"""Exports respect custody: `--public` and `--scope BODY` write only what their reader may see."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from chapterhouse.chronicle.exporter import chronicle_export
from chapterhouse.chronicle.importer import chronicle_import
from chapterhouse.custody.access import (
    ADMIN,
    ANONYMOUS,
    Viewer,
    scopes_for_grants,
    viewer_for_scope,
)
from chapterhouse.meetings.models import Session
from chapterhouse.registry.models import Body, Person, Term
from tests.conftest import DEMO_FILE

pytestmark = pytest.mark.django_db

DEMO: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
PEOPLE = {person["id"]: person for person in DEMO["people"]}


class Rollback(Exception):
    """Raised to undo the demo once it has been exported."""


def personal_values(slug: str) -> list[str]:
    """Return the personal values the demo holds about a person, as they appear in JSON."""
    person = PEOPLE[slug]
    values: list[Any] = list((person.get("contact") or {}).values())
    values += [person[key] for key in ("born", "notes") if key in person]
    values += [a["title"]["en"] for a in person.get("affiliations", []) if a.get("private")]
    if person.get("call_sign"):  # the real name behind it
        values += [person["name"], *(n["name"] for n in person.get("names", []))]
    return [json.dumps(value, ensure_ascii=False) for value in values]


def export(viewer: Viewer, prepare: Any = None) -> str:
    """Load the demo, export it as ``viewer`` sees it, and leave the database empty again."""
    out = io.StringIO()
    try:
        with transaction.atomic():
            chronicle_import(DEMO_FILE)
            if prepare is not None:
                prepare()
            chronicle_export(out, viewer=viewer() if callable(viewer) else viewer)
            raise Rollback
    except Rollback:
        pass
    return out.getvalue()


def imports_cleanly(text: str, tmp_path: Path) -> None:
    """Import ``text`` into the (empty) database; a refusal fails the test with its errors."""
    assert not Person.objects.exists()
    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    chronicle_import(path)


def people_of(text: str) -> dict[str, dict[str, Any]]:
    return {person["id"]: person for person in json.loads(text).get("people", [])}


def test_the_public_export_imports_into_an_empty_database(tmp_path: Path) -> None:
    imports_cleanly(export(ANONYMOUS), tmp_path)
    assert Person.objects.filter(slug="irina-volkova").exists()
    assert not Person.objects.filter(slug__in=["olga-smirnova", "lark"]).exists()


def test_the_public_export_holds_no_personal_value_of_anybody() -> None:
    text = export(ANONYMOUS)
    for slug in PEOPLE:
        for value in personal_values(slug):
            assert value not in text, (slug, value)
    for hidden in ("olga-smirnova", "Olga Smirnova", "Ольга", "lark", "Ana Costa"):
        assert hidden not in text


def test_the_public_export_leaves_out_the_terms_of_hidden_people() -> None:
    exported = json.loads(export(ANONYMOUS))
    assert "olga-smirnova" not in {term["person"] for term in exported["terms"]}
    assert "lark" not in {term["person"] for term in exported["terms"]}
    assert {"person": "irina-volkova", "body": "council", "role": "chair"}.items() <= next(
        t for t in exported["terms"] if t["person"] == "irina-volkova"
    ).items()


def test_a_hidden_person_in_a_public_record_appears_as_a_withheld_stand_in() -> None:
    exported = json.loads(export(ANONYMOUS))
    people = {person["id"]: person for person in exported["people"]}
    session = next(s for s in exported["sessions"] if s["id"] == "gc5-d2")
    olga = people[session["attendees"][2]["person"]]
    assert olga["id"].startswith("withheld-")
    assert olga == {
        "id": olga["id"],
        "name": "a member of Kazakh Executive Committee",
        "public": True,
    }
    award = next(d for d in exported["decisions"] if d["id"] == "gc5-d4-award")
    lark = people[award["effects"][0]["person"]]
    assert lark == {"id": lark["id"], "name": "Lark", "public": True}


def test_the_public_export_leaves_out_internal_documents() -> None:
    exported = json.loads(export(ANONYMOUS))
    session = next(s for s in exported["sessions"] if s["id"] == "gc5-d2")
    assert "gc5-d2-security" not in json.dumps(session)


def test_the_public_export_leaves_out_an_internal_session_with_its_decisions_and_bodies(
    tmp_path: Path,
) -> None:
    def make_internal() -> None:
        Session.objects.filter(slug="gc5-d2").update(internal=True)

    text = export(ANONYMOUS, make_internal)
    exported = json.loads(text)
    assert "gc5-d2" not in {s["id"] for s in exported["sessions"]}
    decisions = {d["id"] for d in exported["decisions"]}
    assert not decisions & {"gc5-d2-candidates", "gc5-d2-cell"}
    assert "cell-almaty-cons" not in text  # founded by a decision left out
    imports_cleanly(text, tmp_path)
    assert not Body.objects.filter(slug="cell-almaty-cons").exists()


def test_a_scoped_export_imports_into_an_empty_database(tmp_path: Path) -> None:
    text = export(lambda: viewer_for_scope("ec-kz"))
    imports_cleanly(text, tmp_path)
    olga = Person.objects.get(slug="olga-smirnova")
    assert olga.contact["phone"] == "+7 701 555 0177"
    assert Term.objects.filter(person=olga, body__slug="dept-4").exists()


def test_a_scoped_export_holds_no_personal_value_of_people_outside_the_scope() -> None:
    text = export(lambda: viewer_for_scope("ec-kz"))
    outside = [slug for slug, person in PEOPLE.items() if person.get("custodian") != "ec-kz"]
    for slug in outside:
        for value in personal_values(slug):
            assert value not in text, (slug, value)
    assert "Ana Costa" not in text and "lark" not in text


def test_a_scoped_export_keeps_the_personal_data_and_internal_records_of_its_scope() -> None:
    text = export(lambda: viewer_for_scope("ec-kz"))
    people = people_of(text)
    assert people["aigerim-bekova"]["contact"]["email"] == "aigerim.bekova@ifl-demo.test"
    assert people["timur-akhmetov"]["affiliations"][0]["private"] is True
    assert people["olga-smirnova"]["notes"] == "Asked not to be named in public reports."
    assert "gc5-d2-security" in text
    # Another committee's officers see the public record only.
    elsewhere = export(lambda: viewer_for_scope("ec-jp"))
    assert "gc5-d2-security" not in elsewhere
    assert "olga-smirnova" not in elsewhere
    assert people_of(elsewhere)["kenji-sato"]["born"] == "1972-11-03"


def test_a_member_who_may_see_a_person_reads_their_call_sign_not_their_name() -> None:
    def member_of_rc_pt() -> Viewer:
        rc_pt = Body.objects.get(slug="rc-pt").pk
        return Viewer(user_id=1, label="member", scopes=scopes_for_grants([("member", rc_pt)]))

    text = export(member_of_rc_pt)
    assert people_of(text)["lark"] == {
        "id": "lark",
        "name": "Lark",
        "call_sign": "Lark",
        "custodian": "rc-pt",
        "public": False,
    }
    assert "Ana Costa" not in text


def test_the_full_export_keeps_every_personal_value() -> None:
    text = export(ADMIN)
    for slug in PEOPLE:
        for value in personal_values(slug):
            assert value in text, (slug, value)
    assert "withheld-" not in text


def test_the_export_command_writes_the_public_and_the_scoped_export(tmp_path: Path) -> None:
    chronicle_import(DEMO_FILE)
    public, scoped = tmp_path / "public.json", tmp_path / "ec-kz.json"
    call_command("export", "--public", "--output", str(public))
    call_command("export", "--scope", "ec-kz", "--output", str(scoped))
    assert "olga-smirnova" not in public.read_text(encoding="utf-8")
    assert "+7 701 555 0177" in scoped.read_text(encoding="utf-8")
    with pytest.raises(CommandError, match="no body with this id"):
        call_command("export", "--scope", "nowhere", "--output", str(tmp_path / "x.json"))

"""Nothing a person did is silently overwritten: the demo loads only into an empty
database, and every change an import makes is in the audit trail."""

from __future__ import annotations

import hashlib
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from chapterhouse.chronicle.management.commands.demo import DEMO_FILE
from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import AuditEntry
from chapterhouse.registry.models import Body, Person
from chapterhouse.registry.services import person_update

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def edited_demo(tmp_path: Path, change: Any) -> Path:
    """Write the demo Chronicle with ``change`` applied to it; return its path."""
    chronicle = json.loads(DEMO_FILE.read_text())
    change(chronicle)
    path = tmp_path / "edited.chronicle.json"
    path.write_text(json.dumps(chronicle, ensure_ascii=False))
    return path


def test_the_demo_run_again_leaves_an_edit_made_on_the_web_and_says_so():
    run("demo")
    timur = Person.objects.get(slug="timur-akhmetov")
    person_update(
        viewer=ADMIN, via="web", at=timezone.now(), person=timur, changes={"notes": "Moved."}
    )

    second = run("demo")

    assert Person.objects.get(slug="timur-akhmetov").notes == "Moved."
    assert "left it alone" in second
    assert "updated" not in second


def test_the_demo_loads_nothing_into_a_database_that_holds_an_organization(demo):
    Body.objects.filter(slug="dept-1").update(name={"en": "Renamed by hand"})

    text = run("demo")

    assert "left it alone" in text
    assert Body.objects.get(slug="dept-1").name == {"en": "Renamed by hand"}
    assert not AuditEntry.objects.filter(action="import").exists()


def test_an_import_records_who_ran_it_and_which_file(demo, tmp_path):
    path = edited_demo(tmp_path, lambda chronicle: None)

    run("import", str(path))

    entry = AuditEntry.objects.get(object_type="chronicle")
    assert entry.action == "import"
    assert entry.actor_label.endswith("(command line)")
    assert entry.after is not None
    assert entry.after["file"] == "edited.chronicle.json"
    assert entry.after["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_import_that_changes_a_person_records_their_fields_before_and_after(demo, tmp_path):
    def change(chronicle: dict[str, Any]) -> None:
        timur = next(p for p in chronicle["people"] if p["id"] == "timur-akhmetov")
        timur["notes"] = "Chairs the youth section."
        timur["born"] = "1997"

    run("import", str(edited_demo(tmp_path, change)))

    entry = AuditEntry.objects.get(object_type="person", object_id="timur-akhmetov")
    assert entry.action == "import"
    assert entry.before == {"notes": "", "born": "1996-01-01"}
    assert entry.after == {"notes": "Chairs the youth section.", "born": "1997-01-01"}
    # The custodian's officers read it, as they read any change to their members.
    assert entry.body_id == Body.objects.get(slug="ec-kz").pk


def test_an_import_that_renames_a_body_records_the_old_and_new_name(demo, tmp_path):
    def change(chronicle: dict[str, Any]) -> None:
        body = next(b for b in chronicle["bodies"] if b["id"] == "dept-1")
        body["name"] = {**body["name"], "en": "Department of Friendship"}

    run("import", str(edited_demo(tmp_path, change)))

    entry = AuditEntry.objects.get(object_type="body", object_id="dept-1")
    assert entry.before is not None and entry.after is not None
    assert entry.before["name"]["en"] == "1st Department of Public Diplomacy"
    assert entry.after["name"]["en"] == "Department of Friendship"


def test_importing_the_same_file_again_records_the_file_and_no_change(demo, tmp_path):
    run("import", str(DEMO_FILE))

    assert list(AuditEntry.objects.values_list("object_type", flat=True)) == ["chronicle"]


def test_an_import_ending_a_term_records_its_old_end(demo, tmp_path):
    def change(chronicle: dict[str, Any]) -> None:
        term = next(t for t in chronicle["terms"] if t["person"] == "irina-volkova")
        term["end"] = "2030-01-01"

    run("import", str(edited_demo(tmp_path, change)))

    entry = AuditEntry.objects.get(object_type="term")
    # A term is named by its holder, body, role and start; its end is the day after.
    assert entry.object_id == "irina-volkova/council/chair/2015-06-01"
    assert (entry.before, entry.after) == ({"end": None}, {"end": "2030-01-02"})

"""Importing a Chronicle: all or nothing, idempotent, with errors that say where."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from chapterhouse.chronicle.exporter import chronicle_export
from chapterhouse.chronicle.importer import ChronicleInvalid, chronicle_import
from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import AuditEntry
from chapterhouse.meetings.models import Decision
from chapterhouse.registry.models import Body, Mandate, Person, Term
from chapterhouse.relations.models import Agreement, Award, Task

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[dict[str, int], str]:
    """Return the row count of every model and the full export: the database's state."""
    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"registry", "meetings", "relations"}
    }
    out = io.StringIO()
    chronicle_export(out)
    return counts, out.getvalue()


def load(demo_file: Path) -> dict[str, Any]:
    return json.loads(demo_file.read_text(encoding="utf-8"))


def import_data(data: Any, tmp_path: Path) -> Any:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return chronicle_import(path)


def refused(data: Any, tmp_path: Path) -> list[str]:
    """Import ``data``, expect a refusal, and return the error lines."""
    with pytest.raises(ChronicleInvalid) as caught:
        import_data(data, tmp_path)
    return [str(error) for error in caught.value.errors]


def test_it_imports_the_demo_and_applies_adopted_decisions(demo: None) -> None:
    park_head = Term.objects.get(person__slug="park-minjun", body__slug="ec-jp", role="head")
    assert park_head.decision.slug == "gc5-d1-elect"
    assert park_head.start == dt.date(2025, 5, 18)
    # The proposed co-option was not applied, the rejected rename neither.
    assert not Term.objects.filter(person__slug="joao-silva", body__slug="council").exists()
    assert Body.objects.get(slug="press-bureau").renames.count() == 1
    assert Body.objects.get(slug="cell-almaty-cons").founded_by.slug == "gc5-d2-cell"
    assert Agreement.objects.get(slug="coop-nordic-youth").status == "signed"
    assert Award.objects.get(person__slug="lark").honour.slug == "friendship-badge"
    assert Task.objects.get(slug="proceedings").decision.slug == "gc5-d1-task"


def test_it_dissolves_a_body_and_hands_its_mandate_to_every_committee_head(demo: None) -> None:
    dept = Body.objects.get(slug="dept-4")
    # Gone on the day of the decision: its last day was the day before.
    assert dept.dissolved == dt.date(2025, 5, 18)
    olga = Term.objects.get(person__slug="olga-smirnova", body=dept)
    assert olga.end == dt.date(2025, 5, 18) and olga.ended_by.slug == "gc5-d1-dissolve"
    moved = Mandate.objects.filter(slug="event-logistics", transferred_from=dept)
    assert {m.body.slug for m in moved} == {"ec-kz", "ec-ar", "ec-jp", "ec-nordic"}
    assert {m.start for m in moved} == {dt.date(2025, 5, 18)}
    assert {m.holder_role for m in moved} == {"head"}


def test_it_gives_the_end_of_a_term_from_its_length(demo: None) -> None:
    lars = Term.objects.get(person__slug="lars-eriksson", role="representative")
    assert lars.start == dt.date(2025, 5, 24)
    assert lars.end == dt.date(2026, 5, 24)


def test_a_second_import_of_the_same_file_changes_nothing(demo: None, demo_file: Path) -> None:
    before = snapshot()
    result = chronicle_import(demo_file)
    assert result.total("created") == 0
    assert result.total("updated") == 0
    assert result.total("unchanged") > 50
    assert snapshot() == before


def test_an_import_updates_what_changed(demo: None, demo_file: Path, tmp_path: Path) -> None:
    data = load(demo_file)
    data["people"][0]["name"] = "Irina S. Volkova"
    result = import_data(data, tmp_path)
    assert result.counts["people"].updated == 1
    assert Person.objects.get(slug="irina-volkova").name == "Irina S. Volkova"


def test_changing_an_adopted_decision_replays_its_effects(
    demo: None, demo_file: Path, tmp_path: Path
) -> None:
    data = load(demo_file)
    rep = next(d for d in data["decisions"] if d["id"] == "gc5-d4-rep")
    rep["effects"][0]["term_length"] = "P2Y"
    result = import_data(data, tmp_path)
    assert result.counts["decisions"].updated == 1
    lars = Term.objects.get(person__slug="lars-eriksson", role="representative")
    assert lars.end == dt.date(2027, 5, 24)


def test_it_reports_malformed_json_and_changes_nothing(demo: None, tmp_path: Path) -> None:
    before = snapshot()
    path = tmp_path / "broken.json"
    path.write_text('{"chronicle": 1, "people": [{"id": "x", "name": }', encoding="utf-8")
    with pytest.raises(ChronicleInvalid) as caught:
        chronicle_import(path)
    assert "JSON" in str(caught.value) or "json" in str(caught.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (
            lambda d: d["people"][1].__setitem__("public", "yes"),
            "people[1].public",
            "true or false",
        ),
        (lambda d: d["bodies"][2].__setitem__("nmae", "x"), "bodies[2].nmae", "unknown key"),
        (lambda d: d.__setitem__("peple", []), "peple", ""),
        (lambda d: d["terms"][0].__setitem__("body", "nowhere"), "terms[0].body", "nowhere"),
        (
            lambda d: d["terms"][0].__setitem__("start", "2023-02-30"),
            "terms[0].start",
            "2023-02-30",
        ),
        (lambda d: d["terms"][1].__setitem__("end", "2017"), "terms[1]", "2017"),
        (
            lambda d: d["decisions"][0]["effects"][0].__setitem__("person", "ghost"),
            "decisions[0].effects[0].person",
            "ghost",
        ),
        (
            lambda d: d["sessions"][0].__setitem__("hosts", ["council", "atlantis"]),
            "sessions[0].hosts[1]",
            "atlantis",
        ),
        (
            lambda d: d["bodies"][1].__setitem__("kind", "secret_society"),
            "bodies[1].kind",
            "secret_society",
        ),
    ],
    ids=[
        "wrong type",
        "unknown key",
        "unknown section",
        "unknown reference",
        "impossible date",
        "end before start",
        "unknown person in an effect",
        "unknown host",
        "undeclared kind",
    ],
)
def test_bad_input_is_refused_with_its_path_and_changes_nothing(
    demo: None, demo_file: Path, tmp_path: Path, change: Any, path: str, words: str
) -> None:
    before = snapshot()
    data = copy.deepcopy(load(demo_file))
    data["people"][0]["name"] = "Irina S. Volkova"  # a valid change that must not land
    change(data)
    errors = refused(data, tmp_path)
    assert any(error.startswith(path) and words in error for error in errors), errors
    assert snapshot() == before


def test_an_overlapping_twin_term_is_refused(demo: None, demo_file: Path, tmp_path: Path) -> None:
    before = snapshot()
    data = load(demo_file)
    data["terms"].append(
        {"person": "hans-weber", "body": "dept-1", "role": "director", "start": "2020-01-01"}
    )
    errors = refused(data, tmp_path)
    assert any(
        e.startswith(f"terms[{len(data['terms']) - 1}].start") and "overlaps" in e for e in errors
    ), errors
    assert snapshot() == before


def test_ending_a_term_nobody_holds_is_refused(demo: None, demo_file: Path, tmp_path: Path) -> None:
    before = snapshot()
    data = load(demo_file)
    data["decisions"].append(
        {
            "id": "end-nothing",
            "conference": "gc-5",
            "kind": "other",
            "status": "adopted",
            "effects": [
                {"op": "end_term", "person": "lars-eriksson", "body": "dept-2", "role": "director"}
            ],
        }
    )
    errors = refused(data, tmp_path)
    index = len(data["decisions"]) - 1
    assert any(e.startswith(f"decisions[{index}].effects[0]") and "no term" in e for e in errors), (
        errors
    )
    assert snapshot() == before


def test_several_errors_are_reported_together(demo_file: Path, tmp_path: Path) -> None:
    data = load(demo_file)
    data["terms"][0]["person"] = "ghost-1"
    data["terms"][3]["person"] = "ghost-2"
    errors = refused(data, tmp_path)
    assert any("ghost-1" in e for e in errors) and any("ghost-2" in e for e in errors)
    assert Person.objects.count() == 0


def test_a_reappointment_closes_the_open_term_on_its_start_date(
    demo_file: Path, tmp_path: Path
) -> None:
    data = load(demo_file)
    data["terms"].append(
        {
            "person": "irina-volkova",
            "body": "council",
            "role": "chair",
            "start": "2020-06-01",
            "how": "reappointed",
        }
    )
    import_data(data, tmp_path)
    first, second = Term.objects.filter(person__slug="irina-volkova", role="chair").order_by(
        "start"
    )
    assert first.end == dt.date(2020, 6, 1)  # its last day is the day before the reappointment
    assert second.start == dt.date(2020, 6, 1) and second.end is None


def test_the_import_command_prints_counts(db: None, demo_file: Path, capsys: Any) -> None:
    call_command("import", str(demo_file))
    out = capsys.readouterr().out
    assert "people" in out and "14" in out
    assert "created" in out


def test_the_import_command_fails_with_the_errors_on_stderr(
    db: None, tmp_path: Path, capsys: Any
) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"chronicle": 1, "bodies": [{"id": "Bad Id", "kind": "bureau", "name": "x"}]}')
    with pytest.raises(CommandError):
        call_command("import", str(path))
    err = capsys.readouterr().err
    assert "bodies[0].id" in err
    assert Body.objects.count() == 0


def test_the_schema_command_prints_a_json_schema(capsys: Any) -> None:
    call_command("schema")
    schema = json.loads(capsys.readouterr().out)
    assert "decisions" in json.dumps(schema)
    assert schema.get("$schema", "").startswith("http")


def test_decisions_apply_in_date_order_whatever_the_file_order(
    demo_file: Path, tmp_path: Path
) -> None:
    data = load(demo_file)
    data["decisions"].append(
        {
            "id": "later-resign",
            "conference": "gc-5",
            "date": "2025-06-01",
            "kind": "other",
            "status": "adopted",
            "effects": [
                {"op": "end_term", "person": "park-minjun", "body": "ec-jp", "role": "head"}
            ],
        }
    )
    data["decisions"].insert(0, data["decisions"].pop())
    import_data(data, tmp_path)
    head = Term.objects.get(person__slug="park-minjun", body__slug="ec-jp", role="head")
    assert head.ended_by == Decision.objects.get(slug="later-resign")
    assert head.end == dt.date(2025, 6, 1)  # no longer held from the decision's day


def test_the_top_level_extra_is_kept_and_exported(demo_file: Path, tmp_path: Path) -> None:
    data = load(demo_file)
    data["extra"] = {"source": "minutes archive", "pages": [1, 2]}
    import_data(data, tmp_path)
    out = io.StringIO()
    chronicle_export(out)
    assert json.loads(out.getvalue())["extra"] == {"source": "minutes archive", "pages": [1, 2]}


def test_a_top_level_extra_without_an_organization_is_refused(tmp_path: Path, db: None) -> None:
    errors = refused({"chronicle": 1, "extra": {"note": "x"}}, tmp_path)
    assert any(error.startswith("extra:") for error in errors), errors


def test_an_audited_import_leaves_one_entry_with_its_counts(demo_file: Path) -> None:
    at = timezone.now()
    chronicle_import(demo_file, viewer=ADMIN, via="cli", at=at)
    chronicle_import(demo_file)  # without a viewer nothing is audited
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "import",
        "chronicle",
        "demo.chronicle.json",
    )
    assert (entry.actor_label, entry.via, entry.at) == ("administrator", "cli", at)
    assert entry.after["created"] == 84 and entry.after["updated"] == 0
    assert entry.after["sections"]["people"]["created"] == 14


def test_the_import_command_is_audited_as_the_operator(demo_file: Path) -> None:
    call_command("import", str(demo_file), stdout=io.StringIO())
    call_command("import", str(demo_file), stdout=io.StringIO())
    entries = list(AuditEntry.objects.filter(action="import"))
    assert [e.object_id for e in entries] == ["demo.chronicle.json"] * 2
    assert entries[1].after["unchanged"] == 84 and entries[1].after["created"] == 0
    assert {e.via for e in entries} == {"cli"}


def test_a_refused_import_leaves_no_audit_entry(tmp_path: Path) -> None:
    with pytest.raises(ChronicleInvalid):
        import_data(
            {"chronicle": 1, "people": [{"id": "x", "name": "X", "custodian": "nowhere"}]},
            tmp_path,
        )
    path = tmp_path / "input.json"
    with pytest.raises(ChronicleInvalid):
        chronicle_import(path, viewer=ADMIN, at=timezone.now())
    assert not AuditEntry.objects.exists()

"""Popolo in and out: a real EveryPolitician file, our own export, and bad files."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from chapterhouse.chronicle.exporter import chronicle_export
from chapterhouse.chronicle.importer import ChronicleInvalid
from chapterhouse.chronicle.popolo import popolo_import
from chapterhouse.chronicle.popolo_export import popolo_export
from chapterhouse.custody.access import ADMIN, ANONYMOUS, viewer_for_scope
from chapterhouse.custody.models import AuditEntry
from chapterhouse.registry.models import Body, Person, Role, Term
from chapterhouse.registry.selectors import orgchart_as_of

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
# The real EveryPolitician file lies in the workspace's shared data, beside the checkout
# (a clean clone for CI sits beside it too); never read by the product at run time.
_SHARED = [REPO / "../shared/data", Path("/work/shared/data")]
TRANSNISTRIA = next(
    (folder / "transnistria-supreme-council.popolo.json" for folder in _SHARED if folder.is_dir()),
    _SHARED[0] / "transnistria-supreme-council.popolo.json",
)
COUNCIL = "85818632-502f-4e63-ad5e-74073936b289"
SCHEMAS = Path(__file__).resolve().parent / "popolo_schemas"
SECTION_SCHEMAS = {
    "persons": "person",
    "organizations": "organization",
    "memberships": "membership",
    "posts": "post",
    "events": "event",
    "areas": "area",
}


def registry() -> Registry:
    """Return the vendored Popolo schemas, keyed by their ids: nothing is fetched."""
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text())
        resources.append((schema["id"], Resource(contents=schema, specification=DRAFT3)))
    return Registry().with_resources(resources)


def schema_errors(document: dict[str, Any]) -> list[str]:
    """Return every way ``document`` breaks the official Popolo schemas."""
    schemas = registry()
    errors = []
    for section, name in SECTION_SCHEMAS.items():
        schema = schemas.contents(f"http://www.popoloproject.com/schemas/{name}.json#")
        validator = jsonschema.Draft3Validator(
            schema, registry=schemas, format_checker=jsonschema.Draft3Validator.FORMAT_CHECKER
        )
        for index, item in enumerate(document.get(section, [])):
            errors += [f"{section}[{index}]: {e.message}" for e in validator.iter_errors(item)]
    return errors


def export(viewer: Any = ADMIN) -> str:
    out = io.StringIO()
    popolo_export(out, viewer=viewer)
    return out.getvalue()


def members(as_of: str, body: str = COUNCIL) -> set[str]:
    chart = orgchart_as_of(as_of=dt.date.fromisoformat(as_of), viewer=ADMIN)
    return {holder.person for entry in chart.bodies if entry.id == body for holder in entry.holders}


def charts(days: list[str]) -> list[Any]:
    return [orgchart_as_of(as_of=dt.date.fromisoformat(day), viewer=ADMIN) for day in days]


def write(tmp_path: Path, data: Any, name: str = "file.popolo.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
    return path


def refused(tmp_path: Path, data: Any) -> list[str]:
    with pytest.raises(ChronicleInvalid) as caught:
        popolo_import(write(tmp_path, data))
    return [str(error) for error in caught.value.errors]


def small() -> dict[str, Any]:
    """A small invented legislature: two periods, one member in both, a party."""
    return {
        "persons": [
            {
                "id": "p1",
                "name": "Анна Петрова",
                "other_names": [{"name": "Anna Petrova", "lang": "en"}],
                "birth_date": "1970-02-03",
                "contact_details": [{"type": "email", "value": "anna@example.org"}],
                "identifiers": [{"identifier": "Q1", "scheme": "wikidata"}],
                "links": [{"url": "https://example.org/anna"}],
            },
            {
                "id": "p2",
                "name": "Boris Ivanov",
                "other_names": [{"name": "Boris Smirnov", "note": "Birth name"}],
            },
        ],
        "organizations": [
            {"id": "house", "name": "House", "classification": "legislature"},
            {"id": "party/green", "name": "Greens", "classification": "party"},
        ],
        "memberships": [
            {
                "person_id": "p1",
                "organization_id": "house",
                "role": "member",
                "legislative_period_id": "term/1",
                "on_behalf_of_id": "party/green",
            },
            {
                "person_id": "p1",
                "organization_id": "house",
                "role": "member",
                "legislative_period_id": "term/2",
            },
            {
                "person_id": "p2",
                "organization_id": "house",
                "role": "member",
                "start_date": "2021-03",
            },
        ],
        "events": [
            {
                "id": "term/1",
                "classification": "legislative period",
                "organization_id": "house",
                "start_date": "2016",
                "end_date": "2020",
            },
            {
                "id": "term/2",
                "classification": "legislative period",
                "organization_id": "house",
                "start_date": "2020-12-01",
            },
        ],
    }


# --- the real file ----------------------------------------------------------------------


def test_the_transnistrian_supreme_council_imports_with_both_convocations() -> None:
    result = popolo_import(TRANSNISTRIA)

    assert result.counts["people"].created == 71
    assert result.counts["terms"].created == 91
    source = json.loads(TRANSNISTRIA.read_text())
    fifth = {
        m["person_id"] for m in source["memberships"] if m["legislative_period_id"] == "term/5"
    }
    sixth = {
        m["person_id"] for m in source["memberships"] if m["legislative_period_id"] == "term/6"
    }
    assert members("2012-06-01") == fifth
    assert members("2018-06-01") == sixth
    # The 5th convocation ("2010"–"2015") ends where the 6th starts (2015-12-23).
    assert members("2015-12-22") == fifth
    assert members("2015-12-23") == sixth
    assert members("2009-12-31") == set()


def test_the_party_a_member_sat_for_and_the_persons_identifiers_are_kept() -> None:
    popolo_import(TRANSNISTRIA)

    person = Person.objects.get(slug="08b1ed88-e8ed-4a2b-9200-f373468a7388")
    kept = person.extra["popolo"]
    assert kept["identifiers"] == [
        {"identifier": "pasat-petr-semenovich", "scheme": "everypolitician_legacy"}
    ]
    assert kept["image"].startswith("http://vspmr.org/")
    assert kept["memberships"][0]["on_behalf_of_id"] == "party-unknown"
    assert Body.objects.get(slug="party-unknown").kind == "party"


def test_importing_the_same_file_twice_changes_nothing() -> None:
    popolo_import(TRANSNISTRIA)
    again = popolo_import(TRANSNISTRIA)

    assert again.total("created") == 0
    assert again.total("updated") == 0


def test_a_second_import_keeps_what_popolo_cannot_say(tmp_path: Path) -> None:
    path = write(tmp_path, small())
    popolo_import(path)
    Person.objects.filter(slug="p2").update(public=True, call_sign="Owl", notes="Met in May.")
    Body.objects.filter(slug="house").update(countries=["MD"], internal=True)

    again = popolo_import(path)

    assert again.total("updated") == 0
    boris = Person.objects.get(slug="p2")
    assert (boris.public, boris.call_sign, boris.notes) == (True, "Owl", "Met in May.")
    house = Body.objects.get(slug="house")
    assert (house.countries, house.internal) == (["MD"], True)


def test_our_export_is_valid_popolo_and_imports_to_the_same_org_chart(
    tmp_path: Path, django_db_blocker: Any
) -> None:
    popolo_import(TRANSNISTRIA)
    days = ["2010-06-01", "2012-06-01", "2015-12-22", "2015-12-23", "2018-06-01", "2030-01-01"]
    before = charts(days)
    first = export()
    assert export() == first  # export twice: the same bytes
    document = json.loads(first)
    assert schema_errors(document) == []
    # The check itself can fail: the schemas and their references are all there.
    assert schema_errors({"memberships": [{"person": {"birth_date": "3 Feb"}}]}) != []
    assert {m.get("on_behalf_of_id") for m in document["memberships"]} == {"party-unknown"}

    Term.objects.all().delete()
    Person.objects.all().delete()
    Body.objects.all().delete()
    popolo_import(write(tmp_path, first, "export.json"))

    assert charts(days) == before
    assert export() == first


def test_our_export_of_the_real_file_imports_again_as_a_no_op(tmp_path: Path) -> None:
    popolo_import(TRANSNISTRIA)
    before = snapshot()

    again = popolo_import(write(tmp_path, export(), "export.json"))

    assert (again.total("created"), again.total("updated")) == (0, 0)
    assert snapshot() == before


def test_the_export_for_the_public_leaves_out_people_who_are_not_public() -> None:
    popolo_import(TRANSNISTRIA)
    Person.objects.filter(slug="08b1ed88-e8ed-4a2b-9200-f373468a7388").update(public=True)

    document = json.loads(export(ANONYMOUS))

    assert [p["id"] for p in document["persons"]] == ["08b1ed88-e8ed-4a2b-9200-f373468a7388"]
    assert {m["person_id"] for m in document["memberships"]} == {
        "08b1ed88-e8ed-4a2b-9200-f373468a7388"
    }
    assert schema_errors(document) == []


# --- our own export, back into the same database -------------------------------------------


def snapshot() -> str:
    """Return the whole record as the Chronicle export writes it."""
    out = io.StringIO()
    chronicle_export(out)
    return out.getvalue()


def export_command(tmp_path: Path) -> Path:
    target = tmp_path / "ours.popolo.json"
    call_command("export", "--format", "popolo", "--output", str(target), stderr=io.StringIO())
    return target


def import_command(path: Path) -> str:
    out = io.StringIO()
    call_command("import", str(path), "--format", "popolo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_our_popolo_export_imported_into_the_same_database_changes_nothing(
    demo: None, tmp_path: Path
) -> None:
    # The demo has bodies a decision founded and terms a decision started, names in five
    # languages and terms that say how they began: Popolo says less of each.
    assert Body.objects.filter(founded_by__isnull=False).exists()
    assert Term.objects.filter(decision__isnull=False).exists()
    before = snapshot()
    path = export_command(tmp_path)

    output = import_command(path)

    assert "ours.popolo.json: 0 created, 0 updated, 46 unchanged." in output
    assert snapshot() == before
    assert list(AuditEntry.objects.values_list("object_type", flat=True)) == ["chronicle"]
    assert export_command(tmp_path).read_bytes() == path.read_bytes()
    assert "0 created, 0 updated, 46 unchanged." in import_command(path)


def test_a_popolo_file_may_not_change_a_term_a_decision_started(demo: None, tmp_path: Path) -> None:
    decided = Term.objects.filter(decision__isnull=False, end__isnull=True).select_related(
        "person", "body", "decision"
    )[0]
    path = export_command(tmp_path)
    document = json.loads(path.read_text())
    index, membership = next(
        (i, m)
        for i, m in enumerate(document["memberships"])
        if (m["person_id"], m["organization_id"], m["role"])
        == (decided.person.slug, decided.body.slug, decided.role)
    )
    membership["end_date"] = "2030-01-01"
    before = snapshot()

    errors = refused(tmp_path, document)

    assert errors == [
        f"memberships[{index}].end_date: this term was started by decision "
        f"{decided.decision.slug}: a Popolo file may repeat it as recorded but not change it "  # type: ignore[union-attr]
        "(that takes a decision), got '2030-01-01'"
    ]
    assert snapshot() == before


def test_a_popolo_file_changes_only_what_it_says_otherwise(demo: None, tmp_path: Path) -> None:
    path = export_command(tmp_path)
    document = json.loads(path.read_text())
    department = next(o for o in document["organizations"] if o["id"] == "dept-1")
    department["founding_date"] = "2004"
    path.write_text(json.dumps(document, ensure_ascii=False))
    names = Body.objects.get(slug="dept-1").name

    output = import_command(path)

    assert "0 created, 1 updated, 45 unchanged." in output
    body = Body.objects.get(slug="dept-1")
    assert body.founded == dt.date(2004, 1, 1)
    assert body.name == names  # every language kept, not the one name Popolo carried
    assert len(names) == 5


# --- a small file: personal data, names, periods --------------------------------------------


def test_birth_date_and_contact_are_personal_data_under_custody(tmp_path: Path) -> None:
    popolo_import(write(tmp_path, small()))
    Person.objects.update(public=True)

    anna = Person.objects.get(slug="p1")
    assert anna.born == dt.date(1970, 2, 3)
    assert anna.contact["email"] == "anna@example.org"
    assert [(n.name, n.lang) for n in anna.names.all()] == [("Anna Petrova", "en")]
    full = json.loads(export())["persons"][0]
    public = json.loads(export(ANONYMOUS))["persons"][0]
    scoped = json.loads(export(viewer_for_scope("house")))["persons"][0]
    assert full["birth_date"] == "1970-02-03"
    assert full["contact_details"] == [{"type": "email", "value": "anna@example.org"}]
    for restricted in (public, scoped):  # the custodian is nobody: administrators only
        assert "birth_date" not in restricted
        assert "contact_details" not in restricted
        assert restricted["identifiers"] == [{"identifier": "Q1", "scheme": "wikidata"}]
        assert restricted["other_names"] == [{"name": "Anna Petrova", "lang": "en"}]


def test_a_member_of_two_periods_holds_one_seat_at_a_time(tmp_path: Path) -> None:
    popolo_import(write(tmp_path, small()))

    assert members("2019-06-01", "house") == {"p1"}
    assert members("2020-11-30", "house") == {"p1"}
    assert members("2021-06-01", "house") == {"p1", "p2"}
    terms = Term.objects.filter(person__slug="p1").order_by("start")
    assert [(t.start, t.end) for t in terms] == [
        (dt.date(2016, 1, 1), dt.date(2020, 12, 1)),
        (dt.date(2020, 12, 1), None),
    ]


def test_an_internal_body_is_left_out_of_the_public_export_with_its_memberships(
    tmp_path: Path,
) -> None:
    popolo_import(write(tmp_path, small()))
    Person.objects.update(public=True)
    Body.objects.filter(slug="house").update(internal=True)

    document = json.loads(export(ANONYMOUS))

    assert [o["id"] for o in document["organizations"]] == ["party-green"]
    assert document["memberships"] == []
    assert [e["id"] for e in document["events"]] == []
    assert {p["id"] for p in document["persons"]} == {"p1", "p2"}


def test_a_birth_name_keeps_its_kind_and_its_note(tmp_path: Path) -> None:
    popolo_import(write(tmp_path, small()))

    boris = Person.objects.get(slug="p2")
    assert [(n.name, n.kind) for n in boris.names.all()] == [("Boris Smirnov", "birth")]
    exported = json.loads(export())["persons"][1]
    assert exported["other_names"] == [{"name": "Boris Smirnov", "note": "Birth name"}]


def test_a_post_becomes_a_role_and_comes_back_as_the_post(tmp_path: Path) -> None:
    data = small()
    data["posts"] = [
        {"id": "post/speaker", "label": "Speaker", "role": "chair", "organization_id": "house"}
    ]
    data["memberships"][2]["post_id"] = "post/speaker"
    popolo_import(write(tmp_path, data))

    term = Term.objects.get(person__slug="p2")
    assert term.role == "post-speaker"
    assert Role.objects.get(slug="post-speaker").name == "Speaker"
    document = json.loads(export())
    assert document["posts"] == [
        {"id": "post-speaker", "label": "Speaker", "role": "chair", "organization_id": "house"}
    ]
    membership = next(m for m in document["memberships"] if m["person_id"] == "p2")
    assert (membership["post_id"], membership["role"]) == ("post-speaker", "chair")
    assert schema_errors(document) == []


def test_the_import_command_reads_popolo_and_the_audit_trail_names_the_file(
    tmp_path: Path,
) -> None:
    out = io.StringIO()
    path = write(tmp_path, small())
    call_command("import", str(path), "--format", "popolo", stdout=out)

    entry = AuditEntry.objects.get(object_type="chronicle")
    assert entry.after is not None
    assert entry.after["file"] == "file.popolo.json"
    assert entry.after["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "file.popolo.json: 10 created, 0 updated, 0 unchanged." in out.getvalue()
    target = tmp_path / "out.json"
    call_command("export", "--format", "popolo", "--output", str(target), stderr=io.StringIO())
    assert {p["id"] for p in json.loads(target.read_text())["persons"]} == {"p1", "p2"}


def with_society(**membership: Any) -> dict[str, Any]:
    """Return the small file with a society that joined the house as a whole."""
    data = small()
    data["organizations"].append(
        {"id": "soc/1", "name": "Society", "classification": "society", "founding_date": "2001"}
    )
    data["memberships"].append(
        {"member_id": "soc/1", "organization_id": "house", "id": "m/soc", **membership}
    )
    return data


def test_an_organization_that_joined_another_as_a_whole_becomes_its_affiliated_body(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, with_society(start_date="2001", role="member"))
    popolo_import(path)

    society = Body.objects.select_related("parent").get(slug="soc-1")
    assert (society.parent.slug, society.affiliated) == ("house", True)  # type: ignore[union-attr]
    document = json.loads(export())
    assert document["memberships"][-1] == {
        "member_id": "soc-1",
        "organization_id": "house",
        "id": "m/soc",
        "start_date": "2001",
        "role": "member",
    }
    assert schema_errors(document) == []
    again = popolo_import(write(tmp_path, document, "export.json"))
    assert (again.total("created"), again.total("updated")) == (0, 0)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            {"start_date": "2005"},
            "memberships[3].start_date: the organization joined after it was founded "
            "(founding_date 2001); a body's parent has no dates of its own, so it would be "
            "shown a member from its founding, got '2005'",
        ),
        (
            {"end_date": "2010"},
            "memberships[3].end_date: the organization left before it was dissolved "
            "(dissolution_date none); a body's parent has no dates of its own, so it would be "
            "shown a member until its dissolution, got '2010'",
        ),
        (
            {"role": "chair"},
            "memberships[3].role: an organization can only be a plain member of another "
            "(a body holds no post), got 'chair'",
        ),
        (
            {"member_id": "nobody"},
            "memberships[3].member_id: no person nor organization with this id, got 'nobody'",
        ),
        (
            {"organization_id": "party/green"},
            "memberships[3].organization_id: the member organization's parent_id is 'house': "
            "a body has one parent, got 'party/green'",
        ),
    ],
)
def test_an_organizations_membership_the_registry_cannot_hold_is_refused_at_its_path(
    tmp_path: Path, change: dict[str, str], error: str
) -> None:
    data = with_society(**change)
    if "organization_id" in change:
        data["organizations"][2]["parent_id"] = "house"

    assert refused(tmp_path, data) == [error]
    assert nothing_imported()


def test_votes_motions_and_speeches_are_left_out_and_the_import_says_so(
    tmp_path: Path,
) -> None:
    data = small()
    data["motions"] = [{"id": "motion/1", "text": "That the house adjourn"}]
    data["vote_events"] = [
        {
            "id": f"vote/{n}",
            "motion_id": "motion/1",
            "organization_id": "house",
            "result": "pass",
            "votes": [{"voter_id": "p1", "option": "yes"}],
        }
        for n in range(3)
    ]
    out = io.StringIO()

    call_command("import", str(write(tmp_path, data)), "--format", "popolo", stdout=out)

    lines = out.getvalue().splitlines()
    assert "file.popolo.json: 10 created, 0 updated, 0 unchanged." in lines[-3]
    assert lines[-2].startswith("Not imported: motions: 1 not imported (a motion is what")
    assert lines[-1].startswith("Not imported: vote_events: 3 not imported (a vote event is")
    entry = AuditEntry.objects.get(object_type="chronicle")
    assert entry.after is not None
    assert entry.after["not_imported"] == {"motions": 1, "vote_events": 3}
    assert Term.objects.count() == 3


def test_a_vote_events_key_that_is_not_an_array_is_refused(tmp_path: Path) -> None:
    data = small()
    data["vote_events"] = {"id": "vote/1"}

    assert refused(tmp_path, data) == ["vote_events: expected an array, not an object"]
    assert nothing_imported()


def test_a_file_from_standard_input_imports_like_one_on_disk(tmp_path: Path) -> None:
    data = small()
    data["memberships"][2]["person_id"] = "nobody"
    with pytest.raises(ChronicleInvalid) as caught:
        popolo_import(io.BytesIO(json.dumps(data).encode()))
    assert [str(e) for e in caught.value.errors] == [
        "memberships[2].person_id: no person with this id, got 'nobody'"
    ]

    result = popolo_import(io.BytesIO(json.dumps(small()).encode()))

    assert result.counts["terms"].created == 3
    assert members("2021-06-01", "house") == {"p1", "p2"}


def test_a_member_id_naming_a_person_is_that_persons_membership(tmp_path: Path) -> None:
    data = small()
    data["memberships"][2]["member_id"] = data["memberships"][2].pop("person_id")

    popolo_import(write(tmp_path, data))

    assert members("2021-06-01", "house") == {"p1", "p2"}


# --- bad files ---------------------------------------------------------------------------


def nothing_imported() -> bool:
    return not (Person.objects.exists() or Body.objects.exists() or Term.objects.exists())


def test_a_membership_of_a_missing_person_is_refused_at_its_path(tmp_path: Path) -> None:
    data = small()
    data["memberships"][2]["person_id"] = "nobody"

    assert refused(tmp_path, data) == [
        "memberships[2].person_id: no person with this id, got 'nobody'"
    ]
    assert nothing_imported()


def test_a_membership_of_a_missing_organization_is_refused_at_its_path(tmp_path: Path) -> None:
    data = small()
    data["memberships"][0]["organization_id"] = "party/none"

    assert refused(tmp_path, data) == [
        "memberships[0].organization_id: no body with this id, got 'party/none'"
    ]
    assert nothing_imported()


def test_a_legislative_period_without_dates_is_refused(tmp_path: Path) -> None:
    data = small()
    del data["events"][1]["start_date"]

    errors = refused(tmp_path, data)

    assert errors == [
        "events[1].start_date: required key is missing: a legislative period needs a "
        "start_date (its memberships take their dates from it)"
    ]
    data["events"][1]["start_date"] = None
    assert refused(tmp_path, data) == errors
    data["memberships"][2]["start_date"] = None
    assert refused(tmp_path, data) == [
        *errors,
        "memberships[2].start_date: required key is missing: a membership needs a start_date"
        " or a legislative_period_id whose event has one",
    ]
    assert nothing_imported()


def test_a_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    errors = refused(tmp_path, '{"persons": [')

    assert errors == [
        "persons: malformed JSON at line 1, column 14 (byte 13): "
        "the file ends in the middle of the JSON"
    ]
    assert refused(tmp_path, "[1, 2]")[0].startswith("(top level): expected a JSON object")
    assert nothing_imported()


def test_wrong_types_are_refused_with_their_paths(tmp_path: Path) -> None:
    data = small()
    data["persons"][1]["name"] = 7
    data["memberships"][0]["start_date"] = "2016-13"
    data["organizations"] = {"id": "house"}

    errors = refused(tmp_path, data)

    assert "organizations: expected an array, not an object" in errors
    data["organizations"] = small()["organizations"]
    errors = refused(tmp_path, data)
    assert "persons[1].name: expected a string, got 7" in errors
    assert any(e.startswith("memberships[0].start_date: ") for e in errors)
    assert nothing_imported()


def test_an_error_the_chronicle_importer_finds_points_into_the_popolo_file(
    tmp_path: Path,
) -> None:
    data = small()
    data["persons"][0]["other_names"][0]["lang"] = "not a language"

    errors = refused(tmp_path, data)

    assert len(errors) == 1
    assert errors[0].startswith("persons[0].other_names[0].lang: ")
    assert nothing_imported()


def test_a_date_taken_from_the_legislative_period_is_blamed_on_the_period(
    tmp_path: Path,
) -> None:
    data = small()
    data["organizations"][0]["founding_date"] = "2018"
    del data["memberships"][1:]

    errors = refused(tmp_path, data)

    assert len(errors) == 1
    assert errors[0].startswith("events[0].start_date: body house does not exist then")
    assert nothing_imported()


def test_the_command_says_where_and_imports_nothing(tmp_path: Path) -> None:
    data = small()
    data["memberships"][1]["legislative_period_id"] = "term/9"
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", str(write(tmp_path, data)), "--format", "popolo", stderr=err)

    assert "memberships[1].legislative_period_id" in err.getvalue()
    assert nothing_imported()


# --- any file of the shape: round trip ------------------------------------------------------


class Rollback(Exception):
    """Raised to undo one example's writes."""


@st.composite
def popolo_files(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a Popolo file: people, one legislature, periods, memberships in them or dated."""
    n_people = draw(st.integers(1, 5))
    persons = [
        {
            "id": f"P/{i}",
            "name": draw(st.sampled_from(["Анна", "Kim Yun-deok", "Sjögren", "张伟"])) + f" {i}",
        }
        for i in range(n_people)
    ]
    starts = sorted(draw(st.sets(st.integers(2000, 2030), min_size=1, max_size=3)))
    events = [
        {
            "id": f"term/{n}",
            "classification": "legislative period",
            "organization_id": "House",
            "start_date": str(year),
            **({"end_date": str(year + 4)} if draw(st.booleans()) else {}),
        }
        for n, year in enumerate(starts)
    ]
    memberships = []
    for i in range(n_people):
        for event in draw(st.lists(st.sampled_from(events), unique_by=lambda e: e["id"])):
            memberships.append(
                {
                    "person_id": f"P/{i}",
                    "organization_id": "House",
                    "role": draw(st.sampled_from(["member", "Deputy Chair"])),
                    "legislative_period_id": event["id"],
                }
            )
    return {
        "persons": persons,
        "organizations": [{"id": "House", "name": "House", "classification": "legislature"}],
        "memberships": memberships,
        "events": events,
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=popolo_files())
def test_any_file_imports_exports_and_imports_to_the_same_org_chart(
    data: dict[str, Any], tmp_path: Path
) -> None:
    days = [f"{year}-06-01" for year in range(1999, 2036)]
    results: list[tuple[list[Any], str]] = []
    for text in [json.dumps(data, ensure_ascii=False), None]:
        try:
            with transaction.atomic():
                popolo_import(write(tmp_path, text if text is not None else results[0][1]))
                results.append((charts(days), export()))
                raise Rollback
        except Rollback:
            pass
    (first_charts, first_export), (second_charts, second_export) = results
    assert second_charts == first_charts
    assert second_export == first_export

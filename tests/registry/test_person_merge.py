"""Merging two records of one person, and undoing it (docs/decisions/0032): on the command
line, through the service, and through the Chronicle importer that resolves the old id."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import AuditEntry
from chapterhouse.meetings.models import Attendance, Decision, Document, Session
from chapterhouse.newsroom.models import Article
from chapterhouse.registry.merges import person_merge
from chapterhouse.registry.models import Body, Person, PersonAlias, PersonName, Term
from chapterhouse.registry.person_name_keys import person_name_keys_refresh
from chapterhouse.registry.services import person_create, person_update
from chapterhouse.relations.models import Affiliation, Award, Honour, Partner, Task, TaskAssignee

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)


def run(*args: str) -> str:
    out = StringIO()
    call_command("people", *args, stdout=out)
    return out.getvalue()


def twin_of_timur(**more: Any) -> Person:
    """Record Timur Akhmetov a second time (in Cyrillic), with a record of his own."""
    twin = Person.objects.create(
        slug="timur-2",
        name="Тимур Ахметов",
        custodian=Body.objects.get(slug="ec-kz"),
        born=dt.date(1996, 1, 1),
        **more,
    )
    PersonName.objects.create(person=twin, name="Timur Akhmetov", lang="en")
    person_name_keys_refresh(person_ids=[twin.pk])  # the fixture writes rows directly
    Term.objects.create(
        person=twin,
        body=Body.objects.get(slug="ec-kz"),
        role="member",
        start=dt.date(2019, 1, 1),
        end=dt.date(2020, 1, 1),
    )
    Attendance.objects.create(session=Session.objects.first(), person=twin, role="guest")
    Affiliation.objects.create(person=twin, partner=Partner.objects.first())
    Award.objects.create(
        person=twin,
        honour=Honour.objects.first(),
        date=dt.date(2023, 1, 1),
        decision=Decision.objects.first(),
    )
    TaskAssignee.objects.create(task=Task.objects.first(), person=twin)
    Article.objects.first().about_people.add(twin)  # type: ignore[union-attr]
    return twin


def test_a_merge_moves_everything_to_the_kept_person_and_keeps_the_old_id(demo):
    twin = twin_of_timur()
    timur = Person.objects.get(slug="timur-akhmetov")
    twin_pk = twin.pk

    out = run("merge", "timur-akhmetov", "timur-2")

    assert "timur-2" in out
    assert not Person.objects.filter(slug="timur-2").exists()
    assert Term.objects.filter(person=timur, role="member", start=dt.date(2019, 1, 1)).exists()
    assert Attendance.objects.filter(person=timur, role="guest").exists()
    assert Affiliation.objects.filter(person=timur).exists()
    assert Award.objects.filter(person=timur, date=dt.date(2023, 1, 1)).exists()
    assert TaskAssignee.objects.filter(person=timur).exists()
    assert Article.objects.first().about_people.filter(pk=timur.pk).exists()  # type: ignore[union-attr]
    assert set(timur.names.values_list("name", flat=True)) >= {"Тимур Ахметов"}
    alias = PersonAlias.objects.get(slug="timur-2")
    assert alias.person == timur
    entry = AuditEntry.objects.get(action="merge")
    assert (entry.object_id, entry.after) == ("timur-akhmetov", {"merged": "timur-2"})
    assert not Person.objects.filter(pk=twin_pk).exists()


def test_unmerge_puts_everything_back(demo):
    twin = twin_of_timur()
    before = {
        "terms": set(Term.objects.filter(person=twin).values_list("pk", flat=True)),
        "names": set(twin.names.values_list("name", flat=True)),
    }
    timur_names = set(
        Person.objects.get(slug="timur-akhmetov").names.values_list("name", flat=True)
    )
    run("merge", "timur-akhmetov", "timur-2")

    out = run("unmerge", "timur-2")

    assert "timur-2" in out
    back = Person.objects.get(slug="timur-2")
    assert back.pk == twin.pk and back.name == "Тимур Ахметов" and back.born == dt.date(1996, 1, 1)
    assert set(Term.objects.filter(person=back).values_list("pk", flat=True)) == before["terms"]
    assert set(back.names.values_list("name", flat=True)) == before["names"]
    assert (
        set(Person.objects.get(slug="timur-akhmetov").names.values_list("name", flat=True))
        == timur_names
    )
    assert Award.objects.filter(person=back).exists()
    assert Article.objects.first().about_people.filter(pk=back.pk).exists()  # type: ignore[union-attr]
    assert not PersonAlias.objects.exists()
    assert AuditEntry.objects.filter(action="unmerge", object_id="timur-akhmetov").exists()


def test_a_merge_that_would_overlap_two_terms_is_refused_naming_them(demo):
    twin = twin_of_timur()
    Term.objects.create(
        person=twin,
        body=Body.objects.get(slug="ec-kz"),
        role="ideological_secretary",
        start=dt.date(2023, 1, 1),
    )

    with pytest.raises(CommandError, match="overlapping terms") as refused:
        run("merge", "timur-akhmetov", "timur-2")

    assert "2023-01-01" in str(refused.value) and "2022-03-01" in str(refused.value)
    assert Person.objects.filter(slug="timur-2").exists()
    assert not PersonAlias.objects.exists()
    assert not AuditEntry.objects.filter(action="merge").exists()


def test_an_officer_of_only_one_of_the_two_may_not_merge_them(personas):
    twin = twin_of_timur()
    twin.custodian = Body.objects.get(slug="rc-pt")
    twin.public = True
    twin.save()

    with pytest.raises(CommandError, match="edit both"):
        run("merge", "timur-akhmetov", "timur-2", "--as", "bob@chapterhouse.test")

    assert Person.objects.filter(slug="timur-2").exists()
    # alice, an officer of the council above both, may.
    run("merge", "timur-akhmetov", "timur-2", "--as", "alice@chapterhouse.test")
    assert PersonAlias.objects.filter(slug="timur-2").exists()


def test_someone_who_may_not_see_a_person_is_told_there_is_no_such_person(personas):
    twin_of_timur()

    with pytest.raises(CommandError, match="no person with id 'timur-2'"):
        run("merge", "timur-akhmetov", "timur-2", "--as", "mia@chapterhouse.test")


def test_the_service_refuses_a_merge_into_oneself_and_a_member_without_rights(personas):
    timur = Person.objects.get(slug="timur-akhmetov")
    with pytest.raises(ValidationError):
        person_merge(viewer=ADMIN, via="cli", at=AT, keep=timur, other=timur)
    from django.contrib.auth.models import User

    from chapterhouse.custody.access import viewer_for_user

    mia = viewer_for_user(
        User.objects.get(username="mia@chapterhouse.test"), on=dt.date(2026, 1, 1)
    )
    with pytest.raises(PermissionDenied):
        person_merge(viewer=mia, via="cli", at=AT, keep=timur, other=twin_of_timur())


def test_a_later_edit_of_the_kept_person_stops_the_unmerge(demo):
    twin_of_timur()
    run("merge", "timur-akhmetov", "timur-2")
    timur = Person.objects.get(slug="timur-akhmetov")
    person_update(viewer=ADMIN, via="cli", at=timezone.now(), person=timur, changes={"notes": "x"})

    with pytest.raises(CommandError, match="newer changes build on it"):
        run("unmerge", "timur-2")

    assert PersonAlias.objects.filter(slug="timur-2").exists()
    assert not Person.objects.filter(slug="timur-2").exists()


def test_a_moved_term_ended_after_the_merge_stops_the_unmerge(demo):
    twin = twin_of_timur()
    open_term = Term.objects.create(
        person=twin, body=Body.objects.get(slug="ec-kz"), role="member", start=dt.date(2021, 1, 1)
    )
    run("merge", "timur-akhmetov", "timur-2")
    Term.objects.filter(pk=open_term.pk).update(end=dt.date(2025, 1, 1))

    with pytest.raises(CommandError, match="moved term was ended"):
        run("unmerge", "timur-2")


def test_a_merge_renames_decisions_and_documents_that_named_the_merged_id(demo):
    twin_of_timur()
    decision = Decision.objects.first()
    assert decision is not None
    Decision.objects.filter(pk=decision.pk).update(
        effects=[{"type": "appoint", "person": "timur-2", "body": "ec-kz", "role": "member"}]
    )
    document = Document.objects.first()
    assert document is not None
    Document.objects.filter(pk=document.pk).update(signatories=["timur-2"])

    run("merge", "timur-akhmetov", "timur-2")

    decision.refresh_from_db()
    document.refresh_from_db()
    assert decision.effects[0]["person"] == "timur-akhmetov"
    assert document.signatories == ["timur-akhmetov"]
    run("unmerge", "timur-2")
    decision.refresh_from_db()
    document.refresh_from_db()
    assert decision.effects[0]["person"] == "timur-2"
    assert document.signatories == ["timur-2"]


def test_the_id_of_a_merged_person_is_not_given_to_a_new_one(demo):
    twin_of_timur()
    run("merge", "timur-akhmetov", "timur-2")

    with pytest.raises(ValidationError, match="already exists"):
        person_create(
            viewer=ADMIN,
            via="cli",
            at=AT,
            values={"id": "timur-2", "name": "Someone Else", "custodian": "ec-kz"},
        )


def test_duplicates_lists_a_person_recorded_twice_in_two_scripts(demo):
    twin_of_timur()

    rows = json.loads(run("duplicates", "--format", "json"))

    pair = next(
        row
        for row in rows
        if {row["first"]["id"], row["second"]["id"]} == {"timur-akhmetov", "timur-2"}
    )
    assert pair["score"] >= 95
    # 1996 (a year) is not the day 1996-01-01.
    assert pair["reason"].startswith("a matching name in another script")
    Person.objects.filter(slug="timur-2").update(born_precision="year")
    again = json.loads(run("duplicates", "--format", "json"))
    assert any(row["reason"].startswith("same birth date and a matching name") for row in again)
    assert "timur-2" in run("duplicates", "--body", "ec-kz")
    assert "timur-2" not in run("duplicates", "--body", "rc-pt")


def test_duplicates_list_a_misspelt_name_recorded_again(demo):
    person_create(
        viewer=ADMIN,
        via="cli",
        at=AT,
        values={"id": "aigerim-2", "name": "Aigerm Bekova", "custodian": "ec-kz"},
    )

    rows = json.loads(run("duplicates", "--format", "json"))

    pair = next(row for row in rows if row["second"]["id"] == "aigerim-2")
    assert pair["first"]["id"] == "aigerim-bekova"
    assert 85 <= pair["score"] < 100
    assert pair["reason"].startswith("similar names")


def test_an_id_alike_a_name_is_not_a_duplicate(demo):
    person_create(
        viewer=ADMIN,
        via="cli",
        at=AT,
        values={"id": "aigerim-bekova-2", "name": "Nadia Quill", "custodian": "ec-kz"},
    )

    assert "aigerim-bekova-2" not in run("duplicates")


def test_duplicates_show_a_call_signed_person_only_by_the_call_sign_to_outsiders(personas):
    lark_twin = Person.objects.create(
        slug="ana-2", name="Ana Costa", custodian=Body.objects.get(slug="rc-pt"), public=True
    )
    person_name_keys_refresh(person_ids=[lark_twin.pk])  # the fixture writes rows directly
    Person.objects.filter(slug="lark").update(public=True)

    as_bob = run("duplicates", "--as", "bob@chapterhouse.test")
    as_admin = run("duplicates")

    assert "ana-2" in as_admin and "lark" in as_admin
    # bob may not read the real name behind "Lark": the pair is not his to see.
    assert "lark" not in as_bob and lark_twin.slug not in as_bob


def test_an_import_that_names_a_merged_person_resolves_to_the_kept_one(demo, tmp_path):
    from chapterhouse.chronicle.importer import chronicle_import
    from tests.conftest import DEMO_FILE

    twin_of_timur()
    run("merge", "timur-akhmetov", "timur-2")
    data = json.loads(DEMO_FILE.read_text())
    data["people"].append({"id": "timur-2", "name": "Тимур Ахметов", "custodian": "ec-kz"})
    data["terms"].append(
        {
            "person": "timur-2",
            "body": "ec-kz",
            "role": "member",
            "start": "2015-01-01",
            "end": "2016-01-01",
        }
    )
    path = tmp_path / "again.chronicle.json"
    path.write_text(json.dumps(data, ensure_ascii=False))

    chronicle_import(path)

    assert not Person.objects.filter(slug="timur-2").exists()
    assert Term.objects.filter(
        person__slug="timur-akhmetov", role="member", start=dt.date(2015, 1, 1)
    ).exists()


def test_erasing_the_kept_person_erases_the_merged_record_kept_for_undo(demo):
    from chapterhouse.custody.services import person_erase

    twin_of_timur(notes="met at the 2019 congress", contact={"phone": "+7 700 000 00 00"})
    run("merge", "timur-akhmetov", "timur-2")

    person_erase(viewer=ADMIN, via="cli", person=Person.objects.get(slug="timur-akhmetov"), at=AT)

    kept = json.dumps(PersonAlias.objects.get(slug="timur-2").merged, ensure_ascii=False)
    assert "Тимур" not in kept and "2019 congress" not in kept and "+7 700" not in kept
    with pytest.raises(CommandError, match="newer changes build on it"):
        run("unmerge", "timur-2")


def test_the_search_follows_a_merge_and_its_undoing(demo):
    from chapterhouse.registry.search import search_people

    twin = twin_of_timur()
    PersonName.objects.create(person=twin, name="Temirkhan Akhmetuly", lang="kk")
    person_name_keys_refresh(person_ids=[twin.pk])  # the fixture writes rows directly

    def found(query: str) -> list[str]:
        return [match.person.slug for match in search_people(query, viewer=ADMIN, limit=3)]

    assert found("Temirkhan Akhmetuly")[0] == "timur-2"
    run("merge", "timur-akhmetov", "timur-2")
    assert found("Temirkhan Akhmetuly")[0] == "timur-akhmetov"
    run("unmerge", "timur-2")
    assert found("Temirkhan Akhmetuly")[0] == "timur-2"

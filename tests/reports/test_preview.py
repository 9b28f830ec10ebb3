"""See before you adopt: the preview applies a decision and rolls everything back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import AuditEntry
from chapterhouse.meetings.models import Decision, EffectLog
from chapterhouse.registry.models import Body, BodyName, Mandate, Term
from chapterhouse.relations.models import Task
from chapterhouse.reports.preview import decision_preview

pytestmark = pytest.mark.django_db

AT = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def mandate_name(slug: str) -> str:
    """Return what the organization calls a mandate in English (its id until it names it):
    the only source of mandate names is registry.mandates.mandate_names."""
    from chapterhouse.core.text import text_in
    from chapterhouse.registry.mandates import mandate_names

    return text_in(mandate_names([slug])[slug], "en")


def state() -> tuple[int, ...]:
    models = (Decision, Term, Body, BodyName, Mandate, Task, EffectLog, AuditEntry)
    return (
        *(model.objects.count() for model in models),
        Term.objects.filter(end__isnull=True).count(),
        Body.objects.filter(dissolved__isnull=True).count(),
    )


def new_decision(*effects: dict) -> dict:
    return {"session": "gc5-d1", "kind": "election", "effects": list(effects)}


def test_the_preview_words_the_change_with_names_and_leaves_the_record_as_it_was(demo):
    before = state()

    preview = decision_preview(
        viewer=ADMIN,
        at=AT,
        lang="en",
        values=new_decision(
            {"op": "start_term", "person": "hans-weber", "body": "ec-kz", "role": "head"},
            {"op": "end_term", "person": "aigerim-bekova", "body": "ec-kz", "role": "head"},
        ),
    )

    lines = [line for _title, section in preview.changes.sections for line in section]
    assert any("Hans Weber" in line and "Head" in line for line in lines)
    assert any("Aigerim Bekova" in line for line in lines)
    assert not any("hans-weber" in line for line in lines)
    assert preview.date == dt.date(2025, 5, 18)
    assert state() == before
    assert not connection.in_atomic_block or connection.needs_rollback is False


def test_the_preview_draws_the_affected_bodies_before_and_after(demo):
    preview = decision_preview(
        viewer=ADMIN,
        at=AT,
        lang="en",
        values=new_decision(
            {"op": "start_term", "person": "hans-weber", "body": "ec-kz", "role": "head"},
            {"op": "end_term", "person": "aigerim-bekova", "body": "ec-kz", "role": "head"},
        ),
    )

    before = {node.id: node for node in preview.before}
    after = {node.id: node for node in preview.after}
    assert set(before) == set(after) == {"council", "ec-kz"}
    assert not before["council"].touched and before["ec-kz"].touched
    assert [(h.name, h.changed) for h in before["ec-kz"].holders if h.post == "Head"] == [
        ("Aigerim Bekova", True)
    ]
    assert [(h.name, h.changed) for h in after["ec-kz"].holders if h.post == "Head"] == [
        ("Hans Weber", True)
    ]


# The post's own wording as the demo records it (the title picks out the term).
TIMURS_TITLE = {
    "en": "2nd Secretary for Ideas",
    "ru": "Второй секретарь по идеологии",
    "de": "Zweiter Sekretär für Ideen",
    "zh": "第二思想工作书记",
    "ko": "사상 담당 제2비서",
}


def test_the_preview_warns_of_an_ended_term_a_second_holder_and_a_mandate_with_no_holder(demo):
    preview = decision_preview(
        viewer=ADMIN,
        at=AT,
        lang="en",
        values=new_decision(
            {"op": "start_term", "person": "hans-weber", "body": "ec-kz", "role": "head"},
            {
                "op": "end_term",
                "person": "timur-akhmetov",
                "body": "ec-kz",
                "role": "ideological_secretary",
                "title": TIMURS_TITLE,
            },
            {"op": "dissolve_body", "body": "press-bureau"},
            {"op": "dissolve_body", "body": "dept-3"},
        ),
    )

    warnings = " | ".join(preview.warnings)
    assert "It ends the term of Timur Akhmetov as 2nd Secretary for Ideas" in warnings
    assert "Hans Weber and Aigerim Bekova would both hold Head" in warnings
    assert (
        f"The mandate “{mandate_name('publications')}”" in warnings
        and "passes to no one" in warnings
    )


def test_a_hand_over_to_the_holders_of_a_vacant_role_is_warned_of(demo):
    preview = decision_preview(
        viewer=ADMIN,
        at=AT,
        lang="en",
        values=new_decision(
            {"op": "dissolve_body", "body": "press-bureau"},
            {
                "op": "dissolve_body",
                "body": "dept-3",
                "transfer": [
                    {"mandate": "publications", "to": ["dept-1"], "holder_role": "secretary"}
                ],
            },
        ),
    )

    assert any("has no Secretary" in warning for warning in preview.warnings)


def test_a_preview_that_cannot_be_adopted_says_why_and_changes_nothing(demo):
    before = state()

    with pytest.raises(ValidationError) as refused:
        decision_preview(
            viewer=ADMIN,
            at=AT,
            lang="en",
            values=new_decision(
                {"op": "start_term", "person": "aigerim-bekova", "body": "ec-kz", "role": "head"}
            ),
        )

    assert "effects[0].start" in refused.value.message_dict
    assert state() == before


def test_a_recorded_decision_is_previewed_as_adopting_it_would_change_the_record(demo):
    decision = Decision.objects.get(slug="gc5-d3-nominate")
    before = state()

    preview = decision_preview(viewer=ADMIN, at=AT, lang="en", decision=decision)

    assert any("João Silva" in line for _t, lines in preview.changes.sections for line in lines)
    assert state() == before
    decision.refresh_from_db()
    assert decision.status == "proposed"


def test_an_adopted_decision_is_previewed_as_adopting_it_anew(demo):
    decision = Decision.objects.get(slug="gc5-d1-elect")
    before = state()

    preview = decision_preview(viewer=ADMIN, at=AT, lang="en", decision=decision)

    lines = [line for _t, section in preview.changes.sections for line in section]
    assert lines, preview
    assert any("Park" in line for line in lines)
    assert state() == before
    assert Decision.objects.get(slug="gc5-d1-elect").status == "adopted"


def test_the_preview_names_the_awards_instructions_and_signatures_it_would_record(demo):
    before = state()

    preview = decision_preview(
        viewer=ADMIN,
        at=AT,
        lang="en",
        values=new_decision(
            {"op": "award", "person": "park-minjun", "honour": "friendship-badge"},
            {
                "op": "assign_task",
                "task": {
                    "id": "report-on-clubs",
                    "title": {"en": "Report on the clubs"},
                    "assignees": [{"body": "ec-kz"}, {"body": "ec-jp"}],
                    "due": "2025-12-01",
                    "status": "open",
                },
            },
            {"op": "sign_agreement", "agreement": "coop-teachers"},
        ),
    )

    assert preview.records[0].startswith("Awards ")
    assert "Park Min-jun" in preview.records[0]
    assert "Kazakh" in preview.records[1] and "Japan" in preview.records[1]
    assert "Report on the clubs" in preview.records[1] and "December 1, 2025" in preview.records[1]
    assert preview.records[2].startswith("Signs ")
    assert not preview.changes_nothing
    assert state() == before


def test_the_preview_names_people_in_the_readers_script(demo):
    values = new_decision(
        {
            "op": "end_term",
            "person": "timur-akhmetov",
            "body": "ec-kz",
            "role": "ideological_secretary",
            "title": TIMURS_TITLE,
        },
        {"op": "start_term", "person": "hans-weber", "body": "ec-kz", "role": "head"},
    )

    russian = " | ".join(decision_preview(viewer=ADMIN, at=AT, lang="ru", values=values).warnings)
    korean = " | ".join(decision_preview(viewer=ADMIN, at=AT, lang="ko", values=values).warnings)

    assert "Тимур Ахметов" in russian and "Timur Akhmetov" not in russian
    assert "티무르 아흐메토프" in korean

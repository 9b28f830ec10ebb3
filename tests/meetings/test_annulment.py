"""Adopting a decision applies its effects; annulling it puts the record back as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chapterhouse.core.errors import RecordError
from chapterhouse.custody.access import ADMIN
from chapterhouse.meetings.models import Decision, EffectLog
from chapterhouse.meetings.services import decision_adopt, decision_annul
from chapterhouse.registry.models import Body, BodyName, Mandate, Person, Term
from chapterhouse.registry.selectors import body_name_as_of, orgchart_as_of
from chapterhouse.registry.services import body_create, term_start
from chapterhouse.relations.models import Agreement, Award, Honour, Task, TaskAssignee

D = dt.date
CONFERENCE_DAY = D(2025, 5, 18)
RECORD_MODELS = [Body, BodyName, Mandate, Term, Award, Task, TaskAssignee, Agreement]

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Return every row the effects can touch, to compare the record before and after."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in RECORD_MODELS
    }


@pytest.fixture
def org(db: None) -> dict[str, Any]:
    council = body_create(
        slug="council", kind="coordination_committee", name={"en": "Council"}, founded=D(2000, 1, 1)
    )
    east = body_create(
        slug="ec-east",
        kind="executive_committee",
        name={"en": "Eastern Committee"},
        parent=council,
        founded=D(2005, 1, 1),
    )
    press = body_create(
        slug="press",
        kind="bureau",
        name={"en": "Press Bureau"},
        parent=council,
        founded=D(2019, 9, 1),
    )
    logistics = body_create(
        slug="dept-4",
        kind="department",
        name={"en": "Logistics"},
        parent=council,
        founded=D(2012, 3, 1),
        mandates=["event-logistics"],
    )
    alice = Person.objects.create(slug="alice", name="Alice Archer")
    bob = Person.objects.create(slug="bob", name="Bob Baker")
    olga = Person.objects.create(slug="olga", name="Olga Smirnova")
    term_start(person=bob, body=east, role="head", start=D(2019, 9, 1))
    term_start(person=olga, body=logistics, role="director", start=D(2021, 5, 1))
    Honour.objects.create(slug="badge", name={"en": "Friendship Badge"}, kind="badge")
    Agreement.objects.create(
        slug="treaty",
        title={"en": "Treaty"},
        parties=["self"],
        status="in_development",
        base_status="in_development",
    )
    return {
        "council": council,
        "east": east,
        "press": press,
        "logistics": logistics,
        "alice": alice,
        "bob": bob,
        "olga": olga,
    }


def decision(slug: str, effects: list[dict[str, Any]], *, on: dt.date = CONFERENCE_DAY) -> Decision:
    return Decision.objects.create(slug=slug, date=on, kind="other", effects=effects)


EVERY_EFFECT = [
    {"op": "start_term", "person": "alice", "body": "ec-east", "role": "head", "how": "elected"},
    {"op": "end_term", "person": "bob", "body": "ec-east", "role": "head", "reason": "resigned"},
    {
        "op": "found_body",
        "body": {
            "id": "cell-new",
            "kind": "primary_cell",
            "parent": "ec-east",
            "name": {"en": "New Cell"},
            "mandates": ["recruiting"],
        },
    },
    {"op": "rename_body", "body": "press", "name": {"en": "Information Bureau"}},
    {"op": "award", "person": "olga", "honour": "badge"},
    {
        "op": "assign_task",
        "task": {
            "id": "proceedings",
            "title": {"en": "Publish the proceedings"},
            "assignees": [{"body": "council"}, {"person": "alice"}],
            "due": "2025-07-01",
        },
    },
    {"op": "sign_agreement", "agreement": "treaty"},
    {
        "op": "dissolve_body",
        "body": "dept-4",
        "transfer": [
            {"mandate": "event-logistics", "to_kind": "executive_committee", "holder_role": "head"}
        ],
    },
]


def test_annulling_an_adopted_decision_reverts_every_effect(org):
    before = snapshot()
    everything = decision("everything", EVERY_EFFECT)

    decision_adopt(decision=everything, viewer=ADMIN)

    after_day = D(2025, 5, 19)
    chart = {body.id: body for body in orgchart_as_of(viewer=ADMIN, as_of=after_day).bodies}
    assert [h.person for h in chart["ec-east"].holders] == ["alice"]
    assert "cell-new" in chart and "dept-4" not in chart
    assert chart["ec-east"].mandates[0].mandate == "event-logistics"
    assert body_name_as_of(body=org["press"], as_of=after_day) == {"en": "Information Bureau"}
    assert Award.objects.filter(person=org["olga"]).exists()
    assert Task.objects.filter(slug="proceedings").exists()
    assert Agreement.objects.get(slug="treaty").status == "signed"
    assert snapshot() != before

    decision_annul(decision=everything)

    assert snapshot() == before
    everything.refresh_from_db()
    assert everything.status == "annulled"
    assert not EffectLog.objects.filter(decision=everything).exists()
    chart = {body.id: body for body in orgchart_as_of(viewer=ADMIN, as_of=after_day).bodies}
    assert [h.person for h in chart["ec-east"].holders] == ["bob"]
    assert "dept-4" in chart and "cell-new" not in chart
    assert body_name_as_of(body=org["press"], as_of=after_day) == {"en": "Press Bureau"}


def test_annulling_is_refused_while_a_later_decision_changed_what_it_made(org):
    elect = decision(
        "elect", [{"op": "start_term", "person": "alice", "body": "ec-east", "role": "deputy_head"}]
    )
    decision_adopt(decision=elect, viewer=ADMIN)
    remove = decision(
        "remove",
        [{"op": "end_term", "person": "alice", "body": "ec-east", "role": "deputy_head"}],
        on=D(2025, 6, 1),
    )
    decision_adopt(decision=remove, viewer=ADMIN)

    with pytest.raises(RecordError, match="decision remove changed what this decision made"):
        decision_annul(decision=elect)

    elect.refresh_from_db()
    assert elect.status == "adopted"
    assert Term.objects.filter(person=org["alice"], role="deputy_head").exists()

    # Annulling the later decision first, then the earlier one, works.
    decision_annul(decision=remove)
    decision_annul(decision=elect)
    assert not Term.objects.filter(person=org["alice"], role="deputy_head").exists()


def test_only_an_adopted_decision_can_be_annulled(org):
    proposed = decision("proposed", [{"op": "award", "person": "olga", "honour": "badge"}])

    with pytest.raises(RecordError, match="this one is proposed"):
        decision_annul(decision=proposed)


def test_a_decision_whose_effect_fails_changes_nothing(org):
    before = snapshot()
    broken = decision(
        "broken",
        [
            {"op": "award", "person": "olga", "honour": "badge"},
            {"op": "start_term", "person": "bob", "body": "ec-east", "role": "head"},
        ],
    )

    with pytest.raises(RecordError) as caught:
        decision_adopt(decision=broken, viewer=ADMIN)

    assert caught.value.path.startswith("effects[1]")
    assert "overlaps the twin term" in caught.value.message
    assert snapshot() == before
    broken.refresh_from_db()
    assert broken.status == "proposed"


def test_adopting_it_again_after_annulment_applies_it_again(org):
    award = decision("award", [{"op": "award", "person": "olga", "honour": "badge"}])
    decision_adopt(decision=award, viewer=ADMIN)
    decision_annul(decision=award)

    decision_adopt(decision=award, viewer=ADMIN)

    assert Award.objects.filter(person=org["olga"], decision=award).count() == 1

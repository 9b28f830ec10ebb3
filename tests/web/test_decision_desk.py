"""The decision desk: a decision composed of typed steps (no JSON), errors beside the
step's field, and what adopting it will change shown before it is saved and adopted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from chapterhouse.custody.models import AuditEntry
from chapterhouse.meetings.models import Decision, Document
from chapterhouse.registry.models import Body, Term
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def as_user(client: Client, personas: dict[str, Any], name: str) -> Client:
    sign_in(client, personas[name])
    return client


def decision_form(session: str = "gc5-d2", **fields: Any) -> dict[str, Any]:
    return {"session": session, "kind": "election", "date": "", "text_0": "", **fields}


def with_steps(form: dict[str, Any], *steps: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """Return ``form`` with ``steps`` (kind, fields without prefix) as the desk posts them."""
    data = {**form, "steps": str(len(steps))}
    for n, (op, fields) in enumerate(steps):
        data[f"s{n}-op"] = op
        data.update({f"s{n}-{key}": value for key, value in fields.items()})
    return data


def elect(person: str, body: str = "ec-kz", role: str = "member", **more: Any) -> tuple:
    return ("start_term", {"person": person, "body": body, "role": role, "how": "elected", **more})


def errors_of(response: Any, step: int | None = None) -> dict[str, list[str]]:
    if step is None:
        return dict(response.context["form"].errors)
    return dict(response.context["steps"][step].errors)


def test_bob_composes_a_decision_of_several_steps_and_it_is_saved_as_effects(client, personas):
    client = as_user(client, personas, "bob")
    form = with_steps(
        decision_form(text_0="Elections at the plenum", votes_for="12", votes_against="1"),
        elect("timur-akhmetov (timur-akhmetov)", term_length="P2Y"),
        (
            "end_term",
            {"body": "ec-kz", "holder": '["aigerim-bekova","head",null]', "reason": "resigned"},
        ),
        (
            "assign_task",
            {"title_text_0": "Print the leaflets", "bodies": ["ec-kz"], "due": "2025-07"},
        ),
    )

    response = client.post("/decisions/new/", form)

    assert response.status_code == 302, response.context and [
        errors_of(response),
        *[step.errors for step in response.context["steps"]],
    ]
    decision = Decision.objects.get(slug=response["Location"].split("/")[2])
    assert decision.status == "proposed"
    assert decision.votes == {"for": 12, "against": 1}
    assert decision.text == {"en": "Elections at the plenum"}
    start, end, task = decision.effects
    assert start == {
        "op": "start_term",
        "person": "timur-akhmetov",
        "body": "ec-kz",
        "role": "member",
        "how": "elected",
        "term_length": "P2Y",
    }
    assert end == {
        "op": "end_term",
        "person": "aigerim-bekova",
        "body": "ec-kz",
        "role": "head",
        "reason": "resigned",
    }
    assert task["op"] == "assign_task"
    assert task["task"]["title"] == {"en": "Print the leaflets"}
    assert task["task"]["assignees"] == [{"body": "ec-kz"}]
    assert task["task"]["due"] == "2025-07"

    edit = client.get(f"/decisions/{decision.slug}/edit/")
    steps = edit.context["steps"]
    assert [step.op for step in steps] == ["start_term", "end_term", "assign_task"]
    page = edit.content.decode()
    assert "Timur Akhmetov (timur-akhmetov)" in page
    assert "Aigerim Bekova — Head" in page
    assert "Print the leaflets" in page


def test_the_add_buttons_add_an_empty_step_and_keep_what_is_typed(client, personas):
    client = as_user(client, personas, "bob")
    form = with_steps(decision_form(text_0="Kept wording"), elect("timur-akhmetov"))

    response = client.post("/decisions/new/", {**form, "add": "rename_body"})

    assert response.status_code == 200
    steps = response.context["steps"]
    assert [step.op for step in steps] == ["start_term", "rename_body"]
    assert not any(step.errors for step in steps)
    page = response.content.decode()
    assert "Kept wording" in page
    assert 'value="Timur Akhmetov (timur-akhmetov)"' in page
    assert not Decision.objects.filter(text__en="Kept wording").exists()


def test_removing_a_step_keeps_the_others(client, personas):
    client = as_user(client, personas, "bob")
    form = with_steps(decision_form(), elect("timur-akhmetov"), elect("aigerim-bekova"))

    response = client.post("/decisions/new/", {**form, "remove": "0"})

    steps = response.context["steps"]
    assert [step.initial["person"] for step in steps] == ["aigerim-bekova"]


def test_end_a_term_offers_the_current_holders_of_the_chosen_body(client, personas):
    client = as_user(client, personas, "bob")
    form = with_steps(decision_form(), ("end_term", {"body": "ec-kz"}))

    response = client.post("/decisions/new/", {**form, "refresh": "0"})

    choices = dict(response.context["steps"][0].fields["holder"].choices)
    assert '["aigerim-bekova","head",null]' in choices
    assert choices['["aigerim-bekova","head",null]'] == "Aigerim Bekova — Head"


def test_an_error_of_the_service_is_shown_beside_the_field_of_its_step(client, personas):
    client = as_user(client, personas, "bob")
    overlapping = elect("aigerim-bekova", role="head")
    form = with_steps(decision_form(text_0="Kept"), elect("timur-akhmetov"), overlapping)

    # Saving checks that the decision could be adopted as written: nothing is saved, the
    # overlap is shown beside the start of the step at fault, the rest is kept.
    before = Decision.objects.count()
    response = client.post("/decisions/new/", form)
    assert response.status_code == 200
    assert Decision.objects.count() == before
    assert "overlaps the twin term" in " ".join(errors_of(response, 1)["start"])
    assert errors_of(response, 0) == {}
    assert "Kept" in response.content.decode()

    preview = client.post("/decisions/new/", {**form, "preview": "1"})
    assert preview.status_code == 200
    assert "overlaps the twin term" in " ".join(errors_of(preview, 1)["start"])
    assert errors_of(preview, 0) == {}
    assert "Kept" in preview.content.decode()


def test_a_hidden_person_is_answered_like_a_missing_one_beside_the_step(client, personas):
    client = as_user(client, personas, "bob")

    def refusal(person: str) -> list[str]:
        form = with_steps(decision_form(), elect("timur-akhmetov"), elect(person))
        response = client.post("/decisions/new/", form)
        assert response.status_code == 200
        return [message.replace(person, "?") for message in errors_of(response, 1)["person"]]

    assert refusal("lark") == refusal("no-such-person")
    assert Decision.objects.filter(slug__startswith="gc5-d2-d").count() == 0


def test_an_impossible_date_is_refused_beside_the_field(client, personas):
    client = as_user(client, personas, "bob")
    form = with_steps(decision_form(date="2025-02-30"), elect("timur-akhmetov", start="2025-02-30"))

    response = client.post("/decisions/new/", form)

    assert "not a date on the calendar" in " ".join(errors_of(response)["date"])
    assert "not a date on the calendar" in " ".join(errors_of(response, 0)["start"])


def test_a_hand_over_to_nobody_is_refused_beside_its_row(client, personas):
    client = as_user(client, personas, "alice")
    form = with_steps(
        decision_form(session="gc5-d1", kind="dissolution"),
        ("dissolve_body", {"body": "press-bureau"}),
        ("dissolve_body", {"body": "dept-3", "m0": "publications"}),
    )

    response = client.post("/decisions/new/", form)

    assert response.status_code == 200
    assert "Hand it over" in " ".join(errors_of(response, 1)["m0_to"])
    assert not Body.objects.filter(slug="dept-3", dissolved__isnull=False).exists()


def test_dissolving_a_body_offers_a_hand_over_row_for_each_of_its_mandates(client, personas):
    client = as_user(client, personas, "alice")
    form = with_steps(decision_form(session="gc5-d1"), ("dissolve_body", {"body": "dept-3"}))

    refreshed = client.post("/decisions/new/", {**form, "refresh": "0"})

    assert refreshed.context["steps"][0].rows == ["publications"]
    # The mandate is named as the organization names it, in the reader's language.
    assert "Hand over the mandate “Publications”" in refreshed.content.decode()
    in_russian = client.post(
        "/decisions/new/", {**form, "refresh": "0"}, HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "Издания" in in_russian


def test_alice_dissolves_two_bodies_handing_a_mandate_to_the_heads_of_every_committee(
    client, personas
):
    client = as_user(client, personas, "alice")
    form = with_steps(
        decision_form(session="gc5-d1", kind="dissolution"),
        ("dissolve_body", {"body": "press-bureau"}),
        (
            "dissolve_body",
            {
                "body": "dept-3",
                "m0": "publications",
                "m0_to_kind": "executive_committee",
                "m0_holder_role": "head",
            },
        ),
    )

    response = client.post("/decisions/new/", {**form, "preview": "1"})

    assert response.status_code == 200, errors_of(response)
    preview = response.context["preview"]
    page = response.content.decode()
    assert "What adopting it will change" in page
    assert any("Department" in node.kind for node in preview.before)
    assert {node.id for node in preview.before} >= {"dept-3", "press-bureau", "council"}
    assert "dept-3" not in {node.id for node in preview.after}
    assert Body.objects.get(slug="dept-3").dissolved is None

    saved = client.post("/decisions/new/", form)
    decision = Decision.objects.get(slug=saved["Location"].split("/")[2])
    assert decision.effects[1]["transfer"] == [
        {"mandate": "publications", "to_kind": "executive_committee", "holder_role": "head"}
    ]


def test_an_award_with_a_letter_of_thanks_saves_the_letter_and_cites_it(client, personas):
    client = as_user(client, personas, "alice")
    form = with_steps(
        decision_form(session="gc5-d1", kind="award"),
        (
            "award",
            {"person": "timur-akhmetov", "honour": "friendship-badge", "letter_0": "Thank you!"},
        ),
    )

    response = client.post("/decisions/new/", form)

    assert response.status_code == 302, errors_of(response, 0)
    decision = Decision.objects.get(slug=response["Location"].split("/")[2])
    letter = Document.objects.get(slug=decision.effects[0]["citation"])
    assert (letter.kind, letter.text, letter.session.slug) == (
        "letter",
        {"en": "Thank you!"},
        "gc5-d1",
    )
    assert AuditEntry.objects.filter(object_type="document", object_id=letter.slug).exists()


def test_a_failing_decision_leaves_no_letter_behind(client, personas):
    client = as_user(client, personas, "alice")
    form = with_steps(
        decision_form(session="gc5-d1", kind="award"),
        ("award", {"person": "timur-akhmetov", "honour": "friendship-badge", "letter_0": "Hi"}),
        elect("no-such-person"),
    )
    before = Document.objects.count()

    response = client.post("/decisions/new/", form)

    assert response.status_code == 200
    assert Document.objects.count() == before


def test_the_preview_names_people_and_changes_nothing(client, personas):
    client = as_user(client, personas, "bob")
    form = with_steps(
        decision_form(),
        elect("timur-akhmetov", role="head"),
        ("end_term", {"body": "ec-kz", "holder": '["aigerim-bekova","head",null]'}),
    )
    terms, decisions, audit = (
        Term.objects.count(),
        Decision.objects.count(),
        AuditEntry.objects.count(),
    )

    response = client.post("/decisions/new/", {**form, "preview": "1"})

    page = response.content.decode()
    assert "Timur Akhmetov" in page
    assert "It ends the term of Aigerim Bekova as Head" in page
    assert (Term.objects.count(), Decision.objects.count(), AuditEntry.objects.count()) == (
        terms,
        decisions,
        audit,
    )


def test_the_adopt_page_shows_what_adopting_will_change(client, personas):
    client = as_user(client, personas, "alice")

    page = client.get("/decisions/gc5-d3-nominate/adopt/").content.decode()

    assert "What adopting it will change" in page
    assert "João Silva" in page
    assert not Term.objects.filter(decision__slug="gc5-d3-nominate").exists()


def test_a_proposed_decision_shows_its_preview_to_those_who_may_adopt_it(client, personas):
    anonymous = client.get("/decisions/gc5-d3-nominate/").content.decode()
    assert "What adopting it will change" not in anonymous

    page = as_user(client, personas, "alice").get("/decisions/gc5-d3-nominate/").content.decode()
    assert "What adopting it will change" in page


def test_the_holders_offered_are_those_of_the_date_typed(client, personas):
    client = as_user(client, personas, "bob")
    form = with_steps(decision_form(date="2019-01"), ("end_term", {"body": "ec-kz"}))

    response = client.post("/decisions/new/", {**form, "refresh": "0"})

    choices = dict(response.context["steps"][0].fields["holder"].choices)
    assert '["aigerim-bekova","head",null]' not in choices


def posted_back(response: Any) -> dict[str, Any]:
    """Return what the browser posts for the page's desk as shown (nothing changed)."""
    from django import forms

    data: dict[str, Any] = {"steps": str(len(response.context["steps"]))}
    for form in [response.context["form"], *response.context["steps"]]:
        for field in form:
            if field.field.disabled:
                continue
            value, widget = field.value(), field.field.widget
            if isinstance(widget, forms.MultiWidget):
                parts = value if isinstance(value, list) else widget.decompress(value)
                for n, part in enumerate(parts):
                    data[f"{field.html_name}_{n}"] = part or ""
            elif isinstance(widget, forms.CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = field.field.prepare_value(value)
    for n, step in enumerate(response.context["steps"]):
        data[f"s{n}-op"] = step.op
    return data


@pytest.mark.parametrize(
    "slug", ["gc5-d1-elect", "gc5-d1-dissolve", "gc5-d1-task", "gc5-d4-award", "gc5-d2-cell"]
)
def test_saving_an_adopted_decision_unchanged_keeps_its_effects(client, personas, slug):
    client = as_user(client, personas, "admin")
    before = Decision.objects.get(slug=slug).effects

    edit = client.get(f"/decisions/{slug}/edit/")
    response = client.post(f"/decisions/{slug}/edit/", posted_back(edit))

    assert response.status_code == 302, [step.errors for step in response.context["steps"]]
    assert Decision.objects.get(slug=slug).effects == before


def test_a_term_on_a_body_not_yet_founded_on_that_date_is_refused_and_nothing_saved(
    client, personas
):
    from chapterhouse.registry.models import Body

    Body.objects.create(
        slug="cell-later",
        kind="primary_cell",
        name={"en": "Later Cell"},
        parent=Body.objects.get(slug="ec-kz"),
        founded=dt.date(2030, 1, 1),
    )
    client = as_user(client, personas, "bob")
    before = Decision.objects.count()

    response = client.post(
        "/decisions/new/",
        with_steps(decision_form(text_0="Kept"), elect("timur-akhmetov", body="cell-later")),
    )

    assert response.status_code == 200
    assert Decision.objects.count() == before
    assert "body Later Cell was founded on January 1, 2030" in " ".join(
        errors_of(response, 0)["start"]
    )
    assert "Kept" in response.content.decode()


def test_a_joint_session_is_offered_to_an_officer_of_one_of_its_hosts(client, personas):
    from django.utils import timezone

    from chapterhouse.custody.access import ADMIN
    from chapterhouse.meetings.services import session_create

    joint = session_create(
        viewer=ADMIN,
        via="cli",
        at=timezone.now(),
        values={"id": "joint-kz-jp", "date": "2025-06-10", "hosts": ["ec-jp", "ec-kz"]},
    )
    japanese = session_create(
        viewer=ADMIN,
        via="cli",
        at=timezone.now(),
        values={"id": "only-jp", "date": "2025-06-11", "hosts": ["ec-jp"]},
    )

    page = as_user(client, personas, "bob").get("/decisions/new/").content.decode()

    assert f'value="{joint.slug}"' in page
    assert f'value="{japanese.slug}"' not in page

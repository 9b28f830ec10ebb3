"""Internal records do not leak through their consequences.

On the demo, session gc5-d4 (hosted by ec-jp and ec-nordic) is made internal. Its
decisions appoint Lars Eriksson (public) permanent representative on the council
(gc5-d4-rep), give Lark the Friendship Badge with the letter gc5-d4-letter as citation
(gc5-d4-award) and sign the agreement with Nordic Youth Exchange (gc5-d4-treaty). Those
who may not see the session (the anonymous visitor, charlie without grants, bob of ec-kz)
still see the changes that are public, but never the decision that made them: no id, no
link, no wording. Mia (member of ec-jp, a host), alice (above everyone) and the
administrator see the decisions.

A person's placeholder ("a member of …") and a refusal never name a body the reader may
not see either.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from chapterhouse.custody.access import ANONYMOUS, viewer_for_user
from chapterhouse.meetings.models import Decision, Session
from chapterhouse.registry.models import Body, Person
from chapterhouse.relations.models import Task
from chapterhouse.reports.conference import conference_report, render_markdown
from tests.conftest import sign_in

OUTSIDERS = ["anonymous", "charlie", "bob"]
INSIDERS = ["mia", "alice", "admin"]
PERSONAS = OUTSIDERS + INSIDERS
HIDDEN_DECISIONS = ("gc5-d4-rep", "gc5-d4-award", "gc5-d4-treaty")


@pytest.fixture
def internal_session(personas: dict[str, Any]) -> dict[str, Any]:
    """Make session gc5-d4 internal, Lark public (so her record shows), and let the
    decision gc5-d4-rep also give the task "proceedings"."""
    Session.objects.filter(slug="gc5-d4").update(internal=True)
    Person.objects.filter(slug="lark").update(public=True)
    Task.objects.filter(slug="proceedings").update(decision=Decision.objects.get(slug="gc5-d4-rep"))
    return personas


def client_for(persona: str, users: dict[str, Any]) -> Client:
    client = Client()
    if persona != "anonymous":
        sign_in(client, users[persona])
    return client


def get_json(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.json()


def get_html(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_no_hidden_decision(text: str) -> None:
    for slug in HIDDEN_DECISIONS:
        assert slug not in text
    assert "Lark receives the Friendship Badge" not in text
    assert "gc5-d4-letter" not in text  # the citation is a document of the session


# -- the API --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_diff_shows_the_appointment_without_a_decision_the_reader_may_not_see(
    internal_session, persona
):
    client = client_for(persona, internal_session)

    diff = get_json(client, "/api/v1/diff?from=2025-05-24&to=2025-05-24")

    [appointment] = [t for t in diff["started"] if t["person"] == "lars-eriksson"]
    assert appointment["role"] == "representative"
    assert appointment["decision"] == ("gc5-d4-rep" if persona in INSIDERS else None)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_org_chart_and_a_history_name_only_decisions_the_reader_may_see(
    internal_session, persona
):
    client = client_for(persona, internal_session)
    sees = persona in INSIDERS

    chart = get_json(client, "/api/v1/orgchart?as_of=2025-05-25&body=council")
    [council] = [b for b in chart["bodies"] if b["id"] == "council"]
    [representative] = [h for h in council["holders"] if h["person"] == "lars-eriksson"]
    history = get_json(client, "/api/v1/people/lars-eriksson/history")
    [term] = [t for t in history["terms"] if t["role"] == "representative"]

    assert representative["decision"] == ("gc5-d4-rep" if sees else None)
    assert term["decision"] == ("gc5-d4-rep" if sees else None)


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_award_agreement_and_task_stay_but_their_decision_and_citation_do_not(
    internal_session, persona
):
    client = client_for(persona, internal_session)
    sees = persona in INSIDERS

    [award] = get_json(client, "/api/v1/people/lark/history")["awards"]
    [listed] = get_json(client, "/api/v1/honours/friendship-badge")["awards"]
    agreement = get_json(client, "/api/v1/agreements/coop-nordic-youth")
    task = get_json(client, "/api/v1/tasks/proceedings")
    [task_listed] = [
        t for t in get_json(client, "/api/v1/tasks")["items"] if t["id"] == "proceedings"
    ]

    assert award["honour"] == "friendship-badge"
    assert listed["person"] == "lark"
    assert award["decision"] == listed["decision"] == ("gc5-d4-award" if sees else None)
    assert award["citation"] == listed["citation"] == ("gc5-d4-letter" if sees else None)
    assert agreement["status"] == "signed"
    assert agreement["signed_by"] == ("gc5-d4-treaty" if sees else None)
    assert task["title"]["en"].startswith("Publish the proceedings")
    assert task_listed["decision"] == ("gc5-d4-rep" if sees else None)
    assert (task["decision"] is not None) == sees


# -- the web pages --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_pages_show_the_changes_without_links_to_a_decision_the_reader_may_not_see(
    internal_session, persona
):
    client = client_for(persona, internal_session)

    person = get_html(client, "/people/lars-eriksson/")
    lark = get_html(client, "/people/lark/")
    council = get_html(client, "/bodies/council/?as_of=2025-05-25")
    changes = get_html(client, "/changes?from=2025-05-24&to=2025-05-24")

    assert "Permanent Representative in the Nordic Countries" in person
    assert "Friendship Badge" in lark
    assert "Lars Eriksson" in council and "Lars Eriksson" in changes
    for html in (person, lark, council, changes):
        assert_no_hidden_decision(html)
        assert "/sessions/gc5-d4/" not in html


@pytest.mark.parametrize("persona", INSIDERS)
def test_those_who_may_see_the_session_follow_the_link_to_its_decision(internal_session, persona):
    client = client_for(persona, internal_session)

    person = get_html(client, "/people/lars-eriksson/")

    assert "/decisions/gc5-d4-rep/" in person


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_conference_report_tells_only_what_the_readers_decisions_changed(
    internal_session, persona
):
    sees = persona in INSIDERS
    viewer = (
        ANONYMOUS
        if persona == "anonymous"
        else viewer_for_user(internal_session[persona], on=dt.date(2025, 6, 1))
    )

    report = conference_report(conference="gc-5", lang="en", viewer=viewer)
    text = render_markdown(report)
    page = get_html(client_for(persona, internal_session), "/conferences/gc-5/report/?lang=en")

    appointed = {person.name for group in report.changes.elected for person in group.people}

    # The appointment is the conference's only for those who may see the session that made it.
    assert ("Lars Eriksson" in appointed) == sees
    for told in (text, page):
        assert ("Lars Eriksson" in told) == sees
    # What the visible decisions did is still told to everyone.
    assert "Park Min-jun" in appointed


# -- naming bodies the reader may not see -------------------------------------------------------


@pytest.fixture
def secret_custodian(personas: dict[str, Any]) -> dict[str, Any]:
    """Give Olga (not public, director of dept-4 until its dissolution on 2025-05-18) and
    Timur (public, a secretary of ec-kz) an internal custodian, the cell "Quiet Garden"."""
    secret = Body.objects.create(
        slug="quiet-garden",
        kind="primary_cell",
        name={"en": "Quiet Garden Cell"},
        parent=Body.objects.get(slug="council"),
        internal=True,
    )
    Person.objects.filter(slug__in=["olga-smirnova", "timur-akhmetov"]).update(custodian=secret)
    return personas


@pytest.mark.parametrize("persona", ["anonymous", "charlie", "bob", "mia"])
def test_a_placeholder_does_not_name_an_internal_custodian(secret_custodian, persona):
    client = client_for(persona, secret_custodian)

    diff = get_json(client, "/api/v1/diff?from=2025-05-18&to=2025-05-18")
    changes = get_html(client, "/changes?from=2025-05-18&to=2025-05-18")
    body = get_html(client, "/bodies/dept-4/?as_of=2025-05-01")

    [olga] = [t for t in diff["ended"] if t["body"] == "dept-4" and t["role"] == "director"]
    assert olga["person"] is None
    assert olga["name"] == "a member"
    for text in (str(diff), changes, body):
        assert "Quiet Garden" not in text
        assert "quiet-garden" not in text


def test_a_custodian_the_reader_may_see_is_still_named_in_a_placeholder(personas):
    diff = get_json(client_for("anonymous", personas), "/api/v1/diff?from=2025-05-18&to=2025-05-18")

    [olga] = [t for t in diff["ended"] if t["body"] == "dept-4" and t["role"] == "director"]
    assert olga["name"] == "a member of Kazakh Executive Committee"


def test_a_refusal_to_edit_does_not_name_an_internal_custodian(secret_custodian):
    from chapterhouse.custody.services import person_erase
    from chapterhouse.registry.services import person_update

    bob = viewer_for_user(secret_custodian["bob"], on=dt.date(2025, 6, 1))
    timur = Person.objects.get(slug="timur-akhmetov")  # public: bob sees him

    with pytest.raises(PermissionDenied) as edit:
        person_update(
            viewer=bob, via="api", at=timezone.now(), person=timur, changes={"notes": "x"}
        )
    with pytest.raises(PermissionDenied) as erase:
        person_erase(viewer=bob, via="cli", person=timur, at=timezone.now())

    for refusal in (str(edit.value), str(erase.value)):
        assert "quiet-garden" not in refusal and "Quiet Garden" not in refusal
        assert "custodian" in refusal


def test_a_refusal_names_a_custodian_the_writer_may_see(personas):
    from chapterhouse.registry.services import person_update

    bob = viewer_for_user(personas["bob"], on=dt.date(2025, 6, 1))
    lars = Person.objects.get(slug="lars-eriksson")

    with pytest.raises(PermissionDenied, match="ec-nordic"):
        person_update(viewer=bob, via="api", at=timezone.now(), person=lars, changes={"notes": "x"})


def test_the_coverage_filter_offers_only_bodies_the_translator_may_see(personas):
    Body.objects.filter(slug="soc-steppe").update(internal=True)
    client = client_for("tanya", personas)

    html = get_html(client, "/newsroom/coverage/")
    allowed = get_html(client_for("admin", personas), "/newsroom/coverage/")

    assert 'value="dept-3"' in html
    assert 'value="soc-steppe"' not in html
    assert 'value="soc-steppe"' in allowed

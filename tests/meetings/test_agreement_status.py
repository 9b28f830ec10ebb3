"""A decision proposes an agreement, sends it for development or terminates it; the
agreement's status history names each decision, and annulling one undoes its line."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from chapterhouse.custody.access import ADMIN
from chapterhouse.meetings import services as meetings
from chapterhouse.meetings.selectors import agreement_history
from chapterhouse.relations.models import Agreement
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def decide(slug: str, *effects: dict, session: str = "gc5-d2", status: str = "adopted"):
    return meetings.decision_create(
        viewer=ADMIN,
        via="cli",
        at=timezone.now(),
        values={
            "id": slug,
            "session": session,
            "kind": "agreement",
            "status": status,
            "effects": list(effects),
        },
    )


def move(status: str, agreement: str = "coop-teachers") -> dict:
    return {"op": "agreement_status", "agreement": agreement, "status": status}


def test_a_decision_sends_an_agreement_for_development_and_its_history_names_it(demo):
    decide("develop-teachers", move("in_development"))

    agreement = Agreement.objects.get(slug="coop-teachers")
    assert agreement.status == "in_development"
    history = agreement_history(agreement=agreement, viewer=ADMIN)
    assert history[-1] == {
        "status": "in_development",
        "date": dt.date(2025, 5, 20),
        "precision": "day",
        "decision": "develop-teachers",
    }


def test_annulling_the_decision_restores_the_status_and_drops_its_line(demo):
    before = Agreement.objects.get(slug="coop-teachers")
    decision = decide("develop-teachers", move("in_development"))

    meetings.decision_annul(decision=decision)

    after = Agreement.objects.get(slug="coop-teachers")
    assert (after.status, after.date) == (before.status, before.date)
    assert [line["decision"] for line in agreement_history(agreement=after, viewer=ADMIN)] == [None]


def test_a_signed_agreement_can_be_terminated_but_not_sent_back(demo):
    decide("sign-teachers", {"op": "sign_agreement", "agreement": "coop-teachers"})

    with pytest.raises(ValidationError) as refused:
        decide("back-to-draft", move("proposed"), session="gc5-d3")
    assert "already signed" in str(refused.value)

    decide("end-teachers", move("terminated"), session="gc5-d3")
    history = agreement_history(agreement=Agreement.objects.get(slug="coop-teachers"), viewer=ADMIN)
    assert [line["status"] for line in history][-2:] == ["signed", "terminated"]


def test_the_agreement_page_links_each_status_to_its_decision(demo, personas):
    decide("develop-teachers", move("in_development"))
    client = Client()
    sign_in(client, personas["alice"])

    page = client.get("/agreements/coop-teachers/").content.decode()

    assert 'href="/decisions/develop-teachers/"' in page


def test_the_desk_composes_the_step_and_the_preview_words_it(demo, personas):
    client = Client()
    sign_in(client, personas["alice"])
    form = {
        "session": "gc5-d2",
        "kind": "agreement",
        "date": "",
        "text_0": "",
        "steps": "1",
        "s0-op": "agreement_status",
        "s0-agreement": "coop-teachers",
        "s0-status": "in_development",
    }

    preview = client.post("/decisions/new/", {**form, "preview": "1"}).content.decode()
    assert "for development." in preview

    saved = client.post("/decisions/new/", form)
    assert saved.status_code == 302
    slug = saved["Location"].split("/")[2]
    assert meetings.Decision.objects.get(slug=slug).effects == [move("in_development")]


def test_the_decision_page_says_what_became_of_the_agreement(demo, personas):
    decide("develop-teachers", move("in_development"))
    client = Client()
    sign_in(client, personas["alice"])

    page = client.get("/decisions/develop-teachers/").content.decode()

    assert 'href="/agreements/coop-teachers/"' in page
    assert "in development" in page

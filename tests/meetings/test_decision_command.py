"""``chapterhouse decision annul|adopt ID`` on the demo organization."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from chapterhouse.custody.access import ADMIN
from chapterhouse.meetings.models import Decision
from chapterhouse.registry.models import Term
from chapterhouse.registry.selectors import orgchart_as_of

pytestmark = pytest.mark.django_db


def event_logistics() -> str:
    """Return what the organization calls the mandate event-logistics (its id until named)."""
    from chapterhouse.core.text import text_in
    from chapterhouse.registry.mandates import mandate_names

    return text_in(mandate_names(["event-logistics"])["event-logistics"], "en")


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def heads_of_ec_jp(on: dt.date) -> list[str]:
    chart = orgchart_as_of(viewer=ADMIN, as_of=on, root="ec-jp")
    return [h.person for h in chart.bodies[0].holders if h.role == "head"]


def test_annulling_the_election_says_what_it_reverted_and_reverts_it(demo):
    text = run("decision", "annul", "gc5-d1-elect")

    assert "Annulled decision gc5-d1-elect." in text
    assert (
        "removed term of Park Min-jun as Head of Japanese Executive Committee [May 18, 2025, open)"
        in text
    )
    assert "removed term of Park Min-jun as Member of Coordination Council" in text
    assert heads_of_ec_jp(dt.date(2025, 5, 19)) == []
    assert Decision.objects.get(slug="gc5-d1-elect").status == "annulled"


def test_annulling_the_dissolution_brings_the_department_back(demo):
    text = run("decision", "annul", "gc5-d1-dissolve")

    assert "restored body 4th Logistics Department" in text
    assert f"removed mandate {event_logistics()} of Japanese Executive Committee" in text
    chart = {body.id for body in orgchart_as_of(viewer=ADMIN, as_of=dt.date(2025, 6, 1)).bodies}
    assert "dept-4" in chart
    assert Term.objects.get(person__slug="olga-smirnova").end is None


def test_adopting_the_proposed_nomination_applies_it(demo):
    text = run("decision", "adopt", "gc5-d3-nominate")

    assert "Adopted decision gc5-d3-nominate." in text
    assert "created term of João Silva as Member of Coordination Council" in text
    chart = orgchart_as_of(viewer=ADMIN, as_of=dt.date(2025, 6, 1), root="council")
    council = chart.bodies[0]
    assert ("joao-silva", "coopted") in [(h.person, h.how) for h in council.holders]


def test_a_decision_without_effects_says_it_changed_nothing(demo):
    text = run("decision", "annul", "gc5-focus")

    assert "It changed nothing in the record." in text


def test_annulling_a_decision_that_is_not_adopted_is_refused(demo):
    with pytest.raises(CommandError, match="only an adopted decision can be annulled"):
        run("decision", "annul", "gc5-d3-rejected")


def test_adopting_an_adopted_decision_is_refused(demo):
    with pytest.raises(CommandError, match="only a proposed or annulled decision"):
        run("decision", "adopt", "gc5-d1-elect")


def test_an_unknown_decision_is_refused(demo):
    with pytest.raises(CommandError, match="no decision with id 'gc9'"):
        run("decision", "annul", "gc9")


def test_a_refusal_exits_with_1_and_prints_the_reason(demo, capsys):
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["chapterhouse", "decision", "annul", "gc5-d3-rejected"]).execute()

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "only an adopted decision can be annulled; this one is rejected" in err
    assert "Traceback" not in err

"""The invariant checker of ``bench/write_throughput.py``, on the demo: it finds nothing
wrong with a sound record and names each kind of break."""

from __future__ import annotations

import datetime as dt

from bench.write_throughput import invariant_problems
from chapterhouse.meetings.models import Decision, EffectLog
from chapterhouse.registry.models import Body, Person, Term


def test_it_finds_nothing_wrong_with_the_demo(demo):
    assert invariant_problems() == []


def test_it_names_overlapping_twins_and_a_term_outside_its_body(demo):
    person = Person.objects.get(slug="park-minjun")
    body = Body.objects.get(slug="ec-kz")
    first = Term.objects.create(person=person, body=body, role="member", start=dt.date(2020, 1, 1))
    second = Term.objects.create(
        person=person, body=body, role="member", start=dt.date(2021, 1, 1), end=dt.date(2022, 1, 1)
    )
    early = Term.objects.create(person=person, body=body, role="guest", start=dt.date(1990, 1, 1))

    problems = invariant_problems()

    assert f"terms {first.pk} and {second.pk} overlap" in problems
    assert f"term {early.pk} is outside its body's life" in problems


def test_it_names_a_decision_whose_log_disagrees_with_the_record(demo):
    decision = Decision.objects.get(slug="gc5-d1-elect")
    entry = EffectLog.objects.filter(decision=decision, model="registry.term").first()
    entry.model = "registry.mandate"
    entry.save()
    EffectLog.objects.filter(decision__slug="gc5-d4-award").delete()

    problems = invariant_problems()

    assert f"decision #{decision.pk}: its log created 1 terms, 2 hold it as provenance" in problems
    assert "adopted decision gc5-d4-award has effects but no log" in problems

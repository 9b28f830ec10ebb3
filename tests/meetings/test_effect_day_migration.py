"""Stored data moves to "a decision takes effect on its day" (meetings migration 0004)."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps

from chapterhouse.meetings.models import Decision
from chapterhouse.registry.models import Body, Mandate, Person, Term

pytestmark = pytest.mark.django_db

D = dt.date
migration = importlib.import_module(
    "chapterhouse.meetings.migrations.0004_changes_take_effect_on_their_day"
)


def as_stored_before(demo_day: dt.date) -> None:
    """Put the demo's dissolution back the way the old rule stored it."""
    old_end = demo_day + dt.timedelta(days=1)
    Body.objects.filter(slug="dept-4").update(dissolved=old_end)
    Term.objects.filter(body__slug="dept-4").update(end=old_end)
    Mandate.objects.filter(body__slug="dept-4").update(end=old_end)
    Mandate.objects.filter(transferred_from__slug="dept-4").update(start=demo_day)


def test_defaulted_ends_move_to_the_decisions_day(demo):
    as_stored_before(D(2025, 5, 18))

    migration.forward(apps, None)

    assert Body.objects.get(slug="dept-4").dissolved == D(2025, 5, 18)
    assert Term.objects.get(person__slug="olga-smirnova").end == D(2025, 5, 18)
    assert set(Mandate.objects.filter(body__slug="dept-4").values_list("end", flat=True)) == {
        D(2025, 5, 18)
    }
    moved = Mandate.objects.filter(transferred_from__slug="dept-4")
    assert set(moved.values_list("start", flat=True)) == {D(2025, 5, 18)}


def test_a_resignation_accepted_by_default_ends_on_the_decisions_day(demo):
    decision = Decision.objects.get(slug="gc5-resign")
    term = Term.objects.get(person__slug="zhang-wei", body__slug="dept-2")
    Term.objects.filter(pk=term.pk).update(end=decision.date + dt.timedelta(days=1))

    migration.forward(apps, None)

    term.refresh_from_db()
    assert term.end == decision.date


def test_an_end_written_in_the_effect_is_left_alone(demo):
    decision = Decision.objects.get(slug="gc5-resign")
    decision.effects = [{**decision.effects[0], "end": decision.date.isoformat()}]
    decision.save(update_fields=["effects"])
    term = Term.objects.get(person__slug="zhang-wei", body__slug="dept-2")
    written = decision.date + dt.timedelta(days=1)  # the day after the last day written
    Term.objects.filter(pk=term.pk).update(end=written)

    migration.forward(apps, None)

    term.refresh_from_db()
    assert term.end == written


def test_a_reappointed_terms_predecessor_ends_on_the_new_start(demo):
    irina = Person.objects.get(slug="irina-volkova")
    council = Body.objects.get(slug="council")
    old = Term.objects.get(person=irina, body=council, role="chair")
    Term.objects.filter(pk=old.pk).update(end=D(2020, 6, 2), end_reason="reappointed")
    Term.objects.create(
        person=irina,
        body=council,
        role="chair",
        title_key=old.title_key,
        start=D(2020, 6, 1),
        how="reappointed",
    )

    migration.forward(apps, None)

    old.refresh_from_db()
    assert old.end == D(2020, 6, 1)

"""The time model's predicates (core/intervals.py) on their boundary days: a start is held
on its day, an (exclusive) end is not; the SQL conditions and the plain functions agree."""

from __future__ import annotations

import datetime as dt

import pytest

from chapterhouse.core.intervals import (
    exists_on,
    held_on,
    held_on_by_start,
    is_held,
    overlaps,
    overlaps_days,
    spans_overlap,
)
from chapterhouse.registry.models import Body, Mandate, Person, Term

D = dt.date(2025, 5, 18)
ONE_DAY = dt.timedelta(days=1)


@pytest.fixture
def terms(db) -> dict[str, Term]:
    """Terms around ``D``, by what they are: each in its own role (no twins)."""
    person = Person.objects.create(slug="p", name="P")
    body = Body.objects.create(slug="b", kind="department", name="B")
    spans = {
        "starts on D": (D, None),
        "ends on D": (D - 10 * ONE_DAY, D),
        "ends the day after D": (D - 10 * ONE_DAY, D + ONE_DAY),
        "starts the day after D": (D + ONE_DAY, D + 10 * ONE_DAY),
        "open since long ago": (dt.date(1990, 1, 1), None),
    }
    return {
        what: Term.objects.create(person=person, body=body, role=what, start=start, end=end)
        for what, (start, end) in spans.items()
    }


def roles(condition) -> set[str]:
    return set(Term.objects.filter(condition).values_list("role", flat=True))


def test_a_term_is_held_from_its_start_day_to_the_day_before_its_end(terms):
    assert roles(held_on(D)) == {"starts on D", "ends the day after D", "open since long ago"}


def test_the_condition_through_the_start_index_finds_the_same_terms(terms):
    for day in (D - ONE_DAY, D, D + ONE_DAY, D + 10 * ONE_DAY):
        assert roles(held_on_by_start(day)) == roles(held_on(day)), day


def test_the_plain_rule_agrees_with_the_condition(terms):
    for day in (D - ONE_DAY, D, D + ONE_DAY):
        expected = {what for what, term in terms.items() if is_held(term.start, term.end, day)}
        assert roles(held_on(day)) == expected, day


def test_a_prefix_reaches_the_interval_through_a_relation(terms):
    assert Person.objects.filter(held_on(D, "terms__"), terms__role="ends on D").count() == 0
    assert Person.objects.filter(held_on(D, "terms__"), terms__role="starts on D").count() == 1


def test_a_mandate_without_a_start_is_held_only_when_an_open_start_is_allowed(db):
    body = Body.objects.create(slug="b", kind="department", name="B")
    Mandate.objects.create(body=body, slug="always", start=None, end=D)
    Mandate.objects.create(body=body, slug="from-d", start=D, end=None)

    def slugs(condition) -> set[str]:
        return set(Mandate.objects.filter(condition).values_list("slug", flat=True))

    assert slugs(held_on(D - ONE_DAY, open_start=True)) == {"always"}
    assert slugs(held_on(D, open_start=True)) == {"from-d"}
    assert slugs(held_on(D - ONE_DAY)) == set()


def test_a_body_exists_from_its_founding_day_and_not_on_its_dissolution_day(db):
    Body.objects.create(slug="founded-on-d", kind="department", name="B", founded=D)
    Body.objects.create(slug="dissolved-on-d", kind="department", name="B", dissolved=D)
    Body.objects.create(slug="always", kind="department", name="B")

    def living(day: dt.date) -> set[str]:
        return set(Body.objects.filter(exists_on(day)).values_list("slug", flat=True))

    assert living(D) == {"founded-on-d", "always"}
    assert living(D - ONE_DAY) == {"dissolved-on-d", "always"}
    mandates = Mandate.objects.bulk_create(
        Mandate(body=body, slug=body.slug) for body in Body.objects.all()
    )
    assert len(mandates) == 3
    assert set(Mandate.objects.filter(exists_on(D, "body__")).values_list("slug", flat=True)) == {
        "founded-on-d",
        "always",
    }


def test_intervals_that_only_touch_do_not_overlap(terms):
    # [D, D + 1 day) touches "ends on D" (its end is D) and "starts the day after D".
    assert roles(overlaps(D, D + ONE_DAY)) == {
        "starts on D",
        "ends the day after D",
        "open since long ago",
    }
    assert roles(overlaps(D + ONE_DAY, None)) == {
        "starts on D",
        "starts the day after D",
        "open since long ago",
    }


def test_a_range_of_days_includes_its_last_day(terms):
    assert roles(overlaps_days(D + ONE_DAY, D + ONE_DAY)) == roles(
        overlaps(D + ONE_DAY, D + 2 * ONE_DAY)
    )
    assert "starts the day after D" in roles(overlaps_days(D, D + ONE_DAY))
    assert "ends on D" not in roles(overlaps_days(D, D + ONE_DAY))


def test_the_plain_overlap_agrees_with_the_condition(terms):
    for start, end in ((D, D + ONE_DAY), (D + ONE_DAY, None), (D - 20 * ONE_DAY, D - 10 * ONE_DAY)):
        expected = {
            what for what, term in terms.items() if spans_overlap(term.start, term.end, start, end)
        }
        assert roles(overlaps(start, end)) == expected, (start, end)


def test_open_intervals_run_for_ever():
    assert is_held(None, None, dt.date(1, 1, 1))
    assert spans_overlap(D, None, dt.date(9999, 1, 1), None)
    assert not spans_overlap(D, D + ONE_DAY, D + ONE_DAY, None)

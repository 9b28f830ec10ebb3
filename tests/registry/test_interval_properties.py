"""Properties of half-open intervals: the SQL conditions agree with plain arithmetic.

Each example writes its rows inside a savepoint and rolls them back, so the
examples share one test database without seeing each other.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapterhouse.core.intervals import exists_on, held_on
from chapterhouse.custody.access import ADMIN
from chapterhouse.registry.models import Body, Mandate, Person, Term
from chapterhouse.registry.selectors import diff_between, orgchart_as_of
from chapterhouse.registry.shapes import DiffOut

BASE = dt.date(2020, 1, 1)
SPAN = 40  # days: small enough that starts, ends and query days often coincide

pytestmark = pytest.mark.django_db

days = st.integers(min_value=0, max_value=SPAN)
# (start, length or None for open): length >= 1 because the database refuses start >= end.
intervals = st.tuples(days, st.one_of(st.none(), st.integers(min_value=1, max_value=SPAN)))
examples = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def day(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


class Rollback(Exception):
    """Raised at the end of an example to undo what it wrote."""


def in_savepoint(check):
    """Run ``check`` in a savepoint that is always rolled back."""
    try:
        with transaction.atomic():
            check()
            raise Rollback
    except Rollback:
        pass


def write_terms(spans: list[tuple[int, int | None]]) -> list[Term]:
    person = Person.objects.create(slug="p", name="P")
    body = Body.objects.create(slug="b", kind="department", name="B")
    return Term.objects.bulk_create(
        Term(
            person=person,
            body=body,
            role=f"role-{index}",  # distinct roles: twins are the services' business, not ours
            start=day(start),
            end=None if length is None else day(start + length),
        )
        for index, (start, length) in enumerate(spans)
    )


@examples
@given(spans=st.lists(intervals, max_size=12), on=days)
def test_held_on_agrees_with_the_half_open_rule(spans, on):
    def check():
        terms = write_terms(spans)
        expected = {
            term.pk
            for term in terms
            if term.start <= day(on) and (term.end is None or day(on) < term.end)
        }
        found = set(Term.objects.filter(held_on(day(on))).values_list("pk", flat=True))
        assert found == expected

    in_savepoint(check)


@examples
@given(
    lives=st.lists(st.tuples(st.one_of(st.none(), days), st.one_of(st.none(), days)), max_size=10),
    on=days,
)
def test_exists_on_treats_a_missing_founding_date_as_always(lives, on):
    def check():
        expected = set()
        for index, (founded, lasted) in enumerate(lives):
            start = None if founded is None else day(founded)
            end = None if lasted is None else day((founded or 0) + lasted + 1)
            Body.objects.create(
                slug=f"b{index}", kind="department", name="B", founded=start, dissolved=end
            )
            if (start is None or start <= day(on)) and (end is None or day(on) < end):
                expected.add(f"b{index}")
        assert set(Body.objects.filter(exists_on(day(on))).values_list("slug", flat=True)) == (
            expected
        )
        # The org chart shows exactly the living bodies.
        assert {body.id for body in orgchart_as_of(viewer=ADMIN, as_of=day(on)).bodies} == expected

    in_savepoint(check)


def _keyed(diff: DiffOut) -> dict[str, set[str]]:
    """Return each list of a diff as a set of canonical JSON strings."""
    return {
        key: {json.dumps(item, sort_keys=True) for item in value}
        for key, value in diff.model_dump(by_alias=True).items()
        if isinstance(value, list)
    }


@examples
@given(
    spans=st.lists(intervals, max_size=10),
    lives=st.lists(st.tuples(days, st.one_of(st.none(), st.integers(1, SPAN))), max_size=5),
    moves=st.lists(days, max_size=4),
    cut=st.tuples(days, days, days),
)
def test_a_diff_is_the_union_of_the_diffs_of_its_two_halves(spans, lives, moves, cut):
    first, middle, last = sorted(cut)
    if middle == last:
        middle = max(first, last - 1)
    if first == last:
        return  # no way to split a single day in two non-empty halves

    def check():
        write_terms(spans)
        bodies = [
            Body.objects.create(
                slug=f"body-{index}",
                kind="department",
                name="B",
                founded=day(start),
                dissolved=None if length is None else day(start + length),
            )
            for index, (start, length) in enumerate(lives)
        ]
        source = Body.objects.create(slug="source", kind="bureau", name="S")
        for index, start in enumerate(moves):
            Mandate.objects.create(
                body=source, slug=f"m{index}", start=day(start), transferred_from=source
            )
        whole = _keyed(diff_between(viewer=ADMIN, start=day(first), end=day(last)))
        left = _keyed(diff_between(viewer=ADMIN, start=day(first), end=day(middle)))
        right = _keyed(diff_between(viewer=ADMIN, start=day(middle + 1), end=day(last)))
        for key, items in whole.items():
            assert items == left[key] | right[key], key
            assert not left[key] & right[key], key
        # Every term starting in the range is listed, and only those.
        assert len(whole["started"]) == sum(first <= start <= last for start, _ in spans)
        # A term ends on the first day it is no longer held (its stored, exclusive end).
        ends = [start + length for start, length in spans if length is not None]
        assert len(whole["ended"]) == sum(first <= end <= last for end in ends)
        assert len(whole["founded"]) == sum(first <= start <= last for start, _ in lives)
        assert len(bodies) == len(lives)

    in_savepoint(check)


def test_a_diff_refuses_a_period_that_ends_before_it_starts():
    with pytest.raises(ValueError, match="must start on or before its end"):
        diff_between(viewer=ADMIN, start=dt.date(2025, 5, 2), end=dt.date(2025, 5, 1))

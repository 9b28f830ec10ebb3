"""The time model as the registry services keep it: half-open terms, twins, dissolutions."""

from __future__ import annotations

import datetime as dt

import pytest

from chapterhouse.core.errors import RecordError
from chapterhouse.custody.access import ADMIN
from chapterhouse.registry.models import Body, Mandate, Term
from chapterhouse.registry.selectors import orgchart_as_of
from chapterhouse.registry.services import body_dissolve, term_start
from chapterhouse.registry.shapes import OrgchartOut

D = dt.date


def holders(chart: OrgchartOut, body: str) -> list[tuple[str, str]]:
    found = next(entry for entry in chart.bodies if entry.id == body)
    return [(holder.person, holder.role) for holder in found.holders]


def test_a_reappointment_closes_the_open_twin_on_its_start(small_org):
    first = Term.objects.get(person=small_org.bob, body=small_org.east, role="head")

    second = term_start(
        person=small_org.bob,
        body=small_org.east,
        role="head",
        start=D(2024, 9, 1),
        how="reappointed",
    )

    first.refresh_from_db()
    # The reappointment takes effect on its start date: the old term's last day is the day before.
    assert first.end == D(2024, 9, 1)
    assert first.end_reason == "reappointed"
    assert second.end is None
    # Both terms stay in history, and Bob heads the committee without a gap, listed once a day.
    for day in (D(2024, 8, 31), D(2024, 9, 1), D(2024, 9, 2)):
        assert holders(orgchart_as_of(viewer=ADMIN, as_of=day, root="ec-east"), "ec-east") == [
            ("bob", "head")
        ]


def test_it_refuses_an_overlapping_twin_and_names_it(small_org):
    with pytest.raises(RecordError) as caught:
        term_start(person=small_org.bob, body=small_org.east, role="head", start=D(2023, 1, 1))

    message = str(caught.value)
    # By name and in the reader's date format; the path and the value stay machine-readable.
    assert "Bob Baker as Head of Eastern Committee [September 1, 2019, open)" in message
    assert caught.value.path == "start"
    assert caught.value.value == "2023-01-01"
    assert Term.objects.filter(person=small_org.bob, body=small_org.east).count() == 1


def test_a_term_with_another_title_is_no_twin(small_org):
    term_start(
        person=small_org.bob,
        body=small_org.east,
        role="head",
        title={"en": "Acting Head for Culture"},
        start=D(2023, 1, 1),
    )

    assert Term.objects.filter(person=small_org.bob, body=small_org.east).count() == 2


def test_a_term_length_of_one_year_gives_the_end(small_org):
    term = term_start(
        person=small_org.alice,
        body=small_org.council,
        role="representative",
        start=D(2025, 5, 24),
        term_length="P1Y",
    )

    assert term.end == D(2026, 5, 24)
    assert ("alice", "representative") in holders(
        orgchart_as_of(viewer=ADMIN, as_of=D(2026, 5, 23), root="council"), "council"
    )
    assert ("alice", "representative") not in holders(
        orgchart_as_of(viewer=ADMIN, as_of=D(2026, 5, 24), root="council"), "council"
    )


def test_a_term_cannot_start_before_its_body_was_founded(small_org):
    with pytest.raises(RecordError, match="body Western Committee was founded on January 1, 2006"):
        term_start(person=small_org.alice, body=small_org.west, role="head", start=D(2005, 1, 1))


def test_dissolving_a_body_ends_its_open_terms_and_moves_its_mandates(small_org):
    moved = body_dissolve(
        body=small_org.logistics,
        date=D(2025, 5, 19),
        transfers=[
            {"mandate": "transport", "to": [small_org.council]},
            {"mandate": "event-logistics", "to_kind": "executive_committee", "holder_role": "head"},
        ],
    )

    small_org.logistics.refresh_from_db()
    assert small_org.logistics.dissolved == D(2025, 5, 19)
    director = Term.objects.get(person=small_org.charlie)
    assert director.end == D(2025, 5, 19)
    assert director.end_reason == "body dissolved"
    assert sorted((m.slug, m.body.slug, m.holder_role) for m in moved) == [
        ("event-logistics", "ec-east", "head"),
        ("event-logistics", "ec-west", "head"),
        ("transport", "council", ""),
    ]
    # The receivers hold the mandates from the day the body is gone, when the old ones end.
    assert {m.start for m in moved} == {D(2025, 5, 19)}
    assert set(Mandate.objects.filter(body=small_org.logistics).values_list("end", flat=True)) == {
        D(2025, 5, 19)
    }

    on_last_day = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 5, 18))
    after = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 5, 19))
    assert "dept-logistics" in [body.id for body in on_last_day.bodies]
    assert "dept-logistics" not in [body.id for body in after.bodies]
    east = next(body for body in after.bodies if body.id == "ec-east")
    assert [mandate.model_dump(by_alias=True) for mandate in east.mandates] == [
        # Not named by the organization: its id is its name.
        {
            "mandate": "event-logistics",
            "name": "event-logistics",
            "holder_role": "head",
            "from": "dept-logistics",
        }
    ]


def test_dissolving_refuses_to_move_a_mandate_the_body_does_not_hold(small_org):
    with pytest.raises(RecordError, match="holds no mandate 'statutes'") as caught:
        body_dissolve(
            body=small_org.logistics,
            date=D(2025, 5, 19),
            transfers=[{"mandate": "statutes", "to": [small_org.council]}],
        )

    assert "event-logistics, transport" in str(caught.value)


def test_dissolving_refuses_a_body_with_living_sub_bodies(small_org):
    with pytest.raises(RecordError, match="still has sub-bodies"):
        body_dissolve(body=small_org.council, date=D(2025, 1, 1))

    assert Body.objects.get(slug="council").dissolved is None

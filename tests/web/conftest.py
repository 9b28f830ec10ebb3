"""Fixtures for the web page tests: the demo organization and ways to make it bigger."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from chapterhouse.custody.access import ADMIN
from chapterhouse.meetings.models import Attendance, Decision, Document, Session, SessionHost
from chapterhouse.meetings.services import decision_apply
from chapterhouse.registry.models import Body, Person, Term


def grow_bodies(count: int, *, parent: str = "council") -> list[Body]:
    """Add ``count`` executive committees under ``parent``, each with a head and a member."""
    top = Body.objects.get(slug=parent)
    bodies = []
    for index in range(count):
        body = Body.objects.create(
            slug=f"ec-extra-{index}",
            kind="executive_committee",
            name={"en": f"Extra Committee {index}"},
            parent=top,
            founded=dt.date(2020, 1, 1),
        )
        for role in ("head", "member"):
            person = Person.objects.create(
                slug=f"extra-{index}-{role}", name=f"Extra {index} {role}", public=index % 2 == 0
            )
            Term.objects.create(person=person, body=body, role=role, start=dt.date(2021, 1, 1))
        bodies.append(body)
    return bodies


def grow_terms(*, body: str, person: str, count: int) -> None:
    """Give ``person`` ``count`` more finished terms in ``body`` (one a year from 2011)."""
    found_body = Body.objects.get(slug=body)
    found_person = Person.objects.get(slug=person)
    for index in range(count):
        Term.objects.create(
            person=found_person,
            body=found_body,
            role="secretary",
            title={"en": f"Secretary {index}"},
            title_key=f"secretary-{index}",
            start=dt.date(2011 + index % 10, 1, 1),
            end=dt.date(2011 + index % 10, 6, 1),
        )


def grow_session(*, session: str, count: int) -> None:
    """Add ``count`` attendees, hosts and documents to ``session``."""
    found = Session.objects.get(slug=session)
    for index, body in enumerate(grow_bodies(count)):
        person = Person.objects.get(slug=f"extra-{index}-head")
        SessionHost.objects.create(session=found, body=body, position=10 + index)
        Attendance.objects.create(session=found, person=person, role="participant")
        Document.objects.create(
            slug=f"{session}-extra-{index}",
            session=found,
            kind="report",
            title={"en": f"Report {index}"},
            author=person,
            signatories=["irina-volkova", person.slug],
        )


def big_election(*, count: int) -> Decision:
    """Adopt a decision of the opening session that elects ``count`` new members."""
    people = [
        Person.objects.create(slug=f"elected-{index}", name=f"Elected {index}", public=True)
        for index in range(count)
    ]
    decision = Decision.objects.create(
        slug="big-election",
        session=Session.objects.get(slug="gc5-d1"),
        date=dt.date(2025, 5, 18),
        kind="election",
        status="adopted",
        effects=[
            {"op": "start_term", "person": person.slug, "body": "council", "role": "member"}
            for person in people
        ],
    )
    decision_apply(decision=decision, viewer=ADMIN)
    return decision


@pytest.fixture
def grow() -> SimpleNamespace:
    """Return the helpers that make the demo organization bigger, to show a page's number of
    queries does not grow with the data."""
    return SimpleNamespace(
        bodies=grow_bodies, terms=grow_terms, session=grow_session, election=big_election
    )

"""Fixtures for the API tests: the demo organization, grown larger on demand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chapterhouse.custody.access import ADMIN
from chapterhouse.meetings.models import Conference, Decision, Session
from chapterhouse.meetings.services import decision_apply
from chapterhouse.registry.models import Body, Person
from chapterhouse.registry.services import body_create, term_start
from chapterhouse.relations.models import Agreement, Honour, Partner, Task

D = dt.date


@pytest.fixture
def get_json(client: Any) -> Any:
    """Return a function that GETs a URL and returns its JSON, checking it answered 200."""

    def get(url: str) -> Any:
        response = client.get(url)
        assert response.status_code == 200, response.content
        return response.json()

    return get


@pytest.fixture
def admin_json(admin_client: Any) -> Any:
    """Like `get_json`, signed in as an administrator, who sees every person and their data."""

    def get(url: str) -> Any:
        response = admin_client.get(url)
        assert response.status_code == 200, response.content
        return response.json()

    return get


@pytest.fixture
def request_overhead(client: Any, demo: None) -> int:
    """Return how many queries any request makes before reaching the API (middleware)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    return len(queries.captured_queries)


@pytest.fixture
def grow(demo: None) -> Any:
    """Return a function that adds ``n`` of everything to the demo organization.

    The new rows hang off the objects the tests look at (ec-jp, gc-5, gc5-d4,
    the friendship badge, the Nordic agreement …) so that a query per row
    would show up in the counts.
    """

    def add(n: int = 10) -> None:
        council = Body.objects.get(slug="council")
        ec_jp = Body.objects.get(slug="ec-jp")
        irina = Person.objects.get(slug="irina-volkova")
        gc5 = Conference.objects.get(slug="gc-5")
        d4 = Session.objects.get(slug="gc5-d4")
        nordic = Partner.objects.get(slug="nordic-youth")
        coop = Agreement.objects.get(slug="coop-nordic-youth")
        badge = Honour.objects.get(slug="friendship-badge")
        clubs = Task.objects.get(slug="student-clubs")
        for i in range(n):
            person = Person.objects.create(slug=f"extra-person-{i}", name=f"Extra Person {i}")
            person.names.create(name=f"Экстра {i}", lang="ru", kind="native")
            irina.names.create(name=f"Irina variant {i}", position=10 + i)
            irina.affiliations.create(partner=nordic, title={"en": f"Post {i}"}, position=i)
            body = body_create(
                slug=f"extra-body-{i}",
                kind="working_group",
                name={"en": f"Working Group {i}"},
                parent=ec_jp,
                founded=D(2020, 1, 1),
                mandates=[f"extra-mandate-{i}"],
            )
            term_start(person=person, body=body, role="head", start=D(2021, 1, 1))
            term_start(person=person, body=ec_jp, role="member", start=D(2025, 5, 1 + i % 20))
            term_start(person=irina, body=body, role="adviser", start=D(2022, 1, 1))
            term_start(person=person, body=council, role="member", start=D(2023, 1, 1))
            session = Session.objects.create(
                slug=f"extra-session-{i}", conference=gc5, day=10 + i, date=D(2025, 6, 1)
            )
            session.hosts.create(body=body, position=0)
            session.hosts.create(body=ec_jp, position=1)
            d4.attendees.create(person=person, role="participant", position=10 + i)
            d4.documents.create(
                slug=f"extra-document-{i}",
                kind="minutes",
                title={"en": f"Minutes {i}"},
                author=person,
                signatories=[person.slug, irina.slug],
                position=10 + i,
            )
            coop.signatories.create(person=person, party="nordic-youth", position=10 + i)
            clubs.assignees.create(person=person, position=10 + i)
            Agreement.objects.create(
                slug=f"extra-agreement-{i}",
                title={"en": f"Agreement {i}"},
                parties=["self", "nordic-youth"],
                status="proposed",
                base_status="proposed",
            )
            decision = Decision.objects.create(
                slug=f"extra-decision-{i}",
                session=d4,
                kind="other",
                status="adopted",
                date=D(2025, 5, 24),
                position=10 + i,
                effects=[
                    {
                        "op": "start_term",
                        "person": person.slug,
                        "body": "council",
                        "role": "adviser",
                    },
                    {"op": "award", "person": person.slug, "honour": badge.slug},
                    {"op": "rename_body", "body": body.slug, "name": {"en": f"Group {i}"}},
                    {
                        "op": "assign_task",
                        "task": {
                            "id": f"extra-task-{i}",
                            "title": {"en": f"Task {i}"},
                            "assignees": [{"body": body.slug}, {"person": person.slug}],
                        },
                    },
                ],
            )
            decision_apply(decision=decision, viewer=ADMIN)

    return add

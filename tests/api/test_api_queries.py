"""Every endpoint runs a fixed number of SQL queries, however much data there is.

Counts are pinned on top of ``request_overhead``: what any request costs
before it reaches the API (the middleware), which is not the API's to pin.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chapterhouse.custody.access import ADMIN
from chapterhouse.meetings.models import Decision, Session
from chapterhouse.meetings.services import decision_apply
from chapterhouse.registry.models import Person

# (url, queries the endpoint itself runs); an endpoint that names people runs one of them for
# their names in the reader's language (custody.access.local_names_for, docs/decisions/0028).
# A body, a decision that moves mandates, the diff and the chart each run one query to name
# their mandates (registry.mandates.mandate_names).
ENDPOINT_QUERIES = [
    ("/api/v1/organization", 1),
    ("/api/v1/bodies?as_of=2025-05-19", 2),
    ("/api/v1/bodies/ec-jp?as_of=2025-05-19", 11),
    ("/api/v1/people", 3),
    # A search reads the keys that may match from the B-tree indexes, then the best of them
    # with their people: two queries (registry.search), whatever the number of people.
    ("/api/v1/people?q=irina", 3),
    ("/api/v1/people/irina-volkova", 4),
    ("/api/v1/people/irina-volkova/history", 6),
    ("/api/v1/conferences", 2),
    ("/api/v1/conferences/gc-5", 5),
    ("/api/v1/sessions", 4),
    ("/api/v1/sessions/gc5-d4", 9),
    ("/api/v1/decisions", 2),
    ("/api/v1/decisions?conference=gc-5", 2),
    ("/api/v1/decisions/gc5-d1-dissolve", 9),
    ("/api/v1/partners", 2),
    ("/api/v1/partners/nordic-youth", 2),
    ("/api/v1/agreements", 2),
    ("/api/v1/agreements/coop-nordic-youth", 5),
    ("/api/v1/honours", 2),
    ("/api/v1/honours/friendship-badge", 2),
    ("/api/v1/tasks", 5),
    ("/api/v1/tasks/student-clubs", 4),
    ("/api/v1/orgchart?as_of=2025-05-19", 8),
    ("/api/v1/orgchart?as_of=2025-05-19&body=ec-jp", 9),
    ("/api/v1/orgchart?as_of=2025-05-19&depth=1", 8),
    ("/api/v1/orgchart?as_of=2025-05-19&body=ec-jp&depth=0", 9),
    ("/api/v1/diff?from=2025-05-01&to=2025-06-30", 8),
    # A page: the internal bodies the reader may not see (none here), six counts on the
    # date indexes (six more for those bodies' changes when there are some), then the
    # lists as above (a kind counted empty is not listed), whatever the range.
    ("/api/v1/diff?from=2025-05-01&to=2025-06-30&limit=2", 15),
    ("/api/v1/diff?from=1990-01-01&to=2030-12-31&limit=100", 15),
]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)


@pytest.mark.parametrize(("url", "own"), ENDPOINT_QUERIES)
def test_each_endpoint_runs_a_pinned_number_of_queries(
    client, request_overhead, django_assert_num_queries, url, own
):
    with django_assert_num_queries(request_overhead + own):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("url", "own"), ENDPOINT_QUERIES)
def test_the_number_of_queries_does_not_grow_with_the_data(
    client, request_overhead, grow, url, own
):
    before = _count(client, url)
    grow(6)
    after = _count(client, url)

    assert after == before == request_overhead + own


def test_the_bigger_pages_show_the_added_rows(get_json, admin_json, grow):
    grow(12)

    assert len(get_json("/api/v1/sessions/gc5-d4")["attendees"]) == 15
    # The added people are not public: an administrator sees who they are.
    assert (
        admin_json("/api/v1/honours/friendship-badge")["awards"][-1]["person"] == "extra-person-11"
    )
    chart = get_json("/api/v1/orgchart?as_of=2025-05-19&body=ec-jp")
    assert len(chart["bodies"]) == 13


def _decision_with(n: int, tag: str) -> str:
    """Record and apply a decision with ``n`` effects of every kind the log can hold."""
    session = Session.objects.get(slug="gc5-d4")
    effects = []
    for i in range(n):
        person = Person.objects.create(slug=f"{tag}-person-{i}", name=f"{tag} {i}")
        effects += [
            {"op": "start_term", "person": person.slug, "body": "council", "role": "adviser"},
            {"op": "award", "person": person.slug, "honour": "letter-of-thanks"},
            {
                "op": "found_body",
                "body": {
                    "id": f"{tag}-body-{i}",
                    "kind": "working_group",
                    "parent": "council",
                    "name": {"en": f"Group {i}"},
                    "mandates": [f"{tag}-mandate-{i}"],
                },
            },
            {
                "op": "assign_task",
                "task": {
                    "id": f"{tag}-task-{i}",
                    "title": "Do it",
                    "assignees": [{"person": person.slug}],
                },
            },
        ]
    effects.append({"op": "rename_body", "body": "ec-ar", "name": {"en": f"Renamed by {tag}"}})
    decision = Decision.objects.create(
        slug=f"{tag}-decision",
        session=session,
        kind="other",
        status="adopted",
        date=dt.date(2025, 5, 24),
        position=99,
        effects=effects,
    )
    decision_apply(decision=decision, viewer=ADMIN)
    return decision.slug


@pytest.mark.usefixtures("demo")
def test_what_a_decision_changed_costs_the_same_for_one_change_or_many(client):
    small = _decision_with(1, "small")
    large = _decision_with(15, "large")

    assert _count(client, f"/api/v1/decisions/{small}") == _count(
        client, f"/api/v1/decisions/{large}"
    )
    response = client.get(f"/api/v1/decisions/{large}").json()
    assert len(response["changes"]["terms_started"]) == 15
    assert len(response["changes"]["bodies_founded"]) == 15
    assert response["changes"]["bodies_founded"][0]["mandates"] == ["large-mandate-0"]

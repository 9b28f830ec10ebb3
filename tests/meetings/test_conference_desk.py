"""Conferences recorded through the services and the API: the last day written, stored as
the day after; who may record one; days that would leave a session outside refused."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from chapterhouse.custody.access import ADMIN, viewer_for_user
from chapterhouse.custody.models import AuditEntry
from chapterhouse.meetings.conferences import conference_create, conference_update
from chapterhouse.meetings.models import Conference, Session
from chapterhouse.meetings.services import session_create
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

TWO_DAYS = {
    "id": "gc-6",
    "name": {"en": "6th General Conference", "ru": "6-я генеральная конференция"},
    "number": 6,
    "kind": "general",
    "start": "2026-05-01",
    "end": "2026-05-02",
}


def viewer(personas: dict[str, Any], name: str) -> Any:
    return viewer_for_user(personas[name], on=dt.date(2025, 6, 1))


def write(persona: str, personas: dict[str, Any], **values: Any) -> Conference:
    return conference_create(
        viewer=viewer(personas, persona), via="cli", at=timezone.now(), values=values
    )


def test_the_last_day_is_stored_as_the_day_after_and_written_back_as_the_last_day(personas):
    conference = write("admin", personas, **TWO_DAYS)

    assert conference.slug == "gc-6"
    assert (conference.start, conference.end) == (dt.date(2026, 5, 1), dt.date(2026, 5, 3))
    entry = AuditEntry.objects.get(object_type="conference", object_id="gc-6")
    assert entry.action == "create"
    assert "2026-05-02" in json.dumps(entry.after)
    assert "2026-05-03" not in json.dumps(entry.after)


def test_a_one_day_conference_ends_on_its_first_day(personas):
    conference = write(
        "alice", personas, name={"en": "A day"}, start="2026-01-10", end="2026-01-10"
    )

    assert conference.end == dt.date(2026, 1, 11)
    assert conference.slug.startswith("conference-")  # not an administrator: a fresh id


def test_a_last_day_before_the_first_is_refused_beside_the_last_day(personas):
    with pytest.raises(ValidationError) as refused:
        write("alice", personas, name={"en": "Backwards"}, start="2026-05-03", end="2026-05-01")

    assert list(refused.value.message_dict) == ["end"]
    assert not Conference.objects.filter(name={"en": "Backwards"}).exists()


@pytest.mark.parametrize("name", ["bob", "mia", "charlie", "tanya"])
def test_only_those_who_act_for_the_organization_record_a_conference(personas, name):
    with pytest.raises(PermissionDenied):
        write(name, personas, **TWO_DAYS)


def test_new_days_that_leave_a_session_outside_are_refused_beside_that_day(personas):
    gc5 = Conference.objects.get(slug="gc-5")  # 2025-05-18 .. 2025-05-24, sessions on 18-24

    with pytest.raises(ValidationError) as late:
        conference_update(
            viewer=ADMIN,
            via="cli",
            at=timezone.now(),
            conference=gc5,
            changes={"end": "2025-05-22"},
        )
    with pytest.raises(ValidationError) as early:
        conference_update(
            viewer=ADMIN,
            via="cli",
            at=timezone.now(),
            conference=Conference.objects.get(slug="gc-5"),
            changes={"start": "2025-05-19"},
        )

    assert list(late.value.message_dict) == ["end"]
    assert "gc5-d4" in late.value.message_dict["end"][0]
    assert list(early.value.message_dict) == ["start"]
    assert "gc5-d1" in early.value.message_dict["start"][0]
    assert Conference.objects.get(slug="gc-5").end == dt.date(2025, 5, 25)


def test_a_change_that_changes_nothing_leaves_no_audit_entry(personas):
    gc5 = Conference.objects.get(slug="gc-5")
    conference_update(
        viewer=ADMIN, via="cli", at=timezone.now(), conference=gc5, changes={"end": "2025-05-24"}
    )

    assert not AuditEntry.objects.filter(object_type="conference").exists()


def test_a_joint_session_is_recorded_by_an_officer_of_one_host(personas):
    session = session_create(
        viewer=viewer(personas, "bob"),
        via="cli",
        at=timezone.now(),
        values={
            "date": "2025-06-10",
            "hosts": ["ec-kz", "ec-jp"],
            "attendees": [{"person": "park-minjun", "role": "guest", "capacity": "for Japan"}],
            "occasions": ["founding-day"],
        },
    )

    assert [host.body.slug for host in session.hosts.all()] == ["ec-kz", "ec-jp"]
    assert [(a.person.slug, a.role) for a in session.attendees.all()] == [("park-minjun", "guest")]
    assert [o.commemoration.slug for o in session.occasions.all()] == ["founding-day"]


def test_a_session_hosted_only_by_another_committee_is_still_refused(personas):
    with pytest.raises(PermissionDenied) as refused:
        session_create(
            viewer=viewer(personas, "bob"),
            via="cli",
            at=timezone.now(),
            values={"date": "2025-06-10", "hosts": ["ec-jp"]},
        )

    assert "ec-jp" in str(refused.value)
    assert not Session.objects.filter(date=dt.date(2025, 6, 10)).exists()


def test_a_hidden_attendee_is_refused_like_a_missing_one_beside_that_row(personas):
    def refusal(person: str) -> dict[str, list[str]]:
        with pytest.raises(ValidationError) as refused:
            session_create(
                viewer=viewer(personas, "bob"),
                via="cli",
                at=timezone.now(),
                values={
                    "date": "2025-06-10",
                    "hosts": ["ec-kz"],
                    "attendees": [
                        {"person": "timur-akhmetov", "role": "speaker"},
                        {"person": person, "role": "guest"},
                    ],
                },
            )
        return refused.value.message_dict

    hidden, missing = refusal("lark"), refusal("no-such-person")

    assert list(hidden) == ["attendees[1].person"]
    assert hidden["attendees[1].person"] == [
        message.replace("no-such-person", "lark") for message in missing["attendees[1].person"]
    ]


# -- the API ------------------------------------------------------------------------------


def api(personas: dict[str, Any], name: str) -> Client:
    client = Client()
    sign_in(client, personas[name])
    return client


def post(client: Client, path: str, body: Any) -> Any:
    # The browser session needs the CSRF token; a test client does not enforce it.
    return client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json")


def test_the_api_records_and_changes_a_conference(personas):
    alice = api(personas, "alice")

    created = post(alice, "/conferences", TWO_DAYS)
    slug = created.json()["id"]
    changed = alice.patch(
        f"/api/v1/conferences/{slug}",
        data=json.dumps({"end": "2026-05-03", "dedication": {"en": "To the founders"}}),
        content_type="application/json",
    )

    assert created.status_code == 201
    assert created.json()["end"] == "2026-05-02"
    assert changed.status_code == 200, changed.content
    assert changed.json()["end"] == "2026-05-03"
    assert Conference.objects.get(slug=slug).end == dt.date(2026, 5, 4)


def test_the_api_refuses_a_conference_ending_before_it_starts_naming_the_field(personas):
    response = post(api(personas, "alice"), "/conferences", {**TWO_DAYS, "end": "2026-04-30"})

    assert response.status_code == 400
    assert [problem["path"] for problem in response.json()["errors"]] == ["end"]


def test_the_api_refuses_a_conference_to_a_committee_officer(personas):
    response = post(api(personas, "bob"), "/conferences", TWO_DAYS)

    assert response.status_code == 403
    assert not Conference.objects.filter(slug__startswith="gc-6").exists()


def test_the_api_answers_an_unknown_conference_with_404(personas):
    response = api(personas, "alice").patch(
        "/api/v1/conferences/no-such", data="{}", content_type="application/json"
    )

    assert response.status_code == 404


def test_the_sessions_api_takes_attendees_and_occasions(personas):
    response = post(
        api(personas, "bob"),
        "/sessions",
        {
            "date": "2025-06-10",
            "hosts": ["ec-kz"],
            "attendees": [{"person": "timur-akhmetov", "role": "rapporteur"}],
            "occasions": ["charter-day"],
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["attendees"] == [{"person": "timur-akhmetov", "role": "rapporteur"}]
    assert response.json()["occasions"] == ["charter-day"]


def test_a_host_the_editor_may_not_see_stays_when_they_change_the_hosts(personas):
    from chapterhouse.meetings.services import session_update
    from chapterhouse.registry.models import Body

    Body.objects.create(
        slug="jp-inner-circle",
        kind="working_group",
        name={"en": "Inner circle"},
        parent=Body.objects.get(slug="ec-jp"),
        internal=True,
    )
    session = session_create(
        viewer=ADMIN,
        via="cli",
        at=timezone.now(),
        values={"date": "2025-06-10", "hosts": ["ec-kz", "jp-inner-circle"]},
    )
    bob = viewer(personas, "bob")
    assert not bob.sees_body(Body.objects.get(slug="jp-inner-circle").pk, internal=True)

    session_update(
        viewer=bob,
        via="cli",
        at=timezone.now(),
        session=session,
        changes={"hosts": ["ec-kz", "ec-jp"]},
    )

    assert [host.body.slug for host in session.hosts.all()] == [
        "ec-kz",
        "jp-inner-circle",
        "ec-jp",
    ]

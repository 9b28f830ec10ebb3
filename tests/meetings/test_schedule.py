"""A conference's sessions are held on its days, with day numbers in order."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chapterhouse.chronicle.importer import ChronicleInvalid, chronicle_import
from chapterhouse.custody.access import ADMIN
from chapterhouse.meetings.models import Session
from chapterhouse.meetings.schedule import SessionSlot, schedule_problems
from chapterhouse.reports.conference import conference_report, render_markdown
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(f"/api/v1{url}", data, content_type="application/json")


def patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(f"/api/v1{url}", data, content_type="application/json")


def session(**values: Any) -> dict[str, Any]:
    return {"id": "gc5-extra", "conference": "gc-5", "hosts": ["ec-kz"], **values}


def test_a_session_after_the_conferences_last_day_is_refused_and_nothing_is_written(
    client, personas
):
    sign_in(client, personas["admin"])

    response = post(client, "/sessions", session(day=5, date="2025-05-25"))

    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem["path"] == "date"
    assert "2025-05-18 to 2025-05-24" in problem["message"]
    assert not Session.objects.filter(slug="gc5-extra").exists()


def test_a_day_number_past_the_conferences_length_is_refused(client, personas):
    sign_in(client, personas["admin"])

    response = post(client, "/sessions", session(day=8, date="2025-05-24"))

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "day", "message": "The conference gc-5 lasts 7 days; there is no day 8."}
    ]


def test_a_later_day_held_before_an_earlier_one_is_refused(client, personas):
    sign_in(client, personas["admin"])

    response = post(client, "/sessions", session(day=5, date="2025-05-19"))

    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem == {
        "path": "day",
        "message": "Day 5 cannot be held before day 4, which is on 2025-05-24.",
    }


def test_a_fifth_day_on_the_last_day_fits(client, personas):
    sign_in(client, personas["admin"])

    response = post(client, "/sessions", session(day=5, date="2025-05-24"))

    assert response.status_code == 201, response.content


def test_moving_a_day_out_of_its_conference_is_refused(client, personas):
    sign_in(client, personas["bob"])

    response = patch(client, "/sessions/gc5-d2", {"date": "2025-06-20"})

    assert response.status_code == 400
    assert Session.objects.get(slug="gc5-d2").date == dt.date(2025, 5, 20)


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def import_data(data: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "file.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    chronicle_import(path)


def test_the_importer_refuses_a_day_five_after_a_four_day_conference_ended(
    demo_file: Path, tmp_path: Path
):
    data = load(demo_file)
    extra = copy.deepcopy(next(s for s in data["sessions"] if s["id"] == "gc5-d4"))
    extra.update({"id": "gc5-d5", "day": 5, "date": "2025-05-26"})
    extra.pop("documents", None)
    data["sessions"].append(extra)

    with pytest.raises(ChronicleInvalid) as refused:
        import_data(data, tmp_path)

    errors = {error.path: error.message for error in refused.value.errors}
    assert list(errors) == [f"sessions[{len(data['sessions']) - 1}].date"]
    assert "held from 2025-05-18 to 2025-05-24" in next(iter(errors.values()))
    assert not Session.objects.exists()


def test_the_importer_refuses_shortening_a_conference_under_its_sessions(
    demo, demo_file: Path, tmp_path: Path
):
    data = load(demo_file)
    data["conferences"][0]["end"] = "2025-05-22"
    data = {"chronicle": 1, "conferences": data["conferences"]}

    with pytest.raises(ChronicleInvalid) as refused:
        import_data(data, tmp_path)

    [error] = refused.value.errors
    assert error.path == "conferences[0]"
    assert error.message.startswith("session gc5-d4: ")


def test_the_rule_checks_many_sessions_in_one_pass():
    slots = [
        SessionSlot(
            key=n,
            date=dt.date(2025, 1, 1) + dt.timedelta(days=n // 10),
            precision="day",
            day=n // 10 + 1,
        )
        for n in range(20_000)
    ]
    slots.append(SessionSlot(key="late", date=dt.date(2025, 1, 2), precision="day", day=2000))

    problems = schedule_problems(
        conference_slug="long",
        start=dt.date(2025, 1, 1),
        start_precision="day",
        end=dt.date(2031, 1, 1),
        end_precision="day",
        slots=slots,
    )

    assert [problem.key for problem in problems] == ["late"]


def test_the_report_covers_every_change_its_decisions_made_even_after_its_days(
    demo, demo_file: Path, tmp_path: Path
):
    data = load(demo_file)
    data["decisions"].append(
        {
            "id": "gc5-later-appointment",
            "session": "gc5-d4",
            "date": "2025-07-01",
            "kind": "appointment",
            "status": "adopted",
            "effects": [
                {"op": "start_term", "person": "erik-lind", "body": "ec-nordic", "role": "member"}
            ],
        }
    )
    import_data(data, tmp_path)

    text = render_markdown(conference_report(conference="gc-5", lang="en", viewer=ADMIN))

    assert "Erik Lind" in text

"""The meetings endpoints on the demo organization: conferences, sessions, decisions."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("demo")


def test_it_lists_the_conferences(get_json):
    conferences = get_json("/api/v1/conferences")

    assert conferences["count"] == 1
    conference = conferences["items"][0]
    assert conference["id"] == "gc-5"
    assert conference["name"]["ru"] == "5-я генеральная конференция"
    assert conference["session_count"] == 4


def test_it_shows_a_conference_with_its_days_and_hosts(get_json):
    conference = get_json("/api/v1/conferences/gc-5")

    assert conference["dedication"]["en"].startswith("Dedicated to the 27th anniversary")
    days = [(s["day"], s["id"], [h["id"] for h in s["hosts"]]) for s in conference["sessions"]]
    assert days == [
        (1, "gc5-d1", ["council"]),
        (2, "gc5-d2", ["ec-kz", "soc-steppe"]),
        (3, "gc5-d3", ["ec-ar"]),
        (4, "gc5-d4", ["ec-jp", "ec-nordic"]),
    ]
    assert [d["id"] for d in conference["decisions"]] == ["gc5-resign", "gc5-rename", "gc5-focus"]


def test_it_lists_sessions_of_a_conference_between_two_days(get_json):
    sessions = get_json("/api/v1/sessions?conference=gc-5&from=2025-05-19&to=2025-05-23")

    assert [s["id"] for s in sessions["items"]] == ["gc5-d2", "gc5-d3"]
    assert sessions["items"][0]["conference"] == "gc-5"


def test_it_lists_the_sessions_a_body_hosted(get_json):
    sessions = get_json("/api/v1/sessions?host=soc-steppe")

    assert [s["id"] for s in sessions["items"]] == ["gc5-d2"]


def test_it_shows_a_session_with_its_occasion_attendees_and_documents(admin_json):
    # One participant (olga-smirnova) is not public: an administrator sees her.
    session = admin_json("/api/v1/sessions/gc5-d2")

    assert session["venue"]["en"] == "Hall of the Steppe Society"
    assert session["venue"]["ko"] == "초원협회 회관"  # the demo writes every working language
    assert session["format"] == "hybrid"
    assert session["chair"]["id"] == "aigerim-bekova"
    assert session["occasions"] == [
        {
            "id": "founding-day",
            "name": {
                "en": "League Founding Day",
                "ru": "День основания Лиги",
                "de": "Gründungstag der Liga",
                "zh": "联盟成立纪念日",
                "ko": "연맹 창립기념일",
            },
            "date": "1998-05-20",
            "anniversary": 27,
        }
    ]
    assert [(a["person"], a["role"]) for a in session["attendees"]] == [
        ("aigerim-bekova", "chair"),
        ("timur-akhmetov", "speaker"),
        ("olga-smirnova", "participant"),
    ]
    assert [d["id"] for d in session["decisions"]] == ["gc5-d2-candidates", "gc5-d2-cell"]


def test_it_shows_the_author_of_a_speech(get_json):
    session = get_json("/api/v1/sessions/gc5-d1")

    speech = session["documents"][0]
    assert speech["kind"] == "speech"
    assert speech["author"] == {"id": "irina-volkova", "name": "Irina Volkova"}


def test_it_filters_decisions_by_status(get_json):
    rejected = get_json("/api/v1/decisions?status=rejected")

    assert [d["id"] for d in rejected["items"]] == ["gc5-d3-rejected"]
    assert rejected["items"][0]["votes"] == {"for": 3, "against": 9, "abstain": 2}


def test_it_lists_the_decisions_of_a_session(get_json):
    decisions = get_json("/api/v1/decisions?session=gc5-d4")

    assert [d["id"] for d in decisions["items"]] == [
        "gc5-d4-treaty",
        "gc5-d4-award",
        "gc5-d4-rep",
    ]


def test_it_shows_what_the_dissolution_of_the_logistics_department_changed(get_json, admin_json):
    # The director whose term ended (olga-smirnova) is not public: an administrator sees her.
    decision = admin_json("/api/v1/decisions/gc5-d1-dissolve")

    assert decision["proposed_by"]["id"] == "irina-volkova"
    assert decision["session"]["id"] == "gc5-d1"
    assert decision["conference"]["id"] == "gc-5"
    assert decision["effects"][0]["op"] == "dissolve_body"
    changes = decision["changes"]
    assert [b["id"] for b in changes["bodies_dissolved"]] == ["dept-4"]
    assert changes["terms_ended"][0]["person"] == "olga-smirnova"
    assert {(m["from"], m["to"]) for m in changes["mandates_moved"]} == {
        ("dept-4", "ec-ar"),
        ("dept-4", "ec-jp"),
        ("dept-4", "ec-kz"),
        ("dept-4", "ec-nordic"),
    }


def test_it_shows_the_terms_an_election_started(get_json):
    changes = get_json("/api/v1/decisions/gc5-d1-elect")["changes"]

    assert [(t["person"], t["body"], t["role"]) for t in changes["terms_started"]] == [
        ("park-minjun", "ec-jp", "head"),
        ("park-minjun", "council", "member"),
    ]


def test_it_shows_a_proposed_decision_changed_nothing_yet(get_json):
    decision = get_json("/api/v1/decisions/gc5-d3-nominate")

    assert decision["status"] == "proposed"
    assert decision["effects"][0]["person"] == "joao-silva"
    assert all(changed == [] for changed in decision["changes"].values())

"""The relations endpoints on the demo organization: partners, agreements, honours, tasks."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("demo")


def test_it_lists_partners_in_a_country(get_json):
    partners = get_json("/api/v1/partners?country=ar")

    assert [p["id"] for p in partners["items"]] == ["andes-foundation", "ar-culture-ministry"]
    assert partners["items"][0]["kind"] == "foundation"


def test_it_shows_a_partner_with_its_agreements(get_json):
    partner = get_json("/api/v1/partners/almaty-teachers")

    assert partner["name"]["ru"] == "Союз учителей Алматы"
    assert [a["id"] for a in partner["agreements"]] == ["coop-teachers"]


def test_it_lists_agreements_by_status(get_json):
    signed = get_json("/api/v1/agreements?status=signed")
    in_development = get_json("/api/v1/agreements?status=in_development")

    assert [a["id"] for a in signed["items"]] == ["coop-nordic-youth"]
    assert [a["id"] for a in in_development["items"]] == ["coop-teachers"]


def test_it_shows_the_signed_agreement_with_its_articles_and_signatories(get_json):
    agreement = get_json("/api/v1/agreements/coop-nordic-youth")

    assert agreement["status"] == "signed"
    assert agreement["date"] == "2025-05-24"
    assert agreement["signed_by"] == "gc5-d4-treaty"
    assert agreement["articles"][0]["en"] == "To promote mutual cooperation in good faith."
    assert agreement["articles"][0]["de"] == (
        "Die gegenseitige Zusammenarbeit nach Treu und Glauben zu fördern."
    )
    assert [(s["person"], s["party"]) for s in agreement["signatories"]] == [
        ("irina-volkova", "self"),
        ("erik-lind", "nordic-youth"),
    ]
    assert agreement["parties"][1] == {
        "id": "nordic-youth",
        "name": {
            "en": "Nordic Youth Exchange",
            "ru": "Северный молодёжный обмен",
            "de": "Nordischer Jugendaustausch",
            "zh": "北欧青年交流会",
            "ko": "북유럽청년교류회",
        },
    }


def test_it_lists_honours_with_how_often_they_were_awarded(get_json):
    honours = get_json("/api/v1/honours")

    assert [(h["id"], h["award_count"]) for h in honours["items"]] == [
        ("friendship-badge", 1),
        ("letter-of-thanks", 0),
    ]


def test_it_shows_who_received_the_friendship_badge(admin_json):
    # The recipient (lark, call sign Lark) is not public: an administrator sees her.
    honour = admin_json("/api/v1/honours/friendship-badge")

    assert honour["kind"] == "badge"
    assert honour["awards"] == [
        {
            "person": "lark",
            "name": "Ana Costa",
            "date": "2025-05-24",
            "decision": "gc5-d4-award",
            "citation": "gc5-d4-letter",
        }
    ]


def test_it_lists_open_tasks_by_due_date(get_json):
    tasks = get_json("/api/v1/tasks?status=open")

    assert [(t["id"], t["due"]) for t in tasks["items"]] == [
        ("proceedings", "2025-07-01"),
        ("student-clubs", "2025-12-31"),
    ]


def test_it_shows_a_task_with_its_assignees_and_decision(get_json):
    task = get_json("/api/v1/tasks/proceedings")

    assert task["assignees"] == [
        {
            "kind": "body",
            "id": "dept-3",
            "name": {
                "en": "3rd Media Department",
                "ru": "3-й информационный отдел",
                "de": "3. Medienabteilung",
                "zh": "第三媒体部",
                "ko": "제3미디어부",
            },
        }
    ]
    assert task["decision"]["id"] == "gc5-d1-task"
    assert task["decision"]["date"] == "2025-05-18"

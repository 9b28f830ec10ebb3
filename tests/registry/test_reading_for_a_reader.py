"""The reading commands name everything and render for a chosen reader (``--as``/``--public``).

Olga Smirnova (private, custodian ec-kz) was director of dept-4 until it was dissolved on
2025-05-18: the operator and bob (officer of ec-kz) see her name, a visitor sees the post
held by "a member of Kazakh Executive Committee".
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chapterhouse.registry.mandates import mandate_names

pytestmark = pytest.mark.django_db

PLACEHOLDER = "a member of Kazakh Executive Committee"
# A table wraps a long cell over two lines; its first words stay together.
PLACEHOLDER_START = "a member of Kazakh"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def diff(*options: str) -> str:
    return run("diff", "--from", "2025-05-18", "--to", "2025-05-24", *options)


def test_the_operator_sees_the_private_director_by_name(demo):
    assert "Olga Smirnova" in diff()


def test_diff_public_lists_her_post_under_the_placeholder(demo):
    text = diff("--public")

    assert "Olga Smirnova" not in text
    assert PLACEHOLDER_START in text
    assert "Director" in text


def test_diff_as_her_custodians_officer_shows_her(personas):
    assert "Olga Smirnova" in diff("--as", "bob@chapterhouse.test")


def test_diff_as_an_outsider_shows_the_placeholder(personas):
    text = diff("--as", "charlie@chapterhouse.test")

    assert "Olga Smirnova" not in text
    assert PLACEHOLDER_START in text


def test_diff_as_an_unknown_address_fails_saying_which(demo):
    with pytest.raises(CommandError) as refused:
        diff("--as", "nobody@example.test")
    assert str(refused.value) == (
        "--as: there is no active account with the e-mail 'nobody@example.test'"
    )


def test_the_json_diff_for_the_public_gives_no_id_of_the_hidden_person(demo):
    data = json.loads(diff("--public", "--format", "json"))

    ended = [term for term in data["ended"] if term["body"] == "dept-4"]
    assert [(term["person"], term["name"]) for term in ended] == [(None, PLACEHOLDER)]


def test_markdown_diff_and_report_take_the_reader_too(personas):
    assert PLACEHOLDER in diff("--public", "--format", "md")
    assert "Olga Smirnova" in diff("--as", "bob@chapterhouse.test", "--format", "md")
    public = run("report", "conference", "gc-5", "--public")
    assert "Olga Smirnova" not in public
    assert PLACEHOLDER in public
    assert "Olga Smirnova" in run("report", "conference", "gc-5", "--as", "bob@chapterhouse.test")


def test_one_reader_at_a_time(demo):
    with pytest.raises(CommandError, match="not allowed with argument"):
        diff("--public", "--scope", "ec-kz")


def test_history_public_refuses_a_private_person_as_unknown(demo):
    with pytest.raises(CommandError, match="no person with id 'olga-smirnova'"):
        run("history", "olga-smirnova", "--public")
    assert "Olga Smirnova" in run("history", "olga-smirnova")


# --- names, not ids ---------------------------------------------------------------


def test_the_diff_names_bodies_and_gives_the_decision_of_each_founding_and_dissolution(demo):
    text = diff()

    assert "Primary Cell at the Almaty Conservatory" in text
    assert "cell-almaty-cons" not in text
    assert "dept-4" not in text
    bodies = text[text.index("Bodies") :]
    founded = next(line for line in bodies.splitlines() if "founded" in line)
    dissolved = next(line for line in bodies.splitlines() if "dissolved" in line)
    assert "gc5-d2-cell" in founded
    assert "gc5-d1-dissolve" in dissolved
    assert "4th Logistics Department" in dissolved


def test_the_diff_says_why_and_by_which_decision_a_term_ended(demo):
    text = run("diff", "--from", "2026-05-23", "--to", "2026-05-25")

    expired = next(line for line in text.splitlines() if "Lars Eriksson" in line)
    assert "the term expired" in expired
    assert "gc5-d4-rep" in expired
    assert "Coordination Council" in expired


def test_the_diff_json_carries_names_and_decisions(demo):
    data = json.loads(diff("--format", "json"))

    assert data["dissolved"] == ["dept-4"]
    assert data["bodies_dissolved"] == [
        {
            "body": "dept-4",
            "name": {
                "en": "4th Logistics Department",
                "ru": "4-й отдел логистики",
                "de": "4. Logistikabteilung",
                "zh": "第四后勤部",
                "ko": "제4물류부",
            },
            "date": "2025-05-17",
            "decision": "gc5-d1-dissolve",
        }
    ]
    move = data["mandates_moved"][0]
    assert move["from_name"]["en"] == "4th Logistics Department"
    assert move["mandate_name"] == mandate_names(["event-logistics"])["event-logistics"]


def test_the_api_diff_carries_the_same_names_and_decisions(demo, client):
    data = client.get("/api/v1/diff?from=2025-05-18&to=2025-05-24").json()

    assert data["bodies_founded"][0]["decision"] == "gc5-d2-cell"
    assert data["bodies_dissolved"][0]["name"]["en"] == "4th Logistics Department"
    ended = next(term for term in data["ended"] if term["body"] == "dept-4")
    assert ended["body_name"]["en"] == "4th Logistics Department"
    assert ended["end_decision"] == "gc5-d1-dissolve"
    assert ended["person"] is None  # a visitor: the placeholder, no id


def test_the_diff_words_roles_how_and_why_in_the_language_asked(demo):
    text = diff("--lang", "zh")

    elected = next(line for line in text.splitlines() if "gc5-d1-elect" in line)
    assert "负责人" in elected or "委员" in elected  # Head / Member, not English
    assert "Head" not in elected and "elected" not in elected
    assert "日本执行委员会" in text or "协调理事会" in text

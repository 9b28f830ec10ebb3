"""One person search: any name, any script, ranked; custody as everywhere (issue 13)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from django.utils import timezone

from chapterhouse.custody.access import ADMIN, ANONYMOUS, Viewer, scopes_for_grants
from chapterhouse.registry.models import Body, Person
from chapterhouse.registry.name_keys import name_keys
from chapterhouse.registry.search import search_people
from chapterhouse.registry.services import person_create, person_update


def found(q: str, viewer: Viewer = ADMIN) -> list[str]:
    return [match.person.slug for match in search_people(q, viewer=viewer)]


def first(q: str, viewer: Viewer = ADMIN) -> str | None:
    slugs = found(q, viewer)
    return slugs[0] if slugs else None


def record(slug: str, name: str, *variants: tuple[str, str]) -> Person:
    return person_create(
        viewer=ADMIN,
        via="cli",
        at=timezone.now(),
        values={
            "id": slug,
            "name": name,
            "custodian": "ec-kz",
            "names": [{"name": variant, "lang": lang} for variant, lang in variants],
        },
    )


@pytest.fixture
def people(demo: None) -> None:
    record("petr-shishkov", "Пётр Шишков")
    record("katrin-sjogren", "Katrin Sjögren")
    record("kim-yundeok", "Kim Yun-deok", ("김윤덕", "ko"))


@pytest.mark.parametrize(
    ("query", "person"),
    [
        ("박민준", "park-minjun"),
        ("Pak Minjun", "park-minjun"),
        ("PARK MINJUN", "park-minjun"),
        ("Minjun Park", "park-minjun"),
        ("Petr Shishkov", "petr-shishkov"),
        ("Pyotr Šiškov", "petr-shishkov"),
        ("Петр Шишков", "petr-shishkov"),
        ("Shishkov", "petr-shishkov"),
        ("Petr Shishkof", "petr-shishkov"),
        ("Sjogren", "katrin-sjogren"),
        ("Шёгрен, Катрин", "katrin-sjogren"),
        ("KIM Yunduk", "kim-yundeok"),
        ("Yunduk Kim", "kim-yundeok"),
        ("Kim Yoon-deok", "kim-yundeok"),
    ],
)
def test_it_finds_a_person_by_a_spelling_not_stored(people, query, person):
    assert first(query) == person


def test_it_tells_which_name_matched_and_ranks_the_best_first(people):
    record("kim-yunsu", "Kim Yun-su")
    matches = search_people("김윤덕", viewer=ADMIN)

    assert matches[0].person.slug == "kim-yundeok"
    assert "kim-yunsu" in [match.person.slug for match in matches]
    assert matches[0].matched == "김윤덕"
    assert matches[0].score == 100
    assert all(a.score >= b.score for a, b in pairwise(matches))


def test_han_finds_the_same_person_in_traditional_and_simplified_characters(demo):
    record("chen-ming", "Chen Ming", ("陳明", "zh"))

    assert first("陈明") == "chen-ming"
    assert first("Ming Chen") == "chen-ming"


def test_keys_fold_hyphens_spaces_case_and_order():
    assert set(name_keys("Min-jun Park")) & set(name_keys("PARK Min Jun"))
    assert name_keys("Park Minjun")[0] == name_keys("박민준")[0]
    assert name_keys("!!!") == ()


def test_a_renamed_person_is_found_by_the_new_name_only(demo):
    person = record("ks-1", "Katrin Sjögren")
    person_update(
        viewer=ADMIN, via="cli", at=timezone.now(), person=person, changes={"name": "Katrin Berg"}
    )

    assert first("Katrin Berg") == "ks-1"
    assert "ks-1" not in found("Sjögren Katrin")


# -- custody ------------------------------------------------------------------------------


def member_of(slug: str) -> Viewer:
    return Viewer(scopes=scopes_for_grants([("member", Body.objects.get(slug=slug).pk)]))


def officer_of(slug: str) -> Viewer:
    return Viewer(scopes=scopes_for_grants([("officer", Body.objects.get(slug=slug).pk)]))


def test_a_call_signed_person_is_found_by_the_call_sign_by_whoever_sees_her(demo):
    assert first("Lark", member_of("rc-pt")) == "lark"
    assert first("lark", officer_of("rc-pt")) == "lark"


def test_her_real_name_finds_her_only_for_her_custodians(demo):
    for real_name in ("Ana Costa", "Ана Кошта", "아나 코스타", "Anna Kosta"):
        assert "lark" not in found(real_name, member_of("rc-pt"))
        assert "lark" in found(real_name, officer_of("rc-pt"))


def test_a_hidden_person_is_never_returned(demo):
    for query in ("Olga Smirnova", "Ольга Смирнова", "olga-smirnova"):
        assert "olga-smirnova" not in found(query, ANONYMOUS)
        assert "olga-smirnova" in found(query, officer_of("ec-kz"))


# -- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "a",
        "x" * 10_000,
        "!!! ... ---",
        "",
        "   ",
        "' OR 1=1; --",
        '"park" OR NEAR(a b) *',
        "registry_personnamekey_fts MATCH '*'",
        "%%%_",
        "\x00",
    ],
)
def test_bad_queries_find_nobody_and_raise_nothing(people, query):
    result = search_people(query, viewer=ADMIN)

    assert all(match.score >= 70 for match in result)
    assert "park-minjun" not in [match.person.slug for match in result]


def test_a_search_runs_a_bounded_number_of_queries(people, django_assert_max_num_queries):
    for index in range(30):
        record(f"extra-{index}", f"Kim Min-jun {index}")

    officer = officer_of("ec-kz")

    with django_assert_max_num_queries(3):
        assert len(search_people("Kim Minjun", viewer=officer)) == 20

"""People are named in the reader's language or script where a variant is recorded
(docs/decisions/0028), and the demo speaks every working language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from chapterhouse.custody.access import (
    ANONYMOUS,
    PeopleNamer,
    local_name_of,
    person_row,
    viewer_for_scope,
)
from chapterhouse.registry.models import Person
from tests.conftest import sign_in

# Every way the demo writes Lark's real name (Ana Costa), in any script.
ANA_COSTA = ("Ana Costa", "아나 코스타", "安娜·科斯塔", "Ана Кошта")


def page(client: Client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_the_korean_org_chart_names_park_minjun_and_the_kazakh_committee_in_korean(demo, client):
    korean = page(client, "/", lang="ko", as_of="2025-05-19")
    english = page(client, "/", lang="en", as_of="2025-05-19")

    assert "박민준" in korean and "Park Min-jun" not in korean
    assert "카자흐 집행위원회" in korean and "Kazakh Executive Committee" not in korean
    assert "Park Min-jun" in english and "박민준" not in english


def test_the_russian_session_page_shows_its_title_and_people_in_russian(demo, client):
    russian = page(client, "/sessions/gc5-d2/", lang="ru")

    assert "Заседание Казахского исполнительного комитета" in russian
    assert "Meeting of the Kazakh Executive Committee" not in russian
    assert "Тимур Ахметов" in russian  # a speaker, by his name in Cyrillic


def test_the_person_page_and_the_list_name_people_in_the_readers_script(demo, client):
    assert "<h1>박민준</h1>" in page(client, "/people/park-minjun/", lang="ko")
    assert "<h1>Park Min-jun</h1>" in page(client, "/people/park-minjun/", lang="de")
    listed = page(client, "/people/", lang="ru")
    assert "Пак Мин Джун" in listed and "Ирина Волкова" in listed
    assert "Hans Weber" not in listed and "Ганс Вебер" in listed


def test_chinese_pages_use_the_chinese_variant_for_the_simplified_script(demo, client):
    chinese = page(client, "/sessions/gc5-d1/", lang="zh")

    assert "朴敏俊" in chinese and "开幕会议" in chinese


@pytest.mark.parametrize("lang", ["ko", "ru", "zh", "en"])
@pytest.mark.parametrize("persona", ["anonymous", "mia"])
def test_a_hidden_call_signed_person_never_shows_a_variant_of_their_real_name(
    personas: dict[str, Any], lang: str, persona: str
):
    client = Client()
    if persona != "anonymous":
        sign_in(client, personas[persona])

    html = page(client, "/decisions/gc5-d4-award/", lang=lang)
    session = page(client, "/sessions/gc5-d4/", lang=lang)
    answers = [
        client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
        for url in ("/api/v1/decisions/gc5-d4-award", "/api/v1/honours/friendship-badge")
    ]

    assert "Lark" in html and all("Lark" in answer for answer in answers)
    for written in ANA_COSTA:
        assert written not in html
        assert written not in session
        assert all(written not in answer for answer in answers)


def test_the_custodian_reads_the_call_signed_persons_real_name_in_their_script(
    personas: dict[str, Any],
):
    lark = person_row(Person.objects.get(slug="lark"))
    custodians = viewer_for_scope("rc-pt")
    alice = Client()  # the chair: an officer above Lark's committee
    sign_in(alice, personas["alice"])

    with translation.override("ru"):
        assert PeopleNamer(custodians, [lark]).name(lark) == "Ана Кошта"
        assert PeopleNamer(ANONYMOUS, [lark]).name(lark) == "Lark"
    assert "Ана Кошта" in page(alice, "/decisions/gc5-d4-award/", lang="ru")
    assert "아나 코스타" in page(alice, "/decisions/gc5-d4-award/", lang="ko")


def test_the_variants_of_someone_shown_by_call_sign_are_not_even_read(
    demo, django_assert_num_queries
):
    lark = person_row(Person.objects.get(slug="lark"))

    with translation.override("ko"), django_assert_num_queries(0):
        assert PeopleNamer(ANONYMOUS, [lark]).name(lark) == "Lark"


def test_the_names_of_a_whole_page_come_in_one_query(demo, django_assert_num_queries):
    people = [person_row(person) for person in Person.objects.filter(public=True)]

    with translation.override("ko"), django_assert_num_queries(1):
        namer = PeopleNamer(ANONYMOUS, people)
        names = {row["slug"]: namer.name(row) for row in people}

    assert names["park-minjun"] == "박민준"
    assert names["irina-volkova"] == "이리나 볼코바"
    assert names["hans-weber"] == "한스 베버"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh-hans", "简"),  # exact tag first
        ("zh", "中"),  # the base language's own tag next
        ("zh-hant", "中"),
        ("ru", None),  # no variant in the language: the display name
        (None, None),
    ],
)
def test_the_variant_follows_the_fallback_chain(lang: str | None, expected: str | None):
    variants = [
        ("Alias", "zh", "alias"),  # another name, never shown in its place
        ("Birth", "zh-Hans", "birth"),
        ("中", "zh", "native"),
        ("简", "zh-Hans", "transliteration"),
        ("Latin", "", "transliteration"),
    ]

    assert local_name_of(variants, lang) == expected


def test_a_regional_tag_serves_a_reader_of_the_same_language():
    assert local_name_of([("朴敏俊", "zh-CN", "")], "zh-hans") == "朴敏俊"
    assert local_name_of([("박민준", "ko-KR", "native")], "ko") == "박민준"

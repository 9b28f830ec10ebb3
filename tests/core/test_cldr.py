"""CLDR helpers for an explicit language: real strings in each working language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from chapterhouse.core.cldr import (
    anniversary_ordinal,
    country_name,
    date_day_month,
    date_full,
    date_span,
    list_join,
    number_in,
)

MAY_18 = dt.date(2025, 5, 18)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "79th anniversary"),
        ("ru", "79-я годовщина"),
        ("de", "79. Jahrestag"),
        ("zh-hans", "79周年"),
        ("zh", "79周年"),
        ("ko", "79주년"),
    ],
)
def test_it_writes_the_79th_anniversary_in_each_working_language(lang: str, expected: str) -> None:
    assert anniversary_ordinal(79, lang) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (1, "1st anniversary"),
        (2, "2nd anniversary"),
        (3, "3rd anniversary"),
        (4, "4th anniversary"),
        (11, "11th anniversary"),
        (12, "12th anniversary"),
        (13, "13th anniversary"),
        (21, "21st anniversary"),
        (22, "22nd anniversary"),
        (23, "23rd anniversary"),
        (101, "101st anniversary"),
        (111, "111th anniversary"),
        (1000, "1,000th anniversary"),
    ],
)
def test_english_ordinals_follow_the_cldr_rules_not_the_last_digit(
    number: int, expected: str
) -> None:
    assert anniversary_ordinal(number, "en") == expected


@pytest.mark.parametrize("number", [1, 2, 3, 11, 21, 23])
def test_languages_without_ordinal_categories_keep_one_form(number: int) -> None:
    assert anniversary_ordinal(number, "ru") == f"{number}-я годовщина"
    assert anniversary_ordinal(number, "de") == f"{number}. Jahrestag"
    assert anniversary_ordinal(number, "ko") == f"{number}주년"
    assert anniversary_ordinal(number, "zh-hans") == f"{number}周年"


def test_the_ordinal_leaves_the_active_language_as_it_was() -> None:
    with translation.override("de"):
        assert anniversary_ordinal(1, "en") == "1st anniversary"
        assert translation.get_language() == "de"


def test_an_undeclared_language_reads_as_english() -> None:
    assert anniversary_ordinal(2, "xx-nope") == "2nd anniversary"
    assert country_name("KR", "xx-nope") == "South Korea"


@pytest.mark.parametrize(
    ("lang", "korea", "germany"),
    [
        ("ko", "대한민국", "독일"),
        ("en", "South Korea", "Germany"),
        ("ru", "Республика Корея", "Германия"),
        ("zh-hans", "韩国", "德国"),
        ("de", "Südkorea", "Deutschland"),
    ],
)
def test_it_names_countries_in_each_language(lang: str, korea: str, germany: str) -> None:
    assert country_name("KR", lang) == korea
    assert country_name("de", lang) == germany


def test_an_unknown_or_missing_country_code_is_shown_as_given() -> None:
    assert country_name("QQ", "en") == "QQ"
    assert country_name("", "en") == ""


@pytest.mark.parametrize(
    ("lang", "day_month", "full"),
    [
        ("en", "May 18", "May 18, 2025"),
        ("ru", "18 мая", "18 мая 2025\u202fг."),
        ("de", "18. Mai", "18. Mai 2025"),
        ("zh-hans", "5月18日", "2025年5月18日"),
        ("ko", "5월 18일", "2025년 5월 18일"),
    ],
)
def test_it_writes_dates_in_each_languages_order_and_words(
    lang: str, day_month: str, full: str
) -> None:
    assert date_day_month(MAY_18, lang) == day_month
    assert date_full(MAY_18, lang) == full


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "May 18\u2009\u2013\u200920, 2025"),
        ("ru", "18\u201420 мая 2025\u202fг."),
        ("de", "18.\u201320. Mai 2025"),
        ("zh-hans", "2025年5月18日\u2009\u2013\u200920日"),
        ("ko", "2025년 5월 18일~20일"),
    ],
)
def test_it_writes_a_span_of_days_as_one_interval(lang: str, expected: str) -> None:
    assert date_span(MAY_18, dt.date(2025, 5, 20), lang) == expected


def test_a_span_over_new_year_names_both_years_and_one_day_is_a_date() -> None:
    across = date_span(dt.date(2024, 12, 30), dt.date(2025, 1, 2), "en")
    assert "2024" in across and "2025" in across
    assert date_span(MAY_18, MAY_18, "de") == "18. Mai 2025"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Seoul, Berlin, and Moscow"),
        ("ru", "Seoul, Berlin и Moscow"),
        ("de", "Seoul, Berlin und Moscow"),
        ("zh-hans", "Seoul、Berlin和Moscow"),
        ("ko", "Seoul, Berlin 및 Moscow"),
    ],
)
def test_it_joins_lists_with_each_languages_conjunction(lang: str, expected: str) -> None:
    assert list_join(["Seoul", "Berlin", "Moscow"], lang) == expected


def test_a_list_drops_empty_items_and_may_be_empty() -> None:
    assert list_join(["A", "", "B"], "en") == "A and B"
    assert list_join(["Alone"], "ru") == "Alone"
    assert list_join([], "en") == ""


def test_numbers_use_each_languages_grouping() -> None:
    assert number_in(100000, "en") == "100,000"
    assert number_in(100000, "de") == "100.000"
    assert number_in(100000, "ru") == "100\xa0000"

"""The template filters that show dates, countries and texts in the active language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation


def render(source: str, lang: str, **context: object) -> str:
    with translation.override(lang):
        return Template("{% load chapterhouse %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("lang", "year", "month", "day"),
    [
        ("en", "2024", "May 2024", "May 18, 2024"),
        ("ru", "2024", "май 2024\u202fг.", "18 мая 2024\u202fг."),
        ("de", "2024", "Mai 2024", "18. Mai 2024"),
        ("ko", "2024년", "2024년 5월", "2024년 5월 18일"),
        ("zh-hans", "2024年", "2024年5月", "2024年5月18日"),
    ],
)
def test_a_date_shows_only_as_much_as_is_known(lang, year, month, day):
    assert render("{{ '2024'|pdate }}", lang) == year
    assert render("{{ '2024-05'|pdate }}", lang) == month
    assert render("{{ '2024-05-18'|pdate }}", lang) == day
    assert render("{{ d|pdate:'month' }}", lang, d=dt.date(2024, 5, 1)) == month


def test_a_stored_end_shows_the_last_period_it_covers():
    assert render("{{ d|pdate_end:'day' }}", "en", d=dt.date(2025, 5, 19)) == "May 18, 2025"
    assert render("{{ d|pdate_end:'year' }}", "en", d=dt.date(2025, 1, 1)) == "2024"
    assert render("{{ d|pdate_end:'month' }}", "en", d=dt.date(2024, 9, 1)) == "August 2024"


def test_no_date_shows_nothing():
    assert render("{{ nothing|pdate }}", "en", nothing=None) == ""


def test_a_country_is_named_in_the_active_language():
    assert render("{{ 'JP'|country }}", "en") == "Japan"
    assert render("{{ 'JP'|country }}", "ru") == "Япония"
    assert render("{{ 'KZ'|country }}", "de") == "Kasachstan"
    assert render("{{ 'SE'|country }}", "ko") == "스웨덴"


@pytest.mark.parametrize(
    ("number", "english"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (11, "11th"), (22, "22nd"), (27, "27th"), (79, "79th")],
)
def test_an_anniversary_gets_its_english_ordinal(number, english):
    assert render("{{ n|anniversary }}", "en", n=number) == f"{english} anniversary"


def test_an_anniversary_is_worded_in_each_language():
    assert render("{{ 79|anniversary }}", "ru") == "79-я годовщина"
    assert render("{{ 79|anniversary }}", "de") == "79. Jahrestag"
    assert render("{{ 79|anniversary }}", "ko") == "79주년"
    assert render("{{ 79|anniversary }}", "zh-hans") == "79周年"


def test_a_text_follows_the_fallback_chain():
    value = {"en": "Council", "ru": "Совет", "zh": "理事会"}

    assert render("{{ v|text }}", "ru", v=value) == "Совет"
    assert render("{{ v|text }}", "zh-hans", v=value) == "理事会"
    assert render("{{ v|text }}", "de", v=value) == "Council"
    assert render("{{ v|text }}", "de", v="plain") == "plain"
    assert render("{{ v|text }}", "de", v=None) == ""


@pytest.mark.django_db
def test_a_built_in_role_is_translated():
    assert render("{{ 'head'|role }}", "de") == "Leitung"
    assert render("{{ 'executive_committee'|kind }}", "ru") == "Исполнительный комитет"
    assert render("{{ 'made_up_role'|role }}", "en") == "Made up role"

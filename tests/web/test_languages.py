"""Every page in every working language: the switcher, interface strings, dates, countries."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("ko", "조직도"),
        ("en", "Organization chart"),
        ("ru", "Структура организации"),
        ("zh", "组织结构图"),
        ("de", "Organigramm"),
    ],
)
def test_the_org_chart_heading_is_in_the_chosen_language(demo, client, lang, heading):
    page = client.get("/", {"lang": lang, "as_of": "2025-05-19"}).content.decode()

    assert f"<h1>{heading}</h1>" in page


def test_it_remembers_the_chosen_language_in_the_session(demo, client):
    client.get("/?lang=de")

    assert "<h1>Konferenzen</h1>" in client.get("/conferences/").content.decode()


def test_it_maps_chinese_to_the_simplified_script_catalogue(demo, client):
    response = client.get("/?lang=zh")

    assert response.headers["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans" ' in response.content.decode()


def test_it_follows_the_browser_when_nothing_was_chosen(demo, client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "<h1>Структура организации</h1>" in page


def test_it_ignores_a_language_the_organization_does_not_offer(demo, client):
    page = client.get("/?lang=xx").content.decode()

    assert "<h1>Organization chart</h1>" in page


def test_the_switcher_offers_the_working_languages_in_order(demo, client):
    page = client.get("/?as_of=2025-05-19&body=ec-kz").content.decode()

    switcher = page[page.index('class="language-switcher"') :]
    names = ["한국어", "English", "Русский", "中文", "Deutsch"]
    positions = [switcher.index(name) for name in names]
    assert positions == sorted(positions)
    # Each link keeps the page's other parameters.
    assert "?as_of=2025-05-19&amp;body=ec-kz&amp;lang=ru" in switcher


def test_organization_data_falls_back_to_the_default_language(demo, client):
    from chapterhouse.registry.models import Body

    # The demo names every body in every working language; take one name away.
    Body.objects.filter(slug="ec-nordic").update(name={"en": "Nordic Executive Committee"})
    page = client.get("/?lang=ru&as_of=2025-05-19").content.decode()

    assert "Координационный совет" in page  # has a Russian name
    assert "Nordic Executive Committee" in page  # has none: shown in English


def test_dates_are_written_the_way_the_language_writes_them(demo, client):
    assert "18 мая 2025" in client.get("/sessions/gc5-d1/?lang=ru").content.decode()
    assert "2025년 5월 18일" in client.get("/sessions/gc5-d1/?lang=ko").content.decode()
    assert "2025年5月18日" in client.get("/sessions/gc5-d1/?lang=zh").content.decode()
    assert "18. Mai 2025" in client.get("/sessions/gc5-d1/?lang=de").content.decode()


def test_built_in_roles_and_kinds_are_translated(demo, client):
    page = client.get("/?lang=de&as_of=2025-05-19").content.decode()

    assert "Exekutivkomitee" in page
    assert "Leitung" in page


def test_a_declared_role_is_called_what_the_organization_calls_it(demo, client):
    import datetime as dt

    from chapterhouse.registry.models import Body, Person, Role, Term

    # Declared in English and German only (the demo declares it in every language).
    Role.objects.filter(slug="ideological_secretary").update(
        name={"en": "Secretary for Ideas", "de": "Sekretär für Ideen"}
    )
    Term.objects.create(
        person=Person.objects.get(slug="irina-volkova"),
        body=Body.objects.get(slug="ec-kz"),
        role="ideological_secretary",
        start=dt.date(2024, 1, 1),
    )

    german = client.get("/bodies/ec-kz/?lang=de&as_of=2025-05-19").content.decode()
    korean = client.get("/bodies/ec-kz/?lang=ko&as_of=2025-05-19").content.decode()

    assert "Sekretär für Ideen" in german
    assert "Secretary for Ideas" in korean  # not declared in Korean: the default language


def test_the_not_found_page_is_translated(demo, client):
    response = client.get("/bodies/nothing-here/?lang=ru")

    assert response.status_code == 404
    assert "Не найдено" in response.content.decode()


def test_the_bad_request_page_is_translated(demo, client):
    response = client.get("/?lang=ko&as_of=never")

    assert response.status_code == 400
    assert "잘못된 요청" in response.content.decode()

"""The conference report as a page and as downloads, and the readable diff page."""

from __future__ import annotations

import re

import pytest

from chapterhouse.meetings.models import Conference
from tests.conftest import grow_conference, sign_in
from tests.reports.conftest import pdf_text

WORKING = ["ko", "en", "ru", "zh", "de"]


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.content[:300]
    return response.content.decode("utf-8")


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Day 2. Kazakh Executive Committee and Steppe Society for Cultural Exchange"),
        (
            "ru",
            "День 2. Казахский исполнительный комитет и Степное общество культурного обмена"
            " (Казахстан — 20 мая)",
        ),
        (
            "ko",
            "2일차: 카자흐 집행위원회 및 초원문화교류협회 (카자흐스탄, 5월 20일)",
        ),
        (
            "zh",
            "第2天：哈萨克执行委员会和草原文化交流协会（哈萨克斯坦，5月20日）",
        ),
        (
            "de",
            "Tag 2. Kasachisches Exekutivkomitee und Steppengesellschaft für Kulturaustausch"
            " (Kasachstan — 20. Mai)",
        ),
    ],
)
def test_the_report_page_shows_the_report_in_the_language_asked(demo, client, lang, line):
    html = page(client, f"/conferences/gc-5/report/?lang={lang}")
    assert line in html
    assert f'<article class="conference-report" lang="{lang}">' in html


def test_the_report_page_links_every_download_and_so_does_the_conference_page(demo, client):
    for path in ("/conferences/gc-5/report/", "/conferences/gc-5/"):
        html = page(client, path)
        for lang in WORKING:
            assert f"/conferences/gc-5/report/?lang={lang}" in html
            assert f"/conferences/gc-5/report.md?lang={lang}" in html
            assert f"/conferences/gc-5/report.pdf?lang={lang}" in html


def test_the_downloads_are_markdown_and_pdf_files(demo, client):
    response = client.get("/conferences/gc-5/report.md?lang=ru")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'filename="gc-5-ru.md"' in response["Content-Disposition"]
    assert response.content.decode("utf-8").startswith("# 5-я генеральная конференция")
    response = client.get("/conferences/gc-5/report.pdf?lang=ko")
    assert response["Content-Type"] == "application/pdf"
    assert "27주년" in re.sub(r"\s+", "", pdf_text(response.content))


def test_the_report_is_what_the_reader_may_see(personas, client):
    public = page(client, "/conferences/gc-5/report/?lang=en")
    assert "Olga Smirnova" not in public
    assert "a member of Kazakh Executive Committee" in public
    sign_in(client, personas["bob"])
    assert "Olga Smirnova" in page(client, "/conferences/gc-5/report/?lang=en")
    assert "Olga Smirnova" in page(client, "/conferences/gc-5/report.md?lang=en")


def test_unknown_conference_is_not_found_and_bad_requests_get_a_helpful_page(demo, client):
    page(client, "/conferences/nope/report/", 404)
    page(client, "/conferences/nope/report.pdf", 404)
    html = page(client, "/conferences/gc-5/report/?lang=fr", 400)
    assert "is not a working language" in html
    assert "/conferences/gc-5/report/?lang=ko" in html  # the languages there are
    page(client, "/conferences/gc-5/report.md?lang=fr", 400)
    Conference.objects.create(slug="empty", name={"en": "Empty"})
    html = page(client, "/conferences/empty/report/?lang=en")
    assert "has no sessions recorded yet" in html
    assert "has no sessions recorded yet" in page(client, "/conferences/empty/report.pdf", 404)
    assert "/conferences/empty/report.md" not in page(client, "/conferences/empty/")


def test_the_report_page_runs_the_same_queries_however_big_the_conference(
    demo, client, django_assert_num_queries
):
    client.get("/conferences/gc-5/report/?lang=en")  # the session remembers the language
    # 37: the names in the reader's language of the people named, once for the changes
    # section and once for the report's own people (docs/decisions/0028); one names the
    # mandates (mandate_names). The session comes from the cache (cached_db): no query.
    with django_assert_num_queries(37):
        client.get("/conferences/gc-5/report/?lang=en")
    grow_conference("gc-5", sessions=10)
    with django_assert_num_queries(37):
        html = client.get("/conferences/gc-5/report/?lang=en").content.decode()
    assert "Resolution 9" in html


def test_the_changes_page_groups_a_date_range(demo, client):
    html = page(client, "/changes?from=2025-05-18&to=2025-05-24&lang=en")
    assert "Changes from May 18, 2025 to May 24, 2025" in html
    assert (
        'Elected candidate members of <a href="/bodies/council/">Coordination Council</a>' in html
    )
    assert "a member of Kazakh Executive Committee" in html
    assert "Olga Smirnova" not in html
    assert 'name="from" value="2025-05-18"' in html
    assert "Nothing changed." in page(client, "/changes?from=1990-01-01&to=1990-01-02")
    # A year or a month means all of it.
    assert "Changes from May 1, 2025 to May 31, 2025" in page(
        client, "/changes?from=2025-05&to=2025-05&lang=en"
    )


def test_the_changes_page_links_names_and_gives_the_decisions_and_reasons(demo, client):
    html = page(client, "/changes?from=2025-05-18&to=2025-05-24&lang=en")

    assert '<a href="/people/park-minjun/">Park Min-jun</a>' in html
    # A founded and a dissolved body, each with the decision that did it.
    assert (
        '<a href="/bodies/cell-almaty-cons/">Primary Cell at the Almaty Conservatory</a>'
        ' (Primary cell), under <a href="/bodies/ec-kz/">Kazakh Executive Committee</a>'
        ' (<a href="/decisions/gc5-d2-cell/">decision of May 20, 2025</a>)' in html
    )
    assert (
        '<a href="/bodies/dept-4/">4th Logistics Department</a>'
        ' (<a href="/decisions/gc5-d1-dissolve/">decision of May 18, 2025</a>)' in html
    )
    # An ended term says why and by which decision; a hidden holder is a placeholder, unlinked.
    assert (
        "Director: a member of Kazakh Executive Committee (the body was dissolved,"
        ' <a href="/decisions/gc5-d1-dissolve/">decision of May 18, 2025</a>)' in html
    )
    assert "olga-smirnova" not in html
    assert "<h3>" not in html.split('<section class="changes">')[1]  # h1, then h2


def test_a_term_its_length_ended_says_so_on_the_changes_page(demo, client):
    html = page(client, "/changes?from=2026-05-23&to=2026-05-25&lang=en")

    assert (
        '<a href="/people/lars-eriksson/">Lars Eriksson</a> (the term expired,'
        ' <a href="/decisions/gc5-d4-rep/">decision of May 24, 2025</a>)' in html
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=yesterday&to=2025-05-24", "is not a date"),
        ("from=2025-05-24&to=2025-13-01", "is not a date"),
        ("from=2025-05-24&to=2025-05-18", "must start on or before its end"),
    ],
)
def test_bad_dates_on_the_changes_page_get_a_helpful_page(demo, client, query, message):
    html = page(client, f"/changes?{query}&lang=en", 400)
    assert message in html
    assert '<form method="get"' in html


def test_the_report_page_links_what_changed_and_the_saved_report_does_not(demo, client):
    from chapterhouse.custody.access import ANONYMOUS
    from chapterhouse.reports.conference import conference_report, render_html

    html = page(client, "/conferences/gc-5/report/?lang=en")
    assert '<a href="/bodies/cell-almaty-cons/">Primary Cell at the Almaty Conservatory</a>' in html
    assert '<a href="/decisions/gc5-d1-dissolve/">decision of May 18, 2025</a>' in html

    saved = render_html(conference_report(conference="gc-5", lang="en", viewer=ANONYMOUS))
    assert "Primary Cell at the Almaty Conservatory (Primary cell)" in saved
    assert 'href="/bodies/' not in saved

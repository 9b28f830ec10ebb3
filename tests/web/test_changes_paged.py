"""The changes page of a range too big to group: counts per kind, a page of each, "Next"."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chapterhouse.web import report_views

WIDE = "/changes?from=1990-01-01&to=2030-12-31&lang=en"


def _get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.content
    return response.content.decode()


def test_the_changes_page_counts_each_kind_at_the_top(demo, client):
    page = _get(client, "/changes?from=2025-05-18&to=2025-05-24&lang=en")

    assert 'data-kind="started">Terms started: <strong>' in page
    assert 'data-kind="mandates_moved">Mandates moved: <strong>4</strong>' in page
    # Few changes: grouped as a report, as before.
    assert "Elected candidate members of" in page


def test_a_range_too_big_to_group_lists_the_first_page_of_each_kind(demo, client, monkeypatch):
    monkeypatch.setattr(report_views, "GROUPED_CHANGES_MAX", 3)
    monkeypatch.setattr(report_views, "CHANGES_PAGE_SIZE", 2)

    page = _get(client, WIDE)

    assert "Changes from January 1, 1990 to December 31, 2030" in page
    assert "Elected candidate members of" not in page
    assert page.count('rel="next"') >= 3  # "Next" for the kinds with more than two
    assert '<section class="change-kind" id="started">' in page


def test_the_more_links_page_through_one_kind_to_its_end(demo, client, monkeypatch):
    monkeypatch.setattr(report_views, "GROUPED_CHANGES_MAX", 3)
    monkeypatch.setattr(report_views, "CHANGES_PAGE_SIZE", 2)
    page = _get(client, WIDE)
    rows = 0
    pages = 0
    while True:
        section = page.split('id="started">')[1].split("</section>")[0]
        rows += section.count('<tr data-role="')
        pages += 1
        more = re.search(r'<a href="([^"]+)" rel="next">', section)
        if more is None:
            break
        page = _get(client, "/changes" + html_module.unescape(more.group(1)))
        assert 'id="ended"' not in page  # a "Next" page lists its kind only

    assert f'data-kind="started">Terms started: <strong>{rows}</strong>' in page
    assert pages == (rows + 1) // 2


def test_a_cursor_the_page_did_not_write_is_a_400(demo, client):
    page = _get(client, f"{WIDE}&kind=started&cursor=nonsense", 400)

    assert "cursor" in page


def test_a_big_range_costs_the_queries_of_a_small_one(demo, client, monkeypatch):
    monkeypatch.setattr(report_views, "GROUPED_CHANGES_MAX", 0)
    client.get("/changes?from=2025-05-18&to=2025-05-24&lang=en")  # the session's language

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            _get(client, url)
        return len(captured.captured_queries)

    assert queries(WIDE) == queries("/changes?from=2025-05-18&to=2025-05-24&lang=en")


@pytest.mark.parametrize("kind", ["started", "mandates_moved"])
def test_a_more_page_keeps_the_counts_of_every_kind(demo, client, monkeypatch, kind):
    monkeypatch.setattr(report_views, "GROUPED_CHANGES_MAX", 0)
    monkeypatch.setattr(report_views, "CHANGES_PAGE_SIZE", 1)
    first = _get(client, WIDE)
    section = first.split(f'id="{kind}">')[1].split("</section>")[0]
    more = re.search(r'<a href="([^"]+)" rel="next">', section)
    assert more is not None

    page = _get(client, "/changes" + html_module.unescape(more.group(1)))

    assert _counts(page) == _counts(first)
    assert "First page of every kind" in page


def _counts(page: str) -> str:
    found = re.search(r'<ul class="change-counts".*?</ul>', page, re.S)
    assert found is not None
    return found.group(0)

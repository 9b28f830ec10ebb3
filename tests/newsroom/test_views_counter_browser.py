"""The view counter in a real browser: the article page's script posts the beacon once.

Run with ``pytest -m browser`` (skipped without /usr/bin/chromium unless
``CHAPTERHOUSE_REQUIRE_BROWSER=1``, as in CI).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

CHROMIUM = Path("/usr/bin/chromium")
DEMO = Path(__file__).resolve().parents[2] / "src/chapterhouse/chronicle/demo.chronicle.json"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Headless Chromium says "HeadlessChrome", which the counter ignores as a robot: this
# test reads as a person's browser would.
READER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0 Safari/537.36"
)

pytestmark = pytest.mark.browser


@pytest.fixture
def reader_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Return a Playwright page in a fresh headless Chromium that introduces itself as a
    desktop browser, collecting console errors (a script the CSP blocks shows there)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `apt-get install -y chromium` enables the browser tests"
        if os.environ.get("CHAPTERHOUSE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(user_agent=READER_AGENT)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        browser.close()


def test_opening_an_article_counts_one_reader_however_often_it_is_reloaded(
    live_server, transactional_db, reader_page
):
    from chapterhouse.chronicle.importer import chronicle_import
    from chapterhouse.newsroom.engagement.counter import views_pending_move, views_total
    from chapterhouse.newsroom.models import Article

    chronicle_import(DEMO)
    cache.clear()
    url = f"{live_server.url}/en/news/gc5-opens/"
    for _ in range(2):
        with reader_page.expect_response(lambda r: r.url.endswith("/view")) as beacon:
            reader_page.goto(url)
        assert beacon.value.status == 204
        assert beacon.value.request.method == "POST"
    assert reader_page.errors == []  # no script blocked by the CSP, no error
    views_pending_move(at=timezone.now())
    assert views_total(Article.objects.get(slug="gc5-opens")) == 1

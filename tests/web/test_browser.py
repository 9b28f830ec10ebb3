"""The pages in a real browser: Debian's Chromium driven by Playwright.

Run with ``pytest -m browser``. Without ``/usr/bin/chromium`` these tests are
skipped (``apt-get install -y chromium`` enables them) unless
``CHAPTERHOUSE_REQUIRE_BROWSER=1`` is set, as CI does, in which case they fail.
Screenshots go to ``$CHAPTERHOUSE_SCREENSHOTS`` when it names a directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO = Path(__file__).resolve().parents[2] / "src/chapterhouse/chronicle/demo.chronicle.json"

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Return a Playwright page in a fresh headless Chromium."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `apt-get install -y chromium` enables the browser tests"
        if os.environ.get("CHAPTERHOUSE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the database calls the
    # test makes around it are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        browser.close()


def _load_demo() -> None:
    from chapterhouse.chronicle.importer import chronicle_import

    chronicle_import(DEMO)


def _screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("CHAPTERHOUSE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _head_of(page: Any, body: str) -> str:
    return page.locator(f'[data-body="{body}"] [data-role="head"] dd').inner_text()


def test_the_head_of_the_japanese_committee_changes_when_the_date_moves_past_the_election(
    live_server, transactional_db, browser_page
):
    _load_demo()
    page = browser_page

    page.goto(f"{live_server.url}/?as_of=2025-05-17")
    assert "Kenji Sato" in _head_of(page, "ec-jp")
    _screenshot(page, "orgchart-2025-05-17")

    page.fill("#as_of", "2025-05-19")
    page.click(".date-form button[type=submit]")
    page.wait_for_url("**/?as_of=2025-05-19")

    assert "Park Min-jun" in _head_of(page, "ec-jp")
    assert "Kenji Sato" not in _head_of(page, "ec-jp")
    _screenshot(page, "orgchart-2025-05-19")
    assert page.errors == []


PAGES = {
    "orgchart-ru": "/?as_of=2025-05-19&lang=ru",
    "body": "/bodies/dept-4/?as_of=2025-06-01&lang=en",
    "person": "/people/park-minjun/",
    "people": "/people/",
    "conferences": "/conferences/",
    "conference": "/conferences/gc-5/",
    "session": "/sessions/gc5-d2/?lang=ko",
    "decision": "/decisions/gc5-d1-dissolve/?lang=de",
    "not-found": "/bodies/no-such-body/?lang=zh",
    "bad-date": "/?as_of=someday&lang=en",
}


def test_every_page_renders_with_its_stylesheet_and_no_script_errors(
    live_server, transactional_db, browser_page
):
    _load_demo()
    page = browser_page
    statuses = {}
    errors = {}
    for name, path in PAGES.items():
        page.errors.clear()
        response = page.goto(f"{live_server.url}{path}")
        statuses[name] = response.status
        # The browser reports a 404 or 400 page itself as a failed load; that one is expected.
        errors[name] = [
            error for error in page.errors if f"status of {response.status}" not in error
        ]
        # The stylesheet is applied: the header is dark, not the browser's default.
        header = page.locator(".site-header")
        assert header.evaluate("node => getComputedStyle(node).backgroundColor") != (
            "rgba(0, 0, 0, 0)"
        )
        _screenshot(page, name)

    assert statuses == {
        **{name: 200 for name in PAGES},
        "not-found": 404,
        "bad-date": 400,
    }
    assert errors == {name: [] for name in PAGES}


def test_the_timeline_links_to_the_decision_that_dissolved_the_body(
    live_server, transactional_db, browser_page
):
    _load_demo()
    page = browser_page
    page.goto(f"{live_server.url}/bodies/dept-4/?as_of=2025-06-01")

    # Several marks of the same day overlap; the one drawn last is on top.
    page.locator('svg a[href="/decisions/gc5-d1-dissolve/"]').last.click()
    page.wait_for_url("**/decisions/gc5-d1-dissolve/")

    assert "Bodies dissolved" in page.content()


def test_opening_the_bodies_below_draws_them_in_place(
    live_server, transactional_db, browser_page, monkeypatch
):
    from chapterhouse.web import views

    _load_demo()
    monkeypatch.setattr(views, "CHART_PAGE_BODIES", 1)  # a large organization: the top only
    page = browser_page
    page.goto(f"{live_server.url}/?as_of=2025-05-19")
    assert page.locator('[data-body="ec-jp"]').count() == 0

    page.click('[data-body="council"] a.node__open')
    page.wait_for_selector('[data-body="ec-jp"]')

    assert page.url == f"{live_server.url}/?as_of=2025-05-19"  # drawn in place
    assert "Park Min-jun" in _head_of(page, "ec-jp")
    assert not page.locator('[data-body="council"] a.node__open').is_visible()
    # The bodies drawn bring their own links, which open in turn.
    page.click('[data-body="ec-kz"] a.node__open')
    page.wait_for_selector('[data-below="ec-kz"] [data-body]')
    _screenshot(page, "orgchart-opened")
    assert page.errors == []

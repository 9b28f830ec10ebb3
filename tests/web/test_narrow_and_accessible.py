"""The site on a phone (375 px wide) and under axe-core, signed in as the administrator.

No page scrolls sideways; the navigation folds behind the menu button, which opens
it by mouse and by keyboard; axe-core (bundled with axe-playwright-python, nothing
fetched) finds no serious or critical violation on the main pages and on every
form of the desk. Run with ``pytest -m browser``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import sign_in
from tests.web.test_browser import _screenshot, browser_page  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}

# The pages a reader goes through.
MAIN_PAGES = [
    "/",
    "/?lang=ko",
    "/bodies/council/",
    "/bodies/ec-kz/",
    "/people/",
    "/people/aigerim-bekova/",
    "/conferences/",
    "/conferences/gc-5/",
    "/conferences/gc-5/report/",
    "/sessions/gc5-d2/",
    "/decisions/gc5-d1-elect/",
    "/calendar/",
    "/commemorations/",
    "/changes",
    "/partners/",
    "/partners/nordic-youth/",
    "/honours/",
    "/honours/friendship-badge/",
    "/agreements/",
    "/agreements/coop-nordic-youth/",
    "/tasks/?all=1",
    "/tasks/student-clubs/",
]

# Every form page of the desk: add the new ones here.
FORM_PAGES = [
    "/people/new/",
    "/people/aigerim-bekova/edit/",
    "/sessions/new/",
    "/sessions/gc5-d2/edit/",
    "/decisions/new/",
    "/decisions/gc5-d1-elect/edit/",
    "/decisions/gc5-d1-dissolve/edit/",
    "/decisions/gc5-d1-dissolve/annul/",
    "/conferences/new/",
    "/conferences/gc-5/edit/",
    "/sessions/gc5-d2/documents/new/",
    "/partners/new/",
    "/partners/nordic-youth/edit/",
    "/honours/new/",
    "/agreements/new/",
    "/agreements/coop-nordic-youth/edit/",
    "/tasks/new/",
    "/tasks/student-clubs/edit/",
]


@pytest.fixture
def admin_phone(live_server: Any, personas: dict[str, Any], request: Any) -> Any:
    """Return the browser page, 375 px wide, signed in as the administrator."""
    from django.conf import settings
    from django.test import Client

    page = request.getfixturevalue("browser_page")

    client = Client()
    sign_in(client, personas["admin"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.set_viewport_size(PHONE)
    return page


def _open(page: Any, base: str, path: str) -> None:
    response = page.goto(f"{base}{path}")
    assert response.status == 200, f"{path}: {response.status}"
    # Signed in: "Sign out" is there (folded in the menu).
    assert page.locator('.account-nav form[action$="/sign-out/"]').count() == 1, path


def _layout_problems(page: Any) -> list[str]:
    problems = []
    width = page.evaluate("document.scrollingElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    if width > viewport:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(node => node.getBoundingClientRect().right > window.innerWidth + 0.5)
                .slice(0, 3)
                .map(node => node.tagName.toLowerCase() + '.' + node.className)"""
        )
        problems.append(f"scrolls sideways: {width} > {viewport} ({', '.join(wide)})")
    nav = page.locator(".site-nav")
    button = page.locator(".menu-button")
    if not button.is_visible():
        return [*problems, "no menu button"]
    if nav.is_visible():
        problems.append("the navigation is not folded")
    button.click()
    if not nav.is_visible() or button.get_attribute("aria-expanded") != "true":
        problems.append("the menu button does not open the navigation")
    button.click()
    if nav.is_visible():
        problems.append("the menu button does not close the navigation")
    button.focus()
    page.keyboard.press("Enter")
    if not nav.is_visible():
        problems.append("Enter on the menu button does not open the navigation")
    page.keyboard.press("Space")
    if nav.is_visible():
        problems.append("Space on the menu button does not close the navigation")
    if page.evaluate("document.scrollingElement.scrollWidth") > viewport:
        problems.append("the open menu scrolls sideways")
    return problems


def test_no_page_scrolls_sideways_on_a_phone_and_the_navigation_folds_behind_the_menu(
    live_server, admin_phone
):
    page = admin_phone
    found = {}
    for path in [*MAIN_PAGES, *FORM_PAGES]:
        _open(page, live_server.url, path)
        found[path] = _layout_problems(page)
        _screenshot(page, "narrow" + path.replace("/", "-").replace("?", "-"))

    assert found == {path: [] for path in [*MAIN_PAGES, *FORM_PAGES]}


def test_axe_finds_no_serious_or_critical_violation_on_the_pages_and_forms(
    live_server, admin_phone
):
    from axe_playwright_python.sync_playwright import Axe

    page = admin_phone
    axe = Axe()
    found = {}
    for path in [*MAIN_PAGES, *FORM_PAGES]:
        _open(page, live_server.url, path)
        results = axe.run(page)
        found[path] = [
            f"{violation['id']} ({violation['impact']}): {node['target']}"
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
            for node in violation["nodes"][:3]
        ]

    assert found == {path: [] for path in [*MAIN_PAGES, *FORM_PAGES]}


def test_a_form_with_an_error_is_still_accessible_on_a_phone(live_server, admin_phone):
    from axe_playwright_python.sync_playwright import Axe

    page = admin_phone
    _open(page, live_server.url, "/people/new/")
    page.fill("#id_name", "Park Min-jun")
    page.fill("#id_born", "2025-02-30")
    page.locator("button", has_text="Add the person").click()
    page.wait_for_load_state()
    assert page.locator("#id_born_error").is_visible()
    results = Axe().run(page)

    assert [
        violation["id"]
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ] == []
    assert _layout_problems(page) == []


def test_a_decision_with_a_step_of_every_kind_is_accessible_on_a_phone(live_server, admin_phone):
    from axe_playwright_python.sync_playwright import Axe

    page = admin_phone
    _open(page, live_server.url, "/decisions/new/?session=gc5-d2")
    kinds = page.locator('button[name="add"]').evaluate_all("nodes => nodes.map(n => n.value)")
    for kind in kinds:
        page.locator(f'button[name="add"][value="{kind}"]').click()
        page.wait_for_load_state()
    assert page.locator("fieldset.desk-step").count() == len(kinds) >= 8
    results = Axe().run(page)

    assert [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"][:3]
    ] == []
    assert _layout_problems(page) == []

"""The main pages on a phone (375 px), for a visitor, in every working language.

No page is wider than the screen, the menu button opens the navigation and Escape closes it (with
scripts: a button; without: a link that CSS :target opens). One browser, one page
reused for all of them. Run with ``pytest -m browser``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.test_browser import _load_demo, _screenshot, browser_page  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 800}
# Organization language → the interface language the page declares in <html lang>.
LANGUAGES = {"ko": "ko", "en": "en", "ru": "ru", "zh": "zh-hans", "de": "de"}
REGISTRY_PAGES = [
    "/",  # the org chart
    "/bodies/ec-kz/",
    "/people/aigerim-bekova/",
    "/people/",
    "/conferences/",
    "/conferences/gc-5/",
    "/sessions/gc5-d2/",
    "/decisions/gc5-d1-elect/",
    "/changes",
    "/calendar/",
    "/partners/",
    "/agreements/",
    "/honours/",
    "/accounts/sign-in/",
]
NEWS_PAGES = ["/{lang}/", "/{lang}/news/gc5-opens/"]


def _pages(lang: str) -> list[str]:
    return [f"{path}?lang={lang}" for path in REGISTRY_PAGES] + [
        path.format(lang=lang) for path in NEWS_PAGES
    ]


def _problems(page: Any, interface: str) -> list[str]:
    problems = []
    if page.evaluate("document.documentElement.lang") != interface:
        problems.append(f"not in {interface}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(node => node.getBoundingClientRect().right > window.innerWidth + 0.5)
                .slice(0, 3).map(node => node.tagName.toLowerCase() + '.' + node.className)"""
        )
        problems.append(f"{width} px wide ({', '.join(wide)})")
    nav = page.locator(".site-nav")
    button = page.locator("button.menu-button")
    if not button.is_visible():
        return [*problems, "no menu button"]
    if nav.is_visible():
        problems.append("the navigation is not folded")
    button.click()
    if not nav.is_visible() or button.get_attribute("aria-expanded") != "true":
        problems.append("the menu button does not open the navigation")
    elif page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
        problems.append("the open menu is wider than the screen")
    page.locator(".site-nav a").first.focus()
    page.keyboard.press("Escape")
    if nav.is_visible() or not button.evaluate("node => node === document.activeElement"):
        problems.append("Escape does not close the menu back onto its button")
    return problems


def test_no_main_page_is_wider_than_a_phone_in_any_language_and_the_menu_opens(
    live_server, transactional_db, request
):
    _load_demo()
    page = request.getfixturevalue("browser_page")
    page.set_viewport_size(PHONE)
    found: dict[str, list[str]] = {}
    for lang, interface in LANGUAGES.items():
        for path in _pages(lang):
            response = page.goto(f"{live_server.url}{path}")
            found[path] = (
                _problems(page, interface) if response.status == 200 else [str(response.status)]
            )
            _screenshot(page, "phone" + path.replace("/", "-").replace("?", "-"))

    assert found == {path: [] for lang in LANGUAGES for path in _pages(lang)}
    assert page.errors == []


def test_without_scripts_the_menu_link_opens_the_navigation_in_place(
    live_server, transactional_db, request
):
    _load_demo()
    context = request.getfixturevalue("browser_page").context.browser.new_context(
        viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/?lang=ru")
    nav = page.locator(".site-nav")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not nav.is_visible()

    page.get_by_role("link", name="Меню").click()

    assert nav.is_visible()
    assert page.get_by_role("link", name="Конференции").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()

"""The agreement form in a real browser at a phone's width: add an article without losing
what was typed, pick the signatories, save, and no serious accessibility violation on the
relations pages (axe-core, bundled with axe-playwright-python). Run with ``-m browser``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chapterhouse.relations.models import Agreement
from tests.conftest import sign_in
from tests.web.test_browser import _screenshot
from tests.web.test_browser import browser_page as phone_browser  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def _signed_in_context(opened: Any, user: Any, base: str) -> Any:
    """Open a 375 px wide page signed in as ``user`` (session cookie from the test client)."""
    client = Client()
    sign_in(client, user)
    context = opened.context.browser.new_context(
        viewport={"width": 375, "height": 800}, locale="en-GB"
    )
    context.add_cookies(
        [
            {"name": name, "value": morsel.value, "url": base}
            for name, morsel in client.cookies.items()
        ]
    )
    page = context.new_page()
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    return page


def test_alice_records_a_treaty_with_articles_and_signatories_on_a_phone(
    live_server,
    transactional_db,
    personas,
    phone_browser,  # noqa: F811  (the fixture imported above)
):
    from axe_playwright_python.sync_playwright import Axe

    base = live_server.url
    page = _signed_in_context(phone_browser, personas["alice"], base)
    page.goto(f"{base}/agreements/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.fill("input[name=title_0]", "Treaty with the Almaty Teachers")
    page.select_option("select[name=partners]", ["almaty-teachers"])
    page.select_option("select[name=status]", "in_development")
    page.fill("textarea[name=articles-0-text_0]", "To hold a joint seminar every spring.")
    page.get_by_role("button", name="Add an article").click()
    page.wait_for_load_state()
    # The typed article is kept and a second, empty one is offered.
    assert page.input_value("textarea[name=articles-0-text_0]") == (
        "To hold a joint seminar every spring."
    )
    page.fill("textarea[name=articles-1-text_0]", "To exchange teaching materials.")
    page.fill("input[name=signatories-0-person]", "irina-volkova")
    page.keyboard.press("Escape")
    page.select_option("select[name=signatories-0-party]", "self")
    page.fill("input[name=signatories-0-title_0]", "Chair")
    _screenshot(page, "agreement-form")
    page.locator(".form-actions button[type=submit]").click()
    page.wait_for_url("**/agreements/treaty-with-the-almaty-teachers-*/")

    agreement = Agreement.objects.get(title__en="Treaty with the Almaty Teachers")
    assert agreement.articles == [
        {"en": "To hold a joint seminar every spring."},
        {"en": "To exchange teaching materials."},
    ]
    assert list(agreement.signatories.values_list("person__slug", "party")) == [
        ("irina-volkova", "self")
    ]
    main = page.locator("main").inner_text()
    assert "The agreement is recorded." in main and "Irina Volkova" in main
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    axe = Axe()
    found = {}
    for path in (
        "/agreements/new/",
        f"/agreements/{agreement.slug}/edit/",
        "/partners/new/",
        "/honours/new/",
        "/partners/",
        "/honours/",
        "/agreements/",
        f"/agreements/{agreement.slug}/",
    ):
        page.goto(f"{base}{path}")
        found[path] = [
            f"{violation['id']} ({violation['impact']}): {violation['nodes'][0]['target']}"
            for violation in axe.run(page).response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
    assert found == {path: [] for path in found}
    assert phone_browser.errors == []

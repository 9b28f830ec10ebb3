"""The desk's pickers in a real browser: people suggested from the API's person search as
one types (in any script, by keyboard, hidden people never offered), several people in one
field, and the filter box over a long list of bodies. Run with ``pytest -m browser``."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import sign_in
from tests.web.test_browser import browser_page  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def bob_page(live_server: Any, personas: dict[str, Any], request: Any) -> Any:
    """Return the browser page signed in as bob (officer of ec-kz)."""
    from django.conf import settings
    from django.test import Client

    page = request.getfixturevalue("browser_page")
    client = Client()
    sign_in(client, personas["bob"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return page


def _instruction_step(page: Any, base: str) -> Any:
    page.goto(f"{base}/decisions/new/?session=gc5-d2")
    page.get_by_role("button", name="Add: give an instruction").click()
    page.wait_for_load_state()
    return page.get_by_label("To these people")


def test_several_people_are_chosen_by_keyboard_from_names_in_any_script(bob_page, live_server):
    people = _instruction_step(bob_page, live_server.url)

    people.press_sequentially("Ахмет", delay=30)
    bob_page.get_by_role("option", name="Timur Akhmetov (timur-akhmetov)").wait_for()
    people.press("Enter")
    people.press_sequentially("Bekova", delay=30)
    bob_page.get_by_role("option", name="Aigerim Bekova (aigerim-bekova)").wait_for()
    people.press("Enter")

    assert people.input_value() == (
        "Timur Akhmetov (timur-akhmetov); Aigerim Bekova (aigerim-bekova); "
    )
    assert bob_page.errors == []


def test_a_person_the_writer_may_not_see_is_never_offered(bob_page, live_server):
    people = _instruction_step(bob_page, live_server.url)

    people.press_sequentially("Lark", delay=30)
    listbox = bob_page.locator("#" + people.get_attribute("aria-controls"))
    listbox.wait_for()
    bob_page.wait_for_timeout(400)  # the last answer has come

    assert listbox.inner_text().strip() == "No match"


def test_a_long_list_of_bodies_is_filtered_by_any_of_their_names(bob_page, live_server):
    _instruction_step(bob_page, live_server.url)
    bodies = bob_page.get_by_label("To these bodies")
    filter_box = bob_page.get_by_role("searchbox", name="Filter: To these bodies")

    filter_box.fill("Казах")
    shown = bodies.locator("option:not([hidden])").all_inner_texts()

    assert shown and all("Kazakh" in name for name in shown), shown


def test_choosing_the_body_of_an_end_term_step_lists_its_holders_at_once(bob_page, live_server):
    bob_page.goto(f"{live_server.url}/decisions/new/?session=gc5-d2")
    bob_page.get_by_role("button", name="Add: end a term").click()
    bob_page.wait_for_load_state()

    with bob_page.expect_navigation():
        bob_page.locator('select[name="s0-body"]').select_option("ec-kz")

    whose = bob_page.locator('select[name="s0-holder"]').locator("option").all_inner_texts()
    assert any("Aigerim Bekova" in option for option in whose), whose
    assert bob_page.url.endswith("#step-0")

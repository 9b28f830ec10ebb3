"""The newsroom in a real browser: publish an article, translate it, read it in another language.

Debian's Chromium driven by Playwright (see tests/web/test_browser.py for how it
is found), then axe-core (bundled with axe-playwright-python, nothing fetched)
over the public pages: no serious or critical accessibility violation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, _load_demo, _screenshot

pytestmark = pytest.mark.browser

PASSWORD = "a long enough test password"


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Return a headless Chromium; each test opens its own contexts (one per person)."""
    import os

    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `apt-get install -y chromium` enables the browser tests"
        if os.environ.get("CHAPTERHOUSE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _accounts() -> None:
    """An editor of the press bureau (which writes the news) and of the Kazakhstan committee
    (which reviews Russian), and a translator of that committee; Russian goes to its desk."""
    from django.utils import timezone

    from chapterhouse.custody.access import ADMIN
    from chapterhouse.custody.services import user_add
    from chapterhouse.newsroom.models import LanguageDesk
    from chapterhouse.registry.models import Body

    bodies = {body.slug: body for body in Body.objects.all()}
    for lang, body in {
        "ko": "dept-3",
        "ru": "ec-kz",
        "zh": "ec-jp",
        "de": "ec-nordic",
        "en": "press-bureau",
    }.items():
        LanguageDesk.objects.update_or_create(lang=lang, defaults={"body": bodies[body]})
    now = timezone.now()
    user_add(
        viewer=ADMIN,
        via="cli",
        email="editor@chapterhouse.test",
        password=PASSWORD,
        grants=[("editor", bodies["press-bureau"]), ("editor", bodies["ec-kz"])],
        on=now.date(),
        at=now,
    )
    user_add(
        viewer=ADMIN,
        via="cli",
        email="translator@chapterhouse.test",
        password=PASSWORD,
        grants=[("translator", bodies["ec-kz"])],
        on=now.date(),
        at=now,
    )


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/sign-in/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/sign-in/" not in page.url, page.content()[:2000]


def test_an_editor_publishes_a_translator_translates_and_a_reader_reads_it_in_russian(
    live_server, transactional_db, browser
):
    _load_demo()
    _accounts()
    base = live_server.url
    errors: list[str] = []

    # The editor writes the article in English, publishes it and sends it to translation.
    editor = browser.new_context(locale="en-GB").new_page()
    editor.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(editor, base, "editor@chapterhouse.test")
    editor.goto(f"{base}/newsroom/articles/new/")
    editor.select_option("select[name=source_language]", "en")
    editor.fill("input[name=slug]", "steppe-youth-forum")
    editor.fill("input[name=title]", "A youth forum on the steppe")
    editor.fill("textarea[name=lead]", "Two hundred students met in Almaty.")
    editor.fill(
        "textarea[name=body]",
        "The forum opened on Monday.\n\nIt closed with a concert of the **friendship** choir.",
    )
    editor.select_option("select[name=author_body]", "press-bureau")
    editor.locator("form.record-form button[type=submit]:not([name])").click()
    editor.wait_for_url("**/newsroom/articles/steppe-youth-forum/")
    _screenshot(editor, "newsroom-article-workspace")

    due = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=7)).isoformat()
    send = editor.locator("form[action$='/send/']")
    send.locator("input[name=due]").fill(due)
    send.locator("button[type=submit]").click()
    editor.wait_for_load_state()
    publish = editor.locator("form[action$='/publish/']")
    publish.locator("button[type=submit]").click()
    editor.wait_for_load_state()

    # A visitor reads it in English; in Russian it is not there yet: the English text with a notice.
    reader = browser.new_context(locale="ru-RU").new_page()
    reader.on("pageerror", lambda error: errors.append(str(error)))
    reader.goto(f"{base}/news/")
    assert reader.url.endswith("/ru/")
    reader.goto(f"{base}/ru/news/steppe-youth-forum/")
    assert "A youth forum on the steppe" in reader.locator("main h1").inner_text()
    notice = reader.locator("main").inner_text()
    assert "русский" in notice.lower()

    # The translator of the Kazakhstan committee claims the Russian assignment and writes it.
    translator = browser.new_context(locale="ru-RU").new_page()
    translator.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(translator, base, "translator@chapterhouse.test")
    translator.goto(f"{base}/newsroom/queue/")
    row = translator.locator("tr", has_text="steppe-youth-forum").filter(has_text="ru")
    row.locator("button[type=submit]").first.click()
    translator.wait_for_load_state()
    translator.goto(f"{base}/newsroom/queue/")
    translator.locator("tr", has_text="steppe-youth-forum").locator("a").last.click()
    translator.wait_for_load_state()
    translator.fill("input[name=title]", "Молодёжный форум в степи")
    translator.fill("textarea[name=lead]", "Двести студентов встретились в Алматы.")
    translator.fill(
        "textarea[name=body]",
        "Форум открылся в понедельник.\n\nОн завершился концертом хора **дружбы**.",
    )
    translator.locator("form.record-form button[type=submit]").last.click()
    translator.wait_for_load_state()
    _screenshot(translator, "newsroom-submitted")

    # The editor of the committee approves it: the Russian page now shows Russian.
    editor.goto(f"{base}/newsroom/review/")
    editor.locator("tr", has_text="steppe-youth-forum").locator("a").first.click()
    editor.wait_for_load_state()
    editor.locator("button[name=action][value=approve]").click()
    editor.wait_for_load_state()

    reader.goto(f"{base}/ru/news/steppe-youth-forum/")
    assert reader.locator("main h1").inner_text() == "Молодёжный форум в степи"
    assert reader.locator("main strong", has_text="дружбы").count() == 1
    _screenshot(reader, "newsroom-read-in-russian")
    # The switcher leads to the same article in German, which still shows English, said so.
    reader.locator("a[hreflang=de]").first.click()
    reader.wait_for_url("**/de/news/steppe-youth-forum/")
    assert "A youth forum on the steppe" in reader.locator("main h1").inner_text()
    assert "Deutsch" in reader.locator("main").inner_text()
    assert errors == []


PUBLIC_PAGES = [
    "/en/",
    "/ru/",
    "/ko/news/gc5-opens/",
    "/de/news/gc5-opens/",
    "/zh/news/gc5-steppe-day/",
    "/en/photos/",
    "/en/search/?q=conference",
    "/zh/search/?q=代表大会",
    "/en/no-such-page/",
]


def test_the_public_pages_have_no_serious_or_critical_accessibility_violation(
    live_server, transactional_db, browser
):
    from axe_playwright_python.sync_playwright import Axe

    from chapterhouse.newsroom.models import Category, Tag

    _load_demo()
    category = Category.objects.values_list("slug", flat=True).first()
    tag = Tag.objects.values_list("slug", flat=True).first()
    pages = [*PUBLIC_PAGES, f"/ru/categories/{category}/", f"/de/tags/{tag}/"]
    page = browser.new_context(locale="en-GB").new_page()
    axe = Axe()
    found = {}
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        results = axe.run(page)
        found[path] = [
            f"{violation['id']} ({violation['impact']}): {violation['nodes'][0]['target']}"
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
    assert found == {path: [] for path in pages}

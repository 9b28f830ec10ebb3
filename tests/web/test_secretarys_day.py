"""A secretary's day, in a real browser: the whole life of the organization recorded
through the pages only (typing and clicking), then read back on the public pages and in
the Chronicle export.

Debian's Chromium driven by Playwright (see tests/web/test_browser.py). Run with
``pytest -m browser``. When ``CHAPTERHOUSE_GUIDE_SCREENSHOTS`` names a folder (the
secretary's guide uses ``docs/guide``), the steps are photographed into it as
``NN-name.png``; otherwise nothing is written, so CI never rewrites the guide.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, _load_demo

pytestmark = pytest.mark.browser

EMAIL = "secretary@chapterhouse.test"
PASSWORD = "a long enough test password"

# What the secretary types, compared with the pages and the export at the end.
CONFERENCE = {
    "en": "6th General Conference",
    "ru": "6-я генеральная конференция",
    "de": "6. Generalkonferenz",
}
FIRST_DAY, LAST_DAY = "2025-10-10", "2025-10-11"
ONLINE_TITLE = "Steppe evening of friendship"
HYBRID_TITLE = "Tokyo plenary"
PARTNER = {"en": "Silk Road Youth Council", "ru": "Молодёжный совет Шёлкового пути"}
TREATY = "Treaty of cooperation with the Silk Road Youth Council"
INSTRUCTION = "Translate the new statutes into every working language"
DUE = "2025-12-01"
LETTER = "Thank you for ten years of letters that kept our friends together."
DOCUMENT_NAME = "agenda-day-1.txt"
DOCUMENT_TEXT = b"Agenda of the first day: 1. Opening. 2. Reports of the committees.\n"


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Return a headless Chromium (skipped without /usr/bin/chromium, as in test_browser)."""
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


class Guide:
    """Photographs the steps into ``$CHAPTERHOUSE_GUIDE_SCREENSHOTS`` when it names a
    folder, numbered in order (``01-sign-in.png`` …); does nothing otherwise."""

    def __init__(self) -> None:
        folder = os.environ.get("CHAPTERHOUSE_GUIDE_SCREENSHOTS")
        self.folder = Path(folder) if folder else None
        self.count = 0

    def shot(self, page: Any, name: str, *, full_page: bool = False, of: Any = None) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count += 1
        path = str(self.folder / f"{self.count:02d}-{name}.png")
        if of is not None:
            of.screenshot(path=path, scale="css")
        else:
            page.screenshot(path=path, full_page=full_page, scale="css")


def _secretary() -> None:
    """The secretary: an officer of the council (which covers every body below it), with
    a password and a confirmed authenticator, as officers must have."""
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chapterhouse.custody.access import ADMIN
    from chapterhouse.custody.services import user_add
    from chapterhouse.registry.models import Body, Person

    now = timezone.now()
    user = user_add(
        viewer=ADMIN,
        via="cli",
        email=EMAIL,
        password=PASSWORD,
        person=Person.objects.get(slug="irina-volkova"),
        grants=[("officer", Body.objects.get(slug="council"))],
        on=now.date(),
        at=now,
    )
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def _current_code() -> str:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username=EMAIL)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


def _saved(page: Any, message: str) -> None:
    """Assert the page landed on shows the success message (and no form errors)."""
    page.wait_for_load_state()
    assert page.locator(".form-errors").count() == 0, page.locator("main").inner_text()[:3000]
    assert message in page.locator("body").inner_text(), page.locator("main").inner_text()[:3000]


LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "de": "Deutsch", "zh": "中文", "ko": "한국어"}


def _by_language(scope: Any, label: str, texts: dict[str, str]) -> None:
    """Type a text in several working languages: one input per language, in the group
    whose legend reads ``label``."""
    field = scope.get_by_role("group", name=re.compile(rf"^{re.escape(label)}\b"))
    for lang, value in texts.items():
        field.get_by_label(LANGUAGE_NAMES[lang], exact=True).fill(value)


def _choose(scope: Any, label: str, typed: str, *, values: list[str] | None = None) -> None:
    """Type in the filter box over a long list (desk.js) and choose: a single choice takes
    the first match; a several-choice list takes ``values`` among those shown."""
    scope.get_by_role("searchbox", name=re.compile(rf"^Filter: {re.escape(label)}")).fill(typed)
    if values is not None:
        scope.get_by_role("listbox", name=re.compile(rf"^{re.escape(label)}")).select_option(values)


def _pick_person(field: Any, typed: str, expected: str, *, shown: Any = None) -> None:
    """Type part of a name and choose the suggestion with the keyboard (desk.js);
    ``shown()`` is called while the suggestions are open."""
    field.click()
    field.press_sequentially(typed, delay=30)
    option = field.page.get_by_role("option", name=re.compile(re.escape(expected)))
    option.first.wait_for()
    if shown is not None:
        shown()
    field.press("ArrowDown")
    field.press("ArrowUp")
    field.press("Enter")
    assert expected in field.input_value()


def test_a_secretarys_day(live_server, transactional_db, browser, tmp_path):
    _load_demo()
    _secretary()
    base = live_server.url
    guide = Guide()
    errors: list[str] = []
    page = browser.new_context(viewport={"width": 1100, "height": 800}, locale="en-GB").new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))

    # -- signing in: e-mail and password, then the code of the authenticator ------------
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    guide.shot(page, "sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/sign-in/code/**")
    page.get_by_label("Code").fill(_current_code())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "/accounts/sign-in" not in page.url

    # -- 1. a two-day conference, named in three languages ----------------------------
    page.goto(f"{base}/conferences/new/")
    form = page.locator("form.record-form")
    _by_language(form, "Name", CONFERENCE)
    page.get_by_label("Number").fill("6")
    page.get_by_label("Kind").fill("general")
    page.get_by_role("textbox", name="First day").fill(FIRST_DAY)
    page.get_by_role("textbox", name="Last day").fill(LAST_DAY)
    guide.shot(page, "conference-form", full_page=True)
    page.get_by_role("button", name="Save").click()
    _saved(page, "The conference is recorded.")
    conference_url = page.url
    conference_slug = conference_url.rstrip("/").rsplit("/", 1)[1]
    main = page.locator("main").inner_text()
    assert CONFERENCE["en"] in main

    # -- 2. two sessions, on its two days, hosted by two committees ---------------------
    page.get_by_role("link", name="Record a session on this day").first.click()
    page.wait_for_url("**/sessions/new/**")
    form = page.locator("form.record-form")
    assert page.get_by_role("textbox", name="Date").input_value() == FIRST_DAY
    _by_language(form, "Title", {"en": ONLINE_TITLE})
    _choose(page, "Hosted by", "Kazakh", values=["ec-kz"])
    _choose(page, "Country", "Kazak")
    page.get_by_label("Format").select_option(label="online")
    _pick_person(page.get_by_label("Chaired by"), "Bekov", "Aigerim Bekova")
    rows = page.locator(".attendee-row")
    _pick_person(rows.nth(0).get_by_label("Person"), "Timur", "Timur Akhmetov")
    _pick_person(
        rows.nth(1).get_by_label("Person"),
        "Ольга",
        "Olga Smirnova",
        shown=lambda: guide.shot(page, "session-form-picker"),
    )
    rows.nth(1).get_by_label("Role").select_option(label="speaker")
    page.get_by_role("button", name="Save", exact=True).click()
    _saved(page, "The session is recorded.")
    online_url = page.url
    main = page.locator("main").inner_text()
    for name in (ONLINE_TITLE, "Kazakh Executive Committee", "Kazakhstan", "Aigerim Bekova"):
        assert name in main
    assert "Timur Akhmetov" in main and "Olga Smirnova" in main

    # A document of the first session: its agenda, a small text file.
    agenda = tmp_path / DOCUMENT_NAME
    agenda.write_bytes(DOCUMENT_TEXT)
    page.get_by_role("link", name="Add a document").click()
    form = page.locator("form.record-form")
    _by_language(form, "Title", {"en": "Agenda of the first day"})
    page.get_by_label("Kind").select_option(label="agenda")
    page.get_by_label("File").set_input_files(str(agenda))
    page.get_by_role("button", name="Save").click()
    _saved(page, "The document is added.")
    assert "Agenda of the first day" in page.locator("main").inner_text()

    page.goto(conference_url)
    page.get_by_role("link", name="Record a session on this day").nth(1).click()
    page.wait_for_url("**/sessions/new/**")
    form = page.locator("form.record-form")
    assert page.get_by_role("textbox", name="Date").input_value() == LAST_DAY
    _by_language(form, "Title", {"en": HYBRID_TITLE, "de": "Plenum in Tokio"})
    _choose(page, "Hosted by", "Japan", values=["ec-jp"])
    _choose(page, "Country", "Japan")
    _by_language(form, "City", {"en": "Tokyo"})
    page.get_by_label("Format").select_option(label="hybrid (in person and online)")
    _pick_person(page.get_by_label("Chaired by"), "Park", "Park Min-jun")
    rows = page.locator(".attendee-row")
    _pick_person(rows.nth(0).get_by_label("Person"), "Kenji", "Kenji Sato")
    _pick_person(rows.nth(1).get_by_label("Person"), "Lark", "Ana Costa")
    rows.nth(1).get_by_label("Role").select_option(label="guest")
    page.get_by_role("button", name="Save", exact=True).click()
    _saved(page, "The session is recorded.")
    hybrid_url = page.url
    hybrid_slug = hybrid_url.rstrip("/").rsplit("/", 1)[1]
    main = page.locator("main").inner_text()
    for name in (HYBRID_TITLE, "Japanese Executive Committee", "Japan", "Tokyo", "Kenji Sato"):
        assert name in main

    page.goto(conference_url)
    days = page.locator("main").inner_text()
    assert ONLINE_TITLE in days and HYBRID_TITLE in days
    guide.shot(page, "conference-page", full_page=True)

    # -- a new partner and the treaty with it, still to be signed -----------------------
    page.goto(f"{base}/partners/new/")
    form = page.locator("form.record-form")
    _by_language(form, "Name", PARTNER)
    page.get_by_label("Kind").fill("youth union")
    _choose(page, "Country", "Uzbek")
    page.get_by_role("button", name="Save").click()
    _saved(page, "")
    partner_slug = page.url.rstrip("/").rsplit("/", 1)[1]
    assert PARTNER["en"] in page.locator("main").inner_text()

    page.goto(f"{base}/agreements/new/")
    form = page.locator("form.record-form")
    _by_language(form, "Title", {"en": TREATY})
    page.get_by_label("Partners").select_option([partner_slug])
    page.get_by_label("Status").select_option("in_development")
    page.locator("textarea[name=articles-0-text_0]").fill("To hold a youth camp every summer.")
    page.locator(".form-actions button[type=submit]").first.click()
    _saved(page, "The agreement is recorded.")
    agreement_slug = page.url.rstrip("/").rsplit("/", 1)[1]

    # -- 3. a decision of the second session, composed of steps ------------------------
    page.goto(hybrid_url)
    page.get_by_role("link", name="Record a decision").click()
    page.wait_for_url("**/decisions/new/**")
    _by_language(
        page.locator("form.record-form"), "Wording", {"en": "The plenary decides as follows."}
    )
    page.get_by_label("Votes for").fill("41")
    page.get_by_label("Votes against").fill("2")
    page.get_by_label("Abstentions").fill("3")

    def add(button: str) -> Any:
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
        return page.locator("fieldset.desk-step").last

    # The predecessor's term ends that day ...
    step = add("Add: end a term")
    _choose(step, "Body", "Japanese")
    step.get_by_role("button", name="Update choices").click()
    page.wait_for_load_state()
    step = page.locator("fieldset.desk-step").last
    step.get_by_label("Whose term").select_option(label="Park Min-jun — Head")
    step.get_by_label("Reason").select_option("term_expired")
    # ... and the new head is elected.
    step = add("Add: elect someone")
    _pick_person(step.get_by_label("Person"), "Sato", "Kenji Sato")
    _choose(step, "Body", "Japanese")
    step.get_by_label("Role").select_option("head")
    step.get_by_label("How").select_option("elected")
    step.get_by_label("Term length").select_option("P2Y")

    # The media department is dissolved (its bureau first: a body with a sub-body
    # cannot be dissolved); its mandate goes to the heads of every executive committee.
    step = add("Add: dissolve a body")
    _choose(step, "Body", "Press")
    step = add("Add: dissolve a body")
    _choose(step, "Body", "Media")
    step.get_by_role("button", name="Update choices").click()
    page.wait_for_load_state()
    step = page.locator("fieldset.desk-step").last
    handover = step.locator("fieldset.desk-handover")
    assert "Publications" in handover.inner_text()
    handover.get_by_label("Or to every body of this kind").select_option("executive_committee")
    handover.get_by_label("Held there by").select_option("head")

    step = add("Add: give an instruction")
    _by_language(step, "Instruction", {"en": INSTRUCTION})
    _choose(step, "To these bodies", "Executive", values=["ec-kz", "ec-jp"])
    step.get_by_role("textbox", name="Due").fill(DUE)

    step = add("Add: award an honour")
    _pick_person(step.get_by_label("Person"), "Lark", "Ana Costa")
    step.get_by_label("Honour").select_option(label="Friendship Badge")
    _by_language(step, "Letter of thanks", {"en": LETTER})

    step = add("Add: sign an agreement")
    step.get_by_label("Agreement").select_option(agreement_slug)
    page.evaluate("document.querySelector('#step-0').scrollIntoView()")
    guide.shot(page, "decision-steps")
    guide.shot(page, "decision-handover", of=page.locator("#step-3"))

    # -- 4. the preview, then save, then adopt -------------------------------------------
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    preview = page.locator(".desk-preview")
    assert page.locator(".form-errors").count() == 0, page.locator("main").inner_text()[:4000]
    seen = preview.inner_text()
    # It warns of the term it ends, names who is elected and what is dissolved, names the
    # award, the instruction and the signature, and draws the chart before and after.
    assert "It ends the term of Park Min-jun as Head of Japanese Executive Committee" in seen
    assert "Elected to Japanese Executive Committee — Head: Kenji Sato" in seen
    assert "Head: Park Min-jun (the term expired)" in seen
    assert re.search(
        r"3rd Media Department; Publications passes to the Head of Argentine Executive"
        r" Committee, Japanese Executive Committee, Kazakh Executive Committee, and Nordic"
        r" Executive Committee",
        seen,
    ), seen
    assert "Information Bureau" in seen
    assert "Awards Friendship Badge to Ana Costa." in seen, seen
    assert f"“{INSTRUCTION}”, due December 1, 2025" in seen
    assert f"Signs “{TREATY}”" in seen
    assert "Head: Kenji Sato (new)" in preview.locator(".desk-preview__charts").inner_text()
    guide.shot(page, "decision-preview", of=preview)
    page.get_by_role("button", name="Save", exact=True).last.click()
    _saved(page, "The decision is recorded.")
    decision_url = page.url
    decision_slug = decision_url.rstrip("/").rsplit("/", 1)[1]

    page.get_by_role("link", name="Adopt").click()
    page.wait_for_url("**/adopt/")
    assert "Kenji Sato" in page.locator(".desk-preview").inner_text()
    page.get_by_role("button", name="Adopt").click()
    _saved(page, "The decision is adopted.")

    # -- 5. the record now says exactly that ------------------------------------------------
    def main_text(path: str) -> str:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, path
        return page.locator("main").inner_text()

    main_text(f"/?as_of={LAST_DAY}")
    head = page.locator('[data-body="ec-jp"] [data-role="head"] dd').inner_text()
    assert "Kenji Sato" in head and "Park Min-jun" not in head
    assert page.locator('[data-body="dept-3"], [data-body="press-bureau"]').count() == 0
    guide.shot(page, "orgchart-after")
    main_text(f"/?as_of={FIRST_DAY}")
    assert "Park Min-jun" in page.locator('[data-body="ec-jp"] [data-role="head"] dd').inner_text()
    assert page.locator('[data-body="dept-3"]').count() == 1

    changes = main_text(f"/changes?from={LAST_DAY}&to={LAST_DAY}")
    assert "Kenji Sato" in changes and "Park Min-jun" in changes, changes
    assert "3rd Media Department" in changes and "Information Bureau" in changes, changes
    assert "Aigerim Bekova" not in changes and "Lucía Fernández" not in changes, changes
    guide.shot(page, "changes", full_page=True)

    report = main_text(f"/conferences/{conference_slug}/report/")
    for line in (
        "Day 1. Kazakh Executive Committee (Kazakhstan — October 10)",
        "Day 2. Japanese Executive Committee (Japan — October 11)",
        "Elected to Japanese Executive Committee — Head: Kenji Sato",
        f"{INSTRUCTION} — Japanese Executive Committee and Kazakh Executive Committee,"
        " by December 1, 2025",
        "Ana Costa: Friendship Badge (citation: Letter of thanks: Friendship Badge)",
        f"{TREATY} — signed, October 11, 2025",
        "Day 1. Steppe evening of friendship",
        "Day 2. Tokyo plenary",
        "Agenda of the first day (agenda)",
    ):
        assert line in report, report
    guide.shot(page, "conference-report", full_page=True)

    main_text("/tasks/?all=1")
    row = page.locator("main tr, main li", has_text=INSTRUCTION).first.inner_text()
    assert "Kazakh Executive Committee" in row and "Japanese Executive Committee" in row, row
    guide.shot(page, "task-board", full_page=True)
    assert INSTRUCTION in main_text("/bodies/ec-jp/tasks/")

    kenji = main_text("/people/kenji-sato/")
    assert "October 11, 2025 – October 10, 2027\nHead, Japanese Executive Committee" in kenji
    park = main_text("/people/park-minjun/")
    assert "May 18, 2025 – October 10, 2025\nHead, Japanese Executive Committee" in park, park
    lark = main_text("/people/lark/")
    assert "Friendship Badge · October 11, 2025" in lark, lark
    guide.shot(page, "person-page", full_page=True)
    main_text("/honours/friendship-badge/")
    award = page.locator("main li", has_text="October 11, 2025")
    assert "Ana Costa" in award.inner_text()
    award.get_by_role("link", name="Letter of thanks (PDF)").wait_for()
    treaty = main_text(f"/agreements/{agreement_slug}/")
    assert f"International Friendship League; {PARTNER['en']}" in treaty
    assert "SIGNED · October 11, 2025 · decision" in treaty, treaty
    decision = main_text(f"/decisions/{decision_slug}/")
    for line in (
        "For: 41 · against: 2 · abstained: 3",
        "Kenji Sato: Head, Japanese Executive Committee (October 11, 2025 – October 10, 2027,"
        " elected)",
        "3rd Media Department (last day October 10, 2025)",
        "Publications: 3rd Media Department → Kazakh Executive Committee (Head)",
        "Ana Costa: Friendship Badge (October 11, 2025)",
        f"{INSTRUCTION} (due December 1, 2025)",
        f"{TREATY} — signed (October 11, 2025)",
    ):
        assert line in decision, decision

    # -- 6. the Chronicle export holds it as it was typed -----------------------------------
    from django.core.management import call_command

    exported = tmp_path / "export.chronicle.json"
    call_command("export", output=str(exported))
    chronicle = json.loads(exported.read_text(encoding="utf-8"))
    by_id = {
        key: {record["id"]: record for record in chronicle.get(key, [])}
        for key in ("conferences", "sessions", "decisions", "partners", "agreements", "honours")
    }
    conference = by_id["conferences"][conference_slug]
    assert (conference["name"], conference["number"], conference["kind"]) == (
        CONFERENCE,
        6,
        "general",
    )
    assert (conference["start"], conference["end"]) == (FIRST_DAY, LAST_DAY)
    online = by_id["sessions"][online_url.rstrip("/").rsplit("/", 1)[1]]
    hybrid = by_id["sessions"][hybrid_slug]
    assert {key: online[key] for key in ("conference", "day", "date", "hosts", "country")} == {
        "conference": conference_slug,
        "day": 1,
        "date": FIRST_DAY,
        "hosts": ["ec-kz"],
        "country": "KZ",
    }
    assert (online["title"], online["format"], online["chair"]) == (
        {"en": ONLINE_TITLE},
        "online",
        "aigerim-bekova",
    )
    assert online["attendees"] == [
        {"person": "timur-akhmetov", "role": "participant"},
        {"person": "olga-smirnova", "role": "speaker"},
    ]
    assert [(d["kind"], d["title"]) for d in online["documents"]] == [
        ("agenda", {"en": "Agenda of the first day"})
    ]
    assert {key: hybrid[key] for key in ("day", "date", "hosts", "country", "format")} == {
        "day": 2,
        "date": LAST_DAY,
        "hosts": ["ec-jp"],
        "country": "JP",
        "format": "hybrid",
    }
    assert (hybrid["title"], hybrid["city"], hybrid["chair"]) == (
        {"en": HYBRID_TITLE, "de": "Plenum in Tokio"},
        {"en": "Tokyo"},
        "park-minjun",
    )
    assert hybrid["attendees"] == [
        {"person": "kenji-sato", "role": "participant"},
        {"person": "lark", "role": "guest"},
    ]
    letter = next(d for d in hybrid["documents"] if d["kind"] == "letter")
    assert letter["text"] == {"en": LETTER}

    decision = by_id["decisions"][decision_slug]
    assert (decision["session"], decision["status"], decision["votes"]) == (
        hybrid_slug,
        "adopted",
        {"for": 41, "against": 2, "abstain": 3},
    )
    task = decision["effects"][4]["task"]
    assert decision["effects"] == [
        {
            "op": "end_term",
            "person": "park-minjun",
            "body": "ec-jp",
            "role": "head",
            "reason": "term_expired",
        },
        {
            "op": "start_term",
            "person": "kenji-sato",
            "body": "ec-jp",
            "role": "head",
            "how": "elected",
            "term_length": "P2Y",
        },
        {"op": "dissolve_body", "body": "press-bureau"},
        {
            "op": "dissolve_body",
            "body": "dept-3",
            "transfer": [
                {"mandate": "publications", "to_kind": "executive_committee", "holder_role": "head"}
            ],
        },
        {
            "op": "assign_task",
            "task": {
                "id": task["id"],
                "title": {"en": INSTRUCTION},
                "assignees": [{"body": "ec-jp"}, {"body": "ec-kz"}],
                "due": DUE,
                "status": "open",
            },
        },
        {"op": "award", "person": "lark", "honour": "friendship-badge", "citation": letter["id"]},
        {"op": "sign_agreement", "agreement": agreement_slug},
    ]
    assert by_id["partners"][partner_slug] == {
        "id": partner_slug,
        "name": PARTNER,
        "kind": "youth_union",
        "country": "UZ",
    }
    treaty_record = by_id["agreements"][agreement_slug]
    assert (treaty_record["title"], treaty_record["parties"], treaty_record["articles"]) == (
        {"en": TREATY},
        ["self", partner_slug],
        [{"en": "To hold a youth camp every summer."}],
    )
    assert by_id["honours"]["friendship-badge"]["kind"] == "badge"
    assert errors == []

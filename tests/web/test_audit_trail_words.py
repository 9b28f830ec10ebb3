"""The audit trail in the reader's language: actions, channels, who, fields and values.

The stored entries keep the words they were written with (their digest seals them);
the pages name them at read time.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import AuditEntry
from chapterhouse.meetings.models import Decision
from chapterhouse.meetings.services import decision_update
from chapterhouse.registry.models import Person
from chapterhouse.registry.services import person_update
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _trail(client: Client, path: str, lang: str) -> str:
    client.get("/", {"lang": lang})
    page = client.get(path).content.decode()
    section = page[page.index('<section class="audit-trail"') :]
    section = section[: section.index("</section>")]
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


@pytest.fixture
def admin(client: Client, personas) -> Client:
    sign_in(client, personas["admin"])
    return client


@pytest.fixture
def adopted_nomination() -> str:
    decision = Decision.objects.get(slug="gc5-d3-nominate")
    at = timezone.now()
    decision_update(
        viewer=ADMIN, via="web", at=at, decision=decision, changes={"status": "adopted"}
    )
    decision_update(viewer=ADMIN, via="api", at=at, decision=decision, changes={"kind": "election"})
    return "/decisions/gc5-d3-nominate/"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ru", ["Статус: предложено → принято", "Вид: Выдвижение → Выборы", "сайт", "API"]),
        ("zh", ["状态: 提议中 → 已通过", "类型: 提名 → 选举", "网页", "管理员"]),
        ("ko", ["상태: 제안됨 → 채택됨", "종류: 추천 → 선거", "웹", "관리자"]),
        ("de", ["Status: vorgeschlagen → angenommen", "Art: Nominierung → Wahl", "Web"]),
    ],
)
def test_a_decision_s_trail_names_its_actions_fields_and_values(
    admin, adopted_nomination, lang, words
):
    trail = _trail(admin, adopted_nomination, lang)

    for word in words:
        assert word in trail
    for english in ("status", "proposed", "adopted", "election", "update", "web", "administrator"):
        assert not re.search(rf"\b{english}\b", trail)


def test_the_stored_entry_keeps_the_words_it_was_written_with(admin, adopted_nomination):
    _trail(admin, adopted_nomination, "ru")

    entry = AuditEntry.objects.filter(object_id="gc5-d3-nominate").order_by("pk").first()
    assert (entry.action, entry.via, entry.before, entry.after) == (
        "adopt",
        "web",
        {"status": "proposed"},
        {"status": "adopted"},
    )


def test_contact_kinds_booleans_dates_and_the_command_line_are_translated(admin):
    from chapterhouse.custody.services import audit_record, operator_viewer

    person = Person.objects.get(slug="olga-smirnova")
    at = timezone.now()
    person_update(
        viewer=ADMIN,
        via="web",
        at=at,
        person=person,
        changes={"contact": {"phone": "+7 700 555 0199"}, "born": "1980-02", "public": True},
    )
    audit_record(
        viewer=operator_viewer(on=at.date()),
        via="cli",
        action="export",
        object_type="person",
        object_id=person.slug,
        at=at,
        body=person.custodian_id,
    )

    trail = _trail(admin, "/people/olga-smirnova/", "de")

    assert "Telefon: +7 700 555 0199" in trail
    assert "Geboren:" in trail and "Februar 1980" in trail
    assert "Darf auf öffentlichen Seiten erscheinen: nein → ja" in trail
    assert "(Kommandozeile)" in trail and "exportiert" in trail


def test_a_translated_text_shows_the_wordings_that_changed_each_marked_with_its_language(
    admin,
):
    from chapterhouse.meetings.models import Session
    from chapterhouse.meetings.services import session_update

    session = Session.objects.get(slug="gc5-d2")
    before = dict(session.title or {})
    session_update(
        viewer=ADMIN,
        via="web",
        at=timezone.now(),
        session=session,
        changes={"title": {**before, "ru": "День второй"}},
    )

    admin.get("/", {"lang": "ru"})
    page = admin.get("/sessions/gc5-d2/").content.decode()

    assert '→ русский: <span lang="ru">День второй</span>' in page
    # When: in the reader's format, the machine-readable moment without microseconds.
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}">[^<]*г\.', page)
    for lang, wording in before.items():
        if lang != "ru":
            # Unchanged wordings are not repeated.
            assert f'<span lang="{lang}">{wording}</span>' not in page


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        (
            "effects",
            [{"op": "start_term"}, {"op": "dissolve_body"}],
            "Новый срок полномочий, Роспуск органа",
        ),
        ("votes", {"for": 12, "against": 1}, "За: 12 · против: 1 · воздержались: 0"),
        ("attendees", [{"person": "lark", "role": "guest"}], "lark (гость)"),
        ("notes", "[erased]", "[удалено]"),
        ("internal", False, "нет"),
        ("country", "KZ", "Казахстан"),
        ("notes", None, "—"),
    ],
)
def test_each_kind_of_value_is_named_in_the_reader_s_language(field, value, shown):
    from django.utils import translation

    from chapterhouse.custody.audit_trail import value_display

    with translation.override("ru"):
        assert value_display(field, value) == shown

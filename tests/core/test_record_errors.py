"""A change the record refuses is explained in the reader's language on the desk, and in
English, word for word as before, to the importer and the command line.

The Russian expectations below come from the catalogue: they hold once the service
messages are translated in ``locale/ru`` (the English ones hold from the start).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from chapterhouse.chronicle.importer import ChronicleInvalid
from chapterhouse.core.cldr import date_full
from chapterhouse.core.errors import RecordError, not_found_message
from chapterhouse.custody.access import viewer_for_user
from chapterhouse.meetings.models import Decision
from chapterhouse.meetings.services import decision_adopt
from chapterhouse.registry.models import Term
from tests.chronicle.test_importer import import_data, load
from tests.web.test_decision_desk import as_user, decision_form, elect, errors_of, with_steps

pytestmark = pytest.mark.django_db

OVERLAP = {
    "en": "overlaps the twin term {person} as {role} of {body} [{start}, open)",
    "ru": (
        "пересекается с таким же сроком полномочий: {person}, {role} в органе {body}"
        " [{start}, без окончания)"
    ),
}
NAMES = {
    "en": {"role": "Head", "body": "Kazakh Executive Committee"},
    "ru": {"role": "Руководитель", "body": "Казахский исполнительный комитет"},
}
NO_PERSON = {"en": "no person with this id", "ru": "нет человека с таким идентификатором"}


def in_language(client: Client, lang: str) -> Client:
    """Choose the interface language as a reader does (the switcher; kept in the session)."""
    client.get("/", {"lang": lang})
    return client


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_an_overlapping_term_is_refused_beside_its_start_in_the_readers_language(
    client: Client, personas: dict[str, Any], lang: str
) -> None:
    client = in_language(as_user(client, personas, "bob"), lang)
    held = Term.objects.get(
        person__slug="aigerim-bekova", body__slug="ec-kz", role="head", end__isnull=True
    )
    form = with_steps(decision_form(), elect("aigerim-bekova", role="head"))

    response = client.post("/decisions/new/", form)

    assert response.status_code == 200
    # By name in the reader's language, the day in the reader's format (CLDR).
    expected = OVERLAP[lang].format(
        person="Aigerim Bekova", start=date_full(held.start, lang), **NAMES[lang]
    )
    assert errors_of(response, 0)["start"] == [expected]


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_hidden_person_gets_the_very_words_of_a_missing_one_in_the_readers_language(
    personas: dict[str, Any], lang: str
) -> None:
    # The desk and the API resolve people before the service does; the service's own
    # refusal (what adopting answers, and the command line) must not tell them apart either.
    bob = viewer_for_user(personas["bob"], on=dt.date(2025, 6, 1))

    def refusal(person: str) -> tuple[str, str]:
        decision = Decision.objects.create(
            slug=f"elect-{person}",
            date=dt.date(2025, 5, 20),
            kind="election",
            effects=[{"op": "start_term", "person": person, "body": "ec-kz", "role": "member"}],
        )
        with translation.override(lang), pytest.raises(RecordError) as caught:
            decision_adopt(decision=decision, viewer=bob)
        return caught.value.path, caught.value.message

    # lark is hidden from bob; "no-such-person" does not exist at all.
    expected = ("effects[0].person", NO_PERSON[lang])
    assert refusal("lark") == refusal("no-such-person") == expected


def test_every_kind_of_record_has_its_own_sentence_and_any_other_the_generic_one() -> None:
    assert not_found_message("registry.person") == "no person with this id"
    assert not_found_message("registry.body") == "no body with this id"
    assert not_found_message("meetings.document") == "no document with this id"
    assert not_found_message("newsroom.tag") == "no record with this id"


def test_the_import_reports_a_refused_change_in_english_whatever_language_is_active(
    demo: None, demo_file: Path, tmp_path: Path
) -> None:
    data = load(demo_file)
    data["decisions"].append(
        {
            "id": "end-nothing",
            "conference": "gc-5",
            "kind": "other",
            "status": "adopted",
            "effects": [
                {"op": "end_term", "person": "lars-eriksson", "body": "dept-2", "role": "director"}
            ],
        }
    )

    with translation.override("ru"):
        with pytest.raises(ChronicleInvalid) as caught:
            import_data(data, tmp_path)
        # The import chose English only while it ran.
        assert translation.get_language() == "ru"

    index = len(data["decisions"]) - 1
    messages = [
        error.message
        for error in caught.value.errors
        if error.path == f"decisions[{index}].effects[0].person"
    ]
    assert len(messages) == 1, caught.value.errors
    assert messages[0].startswith("lars-eriksson holds no term as director of dept-2 running on ")
    # Ids and ISO days, as the file writes them, whatever the reader's language.
    assert messages[0].endswith(" running on 2025-05-24")

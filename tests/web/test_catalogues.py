"""The interface catalogues: every string translated in every language, and compiled."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import chapterhouse

LOCALE = Path(chapterhouse.__file__).parent / "locale"
LANGUAGES = ["ko", "en", "ru", "zh_Hans", "de"]


def _strings(message) -> tuple[str, ...]:
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)


def _key(message) -> tuple[str | None, str]:
    return (message.context, message.id if isinstance(message.id, str) else message.id[0])


def _translated(message) -> bool:
    return all(_strings(message))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_interface_string_is_translated(lang):
    with (LOCALE / lang / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalog = read_po(po)

    untranslated = [m.id for m in catalog if m.id and not _translated(m)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]

    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(lang):
    folder = LOCALE / lang / "LC_MESSAGES"
    with (folder / "django.po").open("rb") as po:
        source = {_key(m): _strings(m) for m in read_po(po) if m.id}
    with (folder / "django.mo").open("rb") as mo:
        compiled = {_key(m): _strings(m) for m in read_mo(mo) if m.id}

    # Run `make messages` after editing a .po file.
    assert compiled == source

"""The interface catalogues: every string translated in every language, and compiled."""

from __future__ import annotations

import re
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


PLACEHOLDER = re.compile(r"%\(\w+\)[sdrif]|%[sdrif]|\{\w*\}")
# Only the singular of a plural may leave its count unsaid ("wait a minute").
COUNTS = {"%(count)s", "%(count)d", "%(counter)s", "%(minutes)s"}


def _catalogue(lang):
    with (LOCALE / lang / "LC_MESSAGES" / "django.po").open("rb") as po:
        return [m for m in read_po(po) if m.id]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_message(lang):
    wrong = []
    for message in _catalogue(lang):
        ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
        wanted = {found for text in ids for found in PLACEHOLDER.findall(text)}
        for index, string in enumerate(_strings(message)):
            got = set(PLACEHOLDER.findall(string))
            dropped = wanted - got
            if got - wanted or (dropped and not (len(ids) > 1 and dropped <= COUNTS)):
                wrong.append(f"{ids[0]!r} [{index}]: {string!r}")

    assert wrong == []


# Han characters and CJK punctuation: Chinese writes its words without spaces between them.
HAN = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
# Placeholders that hold ids, addresses or files keep a space beside Han characters.
TECHNICAL = {"id", "email", "path", "file", "folder", "digest", "prefix", "op", "error"}
TECHNICAL |= {"problem", "output", "value", "link", "default", "summary", "url", "password"}


def test_chinese_puts_no_space_between_its_words():
    gaps = re.compile(
        rf"{HAN} +{HAN}|{HAN} +%\((\w+)\)[sd]|%\((\w+)\)[sd] +{HAN}|%\((\w+)\)[sd] +%\((\w+)\)[sd]"
    )
    wrong = []
    for message in _catalogue("zh_Hans"):
        for string in _strings(message):
            for found in gaps.finditer(string):
                names = {name for name in found.groups() if name}
                if not names & TECHNICAL:
                    wrong.append(f"{found.group()!r} in {string!r}")

    # "英语 版" reads as two words; "英语版" is one.
    assert wrong == []

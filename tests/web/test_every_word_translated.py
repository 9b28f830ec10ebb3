"""Every page, read in Russian, Korean, Chinese and German, shows no English interface word.

How it tells an English interface word from organization data:

* **Interface words** are the words of the English messages of the catalogue
  (``locale/en/LC_MESSAGES/django.po``; the vocabulary labels of ``core/labels.py``
  are messages of it too), lower-cased, placeholders and markup removed, so a new
  message is checked once the catalogues are regenerated. A word the language's
  own translations keep (``API``, ``PDF``, ``TOTP``, ``Markdown`` …) is allowed
  in that language.
* **Visible text** is the text of the page's elements plus the attributes a reader
  sees or hears (``title``, ``alt``, ``placeholder``, ``aria-label``, the label of
  a button), without scripts and styles, without the text being edited in a form
  (``textarea``; input values are attributes, never read), and without the
  elements that declare organization data: an element whose ``lang`` differs from
  the page's (a name or a text shown in its own language) or ``translate="no"``.
  E-mail addresses, paths and ids (``ec-kz``, ``gc5-d2``) are data too.
* **Organization data** is also every word the database holds for this reader's
  language: plain names and texts, and the values of translated texts that have no
  version in the page's language (they rightly fall back to another). A text
  written in one language (an article's translation, a comment) is data only on
  its language's pages: shown elsewhere, the page marks it with its ``lang``.
  Vocabulary columns (fields with ``choices``: statuses, kinds, formats) are not
  data: their values must be shown through their translated labels. Nor are the
  audit trail's stored words: the pages name them at read time.

Pages are every HTML page of the authorization matrix (tests/custody), so a new
page is checked as soon as it has its row; they are read by an administrator and
an anonymous visitor (the 403 pages and the account page, with its roles, by a
plain member too), after writes from the web, the API and the command line that
fill the audit trails of a decision, a session and a person.

A failure lists each English word with the language, the persona, the URL, the
status and the line it is on. Translate the message (or name the value through its
vocabulary); if the word is the organization's data, mark the element that shows it
with ``lang`` (or ``translate="no"``) rather than widening ``AMBIGUOUS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import timezone

import chapterhouse
from tests.conftest import sign_in
from tests.custody.test_authorization_matrix import WEB, plant

LOCALE = Path(chapterhouse.__file__).parent / "locale"
LANGUAGES = {"ru": "ru", "ko": "ko", "zh": "zh_Hans", "de": "de"}

# A word, not the suffix of a numeral ("5th", "2nd" are not the English "th", "nd").
WORD = re.compile(r"(?<![0-9])[A-Za-z]+(?:['’][A-Za-z]+)*")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sd]|\{\{.*?\}\}|\{[\w.]*\}|<[^>]+>|&\w+;")
# An id, an address, a link, a file name: data, whatever its letters.
NOT_WORDS = re.compile(r"\S*[@/]\S*|\b[\w]+(?:[-_.][\w]+)+\b")
# Words too short or too common between languages to tell English from a name or a code.
AMBIGUOUS = {"id", "ok", "no", "of", "on", "in", "to", "at", "by", "or", "an", "a", "i"}

SEEN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}
# Not shown, or shown as the value being edited (a form's text is data).
NEVER_SHOWN = {"script", "style", "template", "textarea"}


def _words(text: str) -> Iterator[str]:
    for match in WORD.finditer(NOT_WORDS.sub(" ", text)):
        word = match.group().lower()
        if len(word) > 1 and word not in AMBIGUOUS:
            yield word


def _catalogue_words(folder: str, *, translations: bool) -> set[str]:
    with (LOCALE / folder / "LC_MESSAGES" / "django.po").open("rb") as po:
        catalogue = read_po(po)
    found: set[str] = set()
    for message in catalogue:
        if not message.id:
            continue
        value = message.string if translations else message.id
        for text in value if isinstance(value, (tuple, list)) else (value,):
            found.update(_words(PLACEHOLDER.sub(" ", text or "")))
    return found


@cache
def interface_words() -> frozenset[str]:
    """Return the words of the English interface messages."""
    return frozenset(_catalogue_words("en", translations=False))


@cache
def kept_words(folder: str) -> frozenset[str]:
    """Return the Latin words the language's own translations keep (API, PDF, …), and its
    CLDR names of days and months (German ``Do`` is Thursday, not English)."""
    locale = Locale.parse(folder)
    cldr = " ".join(
        name
        for names in (locale.days, locale.months)
        for context in names.values()
        for width in context.values()
        for name in width.values()
    )
    return frozenset(_catalogue_words(folder, translations=True)) | set(_words(cldr))


def _is_text(value: dict[str, Any]) -> bool:
    """Whether a JSON object is a translated text (``{"en": …, "ru": …}``)."""
    return bool(value) and all(
        isinstance(key, str) and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]+)*", key) for key in value
    )


def _data_strings(value: Any, lang: str) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        if _is_text(value) and any(key.split("-")[0] == lang for key in value):
            return  # the page shows the reader's own version
        for item in value.values():
            yield from _data_strings(item, lang)
    elif isinstance(value, list):
        for item in value:
            yield from _data_strings(item, lang)


# Rows written in one language (an article's translation, a comment), by their `lang`.
WRITTEN_IN_ONE_LANGUAGE = {
    "newsroom.articletranslation",
    "newsroom.comment",
    "newsroom.searchentry",
}
LANGUAGE_ALIASES = {"zh": ["zh-hans", "zh-Hans"]}
OUR_APPS = {"registry", "meetings", "relations", "newsroom", "custody", "core", "reports"}
# Stored words that are rendered through the interface, never shown as they are.
NOT_DATA = {"custody.auditentry", "meetings.effectlog"}


def organization_words(lang: str) -> set[str]:
    """Return every word the organization's records may show to a reader of ``lang``."""
    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model._meta.label_lower in NOT_DATA:
            continue
        fields = [
            field
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField))
            and not field.choices
        ]
        if not fields:
            continue
        rows = model._default_manager.all()
        if model._meta.label_lower in WRITTEN_IN_ONE_LANGUAGE:
            # Shown in another language's page, such a text carries its `lang`.
            rows = rows.filter(lang__in=[lang, *LANGUAGE_ALIASES.get(lang, [])])
        for row in rows.values_list(*(field.attname for field in fields)):
            for value in row:
                for text in _data_strings(value, lang):
                    found.update(_words(text))
    return found


class VisibleText(HTMLParser):
    """Collect the text a reader sees, leaving out organization data (see the docstring)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = ""
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []

    @property
    def skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.page_lang = found.get("lang", "").split("-")[0].lower()
        lang = found.get("lang", "").split("-")[0].lower()
        skip = (
            tag in NEVER_SHOWN
            or found.get("translate") == "no"
            or (tag != "html" and bool(lang) and lang != self.page_lang)
        )
        if not skip and not self.skipping:
            self.chunks.extend(found[name] for name in SEEN_ATTRIBUTES if found.get(name))
            if tag == "input" and found.get("type") in {"submit", "button", "reset"}:
                self.chunks.append(found.get("value", ""))
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.chunks.append(data)


def visible_text(html: str) -> str:
    """Return the page's visible interface text, one chunk a line."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return "\n".join(" ".join(chunk.split()) for chunk in parser.chunks if chunk.strip())


def english_words(text: str, allowed: set[str] | frozenset[str]) -> Iterator[tuple[str, str]]:
    """Yield (word, the line it is on) for each English interface word of ``text``."""
    english = interface_words()
    for line in text.splitlines():
        for word in _words(line):
            if word in english and word not in allowed:
                yield word, line[:120]


def fill_the_audit_trail() -> None:
    """Write through the services as a secretary would: from the web, the API and the
    command line, so the decision, session and person pages show an audit trail."""
    from chapterhouse.custody.access import ADMIN
    from chapterhouse.custody.services import audit_record, operator_viewer
    from chapterhouse.meetings.models import Decision, Session
    from chapterhouse.meetings.services import decision_update, session_update
    from chapterhouse.registry.models import Person
    from chapterhouse.registry.services import person_update

    at = timezone.now()
    decision = Decision.objects.get(slug="gc5-d3-nominate")
    decision_update(
        viewer=ADMIN, via="web", at=at, decision=decision, changes={"status": "adopted"}
    )
    decision_update(viewer=ADMIN, via="api", at=at, decision=decision, changes={"kind": "election"})
    session = Session.objects.get(slug="gc5-d2")
    session_update(
        viewer=ADMIN,
        via="web",
        at=at,
        session=session,
        changes={"format": "online", "title": {"en": "Day two", "ru": "День второй"}},
    )
    person = Person.objects.get(slug="olga-smirnova")
    person_update(
        viewer=ADMIN,
        via="web",
        at=at,
        person=person,
        changes={
            "contact": {"phone": "+7 700 555 0199", "address": "Almaty"},
            "born": "1980-02",
            "public": False,
        },
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


def _pages(ids: dict[str, str], persona: str) -> list[str]:
    """Return the matrix's paths the persona may open or is refused (403/404), once each."""
    paths = []
    for _route, path, expected in WEB:
        status = expected[persona]
        if status not in {200, 403, 404} or path.endswith((".ics", ".pdf", ".md", ".xml", ".atom")):
            continue
        if persona == "mia" and status != 403 and path != "/accounts/":
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
        if path not in paths:
            paths.append(path)
    if persona == "admin":
        # The records whose audit trail `fill_the_audit_trail` fills.
        paths += ["/decisions/gc5-d3-nominate/", "/sessions/gc5-d2/", "/people/olga-smirnova/"]
    return list(dict.fromkeys(paths))


def _in_language(path: str, lang: str) -> str:
    """Return ``path`` read in ``lang``: the news site's language is in the path, and a
    ``lang`` parameter (a report's language) would switch the interface too."""
    path = re.sub(r"([?&]lang=)[\w-]+", rf"\g<1>{lang}", path)
    return re.sub(r"^/(ko|en|ru|zh|de)/", f"/{lang}/", path)


def untranslated(client: Client, persona: str, lang: str, paths: Iterable[str]) -> list[str]:
    """Return one line per English interface word found on the pages, read in ``lang``."""
    client.get("/", {"lang": lang})
    allowed = kept_words(LANGUAGES[lang]) | organization_words(lang)
    found = []
    for path in paths:
        url = _in_language(path, lang)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        text = visible_text(response.content.decode())
        for word, line in english_words(text, allowed):
            found.append(f"{lang} {persona} {url} [{response.status_code}]: {word!r} in {line!r}")
    return found


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_no_page_shows_an_english_interface_word(personas, lang):
    ids = plant()
    fill_the_audit_trail()
    found: list[str] = []
    for persona in ("anonymous", "admin", "mia"):
        client = Client()
        if persona != "anonymous":
            sign_in(client, personas[persona])
        found += untranslated(client, persona, lang, _pages(ids, persona))

    assert not found, f"{len(found)} English words on {lang} pages:\n" + "\n".join(
        dict.fromkeys(found)
    )


def test_it_finds_an_english_word_and_leaves_data_alone():
    html = (
        '<html lang="ru"><head><title>Аудит</title><script>var status = "x";</script></head>'
        '<body><p>Статус: proposed</p><p lang="en">Kazakh Executive Committee</p>'
        '<p translate="no">Status</p><a href="/bodies/ec-kz/">ec-kz</a> '
        '<p>olga@mail.test</p><button aria-label="Close">×</button></body></html>'
    )

    found = list(english_words(visible_text(html), allowed=set()))

    assert [word for word, _ in found] == ["proposed", "close"]


def test_a_translated_text_is_data_only_where_it_falls_back():
    text = {"en": "Press Bureau", "ru": "Пресс-бюро"}

    assert list(_data_strings(text, "ru")) == []
    assert list(_data_strings(text, "ko")) == ["Press Bureau", "Пресс-бюро"]
    assert list(_data_strings({"person": "x", "role": "head"}, "ru")) == ["x", "head"]

"""The header offers only what the reader may open, and every page describes itself.

Each menu entry is shown by a named question in `custody/access.py`
(`chapterhouse.web.menu.MENU`), so no link in the header answers 403 or asks to sign in;
every page has one meta description, from its own content in the reader's language.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from tests.conftest import PERSONAS, sign_in

pytestmark = pytest.mark.django_db


class _HeaderLinks(HTMLParser):
    """Collect the href of every link inside <header>, and the meta descriptions."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []
        self.descriptions: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "header":
            self.depth += 1
        elif tag == "a" and self.depth and values.get("href"):
            self.links.append(str(values["href"]))
        elif tag == "meta" and values.get("name") == "description":
            self.descriptions.append(str(values.get("content") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "header":
            self.depth -= 1


def _parse(page: str) -> _HeaderLinks:
    parser = _HeaderLinks()
    parser.feed(page)
    return parser


def _client_for(persona: str, personas: dict[str, Any]) -> Any:
    from django.test import Client

    client = Client()
    if persona != "anonymous":
        sign_in(client, personas[persona])
    return client


@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS])
def test_every_link_in_the_header_opens_for_the_reader_who_sees_it(persona, personas):
    client = _client_for(persona, personas)
    header = _parse(client.get("/").content.decode())
    links = [link for link in header.links if not link.startswith("#")]
    assert "/conferences/" in links

    refused = {}
    for link in links:
        response = client.get(link, follow=True)
        sent_to = [url for url, _status in response.redirect_chain]
        if response.status_code != 200 or any("/sign-in/" in url for url in sent_to):
            refused[link] = (response.status_code, sent_to)
    assert refused == {}


@pytest.mark.parametrize(
    ("persona", "offered"),
    [
        ("anonymous", False),
        ("charlie", False),
        ("mia", False),
        ("tanya", True),
        ("bob", True),
        ("alice", True),
        ("admin", True),
    ],
)
def test_the_newsroom_is_in_the_menu_exactly_when_the_reader_may_open_it(
    persona, offered, personas
):
    client = _client_for(persona, personas)
    header = _parse(client.get("/").content.decode())

    assert ("/newsroom/" in header.links) is offered
    opens = client.get("/newsroom/").status_code == 200
    assert opens is offered


@pytest.mark.parametrize(
    ("path", "lang", "words"),
    [
        ("/", "ko", ["조직도", "2025년 5월 19일"]),
        ("/bodies/ec-kz/", "ru", ["Казахский исполнительный комитет", "Исполнительный комитет"]),
        ("/conferences/gc-5/", "de", ["18. Mai 2025"]),
        ("/people/aigerim-bekova/", "en", ["Aigerim Bekova"]),
        ("/ru/", "ru", ["Новости"]),
        ("/en/news/gc5-opens/", "en", ["Delegates from four continents"]),
        ("/calendar/", "en", ["International Friendship League"]),
    ],
)
def test_each_page_has_one_description_from_its_content_in_the_readers_language(
    demo, client, path, lang, words
):
    page = client.get(path, {"lang": lang, "as_of": "2025-05-19"}, follow=True)

    descriptions = _parse(page.content.decode()).descriptions
    assert len(descriptions) == 1
    for word in words:
        assert word in descriptions[0]

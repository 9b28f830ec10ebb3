"""Atom feeds of the news per language and per category, read the way feed readers do."""

from __future__ import annotations

import datetime as dt

import feedparser

from chapterhouse.newsroom.models import Article
from tests.newsroom.public_samples import article_add, articles_grow


def parse(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


def test_the_russian_feed_carries_the_russian_texts_newest_first(demo, client):
    feed = parse(client, "/ru/feed.atom")

    assert feed.version == "atom10"
    assert feed.feed.language == "ru"
    assert feed.feed.title == "Международная лига дружбы: новости"
    assert [entry.title for entry in feed.entries] == [
        "День Казахстана на конференции",
        "Открылась 5-я генеральная конференция",
    ]
    first = feed.entries[0]
    assert first.link == "http://testserver/ru/news/gc5-steppe-day/"
    assert (
        first.summary == "Второй день конференции провели Казахстанский комитет и Общество степи."
    )
    assert "<p>Студенты Алматинского университета рассказали о клубах дружбы.</p>" in (
        first.content[0].value
    )
    assert first.updated_parsed[:3] == (2025, 5, 20)
    assert first.published_parsed[:5] == (2025, 5, 20, 15, 30)


def test_a_feed_has_no_fallback_texts(demo, client):
    german = parse(client, "/de/feed.atom")
    chinese = parse(client, "/zh/feed.atom")

    # The German text of gc5-opens is still in review; nothing else is in German.
    assert german.entries == []
    # Outdated texts are still shown; the one in translation is not.
    assert [entry.title for entry in chinese.entries] == ["大会上的哈萨克斯坦日"]


def test_scheduled_articles_stay_out_of_the_feed_until_their_time(demo, client):
    assert "제5차 총회 폐막 성명" not in [e.title for e in parse(client, "/ko/feed.atom").entries]

    Article.objects.filter(slug="gc5-closing-statement").update(
        publish_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    )

    assert parse(client, "/ko/feed.atom").entries[0].title == "제5차 총회 폐막 성명"


def test_a_category_feed_carries_that_category_only(demo, client):
    article_add("a-statement", texts={"en": "published"}, category="statements")

    statements = parse(client, "/en/categories/statements/feed.atom")
    news = parse(client, "/en/categories/conference-news/feed.atom")

    assert [entry.title for entry in statements.entries] == ["a-statement title [en]"]
    assert statements.feed.link == "http://testserver/en/categories/statements/"
    assert len(news.entries) == 2


def test_a_feed_holds_the_thirty_newest_entries(demo, client):
    articles_grow(35)

    feed = parse(client, "/en/feed.atom")

    assert len(feed.entries) == 30
    assert feed.entries[0].title == "grown-0 title [en]"
    assert feed.entries[-1].title == "grown-29 title [en]"


def test_a_feed_for_an_unknown_category_is_not_found(demo, client):
    response = client.get("/en/categories/no-such-category/feed.atom")

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_a_feed_for_a_language_that_is_not_a_working_language_is_not_found(demo, client):
    assert client.get("/fr/feed.atom").status_code == 404


def test_the_pages_announce_their_feed(demo, client):
    home = client.get("/en/").content.decode()
    category = client.get("/en/categories/statements/").content.decode()

    assert 'type="application/atom+xml" href="/en/feed.atom"' in home
    assert 'href="/en/categories/statements/feed.atom"' in category

"""sitemap.xml: every article in each shown language, with its language alternates."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from chapterhouse.newsroom import public_views
from tests.newsroom.public_samples import articles_grow

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def read(client, url: str = "/sitemap.xml") -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def entries(root: ET.Element) -> dict[str, dict[str, str]]:
    """Return {loc: {hreflang: href}} of a urlset."""
    return {
        url.findtext("sm:loc", namespaces=NS): {
            link.get("hreflang"): link.get("href")
            for link in url.findall("xhtml:link", NS)
            if link.get("rel") == "alternate"
        }
        for url in root.findall("sm:url", NS)
    }


def test_every_shown_translation_has_a_url_with_its_alternates(demo, client):
    found = entries(read(client))

    articles = {loc: links for loc, links in found.items() if "/news/" in loc}
    assert set(articles) == {
        "http://testserver/ko/news/gc5-opens/",
        "http://testserver/en/news/gc5-opens/",
        "http://testserver/ru/news/gc5-opens/",
        "http://testserver/en/news/gc5-steppe-day/",
        "http://testserver/ru/news/gc5-steppe-day/",
        "http://testserver/zh/news/gc5-steppe-day/",
    }
    assert articles["http://testserver/ru/news/gc5-steppe-day/"] == {
        "en": "http://testserver/en/news/gc5-steppe-day/",
        "ru": "http://testserver/ru/news/gc5-steppe-day/",
        "zh": "http://testserver/zh/news/gc5-steppe-day/",
        "x-default": "http://testserver/en/news/gc5-steppe-day/",
    }


def test_the_home_pages_are_listed_with_the_negotiating_address_as_default(demo, client):
    found = entries(read(client))

    for code in ("ko", "en", "ru", "zh", "de"):
        links = found[f"http://testserver/{code}/"]
        assert links["x-default"] == "http://testserver/news/"
        assert len(links) == 6


def test_articles_carry_their_publication_day(demo, client):
    root = read(client)
    lastmod = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
        for url in root.findall("sm:url", NS)
    }

    assert lastmod["http://testserver/en/news/gc5-opens/"] == "2025-05-18"


def test_scheduled_articles_are_not_in_the_sitemap(demo, client):
    assert b"gc5-closing-statement" not in client.get("/sitemap.xml").content


def test_a_large_site_gets_an_index_of_sitemap_pages(demo, client, monkeypatch):
    monkeypatch.setattr(public_views, "SITEMAP_ARTICLES", 3)
    articles_grow(5)  # seven articles: three pages

    index = read(client)
    pages = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
    first = entries(read(client, "/sitemap.xml?p=1"))
    last = entries(read(client, "/sitemap.xml?p=3"))

    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert pages == [f"http://testserver/sitemap.xml?p={n}" for n in (1, 2, 3)]
    assert "http://testserver/en/" in first
    assert len([loc for loc in first if "/news/" in loc]) == 3 * 5
    assert set(last) == {
        "http://testserver/ko/news/gc5-opens/",
        "http://testserver/en/news/gc5-opens/",
        "http://testserver/ru/news/gc5-opens/",
    }
    assert client.get("/sitemap.xml?p=4").status_code == 404
    assert client.get("/sitemap.xml?p=x").status_code == 404

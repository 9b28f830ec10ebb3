"""sitemap.xml: every article in each shown language, with its language alternates, and the
registry's public pages in every working language."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from chapterhouse.newsroom.public import views as public_views
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

    records = entries(read(client, "/sitemap.xml?p=4"))

    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    # Three pages of news, then one of the registry's records.
    assert pages == [f"http://testserver/sitemap.xml?p={n}" for n in (1, 2, 3, 4)]
    assert "http://testserver/en/" in first
    assert "http://testserver/?lang=en" in first  # the list pages come with the first
    assert len([loc for loc in first if "/news/" in loc]) == 3 * 5
    assert set(last) == {
        "http://testserver/ko/news/gc5-opens/",
        "http://testserver/en/news/gc5-opens/",
        "http://testserver/ru/news/gc5-opens/",
    }
    assert "http://testserver/bodies/ec-kz/?lang=ru" in records
    assert not [loc for loc in records if "/news/" in loc]
    assert client.get("/sitemap.xml?p=5").status_code == 404
    assert client.get("/sitemap.xml?p=x").status_code == 404


# -- the registry's pages -------------------------------------------------------------------


def test_the_registry_pages_are_listed_in_every_language_with_their_alternates(demo, client):
    found = entries(read(client))

    for path in ("/", "/bodies/ec-kz/", "/conferences/gc-5/", "/sessions/gc5-d2/"):
        expected = {
            other: f"http://testserver{path}?lang={other}"
            for other in ("ko", "en", "ru", "zh", "de")
        }
        expected["x-default"] = f"http://testserver{path}"
        for code in ("ko", "en", "ru", "zh", "de"):
            assert found[f"http://testserver{path}?lang={code}"] == expected
    for path in (
        "/people/irina-volkova/",
        "/decisions/gc5-d1-elect/",
        "/calendar/",
        "/conferences/",
        "/people/",
    ):
        assert f"http://testserver{path}?lang=en" in found, path


def test_only_what_an_anonymous_visitor_may_open_is_listed(demo, client):
    from chapterhouse.registry.models import Body

    Body.objects.filter(slug="cell-almaty-uni").update(internal=True)

    page = client.get("/sitemap.xml").content.decode()

    assert "/people/olga-smirnova/" not in page  # private
    assert "/people/lark/" not in page
    assert "/bodies/cell-almaty-uni/" not in page  # internal
    assert "/bodies/ec-kz/" in page
    assert "/newsroom/" not in page and "/edit/" not in page


def test_the_sitemap_reads_a_fixed_number_of_queries(demo, client, django_assert_num_queries):
    from tests.web.conftest import grow_bodies

    client.get("/sitemap.xml")
    # The organization and the news (a few), the records: counted, then read kind by kind
    # (two queries for each of the five kinds, whatever their number).
    with django_assert_num_queries(19) as before:
        client.get("/sitemap.xml")
    grow_bodies(30)
    with django_assert_num_queries(len(before.captured_queries)):
        page = client.get("/sitemap.xml").content.decode()
    assert "/bodies/ec-extra-29/?lang=de" in page

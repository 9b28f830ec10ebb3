"""The public news site: home, article, category and tag pages under each working language."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from chapterhouse.newsroom.models import Article, ArticleTranslation
from tests.conftest import sign_in
from tests.newsroom.public_samples import article_add, articles_grow, grow_about


class HeadReader(HTMLParser):
    """Collect the <link> and <meta> elements of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.meta: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link":
            self.links.append(values)
        elif tag == "meta":
            self.meta.append(values)


def head(response) -> HeadReader:
    reader = HeadReader()
    reader.feed(response.content.decode())
    return reader


def og(response, name: str) -> list[str]:
    return [meta["content"] for meta in head(response).meta if meta.get("property") == name]


def hreflangs(response) -> dict[str, str]:
    return {
        link["hreflang"]: link["href"]
        for link in head(response).links
        if link.get("rel") == "alternate" and "hreflang" in link
    }


# --- negotiation and routes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("de-AT,de;q=0.9,en;q=0.5", "/de/"),
        ("ru", "/ru/"),
        ("zh-CN,zh;q=0.9", "/zh/"),
        ("fr-FR,fr;q=0.9,ko;q=0.4", "/ko/"),
        ("fr", "/en/"),
        ("", "/en/"),
    ],
)
def test_a_first_visit_goes_to_the_news_in_the_browsers_language(demo, client, header, expected):
    response = client.get("/news/", HTTP_ACCEPT_LANGUAGE=header)

    assert response.status_code == 302
    assert response["Location"] == expected
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(
    "url",
    [
        "/fr/",
        "/en/news/no-such-article/",
        "/en/categories/no-such-category/",
        "/en/tags/no-such-tag/",
        "/en/news/gc5-closing-statement/",
        "/en/?page=99",
    ],
)
def test_unknown_pages_get_the_friendly_not_found_page(demo, client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_a_bad_page_number_is_explained(demo, client):
    response = client.get("/en/?page=first")

    assert response.status_code == 400
    assert "is not a page number" in response.content.decode()


# --- what is on the site -------------------------------------------------------------------


def test_the_home_page_lists_published_news_newest_first(demo, client):
    page = client.get("/en/").content.decode()

    assert page.index("Kazakhstan&#x27;s day at the conference") < page.index(
        "The 5th General Conference opens"
    )
    assert "Closing statement" not in page  # scheduled for 2030
    assert 'href="/en/news/gc5-opens/"' in page
    assert 'href="/en/categories/conference-news/"' in page


def test_a_scheduled_article_appears_once_its_time_has_come(demo, client):
    assert "제5차 총회 폐막 성명" not in client.get("/ko/").content.decode()

    Article.objects.filter(slug="gc5-closing-statement").update(
        publish_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )

    assert "제5차 총회 폐막 성명" in client.get("/ko/").content.decode()
    assert client.get("/ko/news/gc5-closing-statement/").status_code == 200


def test_drafts_and_texts_in_review_are_never_shown(demo, client):
    # gc5-opens has German in review and Chinese in translation: both fall back.
    german = client.get("/de/news/gc5-opens/").content.decode()
    chinese = client.get("/zh/news/gc5-opens/").content.decode()

    assert "Die 5. Generalkonferenz ist eröffnet" not in german
    assert "The 5th General Conference opens" in german
    assert "第五届全体大会开幕" not in chinese


def test_an_article_without_any_shown_text_is_not_on_the_site(demo, client):
    article_add("all-drafts", texts={"en": "draft", "ru": "in_review"})

    assert client.get("/en/news/all-drafts/").status_code == 404
    assert "all-drafts" not in client.get("/en/").content.decode()


def test_lists_mark_the_items_shown_in_another_language(demo, client):
    page = client.get("/de/").content.decode()

    # Neither article has a German text yet: Russian (the source) and English.
    assert '<h2 class="news-item__title" lang="ru">' in page
    assert '<h2 class="news-item__title" lang="en">' in page
    assert "Russisch" in page and "Englisch" in page
    assert 'href="/de/news/gc5-steppe-day/"' in page


def test_category_and_tag_pages_list_their_articles_only(demo, client):
    article_add("a-statement", texts={"en": "published"}, category="statements", tags=("youth",))

    statements = client.get("/en/categories/statements/").content.decode()
    youth = client.get("/en/tags/youth/").content.decode()

    assert "a-statement title [en]" in statements
    assert "The 5th General Conference opens" not in statements
    assert "a-statement title [en]" in youth
    assert "Kazakhstan&#x27;s day at the conference" in youth
    assert "The 5th General Conference opens" not in youth


def test_lists_are_paginated(demo, client):
    articles_grow(12)

    first = client.get("/en/").content.decode()
    second = client.get("/en/?page=2").content.decode()

    assert first.count('class="news-item"') == 10
    assert second.count('class="news-item"') == 4
    assert 'href="?page=2"' in first
    assert "grown-0 title [en]" in first and "grown-0 title [en]" not in second


def test_the_news_navigation_offers_home_and_the_categories(demo, client):
    page = client.get("/ru/tags/youth/").content.decode()
    nav = page[
        page.index('class="news-nav"') : page.index("</nav>", page.index('class="news-nav"'))
    ]

    assert 'href="/ru/"' in nav
    assert "Новости конференций" in nav and 'href="/ru/categories/statements/"' in nav


# --- the article page ------------------------------------------------------------------------


def test_the_article_page_shows_the_text_in_the_pages_language(demo, client):
    page = client.get("/ru/news/gc5-opens/").content.decode()

    assert '<h1 id="article-title">Открылась 5-я генеральная конференция</h1>' in page
    assert "Делегаты с четырёх континентов" in page
    assert "<p>Председатель Ирина Волкова открыла конференцию" in page  # Markdown rendered
    assert 'lang="ru"' in page
    assert "Not yet available" not in page
    assert "18 мая 2025" in page  # CLDR date
    assert 'href="/bodies/press-bureau/"' in page  # byline: the author body


def test_a_missing_language_falls_back_to_the_source_with_a_clear_notice(demo, client):
    page = client.get("/en/news/gc5-steppe-day/")
    german = client.get("/de/news/gc5-steppe-day/").content.decode()

    assert "Not yet available" not in page.content.decode()
    # Russian is the source language: it comes before English, the default.
    assert "День Казахстана на конференции" in german
    assert '<article class="news-article" lang="ru"' in german
    assert "Deutsch" in german and "Russisch" in german


def test_the_notice_names_the_requested_and_the_shown_language(demo, client):
    page = client.get("/ko/news/gc5-steppe-day/").content.decode()
    notice = page[page.index('class="notice news-notice"') :]
    notice = notice[: notice.index("</p>")]

    assert "한국어" in notice  # the requested language, by its own name
    assert "러시아어" in notice  # the shown one, in the page's language


def test_the_fallback_goes_source_then_default_then_any(demo, client):
    article_add("source-missing", source="de", texts={"de": "draft", "en": "published"})
    article_add(
        "only-others", source="de", texts={"de": "draft", "zh": "published", "ru": "published"}
    )

    default_shown = client.get("/ko/news/source-missing/").content.decode()
    any_shown = client.get("/ko/news/only-others/").content.decode()

    assert '<article class="news-article" lang="en"' in default_shown
    # Neither source (de) nor default (en): the first shown in the working languages' order.
    assert '<article class="news-article" lang="ru"' in any_shown


def test_an_outdated_translation_says_the_original_changed(demo, client):
    page = client.get("/zh/news/gc5-steppe-day/").content.decode()

    assert "大会上的哈萨克斯坦日" in page
    assert "news-notice--outdated" in page
    assert "Not yet available" not in page


def test_the_article_page_links_every_shown_language_and_a_default(demo, client):
    response = client.get("/ru/news/gc5-opens/")

    assert hreflangs(response) == {
        "ko": "http://testserver/ko/news/gc5-opens/",
        "en": "http://testserver/en/news/gc5-opens/",
        "ru": "http://testserver/ru/news/gc5-opens/",
        "x-default": "http://testserver/en/news/gc5-opens/",
    }
    canonical = [link["href"] for link in head(response).links if link.get("rel") == "canonical"]
    assert canonical == ["http://testserver/ru/news/gc5-opens/"]


def test_a_fallback_page_is_canonically_the_shown_languages_page(demo, client):
    response = client.get("/de/news/gc5-opens/")

    canonical = [link["href"] for link in head(response).links if link.get("rel") == "canonical"]
    assert canonical == ["http://testserver/en/news/gc5-opens/"]


def test_the_article_page_has_opengraph_tags(demo, client):
    grow_about("gc5-steppe-day", 2)
    response = client.get("/en/news/gc5-steppe-day/")

    assert og(response, "og:type") == ["article"]
    assert og(response, "og:title") == ["Kazakhstan's day at the conference"]
    assert og(response, "og:description")[0].startswith("The Kazakhstan committee")
    assert og(response, "og:url") == ["http://testserver/en/news/gc5-steppe-day/"]
    assert og(response, "og:locale") == ["en_US"]
    assert sorted(og(response, "og:locale:alternate")) == ["ru_RU", "zh_CN"]
    assert og(response, "og:image") == [
        "http://testserver/media/photos/thumbnails/gc5-steppe-day-0.jpg"
    ]
    assert og(response, "article:published_time") == ["2025-05-20T15:30:00+00:00"]


def test_the_language_switcher_goes_to_this_article_in_each_language(demo, client):
    page = client.get("/en/news/gc5-opens/").content.decode()
    switcher = page[page.index('class="language-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]

    for code in ("ko", "en", "ru", "zh", "de"):
        assert f'href="/{code}/news/gc5-opens/"' in switcher
    # Languages with their own text are listed on the page.
    translations = page[page.index('class="news-translations"') :]
    assert 'hreflang="ru"' in translations and 'hreflang="de"' not in translations


def test_the_article_page_links_what_it_is_about_and_its_tags(demo, client):
    page = client.get("/en/news/gc5-opens/").content.decode()

    assert 'href="/bodies/council/"' in page
    assert 'href="/sessions/gc5-d1/"' in page
    assert 'href="/conferences/gc-5/"' in page
    assert 'href="/people/irina-volkova/"' in page
    assert 'href="/en/tags/gc-5/"' in page


def test_people_the_reader_may_not_see_are_left_out_or_named_by_placeholder(demo, client, personas):
    article_add(
        "about-olga",
        texts={"en": "published"},
        author_person="lark",
        about_people=("olga-smirnova", "irina-volkova"),
    )

    anonymous = client.get("/en/news/about-olga/").content.decode()
    sign_in(client, personas["alice"])
    alice = client.get("/en/news/about-olga/").content.decode()

    assert "Ana Costa" not in anonymous and "/people/lark/" not in anonymous
    assert "Lark" in anonymous  # her call sign
    assert "/people/olga-smirnova/" not in anonymous and "Olga" not in anonymous
    assert "/people/irina-volkova/" in anonymous
    assert "/people/olga-smirnova/" in alice
    assert "/people/lark/" in alice


def test_the_article_page_escapes_what_it_does_not_render(demo, client):
    article = article_add("hostile", texts={"en": "published"})
    ArticleTranslation.objects.filter(article=article).update(
        title="<script>alert(1)</script>",
        body="<script>alert(2)</script>\n\n[x](javascript:alert(3))",
    )

    page = client.get("/en/news/hostile/").content.decode()

    assert "<script>alert" not in page
    assert 'href="javascript' not in page


# --- a fixed number of queries ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/en/", 5),  # organization, count, page, texts, categories
        ("/de/categories/conference-news/", 5),  # the category is one of the categories
        ("/ru/tags/gc-5/", 6),  # and the tag
    ],
)
def test_lists_run_a_fixed_number_of_queries(demo, client, django_assert_num_queries, url, queries):
    articles_grow(1, prefix="first")  # three articles on the site
    client.get("/en/")  # the working languages are read once and kept
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    articles_grow(27)  # thirty
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(queries):
        assert client.get(f"{url}?page=3").status_code == 200


def test_the_article_page_runs_a_fixed_number_of_queries(demo, client, django_assert_num_queries):
    grow_about("gc5-opens", 1)
    client.get("/en/")
    # organization, article, texts, tags, bodies, sessions, conferences, people,
    # albums, photos, comments, categories, and the names in the reader's language of
    # the people named (docs/decisions/0028)
    with django_assert_num_queries(13):
        client.get("/en/news/gc5-opens/")
    grow_about("gc5-opens", 30)
    with django_assert_num_queries(13):
        page = client.get("/en/news/gc5-opens/").content.decode()
    assert "/people/reader-29/" in page


# --- news on the pages of what they are about -------------------------------------------------


def test_pages_of_bodies_sessions_conferences_and_people_list_their_news(demo, client):
    body = client.get("/bodies/council/").content.decode()
    session = client.get("/sessions/gc5-d2/").content.decode()
    conference = client.get("/conferences/gc-5/").content.decode()
    person = client.get("/people/irina-volkova/").content.decode()

    assert 'href="/en/news/gc5-opens/"' in body
    assert 'href="/en/news/gc5-steppe-day/"' in session
    assert 'href="/en/news/gc5-opens/"' in conference
    assert "gc5-closing-statement" not in conference  # scheduled
    assert 'href="/en/news/gc5-opens/"' in person


def test_news_on_other_pages_follow_the_interface_language_with_fallback(demo, client):
    russian = client.get("/bodies/council/?lang=ru").content.decode()
    german = client.get("/sessions/gc5-d2/?lang=de").content.decode()

    assert re.search(r'href="/ru/news/gc5-opens/" lang="ru">Открылась', russian)
    assert re.search(r'href="/de/news/gc5-steppe-day/" lang="ru">День Казахстана', german)


def test_a_page_without_news_has_no_news_section(demo, client):
    page = client.get("/people/park-minjun/").content.decode()  # only in a scheduled article

    assert "news-about-title" not in page


@pytest.mark.parametrize(
    "url",
    [
        "/en/news/a%00b/",
        "/en/tags/a%00/",
        "/en/categories/%00/",
        "/en/categories/%00/feed.atom",
    ],
)
def test_an_id_with_a_nul_character_is_refused_at_the_door(demo, client, url):
    assert client.get(url).status_code == 400

"""Searching the news: per language, CJK without spaces, stemming, only what is public."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chapterhouse.newsroom.models import Article, ArticleTranslation, SearchEntry
from chapterhouse.newsroom.search.selectors import (
    RESULTS_PER_PAGE,
    search_articles,
    search_terms,
)

pytestmark = pytest.mark.django_db

PAST = dt.datetime(2025, 5, 19, 8, tzinfo=dt.UTC)
# A search page: the organization, the news categories, the count and the page of results.
PAGE_QUERIES = 4


def publish(
    slug: str,
    texts: dict[str, tuple[str, str, str]],
    *,
    status: str = "published",
    publish_at: dt.datetime | None = PAST,
) -> Article:
    """Create an article with a translation per language: lang → (title, lead, body)."""
    article = Article.objects.create(
        slug=slug, source_language=next(iter(texts)), publish_at=publish_at
    )
    for lang, (title, lead, body) in texts.items():
        ArticleTranslation.objects.create(
            article=article, lang=lang, title=title, lead=lead, body=body, status=status
        )
    return article


@pytest.fixture
def news(demo: None) -> None:
    """The demo's articles and one article per language with words to look for."""
    publish(
        "zh-congress",
        {"zh": ("组织大会闭幕", "", "第五次组织代表大会在北京举行。代表们通过了决议。")},
    )
    publish("ko-congress", {"ko": ("조직대회 소식", "", "제5차 조직대회가 서울에서 열렸다.")})
    publish(
        "ru-conference",
        {"ru": ("Итоги конференции", "", "Делегаты **конференции** приняли резолюцию.")},
    )
    publish(
        "de-conference",
        {"de": ("Zwei Konferenzen", "", "Die Konferenzen in Berlin und Wien sind vorbei.")},
    )


def search(client: Client, lang: str, q: str, **params: Any) -> Any:
    return client.get(f"/{lang}/search/", {"q": q, **params})


def titles(response: Any) -> list[str]:
    """The titles of the results on a search page, in order."""
    return [hit["hit"].title for hit in response.context["hits"]]


def test_it_finds_a_chinese_word_inside_a_longer_run_of_characters(
    client: Client, news: None
) -> None:
    response = search(client, "zh", "代表大会")
    assert response.status_code == 200
    assert titles(response) == ["组织大会闭幕"]
    assert "<mark>代表大会</mark>" in response.content.decode()
    assert '<a href="/zh/news/zh-congress/">' in response.content.decode()


def test_it_shows_the_chinese_snippet_as_written_not_as_character_pairs(
    client: Client, news: None
) -> None:
    page = response_text(search(client, "zh", "北京"))
    assert "第五次组织代表大会在<mark>北京</mark>举行" in page


def test_it_finds_a_korean_word_inside_a_compound(client: Client, news: None) -> None:
    response = search(client, "ko", "대회")
    assert titles(response) == ["조직대회 소식"]
    assert "조직<mark>대회</mark>" in response.content.decode()


def test_a_single_chinese_character_finds_the_words_that_start_with_it(
    client: Client, news: None
) -> None:
    assert titles(search(client, "zh", "北")) == ["组织大会闭幕"]


def test_russian_words_are_found_in_other_forms(client: Client, news: None) -> None:
    assert titles(search(client, "ru", "резолюция")) == ["Итоги конференции"]
    assert titles(search(client, "ru", "РЕЗОЛЮЦИЯМИ")) == ["Итоги конференции"]
    # "конференции", "конференцию", "Конференция" in the demo's articles and ours:
    assert set(titles(search(client, "ru", "конференция"))) == {
        "Итоги конференции",
        "Открылась 5-я генеральная конференция",
        "День Казахстана на конференции",
    }


def test_german_plurals_find_singulars_and_back(client: Client, news: None) -> None:
    publish("de-one", {"de": ("Eine Konferenz", "", "Nur eine.")})
    assert set(titles(search(client, "de", "Konferenz"))) == {"Zwei Konferenzen", "Eine Konferenz"}
    assert set(titles(search(client, "de", "Konferenzen"))) == {
        "Zwei Konferenzen",
        "Eine Konferenz",
    }


def test_english_search_finds_the_demo_article_and_marks_the_words(
    client: Client, news: None
) -> None:
    response = search(client, "en", "general conference")
    assert "The 5th General Conference opens" in titles(response)
    assert re.search(r"<mark>General</mark>\s*<mark>Conference</mark>", response_text(response))


def test_it_searches_only_the_language_of_the_page(client: Client, news: None) -> None:
    assert titles(search(client, "en", "резолюция")) == []
    assert titles(search(client, "ru", "резолюция")) == ["Итоги конференции"]


def test_with_nothing_in_this_language_it_offers_the_other_languages(
    client: Client, news: None
) -> None:
    response = search(client, "de", "резолюция")
    assert response.context["page"].count == 0
    elsewhere = response.context["elsewhere"]
    assert [(other["code"], other["count"]) for other in elsewhere] == [("ru", 1)]
    assert elsewhere[0]["url"] == "/ru/search/?q=" + quote("резолюция")
    assert "Gefunden in anderen Sprachen" in response_text(response)  # said in German


def test_an_article_not_yet_published_is_not_found_until_its_time(
    client: Client, news: None
) -> None:
    # The demo's closing statement is scheduled for 2030 (published in Korean).
    assert titles(search(client, "ko", "폐막")) == []
    later = dt.datetime(2030, 1, 2, tzinfo=dt.UTC)
    found = search_articles(terms=search_terms("폐막"), lang="ko", now=later)
    assert [hit.slug for hit in found.hits] == ["gc5-closing-statement"]


def test_an_article_without_a_publication_date_is_not_found(client: Client, news: None) -> None:
    publish("unscheduled", {"en": ("Quokka sightings", "", "")}, publish_at=None)
    assert titles(search(client, "en", "quokka")) == []


def test_a_draft_translation_is_not_found_until_it_is_published(client: Client, news: None) -> None:
    article = publish("drafty", {"en": ("Pangolin report", "", "About pangolins.")}, status="draft")
    assert titles(search(client, "en", "pangolin")) == []
    for status in ("in_translation", "in_review"):
        ArticleTranslation.objects.filter(article=article).update(status=status)
        assert titles(search(client, "en", "pangolin")) == []
    translation = article.translations.get()
    translation.status = "published"
    translation.save()
    assert titles(search(client, "en", "pangolin")) == ["Pangolin report"]
    translation.status = "outdated"
    translation.save()
    assert titles(search(client, "en", "pangolin")) == ["Pangolin report"]
    translation.status = "draft"
    translation.save()
    assert titles(search(client, "en", "pangolin")) == []


def test_the_index_follows_edits_and_deletions(client: Client, news: None) -> None:
    article = publish("edited", {"en": ("Walrus news", "", "Walruses gathered.")})
    translation = article.translations.get()
    translation.title, translation.body = "Narwhal news", "Narwhals gathered."
    translation.save()
    assert titles(search(client, "en", "walrus")) == []
    assert titles(search(client, "en", "narwhal")) == ["Narwhal news"]
    translation.delete()
    assert titles(search(client, "en", "narwhal")) == []
    publish("deleted", {"en": ("Ibex news", "", "")}).delete()
    assert titles(search(client, "en", "ibex")) == []
    assert not SearchEntry.objects.filter(article__slug__in=["edited", "deleted"]).exists()


def test_a_renamed_article_is_linked_at_its_new_address(client: Client, news: None) -> None:
    Article.objects.filter(slug="ko-congress").update(slug="ko-congress-2")
    assert '<a href="/ko/news/ko-congress-2/">' in response_text(search(client, "ko", "대회"))


QUERIES = [("en", "conference"), ("zh", "代表大会"), ("ko", "대회"), ("ru", "делегаты")]


def results(now: dt.datetime) -> list[list[str]]:
    return [
        [hit.slug for hit in search_articles(terms=search_terms(q), lang=lang, now=now).hits]
        for lang, q in QUERIES
    ]


def test_rebuilding_the_index_gives_the_same_results(news: None) -> None:
    now = timezone.now()
    before = results(now)
    assert all(before)
    SearchEntry.objects.all().delete()
    assert results(now) == [[] for _ in QUERIES]
    call_command("search_index", verbosity=0)
    assert results(now) == before
    call_command("search_index", verbosity=0)  # nothing changed: still the same
    assert results(now) == before


def test_rebuilding_repairs_entries_the_signals_missed(news: None) -> None:
    # Bulk updates send no signals: a draft made public this way is found after a rebuild.
    article = publish("bulk", {"en": ("Axolotl report", "", "")}, status="draft")
    ArticleTranslation.objects.filter(article=article).update(status="published")
    now = timezone.now()
    assert search_articles(terms=search_terms("axolotl"), lang="en", now=now).count == 0
    call_command("search_index", verbosity=0)
    assert search_articles(terms=search_terms("axolotl"), lang="en", now=now).count == 1


def test_a_translation_unpublished_by_a_bulk_update_is_not_shown_even_before_a_rebuild(
    client: Client, news: None
) -> None:
    article = publish("withdrawn", {"en": ("Quetzal report", "", "")})
    ArticleTranslation.objects.filter(article=article).update(status="draft")  # no signals
    assert titles(search(client, "en", "quetzal")) == []
    call_command("search_index", verbosity=0)
    assert search(client, "en", "quetzal").context["page"].count == 0


def test_the_index_command_reports_what_it_did(news: None, capsys: Any) -> None:
    SearchEntry.objects.filter(lang="en").delete()
    call_command("search_index", batch_size=3)
    out = capsys.readouterr().out
    assert re.match(r"Indexed 11 translations in [\d.]+ s: 2 created, 0 updated, 9 unchanged", out)


def test_the_index_command_refuses_an_empty_batch(db: None) -> None:
    with pytest.raises(CommandError, match="at least 1"):
        call_command("search_index", batch_size=0)


def test_better_matches_come_first(client: Client, news: None) -> None:
    publish("once", {"en": ("Meerkat once", "", "A long text. " * 30 + "Nothing else.")})
    publish("often", {"en": ("Meerkat often", "", "Meerkat, meerkat and meerkat again.")})
    assert titles(search(client, "en", "meerkat")) == ["Meerkat often", "Meerkat once"]


def test_results_come_a_page_at_a_time(client: Client, news: None) -> None:
    for n in range(RESULTS_PER_PAGE + 5):
        publish(f"gecko-{n}", {"en": (f"Gecko {n}", "", "")}, publish_at=PAST - dt.timedelta(n))
    first = search(client, "en", "gecko")
    assert first.context["page"].count == RESULTS_PER_PAGE + 5
    assert len(titles(first)) == RESULTS_PER_PAGE
    assert "?q=gecko&amp;page=2" in response_text(first)
    second = search(client, "en", "gecko", page="2")
    assert len(titles(second)) == 5
    assert set(titles(first)).isdisjoint(titles(second))
    assert titles(search(client, "en", "gecko", page="99")) == titles(second)


@pytest.mark.parametrize("page", ["two", "²", "٣", "0", "-1", "1.5", "99999999"])
def test_a_page_that_is_not_a_number_is_a_clear_bad_request(
    client: Client, news: None, page: str
) -> None:
    response = search(client, "en", "gecko", page=page)
    assert response.status_code == 400
    assert "is not a page number" in response_text(response)


def test_a_query_of_punctuation_only_says_there_is_nothing_to_search_for(
    client: Client, news: None
) -> None:
    response = search(client, "en", '"*() ^ : -')
    assert response.status_code == 200
    assert "nothing to search for" in response_text(response)


def test_a_page_costs_the_same_queries_whatever_the_number_of_results(
    client: Client, news: None
) -> None:
    publish("few", {"en": ("Tapir", "", "")})
    search(client, "en", "tapir")  # the site's languages are read once per process
    with CaptureQueriesContext(connection) as few:
        search(client, "en", "tapir")
    for n in range(30):
        publish(f"many-{n}", {"en": (f"Tapir {n}", "", "")})
    with CaptureQueriesContext(connection) as many:
        search(client, "en", "tapir")
    assert len(few) == len(many) == PAGE_QUERIES
    # Nothing in this language: the count, then one query for all the other languages.
    with CaptureQueriesContext(connection) as none_here:
        search(client, "de", "tapir")
    assert len(none_here) == PAGE_QUERIES


def test_stored_markup_reaches_the_page_as_text_only(client: Client, news: None) -> None:
    publish(
        "hostile",
        {
            "en": (
                '<script>alert("title")</script> Okapi',
                "<img src=x onerror=alert(1)>",
                "Okapi <script>alert('body')</script> [x](javascript:alert(2))",
            )
        },
    )
    page = response_text(search(client, "en", "okapi alert"))
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;" in page


HOSTILE = [
    '"',
    '""',
    "'",
    "NEAR(conference opens)",
    "conference*",
    "*",
    "^conference",
    "(conference",
    "conference)",
    "conference AND OR NOT",
    "document:conference",
    "{document}: conference",
    "- conference",
    "conference:*",
    "' OR 1=1 --",
    "&|!<->",
    "\\",
    "%",
    "_",
    "a" * 1000,
    "代" * 1000,
    "conference " * 200,
    "\u2063\x02\x03",
    "\U0001f600",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_a_clean_page(client: Client, news: None, query: str) -> None:
    response = search(client, "en", query)
    assert response.status_code == 200


def test_a_nul_character_is_refused_with_a_message(client: Client, news: None) -> None:
    assert search(client, "en", "con\x00ference").status_code == 400


def test_the_language_switcher_keeps_the_query(client: Client, news: None) -> None:
    switcher = search(client, "en", "conference").context["language_switcher"]
    assert {entry["code"]: entry["url"] for entry in switcher}["ru"] == "/ru/search/?q=conference"


def test_a_language_that_is_not_a_working_language_is_not_found(client: Client, news: None) -> None:
    assert search(client, "fr", "conference").status_code == 404


def test_the_indexes_exist_on_this_database(db: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'newsroom_searchentry'"
            )
            definitions = " ".join(row[0] for row in cursor.fetchall())
            for config in ("simple", "english", "russian", "german"):
                assert (
                    f"newsroom_search_{config} ON public.newsroom_searchentry USING gin (vector) "
                    f"WHERE ((config)::text = '{config}'::text)"
                ) in definitions
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'newsroom_searchentry_fts'")
            assert "remove_diacritics 2" in cursor.fetchone()[0]


def response_text(response: Any) -> str:
    return response.content.decode()

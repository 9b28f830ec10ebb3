"""Searching with arbitrary input: never an error, and what an article says is found."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapterhouse.newsroom.models import Article, ArticleTranslation
from chapterhouse.newsroom.search.selectors import search_articles, search_terms

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_slugs = itertools.count()

# Any text a browser can send (lone surrogates cannot be encoded in a URL).
queries = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=300)
operators = st.sampled_from(
    ['"', "*", "^", "(", ")", ":", "-", "+", "AND", "OR", "NOT", "NEAR", "{", "}", "'", "&", "|",
     "!", "<->", ":*", "\\", "document:", "lang:", " ", "\x00", "\u2063", "\x02", "代表", "конф"]
)  # fmt: skip
syntax_soup = st.lists(st.one_of(operators, st.text(max_size=5)), max_size=40).map("".join)


@FUZZ
@given(q=st.one_of(queries, syntax_soup))
def test_any_query_gives_a_clean_page(client: Client, demo: None, q: str) -> None:
    response = client.get("/en/search/", {"q": q})
    # NUL characters are refused by the middleware before any view runs.
    assert response.status_code == (400 if "\x00" in q else 200)


@FUZZ
@given(page=st.one_of(queries, st.integers(-5, 10**9).map(str)))
def test_any_page_number_gives_a_page_or_a_clear_refusal(
    client: Client, demo: None, page: str
) -> None:
    response = client.get("/en/search/", {"q": "conference", "page": page})
    assert response.status_code in (200, 400)
    if response.status_code == 400 and "\x00" not in page:
        assert "is not a page number" in response.content.decode()


def publish(lang: str, title: str, body: str) -> Article:
    article = Article.objects.create(
        slug=f"fuzz-{next(_slugs)}",
        source_language=lang,
        publish_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    ArticleTranslation.objects.create(
        article=article, lang=lang, title=title, body=body, status="published"
    )
    return article


def found(article: Article, lang: str, query: str) -> bool:
    page = search_articles(terms=search_terms(query), lang=lang, now=NOW, per_page=100)
    return article.slug in {hit.slug for hit in page.hits}


hanzi = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=2, max_size=30
)
hangul = st.text(
    alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xAD00), min_size=2, max_size=30
)


@FUZZ
@given(run=st.one_of(hanzi, hangul), data=st.data())
def test_any_stretch_of_a_cjk_run_finds_its_article(
    db: None, run: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(run) - 2))
    end = data.draw(st.integers(start + 2, len(run)))
    lang = "ko" if run[0] >= "\uac00" else "zh"
    article = publish(lang, "标题", f"前文{run}。后文")
    try:
        assert found(article, lang, run[start:end])
    finally:
        article.delete()


latin_words = st.lists(
    st.text(alphabet="bcdfgklmnprstvz", min_size=5, max_size=12), min_size=1, max_size=8
)
cyrillic_words = st.lists(
    st.text(alphabet="бвгджзклмнпрст", min_size=5, max_size=12), min_size=1, max_size=8
)


@FUZZ
@given(
    case=st.one_of(
        st.tuples(st.sampled_from(["en", "de"]), latin_words),
        st.tuples(st.just("ru"), cyrillic_words),
    ),
    data=st.data(),
)
def test_any_word_of_an_article_finds_it(
    db: None, case: tuple[str, list[str]], data: st.DataObject
) -> None:
    lang, words = case
    word = data.draw(st.sampled_from(words))
    article = publish(lang, "Title", " ".join(words).capitalize() + ".")
    try:
        assert found(article, lang, word.upper())
    finally:
        article.delete()

"""The page cache: whole public pages for visitors who are not signed in.

These tests commit for real (`transactional_db`): the cache's generation moves
when a transaction commits, and the cache stays out of the way inside an open
transaction, which is where ordinary tests run.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from chapterhouse.newsroom.models import ArticleTranslation
from chapterhouse.newsroom.public.page_cache import PageCacheMiddleware, public_page
from tests.conftest import sign_in


@pytest.fixture
def site(transactional_db, demo):
    """The demo organization, committed, with an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "url", ["/en/", "/ru/news/gc5-opens/", "/de/tags/youth/", "/ko/feed.atom", "/sitemap.xml"]
)
def test_the_second_visit_is_served_from_the_cache_without_a_query(
    site, client, django_assert_num_queries, url
):
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert first["X-Cache"] == "MISS"
    assert second["X-Cache"] == "HIT"
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Language"] == first["Content-Language"]


def test_pages_in_other_languages_and_pages_are_kept_apart(site, client):
    client.get("/en/")

    assert client.get("/ru/")["X-Cache"] == "MISS"
    assert client.get("/en/?page=1")["X-Cache"] == "MISS"
    assert client.get("/en/")["X-Cache"] == "HIT"


def test_a_changed_translation_is_shown_at_once(site, client):
    client.get("/en/news/gc5-opens/")
    assert client.get("/en/news/gc5-opens/")["X-Cache"] == "HIT"

    text = ArticleTranslation.objects.get(article__slug="gc5-opens", lang="en")
    text.title = "The 5th General Conference has opened"
    text.save()

    response = client.get("/en/news/gc5-opens/")
    assert response["X-Cache"] == "MISS"
    assert "The 5th General Conference has opened" in response.content.decode()
    # Every page is stale, not only the article's.
    assert client.get("/en/").content.decode().count("has opened") == 1


def test_signed_in_visitors_neither_get_nor_fill_cached_pages(site, client, django_user_model):
    from django.test import Client

    # A plain account (the personas' audited creation could not be flushed after the test).
    reader = django_user_model.objects.create_user("reader@chapterhouse.test")
    client.get("/en/")  # cached for visitors
    sign_in(client, reader)

    signed_in = client.get("/en/")
    assert "X-Cache" not in signed_in
    assert "reader@chapterhouse.test" in signed_in.content.decode()

    visitor = Client()
    cache.clear()
    client.get("/en/news/gc5-opens/")  # the reader first: nothing stored
    assert visitor.get("/en/news/gc5-opens/")["X-Cache"] == "MISS"
    assert "reader@chapterhouse.test" not in visitor.get("/en/news/gc5-opens/").content.decode()


def test_cached_responses_carry_no_cookie(site, client):
    client.get("/en/")
    hit = client.get("/en/")

    assert hit["X-Cache"] == "HIT"
    assert not hit.cookies
    assert "Set-Cookie" not in hit


def test_a_response_that_sets_a_cookie_is_not_stored(site):
    @public_page
    def sets_a_cookie(request):
        response = HttpResponse("hello")
        response.set_cookie("seen", "1")
        return response

    middleware = PageCacheMiddleware(sets_a_cookie)
    request = RequestFactory().get("/en/cookie-page/")

    middleware(request)
    again = middleware(RequestFactory().get("/en/cookie-page/"))

    assert again["X-Cache"] == "MISS"
    assert again.cookies["seen"].value == "1"


def test_pages_the_view_did_not_mark_are_not_stored(site):
    middleware = PageCacheMiddleware(lambda request: HttpResponse("not marked"))

    middleware(RequestFactory().get("/en/unmarked/"))
    again = middleware(RequestFactory().get("/en/unmarked/"))

    assert "X-Cache" not in again


def test_not_found_pages_are_not_cached(site, client):
    client.get("/en/news/no-such-article/")
    again = client.get("/en/news/no-such-article/")
    scheduled = client.get("/en/news/gc5-closing-statement/")

    assert again.status_code == 404 and again.get("X-Cache") != "HIT"
    assert scheduled.status_code == 404 and scheduled.get("X-Cache") != "HIT"


def test_head_requests_are_served_from_the_cache_too(site, client):
    client.get("/en/")

    response = client.head("/en/")

    assert response["X-Cache"] == "HIT"
    assert response.status_code == 200


def test_other_pages_are_never_looked_up(site, client):
    client.get("/conferences/")

    response = client.get("/conferences/")

    assert "X-Cache" not in response


def test_inside_an_open_transaction_nothing_is_stored(site, client):
    from django.db import transaction

    with transaction.atomic():
        client.get("/en/")
        response = client.get("/en/")

    assert "X-Cache" not in response
    assert client.get("/en/")["X-Cache"] == "MISS"

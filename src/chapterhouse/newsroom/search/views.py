"""The public search page: articles of one working language that match ``?q=``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from chapterhouse.core.http import BadPageNumber, bad_request_page, page_asked
from chapterhouse.core.language import language_name
from chapterhouse.newsroom.languages import site_languages
from chapterhouse.newsroom.search.selectors import (
    QUERY_MAX_CHARS,
    search_articles,
    search_counts_elsewhere,
    search_terms,
)


def search(request: HttpRequest, lang: str) -> HttpResponse:
    """Show the articles in ``lang`` that match ``?q=``, best first, a page at a time.

    Nothing to search for (no ``q``, or only punctuation) shows the form with a
    hint; no match in ``lang`` shows how many there are in the other working
    languages, with links. A bad ``page`` is a 400 with a message.
    """
    query = request.GET.get("q", "")[:QUERY_MAX_CHARS].strip()
    try:
        number = page_asked(request)
    except BadPageNumber as error:
        return bad_request_page(request, error)
    terms = search_terms(query)
    now = timezone.now()
    page = search_articles(terms=terms, lang=lang, now=now, page=number)
    elsewhere: list[dict[str, Any]] = []
    if terms and page.count == 0:
        others = [code for code in site_languages() if code != lang]
        counts = search_counts_elsewhere(terms=terms, langs=others, now=now)
        elsewhere = [
            {
                "code": code,
                "name": language_name(code),
                "count": count,
                "url": _search_url(code, query),
            }
            for code, count in counts.items()
        ]
    return render(
        request,
        "newsroom/search/search.html",
        {
            "lang": lang,
            "query": query,
            "searched": bool(terms),
            "page": page,
            "hits": [
                {
                    "hit": hit,
                    "url": reverse("news:article", args=[hit.lang, hit.slug]),
                    "day": hit.publish_at.date(),
                }
                for hit in page.hits
            ],
            "elsewhere": elsewhere,
            "pager": _pager(page.number, page.num_pages, query),
            "language_switcher": [
                {
                    "code": code,
                    "name": language_name(code),
                    "url": _search_url(code, query),
                    "active": code == lang,
                }
                for code in site_languages()
            ],
            "query_max": QUERY_MAX_CHARS,
        },
    )


def _search_url(lang: str, query: str) -> str:
    path = reverse("news_search:search", args=[lang])
    return f"{path}?{urlencode({'q': query})}" if query else path


def _pager(number: int, num_pages: int, query: str) -> dict[str, Any]:
    """Return what ``web/_pager.html`` needs, each link keeping the query."""

    def link(page: int) -> str:
        return "?" + urlencode({"q": query, "page": page})

    return {
        "number": number,
        "num_pages": num_pages,
        "previous": link(number - 1) if number > 1 else None,
        "next": link(number + 1) if number < num_pages else None,
    }

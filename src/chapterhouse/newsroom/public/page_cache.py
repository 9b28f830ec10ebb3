"""The public news site's page cache: whole responses, for visitors who are not signed in.

`PageCacheMiddleware` sits right after Django's SecurityMiddleware. For a GET or
HEAD without a session cookie or an ``Authorization`` header, on a path under a
working language (``/ru/…``) or ``/sitemap.xml``, it looks the page up under

    page:<generation>:<language>:<hash of the absolute URL>

(the generation comes from `newsroom.cache`: any change that can show on the
public site starts a new one, so every process stops serving old pages at
once). A hit returns the stored status, headers and body with ``X-Cache: HIT``
and touches no database at all: the middleware runs before the one that reads
the organization. A miss runs the rest of the stack and stores the response
only when the view said it may (`public_page`), it is a 200 and it sets no
cookie; it is marked ``X-Cache: MISS``.

Pages are kept `PAGE_SECONDS` (one minute): nothing bumps the generation when a
scheduled article's ``publish_at`` comes, so a scheduled article appears within
a minute of its time. The URL is absolute because pages carry absolute links
(canonical, OpenGraph, feeds); it is hashed to keep keys short and free of
characters some cache backends refuse.

Not cached: signed-in visitors (they may see more, and carry a CSRF token), any
request inside an open database transaction (the generation moves only when a
transaction commits, so a page read inside one could outlive what it shows; in
production middleware never runs inside one, the test suite always does), and
anything not marked, not 200 or with a cookie.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from chapterhouse.newsroom.cache import public_generation
from chapterhouse.newsroom.languages import SiteLanguageConverter

P = ParamSpec("P")

PAGE_SECONDS = 60
MARK = "newsroom_public_page"
SITEMAP_PATH = "/sitemap.xml"
_LANGUAGE = re.compile(SiteLanguageConverter.regex)

# The first path segments this process has stored public pages under. They are the
# working languages that have public pages; checking them costs nothing, while
# `site_languages()` may read the database when its list is due for a refresh, and
# the middleware must not read the database on a hit (nor add a query to other pages).
_segments: set[str] = set()


def public_page(
    view: Callable[P, HttpResponseBase],
) -> Callable[P, HttpResponseBase]:
    """Mark a view's responses as the same for every visitor who is not signed in, so the
    page cache may keep them."""

    @wraps(view)
    def marked(*args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        response = view(*args, **kwargs)
        setattr(response, MARK, True)
        return response

    return marked


def _language_segment(path: str) -> str | None:
    """Return the cache's language part for a path it may serve, else None."""
    if path == SITEMAP_PATH:
        return ""
    segment = path.split("/", 2)[1] if path.count("/") >= 2 else ""
    if segment and _LANGUAGE.fullmatch(segment):
        return segment
    return None


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "Authorization" not in request.headers
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


def page_key(request: HttpRequest, segment: str) -> str:
    """Return the cache key of the page ``request`` asks for, in the current generation."""
    url = request.build_absolute_uri()
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{public_generation()}:{segment}:{digest}"


class PageCacheMiddleware:
    """Serve and keep whole public pages for visitors who are not signed in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        segment = _language_segment(request.path_info)
        if segment is None or not _cacheable(request):
            return self.get_response(request)
        key = None
        if segment in _segments or segment == "":
            key = page_key(request, segment)
            stored = cache.get(key)
            if stored is not None:
                return _restore(stored)
        response = self.get_response(request)
        if _storable(response):
            _segments.add(segment)
            cache.set(key or page_key(request, segment), _freeze(response), PAGE_SECONDS)
            response["X-Cache"] = "MISS"
        elif getattr(response, MARK, False):
            response["X-Cache"] = "MISS"
        return response


def _storable(response: HttpResponseBase) -> bool:
    return (
        bool(getattr(response, MARK, False))
        and isinstance(response, HttpResponse)
        and response.status_code == 200
        and not response.cookies
        and "Set-Cookie" not in response.headers
    )


def _freeze(response: HttpResponse) -> dict[str, Any]:
    return {
        "status": response.status_code,
        "headers": [(name, value) for name, value in response.items() if name != "X-Cache"],
        "content": response.content,
    }


def _restore(stored: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(stored["content"], status=stored["status"])
    for name, value in stored["headers"]:
        response[name] = value
    response["X-Cache"] = "HIT"
    return response

"""The public news site: home, article, category and tag pages, language negotiation, sitemap.

Pages are the same for every visitor who is not signed in, so they are marked
`public_page` and kept by the page cache. The current time is read here, once
per request, and passed to the selectors: a scheduled article appears by itself
once its time has come.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from django.core.paginator import InvalidPage
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from chapterhouse.core.formatting import machine_datetime
from chapterhouse.core.http import BadPageNumber, bad_request_page, page_asked
from chapterhouse.core.language import language_display, language_name
from chapterhouse.custody.access import ANONYMOUS, may_comment_as_member, viewer_of
from chapterhouse.custody.selectors import visible_record_count, visible_records
from chapterhouse.newsroom.languages import site_default_language, site_languages
from chapterhouse.newsroom.markdown import render_markdown
from chapterhouse.newsroom.models import Category
from chapterhouse.newsroom.public import selectors
from chapterhouse.newsroom.public.page_cache import public_page

# Articles per sitemap file; beyond that `sitemap.xml` becomes an index of pages.
SITEMAP_ARTICLES = 5000


def negotiate(request: HttpRequest) -> HttpResponse:
    """Send a first visit (``/news/``) to the news in the browser's language, else the default."""
    lang = selectors.accept_language_choose(
        request.headers.get("Accept-Language", ""),
        languages=site_languages(),
        default=site_default_language(),
    )
    response = HttpResponseRedirect(reverse("news:home", args=[lang]))
    patch_vary_headers(response, ("Accept-Language",))
    return response


def _known_slug(slug: str) -> str:
    """Return ``slug``, or raise 404 for one no record can have (a NUL character, which
    PostgreSQL cannot even compare)."""
    if "\x00" in slug:
        raise Http404(_("No page with this id."))
    return slug


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _switcher(
    lang: str, route: str, *args: str, translated: set[str] | None = None
) -> list[dict[str, Any]]:
    """Links to this page in every working language (marking those with their own text)."""
    return [
        {
            "code": code,
            "name": language_name(code),
            "url": reverse(route, args=[code, *args]),
            "active": code == lang,
            "translated": translated is None or code in translated,
        }
        for code in site_languages()
    ]


def _alternates(request: HttpRequest, route: str, *args: str) -> list[dict[str, str]]:
    return [
        {"code": code, "url": _absolute(request, reverse(route, args=[code, *args]))}
        for code in site_languages()
    ]


def _list_page(
    request: HttpRequest,
    lang: str,
    *,
    template: str,
    route: str,
    args: tuple[str, ...] = (),
    categories: list[Category],
    **context: Any,
) -> HttpResponse:
    try:
        number = page_asked(request)
    except BadPageNumber as error:
        return bad_request_page(request, error)
    try:
        listing = selectors.article_list(
            lang=lang,
            now=timezone.now(),
            page_number=number,
            category=context.get("category"),
            tag=context.get("tag"),
        )
    except InvalidPage:
        raise Http404(_("There is no such page of news.")) from None
    page = listing.page
    return render(
        request,
        template,
        {
            "lang": lang,
            "items": listing.items,
            "page": page,
            "pager": {
                "number": page.number,
                "num_pages": page.paginator.num_pages,
                "previous": f"?page={page.number - 1}" if page.has_previous() else None,
                "next": f"?page={page.number + 1}" if page.has_next() else None,
            },
            "news_categories": categories,
            "language_switcher": _switcher(lang, route, *args),
            "alternates": _alternates(request, route, *args),
            "x_default": _absolute(request, reverse(route, args=[site_default_language(), *args])),
            "canonical": _absolute(request, request.get_full_path()),
            **context,
        },
    )


@public_page
def home(request: HttpRequest, lang: str) -> HttpResponse:
    """The latest news in ``lang`` (texts in other languages where it has none)."""
    categories = selectors.categories_all()
    return _list_page(
        request,
        lang,
        template="newsroom/public/home.html",
        route="news:home",
        categories=categories,
        nav="home",
    )


@public_page
def category(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    """The news of one category."""
    categories = selectors.categories_all()
    found = next((item for item in categories if item.slug == slug), None)  # no query
    if found is None:
        raise Http404(_("No category with this id."))
    return _list_page(
        request,
        lang,
        template="newsroom/public/category.html",
        route="news:category",
        args=(slug,),
        categories=categories,
        category=found,
        nav=found.slug,
    )


@public_page
def tag(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    """The news filed under one tag."""
    found = selectors.tag_find(_known_slug(slug))
    if found is None:
        raise Http404(_("No tag with this id."))
    return _list_page(
        request,
        lang,
        template="newsroom/public/tag.html",
        route="news:tag",
        args=(slug,),
        categories=selectors.categories_all(),
        tag=found,
    )


def og_locale(code: str) -> str:
    """Return the OpenGraph locale (``language_TERRITORY``) of a language: ``ru`` → ``ru_RU``."""
    likely = get_global("likely_subtags").get(code.replace("-", "_"), code.replace("-", "_"))
    try:
        locale = Locale.parse(likely)
    except (UnknownLocaleError, ValueError):
        return code
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


@public_page
def article(request: HttpRequest, lang: str, slug: str) -> HttpResponse:
    """One article in ``lang``, or in a fallback language with a notice saying so."""
    now = timezone.now()
    detail = selectors.article_detail(
        slug=_known_slug(slug), lang=lang, now=now, viewer=viewer_of(request)
    )
    if detail is None:
        raise Http404(_("No published article with this id."))
    item = detail.article

    def url(code: str) -> str:
        return _absolute(request, reverse("news:article", args=[code, item.slug]))

    default = site_default_language()
    x_default = selectors.translation_choose(
        detail.shown,
        lang=default,
        source_language=item.source_language,
        default_language=default,
    )
    thumbnail = detail.first_thumbnail
    return render(
        request,
        "newsroom/public/article.html",
        {
            "lang": lang,
            "detail": detail,
            "article": item,
            "text": detail.text,
            # Sanitized by render_markdown (an allow-list): safe to show as it is.
            "body_html": mark_safe(render_markdown(detail.text.body)),
            "requested_language": language_name(lang),
            "shown_language": language_display(detail.shown_lang),
            "news_categories": selectors.categories_all(),
            "language_switcher": _switcher(
                lang, "news:article", item.slug, translated=set(detail.shown)
            ),
            "translations": [
                {"code": code, "name": language_name(code), "url": url(code)}
                for code in detail.shown
            ],
            "alternates": [{"code": code, "url": url(code)} for code in detail.shown],
            "x_default": url(x_default[0] if x_default else detail.shown_lang),
            # A page showing another language's text is a copy of that language's page.
            "canonical": url(detail.shown_lang),
            "og": {
                "url": url(detail.shown_lang),
                "locale": og_locale(detail.shown_lang),
                "locale_alternates": [
                    og_locale(code) for code in detail.shown if code != detail.shown_lang
                ],
                "image": (
                    _absolute(request, thumbnail.thumbnail.url) if thumbnail is not None else None
                ),
                "published_time": _iso(item.publish_at),
            },
            # For the album and comment includes (written by the photo and engagement areas).
            "albums": detail.albums,
            "comments": detail.comments,
            "comment_as_member": may_comment_as_member(viewer_of(request)),
        },
    )


def _news_urls(
    request: HttpRequest, *, now: dt.datetime, number: int, languages: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Return the ``<url>`` entries of the news on sitemap page ``number``: the home page in
    every language on the first, then that page's articles in each shown language."""
    default = site_default_language()
    urls: list[dict[str, Any]] = []
    if number == 1:
        homes = [
            {"code": code, "url": _absolute(request, reverse("news:home", args=[code]))}
            for code in languages
        ]
        x_default = _absolute(request, reverse("news:negotiate"))
        urls += [
            {"loc": home["url"], "lastmod": None, "alternates": homes, "x_default": x_default}
            for home in homes
        ]
    for entry in selectors.sitemap_articles(
        now=now, offset=(number - 1) * SITEMAP_ARTICLES, limit=SITEMAP_ARTICLES
    ):
        alternates = [
            {
                "code": code,
                "url": _absolute(request, reverse("news:article", args=[code, entry.slug])),
            }
            for code in entry.languages
        ]
        chosen = selectors.translation_choose(
            {code: code for code in entry.languages},
            lang=default,
            source_language=entry.source_language,
            default_language=default,
        )
        article_default = next(
            (alt["url"] for alt in alternates if chosen and alt["code"] == chosen[0]), None
        )
        urls += [
            {
                "loc": alt["url"],
                "lastmod": entry.publish_at.date().isoformat(),
                "alternates": alternates,
                "x_default": article_default,
            }
            for alt in alternates
        ]
    return urls


def _iso(moment: dt.datetime | None) -> str:
    return machine_datetime(moment)


# The registry's list pages, in the sitemap beside its records.
SITEMAP_LIST_PAGES = (
    "web:orgchart",
    "web:person_list",
    "web:conference_list",
    "web:calendar",
    "web:commemorations",
    "web:partner_list",
    "web:agreement_list",
    "web:honour_list",
)
# Records (bodies, people, conferences, sessions, decisions) per sitemap file. Each is
# listed in every working language, so a file holding both this many records and
# `SITEMAP_ARTICLES` articles stays under the protocol's 50,000 URLs.
SITEMAP_RECORDS = 4000
RECORD_PAGES = {
    "body": "web:body",
    "person": "web:person",
    "conference": "web:conference",
    "session": "web:session",
    "decision": "web:decision",
}


def _in_every_language(
    request: HttpRequest, path: str, languages: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Return a registry page's ``<url>`` entries: one per working language (``?lang=``),
    each naming the others as alternates and the page without ``?lang=`` (which follows
    the reader's browser) as the default."""
    alternates = [
        {"code": code, "url": _absolute(request, f"{path}?lang={code}")} for code in languages
    ]
    x_default = _absolute(request, path)
    return [
        {"loc": alt["url"], "lastmod": None, "alternates": alternates, "x_default": x_default}
        for alt in alternates
    ]


@public_page
def sitemap(request: HttpRequest) -> HttpResponse:
    """``sitemap.xml``: every article in each of its shown languages, with the others as
    alternates, the news home page in every language, and the registry's public pages
    (its lists, and every body, person, conference, session and decision an anonymous
    visitor may open) in every working language. Past `SITEMAP_ARTICLES` articles or
    `SITEMAP_RECORDS` records it is an index of pages (``?p=1`` …: the news first, then
    the records), as the sitemap protocol caps a file at 50,000 URLs."""
    now = timezone.now()
    count = selectors.sitemap_article_count(now=now)
    news_pages = max(1, -(-count // SITEMAP_ARTICLES))
    records = visible_record_count(ANONYMOUS)
    record_pages = -(-records // SITEMAP_RECORDS)
    pages = news_pages + record_pages
    raw = request.GET.get("p")
    if raw is None and (news_pages > 1 or record_pages > 1):
        return render(
            request,
            "newsroom/public/sitemap_index.xml",
            {
                "sitemaps": [
                    _absolute(request, f"{reverse('news:sitemap')}?p={number}")
                    for number in range(1, pages + 1)
                ]
            },
            content_type="application/xml; charset=utf-8",
        )
    try:
        number = int(raw or "1")
    except ValueError:
        raise Http404(_("There is no such sitemap page.")) from None
    if not 1 <= number <= max(pages, 1):
        raise Http404(_("There is no such sitemap page."))
    languages = site_languages()
    urls: list[dict[str, Any]] = []
    if number <= news_pages:
        urls += _news_urls(request, now=now, number=number, languages=languages)
    if number == 1:
        for name in SITEMAP_LIST_PAGES:
            urls += _in_every_language(request, reverse(name), languages)
    # Without ?p= a small site is one file: the records follow the news.
    record_page = 1 if raw is None else number - news_pages
    if 1 <= record_page <= record_pages:
        for record in visible_records(
            ANONYMOUS, offset=(record_page - 1) * SITEMAP_RECORDS, limit=SITEMAP_RECORDS
        ):
            path = reverse(RECORD_PAGES[record.kind], args=[record.slug])
            urls += _in_every_language(request, path, languages)
    return render(
        request,
        "newsroom/public/sitemap.xml",
        {"urls": urls},
        content_type="application/xml; charset=utf-8",
    )

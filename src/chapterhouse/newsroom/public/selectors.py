"""Reads of the public news site: which articles a visitor sees, and in which language.

An article is on the public site once its ``publish_at`` is set and has come
(``now`` is always passed in, so a scheduled article appears by itself when
its time comes) and it has at least one shown translation: one whose status is
*published* or *outdated* (an outdated text is still the best we have; the
page says the original changed since).

A page asks for one language; when the article has no shown text in it, the
text falls back to the article's source language, then the organization's
default language, then any shown language (in the working languages' order).
Every selector here runs a fixed number of queries whatever the number of
articles, translations, tags or links.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from chapterhouse.core.language import interface_code
from chapterhouse.custody.access import (
    PeopleNamer,
    Viewer,
    custodian_name_expression,
    person_row,
)
from chapterhouse.meetings.models import Conference, Session
from chapterhouse.newsroom.languages import site_default_language, site_languages
from chapterhouse.newsroom.models import (
    Album,
    Article,
    ArticleTranslation,
    Category,
    Comment,
    Photo,
    Tag,
)
from chapterhouse.registry.models import Body, Person
from chapterhouse.registry.selectors import body_name_as_of_expression

T = TypeVar("T")

# Statuses of a translation the public may read.
SHOWN_STATUSES = ("published", "outdated")
ARTICLES_PER_PAGE = 10
FEED_ENTRIES = 30
# Articles about a body, session, conference or person listed on its page.
ABOUT_LIMIT = 5


# --- which text -------------------------------------------------------------------------


def fallback_order(
    *,
    lang: str,
    source_language: str,
    default_language: str,
    languages: Sequence[str] | None = None,
) -> list[str]:
    """Return the languages to try, best first: the page's, the source, the default, then
    the working languages in their order (``languages``, else `site_languages()`)."""
    order: list[str] = []
    working = site_languages() if languages is None else languages
    for code in (lang, source_language, default_language, *working):
        if code and code not in order:
            order.append(code)
    return order


def translation_choose(
    shown: Mapping[str, T],
    *,
    lang: str,
    source_language: str,
    default_language: str,
    languages: Sequence[str] | None = None,
) -> tuple[str, T] | None:
    """Return ``(language, text)`` to show on a page in ``lang``, or None when nothing is shown.

    ``shown`` maps language codes to the article's shown texts. A language outside
    the fallback chain (not a working language any more) is used only when nothing
    else is there, the alphabetically first one, so the choice never depends on
    the order rows came back in.
    """
    for code in fallback_order(
        lang=lang,
        source_language=source_language,
        default_language=default_language,
        languages=languages,
    ):
        if code in shown:
            return code, shown[code]
    for code in sorted(shown):
        return code, shown[code]
    return None


def site_language_of(code: str | None) -> str:
    """Return the working language matching an interface code (``zh-hans`` → ``zh``), else the
    organization's default: where a link to the news site from another page should go."""
    if code:
        wanted = interface_code(code)
        for lang in site_languages():
            if interface_code(lang) == wanted:
                return lang
    return site_default_language()


def accept_language_choose(header: str, *, languages: Sequence[str], default: str) -> str:
    """Return the working language a browser's ``Accept-Language`` header prefers, else
    ``default``.

    Ranges are taken by quality; each matches a working language exactly
    (case-insensitive), else by its primary subtag (``de-AT`` → ``de``, ``zh-CN`` →
    ``zh``). ``*`` and ranges with quality 0 choose nothing.
    """
    from django.utils.translation.trans_real import parse_accept_lang_header

    by_code = {code.lower(): code for code in languages}
    by_base: dict[str, str] = {}
    for code in languages:
        by_base.setdefault(code.split("-")[0].lower(), code)
    for asked, quality in parse_accept_lang_header(header[:1000]):
        if asked == "*" or quality <= 0:
            continue
        asked = asked.lower()
        if asked in by_code:
            return by_code[asked]
        base = asked.split("-")[0]
        if base in by_base:
            return by_base[base]
    return default


# --- lists --------------------------------------------------------------------------------


def articles_scheduled() -> QuerySet[Article]:
    """Return the articles that are or will be on the public site: with a publication time
    and a shown text (filter ``publish_at`` to know which are up at a given time)."""
    shown = ArticleTranslation.objects.filter(article=OuterRef("pk"), status__in=SHOWN_STATUSES)
    return Article.objects.filter(publish_at__isnull=False).filter(Exists(shown))


def articles_published(*, now: dt.datetime) -> QuerySet[Article]:
    """Return the articles on the public site at ``now``: published by then, with a shown text."""
    return articles_scheduled().filter(publish_at__lte=now)


def _shown_translations(*, with_body: bool) -> Prefetch:
    texts = ArticleTranslation.objects.filter(status__in=SHOWN_STATUSES)
    if not with_body:
        texts = texts.defer("body", "source_paragraphs")
    return Prefetch("translations", queryset=texts, to_attr="shown_translations")


@dataclass(frozen=True)
class ArticleSummary:
    """An article as a list shows it, in the language the list was asked for (or a fallback)."""

    slug: str
    title: str
    lead: str
    # The language of title and lead; `fallback` when it is not the list's language.
    lang: str
    fallback: bool
    outdated: bool
    publish_at: dt.datetime
    category: Category | None


def _summary(article: Article, *, lang: str, default_language: str) -> ArticleSummary | None:
    shown = {text.lang: text for text in getattr(article, "shown_translations", [])}
    chosen = translation_choose(
        shown,
        lang=lang,
        source_language=article.source_language,
        default_language=default_language,
    )
    if chosen is None or article.publish_at is None:
        return None
    code, text = chosen
    return ArticleSummary(
        slug=article.slug,
        title=text.title,
        lead=text.lead,
        lang=code,
        fallback=code != lang,
        outdated=text.status == "outdated",
        publish_at=article.publish_at,
        category=article.category,
    )


@dataclass(frozen=True)
class ArticleListPage:
    """One page of a list of articles."""

    page: Page[Article]
    items: list[ArticleSummary]


def article_list(
    *,
    lang: str,
    now: dt.datetime,
    page_number: int = 1,
    category: Category | None = None,
    tag: Tag | None = None,
    per_page: int = ARTICLES_PER_PAGE,
) -> ArticleListPage:
    """Return one page of the articles on the public site at ``now``, newest first, each in
    ``lang`` or its fallback; only those of ``category`` or ``tag`` when given.

    Three queries (count, page, texts) whatever the number of articles. Raises
    ``django.core.paginator.InvalidPage`` for a page past the last.
    """
    articles = articles_published(now=now)
    if category is not None:
        articles = articles.filter(category=category)
    if tag is not None:
        articles = articles.filter(tags=tag)
    articles = (
        articles.select_related("category")
        .prefetch_related(_shown_translations(with_body=False))
        .order_by("-publish_at", "-pk")
    )
    page = Paginator(articles, per_page).page(page_number)
    default = site_default_language()
    items = [_summary(article, lang=lang, default_language=default) for article in page]
    return ArticleListPage(page=page, items=[item for item in items if item is not None])


def categories_all() -> list[Category]:
    """Return every category, in slug order (for the news site's navigation)."""
    return list(Category.objects.order_by("slug"))


def tag_find(slug: str) -> Tag | None:
    """Return the tag ``slug``, or None."""
    return Tag.objects.filter(slug=slug).first()


# --- the article page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A link to another page of the site, with the words to show."""

    url: str
    name: str


@dataclass
class ArticleDetail:
    """Everything the article page shows, read for one viewer in one language."""

    article: Article
    lang: str
    # The text shown and its language (`lang` or a fallback).
    text: ArticleTranslation
    shown_lang: str
    # Shown texts by language, in the working languages' order.
    shown: dict[str, ArticleTranslation]
    byline: Link | None
    category: Category | None
    tags: list[Tag]
    about_bodies: list[Link] = field(default_factory=list)
    about_sessions: list[Link] = field(default_factory=list)
    about_conferences: list[Link] = field(default_factory=list)
    about_people: list[Link] = field(default_factory=list)
    albums: list[Album] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    first_thumbnail: Photo | None = None

    @property
    def fallback(self) -> bool:
        return self.shown_lang != self.lang

    @property
    def outdated(self) -> bool:
        return self.text.status == "outdated"


def _ordered(shown: Mapping[str, ArticleTranslation]) -> dict[str, ArticleTranslation]:
    languages = site_languages()
    position = {code: index for index, code in enumerate(languages)}
    return {
        code: shown[code]
        for code in sorted(shown, key=lambda code: (position.get(code, len(languages)), code))
    }


def article_detail(
    *, slug: str, lang: str, now: dt.datetime, viewer: Viewer
) -> ArticleDetail | None:
    """Return the article ``slug`` as a page in ``lang`` shows it to ``viewer`` at ``now``, or
    None when it is not on the public site (unknown, scheduled later, or no shown text).

    The links to bodies, sessions and people leave out those the viewer may not see; a
    hidden author is named by placeholder. Twelve queries or fewer for any article (one
    more for a signed-in viewer with grants and an author not decided by the rows).
    """
    from django.urls import reverse

    from chapterhouse.reports.calendar import session_title

    today = now.date()
    default = site_default_language()
    article = (
        articles_published(now=now)
        .filter(slug=slug)
        .select_related("category", "author_person", "author_body")
        .annotate(
            author_custodian_name=custodian_name_expression("author_person__"),
            author_body_name=body_name_as_of_expression(as_of=today, outer="author_body_id"),
        )
        .prefetch_related(
            _shown_translations(with_body=True),
            Prefetch("tags", queryset=Tag.objects.order_by("slug")),
            Prefetch(
                "about_bodies",
                queryset=Body.objects.filter(viewer.body_filter())
                .annotate(current_name=body_name_as_of_expression(as_of=today))
                .order_by("slug"),
            ),
            Prefetch(
                "about_sessions",
                queryset=Session.objects.filter(viewer.session_filter())
                .select_related("conference")
                .order_by("date", "slug"),
            ),
            Prefetch("about_conferences", queryset=Conference.objects.order_by("start", "slug")),
            Prefetch(
                "about_people",
                queryset=Person.objects.filter(viewer.people_filter()).order_by("name", "slug"),
            ),
            Prefetch(
                "albums",
                queryset=Album.objects.order_by("pk").prefetch_related(
                    Prefetch("photos", queryset=Photo.objects.order_by("position", "pk"))
                ),
            ),
        )
        .first()
    )
    if article is None:
        return None
    shown = _ordered({text.lang: text for text in getattr(article, "shown_translations", [])})
    chosen = translation_choose(
        shown, lang=lang, source_language=article.source_language, default_language=default
    )
    if chosen is None:
        return None
    shown_lang, text = chosen

    byline = None
    # One namer for the byline and the people the article is about (read through the
    # viewer's filter): their names in the reader's language come in one query.
    about_people = [person_row(person) for person in article.about_people.all()]
    author = person_row(
        article.author_person, custodian_name=getattr(article, "author_custodian_name", None)
    )
    namer = PeopleNamer(viewer, [author], seen=about_people)
    if article.author_person is not None:
        row = author
        person_slug = namer.slug(row)
        byline = Link(
            url=reverse("web:person", args=[person_slug]) if person_slug else "",
            name=namer.name(row),
        )
    elif article.author_body is not None:
        body = article.author_body
        if viewer.sees_body(body.pk, internal=body.internal):
            byline = Link(
                url=reverse("web:body", args=[body.slug]),
                name=_text(getattr(article, "author_body_name", None) or body.name),
            )

    albums = list(article.albums.all())
    first_thumbnail = next(
        (photo for album in albums for photo in album.photos.all() if photo.thumbnail), None
    )
    comments = list(
        Comment.objects.filter(article=article, status="approved").order_by("created_at", "pk")
    )
    return ArticleDetail(
        article=article,
        lang=lang,
        text=text,
        shown_lang=shown_lang,
        shown=shown,
        byline=byline,
        category=article.category,
        tags=list(article.tags.all()),
        about_bodies=[
            Link(reverse("web:body", args=[body.slug]), _text(getattr(body, "current_name", None)))
            for body in article.about_bodies.all()
        ],
        about_sessions=[
            Link(
                reverse("web:session", args=[session.slug]),
                session_title(
                    {
                        "title": session.title,
                        "day": session.day,
                        "conference": (
                            {"name": session.conference.name} if session.conference else None
                        ),
                    },
                    lang=lang,
                    default_lang=default,
                ),
            )
            for session in article.about_sessions.all()
        ],
        about_conferences=[
            Link(reverse("web:conference", args=[conference.slug]), _text(conference.name))
            for conference in article.about_conferences.all()
        ],
        about_people=[
            Link(reverse("web:person", args=[person["slug"]]), namer.name(person))
            for person in about_people
        ],
        albums=albums,
        comments=comments,
        first_thumbnail=first_thumbnail,
    )


def _text(value: Any) -> str:
    from chapterhouse.core.language import text

    return text(value)


# --- feeds and the sitemap --------------------------------------------------------------------


def feed_entries(
    *, lang: str, now: dt.datetime, category: Category | None = None, limit: int = FEED_ENTRIES
) -> list[ArticleTranslation]:
    """Return the newest shown texts in ``lang`` (no fallback) of articles on the public site,
    newest first, at most ``limit``; their ``article`` is joined. One query."""
    texts = ArticleTranslation.objects.filter(
        lang=lang,
        status__in=SHOWN_STATUSES,
        article__publish_at__isnull=False,
        article__publish_at__lte=now,
    )
    if category is not None:
        texts = texts.filter(article__category=category)
    return list(
        texts.select_related("article").order_by("-article__publish_at", "-article__pk")[:limit]
    )


@dataclass(frozen=True)
class SitemapArticle:
    """An article's entry in the sitemap: its shown languages and when it was published."""

    slug: str
    publish_at: dt.datetime
    source_language: str
    languages: list[str]


def sitemap_article_count(*, now: dt.datetime) -> int:
    """Return how many articles are on the public site at ``now``."""
    return articles_published(now=now).count()


def sitemap_articles(*, now: dt.datetime, offset: int, limit: int) -> list[SitemapArticle]:
    """Return a slice of the articles on the public site, newest first, each with its shown
    languages (in the working languages' order). Two queries."""
    articles = list(
        articles_published(now=now)
        .order_by("-publish_at", "-pk")
        .only("pk", "slug", "publish_at", "source_language")[offset : offset + limit]
    )
    languages: dict[int, list[str]] = {article.pk: [] for article in articles}
    for article_id, code in ArticleTranslation.objects.filter(
        article_id__in=list(languages), status__in=SHOWN_STATUSES
    ).values_list("article_id", "lang"):
        languages[article_id].append(code)
    order = {code: index for index, code in enumerate(site_languages())}
    return [
        SitemapArticle(
            slug=article.slug,
            publish_at=article.publish_at,  # type: ignore[arg-type]  # published: set
            source_language=article.source_language,
            languages=sorted(languages[article.pk], key=lambda code: (order.get(code, 99), code)),
        )
        for article in articles
    ]


# --- news about a body, session, conference or person -------------------------------------------


@dataclass(frozen=True)
class NewsItem:
    """An article listed on another page: its title in the page's language or a fallback."""

    slug: str
    title: str
    lang: str
    publish_at: dt.datetime
    url: str


def articles_about(
    *,
    now: dt.datetime,
    lang: str,
    languages: Sequence[str],
    default_language: str,
    body: str | None = None,
    session: str | None = None,
    conference: str | None = None,
    person: str | None = None,
    limit: int = ABOUT_LIMIT,
) -> list[NewsItem]:
    """Return the newest articles on the public site about the body, session, conference or
    person with that id (slug), at most ``limit``, each titled in ``lang`` or its fallback and
    linked to the news site in ``lang`` (a working language). One query.

    The working ``languages`` and the ``default_language`` come from the caller (pages
    have the organization at hand), so this never reads them from the database.
    """
    articles = articles_published(now=now)
    if body is not None:
        articles = articles.filter(about_bodies__slug=body)
    if session is not None:
        articles = articles.filter(about_sessions__slug=session)
    if conference is not None:
        articles = articles.filter(about_conferences__slug=conference)
    if person is not None:
        articles = articles.filter(about_people__slug=person)
    newest = articles.order_by("-publish_at", "-pk").values("pk")[:limit]
    rows = ArticleTranslation.objects.filter(
        article_id__in=newest, status__in=SHOWN_STATUSES
    ).values(
        "article_id",
        "lang",
        "title",
        "article__slug",
        "article__publish_at",
        "article__source_language",
    )
    return _news_items(rows, lang=lang, languages=languages, default_language=default_language)


def _news_items(
    rows: Iterable[Mapping[str, Any]],
    *,
    lang: str,
    languages: Sequence[str],
    default_language: str,
) -> list[NewsItem]:
    from django.urls import reverse

    by_article: dict[int, dict[str, Mapping[str, Any]]] = {}
    for row in rows:
        by_article.setdefault(row["article_id"], {})[row["lang"]] = row
    items = []
    for texts in by_article.values():
        first = next(iter(texts.values()))
        chosen = translation_choose(
            texts,
            lang=lang,
            source_language=first["article__source_language"],
            default_language=default_language,
            languages=languages,
        )
        if chosen is None:  # pragma: no cover - every group has a text
            continue
        code, row = chosen
        items.append(
            NewsItem(
                slug=row["article__slug"],
                title=row["title"],
                lang=code,
                publish_at=row["article__publish_at"],
                url=reverse("news:article", args=[lang, row["article__slug"]]),
            )
        )
    items.sort(key=lambda item: (item.publish_at, item.slug), reverse=True)
    return items

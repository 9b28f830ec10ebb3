"""Atom feeds of the news, one per working language and one per category and language.

A feed carries only texts in its own language (no fallback: a reader who
subscribed to the Russian news wants Russian), of articles already published,
newest first, at most `FEED_ENTRIES`. Each entry holds the rendered article as
HTML; links are absolute (Django's syndication framework adds the host).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from chapterhouse.core.language import text
from chapterhouse.newsroom.markdown import render_markdown
from chapterhouse.newsroom.models import ArticleTranslation, Category
from chapterhouse.newsroom.public import selectors


def _to_the_second(moment: dt.datetime | None) -> dt.datetime | None:
    """Drop the microseconds: the feed writes the same time as the page's ``<time datetime>``
    (see `core.formatting.machine_datetime`)."""
    return moment.replace(microsecond=0) if moment is not None else None


class AtomWithContent(feedgenerator.Atom1Feed):
    """Atom 1.0 with each entry's full text in ``<content type="html">``."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


@dataclass(frozen=True)
class FeedSubject:
    """What one feed is about: a language, maybe a category, at one moment."""

    lang: str
    now: dt.datetime
    organization_name: str
    category: Category | None = None


class NewsFeed(Feed):
    """The news in one language (``/<lang>/feed.atom``), or one category's
    (``/<lang>/categories/<slug>/feed.atom``)."""

    feed_type = AtomWithContent

    def get_object(self, request: HttpRequest, lang: str, slug: str | None = None) -> FeedSubject:
        organization = getattr(request, "organization", None)
        category = None
        if slug is not None:
            # NUL: no category has it, and PostgreSQL cannot even compare it.
            category = None if "\x00" in slug else Category.objects.filter(slug=slug).first()
            if category is None:
                raise Http404(_("No category with this id."))
        return FeedSubject(
            lang=lang,
            now=timezone.now(),
            organization_name=text(organization.name) if organization else "Chapterhouse",
            category=category,
        )

    def get_feed(self, obj: FeedSubject, request: HttpRequest) -> feedgenerator.SyndicationFeed:
        feed = super().get_feed(obj, request)
        # The feed's language is the working language in its path (``zh``), not the
        # interface catalogue's code (``zh-hans``).
        feed.feed["language"] = obj.lang
        return feed

    def title(self, obj: FeedSubject) -> str:
        if obj.category is not None:
            return _("%(organization)s: %(category)s") % {
                "organization": obj.organization_name,
                "category": text(obj.category.name),
            }
        return _("%(organization)s: news") % {"organization": obj.organization_name}

    def link(self, obj: FeedSubject) -> str:
        if obj.category is not None:
            return reverse("news:category", args=[obj.lang, obj.category.slug])
        return reverse("news:home", args=[obj.lang])

    def author_name(self, obj: FeedSubject) -> str:
        return obj.organization_name

    def items(self, obj: FeedSubject) -> list[ArticleTranslation]:
        return selectors.feed_entries(lang=obj.lang, now=obj.now, category=obj.category)

    def item_title(self, item: ArticleTranslation) -> str:
        return item.title

    def item_description(self, item: ArticleTranslation) -> str:
        # The summary is typed HTML: the plain lead is escaped once for it.
        return escape(item.lead)

    def item_link(self, item: ArticleTranslation) -> str:
        return reverse("news:article", args=[item.lang, item.article.slug])

    def item_pubdate(self, item: ArticleTranslation) -> dt.datetime | None:
        return _to_the_second(item.article.publish_at)

    def item_updateddate(self, item: ArticleTranslation) -> dt.datetime | None:
        # Translations carry no edit time: the publication time is the last one we know.
        return _to_the_second(item.article.publish_at)

    def item_extra_kwargs(self, item: ArticleTranslation) -> dict[str, Any]:
        return {"content": str(render_markdown(item.body))}

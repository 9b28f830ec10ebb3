"""Comments on the news, read: the published article a comment is for, its title in a
language, and the moderation desk's queue and overview (what the viewer moderates)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Sum

from chapterhouse.custody.access import Viewer, news_bodies_edited_by
from chapterhouse.newsroom.models import Article, ArticleTranslation, ArticleViewDay, Comment
from chapterhouse.newsroom.public.selectors import articles_published

# --- comments: reads ----------------------------------------------------------------------


def article_published(*, slug: str, at: dt.datetime) -> Article | None:
    """Return the article `slug` if the public may read it on `at`, else None (the public
    site's own rule: `public.selectors.articles_published`)."""
    return articles_published(now=at).filter(slug=slug).first()


def _moderated(viewer: Viewer, prefix: str = "") -> Q:
    """A filter on Article (or `prefix` + Article) keeping those the viewer moderates."""
    bodies = news_bodies_edited_by(viewer)
    return Q() if bodies is None else Q(**{f"{prefix}author_body_id__in": bodies})


def _titles(article_ids: Iterable[int], lang: str) -> dict[int, str]:
    """Return each article's title in `lang`, else in its source language, else any (one query)."""
    rows = ArticleTranslation.objects.filter(article_id__in=set(article_ids)).values_list(
        "article_id", "lang", "title", "article__source_language"
    )
    titles: dict[int, tuple[int, str]] = {}
    for article_id, row_lang, title, source in rows:
        rank = 0 if row_lang == lang else 1 if row_lang == source else 2
        if article_id not in titles or rank < titles[article_id][0]:
            titles[article_id] = (rank, title)
    return {article_id: title for article_id, (_rank, title) in titles.items()}


def moderation_queue(*, viewer: Viewer, lang: str) -> list[dict[str, Any]]:
    """Return the pending comments the viewer moderates (the oldest 200), with article titles.

    Two queries whatever the number of comments.
    """
    comments = list(
        Comment.objects.filter(status="pending")
        .filter(_moderated(viewer, "article__"))
        .select_related("article")
        .order_by("created_at", "pk")[:200]
    )
    titles = _titles((comment.article_id for comment in comments), lang)
    return [
        {"comment": comment, "article": comment.article, "title": titles.get(comment.article_id)}
        for comment in comments
    ]


def moderation_overview(*, viewer: Viewer, lang: str, limit: int = 50) -> list[dict[str, Any]]:
    """Return the latest articles the viewer moderates, with their readers and pending comments.

    Two queries whatever the number of articles: the counts are subqueries run
    only for the rows shown.
    """
    pending = (
        Comment.objects.filter(article_id=OuterRef("pk"), status="pending")
        .values("article_id")
        .annotate(total=Count("pk"))
        .values("total")[:1]
    )
    readers = (
        ArticleViewDay.objects.filter(article_id=OuterRef("pk"))
        .values("article_id")
        .annotate(total=Sum("count"))
        .values("total")[:1]
    )
    articles = list(
        Article.objects.filter(_moderated(viewer))
        .annotate(
            pending=Subquery(pending, output_field=IntegerField()),
            readers=Subquery(readers, output_field=IntegerField()),
        )
        .order_by(F("publish_at").desc(nulls_last=True), "-pk")
        .values("pk", "slug", "publish_at", "pending", "readers")[:limit]
    )
    titles = _titles((row["pk"] for row in articles), lang)
    return [
        {
            **row,
            "title": titles.get(row["pk"]) or row["slug"],
            "pending": row["pending"] or 0,
            "readers": row["readers"] or 0,
        }
        for row in articles
    ]


def article_title(article: Article, lang: str) -> str:
    """Return the article's title in `lang`, else its source language (its id if none)."""
    return _titles([article.pk], lang).get(article.pk) or article.slug

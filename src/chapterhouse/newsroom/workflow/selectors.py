"""Reads of the newsroom's workspace: queues, an article's languages, coverage, changes.

Each read owns its joins and prefetches, so a page runs the same number of
queries however many articles or assignments it lists.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from chapterhouse.custody.access import Viewer, news_bodies_edited_by, news_bodies_translated_by
from chapterhouse.newsroom.markdown import markdown_paragraphs
from chapterhouse.newsroom.models import (
    ACTIVE_ASSIGNMENT_STATUSES,
    TRANSLATION_STATUSES,
    Article,
    ArticleTranslation,
    TranslationAssignment,
)
from chapterhouse.newsroom.workflow.services import source_translation
from chapterhouse.registry.models import Body
from chapterhouse.registry.tree import children_by_parent, descendants

# Coverage filters beyond a translation's own status.
COVERAGE_STATUSES = [*TRANSLATION_STATUSES, "missing", "open", "claimed", "submitted", "overdue"]


def translation_changed_paragraphs(translation: ArticleTranslation) -> list[int]:
    """Return the indexes of the current source paragraphs changed since `translation` was made.

    Paragraphs are matched in order, so an inserted paragraph is one change, not a
    shift of all that follow; a removed paragraph has no index in the new source and
    is not listed. A translation that never recorded its source gives every paragraph
    (nothing says which ones it covers); the source text itself gives none.
    """
    return [
        change.index
        for change in translation_paragraph_changes(translation)
        if change.index is not None
    ]


@dataclass(frozen=True)
class ParagraphChange:
    """One source paragraph that changed since a translation was made.

    `index` is its place in the current source (None for a removed paragraph);
    `old` the paragraph the translation was made from ("" for an added one);
    `new` the paragraph now ("" for a removed one).
    """

    index: int | None
    old: str
    new: str


def translation_paragraph_changes(translation: ArticleTranslation) -> list[ParagraphChange]:
    """Return the source paragraphs changed, added or removed since `translation` was made,
    in the order of the source (see `translation_changed_paragraphs` for the edge cases)."""
    source = source_translation(translation.article)
    if translation.pk == source.pk:
        return []
    current = markdown_paragraphs(source.body)
    before: list[str] = list(translation.source_paragraphs or [])
    matcher = difflib.SequenceMatcher(a=before, b=current, autojunk=False)
    changes: list[ParagraphChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            changes += _pair_paragraphs(before[i1:i2], current[j1:j2], first=j1)
    return changes


# A changed paragraph still shares at least this share of its words with the old one;
# below it, it is a new paragraph (and the old one was removed).
_SAME_PARAGRAPH = 0.4


def _pair_paragraphs(old: list[str], new: list[str], *, first: int) -> list[ParagraphChange]:
    """Match the old paragraphs of a changed stretch to the new ones they became, in order."""
    changes: list[ParagraphChange] = []
    unused = 0
    for offset, paragraph in enumerate(new):
        best, score = None, _SAME_PARAGRAPH
        for candidate in range(unused, len(old)):
            ratio = difflib.SequenceMatcher(
                a=old[candidate].split(), b=paragraph.split(), autojunk=False
            ).ratio()
            if ratio >= score:
                best, score = candidate, ratio
        if best is None:
            changes.append(ParagraphChange(first + offset, "", paragraph))
            continue
        changes += [ParagraphChange(None, gone, "") for gone in old[unused:best]]
        changes.append(ParagraphChange(first + offset, old[best], paragraph))
        unused = best + 1
    changes += [ParagraphChange(None, gone, "") for gone in old[unused:]]
    return changes


# --- queues ------------------------------------------------------------------------------------


def _source_title() -> Subquery:
    return Subquery(
        ArticleTranslation.objects.filter(
            article_id=OuterRef("article_id"), lang=OuterRef("article__source_language")
        ).values("title")[:1]
    )


def _assignments() -> QuerySet[TranslationAssignment]:
    return TranslationAssignment.objects.select_related("article", "body", "claimed_by").annotate(
        source_title=_source_title()
    )


def assignments_for_translator(*, viewer: Viewer) -> QuerySet[TranslationAssignment]:
    """Return the open assignments of the bodies the viewer translates for (all of them for
    administrators) and those the viewer claimed and has not finished, soonest due first.

    Each carries `source_title`, the article's title in its source language.
    """
    mine = Q(claimed_by_id=viewer.user_id, status__in=["claimed", "submitted"])
    if viewer.user_id is None:
        mine = Q(pk__in=[])
    desks = news_bodies_translated_by(viewer)
    offered = Q(status="open") if desks is None else Q(status="open", body_id__in=desks)
    return _assignments().filter(offered | mine).order_by("due", "pk")


def assignments_for_review(*, viewer: Viewer) -> QuerySet[TranslationAssignment]:
    """Return the submitted assignments of the bodies the viewer edits (or is an officer of;
    all of them for administrators), oldest submission first."""
    waiting = _assignments().filter(status="submitted")
    edited = news_bodies_edited_by(viewer)
    if edited is not None:
        waiting = waiting.filter(body_id__in=edited)
    return waiting.order_by("submitted_at", "pk")


def is_overdue(assignment: TranslationAssignment | None, *, on: dt.date) -> bool:
    """Whether an assignment is still being worked on after its due date."""
    return (
        assignment is not None
        and assignment.status in ACTIVE_ASSIGNMENT_STATUSES
        and assignment.due < on
    )


def assignment_return_note(assignment: TranslationAssignment) -> str | None:
    """Return the note of the last time an editor sent this assignment back, if ever."""
    from chapterhouse.custody.models import AuditEntry

    entry = (
        AuditEntry.objects.filter(
            action="return",
            object_type="translation assignment",
            object_id=f"{assignment.article.slug}/{assignment.lang}",
            at__gte=assignment.created_at,
        )
        .order_by("-at", "-pk")
        .values_list("after", flat=True)
        .first()
    )
    if not isinstance(entry, dict) or not entry.get("note"):
        return None
    return str(entry["note"])


# --- one article, every language ----------------------------------------------------------------


@dataclass(frozen=True)
class LanguageCell:
    """Where one language of one article stands."""

    lang: str
    is_source: bool
    translation: ArticleTranslation | None
    assignment: TranslationAssignment | None
    overdue: bool

    @property
    def status(self) -> str:
        """The translation's status, or "missing" when there is no text in this language."""
        return self.translation.status if self.translation is not None else "missing"


def _cell(
    lang: str,
    article: Article,
    translations: dict[str, ArticleTranslation],
    assignments: Sequence[TranslationAssignment],
    on: dt.date,
) -> LanguageCell:
    # The assignment still being worked on, else the latest one.
    mine = [a for a in assignments if a.lang == lang]
    active = [a for a in mine if a.status in ACTIVE_ASSIGNMENT_STATUSES]
    latest = (active or mine)[-1] if mine else None
    return LanguageCell(
        lang=lang,
        is_source=lang == article.source_language,
        translation=translations.get(lang),
        assignment=latest,
        overdue=is_overdue(latest, on=on),
    )


def article_languages(
    *, article: Article, languages: Sequence[str], on: dt.date
) -> list[LanguageCell]:
    """Return, for each working language, the article's text and latest assignment in it.

    Languages the article has a text in but the organization no longer works in
    come last. Two queries.
    """
    translations = {t.lang: t for t in article.translations.all()}
    assignments = list(
        article.assignments.select_related("body", "claimed_by").order_by("created_at", "pk")
    )
    extra = [lang for lang in translations if lang not in languages]
    return [_cell(lang, article, translations, assignments, on) for lang in [*languages, *extra]]


# --- coverage ----------------------------------------------------------------------------------


def body_tree(*, viewer: Viewer) -> list[dict[str, Any]]:
    """Return the id, slug, founding name and parent of every body `viewer` may see, by slug
    (one query): an internal body is neither offered nor named to those outside it."""
    rows: list[dict[str, Any]] = list(
        Body.objects.filter(viewer.body_filter())
        .order_by("slug")
        .values("pk", "slug", "name", "parent_id")  # type: ignore[arg-type]
    )
    return rows


def subtree_ids(tree: Iterable[dict[str, Any]], slug: str) -> set[int]:
    """Return the ids of the body `slug` and every body below it in `tree` (empty: no such)."""
    rows = list(tree)
    roots = [row["pk"] for row in rows if row["slug"] == slug]
    return descendants(roots, children_by_parent((row["pk"], row["parent_id"]) for row in rows))


def coverage_articles(
    *,
    languages: Sequence[str],
    on: dt.date,
    body_ids: set[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: str | None = None,
) -> QuerySet[Article]:
    """Return the articles of the coverage dashboard, unscheduled ones first, then the latest.

    `body_ids`: written by one of these bodies or sent to one of them for
    translation. `start`/`end` (both days included): published or scheduled in
    that period, or sent to translation in it (articles have no creation date).
    `status`: some working language has a text in that status, or has no text
    ("missing"), or an assignment in that status, or an overdue one ("overdue").
    The articles come with their texts and assignments prefetched: slicing a
    page and reading its cells costs three queries.
    """
    articles = Article.objects.select_related("author_body", "author_person")
    assignments = TranslationAssignment.objects.filter(article_id=OuterRef("pk"))
    if body_ids is not None:
        articles = articles.filter(
            Q(author_body_id__in=body_ids) | Q(Exists(assignments.filter(body_id__in=body_ids)))
        )
    if start is not None or end is not None:
        published = Q(publish_at__isnull=False)
        sent = assignments
        if start is not None:
            since = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
            published &= Q(publish_at__gte=since)
            sent = sent.filter(created_at__gte=since)
        if end is not None:
            until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
            published &= Q(publish_at__lt=until)
            sent = sent.filter(created_at__lt=until)
        articles = articles.filter(published | Q(Exists(sent)))
    if status:
        texts = ArticleTranslation.objects.filter(article_id=OuterRef("pk"), lang__in=languages)
        if status in TRANSLATION_STATUSES:
            articles = articles.filter(Exists(texts.filter(status=status)))
        elif status == "missing":
            lacking = Q()
            for lang in languages:
                lacking |= ~Q(
                    Exists(ArticleTranslation.objects.filter(article_id=OuterRef("pk"), lang=lang))
                )
            articles = articles.filter(lacking)
        elif status == "overdue":
            articles = articles.filter(
                Exists(assignments.filter(status__in=ACTIVE_ASSIGNMENT_STATUSES, due__lt=on))
            )
        else:
            articles = articles.filter(Exists(assignments.filter(status=status)))
    return articles.prefetch_related(
        Prefetch(
            "translations",
            queryset=ArticleTranslation.objects.only("pk", "article_id", "lang", "status", "title"),
        ),
        Prefetch(
            "assignments",
            queryset=TranslationAssignment.objects.order_by("created_at", "pk"),
        ),
    ).order_by(F("publish_at").desc(nulls_first=True), "-pk")


@dataclass(frozen=True)
class CoverageRow:
    """One article of the dashboard with a cell per working language."""

    article: Article
    title: str
    cells: list[LanguageCell]


def coverage_rows(
    articles: Iterable[Article], *, languages: Sequence[str], on: dt.date
) -> list[CoverageRow]:
    """Return the dashboard's rows for articles read with `coverage_articles` (no query)."""
    rows = []
    for article in articles:
        translations = {t.lang: t for t in article.translations.all()}
        assignments = list(article.assignments.all())
        source = translations.get(article.source_language)
        rows.append(
            CoverageRow(
                article=article,
                title=source.title if source is not None else article.slug,
                cells=[_cell(lang, article, translations, assignments, on) for lang in languages],
            )
        )
    return rows

"""Reads of the newsroom: what a translator needs to see."""

from __future__ import annotations

import difflib

from chapterhouse.newsroom.markdown import markdown_paragraphs
from chapterhouse.newsroom.models import ArticleTranslation
from chapterhouse.newsroom.services import source_translation


def translation_changed_paragraphs(translation: ArticleTranslation) -> list[int]:
    """Return the indexes of the current source paragraphs changed since `translation` was made.

    Paragraphs are matched in order, so an inserted paragraph is one change, not a
    shift of all that follow; a removed paragraph has no index in the new source and
    is not listed. A translation that never recorded its source gives every paragraph
    (nothing says which ones it covers); the source text itself gives none.
    """
    source = source_translation(translation.article)
    current = markdown_paragraphs(source.body)
    if translation.pk == source.pk:
        return []
    matcher = difflib.SequenceMatcher(a=translation.source_paragraphs, b=current, autojunk=False)
    return [
        index
        for tag, _i1, _i2, j1, j2 in matcher.get_opcodes()
        if tag in ("replace", "insert")
        for index in range(j1, j2)
    ]

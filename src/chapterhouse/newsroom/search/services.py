"""Full-text search of the published news, in each working language.

What is indexed: every translation a visitor may read (status published or
outdated), one :class:`SearchEntry` each, kept in step by signals on
:class:`ArticleTranslation` and rebuilt whole by ``chapterhouse search_index``.
Whether the article is out yet (``publish_at``) is checked when searching, with
the time passed in, so scheduled articles appear by themselves.

The indexed text (``document``) is the title, lead and body as plain text.
Chinese, Japanese and Korean do not separate words with spaces, so every run of
their characters is written as overlapping two-character pairs (第五次 → 第五 五次),
the way Lucene's CJK analyzer does; a query is cut the same way and its pairs must
follow each other, so 代表大会 finds 第五次组织代表大会 and 대회 finds 조직대회 on
both databases. The pairs of one run are joined by an invisible separator
(U+2063) so that snippets can be put back together into the original text.

PostgreSQL: ``to_tsvector(config, document)`` with the text search configuration
of the language (english, russian, german …, ``simple`` for Chinese, Japanese,
Korean and any language PostgreSQL has no stemmer for), kept in a ``vector``
column by a trigger, with one partial GIN index per configuration (migration
0004); words are stemmed (конференция finds конференции), ranked with
``ts_rank``, snippets from ``ts_headline``. The
database's character type (LC_CTYPE) must be a Unicode-aware locale such as
C.UTF-8 or en_US.UTF-8, not plain C, for non-Latin words to be split correctly.

SQLite: an FTS5 table (``unicode61 remove_diacritics 2``) over the entries,
maintained by triggers. FTS5 does not stem; instead each query word is stemmed
with the Snowball stemmer of the language (the pure-Python ``snowballstemmer``,
the Snowball project's own) and matched as a prefix, so конференция (stem
конференц) finds конференции too. Ranked with ``bm25``, snippets from ``snippet``.

A visitor's query never reaches either query language as written: it is cut
into words and CJK runs, and those are passed as quoted FTS5 strings or as
parameters of ``plainto_tsquery``/``phraseto_tsquery``.

This module holds the text analysis and the index (its upkeep and rebuild); the
queries are `selectors.py`.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import snowballstemmer
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from chapterhouse.newsroom.models import ArticleTranslation, SearchEntry

# Translations a visitor may read (once the article's publish_at has passed).
VISIBLE_STATUSES = ("published", "outdated")
# Saving only other fields of a translation does not change its entry.
INDEXED_FIELDS = frozenset({"title", "lead", "body", "status", "lang", "article", "article_id"})

FTS_TABLE = "newsroom_searchentry_fts"

# BCP 47 primary language → the PostgreSQL text search configuration (and the
# Snowball stemmer of the same name, used on SQLite). Anything else, Chinese,
# Japanese and Korean included, uses "simple": words lowercased, not stemmed.
LANGUAGE_CONFIGS = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
SIMPLE_CONFIG = "simple"

# Han, Hiragana, Katakana and Hangul (after NFKC, so half-width Katakana is full-width).
CJK_RANGES = (
    "\u1100-\u11ff\u3005-\u3007\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff\u3131-\u318f"
    "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
    "\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
PAIR_JOINER = "\u2063"  # INVISIBLE SEPARATOR: a word boundary to both databases
# Control characters (but tab and newline), our joiner, and the snippet markers.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f\u2063]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]{2,}|[\t\r\f\v\u00a0]")
_NEWLINES = re.compile(r" ?\n[\s]*")

# Markdown syntax that is not text, removed by patterns (a full parse of 500,000
# articles would take half an hour; snippets only need readable words).
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_MD_REF_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[^\n]*$", re.M)
_MD_FENCE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})[^\n]*$", re.M)
_MD_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_MD_REF_LINK = re.compile(r"\[([^\]\n]*)\]\[[^\]\n]*\]")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_MD_RULE = re.compile(r"^[ \t]*(?:[-*_=][ \t]*){3,}$", re.M)
_MD_TABLE_RULE = re.compile(r"^[ \t|:-]*-[ \t|:-]*$", re.M)
_MD_LINE_START = re.compile(
    r"^[ \t]*(?:>[ \t]?)*(?:#{1,6}(?=[ \t]|$)|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))?", re.M
)
_MD_HEADING_END = re.compile(r"[ \t]+#+[ \t]*$", re.M)
_MD_EMPHASIS = re.compile(r"[*`]+|~~")
_MD_UNDERSCORES = re.compile(r"(?<!\w)_+|_+(?!\w)")
_ESCAPED_BASE = 0xF0000  # escaped punctuation is parked in a private-use plane meanwhile
_MD_PARKED = re.compile("[\U000f0000-\U000f007f]")


def markdown_plain(text: str) -> str:
    """Return the words of an article's Markdown without its syntax.

    An approximation by patterns, good for searching and snippets: link and image
    targets, emphasis and code markers, heading, list and quote markers, table
    rules and fences go; link texts, image descriptions and code stay. Patterns
    whose characters do not occur are skipped (most texts have few).
    """
    if not text:
        return ""
    escaped = "\\" in text
    if escaped:
        text = _MD_ESCAPE.sub(lambda m: chr(_ESCAPED_BASE + ord(m.group(1))), text)
    if "[" in text:
        text = _MD_REF_DEFINITION.sub("", text)
        text = _MD_IMAGE.sub(r"\1", text)
        text = _MD_LINK.sub(r"\1", text)
        text = _MD_REF_LINK.sub(r"\1", text)
    if "```" in text or "~~~" in text:
        text = _MD_FENCE.sub("", text)
    if "<" in text:
        text = _MD_AUTOLINK.sub(r"\1", text)
    if "-" in text or "*" in text or "_" in text or "=" in text:
        text = _MD_RULE.sub("", text)
    if "|" in text:
        text = _MD_TABLE_RULE.sub("", text).replace("|", " ")
    text = _MD_LINE_START.sub("", text)
    if "#" in text:
        text = _MD_HEADING_END.sub("", text)
    text = _MD_EMPHASIS.sub("", text)
    if "_" in text:
        text = _MD_UNDERSCORES.sub("", text)
    if escaped:
        text = _MD_PARKED.sub(lambda m: chr(ord(m.group()) - _ESCAPED_BASE), text)
    return html.unescape(text) if "&" in text else text


def _pairs(match: re.Match[str]) -> str:
    run = match.group()
    if len(run) == 1:
        return PAIR_JOINER + run + PAIR_JOINER
    pairs = (run[i : i + 2] for i in range(len(run) - 1))
    return PAIR_JOINER + PAIR_JOINER.join(pairs) + PAIR_JOINER


def search_text(value: str) -> str:
    """Return ``value`` as indexed: NFKC-normalized, without control characters,
    spaces collapsed, and CJK runs written as overlapping pairs."""
    value = unicodedata.normalize("NFKC", value)
    value = _UNWANTED.sub(" ", value)
    value = _SPACES.sub(" ", value)
    if "\n" in value:
        value = _NEWLINES.sub("\n", value)
    value = value.strip()
    return _CJK_RUN.sub(_pairs, value)


def search_document(*, title: str, lead: str, body: str) -> str:
    """Return the indexed text of a translation: title, lead and body (Markdown) as plain text."""
    parts = (search_text(title), search_text(lead), search_text(markdown_plain(body)))
    return "\n".join(part for part in parts if part)


# --- languages -----------------------------------------------------------------


@functools.cache
def _postgres_configs() -> frozenset[str]:
    """Return the text search configurations this PostgreSQL server has (read once)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        return frozenset(row[0] for row in cursor.fetchall())


def search_config(lang: str) -> str:
    """Return the text search configuration for ``lang`` (``simple`` when none fits).

    On PostgreSQL a configuration the server lacks (an older release) is ``simple``.
    """
    config = LANGUAGE_CONFIGS.get(lang.split("-", 1)[0].lower(), SIMPLE_CONFIG)
    if connection.vendor == "postgresql" and config not in _postgres_configs():
        return SIMPLE_CONFIG
    return config


@functools.cache
def search_stemmer(config: str) -> Any:
    """Return the Snowball stemmer of a text search configuration, or None if it has none."""
    if config not in snowballstemmer.algorithms():
        return None
    return snowballstemmer.stemmer(config)


# --- indexing ------------------------------------------------------------------


def _entry_values(
    *, article_id: int, lang: str, title: str, lead: str, body: str
) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "lang": lang,
        "config": search_config(lang),
        "document": search_document(title=title, lead=lead, body=body),
    }


def search_translation_index(translation: ArticleTranslation) -> None:
    """Bring the search entry of ``translation`` up to date: written when a visitor
    may read it (published or outdated), removed otherwise. Costs one or two queries."""
    if translation.status not in VISIBLE_STATUSES:
        SearchEntry.objects.filter(translation_id=translation.pk).delete()
        return
    values = _entry_values(
        article_id=translation.article_id,
        lang=translation.lang,
        title=translation.title,
        lead=translation.lead,
        body=translation.body,
    )
    entry = SearchEntry.objects.filter(translation_id=translation.pk).first()
    if entry is None:
        SearchEntry.objects.create(translation_id=translation.pk, **values)
        return
    changed = [name for name, value in values.items() if getattr(entry, name) != value]
    if changed:
        for name in changed:
            setattr(entry, name, values[name])
        entry.save(update_fields=changed)


def search_translations_index(translation_ids: Iterable[int]) -> None:
    """Bring the entries of these translations up to date (after a bulk ``update()``)."""
    for translation in ArticleTranslation.objects.filter(pk__in=list(translation_ids)):
        search_translation_index(translation)


def _translation_saved(
    sender: type, instance: ArticleTranslation, raw: bool = False, **kwargs: Any
) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or (update_fields is not None and not INDEXED_FIELDS & set(update_fields)):
        return
    search_translation_index(instance)


def _translation_deleted(sender: type, instance: ArticleTranslation, **kwargs: Any) -> None:
    # The entry normally went already (CASCADE); this keeps the index right whatever
    # deleted the translation.
    SearchEntry.objects.filter(translation_id=instance.pk).delete()


_SAVE_UID, _DELETE_UID = "newsroom_search_save", "newsroom_search_delete"


def search_signals_connect() -> None:
    """Keep the search index in step with every saved or deleted translation.

    Called once from ``NewsroomConfig.ready``; calling it again changes nothing.
    Bulk ``update()``/``bulk_create`` send no signals: call
    :func:`search_translations_index` after them.
    """
    post_save.connect(_translation_saved, sender=ArticleTranslation, dispatch_uid=_SAVE_UID)
    post_delete.connect(_translation_deleted, sender=ArticleTranslation, dispatch_uid=_DELETE_UID)


def search_signals_disconnect() -> bool:
    """Stop keeping the index in step (for a bulk load followed by a rebuild).

    Return whether the signals were connected.
    """
    saved = post_save.disconnect(sender=ArticleTranslation, dispatch_uid=_SAVE_UID)
    deleted = post_delete.disconnect(sender=ArticleTranslation, dispatch_uid=_DELETE_UID)
    return bool(saved or deleted)


@dataclass
class RebuildCounts:
    """What ``search_rebuild`` did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def search_rebuild(
    *, batch_size: int = 2000, progress: Callable[[int, int], None] | None = None
) -> RebuildCounts:
    """Rebuild the whole index from the translations; return what changed.

    Works through the visible translations in primary-key batches, one
    transaction each (the site stays usable meanwhile), writing only entries
    whose text differs, then removes the entries of translations no longer
    visible. ``progress(done, total)`` is called after each batch.
    """
    counts = RebuildCounts()
    visible = ArticleTranslation.objects.filter(status__in=VISIBLE_STATUSES)
    total = visible.count()
    done = 0
    last_pk = 0
    if progress is not None:
        progress(0, total)
    while True:
        batch = list(
            visible.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "article_id", "lang", "title", "lead", "body")[:batch_size]
        )
        if not batch:
            break
        last_pk = batch[-1][0]
        with transaction.atomic():
            stored = {
                entry.translation_id: entry
                for entry in SearchEntry.objects.filter(translation_id__in=[r[0] for r in batch])
            }
            new: list[SearchEntry] = []
            changed: list[SearchEntry] = []
            for pk, article_id, lang, title, lead, body in batch:
                values = _entry_values(
                    article_id=article_id, lang=lang, title=title, lead=lead, body=body
                )
                entry = stored.get(pk)
                if entry is None:
                    new.append(SearchEntry(translation_id=pk, **values))
                elif any(getattr(entry, name) != value for name, value in values.items()):
                    for name, value in values.items():
                        setattr(entry, name, value)
                    changed.append(entry)
                else:
                    counts.unchanged += 1
            SearchEntry.objects.bulk_create(new)
            SearchEntry.objects.bulk_update(changed, ["article_id", "lang", "config", "document"])
            counts.created += len(new)
            counts.updated += len(changed)
        done += len(batch)
        if progress is not None:
            progress(done, total)
    counts.removed, _ = SearchEntry.objects.exclude(
        translation__status__in=VISIBLE_STATUSES
    ).delete()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Merge the index's segments: later queries read fewer b-trees.
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
        elif connection.vendor == "postgresql":
            # Move the GIN indexes' pending entries into the indexes proper: until
            # then the planner prices them high and may scan the table instead.
            cursor.execute(
                "SELECT gin_clean_pending_list(indexrelid) FROM pg_index "
                "WHERE indrelid = 'newsroom_searchentry'::regclass "
                "AND indexrelid::regclass::text LIKE 'newsroom_search\\_%'"
            )
            cursor.execute("ANALYZE newsroom_searchentry")
    return counts

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
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import snowballstemmer
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from chapterhouse.newsroom.models import ArticleTranslation, SearchEntry

# Translations a visitor may read (once the article's publish_at has passed).
VISIBLE_STATUSES = ("published", "outdated")
# Saving only other fields of a translation does not change its entry.
INDEXED_FIELDS = frozenset({"title", "lead", "body", "status", "lang", "article", "article_id"})
RESULTS_PER_PAGE = 20
# A query is cut to this many characters and terms before anything else happens.
QUERY_MAX_CHARS = 1000
QUERY_MAX_TERMS = 12
WORD_MAX_CHARS = 60
PHRASE_MAX_CHARS = 24
# Query words people type as operators; they would otherwise be required words.
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})

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
_CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
PAIR_JOINER = "\u2063"  # INVISIBLE SEPARATOR: a word boundary to both databases
MARK_START, MARK_END = "\x02", "\x03"  # around matches in snippets; never in a document
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
def _stemmer(config: str) -> Any:
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


# --- queries -------------------------------------------------------------------


@dataclass(frozen=True)
class SearchTerms:
    """A visitor's query cut into what can be searched for.

    ``words``: letters and digits between spaces and punctuation, case-folded;
    ``runs``: runs of CJK characters, each searched as consecutive pairs.
    """

    words: tuple[str, ...] = ()
    runs: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.runs)


def search_terms(query: str) -> SearchTerms:
    """Return the words and CJK runs of ``query``; everything else is dropped.

    Quotes, operators (``*``, ``^``, ``:``, ``-``), parentheses and control
    characters are punctuation here, so they only separate words; AND, OR, NOT
    and NEAR written in capitals are left out (every word is required anyway).
    At most ``QUERY_MAX_TERMS`` terms of the first ``QUERY_MAX_CHARS`` characters
    count; repeated terms count once.
    """
    text = unicodedata.normalize("NFKC", query[:QUERY_MAX_CHARS])
    words: list[str] = []
    runs: list[str] = []
    for is_cjk, token in _query_tokens(text):
        if is_cjk:
            token = token[:PHRASE_MAX_CHARS]
            if token not in runs:
                runs.append(token)
        elif token not in OPERATOR_WORDS:
            token = token.casefold()[:WORD_MAX_CHARS]
            if token not in words:
                words.append(token)
        if len(words) + len(runs) >= QUERY_MAX_TERMS:
            break
    return SearchTerms(words=tuple(words), runs=tuple(runs))


def _query_tokens(text: str) -> Iterable[tuple[bool, str]]:
    """Yield (is CJK, token) for the runs of CJK characters and of other letters,
    digits and marks in ``text``; anything else separates them."""
    token: list[str] = []
    kind: bool | None = None
    for char in text:
        if _CJK_CHAR.match(char):
            char_kind: bool | None = True
        elif unicodedata.category(char)[0] in "LNM":
            char_kind = False
        else:
            char_kind = None
        if char_kind != kind and token:
            yield bool(kind), "".join(token)
            token = []
        kind = char_kind
        if char_kind is not None:
            token.append(char)
    if token:
        yield bool(kind), "".join(token)


def _run_pairs(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def _fts_string(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _word_prefix(word: str, config: str) -> str:
    """Return the prefix to look ``word`` up by on SQLite: its stem where stemming
    only cut the end off (the part the stem and the word share), else the word."""
    stemmer = _stemmer(config)
    if stemmer is None:
        return word
    stem = stemmer.stemWord(word)
    shared = 0
    for stem_char, word_char in zip(stem, word, strict=False):
        if stem_char != word_char:
            break
        shared += 1
    prefix = word[:shared]
    return prefix if len(prefix) >= min(len(word), 3) else word


def _fts_match(terms: SearchTerms, config: str) -> str:
    """Return the FTS5 query for ``terms``: every term required, words by prefix."""
    parts = [_fts_string(_word_prefix(word, config)) + "*" for word in terms.words]
    for run in terms.runs:
        # One CJK character: any pair that starts with it. Longer: its pairs in order.
        parts.append(
            _fts_string(run) + "*" if len(run) == 1 else _fts_string(" ".join(_run_pairs(run)))
        )
    return " AND ".join(parts)


def _tsquery(terms: SearchTerms, config: str) -> tuple[str, list[Any]]:
    """Return SQL for the tsquery of ``terms`` in ``config`` (a known name), and its params."""
    sql: list[str] = []
    params: list[Any] = []
    if terms.words:
        sql.append(f"plainto_tsquery('{config}'::regconfig, %s)")
        params.append(" ".join(terms.words))
    for run in terms.runs:
        if len(run) == 1:
            # A prefix query needs the query syntax: a single quoted CJK letter is safe in it.
            sql.append(f"to_tsquery('{config}'::regconfig, %s)")
            params.append(f"'{run}':*")
        else:
            sql.append(f"phraseto_tsquery('{config}'::regconfig, %s)")
            params.append(" ".join(_run_pairs(run)))
    return "(" + " && ".join(sql) + ")", params


@dataclass(frozen=True)
class SnippetPart:
    """A piece of a snippet, ``marked`` when it matched the query."""

    text: str
    marked: bool


@dataclass(frozen=True)
class SearchHit:
    """One article found: what the result list shows."""

    slug: str
    lang: str
    title: str
    publish_at: dt.datetime
    snippet: tuple[SnippetPart, ...]


@dataclass
class SearchPage:
    """One page of results, best first."""

    count: int
    number: int
    num_pages: int
    hits: list[SearchHit] = field(default_factory=list)


def snippet_parts(raw: str) -> tuple[SnippetPart, ...]:
    """Return a database snippet (matches between MARK_START and MARK_END) as parts,
    with CJK pairs put back together into the original text (代表␣表大 → 代表大)."""
    chars: list[tuple[str, bool]] = []
    marked = False
    for char in raw:
        if char == MARK_START:
            marked = True
        elif char == MARK_END:
            marked = False
        else:
            chars.append((char, marked))
    out: list[tuple[str, bool]] = []
    i = 0
    while i < len(chars):
        char, mark = chars[i]
        if char != PAIR_JOINER:
            out.append((char, mark))
            i += 1
            continue
        after = chars[i + 1 : i + 3]
        following = chars[i + 3][0] if i + 3 < len(chars) else ""
        if (
            len(out) >= 2
            and len(after) == 2
            and _CJK_CHAR.match(out[-2][0])
            and _CJK_CHAR.match(out[-1][0])
            and all(_CJK_CHAR.match(c) for c, _ in after)
            and after[0][0] == out[-1][0]
            and (not following or following == PAIR_JOINER or not _CJK_CHAR.match(following))
        ):
            # The next pair continues this run: keep only its second character.
            out[-1] = (out[-1][0], out[-1][1] or after[0][1])
            i += 2
        else:
            i += 1
    parts: list[SnippetPart] = []
    for char, mark in out:
        if parts and parts[-1].marked == mark:
            parts[-1] = SnippetPart(parts[-1].text + char, mark)
        else:
            parts.append(SnippetPart(char, mark))
    return tuple(parts)


# Only visible translations have entries, so matching and counting need not read
# the (wide) translations table; the page's rows are checked against it again, in
# case a bulk update changed a status without telling the index.
_PUBLISHED_SQL = "a.publish_at <= %s"
_ARTICLE_JOIN = "JOIN newsroom_article a ON a.id = e.article_id"
_TRANSLATION_JOIN = (
    "JOIN newsroom_articletranslation t ON t.id = p.translation_id "
    "AND t.status IN ('published', 'outdated')"
)
_HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
SNIPPET_TOKENS = 24


def _db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _postgres_where(terms: SearchTerms, lang: str, now: dt.datetime) -> tuple[str, list[Any]]:
    config = search_config(lang)
    tsquery, params = _tsquery(terms, config)
    # The config is a literal so that the planner picks that configuration's partial index.
    sql = f"e.config = '{config}' AND e.lang = %s AND e.vector @@ {tsquery} AND {_PUBLISHED_SQL}"
    return sql, [lang, *params, _db_datetime(now)]


def _sqlite_where(terms: SearchTerms, lang: str, now: dt.datetime) -> tuple[str, list[Any]]:
    sql = f"{FTS_TABLE} MATCH %s AND e.lang = %s AND {_PUBLISHED_SQL}"
    return sql, [_fts_match(terms, search_config(lang)), lang, _db_datetime(now)]


def _count_sql(terms: SearchTerms, lang: str, now: dt.datetime) -> tuple[str, list[Any]]:
    if connection.vendor == "postgresql":
        where, params = _postgres_where(terms, lang, now)
        sql = f"SELECT count(*) FROM newsroom_searchentry e {_ARTICLE_JOIN} WHERE {where}"
        return sql, params
    where, params = _sqlite_where(terms, lang, now)
    sql = (
        f"SELECT count(*) FROM {FTS_TABLE} "
        f"JOIN newsroom_searchentry e ON e.id = {FTS_TABLE}.rowid {_ARTICLE_JOIN} WHERE {where}"
    )
    return sql, params


def _page_sql(
    terms: SearchTerms, lang: str, now: dt.datetime, limit: int, offset: int
) -> tuple[str, list[Any]]:
    """SQL for one page of hits: (slug, title, publish_at, raw snippet), best first.

    The inner query ranks narrow rows; titles and snippets are read for the
    page's rows only, in the outer one.
    """
    if connection.vendor == "postgresql":
        config = search_config(lang)
        where, params = _postgres_where(terms, lang, now)
        tsquery, query_params = _tsquery(terms, config)
        sql = (
            "SELECT p.slug, t.title, p.publish_at, "
            f"ts_headline('{config}'::regconfig, d.document, {tsquery}, %s) FROM ("
            "SELECT e.id, e.translation_id, a.slug, a.publish_at, "
            f"ts_rank(e.vector, {tsquery}) AS rank "
            f"FROM newsroom_searchentry e {_ARTICLE_JOIN} WHERE {where} "
            "ORDER BY rank DESC, a.publish_at DESC, e.id LIMIT %s OFFSET %s"
            f") p JOIN newsroom_searchentry d ON d.id = p.id {_TRANSLATION_JOIN} "
            "ORDER BY p.rank DESC, p.publish_at DESC, p.id"
        )
        return sql, [*query_params, _HEADLINE_OPTIONS, *query_params, *params, limit, offset]
    where, params = _sqlite_where(terms, lang, now)
    match = params[0]
    sql = (
        "WITH p AS ("
        f"SELECT e.id, e.translation_id, a.slug, a.publish_at, bm25({FTS_TABLE}) AS rank "
        f"FROM {FTS_TABLE} JOIN newsroom_searchentry e ON e.id = {FTS_TABLE}.rowid "
        f"{_ARTICLE_JOIN} WHERE {where} ORDER BY rank, a.publish_at DESC, e.id "
        "LIMIT %s OFFSET %s) "
        "SELECT p.slug, t.title, p.publish_at, "
        f"snippet({FTS_TABLE}, 0, char(2), char(3), '…', {SNIPPET_TOKENS}) "
        f"FROM p CROSS JOIN {FTS_TABLE} ON {FTS_TABLE}.rowid = p.id {_TRANSLATION_JOIN} "
        f"WHERE {FTS_TABLE} MATCH %s ORDER BY p.rank, p.publish_at DESC, p.id"
    )
    return sql, [*params, limit, offset, match]


def search_articles(
    *,
    terms: SearchTerms,
    lang: str,
    now: dt.datetime,
    page: int = 1,
    per_page: int = RESULTS_PER_PAGE,
) -> SearchPage:
    """Return page ``page`` of the articles readable in ``lang`` at ``now`` that match.

    Best match first (``ts_rank``/``bm25``), then the newest. A page past the last
    gives the last page. Two queries whatever the size of the index (one when
    nothing matches).
    """
    if not terms:
        return SearchPage(count=0, number=1, num_pages=1)
    with connection.cursor() as cursor:
        cursor.execute(*_count_sql(terms, lang, now))
        count = int(cursor.fetchone()[0])
        num_pages = max(1, math.ceil(count / per_page))
        number = min(max(page, 1), num_pages)
        if count == 0:
            return SearchPage(count=0, number=number, num_pages=num_pages)
        cursor.execute(*_page_sql(terms, lang, now, per_page, (number - 1) * per_page))
        rows = cursor.fetchall()
    hits = [
        SearchHit(
            slug=slug,
            lang=lang,
            title=title,
            publish_at=_aware(publish_at),
            snippet=snippet_parts(raw or ""),
        )
        for slug, title, publish_at, raw in rows
    ]
    return SearchPage(count=count, number=number, num_pages=num_pages, hits=hits)


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):  # SQLite through a raw cursor
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def search_counts_elsewhere(
    *, terms: SearchTerms, langs: Sequence[str], now: dt.datetime
) -> dict[str, int]:
    """Return how many articles match in each of ``langs`` (those with none left out).

    One query for all the languages, each searched with its own configuration.
    """
    if not terms or not langs:
        return {}
    selects: list[str] = []
    params: list[Any] = []
    for index, lang in enumerate(langs):
        sql, lang_params = _count_sql(terms, lang, now)
        selects.append(sql.replace("SELECT count(*)", f"SELECT {index}, count(*)", 1))
        params += lang_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        counts = {langs[int(index)]: int(count) for index, count in cursor.fetchall()}
    return {lang: counts[lang] for lang in langs if counts.get(lang)}

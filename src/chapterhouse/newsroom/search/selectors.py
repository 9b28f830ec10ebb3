"""Searching the published news: a visitor's query cut into terms, the page of hits
with snippets, and the counts in the other languages.

How the text is indexed, and why queries are built as they are on PostgreSQL and
SQLite, is told in `services.py` (the index and its upkeep).
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from chapterhouse.newsroom.search.services import (
    CJK_CHAR,
    FTS_TABLE,
    PAIR_JOINER,
    search_config,
    search_stemmer,
)

RESULTS_PER_PAGE = 20
# A query is cut to this many characters and terms before anything else happens.
QUERY_MAX_CHARS = 1000
QUERY_MAX_TERMS = 12
WORD_MAX_CHARS = 60
PHRASE_MAX_CHARS = 24
# Query words people type as operators; they would otherwise be required words.
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "NEAR"})

MARK_START, MARK_END = "\x02", "\x03"  # around matches in snippets; never in a document


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
        if CJK_CHAR.match(char):
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
    stemmer = search_stemmer(config)
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
            and CJK_CHAR.match(out[-2][0])
            and CJK_CHAR.match(out[-1][0])
            and all(CJK_CHAR.match(c) for c, _ in after)
            and after[0][0] == out[-1][0]
            and (not following or following == PAIR_JOINER or not CJK_CHAR.match(following))
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

"""One person search for every door (the people page, the API and the desk's pickers, the
CLI): a person is found by any of their names in any script, best match first.

The query is turned into matching keys (`registry.name_keys`). The stored keys that may be
the query's are read from B-tree indexes (the very key, keys that begin with it, and keys
one letter away, found by either half of the key: `_ways`), so a search reads a bounded
number of index entries however many people are recorded; only when those find nothing
does the trigram index (PostgreSQL ``pg_trgm``, SQLite an FTS5 ``trigram`` table) look for
names further off. rapidfuzz scores and ranks them. Custody is the rule it always was:
only people the reader may see, and the keys made from a real name only where no call sign
hides it from the reader (the call sign and the id are always searched). Decision 0031.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from chapterhouse.custody.access import Viewer
from chapterhouse.registry.models import Person, PersonNameKey
from chapterhouse.registry.name_keys import LONGEST, name_keys, reading_keys

# Fewer letters than this find too many people to mean anything.
SHORTEST = 2
# The most people a search returns to a page or the API (which then pages through them).
MOST = 100
# Below this score (0–100) a candidate is not a match.
ENOUGH = 70
# A query found inside a longer name scores this share of the match.
PART = 0.9
# A match by another reading of the query (`name_keys.reading_keys`) scores this share,
# and counts only from this score up: a second guess at what was typed may find the name
# misspelt by a letter, not a name merely alike ("Sjögren" read "Syögren").
READING = 0.95
READING_ENOUGH = 85
# Keys read for each way a stored key may be the query's (below), before they are scored.
PER_WAY = 40
# The best-scored keys kept for custody and ranking.
CANDIDATES = 400

# Parameters of an SQL query.
_Params = list[str | int | None]

_TABLE = PersonNameKey._meta.db_table
_FTS = f"{_TABLE}_fts"

# The person's fields read with the keys: what `Viewer.display_name` and a list need.
_PERSON_ATTRIBUTES = ("slug", "name", "call_sign", "custodian_id", "public")
_PERSON_FIELDS = tuple(f"person__{name.removesuffix('_id')}" for name in _PERSON_ATTRIBUTES)


@dataclass(frozen=True)
class PersonMatch:
    """A person found by a search: the name as written that matched, and how well."""

    person: Person
    matched: str
    score: float


@dataclass(frozen=True)
class _Way:
    """One way a stored key may be the query's: the keys from ``low`` (included) to
    ``high`` (excluded) of one index, read up or down from the end nearer the query's key,
    ``most`` at most. ``column`` is ``key`` or ``backward``; ``size`` None for any size."""

    column: str
    size: int | None
    low: str
    high: str
    down: bool = False
    most: int = PER_WAY


def _after(prefix: str) -> str:
    """Return the first string after every string that begins with ``prefix`` (keys hold
    letters a–z and digits only)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _way_list(keys: tuple[str, ...]) -> list[_Way]:
    """Return the ways a stored key may be one of ``keys``, each a range of a B-tree index
    (migration 0009):

    * the very key (`CANDIDATES` namesakes at most), and keys that begin with it (a part
      of a name: "Sjogren" of "sjogrengadrin", a key per order of the words gives each end
      its turn); a key shorter than a trigram ("Li", "Wu") only itself;
    * of the same size or one letter more or less, keys that begin with its first half or
      end with its second half, read outwards from where the key itself would be, so that
      those sharing the most letters with it come first: one letter typed wrong, left out
      or added leaves one half whole. The middle letter is in neither half, so two letters
      swapped across the middle leave one whole too.
    """
    ways: list[_Way] = []
    for key in keys:
        # The very key, for as many namesakes as are kept ("0" is the lowest letter).
        ways.append(_Way("key", None, key, key + "0", most=CANDIDATES))
        if len(key) < 3:
            continue
        ways.append(_Way("key", None, key + "0", _after(key)))
        half = len(key) // 2
        front, back, backward = key[:half], key[half + 1 :][::-1], key[::-1]
        for size in (len(key), len(key) - 1, len(key) + 1):
            ways += [
                _Way("key", size, key, _after(front)),
                _Way("key", size, front, key, down=True),
                _Way("backward", size, backward, _after(back)),
                _Way("backward", size, back, backward, down=True),
            ]
    return ways


def _ways(keys: tuple[str, ...]) -> tuple[str, _Params]:
    """Return an SQL query (and its parameters) of the ids and keys of stored keys that may
    be one of ``keys`` (`_way_list`)."""
    return _ways_sql(_way_list(keys))


def _ways_sql(ways: list[_Way]) -> tuple[str, _Params]:
    """Return one SQL query of the ids and keys of each way, `PER_WAY` at most by each.

    PostgreSQL: each kind of way is one subquery joined laterally to the list of its
    ranges, so that the plan is the same few index scans however many ways (planning a
    union of dozens of subqueries cost more than running them); in byte order (``COLLATE
    "C"``), as the indexes are built. SQLite: a union of the ways (its planning is cheap;
    it compares bytes).
    """
    if connection.vendor != "postgresql":
        parts: list[str] = []
        params: _Params = []
        for number, way in enumerate(ways):
            size = "size = %s AND " if way.size is not None else ""
            order = f"{way.column} DESC" if way.down else way.column
            parts.append(
                f"SELECT id, key, person_id FROM (SELECT id, key, person_id FROM {_TABLE}"
                f" WHERE {size}"
                f"{way.column} >= %s AND {way.column} < %s ORDER BY {order} LIMIT {way.most})"
                f" AS way{number}"
            )
            params += [*([way.size] if way.size is not None else []), way.low, way.high]
        return " UNION ALL ".join(parts), params
    kinds: dict[tuple[str, bool, bool, int], list[_Way]] = {}
    for way in ways:
        kinds.setdefault((way.column, way.size is not None, way.down, way.most), []).append(way)
    parts, params = [], []
    for (column, sized, down, most), group in sorted(kinds.items()):
        compared = f'{column} COLLATE "C"'
        size = "size = way.size AND " if sized else ""
        rows = ", ".join(["(%s::integer, %s::text, %s::text)"] * len(group))
        parts.append(
            f"SELECT found.id, found.key, found.person_id FROM (VALUES {rows}) AS "
            f"way(size, low, high) CROSS JOIN LATERAL (SELECT id, key, person_id FROM {_TABLE}"
            f" WHERE {size}"
            f"{compared} >= way.low AND {compared} < way.high ORDER BY {compared}"
            f"{' DESC' if down else ''} LIMIT {most}) AS found"
        )
        params += [value for way in group for value in (way.size, way.low, way.high)]
    return " UNION ALL ".join(parts), params


def _trigram_alike(keys: tuple[str, ...]) -> tuple[str, _Params] | None:
    """Return an SQL query of the ids and keys of stored keys most alike ``keys`` by
    trigrams, best first (None when no trigram can be made of them): slower than `_ways`,
    asked only when they find no match (two letters wrong, a part of a name misspelt)."""
    if connection.vendor == "postgresql":
        return (
            f"SELECT id, key, person_id FROM {_TABLE} WHERE "
            + " OR ".join(["key %% %s"] * len(keys))
            + " ORDER BY GREATEST("
            + ", ".join(["similarity(key, %s)"] * len(keys))
            + ") DESC LIMIT %s",
            [*keys, *keys, CANDIDATES],
        )
    # Each trigram quoted as an FTS5 string (keys hold only a–z and 0–9), any of them.
    trigrams = sorted({key[i : i + 3] for key in keys for i in range(len(key) - 2)})
    if not trigrams:
        return None
    return (
        f"SELECT {_TABLE}.id, {_TABLE}.key, {_TABLE}.person_id FROM {_FTS} JOIN {_TABLE} ON "
        f"{_TABLE}.id = "
        f"{_FTS}.rowid WHERE {_FTS} MATCH %s ORDER BY rank LIMIT %s",
        [" OR ".join(f'"{trigram}"' for trigram in trigrams), CANDIDATES],
    )


def _best(
    keys: tuple[str, ...],
    readings: tuple[str, ...],
    sql: str,
    params: _Params,
    most: int = CANDIDATES,
) -> list[int]:
    """Return the ids of the rows (id, key) of ``sql`` whose key matches ``keys`` (or,
    a little below, ``readings``) well enough, best first: of ``most`` people at most."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return _best_of(keys, readings, cursor.fetchall(), most)


def _best_of(
    keys: tuple[str, ...],
    readings: tuple[str, ...],
    rows: list[tuple[int, str, int]],
    most: int = CANDIDATES,
) -> list[int]:
    """Return the ids of ``rows`` (id, key, person id) whose key matches ``keys`` (or
    ``readings``) well enough, best first: those of the ``most`` people whose keys match
    best (every key of theirs that matches)."""
    scores: dict[str, float] = {}
    kept: list[tuple[float, int, int]] = []
    for pk, key, person_id in rows:
        if key not in scores:
            scores[key] = _score(keys, key, readings)
        if scores[key] >= ENOUGH:
            kept.append((-scores[key], person_id, pk))
    people: set[int] = set()
    ids: list[int] = []
    for _negative, person_id, pk in sorted(set(kept)):
        if person_id not in people:
            if len(people) == most:
                continue
            people.add(person_id)
        ids.append(pk)
    return ids


def key_candidates(
    keys: tuple[str, ...], readings: tuple[str, ...] = (), *, most: int = CANDIDATES
) -> QuerySet[PersonNameKey]:
    """Return the stored keys that match ``keys`` (matching keys of one name, from
    `registry.name_keys`; ``readings``, those of another reading of it, a little below) well
    enough, of everyone whatever the reader: the caller applies custody. The keys of
    ``most`` people at most (`CANDIDATES`), whatever the size of the register: B-tree ways
    first (`_ways`), the
    trigram index only when they find nothing (`_trigram_alike`)."""
    ids = _best(keys, readings, *_ways((*keys, *readings)), most)
    if not ids and min(len(key) for key in keys) >= 3:
        alike = _trigram_alike((*keys, *readings))
        if alike is not None:
            ids = _best(keys, readings, *alike, most)
    return PersonNameKey.objects.filter(pk__in=ids)


# The most ways one query unites (SQLite allows 500 terms in a compound SELECT).
_MOST_WAYS = 400


def near_key_candidates(names: list[tuple[str, ...]]) -> QuerySet[PersonNameKey]:
    """Return the stored keys that match any of ``names`` (each given as its matching
    keys) well enough: the very key or one letter away, by the B-tree ways only (no trigram
    index: names further off are not near), the keys of `CANDIDATES` people a name at
    most; custody is the caller's, as for `key_candidates`. One query on PostgreSQL; on
    SQLite one for every few dozen names."""
    names = [keys for keys in names if keys]
    ways = [way for keys in names for way in _way_list(keys)]
    ids: set[int] = set()
    # PostgreSQL joins every way to its few subqueries: one query whatever their number.
    most = max(len(ways), 1) if connection.vendor == "postgresql" else _MOST_WAYS
    for start in range(0, len(ways), most):
        with connection.cursor() as cursor:
            cursor.execute(*_ways_sql(ways[start : start + most]))
            rows = cursor.fetchall()
        for keys in names:
            ids.update(_best_of(keys, (), rows))
    return PersonNameKey.objects.filter(pk__in=sorted(ids))


def _score(query_keys: tuple[str, ...], key: str, readings: tuple[str, ...] = ()) -> float:
    """Return how well ``key`` matches the query: the whole name, or the beginning or end
    of a longer one ("Sjogren" of "Katrin Sjögren", a key for each order of the words) at
    nine tenths of the score; by another reading of the query (``readings``) at `READING`
    of it, when it reaches `READING_ENOUGH`."""
    best = 0.0
    for reading, queries in ((False, query_keys), (True, readings)):
        for query in queries:
            score = fuzz.ratio(query, key)
            if len(query) < len(key):
                ends = (key[: len(query)], key[-len(query) :])
                score = max(score, PART * max(fuzz.ratio(query, end) for end in ends))
            if reading:
                score = READING * score if score >= READING_ENOUGH else 0.0
            best = max(best, score)
    return best


def search_refusal(q: str) -> str | None:
    """Return why ``q`` finds nobody whatever is recorded (too short, too long, no letter),
    or None when it may find someone."""
    if len(q) > LONGEST:
        return _("A name is at most %(most)d characters long.") % {"most": LONGEST}
    if not any(len(key) >= SHORTEST for key in name_keys(q.strip())):
        return _("Type at least two letters of a name.")
    return None


def search_people(q: str, *, viewer: Viewer, limit: int = 20) -> list[PersonMatch]:
    """Return up to ``limit`` people ``viewer`` may see whom ``q`` names, best match first,
    each with the name that matched and a score from 0 to 100.

    A query with fewer than two letters or digits, longer than a name may be, or of
    punctuation only finds nobody (no error: a picker asks as the reader types). Two
    queries whatever the number of people (three when the trigram index is asked); the
    people come with the fields a page names them by (``slug``, ``name``, ``call_sign``,
    ``custodian_id``, ``public``).
    """
    if len(q) > LONGEST:
        return []
    keys = tuple(key for key in name_keys(q.strip()) if len(key) >= SHORTEST)
    if not keys:
        return []
    readings = tuple(key for key in reading_keys(q.strip()) if len(key) >= SHORTEST)
    # The keys of a few more people than asked for (custody may hide some): each is a row
    # read at random from the table, the search's main cost once the register outgrows the
    # database's memory.
    candidates = key_candidates(keys, readings, most=min(CANDIDATES, 2 * limit + 20))
    readable = Q(real=False)
    if viewer.is_restricted:
        readable |= Q(person__call_sign="") | viewer.personal_data_filter("person__")
    else:
        readable = Q()
    rows = (
        candidates.filter(viewer.people_filter("person__"))
        .filter(readable)
        .values_list("person_id", "key", "source_name", *_PERSON_FIELDS)[: CANDIDATES * 2]
    )
    people: dict[int, _Params] = {}
    typed = q.strip().casefold()
    # Each person's best name: by the score, then (of names with one key: "Kim Yun-deok"
    # and "김윤덕") the one written most like the query.
    best: dict[int, tuple[float, float, str]] = {}
    unmatched = (0.0, -200.0, "")
    for person_id, key, source_name, *fields in rows:
        people.setdefault(person_id, fields)
        score = _score(keys, key, readings)
        if score < ENOUGH:
            continue
        alike = fuzz.ratio(typed, source_name.casefold())
        if source_name == fields[0]:
            alike -= 100  # of names with one key, the id is the last to show as found
        match = (score, alike, source_name)
        if match[:2] > best.get(person_id, unmatched)[:2]:
            best[person_id] = match
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))[:limit]
    return [
        PersonMatch(
            person=Person(
                pk=person_id, **dict(zip(_PERSON_ATTRIBUTES, people[person_id], strict=True))
            ),
            matched=source_name,
            score=round(score, 1),
        )
        for person_id, (score, _, source_name) in ranked
    ]

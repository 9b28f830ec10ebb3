"""One person search for every door (the people page, the API and the desk's pickers, the
CLI): a person is found by any of their names in any script, best match first.

The query is turned into matching keys (`registry.name_keys`); the stored keys that share
trigrams with them are the candidates (PostgreSQL: ``pg_trgm``'s ``%`` operator on a GIN
index; SQLite: an FTS5 ``trigram`` table), and rapidfuzz ranks them. Custody is the rule
it always was: only people the reader may see, and the keys
made from a real name only where no call sign hides it from the reader (the call sign and
the id are always searched). Decision 0031.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from chapterhouse.custody.access import Viewer
from chapterhouse.registry.models import Person, PersonNameKey
from chapterhouse.registry.name_keys import LONGEST, name_keys

# Fewer letters than this find too many people to mean anything.
SHORTEST = 2
# The most people a search returns to a page or the API (which then pages through them).
MOST = 100
# Below this score (0–100) a candidate is not a match.
ENOUGH = 70
# A query found inside a longer name scores this share of the match.
PART = 0.9
# Candidates read from the trigram index for each query, before custody and ranking.
CANDIDATES = 400


# The person's fields read with the keys: what `Viewer.display_name` and a list need.
_PERSON_ATTRIBUTES = ("slug", "name", "call_sign", "custodian_id", "public")
_PERSON_FIELDS = tuple(f"person__{name.removesuffix('_id')}" for name in _PERSON_ATTRIBUTES)


@dataclass(frozen=True)
class PersonMatch:
    """A person found by a search: the name as written that matched, and how well."""

    person: Person
    matched: str
    score: float


def _candidates(keys: tuple[str, ...]) -> RawSQL | None:
    """Return a subquery of the ids of the stored keys most alike ``keys`` by trigrams,
    best first (None when no trigram can be made of them)."""
    if connection.vendor == "postgresql":
        return RawSQL(
            "SELECT id FROM registry_personnamekey WHERE "
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
    return RawSQL(
        "SELECT rowid FROM registry_personnamekey_fts WHERE registry_personnamekey_fts "
        "MATCH %s ORDER BY rank LIMIT %s",
        [" OR ".join(f'"{trigram}"' for trigram in trigrams), CANDIDATES],
    )


def key_candidates(keys: tuple[str, ...]) -> QuerySet[PersonNameKey]:
    """Return the stored keys most alike ``keys`` (matching keys of one name, from
    `registry.name_keys`), of everyone whatever the reader: the caller applies custody.
    A bounded number of rows whatever the size of the register."""
    if min(len(key) for key in keys) < 3:
        # Shorter than a trigram: only that very key (a call sign "Li", "Wu").
        return PersonNameKey.objects.filter(key__in=keys)
    subquery = _candidates(keys)
    if subquery is None:
        return PersonNameKey.objects.none()
    return PersonNameKey.objects.filter(pk__in=subquery)


def _score(query_keys: tuple[str, ...], key: str) -> float:
    """Return how well ``key`` matches the query: the whole name, or the beginning or end
    of a longer one ("Sjogren" of "Katrin Sjögren", a key for each order of the words) at
    nine tenths of the score."""
    best = 0.0
    for query in query_keys:
        best = max(best, fuzz.ratio(query, key))
        if len(query) < len(key):
            ends = (key[: len(query)], key[-len(query) :])
            best = max(best, PART * max(fuzz.ratio(query, end) for end in ends))
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
    punctuation only finds nobody (no error: a picker asks as the reader types). One
    query whatever the number of people; the people come with the fields a page names
    them by (``slug``, ``name``, ``call_sign``, ``custodian_id``, ``public``).
    """
    if len(q) > LONGEST:
        return []
    keys = tuple(key for key in name_keys(q.strip()) if len(key) >= SHORTEST)
    if not keys:
        return []
    candidates = key_candidates(keys)
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
    people: dict[int, Person] = {}
    typed = q.strip().casefold()
    # Each person's best name: by the score, then (of names with one key: "Kim Yun-deok"
    # and "김윤덕") the one written most like the query.
    best: dict[int, tuple[float, float, str]] = {}
    unmatched = (0.0, -200.0, "")
    for person_id, key, source_name, *fields in rows:
        people.setdefault(
            person_id,
            Person(pk=person_id, **dict(zip(_PERSON_ATTRIBUTES, fields, strict=True))),
        )
        score = _score(keys, key)
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
        PersonMatch(person=people[person_id], matched=source_name, score=round(score, 1))
        for person_id, (score, _, source_name) in ranked
    ]

"""Likely duplicates of a person about to be recorded, and pairs of people already on the
record twice, found across scripts.

A secretary who types "Пак Мин Чжун" should learn that "Park Min-jun" (박민준) is
already on the record before a second record of them is made. Names are compared by
their matching keys, the one folding of a name into Latin letters (`registry.name_keys`),
stored and indexed for every person (`PersonNameKey`): "Пак Мин Чжун", "Park Min-jun" and
"박민준" share a key. The stored keys alike a name's keys come from the person search's
near keys (`registry.search.near_key_candidates`), and rapidfuzz scores them: the keys
whole, and (for a typed name of several words) the typed name found at the beginning or
end of a longer one, at nine tenths ("Aigerim Bekova" in "Айгерим Нурлановна Бекова",
whose keys come in each order of the family and given names).

Only people the writer may see are compared, and only by the names the writer may read:
behind a call sign, the keys made from the real name and its variants are compared only
for the person's custodians (`Viewer.sees_personal_data`), so a warning never tells of a
hidden person nor who is behind a call sign. The key made of a person's id is not a name
and is never compared.

The list of pairs finds every pair with an equal key on the whole register (an SQL
grouping on the indexed key), and the pairs of near keys (a typo, a missing letter) among
the most recently recorded people (`RECENT_NAMES` names), through the candidates of each
of their names: a bounded number of queries whatever the size of the register.
bench/duplicates_bench.py times both.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from chapterhouse.custody.access import Viewer
from chapterhouse.registry.models import Body, Person, PersonNameKey, Term
from chapterhouse.registry.name_keys import name_keys
from chapterhouse.registry.search import SHORTEST, near_key_candidates
from chapterhouse.registry.tree import bodies_below

# Scores run from 0 to 100; below this, names only share a syllable or a common family
# name ("Park Min-jun" and "Kim Min-jun" score 67, "Bak Minjun" 100, "Пак Мин Чжун" 100).
SIMILAR = 85
# How many likely duplicates a warning lists at most.
MOST = 5
# A typed name found at either end of a longer one scores this share of the match.
PART = 0.9
# The names of the most recently recorded people whose near keys a list of pairs looks
# for (each through its candidates, whose cost grows with the register: up to a second a
# name over 100,000 people of common names, bench/duplicates_bench.py): the check of the
# newest records, bounded.
RECENT_NAMES = 30
# Keys that several people share, read for a list of pairs at most: those shared by the
# fewest people first (a key shared by dozens is a common name, not a duplicate).
EQUAL_KEYS = 2000
# Of the people who share one key, the pairs of this many at most.
EQUAL_PEOPLE = 12
# Of the pairs found, this many times the pairs listed are read and scored with their
# birth dates.
READ = 5


def _comparable(viewer: Viewer) -> Q:
    """A filter on PersonNameKey keeping the keys ``viewer`` may compare: of people they may
    see, the real name's only where no call sign hides it from them (as the search reads
    them, `registry.search.search_people`), never the person's id."""
    comparable = viewer.people_filter("person__") & ~Q(source_name=F("person__slug"))
    if viewer.is_restricted:
        comparable &= (
            Q(real=False) | Q(person__call_sign="") | viewer.personal_data_filter("person__")
        )
    return comparable


def _typed_keys(name: str) -> tuple[str, ...]:
    return tuple(key for key in name_keys(name) if len(key) >= SHORTEST)


def _any_candidate(names: Iterable[tuple[str, ...]]) -> Q:
    """A filter on PersonNameKey keeping the near keys of any of ``names`` (each given
    as its keys): one query for every few dozen names, run now."""
    return Q(pk__in=near_key_candidates(list(names)).values("pk"))


def _alike(typed: tuple[str, ...], key: str) -> float:
    """Return how alike the keys of a typed name are to a stored ``key``: the best ratio,
    or, for a name of several words (a key for each order), the name found at the
    beginning or end of a longer one at ``PART`` of the score."""
    best = max(fuzz.ratio(query, key) for query in typed)
    if len(typed) > 1:
        for query in typed:
            if len(query) < len(key):
                ends = (key[: len(query)], key[-len(query) :])
                best = max(best, PART * max(fuzz.ratio(query, end) for end in ends))
    return best


def people_like(*, viewer: Viewer, names: Iterable[str | None]) -> list[tuple[Person, int]]:
    """Return up to ``MOST`` people ``viewer`` may see whose names are like one of ``names``
    (in any script), with their score from 0 to 100, the likeliest first.

    Blank names are ignored; nothing typed finds nobody. Two queries whatever the size of
    the register.
    """
    typed = sorted({keys for keys in (_typed_keys(name) for name in names if name) if keys})
    if not typed:
        return []
    rows = (
        PersonNameKey.objects.filter(_any_candidate(typed))
        .filter(_comparable(viewer))
        .values_list("person_id", "key")
    )
    best: dict[int, float] = {}
    for person_id, key in rows:
        score = max(_alike(keys, key) for keys in typed)
        if score >= SIMILAR:
            best[person_id] = max(best.get(person_id, 0.0), score)
    likeliest = sorted(best, key=lambda pk: (-best[pk], pk))[:MOST]
    people = Person.objects.in_bulk(likeliest)
    return [(people[pk], round(best[pk])) for pk in likeliest if pk in people]


@dataclass(frozen=True)
class DuplicatePair:
    """Two people who are likely one, with a score from 0 to 100 and the reasons."""

    first: Person
    second: Person
    score: int
    names: tuple[str, str]
    same_born: bool
    other_script: bool


def _script(name: str) -> str:
    """Return the script of the first letter of ``name`` (LATIN, CYRILLIC, HANGUL, CJK …)."""
    for char in name:
        if char.isalpha():
            return unicodedata.name(char, "?").split(" ")[0]
    return ""


def _compatible(first: Person, second: Person) -> bool:
    """Whether two known birth dates may be the same day, each read at its precision."""
    assert first.born is not None and second.born is not None
    precisions = {first.born_precision, second.born_precision}
    parts = 1 if "year" in precisions else 2 if "month" in precisions else 3
    return first.born.timetuple()[:parts] == second.born.timetuple()[:parts]


# A pair's best match: the score, whether the names are in two scripts, the two names.
_Match = tuple[float, bool, str, str]


def _equal_pairs(rows: QuerySet[PersonNameKey]) -> Iterable[tuple[int, str, int, str, float]]:
    """Yield the pairs of people among ``rows`` who share a key (one query): every key
    that several people share, up to ``EQUAL_KEYS``, the rarest first."""
    shared = (
        rows.order_by()
        .values("key")
        .annotate(people=Count("person_id", distinct=True))
        .filter(people__gt=1)
        .order_by("people", "key")
        .values("key")[:EQUAL_KEYS]
    )
    holders: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for person_id, key, source_name in rows.filter(key__in=shared).values_list(
        "person_id", "key", "source_name"
    ):
        holders[key][person_id].add(source_name)
    for names in holders.values():
        people = sorted(names.items())[:EQUAL_PEOPLE]
        for index, (first, first_names) in enumerate(people):
            for second, second_names in people[index + 1 :]:
                # Each name of theirs with this key: the reason tells of two scripts if
                # any two of them are.
                for first_name in sorted(first_names):
                    for second_name in sorted(second_names):
                        yield first, first_name, second, second_name, 100.0


def _near_pairs(rows: QuerySet[PersonNameKey]) -> Iterable[tuple[int, str, int, str, float]]:
    """Yield the pairs of people among ``rows`` whose keys are alike (two queries): each
    name of the most recently recorded people (``RECENT_NAMES``) with the candidates of
    its keys."""
    recent: dict[tuple[int, str], dict[str, None]] = defaultdict(dict)
    for person_id, source_name, key in rows.order_by("-person_id", "source_name").values_list(
        "person_id", "source_name", "key"
    )[: RECENT_NAMES * 3]:
        if len(key) >= SHORTEST and (
            len(recent) < RECENT_NAMES or (person_id, source_name) in recent
        ):
            recent[(person_id, source_name)][key] = None  # an ordered set
    if not recent:
        return
    holders: dict[str, list[tuple[int, str]]] = defaultdict(list)
    candidates = rows.filter(_any_candidate(tuple(keys) for keys in recent.values()))
    for person_id, key, source_name in candidates.values_list("person_id", "key", "source_name"):
        holders[key].append((person_id, source_name))
    choices = list(holders)
    for (person_id, source_name), keys in recent.items():
        for key in keys:
            for _choice, score, index in process.extract(
                key, choices, scorer=fuzz.ratio, score_cutoff=SIMILAR, limit=None
            ):
                for other, other_name in holders[choices[index]]:
                    yield person_id, source_name, other, other_name, score


def duplicate_pairs(
    *, viewer: Viewer, body: Body | None = None, most: int = 200
) -> list[DuplicatePair]:
    """Return up to ``most`` pairs of people ``viewer`` may see whose names (as the viewer may
    read them) are alike in any script, the likeliest first; with ``body``, only people in
    its custody or holding a post in it or below it.

    Pairs with an equal key are found on the whole register, pairs of near keys for the
    most recently recorded people (see the module's docstring). The score is the keys'
    ratio (100 for an equal key); an equal birth date (where the viewer may read both)
    adds 5, two different ones take 15 off. Of the names that match, those in two scripts
    are given as the reason. Four queries whatever the size of the register.
    """
    rows = PersonNameKey.objects.filter(_comparable(viewer))
    if body is not None:
        below = bodies_below(body.pk)
        rows = rows.filter(
            Q(person__custodian_id__in=below)
            | Q(person_id__in=Term.objects.filter(body_id__in=below).values("person_id"))
        )
    best: dict[tuple[int, int], _Match] = {}
    for one, one_name, other, other_name, score in (*_equal_pairs(rows), *_near_pairs(rows)):
        if one == other:
            continue
        if one > other:
            one, one_name, other, other_name = other, other_name, one, one_name
        match = (score, _script(one_name) != _script(other_name), one_name, other_name)
        if (one, other) not in best or match[:2] > best[(one, other)][:2]:
            best[(one, other)] = match
    # The likeliest by the names alone are read (one query), enough of them that a birth
    # date, which moves a score by 15 at most, rarely changes which pairs are listed.
    likeliest = sorted(best.items(), key=lambda item: (-item[1][0], not item[1][1], item[0]))[
        : most * READ
    ]
    by_pk = {
        person.pk: person
        for person in Person.objects.filter(pk__in={pk for pair, _ in likeliest for pk in pair})
    }
    pairs: list[DuplicatePair] = []
    for (first_pk, second_pk), (score, other_script, first_name, second_name) in likeliest:
        first, second = by_pk[first_pk], by_pk[second_pk]
        born_known = (
            first.born is not None
            and second.born is not None
            and viewer.sees_personal_data(first)
            and viewer.sees_personal_data(second)
        )
        same_born = born_known and (first.born, first.born_precision) == (
            second.born,
            second.born_precision,
        )
        contradicts = born_known and not _compatible(first, second)
        adjusted = score + 5 if same_born else score - 15 if contradicts else score
        pairs.append(
            DuplicatePair(
                first=first,
                second=second,
                score=max(0, min(100, round(adjusted))),
                names=(first_name, second_name),
                same_born=same_born,
                other_script=other_script,
            )
        )
    pairs.sort(key=lambda pair: (-pair.score, pair.first.slug, pair.second.slug))
    return pairs[:most]


def pair_reason(pair: DuplicatePair) -> str:
    """Return why ``pair`` looks like one person, as a phrase in the active language."""
    if pair.other_script:
        names = _("a matching name in another script (“%(first)s”, “%(second)s”)")
    else:
        names = _("similar names (“%(first)s”, “%(second)s”)")
    names %= {"first": pair.names[0], "second": pair.names[1]}
    if pair.same_born:
        return _("same birth date and %(names)s") % {"names": names}
    return names

"""Likely duplicates of a person about to be recorded, found across scripts.

A secretary who types "Пак Мин Чжун" should learn that "Park Min-jun" (박민준) is
already on the record before a second record of them is made. Every name is
transliterated to Latin letters (anyascii), folded (case, punctuation, the usual
spellings of the same sound: ``zh``/``dzh``/``chzh`` → ``j``, ``kh`` → ``h``,
``y`` → ``i``) and scored against the names on the record with rapidfuzz; the
best of three scores counts: the names written together (spaces and hyphens
aside), their words in any order, and the shorter name's words found inside the
longer one ("Aigerim Bekova" in "Айгерим Нурлановна Бекова").

Only people the writer may see are compared, and only by the names the writer
may read: behind a call sign, the real name and its variants are compared only
for the person's custodians (`Viewer.sees_personal_data`), so a warning never
tells of a hidden person nor who is behind a call sign.

The comparison scans the visible people's names in Python (three queries at most,
whatever their number): the names are not stored transliterated, so no index can
narrow them down. bench/duplicates_bench.py times one check: about 60 ms over 10,000
people, about a second over 100,000 (two shared cores); a larger register would want
the folded keys stored and indexed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from django.db.models import BooleanField, Expression, ExpressionWrapper, Q, QuerySet, Value
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from chapterhouse.custody.access import Viewer
from chapterhouse.registry.models import Body, Person, PersonName, Term

# Scores run from 0 to 100; below this, names only share a syllable or a common family
# name ("Park Min-jun" and "Kim Min-jun" score 78, "Bak Minjun" 84, "Пак Мин Чжун" 96).
SIMILAR = 85
# How many likely duplicates a warning lists at most.
MOST = 5

# Spellings of the same sound in the usual transliterations (Cyrillic, Korean, Chinese).
_FOLDS = (("chzh", "j"), ("dzh", "j"), ("zh", "j"), ("kh", "h"), ("y", "i"))
_WORD = re.compile(r"[a-z0-9]+")


# A check compares the typed names with every name on the register: keys are kept for
# the next check (a register's names change rarely), up to a quarter of a million.
@lru_cache(maxsize=1 << 18)
def name_key(name: str) -> str:
    """Return ``name`` as compared: Latin lower-case words, folded, space-separated."""
    latin = anyascii(unicodedata.normalize("NFKC", name)).lower()
    # An apostrophe (a soft sign, an elision) joins the letters around it.
    latin = latin.replace("'", "").replace("`", "")
    for spelling, sound in _FOLDS:
        latin = latin.replace(spelling, sound)
    return " ".join(_WORD.findall(latin))


def _best_scores(typed: list[str], keys: list[str], owners: list[int]) -> dict[int, float]:
    """Return the best score of each owner whose key scores at least ``SIMILAR`` against
    one of the ``typed`` keys."""
    best: dict[int, float] = {}
    compact = [key.replace(" ", "") for key in keys]
    several_words = [index for index, key in enumerate(keys) if " " in key]
    for query in typed:
        found = [
            *process.extract(
                query.replace(" ", ""),
                compact,
                scorer=fuzz.ratio,
                score_cutoff=SIMILAR,
                limit=None,
            ),
            *process.extract(
                query, keys, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR, limit=None
            ),
        ]
        if " " in query:
            # One word in common ("Park") is not a likely duplicate: only names of two
            # words or more are matched word by word.
            found += [
                (choice, score, several_words[index])
                for choice, score, index in process.extract(
                    query,
                    [keys[index] for index in several_words],
                    scorer=fuzz.token_set_ratio,
                    score_cutoff=SIMILAR,
                    limit=None,
                )
            ]
        for _choice, score, index in found:
            owner = owners[index]
            best[owner] = max(best.get(owner, 0.0), score)
    return best


def _readable_keys(
    viewer: Viewer, people: QuerySet[Person]
) -> tuple[list[str], list[int], list[str]]:
    """Return the keys of the names of ``people`` that ``viewer`` may read, each with its
    owner and the name as written: the call sign always, the real name and its variants
    only where the viewer may read them. Two queries."""
    # The real name behind a call sign is compared only for those who may read it.
    readable = Q(call_sign="") | viewer.personal_data_filter() if viewer.is_restricted else Q()
    real: Expression = (
        ExpressionWrapper(readable, output_field=BooleanField())
        if viewer.is_restricted
        else Value(True)
    )
    keys: list[str] = []
    owners: list[int] = []
    written: list[str] = []

    def add(owner: int, *names: str | None) -> None:
        for name in names:
            key = name_key(name) if name else ""
            if key and name:
                keys.append(key)
                owners.append(owner)
                written.append(name)

    rows = people.annotate(real=real).values_list(
        "pk", "name", "given", "family", "call_sign", "real"
    )
    for pk, name, given_name, family_name, call_sign, may_read in rows:
        add(pk, call_sign)
        if may_read:
            add(pk, name, f"{given_name} {family_name}" if given_name and family_name else None)
    variants = PersonName.objects.filter(person__in=people.filter(readable).values("pk"))
    for pk, name in variants.values_list("person_id", "name"):
        add(pk, name)
    return keys, owners, written


def people_like(*, viewer: Viewer, names: Iterable[str | None]) -> list[tuple[Person, int]]:
    """Return up to ``MOST`` people ``viewer`` may see whose names are like one of ``names``
    (in any script), with their score from 0 to 100, the likeliest first.

    Blank names are ignored; nothing typed finds nobody. At most three queries.
    """
    typed = sorted({key for key in (name_key(name) for name in names if name) if key})
    if not typed:
        return []
    visible = Person.objects.filter(viewer.people_filter())
    keys, owners, _written = _readable_keys(viewer, visible)
    best = _best_scores(typed, keys, owners)
    likeliest = sorted(best, key=lambda pk: -best[pk])[:MOST]
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


def _bodies_below(body_id: int) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Body.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = {body_id}, [body_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def duplicate_pairs(
    *, viewer: Viewer, body: Body | None = None, most: int = 200
) -> list[DuplicatePair]:
    """Return up to ``most`` pairs of people ``viewer`` may see whose names (as the viewer may
    read them) are alike in any script, the likeliest first; with ``body``, only people in
    its custody or holding a post in it or below it.

    The score is the names' best score (see `_best_scores`); an equal birth date (where the
    viewer may read both) adds 5, two different ones take 15 off. Every readable name is
    compared with every other in Python: fine for a register of some thousands.
    """
    people = Person.objects.filter(viewer.people_filter())
    if body is not None:
        below = _bodies_below(body.pk)
        people = people.filter(
            Q(custodian_id__in=below)
            | Q(pk__in=Term.objects.filter(body_id__in=below).values("person_id"))
        )
    keys, owners, written = _readable_keys(viewer, people)
    compact = [key.replace(" ", "") for key in keys]
    best: dict[tuple[int, int], tuple[float, int, int]] = {}
    for index, key in enumerate(keys):
        found = [
            *process.extract(
                compact[index], compact, scorer=fuzz.ratio, score_cutoff=SIMILAR, limit=None
            ),
            *process.extract(
                key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR, limit=None
            ),
        ]
        for _choice, score, other in found:
            if owners[other] <= owners[index]:
                continue
            pair = (owners[index], owners[other])
            if pair not in best or score > best[pair][0]:
                best[pair] = (score, index, other)
    if not best:
        return []
    by_pk = Person.objects.in_bulk({pk for pair in best for pk in pair})
    pairs: list[DuplicatePair] = []
    for (first_pk, second_pk), (score, index, other) in best.items():
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
                names=(written[index], written[other]),
                same_born=same_born,
                other_script=_script(written[index]) != _script(written[other]),
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

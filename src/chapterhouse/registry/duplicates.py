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
from functools import lru_cache

from anyascii import anyascii
from django.db.models import BooleanField, Expression, ExpressionWrapper, Q, Value
from rapidfuzz import fuzz, process

from chapterhouse.custody.access import Viewer
from chapterhouse.registry.models import Person, PersonName

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


def people_like(*, viewer: Viewer, names: Iterable[str | None]) -> list[tuple[Person, int]]:
    """Return up to ``MOST`` people ``viewer`` may see whose names are like one of ``names``
    (in any script), with their score from 0 to 100, the likeliest first.

    Blank names are ignored; nothing typed finds nobody. At most three queries.
    """
    typed = sorted({key for key in (name_key(name) for name in names if name) if key})
    if not typed:
        return []
    visible = Person.objects.filter(viewer.people_filter())
    # The real name behind a call sign is compared only for those who may read it.
    readable = Q(call_sign="") | viewer.personal_data_filter() if viewer.is_restricted else Q()
    real: Expression = (
        ExpressionWrapper(readable, output_field=BooleanField())
        if viewer.is_restricted
        else Value(True)
    )
    keys: list[str] = []
    owners: list[int] = []

    def add(owner: int, *written: str | None) -> None:
        for name in written:
            key = name_key(name) if name else ""
            if key:
                keys.append(key)
                owners.append(owner)

    rows = visible.annotate(real=real).values_list(
        "pk", "name", "given", "family", "call_sign", "real"
    )
    for pk, name, given_name, family_name, call_sign, may_read in rows:
        add(pk, call_sign)
        if may_read:
            add(pk, name, f"{given_name} {family_name}" if given_name and family_name else None)
    variants = PersonName.objects.filter(person__in=visible.filter(readable).values("pk"))
    for pk, name in variants.values_list("person_id", "name"):
        add(pk, name)
    best = _best_scores(typed, keys, owners)
    likeliest = sorted(best, key=lambda pk: -best[pk])[:MOST]
    people = Person.objects.in_bulk(likeliest)
    return [(people[pk], round(best[pk])) for pk in likeliest if pk in people]

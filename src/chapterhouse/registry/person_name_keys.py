"""The matching keys of people as stored rows (``PersonNameKey``), rebuilt on every write
of a person's names; ``registry.name_keys`` makes the keys from one name.

A module of its own so that every writer of names (the person services, custody's
erasure, merges, the Chronicle importer, the migrations) calls one function without
importing the person services, which import custody's services in turn.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chapterhouse.core import limits
from chapterhouse.registry.models import Person, PersonNameKey
from chapterhouse.registry.name_keys import name_keys


def person_name_keys_rows(person_model: Any, person_ids: list[int]) -> list[dict[str, Any]]:
    """Return the matching keys (`registry.name_keys`) of the people ``person_ids`` as
    rows of PersonNameKey: from the display name, the given + family names, each variant
    (all ``real``), and the call sign and id (not ``real``: anyone who sees the person may
    find them by these). ``person_model`` is the Person model (the migration's own)."""
    name_model = person_model._meta.get_field("names").related_model
    sources: dict[int, list[tuple[str, str, str, bool]]] = defaultdict(list)
    people = person_model.objects.filter(pk__in=person_ids).values_list(
        "pk", "name", "given", "family", "call_sign", "slug"
    )
    for pk, name, given_name, family, call_sign, slug in people:
        sources[pk].append((name, name, "", True))
        if given_name and family:
            full = f"{given_name} {family}"
            sources[pk].append((full, full, "", True))
        if call_sign:
            sources[pk].append((call_sign, call_sign, "", False))
        # An id's words are split by hyphens ("park-minjun").
        sources[pk].append((slug, slug.replace("-", " "), "", False))
    variants = name_model.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "name", "lang"
    )
    for pk, name, lang in variants:
        sources[pk].append((name, name, lang, True))
    rows: list[dict[str, Any]] = []
    for pk, names in sources.items():
        seen: set[tuple[str, str, bool]] = set()
        for written, keyed, lang, real in names:
            for key in name_keys(keyed):
                key = key[:400]
                if (key, written, real) not in seen:
                    seen.add((key, written, real))
                    rows.append(
                        {
                            "person_id": pk,
                            "key": key,
                            "size": len(key),
                            "backward": key[::-1],
                            "source_name": written[: limits.NAME_MAX_LENGTH],
                            "lang": lang,
                            "real": real,
                        }
                    )
    return rows


def person_name_keys_refresh(*, person_ids: list[int]) -> None:
    """Rebuild the matching keys of the people ``person_ids`` from their names as stored.

    Every write of a person's names calls this in its transaction (the person services
    and the Chronicle importer); the trigram indexes follow (on SQLite by triggers).
    """
    if not person_ids:
        return
    PersonNameKey.objects.filter(person_id__in=person_ids).delete()
    PersonNameKey.objects.bulk_create(
        (PersonNameKey(**row) for row in person_name_keys_rows(Person, person_ids)),
        batch_size=2000,
    )

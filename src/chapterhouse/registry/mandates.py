"""The names of mandates (competences a body holds, e.g. ``external-relations``)."""

from __future__ import annotations

from collections.abc import Iterable

from chapterhouse.core.text import Text
from chapterhouse.registry.models import Competence


def mandate_names(slugs: Iterable[str]) -> dict[str, Text]:
    """Return the name of each mandate id in every language it has (a `Text`); an id the
    organization has not named keeps the id as its name. One query at most (none for no
    ids)."""
    wanted = set(slugs)
    if not wanted:
        return {}
    names: dict[str, Text] = {slug: slug for slug in wanted}
    names.update(Competence.objects.filter(slug__in=wanted).values_list("slug", "name"))
    return names

"""System checks of the registry's stored data (run by `chapterhouse check` and on start)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import DatabaseError
from django.utils.translation import gettext as _

from chapterhouse.registry.person_ids import real_names, revealed_words

# Beyond this many, the warning names the first ones and says how many more there are.
_NAMED = 20


@register(Tags.database)
def check_call_sign_ids(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn about people with a call sign whose id contains a word of their real name (a
    record made before the rule, see `registry.person_ids`), saying how to fix each.

    A database check: Django runs it with ``check --database default`` and before
    ``migrate``, never on import, and not when the tables are not there yet.
    """
    from chapterhouse.registry.models import Person, PersonName

    try:
        people = list(
            Person.objects.exclude(call_sign="")
            .order_by("slug")
            .values_list("pk", "slug", "name", "given", "family", "patronymic")
        )
        variants: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for person_id, name, kind in PersonName.objects.filter(
            person_id__in=[row[0] for row in people]
        ).values_list("person_id", "name", "kind"):
            variants[person_id].append((name, kind))
    except DatabaseError:  # not migrated yet: nothing stored to check
        return []
    revealing = [
        slug
        for pk, slug, name, given, family, patronymic in people
        if revealed_words(
            slug,
            real_names(
                name=name,
                given=given,
                family=family,
                patronymic=patronymic,
                variants=variants.get(pk, []),
            ),
        )
    ]
    messages: list[CheckMessage] = [
        Warning(
            _(
                "The id of %(id)s, a person with a call sign, contains a word of their real "
                "name, and ids are public."
            )
            % {"id": slug},
            hint=_("Give them a new id: chapterhouse person change-id %(id)s NEW-ID")
            % {"id": slug},
            obj=f"person {slug}",
            id="registry.W001",
        )
        for slug in revealing[:_NAMED]
    ]
    if len(revealing) > _NAMED:
        messages.append(
            Warning(
                _("%(count)s more people with a call sign have an id containing their real name.")
                % {"count": len(revealing) - _NAMED},
                hint=_("Run chapterhouse check --database default after fixing the ones above."),
                id="registry.W002",
            )
        )
    return messages

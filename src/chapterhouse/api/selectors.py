"""Reads that only the API needs: the organization, lists of bodies and people, a person.

The org chart, diff, history and body page come from ``registry.selectors``;
these fill the remaining endpoints, with the same habits: plain dicts, dates
written back with their precision, a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q

from chapterhouse.meetings.selectors import (
    DEFAULT_LIMIT,
    body_ref,
    date_end_text,
    date_start_text,
    page,
)
from chapterhouse.registry.models import Body, BodyName, Organization, Person
from chapterhouse.registry.selectors import body_name_as_of_expression
from chapterhouse.registry.services import exists_on
from chapterhouse.relations.models import Affiliation


def organization_detail() -> dict[str, Any]:
    """Return the organization's name, languages and founding date.

    Raise ``Organization.DoesNotExist`` before any Chronicle was imported.
    """
    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        raise Organization.DoesNotExist
    return {
        "name": organization.name,
        "short_name": organization.short_name,
        "languages": list(organization.languages or []),
        "default_language": organization.default_language,
        "founded": date_start_text(organization.founded, organization.founded_precision),
    }


def body_list(
    *, as_of: dt.date, kind: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: the bodies that exist on ``as_of``, by id, each named
    as on that date, optionally of one ``kind``."""
    bodies = (
        Body.objects.filter(exists_on(as_of))
        .annotate(name_as_of=body_name_as_of_expression(as_of=as_of))
        .select_related("parent")
        .order_by("slug")
    )
    if kind:
        bodies = bodies.filter(kind=kind)
    count, rows = page(bodies, limit=limit, offset=offset)
    items = [
        {
            "id": body.slug,
            "name": body.name_as_of,
            "kind": body.kind,
            "parent": body.parent.slug if body.parent else None,
            "number": body.number,
            "countries": list(body.countries or []),
            "founded": date_start_text(body.founded, body.founded_precision),
            "dissolved": date_end_text(body.dissolved, body.dissolved_precision),
        }
        for body in rows
    ]
    return {"count": count, "items": items}


def person_list(
    *, q: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: people by id, optionally those whose display name or
    any variant of it contains ``q`` (ignoring case)."""
    people = Person.objects.order_by("slug")
    if q:
        matching = Person.objects.filter(
            Q(name__icontains=q) | Q(names__name__icontains=q) | Q(slug__icontains=q)
        ).values("pk")
        people = people.filter(pk__in=matching)
    count, rows = page(people, limit=limit, offset=offset)
    items = [{"id": row.slug, "name": row.name, "public": row.public} for row in rows]
    return {"count": count, "items": items}


def person_detail(*, person: str) -> dict[str, Any]:
    """Return a person's names and, under ``personal``, their personal data (birth date
    and outside posts), kept apart so that access to it can be restricted in one place.

    The custodian body is named by its latest name. Raise ``Person.DoesNotExist``
    for an unknown id.
    """
    found = (
        Person.objects.select_related("custodian")
        .prefetch_related(
            "names",
            Prefetch("custodian__renames", queryset=BodyName.objects.order_by("start", "pk")),
            Prefetch(
                "affiliations",
                queryset=Affiliation.objects.select_related("partner").order_by("position", "pk"),
            ),
        )
        .get(slug=person)
    )
    return {
        "id": found.slug,
        "name": found.name,
        "names": [
            {"name": variant.name, "lang": variant.lang or None, "kind": variant.kind or None}
            for variant in found.names.all()
        ],
        "given": found.given or None,
        "family": found.family or None,
        "patronymic": found.patronymic or None,
        "call_sign": found.call_sign or None,
        "honorific": found.honorific,
        "custodian": body_ref(found.custodian, None),
        "public": found.public,
        # Personal data, in one place (see the docstring).
        "personal": {
            "born": date_start_text(found.born, found.born_precision),
            "affiliations": [
                {
                    "partner": affiliation.partner.slug,
                    "partner_name": affiliation.partner.name,
                    "title": affiliation.title,
                    "start": date_start_text(affiliation.start, affiliation.start_precision),
                    "end": date_end_text(affiliation.end, affiliation.end_precision),
                }
                for affiliation in found.affiliations.all()
            ],
        },
    }

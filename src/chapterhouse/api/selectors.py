"""Reads that only the API needs: the organization, lists of bodies and people, a person.

The org chart, diff, history and body page come from ``registry.selectors``;
these fill the remaining endpoints, with the same habits: plain dicts, dates
written back with their precision, a fixed number of queries, and a ``viewer``
whose tiers every read obeys.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch

from chapterhouse.core.intervals import exists_on
from chapterhouse.core.partial_dates import end_text, start_text
from chapterhouse.custody.access import Viewer
from chapterhouse.meetings.selectors import (
    DEFAULT_LIMIT,
    body_ref,
    page,
)
from chapterhouse.registry.models import Body, BodyName, Organization, Person
from chapterhouse.registry.search import MOST, search_people
from chapterhouse.registry.selectors import body_name_as_of_expression, people_visible
from chapterhouse.relations.models import Affiliation


def organization_detail(*, viewer: Viewer) -> dict[str, Any]:
    """Return the organization's name, languages and founding date (public to any
    ``viewer``).

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
        "founded": start_text(organization.founded, organization.founded_precision),
    }


def body_list(
    *,
    as_of: dt.date,
    viewer: Viewer,
    kind: str | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: the bodies that exist on ``as_of``, by id, each named
    as on that date, optionally of one ``kind``; internal bodies ``viewer`` may not see
    are left out (and not named as a parent)."""
    bodies = (
        Body.objects.filter(exists_on(as_of), viewer.body_filter())
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
            "parent": (
                body.parent.slug
                if body.parent and viewer.sees_body(body.parent.pk, internal=body.parent.internal)
                else None
            ),
            "number": body.number,
            "countries": list(body.countries or []),
            "founded": start_text(body.founded, body.founded_precision),
            "dissolved": end_text(body.dissolved, body.dissolved_precision),
        }
        for body in rows
    ]
    return {"count": count, "items": items}


def person_list(
    *, viewer: Viewer, q: str | None = None, limit: int = DEFAULT_LIMIT, offset: int = 0
) -> dict[str, Any]:
    """Return ``{"count", "items"}``: the people ``viewer`` may see, by id; or, with ``q``,
    those it names in any script (`registry.search.search_people`, at most
    `registry.search.MOST`), best match first, each with the name that matched and a
    score."""
    if not q:
        people = people_visible(viewer=viewer).order_by("slug")
        count, rows = page(people, limit=limit, offset=offset)
        names = viewer.display_names(rows)
        items = [{"id": row.slug, "name": names[row.pk], "public": row.public} for row in rows]
        return {"count": count, "items": items}
    matches = search_people(q, viewer=viewer, limit=MOST)
    window = matches[offset : offset + limit]
    names = viewer.display_names([match.person for match in window])
    items = [
        {
            "id": match.person.slug,
            "name": names[match.person.pk],
            "public": match.person.public,
            "matched": match.matched,
            "score": match.score,
        }
        for match in window
    ]
    return {"count": len(matches), "items": items}


def person_detail(*, person: str, viewer: Viewer) -> dict[str, Any]:
    """Return a person's names and, under ``personal``, their personal data (birth date,
    contact details, notes, outside posts including private ones) when ``viewer`` may
    read it, else None.

    A call sign hides the real name (``name`` is then the call sign; ``given``,
    ``family``, ``patronymic`` are None and ``names`` empty) from viewers who
    may not read personal data. The custodian body is named by its latest name.
    Raise ``Person.DoesNotExist`` for an unknown id and for a person the viewer
    may not see.
    """
    found = (
        Person.objects.filter(viewer.people_filter())
        .select_related("custodian")
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
    personal = viewer.sees_personal_data(found)
    real_name = personal or not found.call_sign
    custodian = found.custodian
    if custodian is not None and not viewer.sees_body(custodian.pk, internal=custodian.internal):
        custodian = None
    return {
        "id": found.slug,
        "name": viewer.display_name(found),
        "names": [
            {"name": variant.name, "lang": variant.lang or None, "kind": variant.kind or None}
            for variant in (found.names.all() if real_name else [])
        ],
        "given": (found.given or None) if real_name else None,
        "family": (found.family or None) if real_name else None,
        "patronymic": (found.patronymic or None) if real_name else None,
        "call_sign": found.call_sign or None,
        "honorific": found.honorific,
        "custodian": body_ref(custodian, None),
        "public": found.public,
        # Personal data, in one place, for the custodians only (see the docstring).
        "personal": (
            {
                "born": start_text(found.born, found.born_precision),
                "contact": dict(found.contact or {}),
                "notes": found.notes or None,
                "affiliations": [
                    {
                        "partner": affiliation.partner.slug,
                        "partner_name": affiliation.partner.name,
                        "title": affiliation.title,
                        "start": start_text(affiliation.start, affiliation.start_precision),
                        "end": end_text(affiliation.end, affiliation.end_precision),
                        "private": affiliation.private,
                    }
                    for affiliation in found.affiliations.all()
                ],
            }
            if personal
            else None
        ),
    }

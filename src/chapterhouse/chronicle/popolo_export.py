"""Export what a reader may see as one Popolo JSON document.

The export is the record's state, not its history: every body the reader may
see is an organization (with its founding and dissolution dates as they stand
after every decision), every term of a person the reader may see is a
membership with its own dates. Importing the file (``import --format popolo``)
therefore gives the same org chart at every date. What the Popolo import kept
in ``extra`` (identifiers, links, images, the group a membership was on
behalf of, legislative periods, areas) is written back; birth dates and
contact details only for a reader who may see the person's personal data
(docs/decisions/0033-popolo.md).
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings

from chapterhouse.chronicle.exporter import Custody, _iterate
from chapterhouse.chronicle.popolo_ids import EXTRA_KEY, popolo_slug
from chapterhouse.core.partial_dates import format_end, format_start
from chapterhouse.core.text import text_in
from chapterhouse.custody.access import ADMIN, Viewer
from chapterhouse.registry.models import Body, BodyKind, Organization, Person, Role, Term

# The Popolo fields of a person that the import kept in `extra` and that are as public as
# the person: the file's own record (identifiers, links, images, sources …). Anything
# else in `extra` (a Chronicle may put anything there) stays out of a restricted export.
_PUBLIC_PERSON_FIELDS = (
    "identifiers",
    "links",
    "image",
    "images",
    "sources",
    "sort_name",
    "additional_name",
    "honorific_suffix",
    "gender",
    "death_date",
    "summary",
    "biography",
    "national_identity",
)
_CHUNK = 500
_KEPT_MEMBERSHIP_FIELDS = (
    "id",
    "on_behalf_of_id",
    "area_id",
    "legislative_period_id",
    "post_id",
    "sources",
    "links",
)


def _popolo(extra: Any) -> dict[str, Any]:
    """Return what the Popolo import kept in an object's ``extra``."""
    if isinstance(extra, dict) and isinstance(extra.get(EXTRA_KEY), dict):
        return extra[EXTRA_KEY]
    return {}


def _names(value: Any, language: str) -> tuple[str, list[dict[str, str]]]:
    """Return a Text's name in ``language`` and its other languages as other_names."""
    name = text_in(value, language, language)
    others = []
    if isinstance(value, dict):
        for lang, text in value.items():
            if text and text != name:
                others.append({"name": text, "lang": lang})
    return name, others


def _in_chunks(queryset: Any, field_name: str, slugs: Collection[str]) -> Iterator[Any]:
    """Yield the rows of ``queryset`` whose ``field_name`` is one of ``slugs``, a chunk
    of slugs at a time (a database takes only so many parameters)."""
    ordered = sorted(slugs)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        yield from queryset.filter(**{f"{field_name}__in": chunk}).order_by("pk")


class _Writer:
    def __init__(
        self,
        viewer: Viewer,
        *,
        people: Collection[str] | None = None,
        bodies: Collection[str] | None = None,
    ) -> None:
        self.viewer = viewer
        # Only these people (with their memberships) and bodies; all when None.
        self.people = people
        self.bodies = bodies
        self.custody = Custody.for_viewer(viewer) if viewer.is_restricted else None
        org = Organization.objects.first()
        self.language = org.default_language if org else settings.LANGUAGE_CODE
        self.kept = _popolo(org.chronicle_extra) if org else {}

    def hidden_body(self, pk: int) -> bool:
        return self.custody is not None and pk in self.custody.hidden_bodies

    def persons(self) -> Iterator[dict[str, Any]]:
        queryset = Person.objects.prefetch_related("names")
        if self.custody is not None:
            queryset = queryset.filter(self.viewer.people_filter())
        people = (
            _iterate(queryset) if self.people is None else _in_chunks(queryset, "slug", self.people)
        )
        for person in people:
            personal = self.viewer.sees_personal_data(person)
            veiled = not personal and bool(person.call_sign)
            kept = _popolo(person.extra)
            item: dict[str, Any] = {
                "id": person.slug,
                "name": person.call_sign if veiled else person.name,
            }
            if not veiled:
                notes = {
                    o.get("name"): o.get("note")
                    for o in kept.get("other_names", [])
                    if isinstance(o, dict)
                }
                other_names = []
                for variant in person.names.all():
                    other: dict[str, Any] = {"name": variant.name}
                    if variant.lang:
                        other["lang"] = variant.lang
                    note = notes.get(variant.name) or (
                        "Birth name" if variant.kind == "birth" else None
                    )
                    if note:
                        other["note"] = note
                    other_names.append(other)
                if other_names:
                    item["other_names"] = other_names
                for key, value in (
                    ("given_name", person.given),
                    ("family_name", person.family),
                    ("patronymic_name", person.patronymic),
                    ("honorific_prefix", text_in(person.honorific, self.language, self.language)),
                ):
                    if value:
                        item[key] = value
            for key in _PUBLIC_PERSON_FIELDS:
                if kept.get(key) not in (None, "", []):
                    item[key] = kept[key]
            if personal:
                if person.born:
                    item["birth_date"] = format_start(person.born, person.born_precision)
                details = self.contact_details(person.contact or {})
                if details:
                    item["contact_details"] = details
            yield item

    @staticmethod
    def contact_details(contact: dict[str, Any]) -> list[dict[str, Any]]:
        """Return a person's contact as Popolo contact details (those the import kept, as
        they were, else one for each field)."""
        extra = contact.get("extra")
        stored = extra.get(EXTRA_KEY) if isinstance(extra, dict) else None
        if isinstance(stored, list):
            return stored
        kinds = {"email": "email", "phone": "voice", "address": "address", "messenger": "messenger"}
        return [
            {"type": kind, "value": contact[key]}
            for key, kind in kinds.items()
            if isinstance(contact.get(key), str) and contact[key]
        ]

    def organizations(self) -> Iterator[dict[str, Any]]:
        kinds = {slug: name for slug, name in BodyKind.objects.values_list("slug", "name")}
        queryset = Body.objects.select_related("parent").order_by("pk")
        if self.bodies is not None:
            queryset = queryset.filter(slug__in=list(self.bodies))  # bodies fit in memory
        for body in queryset:
            if self.hidden_body(body.pk):
                continue
            kept = _popolo(body.extra)
            name, other_names = _names(body.name, self.language)
            for alias in body.aliases or []:
                alias_name, more = _names(alias, self.language)
                lang = next(iter(alias)) if isinstance(alias, dict) and len(alias) == 1 else None
                other_names.append({"name": alias_name, **({"lang": lang} if lang else {})})
                other_names += more if lang is None else []
            item: dict[str, Any] = {"id": body.slug, "name": name}
            classification = kept.get("classification")
            if not isinstance(classification, str):
                classification = text_in(kinds.get(body.kind), self.language) or body.kind
            item["classification"] = classification
            if other_names:
                item["other_names"] = other_names
            if body.parent is not None and not self.hidden_body(body.parent.pk):
                item["parent_id"] = body.parent.slug
            if body.founded:
                item["founding_date"] = format_start(body.founded, body.founded_precision)
            if body.dissolved:
                item["dissolution_date"] = format_end(body.dissolved, body.dissolved_precision)
            for key, value in kept.items():
                if key not in item and key not in ("classification", "membership"):
                    item[key] = value
            yield item

    def organization_memberships(self) -> Iterator[dict[str, Any]]:
        """Yield, for each affiliated body (an organization that joined as a whole), its
        membership of its parent, with what the import kept of it."""
        queryset = Body.objects.filter(affiliated=True, parent__isnull=False)
        if self.bodies is not None:
            queryset = queryset.filter(slug__in=list(self.bodies))
        for body in queryset.select_related("parent").order_by("pk"):
            if self.hidden_body(body.pk) or self.hidden_body(body.parent.pk):  # type: ignore[union-attr]
                continue
            kept = _popolo(body.extra).get("membership")
            yield {
                "member_id": body.slug,
                "organization_id": body.parent.slug,  # type: ignore[union-attr]
                **(kept if isinstance(kept, dict) else {"role": "member"}),
            }

    def memberships(self) -> Iterator[dict[str, Any]]:
        for _term, item in self.terms_and_memberships():
            yield item

    def terms_and_memberships(self) -> Iterator[tuple[Term, dict[str, Any]]]:
        """Yield each term the reader may see with the membership it is written as."""
        queryset = Term.objects.select_related("person", "body", "decision")
        if self.custody is not None:
            queryset = queryset.filter(self.viewer.people_filter("person__"))
        terms = (
            _iterate(queryset)
            if self.people is None
            else _in_chunks(queryset, "person__slug", self.people)
        )
        roles = {
            slug: (name, _popolo(extra))
            for slug, name, extra in Role.objects.values_list("slug", "name", "extra")
        }
        kept_by_person: dict[int, dict[tuple[str, str, str], dict[str, Any]]] = {}
        for term in terms:
            if self.hidden_body(term.body_id):
                continue
            start = format_start(term.start, term.start_precision)
            if term.person_id not in kept_by_person:
                kept_by_person.clear()  # terms come in pk order: keep one person's at a time
                kept_by_person[term.person_id] = {
                    (m["term"]["body"], m["term"]["role"], m["term"]["start"]): m
                    for m in _popolo(term.person.extra).get("memberships", [])
                    if isinstance(m, dict) and isinstance(m.get("term"), dict)
                }
            kept = kept_by_person[term.person_id].get((term.body.slug, term.role, start), {})
            item: dict[str, Any] = {
                "person_id": term.person.slug,
                "organization_id": term.body.slug,
            }
            role_name, post = roles.get(term.role, (None, {}))
            if post:
                item["post_id"] = term.role
                item["role"] = post.get("role") or text_in(role_name, self.language) or term.role
            else:
                item["role"] = term.role
            if term.title:
                item["label"] = text_in(term.title, self.language, self.language)
            item["start_date"] = start
            if term.end:
                item["end_date"] = format_end(term.end, term.end_precision)
            for key in _KEPT_MEMBERSHIP_FIELDS:
                if key in kept and key not in item:
                    item[key] = kept[key]
            yield term, item

    def posts(self) -> Iterator[dict[str, Any]]:
        for slug, extra in Role.objects.order_by("pk").values_list("slug", "extra"):
            post = _popolo(extra)
            if post:
                organization = post.get("organization_id")
                if (
                    isinstance(organization, str)
                    and self.custody is not None
                    and (self.custody.body_hidden(organization))
                ):
                    continue
                yield {**post, "id": slug}

    def events(self) -> Iterator[dict[str, Any]]:
        for event in self.kept.get("events", []):
            organization = event.get("organization_id") if isinstance(event, dict) else None
            if (
                isinstance(organization, str)
                and self.custody is not None
                and (self.custody.body_hidden(popolo_slug(organization)))
            ):
                continue
            yield event

    def areas(self) -> Iterator[dict[str, Any]]:
        yield from self.kept.get("areas", [])


@dataclass
class PopoloRecord:
    """Some of the record as the Popolo export writes it, for the import to compare with."""

    persons: list[dict[str, Any]]
    organizations: list[dict[str, Any]]
    memberships: list[dict[str, Any]]
    posts: list[dict[str, Any]]
    # The term each membership is written from, in the same order.
    terms: list[Term]

    def document(self) -> dict[str, Any]:
        """Return the Popolo document of these objects."""
        return {
            "persons": self.persons,
            "organizations": self.organizations,
            "memberships": self.memberships,
            "posts": self.posts,
        }


def popolo_record(*, people: Collection[str], bodies: Collection[str]) -> PopoloRecord:
    """Return how the export writes, for an administrator, the people ``people`` (by id,
    with all their memberships), the bodies ``bodies`` and every post.

    Ids not recorded are left out. One query per chunk of people, whatever their
    number of terms (besides each person's names).
    """
    writer = _Writer(ADMIN, people=people, bodies=bodies)
    pairs = list(writer.terms_and_memberships())
    return PopoloRecord(
        persons=list(writer.persons()),
        organizations=list(writer.organizations()),
        # The terms' memberships first: `terms` is in their order.
        memberships=[item for _term, item in pairs] + list(writer.organization_memberships()),
        posts=list(writer.posts()),
        terms=[term for term, _item in pairs],
    )


def popolo_export(out: IO[str], *, viewer: Viewer = ADMIN) -> dict[str, int]:
    """Write what ``viewer`` may see as a Popolo JSON document to ``out``; return counts.

    People the viewer may not see are left out with their memberships, and so are
    bodies it may not see; birth dates and contact details are written only for
    people whose personal data it may see. Written twice, the file is the same.
    """
    writer = _Writer(viewer)
    counts: dict[str, int] = defaultdict(int)
    out.write("{")
    first = True
    sections = (
        ("persons", writer.persons()),
        ("organizations", writer.organizations()),
        ("memberships", itertools.chain(writer.memberships(), writer.organization_memberships())),
        ("posts", writer.posts()),
        ("events", writer.events()),
        ("areas", writer.areas()),
    )
    for section, items in sections:
        out.write(f'{"" if first else ","}\n  "{section}": [')
        first = False
        for n, item in enumerate(items):
            out.write(("\n    " if n == 0 else ",\n    ") + json.dumps(item, ensure_ascii=False))
            counts[section] += 1
        out.write("\n  ]" if counts[section] else "]")
    if "meta" in writer.kept:
        out.write(',\n  "meta": ' + json.dumps(writer.kept["meta"], ensure_ascii=False))
    out.write("\n}\n")
    return dict(counts)


__all__ = ["PopoloRecord", "popolo_export", "popolo_record"]

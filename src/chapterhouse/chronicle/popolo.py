"""Import a Popolo JSON file by translating it into a Chronicle and importing that.

Popolo (the Open Civic Data vocabulary: persons, organizations, memberships,
posts, events) says less than a Chronicle, so every Popolo file has an
equivalent Chronicle document: organizations become bodies, persons people,
memberships standing terms, posts roles. The document goes through
:func:`~chapterhouse.chronicle.importer.chronicle_import`, so a Popolo import is
all or nothing, idempotent and audited exactly like a Chronicle import; the
errors that importer finds are mapped back to the Popolo file's own JSON paths
(``terms[3].person`` becomes ``memberships[12].person_id``). The mapping, and
where each Popolo field is kept, is docs/decisions/0033-popolo.md.

What the file only repeats of the record keeps the record's richer value (our
own export imports as a no-op), and the file is read in three passes so that
memory does not grow with its memberships.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO, Final

import ijson
from django.db import transaction

from chapterhouse.chronicle.exporter import _compact, body_object, person_object
from chapterhouse.chronicle.importer import (
    ImportResult,
    NotImported,
    Progress,
    _HashingReader,
    chronicle_import,
    file_opened,
)
from chapterhouse.chronicle.popolo_export import popolo_record
from chapterhouse.chronicle.popolo_ids import EXTRA_KEY, popolo_slug, vocabulary_slug
from chapterhouse.chronicle.reader import (
    MISSING,
    ChronicleError,
    ChronicleInvalid,
    _build,
    _event_noun,
    _join,
    _skip,
    _TrackedReader,
    _Unreadable,
)
from chapterhouse.core.locks import import_lock
from chapterhouse.core.partial_dates import (
    InvalidPartialDate,
    end_of,
    format_end,
    format_start,
    start_of,
)
from chapterhouse.core.vocabulary import BUILTIN_BODY_KINDS, BUILTIN_ROLES
from chapterhouse.custody.access import Viewer
from chapterhouse.registry.models import (
    Body,
    BodyKind,
    Mandate,
    Organization,
    Person,
    Role,
    Term,
)

POPOLO_SECTIONS: Final = ("persons", "organizations", "memberships", "posts", "events", "areas")
# Parts of Popolo the registry has no faithful place for: read, counted, left out and
# named in the import's result (docs/decisions/0033-popolo.md).
NOT_IMPORTED: Final = {
    "vote_events": "a vote event is not a decision of ours: it is taken at no session or "
    "conference of the registry, changes no post, and who voted how is not recorded",
    "motions": "a motion is what a vote event decides; the registry records neither",
    "speeches": "the registry keeps no speeches",
}
POPOLO_KEYS: Final = (*POPOLO_SECTIONS, *NOT_IMPORTED, "meta")
LEGISLATIVE_PERIOD: Final = "legislative period"
_DATE = re.compile(r"^[0-9]{4}(-[0-9]{2}){0,2}$")
# Popolo person fields that become Chronicle fields; every other field is kept in extra.
_PERSON_FIELDS = frozenset(
    {
        "id",
        "name",
        "other_names",
        "given_name",
        "family_name",
        "patronymic_name",
        "birth_date",
        "honorific_prefix",
        "email",
        "contact_details",
        "memberships",
    }
)
_ORGANIZATION_FIELDS = frozenset(
    {
        "id",
        "name",
        "other_names",
        "classification",
        "parent_id",
        "founding_date",
        "dissolution_date",
    }
)
_MEMBERSHIP_FIELDS = frozenset(
    {"person_id", "organization_id", "role", "post_id", "start_date", "end_date", "label"}
)
# Memberships' references to other Popolo objects, kept with the term in our ids.
_MEMBERSHIP_REFERENCES = ("on_behalf_of_id", "area_id", "legislative_period_id", "post_id")
_NAME_KINDS = {"birth name": "birth", "birth": "birth", "alias": "alias", "nickname": "alias"}
_CONTACT_KINDS = {
    "email": "email",
    "voice": "phone",
    "phone": "phone",
    "cell": "phone",
    "mobile": "phone",
    "address": "address",
}
# Chronicle keys of a body, person and term, and the Popolo keys they come from.
_BODY_KEYS = {
    "id": "id",
    "kind": "classification",
    "name": "name",
    "aliases": "other_names",
    "parent": "parent_id",
    "founded": "founding_date",
    "dissolved": "dissolution_date",
}
_PERSON_KEYS = {
    "id": "id",
    "name": "name",
    "names": "other_names",
    "given": "given_name",
    "family": "family_name",
    "patronymic": "patronymic_name",
    "born": "birth_date",
    "honorific": "honorific_prefix",
    "contact": "contact_details",
}
_TERM_KEYS = {
    "person": "person_id",
    "body": "organization_id",
    "role": "role",
    "title": "label",
    "start": "start_date",
    "end": "end_date",
}


@dataclass
class _Origin:
    """Where a Chronicle item came from in the Popolo file, and how its keys map."""

    path: str
    keys: dict[str, str]
    # A Chronicle key whose value the Popolo file gave elsewhere (a membership's dates
    # from its legislative period): the path of that value.
    elsewhere: dict[str, str] = field(default_factory=dict)


class _Translation:
    """A Popolo file translated into one Chronicle document, a section at a time."""

    def __init__(self) -> None:
        self.errors: list[ChronicleError] = []
        self.items: dict[str, list[Any]] = defaultdict(list)
        self.meta: Any = None
        self.origins: dict[str, _Origin] = {}
        self.originals: dict[str, str] = {}  # Chronicle id -> Popolo id, to show in errors
        # Popolo id -> the body translated from it, for memberships of organizations.
        self.organizations: dict[str, tuple[dict[str, Any], _Origin]] = {}
        self.not_imported: list[NotImported] = []
        self.person_ids_taken: dict[str, str] = {}
        self.person_ids: set[str] = set()  # the Chronicle ids of the file's persons
        # What decisions made and the file repeats as recorded: left out, counted unchanged.
        self.unchanged: dict[str, int] = defaultdict(int)

    def error(self, path: str, message: str, value: Any = MISSING) -> None:
        self.errors.append(ChronicleError(path, message, value))

    # -- reading -------------------------------------------------------------------

    def read(self, fp: IO[bytes], handlers: dict[str, Callable[[int, Any], None]]) -> None:
        """Read the file one top-level item at a time (ijson, as the Chronicle reader does),
        handing each item of a section to its handler (others are skipped unbuilt).

        The first pass checks the whole file's JSON and top-level shape; the later
        passes, over a file known good, handle other sections.
        """
        source = _TrackedReader(fp)
        events = ijson.basic_parse(source, use_float=True)
        path = ""
        try:
            event, value = next(events)
            if event != "start_map":
                self.error(
                    "",
                    'expected a JSON object such as {"persons": [...], "memberships": [...]}, '
                    f"not {_event_noun(event)}",
                    MISSING if event in ("start_map", "start_array") else value,
                )
                return
            seen: set[str] = set()
            for event, key in events:
                if event == "end_map":
                    break
                path = _join("", key)
                event, value = next(events)
                if key in seen:
                    self.error(path, "duplicate top-level key")
                    _skip(event, events)
                elif key == "meta":
                    seen.add(key)
                    if "meta" in handlers:
                        handlers["meta"](0, _build(event, value, events))
                    else:
                        _skip(event, events)
                elif key in NOT_IMPORTED and event == "start_array":
                    seen.add(key)
                    count = 0
                    for event, _value in events:
                        if event == "end_array":
                            break
                        path = f"{key}[{count}]"
                        _skip(event, events)
                        count += 1
                    path = key
                    if key in handlers:
                        handlers[key](count, None)
                elif key not in POPOLO_SECTIONS and key not in NOT_IMPORTED:
                    self.error(
                        path,
                        "not a part of Popolo that can be imported "
                        f"(known keys: {', '.join(POPOLO_KEYS)})",
                    )
                    _skip(event, events)
                elif event != "start_array":
                    seen.add(key)
                    self.error(
                        path,
                        f"expected an array, not {_event_noun(event)}",
                        MISSING if event == "start_map" else value,
                    )
                    _skip(event, events)
                else:
                    seen.add(key)
                    handler = handlers.get(key)
                    for index, (event, value) in enumerate(events):
                        if event == "end_array":
                            break
                        path = f"{key}[{index}]"
                        if handler is None:
                            _skip(event, events)
                        else:
                            handler(index, _build(event, value, events))
                    path = key
            path = ""
            for _ in events:
                pass
        except (ijson.JSONError, json.JSONDecodeError) as exc:
            self.error(path, source.describe(exc))
        except _Unreadable as exc:
            self.error(path, str(exc))
        except UnicodeDecodeError:
            self.error(path, "expected UTF-8 text, but the file holds bytes that are not UTF-8")

    # -- checking shapes -------------------------------------------------------------

    def objects(self, section: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
        """Yield ``(index, path, item)`` for the items of ``section`` that are objects."""
        for index, item in enumerate(self.items.get(section, [])):
            path = f"{section}[{index}]"
            if not isinstance(item, dict):
                self.error(path, "expected an object", item)
                continue
            yield index, path, item

    def string(self, item: dict[str, Any], key: str, path: str, *, required: bool = False) -> Any:
        """Return ``item[key]`` if it is a string (``None`` if absent or null)."""
        value = item.get(key)
        if value is None:
            if required:
                self.error(_join(path, key), "required key is missing")
            return None
        if not isinstance(value, str):
            self.error(_join(path, key), "expected a string", value)
            return None
        if required and not value.strip():
            self.error(_join(path, key), "expected a non-empty string", value)
            return None
        return value

    def date(self, item: dict[str, Any], key: str, path: str) -> str | None:
        """Return ``item[key]`` if it is a Popolo date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)."""
        value = self.string(item, key, path)
        if value is None:
            return None
        text = value[:10] if "T" in value else value  # an event's start may have a time
        try:
            if not _DATE.fullmatch(text):
                raise InvalidPartialDate(value, "expected a date YYYY, YYYY-MM or YYYY-MM-DD")
            start_of(text)
        except InvalidPartialDate as error:
            self.error(_join(path, key), error.expected, value)
            return None
        return text

    def array(self, item: dict[str, Any], key: str, path: str) -> list[Any]:
        """Return ``item[key]`` if it is an array (empty if absent)."""
        value = item.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(_join(path, key), "expected an array", value)
            return []
        return value

    def slug(self, value: str, section: str, path: str, taken: dict[str, str]) -> str:
        """Return the Chronicle id of ``value``, refusing two Popolo ids that give one id."""
        slug = popolo_slug(value)
        if slug in taken and taken[slug] != value:
            self.error(
                path,
                f"this id and {taken[slug]!r} (another of the {section}) both become the "
                f"Chronicle id {slug!r}; give them ids that differ in more than punctuation "
                "or case",
                value,
            )
        taken[slug] = value
        self.originals.setdefault(slug, value)
        return slug

    # -- translating -------------------------------------------------------------------

    def translate(self, open_file: Callable[[], IO[bytes]], out: IO[bytes], store: _Store) -> None:
        """Write to ``out`` the Chronicle document equivalent to the file read, reading
        it again twice: its memberships, then its persons, one at a time.

        What stays in memory is what does not grow with the memberships: the
        organizations, posts, events and areas, and the persons' ids. Each chunk of
        memberships and of persons is compared with the record and written out; what a
        person keeps of its memberships waits in a disk index (:class:`_Store`) for
        the person's pass. Errors are collected as ever; with any, nothing is written
        that matters (the caller refuses the file).
        """
        self.kinds: dict[str, str] = {}
        self.roles: dict[str, dict[str, Any]] = {}
        bodies = self.translate_organizations()
        self.translate_posts()
        periods = self.translate_events()
        self.store = store
        with tempfile.TemporaryFile() as people_out, tempfile.TemporaryFile() as terms_out:
            terms = _ChunkWriter("terms", terms_out, self.agree_terms, store)

            def membership(index: int, item: Any) -> None:
                path = f"memberships[{index}]"
                if not isinstance(item, dict):
                    self.error(path, "expected an object", item)
                    return
                translated = self.translate_membership(path, item, periods, self.person_ids)
                if translated is None:
                    return
                term, elsewhere, record = translated
                if record is not None and term["person"] in self.person_ids:
                    store.keep(term["person"], record)
                terms.add(term, _Origin(path, _TERM_KEYS, elsewhere))

            with open_file() as fp:
                self.read(fp, {"memberships": membership})
            terms.flush()
            store.kept_written()
            people = _ChunkWriter("people", people_out, self.agree_people, store)

            def person(index: int, item: Any) -> None:
                path = f"persons[{index}]"
                if not isinstance(item, dict):
                    self.error(path, "expected an object", item)
                    return
                translated = self.translate_person(path, item)
                if translated is None:
                    return
                records = store.kept(translated["id"])
                if records:
                    extra = translated.setdefault("extra", {}).setdefault(EXTRA_KEY, {})
                    extra.setdefault("memberships", []).extend(records)
                people.add(translated, _Origin(path, _PERSON_KEYS))

            with open_file() as fp:
                self.read(fp, {"persons": person})
            people.flush()
            if self.errors:
                return
            bodies = self.agree_bodies(bodies)
            self.agree_roles()
            document = self.document(bodies)
            out.write(json.dumps(document, ensure_ascii=False)[:-1].encode("utf-8"))
            for section, spill in (("people", people_out), ("terms", terms_out)):
                out.write(f', "{section}": ['.encode())
                spill.seek(0)
                shutil.copyfileobj(spill, out)
                out.write(b"]")
            out.write(b"}")

    def note_person(self, index: int, item: Any) -> None:
        """Note a person's id (the first pass): memberships are checked against them."""
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            self.person_ids.add(popolo_slug(item["id"]))

    def document(self, bodies: list[dict[str, Any]]) -> dict[str, Any]:
        """Return the Chronicle document but its people and terms."""
        document: dict[str, Any] = {"chronicle": 1}
        organization = Organization.objects.first()
        if organization is None:
            top = next((b for b in bodies if "parent" not in b), None)
            name = top["name"] if top else "Popolo"
            document["organization"] = {"name": name}
        known_kinds = set(BodyKind.objects.values_list("slug", flat=True)) | set(BUILTIN_BODY_KINDS)
        used_kinds = {body["kind"] for body in bodies}
        document["body_kinds"] = [
            {"id": slug, "name": name, "rank": 100}
            for slug, name in self.kinds.items()
            if slug not in known_kinds and slug in used_kinds
        ]
        known_roles = set(Role.objects.values_list("slug", flat=True)) | set(BUILTIN_ROLES)
        document["roles"] = [
            role
            for slug, role in self.roles.items()
            if EXTRA_KEY in role.get("extra", {}) or slug not in known_roles
        ]
        document["bodies"] = bodies
        kept: dict[str, Any] = {}
        for section in ("events", "areas"):
            if self.items.get(section):
                kept[section] = [
                    _with_slugs(item, ("id", "organization_id", "parent_id"))
                    for item in self.items[section]
                    if isinstance(item, dict)
                ]
        if self.meta is not None:
            kept["meta"] = self.meta
        if kept:
            existing = organization.chronicle_extra if organization is not None else None
            document["extra"] = {**(existing or {}), EXTRA_KEY: kept}
        for section in ("body_kinds", "roles"):
            if not document[section]:
                del document[section]
        return document

    def translate_organizations(self) -> list[dict[str, Any]]:
        bodies: list[dict[str, Any]] = []
        taken: dict[str, str] = {}
        for _index, path, item in self.objects("organizations"):
            popolo_id = self.string(item, "id", path, required=True)
            name = self.string(item, "name", path, required=True)
            classification = self.string(item, "classification", path) or "organization"
            parent = self.string(item, "parent_id", path)
            founded = self.date(item, "founding_date", path)
            dissolved = self.date(item, "dissolution_date", path)
            aliases = []
            for n, other in enumerate(self.array(item, "other_names", path)):
                if not isinstance(other, dict) or not isinstance(other.get("name"), str):
                    self.error(f"{path}.other_names[{n}]", 'expected {"name": …}', other)
                    continue
                aliases.append(_text(other["name"], other.get("lang")))
            if popolo_id is None or name is None:
                continue
            kind = vocabulary_slug(classification)
            self.kinds.setdefault(kind, classification)
            body: dict[str, Any] = {
                "id": self.slug(popolo_id, "organizations", f"{path}.id", taken),
                "kind": kind,
                "name": name,
            }
            if aliases:
                body["aliases"] = aliases
            if parent is not None:
                body["parent"] = popolo_slug(parent)
                self.originals.setdefault(body["parent"], parent)
            if founded:
                body["founded"] = founded
            if dissolved:
                body["dissolved"] = dissolved
            rest = {k: v for k, v in item.items() if k not in _ORGANIZATION_FIELDS}
            if classification != "organization" or "classification" in item:
                rest["classification"] = classification
            if rest:
                body["extra"] = {EXTRA_KEY: rest}
            origin = _Origin(path, _BODY_KEYS, {})
            self.origins[f"bodies[{len(bodies)}]"] = origin
            self.organizations.setdefault(popolo_id, (body, origin))
            bodies.append(body)
        return bodies

    def translate_posts(self) -> None:
        taken: dict[str, str] = {}
        for _index, path, item in self.objects("posts"):
            popolo_id = self.string(item, "id", path, required=True)
            label = self.string(item, "label", path)
            role = self.string(item, "role", path)
            if popolo_id is None:
                continue
            slug = self.slug(popolo_id, "posts", f"{path}.id", taken)
            self.roles[slug] = {
                "id": slug,
                "name": label or role or popolo_id,
                "rank": 100,
                "extra": {EXTRA_KEY: _with_slugs(item, ("id", "organization_id", "area_id"))},
            }

    def translate_events(self) -> dict[str, tuple[int, str | None, str | None]]:
        """Return each legislative period's index, start and (exclusive-safe) end text.

        A legislative period ends where the next one of the same organization
        starts: EveryPolitician gives the 5th convocation the end "2015" and the
        6th the start "2015-12-23", and a member of both holds one seat, not two.
        """
        periods: dict[str, tuple[int, str | None, str | None]] = {}
        by_organization: dict[str | None, list[str]] = defaultdict(list)
        for index, path, item in self.objects("events"):
            popolo_id = self.string(item, "id", path)
            classification = self.string(item, "classification", path)
            if classification != LEGISLATIVE_PERIOD or popolo_id is None:
                self.date(item, "start_date", path)
                self.date(item, "end_date", path)
                continue
            start = self.date(item, "start_date", path)
            end = self.date(item, "end_date", path)
            if start is None and item.get("start_date") is None:
                self.error(
                    f"{path}.start_date",
                    "required key is missing: a legislative period needs a start_date "
                    "(its memberships take their dates from it)",
                )
            if start and end and end_of(end)[0] <= start_of(start)[0]:  # type: ignore[operator]
                self.error(f"{path}.end_date", f"expected a date after {start}", end)
                end = None
            periods[popolo_id] = (index, start, end)
            by_organization[self.string(item, "organization_id", path)].append(popolo_id)
        for ids in by_organization.values():
            dated = sorted((start_of(periods[i][1])[0], i) for i in ids if periods[i][1])
            for (_, earlier), (next_start, _) in itertools.pairwise(dated):
                index, start, end = periods[earlier]
                if next_start is not None and (end is None or end_of(end)[0] > next_start):  # type: ignore[operator]
                    last_day = next_start - dt.timedelta(days=1)
                    periods[earlier] = (index, start, last_day.isoformat())
        return periods

    def translate_persons(self) -> tuple[list[dict[str, Any]], dict[str, int]]:
        people: list[dict[str, Any]] = []
        index_of: dict[str, int] = {}
        for _index, path, item in self.objects("persons"):
            person = self.translate_person(path, item)
            if person is None:
                continue
            self.origins[f"people[{len(people)}]"] = _Origin(path, _PERSON_KEYS)
            index_of[person["id"]] = len(people)
            people.append(person)
        return people, index_of

    def translate_person(self, path: str, item: dict[str, Any]) -> dict[str, Any] | None:
        """Return the Chronicle person of a Popolo person (``None`` if it has errors)."""
        popolo_id = self.string(item, "id", path, required=True)
        name = self.string(item, "name", path, required=True)
        given = self.string(item, "given_name", path)
        family = self.string(item, "family_name", path)
        patronymic = self.string(item, "patronymic_name", path)
        honorific = self.string(item, "honorific_prefix", path)
        email = self.string(item, "email", path)
        born = self.date(item, "birth_date", path)
        names = []
        for n, other in enumerate(self.array(item, "other_names", path)):
            other_path = f"{path}.other_names[{n}]"
            if not isinstance(other, dict):
                self.error(other_path, 'expected {"name": …}', other)
                continue
            variant_name = self.string(other, "name", other_path, required=True)
            lang = self.string(other, "lang", other_path)
            note = self.string(other, "note", other_path)
            if variant_name is None:
                continue
            variant: dict[str, Any] = {"name": variant_name}
            if lang:
                variant["lang"] = lang
            kind = _NAME_KINDS.get((note or "").strip().lower())
            if kind:
                variant["kind"] = kind
            names.append(variant)
        contact = self.contact(item, path, email)
        if popolo_id is None or name is None:
            return None
        person: dict[str, Any] = {
            "id": self.slug(popolo_id, "persons", f"{path}.id", self.person_ids_taken),
            "name": name,
        }
        for key, value in (
            ("names", names),
            ("given", given),
            ("family", family),
            ("patronymic", patronymic),
            ("born", born),
            ("honorific", honorific),
            ("contact", contact),
        ):
            if value:
                person[key] = value
        rest = {k: v for k, v in item.items() if k not in _PERSON_FIELDS}
        others = item.get("other_names") or []
        if any(isinstance(o, dict) and set(o) - {"name", "lang"} for o in others):
            rest["other_names"] = others  # notes and dates a name variant has no field for
        if rest:
            person["extra"] = {EXTRA_KEY: rest}
        return person

    def contact(self, item: dict[str, Any], path: str, email: str | None) -> dict[str, Any]:
        """Return a person's Chronicle contact: the first email, phone and address, and every
        Popolo contact detail kept as it is (all personal data)."""
        contact: dict[str, Any] = {}
        if email:
            contact["email"] = email
        details = self.array(item, "contact_details", path)
        for n, detail in enumerate(details):
            detail_path = f"{path}.contact_details[{n}]"
            if not isinstance(detail, dict):
                self.error(detail_path, 'expected {"type": …, "value": …}', detail)
                continue
            kind = self.string(detail, "type", detail_path, required=True)
            value = self.string(detail, "value", detail_path, required=True)
            if kind is None or value is None:
                continue
            key = _CONTACT_KINDS.get(kind.lower())
            if key and key not in contact:
                contact[key] = value
        if details:
            contact["extra"] = {EXTRA_KEY: details}
        return contact

    def translate_memberships(
        self,
        periods: dict[str, tuple[int, str | None, str | None]],
        people: list[dict[str, Any]],
        person_index: dict[str, int],
    ) -> list[dict[str, Any]]:
        terms: list[dict[str, Any]] = []
        for _index, path, item in self.objects("memberships"):
            translated = self.translate_membership(path, item, periods, person_index)
            if translated is None:
                continue
            term, elsewhere, record = translated
            self.origins[f"terms[{len(terms)}]"] = _Origin(path, _TERM_KEYS, elsewhere)
            terms.append(term)
            owner = person_index.get(term["person"])
            if record is not None and owner is not None:
                extra = people[owner].setdefault("extra", {}).setdefault(EXTRA_KEY, {})
                extra.setdefault("memberships", []).append(record)
        return terms

    def translate_membership(
        self,
        path: str,
        item: dict[str, Any],
        periods: dict[str, tuple[int, str | None, str | None]],
        persons: Container[str],
    ) -> tuple[dict[str, Any], dict[str, str], dict[str, Any] | None] | None:
        """Return the standing term of a person's membership, the paths its dates were taken
        from and what its person keeps of it; ``None`` for an organization's membership
        (see :meth:`affiliate`) or one with errors."""
        person = self.string(item, "person_id", path)
        organization = self.string(item, "organization_id", path, required=True)
        role_name = self.string(item, "role", path)
        post = self.string(item, "post_id", path)
        label = self.string(item, "label", path)
        start = self.date(item, "start_date", path)
        end = self.date(item, "end_date", path)
        period_id = self.string(item, "legislative_period_id", path)
        for key in ("on_behalf_of_id", "area_id"):
            self.string(item, key, path)
        member = self.string(item, "member_id", path)
        if person is None and member is not None:
            if popolo_slug(member) in persons:
                person = member  # Popolo's member_id may name a person, too
            elif member in self.organizations:
                if organization is not None:
                    self.affiliate(path, item, member, organization)
                return None
            else:
                self.error(f"{path}.member_id", "no person nor organization with this id", member)
                return None
        if person is None:
            self.error(
                f"{path}.person_id",
                "required key is missing: a membership needs a person_id, or a member_id "
                "naming a person or an organization",
            )
            return None
        elsewhere: dict[str, str] = {}
        if period_id is not None:
            if period_id not in periods:
                self.error(
                    f"{path}.legislative_period_id",
                    'no event of classification "legislative period" with this id',
                    period_id,
                )
                return None
            period_index, period_start, period_end = periods[period_id]
            if start is None and item.get("start_date") is None:
                start = period_start
                elsewhere["start"] = f"events[{period_index}].start_date"
            if end is None and item.get("end_date") is None:
                end = period_end
                elsewhere["end"] = f"events[{period_index}].end_date"
        if start is None:
            # A bad start_date, or a period without one, was reported where it is.
            if item.get("start_date") is None and period_id is None:
                self.error(
                    f"{path}.start_date",
                    "required key is missing: a membership needs a start_date or a "
                    "legislative_period_id whose event has one",
                )
            return None
        if organization is None:
            return None
        if post is not None:
            role = popolo_slug(post)
            if role not in self.roles:
                self.error(f"{path}.post_id", "no post with this id", post)
                return None
        else:
            role = vocabulary_slug(role_name or "member")
            self.roles.setdefault(role, {"id": role, "name": role_name or "member", "rank": 100})
        for reference in (person, organization):
            self.originals.setdefault(popolo_slug(reference), reference)
        term: dict[str, Any] = {
            "person": popolo_slug(person),
            "body": popolo_slug(organization),
            "role": role,
            "start": start,
        }
        if label:
            term["title"] = label
        if end:
            term["end"] = end
        kept = {k: v for k, v in item.items() if k not in _MEMBERSHIP_FIELDS}
        kept = _with_slugs(kept, _MEMBERSHIP_REFERENCES)
        if post is not None:
            kept["post_id"] = role
        # A term has no extra of its own: the person keeps, per term, what the
        # membership says beyond it (the group on whose behalf, the area, …).
        record = {"term": {k: term[k] for k in ("body", "role", "start")}, **kept}
        return term, elsewhere, record if kept else None

    def affiliate(self, path: str, item: dict[str, Any], member: str, parent: str) -> None:
        """Record an organization's membership of another as the member body's parent and
        ``affiliated`` flag (a separately registered organization that joined as a whole).

        A body has one parent and no dates of its own for it: a membership that would
        need them (a second parent; joined after it was founded; left before it was
        dissolved) is refused, since the org chart would show it in the wrong place.
        """
        body, origin = self.organizations[member]
        parent_slug = popolo_slug(parent)
        if parent not in self.organizations and not Body.objects.filter(slug=parent_slug).exists():
            self.error(f"{path}.organization_id", "no organization with this id", parent)
            return
        if parent_slug == body["id"]:
            self.error(
                f"{path}.organization_id", "an organization cannot be its own member", parent
            )
            return
        kept = body.get("extra", {}).get(EXTRA_KEY, {})
        if "membership" in kept:
            self.error(
                f"{path}.member_id",
                "this organization is already a member of another by an earlier membership: "
                "a body has one parent",
                member,
            )
            return
        if body.get("parent", parent_slug) != parent_slug:
            self.error(
                f"{path}.organization_id",
                f"the member organization's parent_id is {self.originals[body['parent']]!r}: "
                "a body has one parent",
                parent,
            )
            return
        role = self.string(item, "role", path)
        if (role is not None and role.strip().lower() != "member") or item.get("post_id"):
            key = "role" if role is not None else "post_id"
            self.error(
                f"{path}.{key}",
                "an organization can only be a plain member of another (a body holds no post)",
                item[key],
            )
            return
        start = self.date(item, "start_date", path)
        end = self.date(item, "end_date", path)
        founded, dissolved = body.get("founded"), body.get("dissolved")
        if start is not None and (founded is None or start_of(start)[0] > start_of(founded)[0]):  # type: ignore[operator]
            self.error(
                f"{path}.start_date",
                "the organization joined after it was founded "
                f"(founding_date {founded or 'unknown'}); a body's parent has no dates of its "
                "own, so it would be shown a member from its founding",
                start,
            )
            return
        if end is not None and (dissolved is None or end_of(end)[0] < end_of(dissolved)[0]):  # type: ignore[operator]
            self.error(
                f"{path}.end_date",
                "the organization left before it was dissolved "
                f"(dissolution_date {dissolved or 'none'}); a body's parent has no dates of its "
                "own, so it would be shown a member until its dissolution",
                end,
            )
            return
        body["parent"] = parent_slug
        body["affiliated"] = True
        self.originals.setdefault(parent_slug, parent)
        membership = {k: v for k, v in item.items() if k not in ("member_id", "organization_id")}
        body.setdefault("extra", {}).setdefault(EXTRA_KEY, {})["membership"] = membership
        origin.elsewhere.update({"parent": f"{path}.organization_id", "affiliated": path})

    # -- agreeing with the record ---------------------------------------------------------

    def agree_bodies(self, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Return the bodies to import, given what is recorded (see :func:`_agreed`).

        Popolo says less than the record (one name where the record has five
        languages, no way of saying how a term began), so our own export, imported
        again, would overwrite the record with less. Each recorded object is
        therefore compared with our export of it, translated as the file is. A body
        a decision founded, or a term a decision started, the file may repeat as it
        stands: it is left out of the import (counted unchanged); changing it takes
        a decision, so a file that does is refused at the value it changes.
        """
        body_ids = {body["id"] for body in bodies}
        stored_bodies = {
            body.slug: body
            for body in Body.objects.filter(slug__in=list(body_ids)).select_related(
                "parent", "founded_by"
            )
        }
        if not stored_bodies:
            return bodies
        mirror = _Mirror(people=(), bodies=body_ids)
        mandates: dict[int, list[str]] = defaultdict(list)
        for body_pk, slug in (
            Mandate.objects.filter(
                body__slug__in=list(body_ids), decision__isnull=True, transferred_from__isnull=True
            )
            .order_by("pk")
            .values_list("body_id", "slug")
        ):
            mandates[body_pk].append(slug)
        kept: list[int] = []
        for index, body in enumerate(bodies):
            stored = stored_bodies.get(body["id"])
            if stored is None:
                kept.append(index)
                continue
            exported = mirror.bodies.get(body["id"])
            if stored.founded_by is not None:
                self.refuse_change(
                    self.origins[f"bodies[{index}]"],
                    "body",
                    body,
                    exported,
                    f"founded by decision {stored.founded_by.slug}",
                )
                continue
            recorded = body_object(stored, mandates.get(stored.pk, []))
            bodies[index] = _agreed(body, exported, recorded)
            kept.append(index)
        if len(kept) == len(bodies):
            return bodies
        origins = {index: self.origins.pop(f"bodies[{index}]") for index in range(len(bodies))}
        for new, old in enumerate(kept):
            self.origins[f"bodies[{new}]"] = origins[old]
        return [bodies[old] for old in kept]

    def agree_roles(self) -> None:
        """Keep what is recorded of the roles the file's posts and roles repeat."""
        stored_roles = list(
            Role.objects.filter(slug__in=list(self.roles)).values_list(
                "slug", "name", "rank", "extra"
            )
        )
        if not stored_roles:
            return
        mirror = _Mirror(people=(), bodies=())
        for slug, name, rank, extra in stored_roles:
            recorded_role = _compact({"id": slug, "name": name, "rank": rank, "extra": extra})
            self.roles[slug] = _agreed(self.roles[slug], mirror.roles.get(slug), recorded_role)

    def agree_people(
        self, chunk: list[tuple[dict[str, Any], _Origin]]
    ) -> list[tuple[dict[str, Any], _Origin]]:
        """Return a chunk of people to import, given what is recorded (:meth:`agree_bodies`)."""
        position = {person["id"]: index for index, (person, _origin) in enumerate(chunk)}
        stored_people = list(
            Person.objects.filter(slug__in=list(position))
            .select_related("custodian")
            .prefetch_related("names", "affiliations__partner")
        )
        if not stored_people:
            return chunk
        mirror = _Mirror(people=[person.slug for person in stored_people], bodies=())
        for stored in stored_people:
            index = position[stored.slug]
            person, origin = chunk[index]
            chunk[index] = (
                _agreed(person, mirror.people.get(stored.slug), person_object(stored)),
                origin,
            )
        return chunk

    def agree_terms(
        self, chunk: list[tuple[dict[str, Any], _Origin]]
    ) -> list[tuple[dict[str, Any], _Origin]]:
        """Return a chunk of terms to import, given what is recorded (:meth:`agree_bodies`)."""
        people = {term["person"] for term, _origin in chunk}
        if not Term.objects.filter(person__slug__in=list(people)).exists():
            return chunk
        mirror = _Mirror(people=people, bodies=())
        kept: list[tuple[dict[str, Any], _Origin]] = []
        for term, origin in chunk:
            match = mirror.terms.get(_term_key(term))
            if match is None:
                kept.append((term, origin))
                continue
            exported, stored = match
            if stored.decision is not None:
                self.refuse_change(
                    origin, "term", term, exported, f"started by decision {stored.decision.slug}"
                )
                continue
            kept.append((_agreed(term, exported, _recorded_term(stored)), origin))
        return kept

    def refuse_change(
        self,
        origin: _Origin,
        what: str,
        given: dict[str, Any],
        exported: dict[str, Any] | None,
        made: str,
    ) -> None:
        """Refuse a change to what a decision made; count the object unchanged if none."""
        key = _first_change(given, exported)
        if key is None:
            self.unchanged["bodies" if what == "body" else "terms"] += 1
            return
        value = given.get(key, MISSING)
        if isinstance(value, str) and value in self.originals:
            value = self.originals[value]
        self.error(
            self.popolo_path(origin, f".{key}"),
            f"this {what} was {made}: a Popolo file may repeat it as recorded but "
            "not change it (that takes a decision)",
            value,
        )

    # -- mapping errors back -------------------------------------------------------------

    def popolo_error(self, error: ChronicleError) -> ChronicleError:
        """Return a Chronicle error with the path and value of the Popolo file."""
        match = re.match(r"^([a-z_]+\[\d+\])(.*)$", error.path)
        value = error.value
        if isinstance(value, str) and value in self.originals:
            value = self.originals[value]
        origin = None if match is None else self.origin(match.group(1))
        if match is None or origin is None:
            return ChronicleError(error.path, error.message, value)
        return ChronicleError(self.popolo_path(origin, match.group(2)), error.message, value)

    def origin(self, item: str) -> _Origin | None:
        """Return where the Chronicle item ``item`` (``terms[3]``) came from."""
        if item in self.origins:
            return self.origins[item]
        store = getattr(self, "store", None)
        return store.origin(item) if store is not None else None

    @staticmethod
    def popolo_path(origin: _Origin, rest: str) -> str:
        """Return the Popolo path of ``rest`` (``.start``, ``.names[0].lang``) of an item."""
        key_match = re.match(r"^\.([A-Za-z_]+)(.*)$", rest)
        if key_match is None:
            return origin.path + rest
        key, tail = key_match.group(1), key_match.group(2)
        if key in origin.elsewhere:
            return origin.elsewhere[key]
        if key == "contact":
            tail = ""  # one Chronicle field from several contact details
        popolo_key = origin.keys.get(key, EXTRA_KEY if key == "extra" else key)
        return _join(origin.path, popolo_key) + tail


def _agreed(
    given: dict[str, Any], exported: dict[str, Any] | None, recorded: dict[str, Any]
) -> dict[str, Any]:
    """Return the Chronicle object to import for a recorded object.

    ``given`` is the file's object, translated; ``exported`` the translation of
    our own Popolo export of the record (what the record says in Popolo's
    words); ``recorded`` the record as a Chronicle object. A key the file gives
    as the record's export would takes the record's value (a name in five
    languages, not the one the export wrote); a key the file leaves out keeps
    the record's; a key the file changes takes the file's. A changed ``extra``
    changes only what the Popolo import keeps there.
    """
    exported = exported or {}
    merged: dict[str, Any] = {}
    for key, value in given.items():
        if key in exported and exported[key] == value:
            if key in recorded:
                merged[key] = recorded[key]
        elif key == "extra" and isinstance(recorded.get("extra"), dict):
            merged[key] = {**recorded["extra"], **value}
        else:
            merged[key] = value
    for key, value in recorded.items():
        if key not in given:
            merged[key] = value
    return merged


def _first_change(given: dict[str, Any], exported: dict[str, Any] | None) -> str | None:
    """Return the first key whose value the file gives otherwise than the record's export."""
    exported = exported or {}
    return next(
        (key for key, value in given.items() if key not in exported or exported[key] != value),
        None,
    )


def _recorded_term(term: Term) -> dict[str, Any]:
    """Return a recorded term as a Chronicle standing term."""
    return _compact(
        {
            "person": term.person.slug,
            "body": term.body.slug,
            "role": term.role,
            "title": term.title,
            "start": format_start(term.start, term.start_precision),
            "end": format_end(term.end, term.end_precision) if term.end else None,
            "term_length": term.term_length,
            "how": term.how,
        }
    )


def _term_key(term: dict[str, Any]) -> tuple[Any, ...]:
    return (term["person"], term["body"], term["role"], term["start"], term.get("title"))


def _text(name: str, lang: Any) -> Any:
    return {lang: name} if isinstance(lang, str) and lang else name


def _with_slugs(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    """Return ``item`` with the Popolo ids under ``keys`` turned into Chronicle ids."""
    return {k: popolo_slug(v) if k in keys and isinstance(v, str) else v for k, v in item.items()}


class _NamedReader:
    """The translated document, read under the Popolo file's name (for the audit trail)."""

    def __init__(self, fp: BinaryIO, name: str) -> None:
        self.fp = fp
        self.name = name

    def read(self, size: int = -1) -> bytes:
        return self.fp.read(size)

    def tell(self) -> int:
        return self.fp.tell()


_CHUNK = 2000


class _Store:
    """A disk index for what would otherwise grow with the memberships: what each person
    keeps of its memberships, and where each person and term came from (for errors)."""

    def __enter__(self) -> _Store:
        self.folder = tempfile.TemporaryDirectory(prefix="popolo-")
        self.db = sqlite3.connect(Path(self.folder.name) / "store.sqlite3")
        self.db.execute("CREATE TABLE kept (person TEXT, record TEXT)")
        self.db.execute("CREATE TABLE origin (item TEXT PRIMARY KEY, path TEXT, elsewhere TEXT)")
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()
        self.folder.cleanup()

    def keep(self, person: str, record: dict[str, Any]) -> None:
        self.db.execute("INSERT INTO kept VALUES (?, ?)", (person, json.dumps(record)))

    def kept_written(self) -> None:
        self.db.execute("CREATE INDEX kept_person ON kept (person)")

    def kept(self, person: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT record FROM kept WHERE person = ? ORDER BY rowid", (person,)
        ).fetchall()
        return [json.loads(record) for (record,) in rows]

    def note_origins(self, origins: list[tuple[str, _Origin]]) -> None:
        self.db.executemany(
            "INSERT INTO origin VALUES (?, ?, ?)",
            [
                (item, origin.path, json.dumps(origin.elsewhere) if origin.elsewhere else None)
                for item, origin in origins
            ],
        )

    def origin(self, item: str) -> _Origin | None:
        row = self.db.execute(
            "SELECT path, elsewhere FROM origin WHERE item = ?", (item,)
        ).fetchone()
        if row is None:
            return None
        keys = _TERM_KEYS if item.startswith("terms[") else _PERSON_KEYS
        return _Origin(row[0], keys, json.loads(row[1]) if row[1] else {})


class _ChunkWriter:
    """Write a section of the Chronicle document a chunk at a time, each chunk first
    compared with the record (``agree``), noting where each written item came from."""

    def __init__(
        self,
        section: str,
        out: IO[bytes],
        agree: Callable[
            [list[tuple[dict[str, Any], _Origin]]], list[tuple[dict[str, Any], _Origin]]
        ],
        store: _Store,
    ) -> None:
        self.section, self.out, self.agree, self.store = section, out, agree, store
        self.chunk: list[tuple[dict[str, Any], _Origin]] = []
        self.written = 0

    def add(self, item: dict[str, Any], origin: _Origin) -> None:
        self.chunk.append((item, origin))
        if len(self.chunk) >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        origins = []
        for item, origin in self.agree(self.chunk):
            text = json.dumps(item, ensure_ascii=False)
            self.out.write((("," if self.written else "") + text).encode("utf-8"))
            origins.append((f"{self.section}[{self.written}]", origin))
            self.written += 1
        self.store.note_origins(origins)
        self.chunk = []


class _Mirror:
    """Recorded objects as our Popolo export writes them, translated back as a file is:
    what the record says in Popolo's words (see :func:`_agreed`)."""

    def __init__(self, *, people: Collection[str], bodies: Collection[str]) -> None:
        record = popolo_record(people=people, bodies=bodies)
        mirror = _Translation()
        mirror.items.update(record.document())
        mirror.kinds, mirror.roles = {}, {}
        self.bodies = {body["id"]: body for body in mirror.translate_organizations()}
        mirror.translate_posts()
        self.roles = mirror.roles
        mirror_people, mirror_index = mirror.translate_persons()
        self.terms: dict[tuple[Any, ...], tuple[dict[str, Any], Term]] = {}
        for index, term in enumerate(mirror.translate_memberships({}, mirror_people, mirror_index)):
            membership = mirror.origins[f"terms[{index}]"].path
            stored = record.terms[int(membership[membership.index("[") + 1 : -1])]
            self.terms[_term_key(term)] = (term, stored)
        self.people = {person["id"]: person for person in mirror_people}


def _first_pass(fp: IO[bytes]) -> _Translation:
    """Read the whole file once: check it, keep its small sections and its persons' ids."""
    translation = _Translation()

    def collect(section: str) -> Callable[[int, Any], None]:
        return lambda _index, item: translation.items[section].append(item)

    def left_out(section: str) -> Callable[[int, Any], None]:
        return lambda count, _item: translation.not_imported.append(
            NotImported(section, count, NOT_IMPORTED[section])
        )

    handlers = {
        section: collect(section) for section in ("organizations", "posts", "events", "areas")
    }
    handlers["meta"] = lambda _index, item: setattr(translation, "meta", item)
    handlers["persons"] = translation.note_person
    handlers.update({section: left_out(section) for section in NOT_IMPORTED})
    translation.read(fp, handlers)
    if translation.errors:
        raise ChronicleInvalid(translation.errors)
    return translation


def popolo_import(
    source: str | Path | BinaryIO,
    *,
    progress: Progress | None = None,
    viewer: Viewer | None = None,
    via: str = "cli",
    at: dt.datetime | None = None,
    on_wait: Callable[[], None] | None = None,
) -> ImportResult:
    """Import the Popolo file at ``source`` (a path or a binary file); return the counts.

    Raise :class:`ChronicleInvalid` with every error found, at JSON paths of the
    Popolo file (``memberships[12].person_id``); the database is then unchanged.
    Otherwise as :func:`~chapterhouse.chronicle.importer.chronicle_import`.

    The file is read three times (checked and indexed; its memberships; its persons),
    so a file that is not on disk (standard input) is copied to a temporary file first.
    """
    with ExitStack() as stack:
        if isinstance(source, str | Path):
            path = Path(source)
            name = path.name
            first = file_opened(stack, path)
        else:
            name = str(getattr(source, "name", "-"))
            copy = stack.enter_context(tempfile.NamedTemporaryFile(prefix="popolo-"))
            shutil.copyfileobj(source, copy)
            copy.flush()
            path = Path(copy.name)
            first = stack.enter_context(path.open("rb"))
        hashing = _HashingReader(first)
        translation = _first_pass(hashing)  # type: ignore[arg-type]
        sha256 = hashing.hexdigest()
        store = stack.enter_context(_Store())
        spill = stack.enter_context(tempfile.TemporaryFile())
        with transaction.atomic():
            # The translation reads the record (to keep what the file only repeats): the
            # record it reads must be the one written, so the import lock comes first.
            import_lock(on_wait=on_wait)
            translation.translate(lambda: path.open("rb"), spill, store)
            if translation.errors:
                raise ChronicleInvalid(translation.errors)
            spill.seek(0)
            try:
                return chronicle_import(
                    _NamedReader(spill, name),  # type: ignore[arg-type]
                    progress=progress,
                    viewer=viewer,
                    via=via,
                    at=at,
                    on_wait=on_wait,
                    source_sha256=sha256,
                    unchanged=translation.unchanged,
                    not_imported=translation.not_imported,
                )
            except ChronicleInvalid as invalid:
                raise ChronicleInvalid(
                    [translation.popolo_error(error) for error in invalid.errors], invalid.total
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover (mypy: the with returns)


__all__ = ["popolo_import", "popolo_slug"]

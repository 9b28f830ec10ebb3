"""Import a Chronicle: validate it whole, then write it in one transaction.

The file is read twice, never held in memory: the first pass streams it,
validates every object and spills the validated objects section by section
to temporary files; the second pass writes the sections in dependency order
(bodies before people before terms …, decisions last in date order). Any
error in either pass rolls everything back, and every error found is
reported with its JSON path.

Importing is idempotent: objects are matched by id (standing terms by
person, body, role, title and start) and only what differs is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, suppress
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.db import connection, transaction
from django.db.models import DateField, JSONField, Model
from django.utils import translation

from chapterhouse.chronicle.reader import (
    ChronicleError,
    ChronicleInvalid,
    iter_items,
    validate_item,
)
from chapterhouse.core.errors import RecordError, record_errors_by_id
from chapterhouse.core.generations import generation_bump
from chapterhouse.core.locks import import_lock
from chapterhouse.core.partial_dates import InvalidDuration, end_of, start_of
from chapterhouse.core.text import text_key
from chapterhouse.core.vocabulary import BUILTIN_BODY_KINDS, BUILTIN_ROLES
from chapterhouse.custody.access import ADMIN, Viewer
from chapterhouse.custody.services import audit_record
from chapterhouse.meetings.models import (
    Attendance,
    Commemoration,
    Conference,
    Decision,
    Document,
    Session,
    SessionHost,
    SessionOccasion,
)
from chapterhouse.meetings.schedule import SessionSlot, conference_schedule_problems
from chapterhouse.meetings.services import (
    decision_apply,
    decision_default_date,
    decision_revert,
)
from chapterhouse.newsroom.cache import public_pages_changed
from chapterhouse.newsroom.markdown import markdown_paragraphs
from chapterhouse.newsroom.models import Article, ArticleTranslation, Category, Tag
from chapterhouse.registry import term_rules
from chapterhouse.registry.models import (
    Body,
    BodyKind,
    Competence,
    Mandate,
    Organization,
    Person,
    PersonAlias,
    PersonName,
    Role,
    Term,
)
from chapterhouse.registry.person_ids import real_names, revealed_words
from chapterhouse.registry.person_name_keys import person_name_keys_refresh
from chapterhouse.relations.models import (
    Affiliation,
    Agreement,
    AgreementSignatory,
    Honour,
    Partner,
    Task,
)
from chapterhouse.relations.services import task_assignees_set

# The order in which sections are written: what is referred to comes first.
SECTIONS = [
    "organization",
    "body_kinds",
    "roles",
    "mandates",
    "partners",
    "bodies",
    "people",
    "terms",
    "commemorations",
    "conferences",
    "sessions",
    "honours",
    "agreements",
    "tasks",
    "decisions",
    "categories",
    "tags",
    # After the decisions: an article may name a body a decision founded.
    "articles",
]
MAX_ERRORS = 200
ANALYZE_AFTER = 50_000
CHUNK = 5000
# The language of the import's error report, whatever language is active: the report is
# a documented contract (docs/spec/CHRONICLE.md) and may be read by a program.
IMPORT_LANGUAGE = "en"
OUTCOMES = ("created", "updated", "unchanged")


@dataclass
class SectionCount:
    """How many objects of one section were created, updated or left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class NotImported:
    """A section of the file that was read but not imported, and why."""

    section: str
    count: int
    reason: str

    def __str__(self) -> str:
        return f"{self.section}: {self.count} not imported ({self.reason})"


@dataclass
class ImportResult:
    """What an import did, per section, and what it left out."""

    counts: dict[str, SectionCount] = field(default_factory=lambda: defaultdict(SectionCount))
    not_imported: list[NotImported] = field(default_factory=list)

    def total(self, what: str) -> int:
        """Return the total of ``what`` (created, updated, unchanged) over all sections."""
        return sum(getattr(count, what) for count in self.counts.values())


class Progress:
    """Receives progress reports; the CLI draws them as a bar."""

    def phase(self, name: str, total: int | None) -> None:
        """Start a phase of ``total`` units (bytes or objects)."""

    def advance(self, amount: int) -> None:
        """Report ``amount`` more units done."""


# Dates repeat millions of times in a large import; PartialDate.parse caches too,
# but the tuple is what the importer needs.
_start = lru_cache(maxsize=100_000)(start_of)
_end = lru_cache(maxsize=100_000)(end_of)


TERM_COLUMNS = (
    "person_id",
    "body_id",
    "role",
    "title",
    "title_key",
    "start",
    "start_precision",
    "end",
    "end_precision",
    "term_length",
    "how",
)


@dataclass(slots=True)
class _TermRow:
    """A term as the importer compares it: a plain object, since building millions of
    model instances costs more than writing them."""

    person_id: int
    body_id: int
    role: str
    title: Any
    title_key: str
    start: dt.date
    start_precision: str
    end: dt.date | None
    end_precision: str
    term_length: str
    how: str
    pk: int | None = None
    decision_id: int | None = None
    end_reason: Any = None
    ended_by_id: int | None = None


def insert_rows(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (attname → value, all with the same keys) with one executemany.

    Django's ``bulk_create`` compiles every row's SQL in Python, which dominates
    an import of millions of terms; this prepares only the values that need it.
    """
    if not rows:
        return
    fields = {f.attname: f for f in model._meta.concrete_fields}
    # Columns the rows leave out take their model default (a database default
    # would not be known to Django's own inserts elsewhere).
    defaults = {
        name: field_.get_default()
        for name, field_ in fields.items()
        if name not in rows[0] and not field_.primary_key and field_.has_default()
    }
    columns = list(rows[0]) + list(defaults)
    preparers: list[Any] = []
    for column in columns:
        field_ = fields[column]
        if isinstance(field_, JSONField):
            preparers.append(lambda v, f=field_: f.get_db_prep_save(v, connection))
        elif isinstance(field_, DateField):
            preparers.append(connection.ops.adapt_datefield_value)
        else:
            preparers.append(None)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    prepared = [(n, prepare) for n, prepare in enumerate(preparers) if prepare is not None]
    params = []
    for row in rows:
        values = [row[c] if c in row else defaults[c] for c in columns]
        for n, prepare in prepared:
            if values[n] is not None:
                values[n] = prepare(values[n])
        params.append(values)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams rows without a statement each: several times faster.
            table = quote(model._meta.db_table)
            names = ", ".join(quote(c) for c in columns)
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in params:
                    copy.write_row(values)
        else:
            cursor.executemany(sql, params)


class _Abort(Exception):
    """Too many errors to go on."""


class _Importer:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.errors: list[ChronicleError] = []
        self.result = ImportResult()
        self.file_ids: dict[str, set[str]] = defaultdict(set)
        self.founded_by_decisions: set[str] = set()
        self.tasks_by_decisions: set[str] = set()
        self.counts_seen: dict[str, int] = defaultdict(int)
        self.pk: dict[type[Model], dict[str, int]] = {}
        # Items that name a body which will only exist once a decision founds it.
        self.waiting: dict[str, list[tuple[str, int, dict[str, Any]]]] = defaultdict(list)
        self.default_language = "en"
        self.languages: list[str] = []  # the working languages; empty: any language
        self.top_extra: Any = None
        self.kinds: set[str] = set(BUILTIN_BODY_KINDS)
        self.roles: set[str] = set(BUILTIN_ROLES)
        # Where each conference and session is in the file, to name them in errors.
        self.conference_index: dict[str, int] = {}
        self.session_index: dict[str, int] = {}
        # What the import changed in objects that existed before it, for the audit
        # trail: (type, id) -> (before, after, body whose officers read the entry).
        self.changes: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any], int | None]] = {}

    # -- errors -----------------------------------------------------------------

    def error(self, path: str, message: str, value: Any = ...) -> None:
        if value is ...:
            self.errors.append(ChronicleError(path=path, message=message))
        else:
            self.errors.append(ChronicleError(path=path, message=message, value=value))
        if len(self.errors) >= MAX_ERRORS:
            raise _Abort

    def record_error(self, prefix: str, error: RecordError) -> None:
        located = error.at(prefix)
        self.error(located.path, located.message, located.value if error.has_value() else ...)

    # -- pass 1: validate and spill ------------------------------------------------

    def validate(self, fp: BinaryIO, spill_dir: Path, size: int | None) -> dict[str, Path]:
        spills: dict[str, Path] = {}
        with ExitStack() as stack:
            handles: dict[str, IO[bytes]] = {}
            self.progress.phase("Checking", size)
            try:
                self.validate_stream(fp, handles, spills, spill_dir, size, stack)
            except ChronicleInvalid as invalid:
                # Structural errors come after the items; keep the items' errors too.
                self.errors.extend(invalid.errors)
        return spills

    def validate_stream(
        self,
        fp: BinaryIO,
        handles: dict[str, IO[bytes]],
        spills: dict[str, Path],
        spill_dir: Path,
        size: int | None,
        stack: ExitStack,
    ) -> None:
        last = 0
        for section, index, raw in iter_items(fp):
            position = fp.tell() if hasattr(fp, "tell") else 0
            if position > last:
                self.progress.advance(position - last)
                last = position
            path = section if index is None else f"{section}[{index}]"
            model, errors = validate_item(section, index, raw)
            if errors:
                for error in errors:
                    self.errors.append(error)
                if len(self.errors) >= MAX_ERRORS:
                    raise _Abort
                continue
            if model is None:  # `chronicle` and the top-level `extra`: no item model
                if section == "extra":
                    self.top_extra = raw
                continue
            data = model.model_dump(mode="json", exclude_none=True, by_alias=True)
            self.note_ids(section, path, data)
            if section not in handles:
                spills[section] = spill_dir / f"{section}.spill"
                handles[section] = stack.enter_context(spills[section].open("wb"))
            # marshal: our own short-lived file of plain values, read back by this
            # process; several times faster than JSON both ways.
            marshal.dump((-1 if index is None else index, data), handles[section])

    def note_ids(self, section: str, path: str, data: dict[str, Any]) -> None:
        self.counts_seen[section] += 1
        if "id" in data:
            ids = self.file_ids[section]
            if data["id"] in ids:
                self.error(f"{path}.id", f"this id is already used in {section}", data["id"])
            ids.add(data["id"])
        if section == "decisions":
            for effect in data.get("effects", []):
                if effect["op"] == "found_body":
                    self.founded_by_decisions.add(effect["body"]["id"])
                    self.file_ids["bodies"].add(effect["body"]["id"])
                elif effect["op"] == "assign_task":
                    self.tasks_by_decisions.add(effect["task"]["id"])
                    self.file_ids["tasks"].add(effect["task"]["id"])
        if section == "sessions":
            for document in data.get("documents", []):
                self.file_ids["documents"].add(document["id"])
        if section == "people" and data.get("call_sign"):
            self.check_call_sign_id(path, data)

    def check_call_sign_id(self, path: str, data: dict[str, Any]) -> None:
        """Refuse a call-signed person whose id contains a word of their real name: the id
        is public (URLs, the API, the org chart), the real name is not."""
        names = real_names(
            name=data.get("name"),
            given=data.get("given"),
            family=data.get("family"),
            patronymic=data.get("patronymic"),
            variants=[(variant["name"], variant.get("kind")) for variant in data.get("names", [])],
        )
        revealed = revealed_words(data["id"], names)
        if revealed:
            self.error(
                f"{path}.id",
                "a person with a call sign needs an id that does not contain their real name "
                f"(it contains {', '.join(repr(word) for word in revealed)}): the id is public, "
                "so make it from the call sign or choose a neutral one",
                data["id"],
            )

    # -- references ----------------------------------------------------------------

    def ids_of(self, model: type[Model]) -> dict[str, int]:
        """Return slug → pk for every row of ``model`` (loaded once, kept up to date)."""
        if model not in self.pk:
            self.pk[model] = dict(model._default_manager.values_list("slug", "pk"))
        return self.pk[model]

    def person_aliases(self) -> dict[str, int]:
        """Return the id → kept person's pk of every merged person (docs/decisions/0032)."""
        if not hasattr(self, "_person_aliases"):
            self._person_aliases: dict[str, int] = dict(
                PersonAlias.objects.values_list("slug", "person_id")
            )
        return self._person_aliases

    def ref(self, model: type[Model], slug: str, path: str) -> int | None:
        pk = self.ids_of(model).get(slug)
        if pk is None and model is Person:
            # A file that names a merged person names the person they were merged into.
            pk = self.person_aliases().get(slug)
        if pk is None:
            self.error(path, f"no {model._meta.verbose_name} with this id", slug)
        return pk

    def awaits_body(self, slug: str) -> bool:
        """Return whether ``slug`` names a body that does not exist yet but will."""
        return slug not in self.ids_of(Body) and (
            slug in self.founded_by_decisions or slug in self.waiting_bodies
        )

    # -- pass 2: write ---------------------------------------------------------------

    def read(self, spills: dict[str, Path], section: str) -> Iterator[tuple[int, dict[str, Any]]]:
        if section not in spills:
            return
        with spills[section].open("rb") as handle:
            while True:
                try:
                    index, data = marshal.load(handle)
                except EOFError:
                    return
                yield index, data

    def write(self, spills: dict[str, Path]) -> None:
        total = sum(self.counts_seen.values())
        self.progress.phase("Writing", total)
        self.waiting_bodies: set[str] = set()
        for section in SECTIONS:
            handler = getattr(self, f"write_{section}")
            handler(spills)
        # Whatever still waits names a body no decision founded (a decision failed).
        for slug, items in self.waiting.items():
            for section, index, _item in items:
                self.error(f"{section}[{index}]", f"body {slug!r} was never founded", slug)

    def count(self, section: str, outcome: str, amount: int = 1) -> None:
        setattr(
            self.result.counts[section],
            outcome,
            getattr(self.result.counts[section], outcome) + amount,
        )
        self.progress.advance(amount)

    def apply_fields(self, obj: Model, values: dict[str, Any]) -> bool:
        """Set ``values`` on ``obj``; note what changed for the audit trail, return whether
        anything did."""
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name, value in values.items():
            old = getattr(obj, name)
            if old != value:
                key, before[key] = _audit_value(obj, name, old)
                after[key] = _audit_value(obj, name, value)[1]
                setattr(obj, name, value)
        if before:
            self.note_change(obj, before, after)
        return bool(before)

    def note_change(self, obj: Model, before: dict[str, Any], after: dict[str, Any]) -> None:
        """Record that the import changed ``obj`` from ``before`` to ``after``; values of one
        object changed in several steps merge into one change."""
        key = (_object_type(obj), _object_id(obj))
        if key not in self.changes:
            self.changes[key] = ({}, {}, _audit_body(obj))
        earlier, later, _body = self.changes[key]
        for name, value in before.items():
            earlier.setdefault(name, value)
        later.update(after)

    def upsert(
        self, section: str, model: type[Model], slug: str, values: dict[str, Any]
    ) -> tuple[Any, str]:
        """Create or update the object ``slug``; return it and what happened."""
        obj = model._default_manager.filter(slug=slug).first()
        if obj is None:
            obj = model._default_manager.create(slug=slug, **values)
            self.ids_of(model)[slug] = obj.pk
            return obj, "created"
        if self.apply_fields(obj, values):
            obj.save()
            return obj, "updated"
        return obj, "unchanged"

    # organization, vocabularies ---------------------------------------------------

    def write_organization(self, spills: dict[str, Path]) -> None:
        for _index, data in self.read(spills, "organization"):
            founded, precision = _start(data.get("founded"))
            values = {
                "name": data.get("name", ""),
                "short_name": data.get("short_name"),
                "languages": data.get("languages", []),
                "default_language": data.get("default_language", "en"),
                "founded": founded,
                "founded_precision": precision,
                "extra": data.get("extra"),
            }
            org = Organization.objects.first()
            if org is None:
                Organization.objects.create(**values)
                self.count("organization", "created")
            elif self.apply_fields(org, values):
                org.save()
                self.count("organization", "updated")
            else:
                self.count("organization", "unchanged")
        org = Organization.objects.first()
        if org is not None:
            self.default_language = org.default_language
            self.languages = list(org.languages or [])
        if self.top_extra is not None:
            if org is None:
                self.error("extra", "a top-level extra needs the organization it belongs to")
            elif org.chronicle_extra != self.top_extra:
                org.chronicle_extra = self.top_extra
                org.save(update_fields=["chronicle_extra"])

    def write_vocabulary(self, spills: dict[str, Path], section: str, model: type[Model]) -> None:
        for _index, data in self.read(spills, section):
            values = {
                "name": data["name"],
                "rank": data.get("rank", 100),
                "extra": data.get("extra"),
            }
            _obj, outcome = self.upsert(section, model, data["id"], values)
            self.count(section, outcome)
        known = set(model._default_manager.values_list("slug", flat=True))
        (self.kinds if model is BodyKind else self.roles).update(known)

    def write_body_kinds(self, spills: dict[str, Path]) -> None:
        self.write_vocabulary(spills, "body_kinds", BodyKind)

    def write_roles(self, spills: dict[str, Path]) -> None:
        self.write_vocabulary(spills, "roles", Role)

    def write_mandates(self, spills: dict[str, Path]) -> None:
        # Names only: a mandate id used without an entry stays valid (named by its id).
        for _index, data in self.read(spills, "mandates"):
            values = {"name": data["name"], "extra": data.get("extra")}
            _obj, outcome = self.upsert("mandates", Competence, data["id"], values)
            self.count("mandates", outcome)

    # bodies ---------------------------------------------------------------------------

    def body_values(self, data: dict[str, Any]) -> dict[str, Any]:
        founded, founded_precision = _start(data.get("founded"))
        dissolved, dissolved_precision = _end(data.get("dissolved"))
        return {
            "kind": data["kind"],
            "name": data["name"],
            "aliases": data.get("aliases", []),
            "number": data.get("number"),
            "countries": data.get("countries", []),
            "region": data.get("region"),
            "institution": data.get("institution"),
            "affiliated": data.get("affiliated", False),
            "internal": data.get("internal", False),
            "founded": founded,
            "founded_precision": founded_precision,
            "dissolved": dissolved,
            "dissolved_precision": dissolved_precision,
            "extra": data.get("extra"),
        }

    def write_bodies(self, spills: dict[str, Path]) -> None:
        # Bodies fit in memory (even 100,000 of them); parents must be written first.
        items = list(self.read(spills, "bodies"))
        by_slug = {data["id"]: (index, data) for index, data in items}
        for index, data in items:
            if data["kind"] not in self.kinds and data["kind"] not in self.file_ids["body_kinds"]:
                self.error(
                    f"bodies[{index}].kind",
                    "not a declared body kind nor a built-in one "
                    f"({', '.join(sorted(BUILTIN_BODY_KINDS))})",
                    data["kind"],
                )
            if data["id"] in self.founded_by_decisions:
                self.error(
                    f"bodies[{index}].id", "this body is also founded by a decision", data["id"]
                )
        existing = self.ids_of(Body)
        ordered: list[tuple[int, dict[str, Any]]] = []
        state: dict[str, int] = {}  # 1: visiting, 2: done

        def visit(slug: str) -> None:
            if state.get(slug) == 2:
                return
            index, data = by_slug[slug]
            if state.get(slug) == 1:
                self.error(f"bodies[{index}].parent", "the parents form a cycle", data["parent"])
                return
            state[slug] = 1
            parent = data.get("parent")
            if parent is not None and parent in by_slug:
                visit(parent)
            state[slug] = 2
            ordered.append((index, data))

        for slug in by_slug:
            visit(slug)
        if self.errors:
            return
        standing_mandates = defaultdict(set)
        for body_slug, mandate_slug in Mandate.objects.filter(
            decision__isnull=True, transferred_from__isnull=True
        ).values_list("body__slug", "slug"):
            standing_mandates[body_slug].add(mandate_slug)
        new_mandates: list[Mandate] = []
        for index, data in ordered:
            parent = data.get("parent")
            if parent and self.awaits_body(parent):
                self.waiting_bodies.add(data["id"])
                self.waiting[parent].append(("bodies", index, data))
                continue
            if data["id"] in self.waiting_bodies:
                continue
            self.write_body(index, data, existing, standing_mandates, new_mandates)
        Mandate.objects.bulk_create(new_mandates, batch_size=CHUNK)

    def write_body(
        self,
        index: int,
        data: dict[str, Any],
        existing: dict[str, int],
        standing_mandates: dict[str, set[str]],
        new_mandates: list[Mandate],
    ) -> None:
        values = self.body_values(data)
        parent = data.get("parent")
        values["parent_id"] = self.ref(Body, parent, f"bodies[{index}].parent") if parent else None
        slug = data["id"]
        mandates = data.get("mandates", [])
        if slug not in existing:
            body = Body.objects.create(slug=slug, **values)
            existing[slug] = body.pk
            outcome = "created"
        else:
            body = Body.objects.get(pk=existing[slug])
            outcome = "unchanged"
            if body.founded_by_id is not None:
                self.error(f"bodies[{index}].id", "this body was founded by a decision", slug)
                return
            if body.dissolved_by_id is not None:
                # The decision's dissolution stands; compare the rest.
                values.pop("dissolved"), values.pop("dissolved_precision")
            if self.apply_fields(body, values):
                body.save()
                outcome = "updated"
            if set(mandates) != standing_mandates.get(slug, set()):
                self.note_change(
                    body,
                    {"mandates": sorted(standing_mandates.get(slug, set()))},
                    {"mandates": sorted(mandates)},
                )
                Mandate.objects.filter(
                    body=body, decision__isnull=True, transferred_from__isnull=True
                ).delete()
                outcome = "updated"
            else:
                mandates = []
        for mandate in mandates:
            new_mandates.append(
                Mandate(
                    body_id=body.pk,
                    slug=mandate,
                    start=body.founded,
                    start_precision=body.founded_precision,
                    end=body.dissolved,
                    end_precision=body.dissolved_precision,
                )
            )
        self.count("bodies", outcome)
        self.release(slug)

    def release(self, slug: str) -> None:
        """Write the items that waited for body ``slug`` to exist."""
        for section, index, data in self.waiting.pop(slug, []):
            if section == "bodies":
                self.waiting_bodies.discard(data["id"])
                new: list[Mandate] = []
                self.write_body(index, data, self.ids_of(Body), {}, new)
                Mandate.objects.bulk_create(new)
            elif section == "terms":
                self.write_term_chunk([(index, data)])
            elif section == "sessions.hosts":
                session_pk, position = data["session"], data["position"]
                SessionHost.objects.create(
                    session_id=session_pk, body_id=self.ids_of(Body)[slug], position=position
                )
            elif section == "people.custodian":
                Person.objects.filter(pk=data["person"]).update(
                    custodian_id=self.ids_of(Body)[slug]
                )
            elif section == "tasks":
                self.write_task(index, data)

    # partners, people ----------------------------------------------------------------

    def write_partners(self, spills: dict[str, Path]) -> None:
        for _index, data in self.read(spills, "partners"):
            values = {
                "name": data["name"],
                "kind": data.get("kind", ""),
                "country": data.get("country", ""),
                "extra": data.get("extra"),
            }
            _obj, outcome = self.upsert("partners", Partner, data["id"], values)
            self.count("partners", outcome)

    def person_values(self, index: int, data: dict[str, Any]) -> dict[str, Any]:
        born, born_precision = _start(data.get("born"))
        custodian = data.get("custodian")
        custodian_pk = None
        if custodian and not self.awaits_body(custodian):
            custodian_pk = self.ref(Body, custodian, f"people[{index}].custodian")
        return {
            "name": data["name"],
            "given": data.get("given", ""),
            "family": data.get("family", ""),
            "patronymic": data.get("patronymic", ""),
            "call_sign": data.get("call_sign", ""),
            "born": born,
            "born_precision": born_precision,
            "custodian_id": custodian_pk,
            "public": data.get("public", False),
            "honorific": data.get("honorific"),
            "contact": data.get("contact", {}),
            "notes": data.get("notes", ""),
            "extra": data.get("extra"),
        }

    def person_related(
        self, index: int, person_pk: int, data: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        names = [
            {
                "person_id": person_pk,
                "name": variant["name"],
                "lang": variant.get("lang", ""),
                "kind": variant.get("kind", ""),
                "position": n,
            }
            for n, variant in enumerate(data.get("names", []))
        ]
        affiliations = []
        for n, affiliation in enumerate(data.get("affiliations", [])):
            partner = self.ref(
                Partner, affiliation["partner"], f"people[{index}].affiliations[{n}].partner"
            )
            if partner is None:
                continue
            start, start_precision = _start(affiliation.get("start"))
            end, end_precision = _end(affiliation.get("end"))
            affiliations.append(
                {
                    "person_id": person_pk,
                    "partner_id": partner,
                    "title": affiliation.get("title"),
                    "start": start,
                    "start_precision": start_precision,
                    "end": end,
                    "end_precision": end_precision,
                    "private": affiliation.get("private", False),
                    "position": n,
                }
            )
        return names, affiliations

    def write_people(self, spills: dict[str, Path]) -> None:
        chunk: list[tuple[int, dict[str, Any]]] = []
        for item in self.read(spills, "people"):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                self.write_people_chunk(chunk)
                chunk = []
        self.write_people_chunk(chunk)

    def write_people_chunk(self, chunk: list[tuple[int, dict[str, Any]]]) -> None:
        if not chunk:
            return
        ids = self.ids_of(Person)
        # A merged person's entry is not recorded again: the merge is the newer statement,
        # and what names them resolves to the kept person (`ref`).
        aliases = self.person_aliases()
        chunk = [(index, data) for index, data in chunk if data["id"] not in aliases]
        fresh = [(index, data) for index, data in chunk if data["id"] not in ids]
        known = [(index, data) for index, data in chunk if data["id"] in ids]
        insert_rows(
            Person,
            [{"slug": data["id"], **self.person_values(index, data)} for index, data in fresh],
        )
        if fresh:
            ids.update(
                Person.objects.filter(slug__in=[data["id"] for _, data in fresh]).values_list(
                    "slug", "pk"
                )
            )
        names: list[dict[str, Any]] = []
        affiliations: list[dict[str, Any]] = []
        for index, data in fresh:
            person_pk = ids[data["id"]]
            more_names, more_affiliations = self.person_related(index, person_pk, data)
            names += more_names
            affiliations += more_affiliations
            self.wait_for_custodian(index, data, person_pk)
        self.count("people", "created", len(fresh))
        if known:
            existing = {
                p.slug: p
                for p in Person.objects.filter(
                    slug__in=[d["id"] for _, d in known]
                ).prefetch_related("names", "affiliations")
            }
            for index, data in known:
                person = existing[data["id"]]
                values = self.person_values(index, data)
                if data.get("custodian") and self.awaits_body(data["custodian"]):
                    values.pop("custodian_id")
                changed = self.apply_fields(person, values)
                if changed:
                    person.save()
                new_names, new_affiliations = self.person_related(index, person.pk, data)
                fields: tuple[str, ...] = ("name", "lang", "kind")
                if _dict_rows(new_names, fields) != _rows(person.names.all(), fields):
                    self.note_change(
                        person,
                        {"names": [name.name for name in person.names.all()]},
                        {"names": [name["name"] for name in new_names]},
                    )
                    person.names.all().delete()
                    names += new_names
                    changed = True
                fields = (
                    "partner_id",
                    "title",
                    "start",
                    "start_precision",
                    "end",
                    "end_precision",
                    "private",
                )
                if _dict_rows(new_affiliations, fields) != _rows(person.affiliations.all(), fields):
                    self.note_change(
                        person,
                        {"affiliations": _plain(_rows(person.affiliations.all(), fields))},
                        {"affiliations": _plain(_dict_rows(new_affiliations, fields))},
                    )
                    person.affiliations.all().delete()
                    affiliations += new_affiliations
                    changed = True
                self.wait_for_custodian(index, data, person.pk)
                self.count("people", "updated" if changed else "unchanged")
        insert_rows(PersonName, names)
        insert_rows(Affiliation, affiliations)
        person_name_keys_refresh(person_ids=[ids[data["id"]] for _, data in chunk])

    def wait_for_custodian(self, index: int, data: dict[str, Any], person_pk: int) -> None:
        custodian = data.get("custodian")
        if custodian and self.awaits_body(custodian):
            self.waiting[custodian].append(("people.custodian", index, {"person": person_pk}))

    # terms ------------------------------------------------------------------------------

    def write_terms(self, spills: dict[str, Path]) -> None:
        chunk: list[tuple[int, dict[str, Any]]] = []
        for index, data in self.read(spills, "terms"):
            if self.awaits_body(data["body"]):
                self.waiting[data["body"]].append(("terms", index, data))
                continue
            chunk.append((index, data))
            if len(chunk) >= CHUNK:
                self.write_term_chunk(chunk)
                chunk = []
        self.write_term_chunk(chunk)

    def term_row(self, index: int, data: dict[str, Any]) -> _TermRow | None:
        path = f"terms[{index}]"
        person = self.ref(Person, data["person"], f"{path}.person")
        body = self.ref(Body, data["body"], f"{path}.body")
        if data["role"] not in self.roles:
            self.error(f"{path}.role", "not a declared role nor a built-in one", data["role"])
            return None
        if person is None or body is None:
            return None
        start, start_precision = _start(data["start"])
        assert start is not None
        written_end, written_precision = _end(data.get("end"))
        length = data.get("term_length", "")
        try:
            end, end_precision = term_rules.term_end_of(
                start=start, end=written_end, end_precision=written_precision, term_length=length
            )
        except InvalidDuration as error:  # it would end past the year 9999
            self.error(f"{path}.term_length", error.expected, length)
            return None
        if not term_rules.ends_after_start(start=start, end=end):
            self.error(
                f"{path}.end",
                f"the term must end after it starts ({data['start']})",
                data.get("end"),
            )
            return None
        return _TermRow(
            person_id=person,
            body_id=body,
            role=data["role"],
            title=data.get("title"),
            title_key=text_key(data.get("title")),
            start=start,
            start_precision=start_precision,
            end=end,
            end_precision=end_precision,
            term_length=length,
            how=data.get("how", ""),
        )

    def write_term_chunk(self, chunk: list[tuple[int, dict[str, Any]]]) -> None:
        """Write standing terms, checking twins against the database and each other."""
        if not chunk:
            return
        rows = [(index, self.term_row(index, data)) for index, data in chunk]
        candidates = [(index, row) for index, row in rows if row is not None]
        if not candidates:
            return
        people = {row.person_id for _, row in candidates}
        twins: dict[tuple[int, int, str, str], list[_TermRow]] = defaultdict(list)
        stored = ("pk", *TERM_COLUMNS, "decision_id", "end_reason", "ended_by_id")
        for values in Term.objects.filter(person_id__in=people).values_list(*stored):
            term = _TermRow(**dict(zip(stored, values, strict=True)))
            twins[(term.person_id, term.body_id, term.role, term.title_key)].append(term)
        bodies = {
            b.pk: b
            for b in Body.objects.filter(pk__in={row.body_id for _, row in candidates}).only(
                "slug", "founded", "dissolved"
            )
        }
        fresh: list[_TermRow] = []
        for index, row in candidates:
            path = f"terms[{index}]"
            key = (row.person_id, row.body_id, row.role, row.title_key)
            same = next((t for t in twins[key] if t.start == row.start), None)
            if same is not None:
                self.update_term(index, same, row)
                continue
            body = bodies[row.body_id]
            if term_rules.outside_body_life(
                start=row.start, founded=body.founded, dissolved=body.dissolved
            ):
                self.error(
                    f"{path}.start",
                    f"body {body.slug} does not exist then "
                    f"(founded {body.founded or 'unknown'}, dissolved {body.dissolved or 'no'})",
                    chunk_value(chunk, index, "start"),
                )
                continue
            for twin in term_rules.twins_a_reappointment_ends(
                twins[key], start=row.start, how=row.how
            ):
                self.close_twin(twin, row.start)
            clash = term_rules.overlapping_twin(twins[key], start=row.start, end=row.end)
            if clash is not None:
                self.error(
                    f"{path}.start",
                    "overlaps a term of the same person, body, role and title "
                    f"[{clash.start}, {clash.end or 'open'})",
                    chunk_value(chunk, index, "start"),
                )
                continue
            twins[key].append(row)
            fresh.append(row)
        insert_rows(Term, [{name: getattr(row, name) for name in TERM_COLUMNS} for row in fresh])
        self.count("terms", "created", len(fresh))

    def close_twin(self, twin: _TermRow, start: dt.date) -> None:
        # As registry.services.term_start does: the reappointment takes effect on its day.
        twin.end = start
        twin.end_precision = "day"
        twin.end_reason = "reappointed"
        if twin.pk is not None:
            self.apply_fields(
                Term.objects.select_related("person", "body").get(pk=twin.pk),
                {"end": twin.end, "end_precision": "day", "end_reason": "reappointed"},
            )
            Term.objects.filter(pk=twin.pk).update(
                end=twin.end, end_precision="day", end_reason="reappointed"
            )

    def update_term(self, index: int, term: _TermRow, row: _TermRow) -> None:
        if term.decision_id is not None:
            self.error(f"terms[{index}]", "this term was started by a decision", term.decision_id)
            return
        values = {
            "end": row.end,
            "end_precision": row.end_precision,
            "term_length": row.term_length,
            "how": row.how,
            "title": row.title,
        }
        if term.end_reason == "reappointed" or term.ended_by_id is not None:
            # Its end came from a reappointment or a decision, not from this file.
            values.pop("end"), values.pop("end_precision")
        if term.pk is None:
            self.error(f"terms[{index}]", "the same term is listed twice")
            return
        if any(getattr(term, name) != value for name, value in values.items()):
            stored = Term.objects.select_related("person", "body").get(pk=term.pk)
            self.apply_fields(stored, values)
            Term.objects.filter(pk=term.pk).update(**values)
            self.count("terms", "updated")
        else:
            self.count("terms", "unchanged")

    # meetings ----------------------------------------------------------------------------

    def write_commemorations(self, spills: dict[str, Path]) -> None:
        for _index, data in self.read(spills, "commemorations"):
            date, precision = _start(data["date"])
            values = {
                "name": data["name"],
                "date": date,
                "date_precision": precision,
                "extra": data.get("extra"),
            }
            _obj, outcome = self.upsert("commemorations", Commemoration, data["id"], values)
            self.count("commemorations", outcome)

    def write_conferences(self, spills: dict[str, Path]) -> None:
        for index, data in self.read(spills, "conferences"):
            self.conference_index[data["id"]] = index
            start, start_precision = _start(data.get("start"))
            end, end_precision = _end(data.get("end"))
            values = {
                "number": data.get("number"),
                "kind": data.get("kind", ""),
                "name": data["name"],
                "dedication": data.get("dedication"),
                "start": start,
                "start_precision": start_precision,
                "end": end,
                "end_precision": end_precision,
                "extra": data.get("extra"),
            }
            _obj, outcome = self.upsert("conferences", Conference, data["id"], values)
            self.count("conferences", outcome)

    def write_sessions(self, spills: dict[str, Path]) -> None:
        for index, data in self.read(spills, "sessions"):
            path = f"sessions[{index}]"
            self.session_index[data["id"]] = index
            date, precision = _start(data.get("date"))
            conference = data.get("conference")
            chair = data.get("chair")
            values = {
                "conference_id": self.ref(Conference, conference, f"{path}.conference")
                if conference
                else None,
                "day": data.get("day"),
                "title": data.get("title"),
                "date": date,
                "date_precision": precision,
                "country": data.get("country", ""),
                "city": data.get("city"),
                "region": data.get("region"),
                "venue": data.get("venue"),
                "format": data.get("format", ""),
                "chair_id": self.ref(Person, chair, f"{path}.chair") if chair else None,
                "internal": data.get("internal", False),
                "extra": data.get("extra"),
            }
            session, outcome = self.upsert("sessions", Session, data["id"], values)
            if self.write_session_parts(index, session, data) and outcome == "unchanged":
                outcome = "updated"
            self.count("sessions", outcome)
        self.check_schedules()

    def check_schedules(self) -> None:
        """Check the sessions of every conference this file writes or adds sessions to:
        each on one of its conference's days, day numbers in order (meetings.schedule)."""
        slugs = set(self.conference_index)
        sessions_in_file = list(self.session_index)
        for start in range(0, len(sessions_in_file), CHUNK):
            chunk = sessions_in_file[start : start + CHUNK]
            slugs.update(
                Session.objects.filter(slug__in=chunk, conference__isnull=False)
                .values_list("conference__slug", flat=True)
                .distinct()
            )
        for conference in Conference.objects.filter(slug__in=slugs).order_by("slug"):
            slots = [
                SessionSlot(key=slug, date=date, precision=precision, day=day)
                for slug, date, precision, day in Session.objects.filter(
                    conference=conference
                ).values_list("slug", "date", "date_precision", "day")
            ]
            for problem in conference_schedule_problems(conference, slots):
                session_slug = str(problem.key)
                if session_slug in self.session_index:
                    where = f"sessions[{self.session_index[session_slug]}].{problem.field}"
                    self.error(where, problem.message)
                else:
                    where = f"conferences[{self.conference_index[conference.slug]}]"
                    self.error(where, f"session {session_slug}: {problem.message}")

    def write_session_parts(self, index: int, session: Session, data: dict[str, Any]) -> bool:
        """Write hosts, occasions, attendees and documents; return whether any changed."""
        path = f"sessions[{index}]"
        changed = False
        hosts = [slug for slug in data.get("hosts", [])]
        current_hosts = list(session.hosts.values_list("body__slug", flat=True))
        if hosts != current_hosts:
            changed = True
            session.hosts.all().delete()
            rows = []
            for n, slug in enumerate(hosts):
                if self.awaits_body(slug):
                    self.waiting[slug].append(
                        ("sessions.hosts", index, {"session": session.pk, "position": n})
                    )
                    continue
                body = self.ref(Body, slug, f"{path}.hosts[{n}]")
                if body is not None:
                    rows.append(SessionHost(session=session, body_id=body, position=n))
            SessionHost.objects.bulk_create(rows)
        occasions = data.get("occasions", [])
        if occasions != list(session.occasions.values_list("commemoration__slug", flat=True)):
            changed = True
            session.occasions.all().delete()
            occasion_pks = [
                self.ref(Commemoration, slug, f"{path}.occasions[{n}]")
                for n, slug in enumerate(occasions)
            ]
            SessionOccasion.objects.bulk_create(
                SessionOccasion(session=session, commemoration_id=pk, position=n)
                for n, pk in enumerate(occasion_pks)
                if pk is not None
            )
        attendees = [
            (
                self.ref(Person, a["person"], f"{path}.attendees[{n}].person"),
                a["role"],
                a.get("capacity"),
            )
            for n, a in enumerate(data.get("attendees", []))
        ]
        if attendees != [(a.person_id, a.role, a.capacity) for a in session.attendees.all()]:
            changed = True
            session.attendees.all().delete()
            Attendance.objects.bulk_create(
                Attendance(session=session, person_id=pk, role=role, capacity=cap, position=n)
                for n, (pk, role, cap) in enumerate(attendees)
                if pk is not None
            )
        for n, document in enumerate(data.get("documents", [])):
            dpath = f"{path}.documents[{n}]"
            author = document.get("author")
            for m, signatory in enumerate(document.get("signatories", [])):
                self.ref(Person, signatory, f"{dpath}.signatories[{m}]")
            values = {
                "session_id": session.pk,
                "kind": document["kind"],
                "title": document["title"],
                "author_id": self.ref(Person, author, f"{dpath}.author") if author else None,
                "signatories": document.get("signatories", []),
                "text": document.get("text"),
                "position": n,
                "internal": document.get("internal", False),
                "extra": document.get("extra"),
            }
            existing = Document.objects.filter(slug=document["id"]).first()
            if existing is not None and existing.session_id != session.pk:
                self.error(
                    f"{dpath}.id", "this document belongs to another session", document["id"]
                )
                continue
            _doc, outcome = self.upsert("documents", Document, document["id"], values)
            changed = changed or outcome != "unchanged"
        return changed

    # relations -----------------------------------------------------------------------------

    def write_honours(self, spills: dict[str, Path]) -> None:
        for _index, data in self.read(spills, "honours"):
            values = {"name": data["name"], "kind": data["kind"], "extra": data.get("extra")}
            _obj, outcome = self.upsert("honours", Honour, data["id"], values)
            self.count("honours", outcome)

    def write_agreements(self, spills: dict[str, Path]) -> None:
        for index, data in self.read(spills, "agreements"):
            path = f"agreements[{index}]"
            for n, party in enumerate(data.get("parties", [])):
                if party != "self":
                    self.ref(Partner, party, f"{path}.parties[{n}]")
            date, precision = _start(data.get("date"))
            values: dict[str, Any] = {
                "title": data["title"],
                "parties": data.get("parties", []),
                "base_status": data.get("status", "proposed"),
                "base_date": data.get("date", ""),
                "articles": data.get("articles", []),
                "extra": data.get("extra"),
            }
            existing = Agreement.objects.filter(slug=data["id"]).first()
            if existing is None or existing.signed_by_id is None:
                values.update(status=values["base_status"], date=date, date_precision=precision)
            agreement, outcome = self.upsert("agreements", Agreement, data["id"], values)
            signatories = []
            for n, signatory in enumerate(data.get("signatories", [])):
                spath = f"{path}.signatories[{n}]"
                if signatory["party"] != "self" and signatory["party"] not in data.get(
                    "parties", []
                ):
                    self.error(
                        f"{spath}.party", "not one of the agreement's parties", signatory["party"]
                    )
                signatories.append(
                    AgreementSignatory(
                        agreement=agreement,
                        person_id=self.ref(Person, signatory["person"], f"{spath}.person") or 0,
                        party=signatory["party"],
                        title=signatory.get("title"),
                        position=n,
                    )
                )
            fields = ("person_id", "party", "title")
            signatories = [s for s in signatories if s.person_id]
            if _rows(signatories, fields) != _rows(agreement.signatories.all(), fields):
                agreement.signatories.all().delete()
                AgreementSignatory.objects.bulk_create(signatories)
                if outcome == "unchanged":
                    outcome = "updated"
            self.count("agreements", outcome)

    def write_tasks(self, spills: dict[str, Path]) -> None:
        for index, data in self.read(spills, "tasks"):
            if data["id"] in self.tasks_by_decisions:
                self.error(
                    f"tasks[{index}].id", "this task is also assigned by a decision", data["id"]
                )
                continue
            waits = [
                a["body"]
                for a in data.get("assignees", [])
                if "body" in a and self.awaits_body(a["body"])
            ]
            if waits:
                self.waiting[waits[0]].append(("tasks", index, data))
                continue
            self.write_task(index, data)

    def write_task(self, index: int, data: dict[str, Any]) -> None:
        due, precision = _start(data.get("due"))
        values = {
            "title": data["title"],
            "due": due,
            "due_precision": precision,
            "status": data.get("status", "open"),
            "extra": data.get("extra"),
        }
        existing = Task.objects.filter(slug=data["id"]).first()
        if existing is not None and existing.decision_id is not None:
            self.error(f"tasks[{index}].id", "this task was assigned by a decision", data["id"])
            return
        task, outcome = self.upsert("tasks", Task, data["id"], values)
        assignees = data.get("assignees", [])
        current = [
            {"body": a.body.slug} if a.body_id else {"person": a.person.slug}
            for a in task.assignees.select_related("body", "person")
        ]
        if assignees != current:
            try:
                task_assignees_set(task=task, assignees=assignees)
            except RecordError as error:
                self.record_error(f"tasks[{index}]", error)
            if outcome == "unchanged":
                outcome = "updated"
        self.count("tasks", outcome)

    # decisions -------------------------------------------------------------------------

    def write_decisions(self, spills: dict[str, Path]) -> None:
        pending: list[tuple[dt.date, int, Decision, bool]] = []
        for index, data in self.read(spills, "decisions"):
            path = f"decisions[{index}]"
            session = (
                Session.objects.select_related("conference").filter(slug=data["session"]).first()
                if data.get("session")
                else None
            )
            conference = (
                Conference.objects.filter(slug=data["conference"]).first()
                if data.get("conference")
                else None
            )
            if data.get("session") and session is None:
                self.error(f"{path}.session", "no session with this id", data["session"])
                continue
            if data.get("conference") and conference is None:
                self.error(f"{path}.conference", "no conference with this id", data["conference"])
                continue
            date: dt.date | None
            precision: str
            if data.get("date"):
                date, precision = _start(data["date"])
            else:
                default = decision_default_date(session=session, conference=conference)
                if default is None:
                    self.error(
                        f"{path}.date",
                        "required here: neither its session nor its conference has a date",
                    )
                    continue
                date, precision = default
            assert date is not None
            proposer = data.get("proposed_by")
            self.check_effect_references(path, data)
            values = {
                "session_id": session.pk if session else None,
                "conference_id": conference.pk if conference else None,
                "date": date,
                "date_precision": precision,
                "date_given": bool(data.get("date")),
                "kind": data["kind"],
                "text": data.get("text"),
                "proposed_by_id": self.ref(Person, proposer, f"{path}.proposed_by")
                if proposer
                else None,
                "status": data.get("status", "proposed"),
                "votes": data.get("votes"),
                "effects": data.get("effects", []),
                "position": index,
                "internal": data.get("internal", False),
                "extra": data.get("extra"),
            }
            decision = Decision.objects.filter(slug=data["id"]).first()
            if decision is None:
                decision = Decision.objects.create(slug=data["id"], **values)
                self.count("decisions", "created")
                pending.append((date, index, decision, decision.status == "adopted"))
                continue
            was_adopted = decision.status == "adopted"
            compare = dict(values)
            compare.pop("position")
            if not self.apply_fields(decision, compare):
                self.count("decisions", "unchanged")
                continue
            if was_adopted:
                try:
                    decision_revert(decision=decision)
                except RecordError as error:
                    self.record_error(path, error)
                    continue
            decision.position = index
            decision.save()
            self.count("decisions", "updated")
            pending.append((date, index, decision, decision.status == "adopted"))
        if self.errors:
            return
        # Effects apply in the order they happened, whatever the file's order.
        pending.sort(key=lambda item: (item[0], item[1]))
        for _date, index, decision, adopted in pending:
            if not adopted:
                continue
            try:
                # The file is the operator's: its references are resolved among everything.
                decision_apply(decision=decision, viewer=ADMIN)
            except RecordError as error:
                self.record_error(f"decisions[{index}]", error)
                continue
            for effect in decision.effects:
                if effect["op"] == "found_body":
                    slug = effect["body"]["id"]
                    self.ids_of(Body)[slug] = Body.objects.get(slug=slug).pk
                    self.release(slug)

    # newsroom ---------------------------------------------------------------------------

    def write_categories(self, spills: dict[str, Path]) -> None:
        for _index, data in self.read(spills, "categories"):
            values = {"name": data["name"], "extra": data.get("extra")}
            _obj, outcome = self.upsert("categories", Category, data["id"], values)
            self.count("categories", outcome)

    def write_tags(self, spills: dict[str, Path]) -> None:
        for _index, data in self.read(spills, "tags"):
            values = {"name": data["name"], "extra": data.get("extra")}
            _obj, outcome = self.upsert("tags", Tag, data["id"], values)
            self.count("tags", outcome)

    def check_language(self, path: str, lang: str) -> None:
        """Report a language the organization does not declare among its working languages."""
        if self.languages and lang not in self.languages:
            self.error(
                path,
                f"not one of the organization's languages ({', '.join(self.languages)})",
                lang,
            )

    def write_articles(self, spills: dict[str, Path]) -> None:
        for index, data in self.read(spills, "articles"):
            self.write_article(index, data)

    def write_article(self, index: int, data: dict[str, Any]) -> None:
        path = f"articles[{index}]"
        errors_before = len(self.errors)
        self.check_language(f"{path}.source_language", data["source_language"])
        for lang in data["translations"]:
            self.check_language(f"{path}.translations.{lang}", lang)
        category = data.get("category")
        category_pk = self.ref(Category, category, f"{path}.category") if category else None
        tags = [
            self.ref(Tag, slug, f"{path}.tags[{n}]") for n, slug in enumerate(data.get("tags", []))
        ]
        author = data.get("author") or {}
        author_person = (
            self.ref(Person, author["person"], f"{path}.author.person")
            if author.get("person")
            else None
        )
        author_body = (
            self.ref(Body, author["body"], f"{path}.author.body") if author.get("body") else None
        )
        about = data.get("about") or {}
        related: dict[str, list[int | None]] = {}
        for key, model, field_name in (
            ("bodies", Body, "about_bodies"),
            ("sessions", Session, "about_sessions"),
            ("conferences", Conference, "about_conferences"),
            ("people", Person, "about_people"),
        ):
            related[field_name] = [
                self.ref(model, slug, f"{path}.about.{key}[{n}]")
                for n, slug in enumerate(about.get(key, []))
            ]
        if len(self.errors) > errors_before:
            return
        publish_at = (
            dt.datetime.fromisoformat(data["publish_at"]).astimezone(dt.UTC)
            if data.get("publish_at")
            else None
        )
        values = {
            "category_id": category_pk,
            "source_language": data["source_language"],
            "publish_at": publish_at,
            "author_person_id": author_person,
            "author_body_id": author_body,
            "extra": data.get("extra"),
        }
        article, outcome = self.upsert("articles", Article, data["id"], values)
        changed = self.set_related(article, "tags", tags)
        for field_name, pks in related.items():
            changed = self.set_related(article, field_name, pks) or changed
        changed = self.write_translations(article, data) or changed
        if changed and outcome == "unchanged":
            outcome = "updated"
        self.count("articles", outcome)

    @staticmethod
    def set_related(article: Article, field_name: str, pks: list[int | None]) -> bool:
        """Make the many-to-many ``field_name`` of ``article`` hold ``pks``; say if it changed."""
        manager = getattr(article, field_name)
        wanted = {pk for pk in pks if pk is not None}
        if wanted == set(manager.values_list("pk", flat=True)):
            return False
        manager.set(wanted)
        return True

    def write_translations(self, article: Article, data: dict[str, Any]) -> bool:
        """Write the article's texts as the file gives them; return whether any changed.

        A translation created or changed here is taken to have been made from
        the source text as it stands in the file.
        """
        texts: dict[str, dict[str, Any]] = data["translations"]
        source = markdown_paragraphs(texts[data["source_language"]].get("body", ""))
        stored = {t.lang: t for t in article.translations.all()}
        changed = False
        for lang, text in texts.items():
            values = {
                "title": text["title"],
                "lead": text.get("lead", ""),
                "body": text.get("body", ""),
                "status": text["status"],
            }
            translation = stored.pop(lang, None)
            if translation is None:
                ArticleTranslation.objects.create(
                    article=article,
                    lang=lang,
                    source_paragraphs=[] if lang == data["source_language"] else source,
                    **values,
                )
                changed = True
                continue
            if lang == data["source_language"]:
                values["source_paragraphs"] = []
            elif any(getattr(translation, k) != v for k, v in values.items()):
                values["source_paragraphs"] = source
            if self.apply_fields(translation, values):
                translation.save()
                changed = True
        if stored:
            ArticleTranslation.objects.filter(pk__in=[t.pk for t in stored.values()]).delete()
            changed = True
        return changed

    def check_effect_references(self, path: str, data: dict[str, Any]) -> None:
        """Report references to unknown objects in the effects, all at once."""
        for n, effect in enumerate(data.get("effects", [])):
            epath = f"{path}.effects[{n}]"
            for key, section, model in (
                ("person", "people", Person),
                ("body", "bodies", Body),
                ("honour", "honours", Honour),
                ("agreement", "agreements", Agreement),
            ):
                value = effect.get(key)
                if (
                    isinstance(value, str)
                    and value not in self.ids_of(model)
                    and (value not in self.file_ids[section])
                ):
                    self.error(
                        f"{epath}.{key}", f"no {model._meta.verbose_name} with this id", value
                    )
            if effect.get("role") and effect["role"] not in self.roles:
                self.error(
                    f"{epath}.role", "not a declared role nor a built-in one", effect["role"]
                )
            if effect["op"] == "found_body":
                kind = effect["body"]["kind"]
                if kind not in self.kinds:
                    self.error(
                        f"{epath}.body.kind", "not a declared body kind nor a built-in one", kind
                    )
            for m, transfer in enumerate(effect.get("transfer", [])):
                if transfer.get("to_kind") and transfer["to_kind"] not in self.kinds:
                    self.error(
                        f"{epath}.transfer[{m}].to_kind", "not a body kind", transfer["to_kind"]
                    )
                if transfer.get("holder_role") and transfer["holder_role"] not in self.roles:
                    self.error(
                        f"{epath}.transfer[{m}].holder_role", "not a role", transfer["holder_role"]
                    )


def _source_name(source: str | Path | BinaryIO) -> str:
    """Return the file name an import came from ("-" for a stream without one)."""
    if isinstance(source, str | Path):
        return Path(source).name
    name = getattr(source, "name", None)
    return Path(name).name if isinstance(name, str) and not name.startswith("<") else "-"


def _plain(value: Any) -> Any:
    """Return ``value`` as JSON can hold it: dates as ISO text, tuples as lists."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _audit_value(obj: Model, name: str, value: Any) -> tuple[str, Any]:
    """Return the field's name and value as an audit entry shows them: a reference by
    the id of what it names (``custodian: ec-kz``), not by its row number."""
    field_ = obj._meta.get_field(name.removesuffix("_id"))
    if field_.is_relation and value is not None:
        related = field_.related_model
        pk = value.pk if isinstance(value, Model) else value
        if any(f.name == "slug" for f in related._meta.concrete_fields):  # type: ignore[union-attr]
            slug = related._default_manager.filter(pk=pk).values_list("slug", flat=True).first()  # type: ignore[union-attr]
            return field_.name, slug
        return field_.name, pk
    return field_.name, _plain(value)


def _object_type(obj: Model) -> str:
    return obj._meta.model_name or obj._meta.label_lower


def _object_id(obj: Model) -> str:
    """Return the id an audit entry names ``obj`` by: its Chronicle id where it has one."""
    if isinstance(obj, Term):
        return f"{obj.person.slug}/{obj.body.slug}/{obj.role}/{obj.start.isoformat()}"
    if isinstance(obj, Organization):
        return "organization"
    if isinstance(obj, ArticleTranslation):
        return f"{obj.article.slug}/{obj.lang}"
    return str(getattr(obj, "slug", None) or obj.pk)


def _audit_body(obj: Model) -> int | None:
    """Return the body whose officers read the entry about ``obj`` (None: administrators)."""
    if isinstance(obj, Body):
        return obj.pk
    if isinstance(obj, Person):
        return obj.custodian_id
    if isinstance(obj, Term):
        return obj.body_id
    return None


class _HashingReader:
    """A binary file that digests (SHA-256) what is read through it."""

    def __init__(self, fp: BinaryIO) -> None:
        self.fp = fp
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.fp.read(size)
        self.sha256.update(data)
        return data

    def tell(self) -> int:
        return self.fp.tell()

    def hexdigest(self) -> str:
        """Return the digest of the whole file, reading what the parser left unread."""
        while self.read(1 << 16):
            pass
        return self.sha256.hexdigest()


def chunk_value(chunk: list[tuple[int, dict[str, Any]]], index: int, key: str) -> Any:
    """Return the value of ``key`` of the item at file index ``index`` in ``chunk``."""
    return next(data.get(key) for i, data in chunk if i == index)


def _dict_rows(rows: list[dict[str, Any]], fields: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [tuple(row[name] for name in fields) for row in rows]


def _rows(objects: Any, fields: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [tuple(getattr(obj, name) for name in fields) for obj in objects]


def _audit_import(
    importer: _Importer,
    *,
    viewer: Viewer,
    via: str,
    at: dt.datetime,
    source: str | Path | BinaryIO,
    sha256: str,
) -> None:
    """Record the import in the audit trail: one entry for the file (who, which file and
    its SHA-256, the counts), then one per object it changed, with the fields before
    and after, all at the same time ``at``."""
    name = _source_name(source)
    audit_record(
        viewer=viewer,
        via=via,
        action="import",
        object_type="chronicle",
        object_id=name,
        at=at,
        after={
            "file": name,
            "sha256": sha256,
            **{what: importer.result.total(what) for what in OUTCOMES},
            "sections": {
                section: asdict(count) for section, count in importer.result.counts.items()
            },
            **(
                {"not_imported": {n.section: n.count for n in importer.result.not_imported}}
                if importer.result.not_imported
                else {}
            ),
        },
    )
    for (object_type, object_id), (before, after, body) in importer.changes.items():
        audit_record(
            viewer=viewer,
            via=via,
            action="import",
            object_type=object_type,
            object_id=object_id,
            at=at,
            body=body,
            before=before,
            after=after,
        )


def file_opened(stack: ExitStack, path: Path) -> BinaryIO:
    """Open ``path`` for reading, closed with ``stack``; raise :class:`ChronicleInvalid`
    (one error about the whole file) when it cannot be read."""
    try:
        return stack.enter_context(path.open("rb"))
    except OSError as error:
        raise ChronicleInvalid(
            [ChronicleError(path="", message=f"cannot read {path}: {error.strerror}")]
        ) from None


def chronicle_import(
    source: str | Path | BinaryIO,
    *,
    progress: Progress | None = None,
    viewer: Viewer | None = None,
    via: str = "cli",
    at: dt.datetime | None = None,
    on_wait: Callable[[], None] | None = None,
    source_sha256: str | None = None,
    unchanged: Mapping[str, int] | None = None,
    not_imported: Iterable[NotImported] = (),
) -> ImportResult:
    """Import the Chronicle at ``source`` (a path or a binary file) and return the counts.

    Raises ``ChronicleInvalid`` with every error found; the database is then
    exactly as it was. Given a ``viewer`` (and the time ``at``), the import is
    recorded in the audit trail in the same transaction: who, which file (name
    and SHA-256) and, for every object that existed and was changed, its fields
    before and after (objects it creates are counted, not listed).

    ``source_sha256`` is the digest the audit trail records instead of the file's own:
    an import translated from another format (Popolo) records the original file's, and
    ``unchanged`` counts, per section, the objects the translation left out because the
    file only repeats them as recorded; ``not_imported``, the parts of that file it read
    and left out, which the result and the audit trail then name.

    Imports run one at a time: one that finds another writing calls ``on_wait``
    once and waits for it to finish (see core.locks.import_lock).

    The errors are in English whatever language is active (the importer's own messages
    are, and a program may read them): the services' messages, translated for the desk,
    are rendered here in English too, naming records by id and days as ISO dates.
    """
    if viewer is not None and at is None:
        raise ValueError("an audited import needs the time it happens at")
    importer = _Importer(progress or Progress())
    for section, amount in (unchanged or {}).items():
        importer.result.counts[section].unchanged += amount
    importer.result.not_imported.extend(not_imported)
    with ExitStack() as stack:
        stack.enter_context(translation.override(IMPORT_LANGUAGE))
        # The file names everything by id: so do the services' messages (ISO days too).
        stack.enter_context(record_errors_by_id())
        if isinstance(source, str | Path):
            path = Path(source)
            fp: BinaryIO = file_opened(stack, path)
            size: int | None = path.stat().st_size
        else:
            fp, size = source, None
        reader = _HashingReader(fp)
        spill_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="chronicle-")))
        spills: dict[str, Path] = {}
        with suppress(_Abort):
            spills = importer.validate(reader, spill_dir, size)  # type: ignore[arg-type]
        if importer.errors:
            raise ChronicleInvalid(importer.errors)
        sha256 = source_sha256 or reader.hexdigest()
        with transaction.atomic():
            import_lock(on_wait=on_wait)
            with suppress(_Abort):
                importer.write(spills)
            if importer.errors:
                raise ChronicleInvalid(importer.errors)
            # Bulk writes send no signals: the public site's cached pages go stale here.
            public_pages_changed()
            # ...and the viewers built on the body tree and the grants (core.generations).
            generation_bump("bodies", "grants")
            if viewer is not None:
                assert at is not None
                _audit_import(importer, viewer=viewer, via=via, at=at, source=source, sha256=sha256)
    if importer.result.total("created") >= ANALYZE_AFTER:
        # Fresh statistics, or the planner keeps treating the tables as small and
        # scans millions of terms for an org chart.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return importer.result


__all__ = ["ChronicleInvalid", "ImportResult", "NotImported", "Progress", "chronicle_import"]

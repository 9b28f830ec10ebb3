"""The steps of a decision: each a small form that turns into exactly one Chronicle effect
and back, so that a saved decision is edited as the steps it was composed of.

A step knows which of its fields an error of the meetings service names (the service
says ``effects[2].person``; the desk shows it beside the person of step 3). Choices
that depend on what is already typed (the current holders of a body, the mandates of
the body being dissolved) are computed from the form's data: without scripts the
writer picks the body and presses "Update choices".
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.intervals import held_on
from chapterhouse.core.labels import label
from chapterhouse.core.language import body_kind_name, role_name, text
from chapterhouse.core.vocabulary import BUILTIN_BODY_KINDS, BUILTIN_ROLES
from chapterhouse.custody.access import Viewer, may_choose_ids
from chapterhouse.meetings.models import Document, Session
from chapterhouse.registry.mandates import mandate_names
from chapterhouse.registry.models import Body, BodyKind, Mandate, Role, Term
from chapterhouse.relations.models import Agreement, Honour, Task
from chapterhouse.web.fields import (
    DeskForm,
    OptionsSelect,
    OptionsSelectMultiple,
    PartialDateField,
    PersonPickerField,
    PersonPickerInput,
    RecordChoiceField,
    RecordMultipleChoiceField,
    TextByLanguageField,
    country_choices,
    person_label,
)


@dataclass(frozen=True)
class DeskContext:
    """What every step of one decision shares: who writes, the decision's date (for the
    choices that depend on it) and its session (for the documents it may cite)."""

    viewer: Viewer
    on: dt.date
    session: Session | None


# -- vocabularies -----------------------------------------------------------------------------


def role_choices() -> list[tuple[str, str]]:
    """Return every role (built in and declared), by rank, named in the reader's language."""
    ranks = {slug: rank for slug, (_name, rank) in BUILTIN_ROLES.items()}
    ranks.update(dict(Role.objects.values_list("slug", "rank")))
    return [(slug, role_name(slug)) for slug in sorted(ranks, key=lambda s: (ranks[s], s))]


def kind_choices() -> list[tuple[str, str]]:
    """Return every body kind (built in and declared), by rank, named in the reader's
    language."""
    ranks = {slug: rank for slug, (_name, rank) in BUILTIN_BODY_KINDS.items()}
    ranks.update(dict(BodyKind.objects.values_list("slug", "rank")))
    return [(slug, body_kind_name(slug)) for slug in sorted(ranks, key=lambda s: (ranks[s], s))]


REASONS = ("resigned", "removed", "died", "term_expired")


def _how_choices() -> list[tuple[str, str]]:
    return [
        (how, label(how, "how"))
        for how in ("elected", "appointed", "coopted", "reappointed", "acting")
    ]


def _reason_choices() -> list[tuple[str, str]]:
    return [("", "—"), *((reason, label(reason, "reason")) for reason in REASONS)]


def _term_length_choices() -> list[tuple[str, str]]:
    years = [(f"P{n}Y", _("%(count)s year(s)") % {"count": n}) for n in range(1, 6)]
    return [("", _("No fixed length")), *years]


def honour_options(viewer: Viewer) -> list[tuple[str, str, str]]:
    """Return ``(id, name, every name)`` for each honour of the organization."""
    rows = Honour.objects.order_by("slug").values_list("slug", "name")
    return [(slug, text(name), f"{slug} {text(name)}") for slug, name in rows]


def _unused_slug(model: Any, stem: str) -> str:
    """Return ``stem``, or ``stem-2`` … when a record already has it (an administrator's
    ids are used as given; anyone else's get random characters from the service)."""
    slug, n = stem, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{stem}-{n}"
    return slug


def _stem(value: Any, fallback: str) -> str:
    first = next(iter(value.values()), "") if isinstance(value, dict) else str(value or "")
    return slugify(first)[:60].strip("-") or fallback


class PeoplePickerField(PersonPickerField):
    """Several people, typed as names separated by semicolons; cleans to their ids."""

    def __init__(self, **kwargs: Any) -> None:
        # The type-ahead suggests for the name after the last semicolon (desk.js).
        kwargs.setdefault("widget", PersonPickerInput(attrs={"data-separator": ";"}))
        kwargs.setdefault(
            "help_text",
            gettext_lazy("Names (any script) or call signs, separated by semicolons."),
        )
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def set_viewer(self, viewer: Viewer) -> None:
        self.viewer = viewer

    def to_python(self, value: Any) -> Any:
        if isinstance(value, list):
            return value
        parts = [part.strip() for part in re.split(r"[;\n]", str(value or "")) if part.strip()]
        found: list[str] = []
        problems: list[str] = []
        for part in parts:
            try:
                found.append(PersonPickerField.to_python(self, part))
            except forms.ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise forms.ValidationError(problems)
        return found

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value: Any) -> None:
        return None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list) and self.viewer is not None:
            from chapterhouse.registry.selectors import people_visible

            people = {p.slug: p for p in people_visible(viewer=self.viewer).filter(slug__in=value)}
            return "; ".join(
                person_label(self.viewer, people[slug]) if slug in people else slug
                for slug in value
            )
        return value


# -- steps ------------------------------------------------------------------------------------


class Step(DeskForm):
    """One step of a decision: exactly one Chronicle effect."""

    op: ClassVar[str]
    title: ClassVar[Promise]
    add_label: ClassVar[Promise]
    refreshes: ClassVar[bool] = False  # has choices that follow what is typed
    # Where the service's path (after ``effects[n].``) is shown; "" is the step as a whole.
    paths: ClassVar[dict[str, str]] = {}

    template_name = "web/forms/_step.html"
    # The desk's template lists the step classes; a template would call a class.
    do_not_call_in_templates = True

    # Keys of the effect this step does not edit, carried through unchanged (the
    # post's own title, an explicit end …), so editing a decision loses nothing.
    keep = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, desk: DeskContext, **kwargs: Any) -> None:
        self.desk = desk
        super().__init__(*args, viewer=desk.viewer, **kwargs)
        self.prepare()

    def prepare(self) -> None:
        """Compute the choices that depend on the decision or on what is typed."""

    def raw(self, name: str) -> Any:
        """Return what is typed in ``name`` (bound) or its initial value."""
        if self.is_bound:
            field = self.fields[name]
            return field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        return self.initial.get(name)

    def typed(self) -> dict[str, Any]:
        """Return what is typed in every field, as an unbound copy's ``initial``."""
        return {name: self.raw(name) for name in self.fields}

    def kept(self) -> dict[str, Any]:
        try:
            value = json.loads(self.cleaned_data.get("keep") or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @classmethod
    def initial_from(cls, effect: dict[str, Any], desk: DeskContext) -> dict[str, Any]:
        """Return the step's initial values for a saved ``effect``."""
        raise NotImplementedError

    @staticmethod
    def keep_of(effect: dict[str, Any], *edited: str) -> str:
        rest = {k: v for k, v in effect.items() if k not in {"op", *edited} and v is not None}
        return json.dumps(rest, ensure_ascii=False) if rest else ""

    def effect(self) -> dict[str, Any]:
        """Return the step's effect (call after ``is_valid``)."""
        raise NotImplementedError

    def field_for(self, path: str) -> str | None:
        """Return the field an error at ``path`` (inside the effect) belongs beside."""
        for prefix, name in sorted(self.paths.items(), key=lambda item: -len(item[0])):
            if path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "["):
                return name if name in self.fields else None
        return None

    def show_error(self, path: str, message: str) -> None:
        self.add_error(self.field_for(path), message)


def _body_field(**kwargs: Any) -> RecordChoiceField:
    return RecordChoiceField(label=gettext_lazy("Body"), **kwargs)


class StartTermStep(Step):
    op = "start_term"
    title = gettext_lazy("Elect, appoint, co-opt or re-appoint someone to a post")
    add_label = gettext_lazy("Add: elect someone")
    paths = {
        "person": "person",
        "body": "body",
        "role": "role",
        "title": "role",
        "how": "how",
        "start": "start",
        "end": "start",
        "term_length": "term_length",
    }

    person = PersonPickerField(label=gettext_lazy("Person"))
    body = _body_field()
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        help_text=gettext_lazy(
            "Every role is offered: the organization does not say which roles each kind of"
            " body has."
        ),
    )
    how = forms.ChoiceField(label=gettext_lazy("How"))
    start = PartialDateField(
        label=gettext_lazy("Start"),
        required=False,
        help_text=gettext_lazy("Blank: the decision's date."),
    )
    term_length = forms.ChoiceField(label=gettext_lazy("Term length"), required=False)

    def prepare(self) -> None:
        self.fields["role"].choices = [("", "—"), *role_choices()]  # type: ignore[attr-defined]
        self.fields["how"].choices = _how_choices()  # type: ignore[attr-defined]
        self.fields["term_length"].choices = _term_length_choices()  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, effect: dict[str, Any], desk: DeskContext) -> dict[str, Any]:
        return {
            "person": effect.get("person"),
            "body": effect.get("body"),
            "role": effect.get("role"),
            "how": effect.get("how") or "elected",
            "start": effect.get("start") or "",
            "term_length": effect.get("term_length") or "",
            "keep": cls.keep_of(effect, "person", "body", "role", "how", "start", "term_length"),
        }

    def effect(self) -> dict[str, Any]:
        data = self.cleaned_data
        effect = {
            "op": self.op,
            "person": data["person"],
            "body": data["body"],
            "role": data["role"],
            "how": data["how"],
            **self.kept(),
        }
        if data["start"]:
            effect["start"] = data["start"]
        if data["term_length"]:
            effect["term_length"] = data["term_length"]
        return effect


def _holder_value(person: str, role: str, title: Any) -> str:
    return json.dumps([person, role, title], ensure_ascii=False, separators=(",", ":"))


class EndTermStep(Step):
    op = "end_term"
    title = gettext_lazy("End a term")
    add_label = gettext_lazy("Add: end a term")
    refreshes = True
    paths = {
        "person": "holder",
        "role": "holder",
        "title": "holder",
        "end": "holder",
        "body": "body",
        "reason": "reason",
    }

    body = _body_field(help_text=gettext_lazy("Choose the body, then “Update choices”."))
    holder = forms.ChoiceField(
        label=gettext_lazy("Whose term"),
        help_text=gettext_lazy("Those who hold a post in the body on the decision's date."),
    )
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), required=False)

    def prepare(self) -> None:
        self.fields["reason"].choices = _reason_choices()  # type: ignore[attr-defined]
        self.fields["holder"].widget = OptionsSelect()
        self.fields["holder"].choices = self.holder_choices()  # type: ignore[attr-defined]

    def holder_choices(self) -> list[tuple[str, str]]:
        """Return "Name — role" for each current holder of the chosen body (and the
        holder this step already names, current or not)."""
        body = self.raw("body")
        choices: list[tuple[str, str]] = [("", "—")]
        if not body:
            return choices
        viewer, on = self.desk.viewer, self.desk.on
        terms = (
            Term.objects.filter(body__slug=body)
            .filter(viewer.body_filter("body__"))
            .filter(viewer.people_filter("person__"))
            .select_related("person")
        )
        current = terms.filter(held_on(on) | Q(start__lte=on, ended_by__isnull=False, end=on))
        chosen = self.raw("holder")
        seen: set[str] = set()
        for term in current.order_by("role", "person__name"):
            value = _holder_value(term.person.slug, term.role, term.title)
            if value in seen:
                continue
            seen.add(value)
            post = text(term.title) or role_name(term.role)
            choices.append((value, f"{viewer.display_name(term.person)} — {post}"))
        if chosen and chosen not in seen:
            try:
                person, role, title = json.loads(chosen)
            except (ValueError, TypeError):
                return choices
            found = terms.filter(person__slug=person).first()
            name = viewer.display_name(found.person) if found is not None else str(person)
            choices.append((chosen, f"{name} — {text(title) or role_name(str(role))}"))
        return choices

    @classmethod
    def initial_from(cls, effect: dict[str, Any], desk: DeskContext) -> dict[str, Any]:
        reason = effect.get("reason")
        edited = ["person", "body", "role", "title"]
        if reason in REASONS:
            edited.append("reason")
        return {
            "body": effect.get("body"),
            "holder": _holder_value(effect["person"], effect["role"], effect.get("title")),
            "reason": reason if reason in REASONS else "",
            "keep": cls.keep_of(effect, *edited),
        }

    def effect(self) -> dict[str, Any]:
        data = self.cleaned_data
        person, role, title = json.loads(data["holder"])
        effect: dict[str, Any] = {
            "op": self.op,
            "person": person,
            "body": data["body"],
            "role": role,
            **self.kept(),
        }
        if title:
            effect["title"] = title
        if data["reason"]:
            effect["reason"] = data["reason"]
        return effect


class FoundBodyStep(Step):
    op = "found_body"
    title = gettext_lazy("Found a body")
    add_label = gettext_lazy("Add: found a body")
    paths = {
        "body.id": "name",
        "body.name": "name",
        "body.kind": "kind",
        "body.parent": "parent",
        "body.countries": "countries",
        "body.number": "number",
        "body": "name",
    }

    id = forms.CharField(widget=forms.HiddenInput, required=False)
    name = TextByLanguageField(label=gettext_lazy("Name"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"))
    parent = RecordChoiceField(
        label=gettext_lazy("Reports to"),
        required=False,
        help_text=gettext_lazy("Blank: a body at the top of the organization."),
    )
    countries = forms.MultipleChoiceField(
        label=gettext_lazy("Countries"), required=False, widget=OptionsSelectMultiple
    )
    number = forms.IntegerField(
        label=gettext_lazy("Number"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Its ordinal, e.g. 3 for the 3rd department."),
    )

    def prepare(self) -> None:
        self.fields["kind"].choices = [("", "—"), *kind_choices()]  # type: ignore[attr-defined]
        self.fields["countries"].choices = country_choices()  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, effect: dict[str, Any], desk: DeskContext) -> dict[str, Any]:
        body = effect.get("body") or {}
        edited = ("id", "name", "kind", "parent", "countries", "number")
        rest = {k: v for k, v in body.items() if k not in edited and v is not None}
        keep = {**({"body": rest} if rest else {})}
        keep.update({k: v for k, v in effect.items() if k not in {"op", "body"}})
        return {
            "id": body.get("id", ""),
            "name": body.get("name"),
            "kind": body.get("kind"),
            "parent": body.get("parent") or "",
            "countries": body.get("countries") or [],
            "number": body.get("number"),
            "keep": json.dumps(keep, ensure_ascii=False) if keep else "",
        }

    def effect(self) -> dict[str, Any]:
        data = self.cleaned_data
        kept = self.kept()
        body: dict[str, Any] = dict(kept.pop("body", None) or {})
        slug = data["id"] or (
            _unused_slug(Body, _stem(data["name"], "body"))
            if may_choose_ids(self.viewer)
            else _stem(data["name"], "body")
        )
        body.update({"id": slug, "kind": data["kind"], "name": data["name"]})
        if data["parent"]:
            body["parent"] = data["parent"]
        if data["countries"]:
            body["countries"] = data["countries"]
        if data["number"]:
            body["number"] = data["number"]
        return {"op": self.op, "body": body, **kept}


class RenameBodyStep(Step):
    op = "rename_body"
    title = gettext_lazy("Rename a body")
    add_label = gettext_lazy("Add: rename a body")
    paths = {"body": "body", "name": "name"}

    body = _body_field()
    name = TextByLanguageField(label=gettext_lazy("New name"))

    @classmethod
    def initial_from(cls, effect: dict[str, Any], desk: DeskContext) -> dict[str, Any]:
        return {
            "body": effect.get("body"),
            "name": effect.get("name"),
            "keep": cls.keep_of(effect, "body", "name"),
        }

    def effect(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"op": self.op, "body": data["body"], "name": data["name"], **self.kept()}


_ROW = re.compile(r"^m(\d+)$")


class DissolveBodyStep(Step):
    """Dissolve a body; one hand-over row for each mandate it holds on the decision's date."""

    op = "dissolve_body"
    title = gettext_lazy("Dissolve a body and hand over its mandates")
    add_label = gettext_lazy("Add: dissolve a body")
    refreshes = True
    paths = {"body": "body", "date": "body"}

    body = _body_field(help_text=gettext_lazy("Choose the body, then “Update choices”."))

    def prepare(self) -> None:
        self.rows: list[str] = []
        if self.is_bound:
            n = 0
            while self.add_prefix(f"m{n}") in self.data:
                self.rows.append(str(self.data[self.add_prefix(f"m{n}")]))
                n += 1
        else:
            self.rows = self.mandates_held()
        kinds = [("", "—"), *kind_choices()]
        roles = [("", "—"), *role_choices()]
        for n, mandate in enumerate(self.rows):
            self.fields[f"m{n}"] = forms.CharField(
                widget=forms.HiddenInput, initial=mandate, required=False
            )
            to = RecordMultipleChoiceField(label=gettext_lazy("To these bodies"), required=False)
            to.set_viewer(self.viewer)
            self.fields[f"m{n}_to"] = to
            self.fields[f"m{n}_to_kind"] = forms.ChoiceField(
                label=gettext_lazy("Or to every body of this kind"), required=False, choices=kinds
            )
            self.fields[f"m{n}_holder_role"] = forms.ChoiceField(
                label=gettext_lazy("Held there by"),
                required=False,
                choices=roles,
                help_text=gettext_lazy("Blank: the whole body holds it."),
            )
            self.fields[f"m{n}_lapse"] = forms.BooleanField(
                label=gettext_lazy("It lapses: hand it to no one"), required=False
            )
            if not self.is_bound:
                self.initial.setdefault(f"m{n}", mandate)

    def mandates_held(self) -> list[str]:
        """Return the mandates the chosen body holds on the last day before the decision."""
        body = self.raw("body")
        if not body:
            return []
        last_day = self.desk.on - dt.timedelta(days=1)
        held = (
            Mandate.objects.filter(body__slug=body)
            .filter(self.viewer.body_filter("body__"))
            .filter(held_on(last_day, open_start=True))
        )
        slugs = sorted(set(held.values_list("slug", flat=True)))
        # The hand-overs already typed (or saved) for these mandates are kept.
        typed = {
            str(self.initial.get(key)): int(match.group(1))
            for key in list(self.initial)
            if (match := _ROW.match(key))
        }
        remapped: dict[str, Any] = {}
        for n, slug in enumerate(slugs):
            old = typed.get(slug)
            if old is None and self.initial.get("saved"):
                remapped[f"m{n}_lapse"] = True  # saved without a hand-over: it lapsed
            for suffix in ("_to", "_to_kind", "_holder_role", "_lapse"):
                if old is not None:
                    remapped[f"m{n}{suffix}"] = self.initial.get(f"m{old}{suffix}")
            remapped[f"m{n}"] = slug
        for key in [key for key in self.initial if key.startswith("m") and key[1:2].isdigit()]:
            del self.initial[key]
        self.initial.update({k: v for k, v in remapped.items() if v is not None})
        return slugs

    def row_fields(self) -> list[tuple[str, list[Any]]]:
        """Return each mandate's name (in the active language) with its bound fields, for the
        template."""
        names = mandate_names(self.rows)
        return [
            (
                text(names[mandate]),
                [self[f"m{n}{suffix}"] for suffix in ("_to", "_to_kind", "_holder_role", "_lapse")],
            )
            for n, mandate in enumerate(self.rows)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n, _mandate in enumerate(self.rows):
            to = data.get(f"m{n}_to")
            to_kind = data.get(f"m{n}_to_kind")
            if data.get(f"m{n}_lapse"):
                if to or to_kind:
                    self.add_error(
                        f"m{n}_to",
                        _("A mandate that lapses is handed to no one: clear the bodies."),
                    )
                continue
            if not to and not to_kind:
                self.add_error(
                    f"m{n}_to",
                    _(
                        "Hand it over to some bodies or to every body of a kind,"
                        " or say that it lapses."
                    ),
                )
            elif to and to_kind:
                self.add_error(
                    f"m{n}_to_kind",
                    _("Either named bodies or every body of a kind, not both."),
                )
        return data

    def field_for(self, path: str) -> str | None:
        match = re.match(r"transfer\[(\d+)\]\.?([a-z_]*)", path)
        if match:
            index, key = int(match.group(1)), match.group(2)
            transfers = self.transfer_rows()
            if index < len(transfers):
                n = transfers[index]
                name = {"to_kind": "_to_kind", "holder_role": "_holder_role"}.get(key, "_to")
                return f"m{n}{name}"
        return super().field_for(path)

    def transfer_rows(self) -> list[int]:
        """Return the row number of each transfer the effect lists, in order."""
        data = getattr(self, "cleaned_data", {})
        return [n for n in range(len(self.rows)) if not data.get(f"m{n}_lapse")]

    @classmethod
    def initial_from(cls, effect: dict[str, Any], desk: DeskContext) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "body": effect.get("body"),
            "keep": cls.keep_of(effect, "body", "transfer"),
        }
        given = {t["mandate"]: t for t in effect.get("transfer") or []}
        # Rows follow the body's mandates (see mandates_held); a mandate with no
        # hand-over in a saved decision lapsed.
        for n, (slug, transfer) in enumerate(given.items()):
            initial[f"m{n}"] = slug
            initial[f"m{n}_to"] = transfer.get("to") or []
            initial[f"m{n}_to_kind"] = transfer.get("to_kind") or ""
            initial[f"m{n}_holder_role"] = transfer.get("holder_role") or ""
        initial["saved"] = True
        return initial

    def effect(self) -> dict[str, Any]:
        data = self.cleaned_data
        transfers = []
        for n in self.transfer_rows():
            transfer: dict[str, Any] = {"mandate": self.rows[n]}
            if data.get(f"m{n}_to"):
                transfer["to"] = data[f"m{n}_to"]
            else:
                transfer["to_kind"] = data[f"m{n}_to_kind"]
            if data.get(f"m{n}_holder_role"):
                transfer["holder_role"] = data[f"m{n}_holder_role"]
            transfers.append(transfer)
        effect: dict[str, Any] = {"op": self.op, "body": data["body"], **self.kept()}
        if transfers:
            effect["transfer"] = transfers
        return effect


def _document_choices(desk: DeskContext, keep: str | None) -> list[tuple[str, str]]:
    documents = Document.objects.filter(desk.viewer.document_filter())
    where = Q(session=desk.session) if desk.session is not None else Q(pk__in=[])
    if keep:
        where |= Q(slug=keep)
    rows = documents.filter(where).order_by("position", "pk").values_list("slug", "kind", "title")
    return [("", "—")] + [
        (slug, f"{text(title)} ({label(kind, 'document_kind')})") for slug, kind, title in rows
    ]


class AwardStep(Step):
    op = "award"
    title = gettext_lazy("Award an honour")
    add_label = gettext_lazy("Add: award an honour")
    paths = {"person": "person", "honour": "honour", "citation": "citation", "letter": "letter"}

    person = PersonPickerField(label=gettext_lazy("Person"))
    honour = RecordChoiceField(label=gettext_lazy("Honour"), options=honour_options)
    citation = forms.ChoiceField(
        label=gettext_lazy("Citation"),
        required=False,
        help_text=gettext_lazy("A document of this session, or write a letter of thanks below."),
    )
    letter = TextByLanguageField(
        label=gettext_lazy("Letter of thanks"),
        multiline=True,
        required=False,
        help_text=gettext_lazy("Saved as a letter of the session and cited."),
    )

    def prepare(self) -> None:
        self.fields["citation"].choices = _document_choices(self.desk, self.raw("citation"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("citation") and data.get("letter"):
            self.add_error("letter", _("Cite a document or write a letter, not both."))
        if data.get("letter") and self.desk.session is None:
            self.add_error("letter", _("A letter of thanks belongs to a session: choose one."))
        return data

    @classmethod
    def initial_from(cls, effect: dict[str, Any], desk: DeskContext) -> dict[str, Any]:
        return {
            "person": effect.get("person"),
            "honour": effect.get("honour"),
            "citation": effect.get("citation") or "",
            "keep": cls.keep_of(effect, "person", "honour", "citation"),
        }

    def effect(self) -> dict[str, Any]:
        data = self.cleaned_data
        effect = {
            "op": self.op,
            "person": data["person"],
            "honour": data["honour"],
            **self.kept(),
        }
        if data["citation"]:
            effect["citation"] = data["citation"]
        return effect


class AssignTaskStep(Step):
    op = "assign_task"
    title = gettext_lazy("Give an instruction")
    add_label = gettext_lazy("Add: give an instruction")
    paths = {
        "task.title": "title",
        "task.id": "title",
        "task.due": "due",
        "task": "title",
    }

    id = forms.CharField(widget=forms.HiddenInput, required=False)
    title_text = TextByLanguageField(label=gettext_lazy("Instruction"))
    bodies = RecordMultipleChoiceField(label=gettext_lazy("To these bodies"), required=False)
    people = PeoplePickerField(label=gettext_lazy("To these people"), required=False)
    due = PartialDateField(label=gettext_lazy("Due"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("bodies") and not data.get("people") and "people" not in self.errors:
            self.add_error("bodies", _("Give the instruction to at least one body or person."))
        return data

    def field_for(self, path: str) -> str | None:
        match = re.match(r"task\.assignees\[(\d+)\]\.(body|person)", path)
        if match:
            return "bodies" if match.group(2) == "body" else "people"
        if path == "task.title":
            return "title_text"
        return super().field_for(path)

    @classmethod
    def initial_from(cls, effect: dict[str, Any], desk: DeskContext) -> dict[str, Any]:
        task = effect.get("task") or {}
        assignees = task.get("assignees") or []
        edited = ("id", "title", "assignees", "due", "status")
        rest = {k: v for k, v in task.items() if k not in edited and v is not None}
        keep = {**({"task": rest} if rest else {})}
        keep.update({k: v for k, v in effect.items() if k not in {"op", "task"}})
        return {
            "id": task.get("id", ""),
            "title_text": task.get("title"),
            "bodies": [a["body"] for a in assignees if a.get("body")],
            "people": [a["person"] for a in assignees if a.get("person")],
            "due": task.get("due") or "",
            "keep": json.dumps(keep, ensure_ascii=False) if keep else "",
        }

    def effect(self) -> dict[str, Any]:
        data = self.cleaned_data
        kept = self.kept()
        task: dict[str, Any] = dict(kept.pop("task", None) or {})
        slug = data["id"] or (
            _unused_slug(Task, _stem(data["title_text"], "task"))
            if may_choose_ids(self.viewer)
            else _stem(data["title_text"], "task")
        )
        task.update(
            {
                "id": slug,
                "title": data["title_text"],
                "assignees": [{"body": b} for b in data["bodies"]]
                + [{"person": p} for p in data["people"]],
                "status": "open",
            }
        )
        if data["due"]:
            task["due"] = data["due"]
        return {"op": self.op, "task": task, **kept}


def agreement_options(viewer: Viewer) -> list[tuple[str, str, str]]:
    """Return ``(id, title, every name)`` for each agreement not yet signed."""
    rows = Agreement.objects.exclude(status="signed").order_by("slug").values_list("slug", "title")
    return [(slug, text(title), f"{slug} {text(title)}") for slug, title in rows]


class SignAgreementStep(Step):
    op = "sign_agreement"
    title = gettext_lazy("Sign an agreement")
    add_label = gettext_lazy("Add: sign an agreement")
    paths = {"agreement": "agreement"}

    agreement = RecordChoiceField(
        label=gettext_lazy("Agreement"),
        options=agreement_options,
        help_text=gettext_lazy(
            "Agreements not yet signed. Record a new one on the agreements pages first."
        ),
    )

    def prepare(self) -> None:
        chosen = self.raw("agreement")
        field = self.fields["agreement"]
        if chosen and chosen not in dict(field.choices):  # type: ignore[attr-defined]
            found = Agreement.objects.filter(slug=chosen).values_list("title", flat=True).first()
            if found is not None:
                field.choices = [*field.choices, (chosen, text(found))]  # type: ignore[attr-defined]

    @classmethod
    def initial_from(cls, effect: dict[str, Any], desk: DeskContext) -> dict[str, Any]:
        return {"agreement": effect.get("agreement"), "keep": cls.keep_of(effect, "agreement")}

    def effect(self) -> dict[str, Any]:
        return {"op": self.op, "agreement": self.cleaned_data["agreement"], **self.kept()}


AGREEMENT_MOVES = [
    ("proposed", gettext_lazy("propose it")),
    ("in_development", gettext_lazy("send it for development")),
    ("terminated", gettext_lazy("terminate it")),
]


def agreement_options_all(viewer: Viewer) -> list[tuple[str, str, str]]:
    """Return ``(id, title, every name)`` for each agreement not terminated."""
    rows = (
        Agreement.objects.exclude(status="terminated").order_by("slug").values_list("slug", "title")
    )
    return [(slug, text(title), f"{slug} {text(title)}") for slug, title in rows]


class AgreementStatusStep(SignAgreementStep):
    """Propose an agreement, send it for development or terminate it (signing is its own
    step): the agreement's status history then names this decision."""

    op = "agreement_status"
    title = gettext_lazy("Propose, develop or terminate an agreement")
    add_label = gettext_lazy("Add: propose or develop an agreement")
    paths = {"agreement": "agreement", "status": "status"}

    agreement = RecordChoiceField(
        label=gettext_lazy("Agreement"),
        options=agreement_options_all,
        help_text=gettext_lazy(
            "Its partners, articles and signatories are recorded on the agreements pages."
        ),
    )
    status = forms.ChoiceField(label=gettext_lazy("The decision"), choices=AGREEMENT_MOVES)

    @classmethod
    def initial_from(cls, effect: dict[str, Any], desk: DeskContext) -> dict[str, Any]:
        return {
            "agreement": effect.get("agreement"),
            "status": effect.get("status"),
            "keep": cls.keep_of(effect, "agreement", "status"),
        }

    def effect(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "op": self.op,
            "agreement": data["agreement"],
            "status": data["status"],
            **self.kept(),
        }


STEPS: dict[str, type[Step]] = {
    step.op: step
    for step in (
        StartTermStep,
        EndTermStep,
        FoundBodyStep,
        RenameBodyStep,
        DissolveBodyStep,
        AwardStep,
        AssignTaskStep,
        SignAgreementStep,
        AgreementStatusStep,
    )
}

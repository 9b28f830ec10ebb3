"""The shapes of a write through the web, the API or the CLI, in the Chronicle's words.

A write names objects by their Chronicle ids and writes dates and texts as a
Chronicle does, so the same pydantic field types (and, for attendees, votes
and effects, the same models) check it. ``*Fields`` models describe a new
object; ``*Changes`` models a partial update, where an absent key keeps the
stored value and ``null`` clears it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self, TypeVar

import pydantic
from django.core.exceptions import ValidationError
from pydantic import Field, model_validator

from chapterhouse.core import limits
from chapterhouse.core.chronicle_schema import (
    EFFECT_MODELS,
    Attendee,
    ChronicleObject,
    ContactStr,
    Country,
    DateStr,
    DecisionKind,
    DecisionStatus,
    Effect,
    Extra,
    FreeText,
    Items,
    Name,
    NamePart,
    Notes,
    PersonName,
    PositiveInt,
    SessionFormat,
    Slug,
    TaskAssignee,
    TaskStatus,
    Text,
    Votes,
)

Model = TypeVar("Model", bound=pydantic.BaseModel)

# Contact details: a few named ways to reach someone, each one line of text.
ContactDetails = Annotated[
    dict[Annotated[str, Field(max_length=50)], ContactStr],
    Field(max_length=20),
]


class SessionFields(ChronicleObject):
    """A new session: a Chronicle session without its documents, which come separately."""

    id: Slug | None = None
    """Its id. Only an administrator's is used as it is; anyone else's (or none) is
    followed by a few random characters, so that an id never tells whether a record the
    writer may not see exists."""
    conference: Slug | None = None
    day: PositiveInt | None = None
    """Its day number within the conference."""
    title: Text | None = None
    date: DateStr
    hosts: list[Slug] = Field(default_factory=list, max_length=limits.ITEMS_MAX)
    """The bodies that hold it, in order; the writer must be an officer of every one."""
    country: Country | None = None
    city: Text | None = None
    region: Text | None = None
    venue: Text | None = None
    format: SessionFormat | None = None
    chair: Slug | None = None
    occasions: Items[Slug] | None = None
    attendees: Items[Attendee] | None = None
    internal: bool = False
    """Seen only by people with a grant on a body that holds it."""
    extra: Extra = None


class SessionChanges(ChronicleObject):
    """Changes to a session: only the keys given change."""

    conference: Slug | None = None
    day: PositiveInt | None = None
    title: Text | None = None
    date: DateStr | None = None
    hosts: Items[Slug] | None = None
    country: Country | None = None
    city: Text | None = None
    region: Text | None = None
    venue: Text | None = None
    format: SessionFormat | None = None
    chair: Slug | None = None
    occasions: Items[Slug] | None = None
    attendees: Items[Attendee] | None = None
    internal: bool | None = None
    extra: Extra = None


class ConferenceFields(ChronicleObject):
    """A new conference. ``end`` is its last day, as a Chronicle writes it (stored as the
    day after, the exclusive end); a last day before the first is refused."""

    id: Slug | None = None
    """Its id: as for a session, only an administrator's is used as it is."""
    number: PositiveInt | None = None
    kind: Slug | None = None
    name: Text
    dedication: Text | None = None
    start: DateStr
    end: DateStr | None = None
    extra: Extra = None


class ConferenceChanges(ChronicleObject):
    """Changes to a conference: only the keys given change (null clears one)."""

    number: PositiveInt | None = None
    kind: Slug | None = None
    name: Text | None = None
    dedication: Text | None = None
    start: DateStr | None = None
    end: DateStr | None = None
    extra: Extra = None


class DecisionFields(ChronicleObject):
    """A new decision; ``status: adopted`` applies its effects at once."""

    id: Slug | None = None
    """Its id: as for a session, only an administrator's is used as it is. So are the ids
    of the bodies and tasks its effects create."""
    session: Slug | None = None
    conference: Slug | None = None
    date: DateStr | None = None
    """Defaults to the session's date, or the conference's last day."""
    kind: DecisionKind
    text: Text | None = None
    proposed_by: Slug | None = None
    status: Literal["proposed", "adopted"] = "proposed"
    votes: Votes | None = None
    effects: list[Effect] = Field(default_factory=list, max_length=limits.ITEMS_MAX)
    internal: bool = False
    extra: Extra = None

    @model_validator(mode="after")
    def _session_or_conference(self) -> Self:
        if (self.session is None) == (self.conference is None):
            raise ValueError("expected either 'session' or 'conference': where it was taken")
        return self


class DecisionChanges(ChronicleObject):
    """Changes to a decision. A new ``status`` adopts, annuls, rejects or withdraws it;
    new effects of an adopted decision are applied in place of the old ones."""

    date: DateStr | None = None
    kind: DecisionKind | None = None
    text: Text | None = None
    proposed_by: Slug | None = None
    status: DecisionStatus | None = None
    votes: Votes | None = None
    effects: Items[Effect] | None = None
    internal: bool | None = None
    extra: Extra = None


class PersonFields(ChronicleObject):
    """A new person, with the personal data their custodians keep."""

    id: Slug | None = None
    """Its id: as for a session, only an administrator's is used as it is."""
    name: Name
    names: Items[PersonName] | None = None
    """Other ways the name is written: in another script, transliterated, as born …"""
    given: NamePart | None = None
    family: NamePart | None = None
    patronymic: NamePart | None = None
    call_sign: NamePart | None = None
    born: DateStr | None = None
    custodian: Slug | None = None
    """The body that keeps their personal data; the writer must be an officer there."""
    public: bool = False
    honorific: Text | None = None
    contact: ContactDetails | None = None
    """Contact details (personal data): email, phone, address, messenger …"""
    notes: Notes | None = None
    """The custodian's notes (personal data)."""


class PersonIdChange(ChronicleObject):
    """A person's new id (see `registry.services.person_change_id`)."""

    id: Slug


class PersonChanges(ChronicleObject):
    """Changes to a person: only the keys given change."""

    name: Name | None = None
    names: Items[PersonName] | None = None
    """All the variants, replacing the stored ones (null or [] removes them)."""
    given: NamePart | None = None
    family: NamePart | None = None
    patronymic: NamePart | None = None
    call_sign: NamePart | None = None
    born: DateStr | None = None
    custodian: Slug | None = None
    public: bool | None = None
    honorific: Text | None = None
    contact: ContactDetails | None = None
    notes: Notes | None = None


class TaskFields(ChronicleObject):
    """A new standing instruction (one no decision gives)."""

    id: Slug | None = None
    """Its id: as for a session, only an administrator's is used as it is."""
    title: Text
    """What is to be done."""
    assignees: Items[TaskAssignee] = Field(min_length=1)
    """The bodies (the writer must be an officer of each) and people it is given to."""
    due: DateStr | None = None
    """When it is due: a day, a month or a year."""
    extra: Extra = None


class TaskChanges(ChronicleObject):
    """Changes to a task: only the keys given change. ``status`` ``done`` with a ``note``
    marks it done (its assignees may), ``open`` opens it again."""

    title: Text | None = None
    assignees: Items[TaskAssignee] | None = None
    due: DateStr | None = None
    status: TaskStatus | None = None
    note: FreeText | None = None
    """What was done: kept with the task when it is marked done."""
    extra: Extra = None


def error_path(location: tuple[Any, ...] | list[Any]) -> str:
    """Return ``effects[0].body`` for a pydantic error location."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def body_error_path(location: list[str] | tuple[Any, ...]) -> str:
    """Return ``effects[0].body`` for the location of an error in a request body, leaving
    out the effect's tag that pydantic adds (``effects.0.start_term.body``)."""
    parts: list[Any] = []
    for part in location:
        if _is_op_tag(part):
            continue
        parts.append(int(part) if isinstance(part, str) and part.isdigit() else part)
    return error_path(parts)


def validated(model: type[Model], values: Mapping[str, Any]) -> Model:
    """Check ``values`` against ``model``; a django ValidationError names each bad field."""
    try:
        return model.model_validate(dict(values))
    except pydantic.ValidationError as invalid:
        errors: dict[str, list[str]] = {}
        for error in invalid.errors(include_url=False):
            # A tagged union adds the tag to the location; the reader knows the op already.
            path = body_error_path(error["loc"])
            errors.setdefault(path or "__all__", []).append(str(error["msg"]))
        raise ValidationError(errors) from None


def _is_op_tag(part: Any) -> bool:
    return isinstance(part, str) and part in EFFECT_MODELS


def given(model: pydantic.BaseModel) -> dict[str, Any]:
    """Return the keys given to ``model`` as JSON values (``null`` kept: it clears)."""
    # Nested Chronicle objects (effects, votes, attendees) are written without their
    # absent keys, as an import would store them.
    dumped: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return {key: dumped.get(key) for key in model.model_fields_set}

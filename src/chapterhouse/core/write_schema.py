"""The shapes of a write through the web, the API or the CLI, in the Chronicle's words.

A write names objects by their Chronicle ids and writes dates and texts as a
Chronicle does, so the same pydantic field types (and, for attendees, votes
and effects, the same models) check it. ``*Fields`` models describe a new
object; ``*Changes`` models a partial update, where an absent key keeps the
stored value and ``null`` clears it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Self, TypeVar, cast

import pydantic
from django.core.exceptions import ValidationError
from pydantic import Field, model_validator

from chapterhouse.core import limits
from chapterhouse.core.chronicle_schema import (
    EFFECT_MODELS,
    ChronicleObject,
    Conference,
    ContactStr,
    DateStr,
    Decision,
    Effect,
    FreeText,
    Items,
    Person,
    PersonName,
    Session,
    Slug,
    Task,
    TaskAssignee,
    Text,
)

Model = TypeVar("Model", bound=pydantic.BaseModel)

# Contact details: a few named ways to reach someone, each one line of text.
ContactDetails = Annotated[
    dict[Annotated[str, Field(max_length=50)], ContactStr],
    Field(max_length=20),
]


def write_shape(
    source: type[ChronicleObject], *, leave_out: tuple[str, ...] = (), optional: bool = False
) -> Callable[[type[Model]], type[Model]]:
    """Return a class decorator that gives a write shape the keys of the Chronicle object
    ``source``, so that no list of keys is written twice.

    The shape has ``source``'s keys in its order, less ``leave_out``; with ``optional``
    each may be absent or null (a partial update). A key the decorated class declares
    itself replaces ``source``'s in place, or is added before ``extra`` if ``source`` has
    no such key. The class keeps its own docstring and model validators, not
    ``source``'s: a write is checked its own way (a conference's ``end`` is its last day,
    not the day after).

    The decorated class may inherit from ``source`` so that type checkers know its
    attributes; the shape returned inherits only from ``ChronicleObject``.
    """

    def derive(declared: type[Model]) -> type[Model]:
        own = inspect.get_annotations(declared)
        fields: dict[str, Any] = {}
        for name, info in source.model_fields.items():
            if name in leave_out or name in own:
                continue
            if optional:
                absent = Field(default=None, description=info.description)
                fields[name] = (info.rebuild_annotation() | None, absent)
            else:
                fields[name] = (info.annotation, info)
        for name in own:
            info = declared.model_fields[name]
            fields[name] = (info.annotation, info)
        order = [name for name in source.model_fields if name in fields]
        added = [name for name in own if name not in order]
        # Like every Chronicle object's, ``extra`` stays the last key.
        last = order.index("extra") if "extra" in order else len(order)
        order[last:last] = added
        decorators = declared.__pydantic_decorators__
        validators: dict[str, Any] = {
            name: pydantic.model_validator(mode=decorator.info.mode)(decorator.func)
            for name, decorator in decorators.model_validators.items()
            if name in declared.__dict__
        }
        if any(name in declared.__dict__ for name in decorators.field_validators):
            raise TypeError(f"{declared.__name__}: a write shape checks with model validators")
        shape = pydantic.create_model(
            declared.__name__,
            __base__=ChronicleObject,
            __doc__=declared.__doc__,
            __module__=declared.__module__,
            __validators__=validators,
            **{name: fields[name] for name in order},
        )
        return cast("type[Model]", shape)

    return derive


@write_shape(Session, leave_out=("documents",))
class SessionFields(Session):
    """A new session: a Chronicle session without its documents, which come separately."""

    id: Slug | None = None  # type: ignore[assignment]
    """Its id. Only an administrator's is used as it is; anyone else's (or none) is
    followed by a few random characters, so that an id never tells whether a record the
    writer may not see exists."""
    hosts: list[Slug] = Field(default_factory=list, max_length=limits.ITEMS_MAX)
    """The bodies that hold it, in order; the writer must be an officer of every one."""
    internal: bool = False
    """Seen only by people with a grant on a body that holds it."""


@write_shape(Session, leave_out=("id", "documents"), optional=True)
class SessionChanges(ChronicleObject):
    """Changes to a session: only the keys given change."""


@write_shape(Conference)
class ConferenceFields(Conference):
    """A new conference. ``end`` is its last day, as a Chronicle writes it (stored as the
    day after, the exclusive end); a last day before the first is refused."""

    id: Slug | None = None  # type: ignore[assignment]
    """Its id: as for a session, only an administrator's is used as it is."""


@write_shape(Conference, leave_out=("id",), optional=True)
class ConferenceChanges(ChronicleObject):
    """Changes to a conference: only the keys given change (null clears one)."""


@write_shape(Decision)
class DecisionFields(Decision):
    """A new decision; ``status: adopted`` applies its effects at once."""

    id: Slug | None = None  # type: ignore[assignment]
    """Its id: as for a session, only an administrator's is used as it is. So are the ids
    of the bodies and tasks its effects create."""
    date: DateStr | None = None
    """Defaults to the session's date, or the conference's last day."""
    status: Literal["proposed", "adopted"] = "proposed"
    effects: list[Effect] = Field(default_factory=list, max_length=limits.ITEMS_MAX)
    internal: bool = False

    @model_validator(mode="after")
    def _session_or_conference(self) -> Self:
        if (self.session is None) == (self.conference is None):
            raise ValueError("expected either 'session' or 'conference': where it was taken")
        return self


@write_shape(Decision, leave_out=("id", "session", "conference"), optional=True)
class DecisionChanges(ChronicleObject):
    """Changes to a decision. A new ``status`` adopts, annuls, rejects or withdraws it;
    new effects of an adopted decision are applied in place of the old ones."""


@write_shape(Person, leave_out=("affiliations", "extra"))
class PersonFields(Person):
    """A new person, with the personal data their custodians keep."""

    id: Slug | None = None  # type: ignore[assignment]
    """Its id: as for a session, only an administrator's is used as it is."""
    names: Items[PersonName] | None = None
    """Other ways the name is written: in another script, transliterated, as born …"""
    custodian: Slug | None = None
    """The body that keeps their personal data; the writer must be an officer there."""
    public: bool = False
    contact: ContactDetails | None = None  # type: ignore[assignment]
    """Contact details (personal data): email, phone, address, messenger …"""


class PersonIdChange(ChronicleObject):
    """A person's new id (see `registry.services.person_change_id`)."""

    id: Slug


@write_shape(Person, leave_out=("id", "affiliations", "extra"), optional=True)
class PersonChanges(ChronicleObject):
    """Changes to a person: only the keys given change."""

    names: Items[PersonName] | None = None
    """All the variants, replacing the stored ones (null or [] removes them)."""
    contact: ContactDetails | None = None


@write_shape(Task, leave_out=("status",))
class TaskFields(Task):
    """A new standing instruction (one no decision gives)."""

    id: Slug | None = None  # type: ignore[assignment]
    """Its id: as for a session, only an administrator's is used as it is."""
    title: Text
    """What is to be done."""
    assignees: Items[TaskAssignee] = Field(min_length=1)
    """The bodies (the writer must be an officer of each) and people it is given to."""
    due: DateStr | None = None
    """When it is due: a day, a month or a year."""


@write_shape(Task, leave_out=("id",), optional=True)
class TaskChanges(ChronicleObject):
    """Changes to a task: only the keys given change. ``status`` ``done`` with a ``note``
    marks it done (its assignees may), ``open`` opens it again."""

    note: FreeText | None = None
    """What was done: kept with the task when it is marked done."""


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

"""What the registry's page-sized selectors return: one typed description of each shape.

``orgchart_as_of`` returns an :class:`OrgchartOut`, ``diff_between`` a :class:`DiffOut`,
``person_history`` a :class:`HistoryOut` and ``body_overview`` a :class:`BodyOut`. The
pages read their attributes, the commands write them as JSON
(``model_dump(by_alias=True)``) and the API answers with them as they are: they are its
response schemas, so the OpenAPI document describes exactly what the selectors build.

The classes bear the names the OpenAPI document has always published (``…Out``), so
clients generated from it keep their names. A docstring here becomes the schema's
description in that document; comments explain the rest.

A Text is a string in the organization's default language or an object mapping language
codes to strings; dates are written as they were recorded (``2018``, ``2024-08``,
``2025-05-18``); ends are exclusive, as in the Chronicle format. A person the reader may
not see has no id (null) and is named by a placeholder: their call sign, else "a member
of <custodian body>".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

Text = str | dict[str, str]
"""A translated short text: a string (default language) or ``{"en": …, "ru": …}``."""

PartialDate = str
"""A date as recorded: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

MANDATE_NAME = "The mandate's name (its id when the organization has not named it)."
PERSON_ID = "The person's id; null for a person hidden from the reader."
PERSON_NAME = "The display name, or a placeholder for a person hidden from the reader."


def _from(description: str | None = None) -> Any:
    """A field written ``from`` in JSON (a Python keyword), set as ``from_`` in code."""
    return Field(validation_alias="from", serialization_alias="from", description=description)


def _detail() -> Any:
    """A field the selector fills for the pages but the API does not write (nor describe)."""
    return Field(None, exclude=True)


class _Shape(BaseModel):
    # Built in code by field name; ``from_`` is read and written as ``from``.
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)


class Ref(_Shape):
    """A reference to an object by its Chronicle id, with its display name; a person hidden
    from the reader has a null id and a placeholder name."""

    id: str | None
    name: Text | None = None


class KindRef(Ref):
    """A body reference that also gives the body's kind."""

    kind: str


# -- posts held ----------------------------------------------------------------------------


# A term held on the day of a chart or page (no end: it is still held).
class Holder(_Shape):
    person: str | None = Field(description=PERSON_ID)
    name: str = Field(description=PERSON_NAME)
    role: str
    title: Text | None
    start: PartialDate
    how: str | None
    decision: str | None = Field(description="The decision that started the term.")


# A term as the Chronicle spec writes it.
class Term(_Shape):
    person: str | None = Field(description=PERSON_ID)
    name: str = Field(description=PERSON_NAME)
    body: str
    role: str
    title: Text | None
    start: PartialDate
    end: PartialDate | None = Field(description="The term's last day as recorded; null: open.")
    how: str | None
    decision: str | None
    ended_by: str | None
    reason: str | None


# -- the org chart (orgchart_as_of) --------------------------------------------------------


class ChartMandate(_Shape):
    mandate: str
    name: Text = Field(description=MANDATE_NAME)
    holder_role: str | None
    from_: str | None = _from()


# A body of the chart: named as on the day, ``depth`` 0 at the top, holders by role rank.
class ChartBody(_Shape):
    id: str
    name: Text
    kind: str
    parent: str | None
    depth: int
    mandates: list[ChartMandate]
    holders: list[Holder]
    # Written only by a chart cut at a depth (docs/decisions/0035), so a whole chart's JSON
    # is what it always was.
    children_left_out: int = Field(
        0,
        exclude_if=lambda count: not count,
        description="How many bodies directly below this one a depth limit left out (absent:"
        " none); ask for them with `body` set to this body's id.",
    )


# The organization on ``as_of``: bodies parent first (tree order).
class OrgchartOut(_Shape):
    as_of: str
    bodies: list[ChartBody]


# Bodies per piece of a chart written as it is read: a few dozen kilobytes a piece.
_CHART_PIECE = 50


def orgchart_json_chunks(
    *,
    as_of: dt.date,
    bodies: Iterable[ChartBody],
    ensure_ascii: bool = True,
    indent: int | None = None,
) -> Iterator[str]:
    """Yield the JSON of the :class:`OrgchartOut` of ``as_of`` and ``bodies`` piece by piece
    while ``bodies`` is read: together exactly the text ``json.dumps`` writes of the whole
    chart with the same arguments (the API writes ``ensure_ascii``, the command
    ``indent=2`` without escapes). The opening comes first, before any body is read."""
    day = json.dumps(as_of.isoformat())
    if indent is None:
        yield f'{{"as_of": {day}, "bodies": ['
        first, between, close = "", ", ", "]}"
        empty_close = close
    else:
        one, two = "\n" + " " * indent, "\n" + " " * (2 * indent)
        yield f'{{{one}"as_of": {day},{one}"bodies": ['
        first, between, close = two, "," + two, f"{one}]\n}}"
        empty_close = "]\n}"
    piece: list[str] = []
    written = 0
    for body in bodies:
        text = json.dumps(
            body.model_dump(mode="json", by_alias=True), ensure_ascii=ensure_ascii, indent=indent
        )
        if indent is not None:
            text = text.replace("\n", two)  # a JSON string holds no raw line break
        piece.append((between if written else first) + text)
        written += 1
        if len(piece) == _CHART_PIECE:
            yield "".join(piece)
            piece = []
    yield "".join(piece) + (close if written else empty_close)


# -- what changed (diff_between) -----------------------------------------------------------


class Rename(_Shape):
    body: str
    name: Text
    previous_name: Text | None = Field(None, description="The name it bore the day before.")
    date: str
    decision: str | None


class MandateMove(_Shape):
    mandate: str
    mandate_name: Text | None = Field(None, description="The mandate's name.")
    from_: str = _from()
    from_name: Text | None = Field(None, description="The name the body bore on its last day.")
    to: str
    to_name: Text | None = Field(None, description="The receiving body's name on the day.")
    holder_role: str | None
    date: PartialDate | None
    decision: str | None


class DiffTerm(Term):
    body_name: Text | None = Field(None, description="The body's name on the day.")
    end_decision: str | None = Field(
        None,
        description="The decision that set the end: the one that ended it early, else the one"
        " whose term length gave the end (reason `term_expired`).",
    )


class BodyEvent(_Shape):
    body: str
    name: Text = Field(description="The body's name on the day (a dissolved body's last day).")
    date: PartialDate | None
    decision: str | None


DiffKind = Literal[
    "started", "ended", "bodies_founded", "bodies_dissolved", "renamed", "mandates_moved"
]
"""A kind of change a diff lists: the name of its list."""


class DiffCounts(_Shape):
    """How many changes of each kind the period holds that the reader may see: the
    lengths of the complete lists, whichever page this is."""

    started: int
    ended: int
    bodies_founded: int
    bodies_dissolved: int
    renamed: int
    mandates_moved: int


class DiffNext(_Shape):
    """For each kind, the cursor of its next page (pass it back as `cursor`); null when the
    list is complete."""

    started: str | None
    ended: str | None
    bodies_founded: str | None
    bodies_dissolved: str | None
    renamed: str | None
    mandates_moved: str | None


# What changed on the days ``from <= day <= to``, each list in time order.
class DiffOut(_Shape):
    from_: str = _from()
    to: str
    started: list[DiffTerm]
    ended: list[DiffTerm]
    founded: list[str]
    dissolved: list[str]
    bodies_founded: list[BodyEvent] = []
    bodies_dissolved: list[BodyEvent] = []
    renamed: list[Rename]
    mandates_moved: list[MandateMove]
    counts: DiffCounts | None = Field(
        None, description="How many changes of each kind the period holds (all pages)."
    )
    next: DiffNext | None = Field(
        None,
        description="Paged answers (`limit` or `cursor` given): each kind's next cursor."
        " Null when the lists are complete.",
    )


# -- a person's history (person_history) ---------------------------------------------------


class AffiliationOut(_Shape):
    partner: str
    partner_name: Text
    title: Text | None
    start: PartialDate | None
    end: PartialDate | None
    private: bool = Field(
        default=False, description="Personal data: listed only to the person's custodians."
    )


class HistoryTerm(Term):
    body_name: Text = Field(description="The body's name when the term started.")


class HistoryAward(_Shape):
    honour: str
    honour_name: Text
    date: str
    decision: str | None = Field(
        description="The decision that gave it; null when the reader may not see it."
    )
    citation: str | None


# Every post, outside post and honour of a person, each in time order.
class HistoryOut(_Shape):
    person: str
    name: str
    terms: list[HistoryTerm]
    affiliations: list[AffiliationOut]
    awards: list[HistoryAward]


# -- a body's page (body_overview) ---------------------------------------------------------


class BodyNameOut(_Shape):
    name: Text
    start: str
    decision: str | None


class BodyMandate(_Shape):
    mandate: str
    name: Text = Field(description=MANDATE_NAME)
    holder_role: str | None
    start: PartialDate | None
    end: PartialDate | None
    from_: str | None = _from("The body that held it before.")
    from_name: Text | None = Field(description="That body's name on its last day with the mandate.")
    to: list[str] = Field(description="The bodies it was handed over to when it ended.")
    to_bodies: list[Ref] = Field(
        description="The same bodies with the names they bore on the day of the hand-over."
    )
    decision: str | None
    ended_by: str | None


class TimelineEvent(_Shape):
    """A dated event in a body's life; the other keys depend on ``event``."""

    # The schema has always allowed more keys; the API has only ever written the four
    # below, so the event's own details (read by the body's page) stay out of its JSON
    # and out of its schema.
    model_config = ConfigDict(extra="allow", validate_by_name=True, validate_by_alias=True)

    day: str = Field(description="The ISO day it happened (an ending's last day).")
    date: PartialDate | None = Field(description="The date as recorded.")
    event: str = Field(
        description="founded, renamed, mandate_received, term_started, term_ended, "
        "mandate_handed_over or dissolved."
    )
    decision: str | None = None

    # term_started, term_ended: the holder (``name`` is also the new name of ``renamed``)
    person: SkipJsonSchema[str | None] = _detail()
    name: SkipJsonSchema[Text | None] = _detail()
    role: SkipJsonSchema[str | None] = _detail()
    title: SkipJsonSchema[Text | None] = _detail()
    how: SkipJsonSchema[str | None] = _detail()  # term_started
    reason: SkipJsonSchema[str | None] = _detail()  # term_ended
    # mandate_received, mandate_handed_over
    mandate: SkipJsonSchema[str | None] = _detail()
    mandate_name: SkipJsonSchema[Text | None] = _detail()
    holder_role: SkipJsonSchema[str | None] = _detail()
    from_: SkipJsonSchema[str | None] = _detail()  # mandate_received: the giver
    from_name: SkipJsonSchema[Text | None] = _detail()
    to: SkipJsonSchema[list[str]] = Field(default_factory=list, exclude=True)  # handed over
    to_bodies: SkipJsonSchema[list[Ref]] = Field(default_factory=list, exclude=True)


class BodyOut(_Shape):
    id: str
    as_of: str
    kind: str
    name: Text = Field(description="The name the body bore on `as_of`.")
    founding_name: Text
    names: list[BodyNameOut] = Field(description="Renames, oldest first.")
    aliases: list[Text]
    number: int | None
    countries: list[str]
    region: Text | None
    institution: Text | None
    affiliated: bool
    founded: PartialDate | None
    dissolved: PartialDate | None
    founded_by: str | None
    dissolved_by: str | None
    exists: bool = Field(description="Whether the body exists on `as_of`.")
    parent: Ref | None
    children: list[KindRef]
    holders: list[Holder] = Field(description="Terms held on `as_of`.")
    past_holders: list[Term]
    future_holders: list[Term]
    mandates: list[BodyMandate]
    timeline: list[TimelineEvent]

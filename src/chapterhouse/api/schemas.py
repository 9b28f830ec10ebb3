"""The shapes the API answers with, so the OpenAPI document describes every response.

The registry's page-sized reads (the org chart, the diff, a person's history, a
body's page) return typed shapes defined beside them in ``registry/shapes.py``;
they are re-exported here and used as the response schemas as they are, so each
shape is described once. The others below mirror the dicts their selectors return.

A Text is a string in the
organization's default language or an object mapping language codes to
strings; dates are written as they were recorded (``2018``, ``2024-08``,
``2025-05-18``); ends are exclusive, as in the Chronicle format.

A person the reader may not see has no id in any reference (null) and is named
by a placeholder: their call sign, else "a member of <custodian body>".
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from chapterhouse.registry.shapes import (
    MANDATE_NAME,
    PERSON_ID,
    PERSON_NAME,
    AffiliationOut,
    BodyEvent,
    BodyMandate,
    BodyNameOut,
    BodyOut,
    ChartBody,
    ChartMandate,
    DiffOut,
    DiffTerm,
    HistoryAward,
    HistoryOut,
    HistoryTerm,
    Holder,
    KindRef,
    MandateMove,
    OrgchartOut,
    PartialDate,
    Ref,
    Rename,
    Term,
    Text,
    TimelineEvent,
)

__all__ = [
    "AffiliationOut",
    "BodyEvent",
    "BodyMandate",
    "BodyNameOut",
    "BodyOut",
    "ChartBody",
    "ChartMandate",
    "DiffOut",
    "DiffTerm",
    "HistoryAward",
    "HistoryOut",
    "HistoryTerm",
    "Holder",
    "KindRef",
    "MandateMove",
    "OrgchartOut",
    "PartialDate",
    "Ref",
    "Rename",
    "Term",
    "Text",
    "TimelineEvent",
]


class ErrorOut(Schema):
    """What every error answers with."""

    detail: str = Field(description="What went wrong, naming the parameter and the value.")


# The error answers a read endpoint declares beside its 200.
NOT_FOUND = {404: ErrorOut}
BAD_INPUT = {400: ErrorOut}


# -- organization, bodies, people ----------------------------------------------------------


class OrganizationOut(Schema):
    name: Text
    short_name: Text | None
    languages: list[str]
    default_language: str
    founded: PartialDate | None


class BodyItem(Schema):
    id: str
    name: Text = Field(description="The name the body bore on `as_of`.")
    kind: str
    parent: str | None
    number: int | None
    countries: list[str]
    founded: PartialDate | None
    dissolved: PartialDate | None = Field(description="The last day of its life, as recorded.")


class BodyPage(Schema):
    count: int
    items: list[BodyItem]


class PersonItem(Schema):
    id: str
    name: str
    public: bool
    matched: str | None = Field(
        None, description="With `q`: the person's name (as written) that the query matched."
    )
    score: float | None = Field(None, description="With `q`: how well it matched, 0 to 100.")


class PersonPage(Schema):
    count: int
    items: list[PersonItem]


class PersonNameOut(Schema):
    name: str
    lang: str | None
    kind: str | None


class PersonalData(Schema):
    """Personal data, kept together and given only to those who may read it: officers of
    the person's custodian body or a body above it, administrators, and the person."""

    born: PartialDate | None = None
    contact: dict[str, Any] = Field(
        default_factory=dict, description="Contact details: email, phone, address …"
    )
    notes: str | None = Field(default=None, description="The custodian's notes.")
    affiliations: list[AffiliationOut] = Field(
        default_factory=list, description="Outside posts, the private ones included."
    )


class PersonOut(Schema):
    id: str
    name: str = Field(
        description="The display name; the call sign for those who may not "
        "read the real name behind it."
    )
    names: list[PersonNameOut] = Field(
        description="Variants of the real name; empty when a call sign hides it from the reader."
    )
    given: str | None
    family: str | None
    patronymic: str | None
    call_sign: str | None
    honorific: Text | None
    custodian: Ref | None = Field(description="The body that keeps this person's personal data.")
    public: bool
    personal: PersonalData | None = Field(
        default=None,
        description="Personal data; null unless the reader is one of the person's custodians "
        "(officers of the custodian body or above), an administrator or the person.",
    )


# -- meetings ------------------------------------------------------------------------------


class ConferenceItem(Schema):
    id: str
    number: int | None
    kind: str
    name: Text
    dedication: Text | None
    start: PartialDate | None
    end: PartialDate | None = Field(description="Its last day, as recorded.")
    session_count: int


class ConferencePage(Schema):
    count: int
    items: list[ConferenceItem]


class DecisionSummary(Schema):
    id: str
    kind: str
    status: str
    date: PartialDate
    text: Text | None
    votes: dict[str, int] | None


class ConferenceSession(Schema):
    id: str
    day: int | None
    title: Text | None
    date: PartialDate | None
    country: str
    city: Text | None
    format: str
    hosts: list[KindRef] = Field(description="In order, named as on the session's date.")


class ConferenceOut(Schema):
    id: str
    number: int | None
    kind: str
    name: Text
    dedication: Text | None
    start: PartialDate | None
    end: PartialDate | None
    sessions: list[ConferenceSession] = Field(description="In day order.")
    decisions: list[DecisionSummary] = Field(description="Decisions of the conference as a whole.")


class SessionItem(ConferenceSession):
    conference: str | None


class SessionPage(Schema):
    count: int
    items: list[SessionItem]


class ConferenceRef(Schema):
    id: str
    name: Text
    number: int | None


class Occasion(Schema):
    id: str
    name: Text
    date: PartialDate
    anniversary: int | None = Field(description="The session's year minus the event's year.")


class Attendee(Schema):
    person: str | None = Field(description=PERSON_ID)
    name: str = Field(description=PERSON_NAME)
    role: str
    capacity: Text | None


class DocumentOut(Schema):
    id: str
    kind: str
    title: Text
    author: Ref | None
    signatories: list[Ref]
    text: Text | None


class SessionOut(Schema):
    id: str
    conference: ConferenceRef | None
    day: int | None
    title: Text | None
    date: PartialDate | None
    hosts: list[KindRef]
    country: str
    city: Text | None
    region: Text | None
    venue: Text | None
    format: str
    chair: Ref | None
    occasions: list[Occasion]
    attendees: list[Attendee]
    documents: list[DocumentOut]
    decisions: list[DecisionSummary] = Field(description="In the order they were taken.")


class DecisionItem(DecisionSummary):
    session: str | None
    conference: str | None


class DecisionPage(Schema):
    count: int
    items: list[DecisionItem]


class SessionRef(Schema):
    id: str
    title: Text | None
    day: int | None


class ChangedTerm(Term):
    body_name: Text = Field(description="The body's name on the decision's date.")


class FoundedBody(Schema):
    id: str
    name: Text
    kind: str
    parent: str | None
    founded: PartialDate | None
    mandates: list[str]
    mandate_names: list[Ref] = Field(description="The same mandates with their names.")


class DissolvedBody(Schema):
    id: str
    name: Text
    kind: str
    dissolved: PartialDate | None


class ChangedName(Schema):
    body: str
    name: Text
    previous: Text = Field(description="The name it bore the day before.")
    date: str = Field(description="The first day it bears the new name.")


class MovedMandate(Schema):
    mandate: str
    mandate_name: Text = Field(description=MANDATE_NAME)
    from_: str = Field(alias="from")
    from_name: Text = Field(description="The giver's name on its last day with the mandate.")
    to: str
    to_name: Text = Field(description="The receiver's name on its first day with the mandate.")
    holder_role: str | None
    date: PartialDate | None
    decision: str | None = Field(
        description="The decision that moved it; null when the reader may not see it."
    )


class EndedMandate(Schema):
    mandate: str
    mandate_name: Text = Field(description=MANDATE_NAME)
    body: str
    body_name: Text = Field(description="The body's name on its last day with the mandate.")
    end: PartialDate | None


class GivenAward(Schema):
    person: str | None = Field(description=PERSON_ID)
    name: str = Field(description=PERSON_NAME)
    honour: str
    honour_name: Text
    date: str
    citation: str | None


class AssignedTask(Schema):
    id: str
    title: Text
    due: PartialDate | None
    status: str


class SignedAgreement(Schema):
    id: str
    title: Text
    status: str
    date: PartialDate | None


class DecisionChanges(Schema):
    """What adopting the decision changed in the record; empty unless it is adopted."""

    terms_started: list[ChangedTerm]
    terms_ended: list[ChangedTerm]
    bodies_founded: list[FoundedBody]
    bodies_dissolved: list[DissolvedBody]
    renames: list[ChangedName]
    mandates_moved: list[MovedMandate]
    mandates_ended: list[EndedMandate]
    awards: list[GivenAward]
    tasks: list[AssignedTask]
    agreements_signed: list[SignedAgreement]


class DecisionOut(DecisionSummary):
    session: SessionRef | None
    conference: ConferenceRef | None
    proposed_by: Ref | None
    effects: list[dict[str, Any]] = Field(description="The effects as written (Chronicle).")
    changes: DecisionChanges


# -- relations -----------------------------------------------------------------------------


class PartnerItem(Schema):
    id: str
    name: Text
    kind: str
    country: str


class PartnerPage(Schema):
    count: int
    items: list[PartnerItem]


class AgreementItem(Schema):
    id: str
    title: Text
    status: str
    date: PartialDate | None
    parties: list[str] = Field(description='"self" (the organization) or partner ids.')


class AgreementPage(Schema):
    count: int
    items: list[AgreementItem]


class PartnerOut(PartnerItem):
    agreements: list[AgreementItem]


class Signatory(Schema):
    person: str | None = Field(description=PERSON_ID)
    name: str = Field(description=PERSON_NAME)
    party: str
    title: Text | None


class AgreementOut(Schema):
    id: str
    title: Text
    status: str
    date: PartialDate | None
    parties: list[Ref] = Field(description='"self" is the organization.')
    articles: list[Text]
    signatories: list[Signatory]
    signed_by: str | None = Field(description="The decision that signed it.")


class HonourItem(Schema):
    id: str
    name: Text
    kind: str
    award_count: int


class HonourPage(Schema):
    count: int
    items: list[HonourItem]


class HonourAward(Schema):
    person: str | None = Field(description=PERSON_ID)
    name: str = Field(description=PERSON_NAME)
    date: str
    decision: str | None = Field(
        description="The decision that gave it; null when the reader may not see it."
    )
    citation: str | None


class HonourOut(Schema):
    id: str
    name: Text
    kind: str
    awards: list[HonourAward] = Field(description="In date order.")


class Assignee(Schema):
    kind: str = Field(description="body or person")
    id: str | None = Field(description="The body's or person's id; null for a hidden person.")
    name: Text


class TaskItem(Schema):
    id: str
    title: Text
    due: PartialDate | None
    status: str
    decision: str | None
    assignees: list[Assignee]
    done_on: str | None = None
    done_note: str | None = None


class TaskPage(Schema):
    count: int
    items: list[TaskItem]


class TaskDecision(Schema):
    id: str
    date: PartialDate
    text: Text | None


class TaskOut(Schema):
    id: str
    title: Text
    due: PartialDate | None
    status: str
    decision: TaskDecision | None
    assignees: list[Assignee]
    done_on: str | None = None
    done_note: str | None = None

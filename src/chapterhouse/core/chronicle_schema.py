"""The Chronicle format, version 1, as pydantic models (``docs/spec/CHRONICLE.md``).

These models check the *shape* of a Chronicle: types, required keys, ids,
dates, language and country codes, intervals given in one object. Whether an
id refers to something that exists needs the database and is the importer's
job.

Every model keeps field names equal to the JSON keys (``for`` in votes is the
one alias), keeps dates and durations as the strings that were read, and
serializes back to the same JSON with :func:`dump_item`, so an export writes
what an import read.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, NoReturn, Self, TypeVar

from babel import Locale
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from chapterhouse.core import limits
from chapterhouse.core.partial_dates import (
    InvalidDuration,
    InvalidPartialDate,
    PartialDate,
    parse_duration,
)
from chapterhouse.core.text import text_key

SLUG_PATTERN = r"^[a-z0-9][a-z0-9\-_.]*$"
SLUG_MAX_LENGTH = limits.ID_MAX_LENGTH
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
DURATION_PATTERN = r"^P([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?$"
# The shape of an address, not its deliverability: one "@", no spaces, a dot in the domain.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$"
EMAIL_MAX_LENGTH = 254
DATETIME_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$"
)
_DATETIME = re.compile(DATETIME_PATTERN)
EXPECTED_DATETIME = (
    "expected a moment with its UTC offset, such as '2025-05-18T09:00:00Z' or "
    "'2025-05-18T12:00:00+03:00'"
)

# CLDR lists a few two-letter codes that are groupings or test codes rather
# than places an organization can work in.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})
COUNTRY_CODES: frozenset[str] = (
    frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str) and re.fullmatch(r"[A-Z]{2}", code)
    )
    - _NOT_COUNTRIES
)

_SLUG = re.compile(SLUG_PATTERN)
_LANG = re.compile(LANG_PATTERN)
_EMAIL = re.compile(EMAIL_PATTERN)

EXPECTED_SLUG = (
    "expected an id: a slug of lowercase letters, digits, '-', '_' and '.' "
    f"that starts with a letter or digit, at most {SLUG_MAX_LENGTH} characters"
)
EXPECTED_LANG = "expected a BCP 47 language code such as 'en', 'zh' or 'pt-BR'"
EXPECTED_COUNTRY = "expected an ISO 3166-1 alpha-2 country code in capitals, such as 'KZ' or 'AR'"
EXPECTED_TEXT = (
    "expected a Text: a non-empty string, or an object mapping language codes to non-empty strings"
)


def _fail(error_type: str, reason: str) -> NoReturn:
    """Raise a validation error whose message is ``reason`` as written."""
    # The reason travels as context, never as the template, so braces in it
    # are not taken for placeholders.
    raise PydanticCustomError(error_type, "{reason}", {"reason": reason})


def _validate_slug(value: object) -> str:
    """Return ``value`` if it is a slug id, else fail saying what an id looks like."""
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        _fail("slug", EXPECTED_SLUG)
    if len(value) > SLUG_MAX_LENGTH:
        _fail("slug", f"expected an id of at most {SLUG_MAX_LENGTH} characters, not {len(value)}")
    return value


def _validate_lang(value: object) -> str:
    """Return ``value`` if it is a language code (no longer than the models keep)."""
    if not isinstance(value, str) or not _LANG.fullmatch(value):
        _fail("language", EXPECTED_LANG)
    _too_long(value, limits.LANG_MAX_LENGTH)
    return value


def _validate_country(value: object) -> str:
    """Return ``value`` if CLDR knows it as a two-letter country or territory code."""
    if isinstance(value, str) and value in COUNTRY_CODES:
        return value
    if isinstance(value, str) and value.upper() in COUNTRY_CODES:
        _fail("country", f"{EXPECTED_COUNTRY} (capitals: {value.upper()!r})")
    _fail("country", EXPECTED_COUNTRY)


def _validate_non_empty(value: object) -> str:
    """Return ``value`` if it is a string with something other than spaces in it."""
    if not isinstance(value, str) or not value.strip():
        _fail("non_empty_string", "expected a non-empty string")
    return value


def _too_long(value: str, max_length: int) -> None:
    """Fail when ``value`` is longer than ``max_length`` characters, saying both lengths."""
    if len(value) > max_length:
        _fail(
            "string_too_long",
            f"expected at most {max_length} characters, got {len(value)}",
        )


def _bounded(max_length: int, *, empty: bool = False) -> PlainValidator:
    """Return the validator of a string of at most ``max_length`` characters, non-empty
    unless ``empty`` (the lengths come from ``core/limits.py``, as the models' do)."""

    def validate(value: object) -> str:
        if not empty:
            value = _validate_non_empty(value)
        elif not isinstance(value, str):
            _fail("string", "expected a string")
        _too_long(value, max_length)
        return value

    return PlainValidator(validate)


def _bounded_schema(max_length: int, *, empty: bool = False) -> WithJsonSchema:
    """Return the JSON Schema of :func:`_bounded`'s strings."""
    return WithJsonSchema(
        {"type": "string", "minLength": 0 if empty else 1, "maxLength": max_length}
    )


T = TypeVar("T")
Items = Annotated[list[T], Field(max_length=limits.ITEMS_MAX)]
"""A list inside one object: at most ``limits.ITEMS_MAX`` entries."""


def _validate_email(value: object) -> str:
    """Return ``value`` if it looks like an e-mail address (``name@example.org``)."""
    if not isinstance(value, str) or len(value) > EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(value):
        _fail("email", "expected an e-mail address such as 'name@example.org'")
    return value


def _validate_text(value: object) -> str | dict[str, str]:
    """Return ``value`` if it is a Text: a string, or language codes mapped to strings.

    The whole Text is one error location (``bodies[0].name``), so the message
    names the offending language key itself.
    """
    if isinstance(value, str):
        if value.strip():
            _too_long(value, limits.TEXT_MAX_LENGTH)
            return value
        _fail("text", EXPECTED_TEXT)
    if not isinstance(value, dict):
        _fail("text", EXPECTED_TEXT)
    if not value:
        _fail("text", f"{EXPECTED_TEXT}; this object has no languages")
    if len(value) > limits.TEXT_MAX_LANGUAGES:
        _fail("text", f"expected at most {limits.TEXT_MAX_LANGUAGES} languages, got {len(value)}")
    for lang, translation in value.items():
        if (
            not isinstance(lang, str)
            or not _LANG.fullmatch(lang)
            or len(lang) > limits.LANG_MAX_LENGTH
        ):
            _fail("text", f"{EXPECTED_TEXT}; {lang!r} is not a language code such as 'en'")
        if not isinstance(translation, str) or not translation.strip():
            _fail("text", f"{EXPECTED_TEXT}; the {lang!r} text is not a non-empty string")
        if len(translation) > limits.TEXT_MAX_LENGTH:
            _fail(
                "text",
                f"expected at most {limits.TEXT_MAX_LENGTH} characters in the {lang!r} text,"
                f" got {len(translation)}",
            )
    return value


def _validate_title(value: object) -> str | dict[str, str]:
    """Return ``value`` if it is a Text short enough to tell a term's twins apart by."""
    text = _validate_text(value)
    key = text_key(text)
    if len(key) > limits.TITLE_KEY_MAX_LENGTH:
        _fail(
            "text",
            f"expected a title of at most {limits.TITLE_KEY_MAX_LENGTH} characters in all its"
            f" languages together (written as JSON), got {len(key)}",
        )
    return text


def _validate_date(value: object) -> str:
    """Return ``value`` if it is a partial date that exists on the calendar."""
    if not isinstance(value, str):
        _fail("date", "expected a date as a string: YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        PartialDate.parse(value)
    except InvalidPartialDate as exc:
        _fail("date", exc.expected)
    return value


def _validate_duration(value: object) -> str:
    """Return ``value`` if it is a positive ISO 8601 duration in whole days or more."""
    if not isinstance(value, str):
        _fail("duration", "expected an ISO 8601 duration as a string, such as 'P1Y'")
    _too_long(value, limits.DURATION_MAX_LENGTH)
    try:
        duration = parse_duration(value)
        # A length that overflows the calendar from year 1 is no length a term has.
        dt.date(1, 1, 1) + duration
    except InvalidDuration as exc:
        _fail("duration", exc.expected)
    except (OverflowError, ValueError):
        _fail("duration", "expected a duration shorter than 9999 years, such as 'P1Y'")
    return value


def _validate_version(value: object) -> Literal[1]:
    """Return 1 if ``value`` is exactly the integer 1 (not ``true``, not ``1.0``)."""
    if type(value) is int and value == 1:
        return 1
    _fail("chronicle_version", "expected 1: this program reads version 1 of the Chronicle format")


def _validate_datetime(value: object) -> str:
    """Return ``value`` if it is an ISO 8601 date and time with a UTC offset (an aware moment)."""
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        _fail("datetime", EXPECTED_DATETIME)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        _fail("datetime", f"{EXPECTED_DATETIME}; this one is not on the calendar")
    # The offset must be one a clock can show, and the moment must convert to UTC.
    try:
        moment.astimezone(dt.UTC)
    except OverflowError:
        _fail("datetime", f"{EXPECTED_DATETIME}; this one falls outside the years 1 to 9999")
    return value


Slug = Annotated[
    str,
    PlainValidator(_validate_slug),
    WithJsonSchema({"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_MAX_LENGTH}),
]
Lang = Annotated[
    str,
    PlainValidator(_validate_lang),
    WithJsonSchema(
        {"type": "string", "pattern": LANG_PATTERN, "maxLength": limits.LANG_MAX_LENGTH}
    ),
]
Country = Annotated[
    str,
    PlainValidator(_validate_country),
    WithJsonSchema({"type": "string", "enum": sorted(COUNTRY_CODES)}),
]
NonEmptyStr = Annotated[
    str, _bounded(limits.TEXT_MAX_LENGTH), _bounded_schema(limits.TEXT_MAX_LENGTH)
]
Name = Annotated[str, _bounded(limits.NAME_MAX_LENGTH), _bounded_schema(limits.NAME_MAX_LENGTH)]
NamePart = Annotated[
    str, _bounded(limits.NAME_PART_MAX_LENGTH), _bounded_schema(limits.NAME_PART_MAX_LENGTH)
]
ContactStr = Annotated[
    str, _bounded(limits.CONTACT_MAX_LENGTH), _bounded_schema(limits.CONTACT_MAX_LENGTH)
]
Notes = Annotated[str, _bounded(limits.NOTES_MAX_LENGTH), _bounded_schema(limits.NOTES_MAX_LENGTH)]
FreeText = Annotated[
    str,
    _bounded(limits.TEXT_MAX_LENGTH, empty=True),
    _bounded_schema(limits.TEXT_MAX_LENGTH, empty=True),
]
Email = Annotated[
    str,
    PlainValidator(_validate_email),
    WithJsonSchema({"type": "string", "pattern": EMAIL_PATTERN, "maxLength": EMAIL_MAX_LENGTH}),
]
Text = Annotated[
    str | dict[str, str],
    PlainValidator(_validate_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": limits.TEXT_MAX_LENGTH},
                {
                    "type": "object",
                    "minProperties": 1,
                    "maxProperties": limits.TEXT_MAX_LANGUAGES,
                    "propertyNames": {"pattern": LANG_PATTERN},
                    "additionalProperties": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": limits.TEXT_MAX_LENGTH,
                    },
                },
            ],
            "description": "A string in the default language, or language codes mapped to strings",
        }
    ),
]
TitleText = Annotated[
    str | dict[str, str],
    PlainValidator(_validate_title),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1, "maxLength": limits.TITLE_KEY_MAX_LENGTH},
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": LANG_PATTERN},
                    "additionalProperties": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": limits.TITLE_KEY_MAX_LENGTH,
                    },
                },
            ],
            "description": (
                "A post's title: a Text of at most "
                f"{limits.TITLE_KEY_MAX_LENGTH} characters in all languages together"
            ),
        }
    ),
]
DateStr = Annotated[
    str,
    PlainValidator(_validate_date),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DATE_PATTERN,
            "description": "YYYY, YYYY-MM or YYYY-MM-DD; as an end, the first day not covered",
        }
    ),
]
DurationStr = Annotated[
    str,
    PlainValidator(_validate_duration),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DURATION_PATTERN,
            "minLength": 3,
            "maxLength": limits.DURATION_MAX_LENGTH,
        }
    ),
]
DateTimeStr = Annotated[
    str,
    PlainValidator(_validate_datetime),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DATETIME_PATTERN,
            "description": "ISO 8601 date and time with a UTC offset ('Z' or '+03:00')",
        }
    ),
]
ChronicleVersion = Annotated[
    Literal[1],
    PlainValidator(_validate_version),
    WithJsonSchema({"const": 1, "description": "The version of the Chronicle format"}),
]
# Bounded by what a database integer column holds everywhere (32 bits, signed).
INT_MAX = 2**31 - 1
PositiveInt = Annotated[int, Field(ge=1, le=INT_MAX)]
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
Rank = Annotated[int, Field(ge=-INT_MAX - 1, le=INT_MAX)]
Extra = Annotated[
    dict[str, Any] | None,
    Field(description="Anything else, kept as it is and written back on export"),
]

How = Literal["elected", "appointed", "reappointed", "coopted", "acting", "ex_officio", "founding"]
NameKind = Literal["native", "transliteration", "alias", "birth"]
SessionFormat = Literal["online", "in_person", "hybrid"]
AttendeeRole = Literal["chair", "speaker", "rapporteur", "participant", "guest"]
DocumentKind = Literal[
    "agenda",
    "minutes",
    "resolution",
    "letter",
    "speech",
    "report",
    "telegram",
    "treaty_text",
    "other",
]
DecisionKind = Literal[
    "election",
    "appointment",
    "nomination",
    "dissolution",
    "resolution",
    "instruction",
    "award",
    "agreement",
    "other",
]
# "annulled" is our extension to the spec: annulling an adopted decision
# reverts its effects and must survive an export/import round trip.
DecisionStatus = Literal["proposed", "adopted", "rejected", "withdrawn", "annulled"]
AgreementStatus = Literal["proposed", "in_development", "signed", "terminated"]
HonourKind = Literal["badge", "order", "medal", "diploma", "letter_of_thanks", "other"]
TaskStatus = Literal["open", "done", "cancelled"]
TranslationStatus = Literal["draft", "in_translation", "in_review", "published", "outdated"]


def _ends_after(start: str | None, end: str, *, start_key: str, end_key: str) -> str:
    """Return ``end`` if the interval ``[start, end)`` holds at least one day.

    Compare the first day of ``start`` with the exclusive end of ``end``, so
    ``"2024"`` to ``"2024"`` is a year, while a day-precision end equal to the
    start is empty (a day end is the first day no longer held).
    """
    if start is None:
        return end  # the start was absent or invalid, and is reported on its own
    try:
        holds = PartialDate.parse(start).start() < PartialDate.parse(end).end()
    except InvalidPartialDate as exc:
        _fail("date", exc.expected)
    if not holds:
        _fail(
            "interval",
            f"expected {end_key} to be after {start_key} {start!r} "
            f"({end_key} is the first day no longer covered)",
        )
    return end


def _exactly_one(model: BaseModel, first: str, second: str, *, missing: str) -> None:
    """Refuse an object that gives both or neither of two exclusive keys."""
    one, other = getattr(model, first), getattr(model, second)
    if one is not None and other is not None:
        _fail(
            "exclusive_keys",
            f"expected either {first!r} or {second!r}, not both "
            f"({first} is {one!r}, {second} is {other!r})",
        )
    if one is None and other is None:
        _fail("exclusive_keys", missing)


class ChronicleObject(BaseModel):
    """Share the rules every Chronicle object follows.

    Unknown keys are errors (typos are caught), types are strict (``"5"`` is
    not a number, ``1`` is not ``true``), and each object may carry ``extra``.
    """

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        serialize_by_alias=True,
        use_attribute_docstrings=True,
    )


class Organization(ChronicleObject):
    """The organization the Chronicle describes."""

    name: Text
    """Full name."""
    short_name: Text | None = None
    """Abbreviation."""
    languages: Items[Lang] | None = None
    """Working languages, in display order."""
    default_language: Lang | None = None
    """The language of plain-string Texts."""
    founded: DateStr | None = None
    extra: Extra = None


class VocabularyEntry(ChronicleObject):
    """A kind of body or a role the organization declares beside the built-in ones."""

    id: Slug
    name: Text
    rank: Rank
    """Lower ranks sort first."""
    extra: Extra = None


class BodyKind(VocabularyEntry):
    """A kind of body the organization declares (``coordination_committee`` …)."""


class Role(VocabularyEntry):
    """A role the organization declares (``ideological_secretary`` …)."""


class MandateEntry(ChronicleObject):
    """Our extension: the name of a mandate id (a competence bodies hold, e.g.
    ``external-relations``). A mandate id without an entry stays valid and keeps its id
    as its name."""

    id: Slug
    name: Text
    extra: Extra = None


class Body(ChronicleObject):
    """A committee, department, bureau, society, cell … of the organization."""

    id: Slug
    kind: Slug
    """A declared or built-in body kind id."""
    name: Text
    aliases: Items[Text] | None = None
    """Other names it is known by."""
    parent: Slug | None = None
    """The body it reports to; none for the top."""
    number: PositiveInt | None = None
    """Ordinal in its name, e.g. the 3rd department."""
    countries: Items[Country] | None = None
    """Where it works."""
    region: Text | None = None
    """E.g. a province or federal district."""
    institution: Text | None = None
    """For a cell: the university or workplace."""
    affiliated: bool | None = None
    """A separately registered organization that joined as a whole."""
    internal: bool | None = None
    """Our extension: seen only by people with a grant on it; absent means false."""
    founded: DateStr | None = None
    dissolved: DateStr | None = None
    mandates: Items[Slug] | None = None
    """Competences it holds from ``founded`` on."""
    extra: Extra = None

    @field_validator("parent")
    @classmethod
    def _not_its_own_parent(cls, parent: str | None, info: ValidationInfo) -> str | None:
        if parent is not None and parent == info.data.get("id"):
            _fail("parent", "expected another body's id: a body cannot report to itself")
        return parent

    @field_validator("dissolved")
    @classmethod
    def _dissolved_after_founded(cls, dissolved: str, info: ValidationInfo) -> str:
        return _ends_after(
            info.data.get("founded"), dissolved, start_key="founded", end_key="dissolved"
        )


class PersonName(ChronicleObject):
    """A variant of a person's name."""

    name: Name
    lang: Lang | None = None
    kind: NameKind | None = None
    extra: Extra = None


class Affiliation(ChronicleObject):
    """A post a person holds outside the organization."""

    partner: Slug
    title: Text
    start: DateStr | None = None
    end: DateStr | None = None
    private: bool | None = None
    """Our extension: personal data, seen only by the custodians; absent means false."""
    extra: Extra = None

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: str, info: ValidationInfo) -> str:
        return _ends_after(info.data.get("start"), end, start_key="start", end_key="end")


class Contact(ChronicleObject):
    """Our extension: how to reach a person (personal data)."""

    email: Email | None = None
    phone: ContactStr | None = None
    address: ContactStr | None = None
    messenger: ContactStr | None = None
    """A messenger handle, e.g. ``@name`` or ``signal: +7 …``."""
    extra: Extra = None


class Person(ChronicleObject):
    """A member, officer or guest."""

    id: Slug
    name: Name
    """Display name as usually written in the default language."""
    names: Items[PersonName] | None = None
    given: NamePart | None = None
    family: NamePart | None = None
    patronymic: NamePart | None = None
    call_sign: NamePart | None = None
    """A pseudonym the person is known by."""
    born: DateStr | None = None
    custodian: Slug | None = None
    """The body that keeps this person's personal data."""
    public: bool | None = None
    """May appear on public pages; absent means false."""
    affiliations: Items[Affiliation] | None = None
    honorific: Text | None = None
    contact: Contact | None = None
    """Our extension: contact details (personal data)."""
    notes: Notes | None = None
    """Our extension: the custodian's notes on the person (personal data)."""
    extra: Extra = None


class Term(ChronicleObject):
    """A person holding a role in a body for a time, without a recorded decision."""

    person: Slug
    body: Slug
    role: Slug
    title: TitleText | None = None
    """The post's own wording."""
    start: DateStr
    end: DateStr | None = None
    """Absent: still held (or ended by ``term_length``)."""
    term_length: DurationStr | None = None
    """Gives ``end`` when ``end`` is absent."""
    how: How | None = None
    extra: Extra = None

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: str, info: ValidationInfo) -> str:
        return _ends_after(info.data.get("start"), end, start_key="start", end_key="end")


class Commemoration(ChronicleObject):
    """An occasion whose anniversaries meetings may be timed to."""

    id: Slug
    name: Text
    date: DateStr
    """The date of the original event."""
    extra: Extra = None


class Conference(ChronicleObject):
    """A conference: several sessions under one number and name."""

    id: Slug
    number: PositiveInt | None = None
    kind: Slug | None = None
    name: Text
    dedication: Text | None = None
    start: DateStr
    end: DateStr | None = None
    extra: Extra = None

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: str, info: ValidationInfo) -> str:
        return _ends_after(info.data.get("start"), end, start_key="start", end_key="end")


class Attendee(ChronicleObject):
    """A person present at a session."""

    person: Slug
    role: AttendeeRole
    capacity: Text | None = None
    extra: Extra = None


class Document(ChronicleObject):
    """A speech, report, letter … belonging to a session."""

    id: Slug
    kind: DocumentKind
    title: Text
    author: Slug | None = None
    signatories: Items[Slug] | None = None
    text: Text | None = None
    """Our extension makes it optional: a document kept as an uploaded file may have no
    text (the file's bytes are not part of the format)."""
    internal: bool | None = None
    """Our extension: seen only by people with a grant on a host of its session."""
    extra: Extra = None


class Session(ChronicleObject):
    """A meeting: a day of a conference, or a meeting on its own."""

    id: Slug
    conference: Slug | None = None
    day: PositiveInt | None = None
    """Its day number within the conference."""
    title: Text | None = None
    date: DateStr
    hosts: Items[Slug] | None = None
    """The bodies that hold it, in order."""
    country: Country | None = None
    """Where it takes place (may differ from the hosts' countries)."""
    city: Text | None = None
    region: Text | None = None
    venue: Text | None = None
    format: SessionFormat | None = None
    chair: Slug | None = None
    occasions: Items[Slug] | None = None
    """Commemorations it is timed to coincide with."""
    attendees: Items[Attendee] | None = None
    documents: Items[Document] | None = None
    internal: bool | None = None
    """Our extension: seen only by people with a grant on one of its hosts."""
    extra: Extra = None


class Votes(ChronicleObject):
    """How a decision was voted."""

    # ``for`` is a Python keyword. Construct with ``Votes(for_=3)`` in code;
    # the reader validates with ``by_name=False`` so a file must say "for".
    model_config = ConfigDict(validate_by_name=True, validate_by_alias=True)

    for_: Count | None = Field(default=None, alias="for")
    against: Count | None = None
    abstain: Count | None = None
    extra: Extra = None


class Partner(ChronicleObject):
    """An organization outside ours: a party, a youth union, a foundation, a ministry …"""

    id: Slug
    name: Text
    kind: Slug | None = None
    country: Country | None = None
    extra: Extra = None

    @field_validator("id")
    @classmethod
    def _not_self(cls, value: str) -> str:
        # Agreements name our own organization as the party "self".
        if value == "self":
            _fail("slug", "expected another id: 'self' stands for our own organization")
        return value


class AgreementSignatory(ChronicleObject):
    """A person who signs an agreement for one of its parties."""

    person: Slug
    party: Slug
    """``self`` or a partner id."""
    title: Text | None = None
    extra: Extra = None


class Agreement(ChronicleObject):
    """A treaty with partners."""

    id: Slug
    title: Text
    parties: Items[Slug] | None = None
    """``self`` or partner ids."""
    status: AgreementStatus
    date: DateStr | None = None
    articles: Items[Text] | None = None
    signatories: Items[AgreementSignatory] | None = None
    extra: Extra = None


class Honour(ChronicleObject):
    """A badge, order, medal … the organization awards."""

    id: Slug
    name: Text
    kind: HonourKind
    extra: Extra = None


class TaskAssignee(ChronicleObject):
    """A body or a person a task is assigned to."""

    body: Slug | None = None
    person: Slug | None = None
    extra: Extra = None

    @model_validator(mode="after")
    def _body_or_person(self) -> Self:
        _exactly_one(
            self,
            "body",
            "person",
            missing="expected 'body' or 'person': who the task is assigned to",
        )
        return self


class Task(ChronicleObject):
    """An instruction with assignees and a due date."""

    id: Slug
    title: Text
    assignees: Items[TaskAssignee] | None = None
    due: DateStr | None = None
    status: TaskStatus
    extra: Extra = None


class StartTermEffect(ChronicleObject):
    """Start a term whose provenance is the decision."""

    op: Literal["start_term"]
    person: Slug
    body: Slug
    role: Slug
    title: TitleText | None = None
    how: How | None = None
    start: DateStr | None = None
    """Defaults to the decision's date."""
    end: DateStr | None = None
    term_length: DurationStr | None = None
    extra: Extra = None

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: str, info: ValidationInfo) -> str:
        return _ends_after(info.data.get("start"), end, start_key="start", end_key="end")


class EndTermEffect(ChronicleObject):
    """End the open term that matches person, body, role and title."""

    op: Literal["end_term"]
    person: Slug
    body: Slug
    role: Slug
    title: TitleText | None = None
    end: DateStr | None = None
    """Defaults to the decision's date."""
    reason: Text | None = None
    extra: Extra = None


class FoundBodyEffect(ChronicleObject):
    """Found a new body."""

    op: Literal["found_body"]
    body: Body
    extra: Extra = None


class MandateTransfer(ChronicleObject):
    """Where a dissolved body's mandate goes: to named bodies, or to every body of a kind."""

    mandate: Slug
    to: list[Slug] | None = Field(default=None, min_length=1, max_length=limits.ITEMS_MAX)
    to_kind: Slug | None = None
    holder_role: Slug | None = None
    """Give the mandate to the holders of this role there (e.g. the heads)."""
    extra: Extra = None

    @model_validator(mode="after")
    def _to_or_to_kind(self) -> Self:
        _exactly_one(
            self, "to", "to_kind", missing="expected 'to' (body ids) or 'to_kind' (a body kind)"
        )
        return self


class DissolveBodyEffect(ChronicleObject):
    """Dissolve a body, end its open terms and move its mandates."""

    op: Literal["dissolve_body"]
    body: Slug
    date: DateStr | None = None
    """Defaults to the decision's date."""
    transfer: Items[MandateTransfer] | None = None
    extra: Extra = None


class RenameBodyEffect(ChronicleObject):
    """Rename a body; the old name stays in history."""

    op: Literal["rename_body"]
    body: Slug
    name: Text
    extra: Extra = None


class AwardEffect(ChronicleObject):
    """Award an honour to a person."""

    op: Literal["award"]
    person: Slug
    honour: Slug
    citation: Slug | None = None
    """A document id."""
    extra: Extra = None


class AssignTaskEffect(ChronicleObject):
    """Assign a new task."""

    op: Literal["assign_task"]
    task: Task
    extra: Extra = None


class SignAgreementEffect(ChronicleObject):
    """Mark an agreement signed on the decision's date."""

    op: Literal["sign_agreement"]
    agreement: Slug
    extra: Extra = None


class AgreementStatusEffect(ChronicleObject):
    """Move an agreement to a status short of signing (a decision proposes one, sends it
    for development, or terminates it), on the decision's date."""

    op: Literal["agreement_status"]
    agreement: Slug
    status: Literal["proposed", "in_development", "terminated"]
    extra: Extra = None


Effect = Annotated[
    StartTermEffect
    | EndTermEffect
    | FoundBodyEffect
    | DissolveBodyEffect
    | RenameBodyEffect
    | AwardEffect
    | AssignTaskEffect
    | SignAgreementEffect
    | AgreementStatusEffect,
    Field(discriminator="op"),
]

EFFECT_MODELS: dict[str, type[BaseModel]] = {
    "start_term": StartTermEffect,
    "end_term": EndTermEffect,
    "found_body": FoundBodyEffect,
    "dissolve_body": DissolveBodyEffect,
    "rename_body": RenameBodyEffect,
    "award": AwardEffect,
    "assign_task": AssignTaskEffect,
    "sign_agreement": SignAgreementEffect,
    "agreement_status": AgreementStatusEffect,
}


class Decision(ChronicleObject):
    """A decision of a session or of a conference as a whole, with its effects."""

    id: Slug
    session: Slug | None = None
    conference: Slug | None = None
    date: DateStr | None = None
    """Defaults to the session's date, or the conference's end."""
    kind: DecisionKind
    text: Text | None = None
    proposed_by: Slug | None = None
    status: DecisionStatus
    """Only ``adopted`` applies effects; ``annulled`` reverts them."""
    votes: Votes | None = None
    effects: Items[Effect] | None = None
    internal: bool | None = None
    """Our extension: seen only by people with a grant on a host of its session
    (of a conference as a whole: with any grant)."""
    extra: Extra = None

    @model_validator(mode="after")
    def _session_or_conference(self) -> Self:
        _exactly_one(
            self,
            "session",
            "conference",
            missing="expected 'session' or 'conference': where it was taken",
        )
        return self


class Category(ChronicleObject):
    """A section of the news the organization declares (``reports``, ``statements`` …)."""

    id: Slug
    name: Text
    extra: Extra = None


class Tag(ChronicleObject):
    """A keyword the organization declares for filing its articles."""

    id: Slug
    name: Text
    extra: Extra = None


class ArticleAuthor(ChronicleObject):
    """Who an article is by: a person or a body (like a task's assignee)."""

    person: Slug | None = None
    body: Slug | None = None
    extra: Extra = None

    @model_validator(mode="after")
    def _body_or_person(self) -> Self:
        _exactly_one(
            self, "person", "body", missing="expected 'person' or 'body': who wrote the article"
        )
        return self


class ArticleAbout(ChronicleObject):
    """What an article concerns; it is listed on these records' pages too."""

    bodies: Items[Slug] | None = None
    sessions: Items[Slug] | None = None
    people: Items[Slug] | None = None
    conferences: Items[Slug] | None = None
    """Our extension to the issue's shape: conferences it reports on as a whole."""
    extra: Extra = None


class ArticleText(ChronicleObject):
    """An article in one language, and where that text stands in the translation workflow."""

    title: NonEmptyStr
    lead: FreeText | None = None
    """The opening paragraph shown in lists."""
    body: FreeText | None = None
    """The text, in Markdown."""
    status: TranslationStatus
    """``outdated``: the source text changed after this translation was made."""
    extra: Extra = None


class Article(ChronicleObject):
    """A piece of news in a source language, with its translations."""

    id: Slug
    category: Slug | None = None
    """A declared category id."""
    tags: Items[Slug] | None = None
    """Declared tag ids."""
    source_language: Lang
    """The language it was written in; ``translations`` must hold it."""
    publish_at: DateTimeStr | None = None
    """When it appears on the public site; absent: not scheduled yet."""
    author: ArticleAuthor | None = None
    about: ArticleAbout | None = None
    translations: dict[Lang, ArticleText]
    """The text per language code, the source language's included."""
    extra: Extra = None

    @model_validator(mode="after")
    def _source_text_given(self) -> Self:
        if self.source_language not in self.translations:
            _fail(
                "source_translation",
                f"expected a translation for the source language {self.source_language!r} "
                f"among the translations ({', '.join(sorted(self.translations)) or 'none'})",
            )
        return self


class Chronicle(ChronicleObject):
    """A whole Chronicle, version 1: what an organization is and how it changed."""

    chronicle: ChronicleVersion
    organization: Organization | None = None
    body_kinds: list[BodyKind] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    # Our extension, added after the first published version: absent stays absent on dump.
    mandates: Items[MandateEntry] | None = None
    bodies: list[Body] = Field(default_factory=list)
    people: list[Person] = Field(default_factory=list)
    terms: list[Term] = Field(default_factory=list)
    commemorations: list[Commemoration] = Field(default_factory=list)
    conferences: list[Conference] = Field(default_factory=list)
    sessions: list[Session] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    partners: list[Partner] = Field(default_factory=list)
    agreements: list[Agreement] = Field(default_factory=list)
    honours: list[Honour] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    # Sections added after the first published version: absent stays absent on dump.
    categories: Items[Category] | None = None
    tags: Items[Tag] | None = None
    articles: Items[Article] | None = None
    extra: Extra = None


SECTION_MODELS: dict[str, type[BaseModel]] = {
    "organization": Organization,
    "body_kinds": BodyKind,
    "roles": Role,
    "mandates": MandateEntry,
    "bodies": Body,
    "people": Person,
    "terms": Term,
    "commemorations": Commemoration,
    "conferences": Conference,
    "sessions": Session,
    "decisions": Decision,
    "partners": Partner,
    "agreements": Agreement,
    "honours": Honour,
    "tasks": Task,
    "categories": Category,
    "tags": Tag,
    "articles": Article,
}


def dump_item(model: BaseModel) -> dict[str, Any]:
    """Return ``model`` as the JSON object it was read from (absent keys stay absent).

    An explicit ``null`` in the input is read as an absent key and is not
    written back.
    """
    dumped: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, by_alias=True)
    return dumped


def chronicle_json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a whole Chronicle, version 1."""
    schema = Chronicle.model_json_schema()
    schema.pop("title", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Chronicle, version 1",
        **schema,
    }

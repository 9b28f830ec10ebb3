"""The shapes of a write of partners, honours and agreements, in the Chronicle's words.

As in ``core.write_schema``: ``*Fields`` describe a new record, ``*Changes`` a partial
update where an absent key keeps the stored value and ``null`` clears it.
"""

from __future__ import annotations

from pydantic import Field

from chapterhouse.core import limits
from chapterhouse.core.chronicle_schema import (
    AgreementStatus,
    ChronicleObject,
    Country,
    DateStr,
    HonourKind,
    Items,
    Slug,
    Text,
)


class PartnerFields(ChronicleObject):
    """A new partner organization."""

    id: Slug | None = None
    """Its id: only an administrator's is used as it is; anyone else's (or none) is
    followed by a few random characters."""
    name: Text
    kind: Slug | None = None
    """E.g. ``foundation``, ``youth_union``."""
    country: Country | None = None


class PartnerChanges(ChronicleObject):
    """Changes to a partner: only the keys given change."""

    name: Text | None = None
    kind: Slug | None = None
    country: Country | None = None


class HonourFields(ChronicleObject):
    """A new honour the organization awards."""

    id: Slug | None = None
    """Its id: as for a partner, only an administrator's is used as it is."""
    name: Text
    kind: HonourKind


class HonourChanges(ChronicleObject):
    """Changes to an honour: only the keys given change."""

    name: Text | None = None
    kind: HonourKind | None = None


class SignatoryFields(ChronicleObject):
    """A person who signs an agreement for one of its parties."""

    person: Slug
    party: Slug
    """``self`` or one of the agreement's partners."""
    title: Text | None = None


class AgreementFields(ChronicleObject):
    """A new agreement. It is signed only by a decision (its ``sign_agreement`` step)."""

    id: Slug | None = None
    """Its id: as for a partner, only an administrator's is used as it is."""
    title: Text
    parties: Items[Slug] = Field(default_factory=list, max_length=limits.ITEMS_MAX)
    """``self`` (our organization) or partner ids, in order."""
    status: AgreementStatus = "proposed"
    """``proposed`` or ``in_development``: ``signed`` comes from a decision."""
    date: DateStr | None = None
    articles: Items[Text] = Field(default_factory=list, max_length=limits.ITEMS_MAX)
    signatories: Items[SignatoryFields] = Field(default_factory=list, max_length=limits.ITEMS_MAX)


class AgreementChanges(ChronicleObject):
    """Changes to an agreement: only the keys given change; lists are replaced whole."""

    title: Text | None = None
    parties: Items[Slug] | None = None
    status: AgreementStatus | None = None
    date: DateStr | None = None
    articles: Items[Text] | None = None
    signatories: Items[SignatoryFields] | None = None

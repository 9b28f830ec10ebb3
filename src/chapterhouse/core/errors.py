"""The error every service raises when a change would break the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from chapterhouse.core.cldr import date_full
from chapterhouse.core.text import Text, text_in

_MISSING: Any = object()

# "No X with this id", one whole sentence per kind of record (keyed by the model's label,
# ``app_label.model_name``) so that each translates as a sentence. A record the writer
# may not see is answered with the very message of a missing one (decision 0014).
_NOT_FOUND: dict[str, Promise] = {
    "registry.person": gettext_lazy("no person with this id"),
    "registry.body": gettext_lazy("no body with this id"),
    "meetings.document": gettext_lazy("no document with this id"),
    "relations.honour": gettext_lazy("no honour with this id"),
    "relations.agreement": gettext_lazy("no agreement with this id"),
}
_NOT_FOUND_ANY = gettext_lazy("no record with this id")


def not_found_message(label: str) -> str:
    """Return "no <kind> with this id" in the active language for the model ``label``
    (``"registry.person"``); a kind without its own sentence gets the generic one."""
    return str(_NOT_FOUND.get(label, _NOT_FOUND_ANY))


# Whether messages name records by id and days as ISO dates: while a Chronicle file is
# imported its author reads them beside the file, which names everything by id.
_BY_ID: ContextVar[bool] = ContextVar("chapterhouse_record_errors_by_id", default=False)


@contextmanager
def record_errors_by_id() -> Iterator[None]:
    """Within, :func:`error_name` gives ids and :func:`error_day` ISO dates (the importer)."""
    token = _BY_ID.set(True)
    try:
        yield
    finally:
        _BY_ID.reset(token)


def error_name(name: Text | None, id: str) -> str:
    """Return how a message names a record: by ``name`` in the active language (the
    reader's), falling back to any language and then ``id``; by ``id`` while importing."""
    if _BY_ID.get():
        return id
    return text_in(name, translation.get_language() or "en") or id


def error_day(day: dt.date) -> str:
    """Return ``day`` as a message writes it: in the reader's (active) language's long
    format (CLDR), or as an ISO date while importing."""
    if _BY_ID.get():
        return day.isoformat()
    return date_full(day, translation.get_language() or "en")


class RecordError(Exception):
    """A change that cannot be made, with where (``path``) and why.

    ``path`` is relative to the object being changed (``effects[0].body``) so
    the importer can prefix it with the object's place in the file.
    """

    def __init__(self, message: str, *, path: str = "", value: Any = _MISSING) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.value = value

    def at(self, prefix: str) -> RecordError:
        """Return the same error with ``prefix`` put before its path."""
        path = (
            f"{prefix}.{self.path}"
            if self.path and not self.path.startswith("[")
            else (f"{prefix}{self.path}")
        )
        return RecordError(self.message, path=path, value=self.value)

    def has_value(self) -> bool:
        """Return whether the offending value is known."""
        return self.value is not _MISSING

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        got = f" (got {self.value!r})" if self.has_value() else ""
        return f"{where}{self.message}{got}"

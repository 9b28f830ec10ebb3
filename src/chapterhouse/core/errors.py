"""The error every service raises when a change would break the record."""

from __future__ import annotations

from typing import Any

_MISSING: Any = object()


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

"""What the query commands share: reading dates, choosing the language, printing.

The commands stay thin: they read their arguments here, call a selector and
print its answer as JSON or as rich tables and trees.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from argparse import ArgumentParser
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, OutputWrapper
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pydantic import BaseModel
from rich.console import Console, RenderableType

from chapterhouse.core.cldr import catalogue_code, date_full
from chapterhouse.core.partial_dates import DayOutOfRange, askable_day
from chapterhouse.core.text import Text, text_in
from chapterhouse.core.vocabulary import BUILTIN_BODY_KINDS, BUILTIN_ROLES
from chapterhouse.custody.access import ADMIN, ANONYMOUS, Viewer, viewer_for_scope
from chapterhouse.registry.models import Body

FORMATS = ("text", "json")
# Piped output has no terminal to measure; wide enough for a table of terms.
_PIPE_WIDTH = 120


def day_from_argument(value: str, *, option: str, last: bool = False) -> dt.date:
    """Return the day a command-line date names, or raise ``CommandError`` saying why not.

    ``2025``, ``2025-05`` and ``2025-05-18`` are accepted; a year or month
    means its first day, or with ``last`` its last day (so ``--to 2025``
    covers the whole year).
    """
    try:
        return askable_day(value, last=last)
    except DayOutOfRange as error:
        raise CommandError(f"{option}: {error}") from None
    except ValueError:
        raise CommandError(
            _("%(option)s: %(value)r is not a date; expected YYYY-MM-DD, YYYY-MM or YYYY")
            % {"option": option, "value": value}
        ) from None


class Language:
    """The language a command writes names in, with the organization's fallbacks."""

    def __init__(self, requested: str | None) -> None:
        from chapterhouse.registry.models import BodyKind, Role
        from chapterhouse.registry.selectors import organization_language

        self.default = organization_language()
        self.code = requested or self.default
        self._kinds: dict[str, Any] = dict(BodyKind.objects.values_list("slug", "name"))
        self._roles: dict[str, Any] = dict(Role.objects.values_list("slug", "name"))

    def naming(self) -> Any:
        """A context in which selectors name people in this language (their variants in
        its script, see `custody.access.local_names_for`)."""
        return translation.override(self.code)

    def text(self, value: Text | None) -> str:
        """Return a Text in this language, else the default one, else any."""
        return text_in(value, self.code, self.default)

    def date(self, day: dt.date) -> str:
        """Return ``day`` in this language's long format (CLDR)."""
        return date_full(day, self.code)

    def _label(self, slug: str, declared: Any, builtin: tuple[Any, int] | None) -> str:
        # The organization's own wording wins when it exists in this language;
        # otherwise the translated built-in name beats a declared name in
        # another language.
        if isinstance(declared, dict) and (declared.get(self.code) or not builtin):
            return self.text(declared)
        if isinstance(declared, str) and (self.code == self.default or not builtin):
            return declared
        if builtin is not None:
            with translation.override(catalogue_code(self.code)):
                return str(builtin[0])
        return slug.replace("_", " ").replace("-", " ")

    def role(self, slug: str) -> str:
        """Return what the role ``slug`` is called in this language."""
        return self._label(slug, self._roles.get(slug), BUILTIN_ROLES.get(slug))

    def kind(self, slug: str) -> str:
        """Return what the body kind ``slug`` is called in this language."""
        return self._label(slug, self._kinds.get(slug), BUILTIN_BODY_KINDS.get(slug))

    def how(self, slug: str | None) -> str:
        """Return how a term began (``elected`` …) in this language; "" for none."""
        from chapterhouse.core.labels import label

        if not slug:
            return ""
        with translation.override(catalogue_code(self.code)):
            return str(label(slug, "how"))

    def reason(self, reason: Text | None) -> str:
        """Return why a term ended in this language: a reason of the vocabulary
        (``resigned`` …) or the organization's own words (a Text); "" for none."""
        from chapterhouse.core.labels import label

        if not reason:
            return ""
        if isinstance(reason, str):
            with translation.override(catalogue_code(self.code)):
                return str(label(reason, "reason"))
        return self.text(reason)


def json_write(stdout: OutputWrapper, data: Any) -> None:
    """Write ``data`` as indented JSON, keeping every script readable (no ``\\u`` escapes).

    A selector's shape (a pydantic model) is written with its JSON keys, as the API
    answers with it."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json", by_alias=True)
    stdout.write(json.dumps(data, ensure_ascii=False, indent=2))


def rich_text(stdout: OutputWrapper, renderables: Iterable[RenderableType | str]) -> str:
    """Return rich renderables drawn as :func:`rich_write` would write them to ``stdout``."""
    terminal = bool(getattr(stdout, "isatty", lambda: False)())
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=shutil.get_terminal_size((_PIPE_WIDTH, 24)).columns if terminal else _PIPE_WIDTH,
        force_terminal=terminal,
        color_system="auto" if terminal else None,
        highlight=False,
    )
    for renderable in renderables:
        console.print(renderable)
    return buffer.getvalue()


def rich_write(stdout: OutputWrapper, renderables: Iterable[RenderableType | str]) -> None:
    """Draw rich renderables into ``stdout``: in colour on a terminal, plain when piped."""
    stdout.write(rich_text(stdout, renderables), ending="")


def or_dash(value: str | None) -> str:
    """Return ``value``, or an en dash for a cell with nothing in it."""
    return value or "–"


def scope_viewer(scope: str | None) -> Viewer:
    """Return the viewer a command reads as: the operator (everything), or `--scope`'s officers."""
    if not scope:
        return ADMIN
    try:
        return viewer_for_scope(scope)
    except Body.DoesNotExist:
        raise CommandError(_("no body with id %(id)r") % {"id": scope}) from None


def add_reader_arguments(parser: ArgumentParser, *, scope_help: str | None = None) -> None:
    """Add the options that choose whom a reading command renders for: ``--scope BODY``,
    ``--as EMAIL`` and ``--public`` (one at most; without any, the operator, who sees all).
    See docs/decisions/0026-reading-for-a-reader.md."""
    readers = parser.add_mutually_exclusive_group()
    readers.add_argument(
        "--scope",
        metavar="BODY",
        help=scope_help
        or _(
            "Show only what the officers of this body (an id) may see; default everything"
            " (operators run the command line)."
        ),
    )
    readers.add_argument(
        "--as",
        dest="reader",
        metavar="EMAIL",
        help=_(
            "Render it as this account sees it: what it may not see is left out, people it may"
            " not see are shown by placeholder."
        ),
    )
    readers.add_argument(
        "--public",
        action="store_true",
        help=_("Render it as a visitor who is not signed in sees it."),
    )


def reader_viewer(options: Mapping[str, Any], *, on: dt.date | None = None) -> Viewer:
    """Return the viewer a reading command renders for, from the options
    :func:`add_reader_arguments` added: ``--public`` the anonymous visitor, ``--as EMAIL``
    that account with the grants it holds ``on`` (default today; the same resolution as
    ``decision --as``), ``--scope BODY`` its officers, else the operator (everything).
    Raise ``CommandError`` for an account or body that does not exist."""
    from chapterhouse.custody.services import operator_viewer

    if options.get("public"):
        return ANONYMOUS
    email = options.get("reader")
    if email:
        try:
            return operator_viewer(email, on=on or timezone.localdate())
        except ValidationError:
            raise CommandError(
                _("--as: there is no active account with the e-mail %(email)r") % {"email": email}
            ) from None
    return scope_viewer(options.get("scope"))


def add_acting_as_argument(*parsers: ArgumentParser) -> None:
    """Add ``--as EMAIL`` to each of a writing command's ``parsers``: the account it acts as,
    with its grants; without it, the operator. :func:`acting_viewer` reads it."""
    for parser in parsers:
        parser.add_argument(
            "--as",
            dest="acting_as",
            metavar="EMAIL",
            help=_("Act as this account, with its grants (default: the operator)."),
        )


def acting_viewer(options: Mapping[str, Any]) -> Viewer:
    """Return the viewer a writing command acts as today (``--as EMAIL``, else the operator).
    Raise ``CommandError`` with the reasons when that account may not act."""
    from chapterhouse.custody.services import operator_viewer

    try:
        return operator_viewer(options.get("acting_as"), on=timezone.localdate())
    except ValidationError as error:
        raise CommandError("; ".join(error.messages)) from None

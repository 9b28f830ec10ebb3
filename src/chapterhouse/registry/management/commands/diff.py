"""``chapterhouse diff``: what changed in the organization between two dates."""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, cast

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.table import Table

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.custody.access import Viewer
from chapterhouse.registry.management import (
    FORMATS,
    Language,
    add_reader_arguments,
    day_from_argument,
    or_dash,
    reader_viewer,
    rich_write,
)
from chapterhouse.registry.selectors import diff_pages
from chapterhouse.registry.shapes import DiffTerm

# Changes read per query, and rows per table of the text output: the command's memory
# stays that of a page whatever the range.
PAGE_SIZE = 1_000


def _shape_json(shape: Any) -> Any:
    return shape.model_dump(mode="json", by_alias=True)


class Command(TranslatedCommand):
    help = cast(
        str,
        gettext_lazy(
            "Show the terms started and ended, the bodies founded, dissolved and renamed, and the"
            " mandates moved on the days from one date to another, both included."
        ),
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--from",
            dest="start",
            required=True,
            help=_("First day (YYYY-MM-DD; YYYY-MM or YYYY means its first day)."),
        )
        parser.add_argument(
            "--to",
            dest="end",
            required=True,
            help=_("Last day, included (YYYY-MM-DD; YYYY-MM or YYYY means its last day)."),
        )
        add_reader_arguments(parser)
        parser.add_argument(
            "--format", choices=(*FORMATS, "md"), default="text", help=_("Output format.")
        )
        parser.add_argument("--lang", help=_("Language of names; default the organization's."))

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = reader_viewer(options)
        start = day_from_argument(options["start"], option="--from")
        end = day_from_argument(options["end"], option="--to", last=True)
        if options["format"] == "md":
            self._markdown(viewer, start, end, options["lang"])
            return
        lang = Language(options["lang"])
        try:
            # Refuses a period that ends before it starts before anything is written (no
            # query: the pages are read when iterated).
            diff_pages(start=start, end=end, viewer=viewer, kind="started")
            with lang.naming():
                if options["format"] == "json":
                    self._json(viewer, start, end)
                else:
                    self._text(viewer, start, end, lang)
        except ValueError as error:
            raise CommandError(str(error)) from None

    def _pages(self, viewer: Viewer, start: dt.date, end: dt.date, kind: str) -> Iterator[Any]:
        """Yield the changes of one kind in order, read a page at a time."""
        for page in diff_pages(start=start, end=end, viewer=viewer, kind=kind, size=PAGE_SIZE):
            yield from page

    def _json(self, viewer: Viewer, start: dt.date, end: dt.date) -> None:
        """Write the document ``json_write`` writes of ``diff_between`` (the API's complete
        answer without ``counts`` and ``next``), a change at a time as they are read."""

        def write(text: str) -> None:
            self.stdout.write(text, ending="")

        def dumped(value: Any) -> str:
            return json.dumps(value, ensure_ascii=False, indent=2)

        lists: list[tuple[str, str, Callable[[Any], Any]]] = [
            ("started", "started", _shape_json),
            ("ended", "ended", _shape_json),
            ("founded", "bodies_founded", lambda event: event.body),
            ("dissolved", "bodies_dissolved", lambda event: event.body),
            ("bodies_founded", "bodies_founded", _shape_json),
            ("bodies_dissolved", "bodies_dissolved", _shape_json),
            ("renamed", "renamed", _shape_json),
            ("mandates_moved", "mandates_moved", _shape_json),
        ]
        write(f'{{\n  "from": {dumped(start.isoformat())},\n  "to": {dumped(end.isoformat())}')
        for key, kind, value_of in lists:
            write(f",\n  {dumped(key)}: ")
            opening = "[\n    "
            # The bodies founded and dissolved are read twice (their ids, then the events):
            # few, and the document is written in its order without holding either list.
            for change in self._pages(viewer, start, end, kind):
                write(opening + dumped(value_of(change)).replace("\n", "\n    "))
                opening = ",\n    "
            write("[]" if opening.startswith("[") else "\n  ]")
        self.stdout.write("\n}")

    def _text(self, viewer: Viewer, start: dt.date, end: dt.date, lang: Language) -> None:
        """Write the tables of changes as they are read: a table of at most ``PAGE_SIZE``
        rows at a time (the one table it always was when the list is shorter)."""
        heading = _("Changes from %(start)s to %(end)s") % {
            "start": lang.date(start),
            "end": lang.date(end),
        }
        rich_write(self.stdout, [heading])
        wrote = False
        for kind, title, ended in (
            ("started", _("Terms started"), False),
            ("ended", _("Terms ended"), True),
        ):
            first = True
            for page in diff_pages(start=start, end=end, viewer=viewer, kind=kind, size=PAGE_SIZE):
                table = self._terms(title if first else None, page, lang, ended=ended)
                rich_write(self.stdout, [table])
                first, wrote = False, True
        bodies = self._body_rows(viewer, start, end, lang)
        wrote = self._tables(_("Bodies"), self._body_columns(), bodies) or wrote
        moves = (
            (
                move.date,
                lang.text(move.mandate_name) or move.mandate,
                lang.text(move.from_name) or move.from_,
                lang.text(move.to_name) or move.to,
                lang.role(move.holder_role) if move.holder_role else "–",
                or_dash(move.decision),
            )
            for move in self._pages(viewer, start, end, "mandates_moved")
        )
        columns = (_("Date"), _("Mandate"), _("From"), _("To"), _("Holder"), _("Decision"))
        wrote = self._tables(_("Mandates moved"), columns, moves) or wrote
        if not wrote:
            rich_write(self.stdout, [_("Nothing changed.")])

    def _body_columns(self) -> tuple[str, ...]:
        return (_("Date"), _("Change"), _("Body"), _("New name"), _("Decision"))

    def _body_rows(
        self, viewer: Viewer, start: dt.date, end: dt.date, lang: Language
    ) -> Iterator[tuple[str, ...]]:
        for kind, change in (
            ("bodies_founded", _("founded")),
            ("bodies_dissolved", _("dissolved")),
        ):
            for row in self._pages(viewer, start, end, kind):
                yield (
                    or_dash(row.date),
                    change,
                    lang.text(row.name) or row.body,
                    "",
                    or_dash(row.decision),
                )
        for rename in self._pages(viewer, start, end, "renamed"):
            yield (
                rename.date,
                _("renamed"),
                lang.text(rename.previous_name) or rename.body,
                lang.text(rename.name),
                or_dash(rename.decision),
            )

    def _tables(self, title: str, columns: Iterable[str], rows: Iterator[tuple[str, ...]]) -> bool:
        """Write ``rows`` as tables of at most ``PAGE_SIZE`` rows under ``columns``, the first
        with ``title``; return whether there was any row."""
        columns = tuple(columns)
        wrote = False
        while chunk := list(islice(rows, PAGE_SIZE)):
            table = Table(title=title if not wrote else None, title_justify="left")
            for column in columns:
                table.add_column(column)
            for row in chunk:
                table.add_row(*row)
            rich_write(self.stdout, [table])
            wrote = True
        return wrote

    def _markdown(self, viewer: Viewer, start: dt.date, end: dt.date, lang: str | None) -> None:
        """Write the changes grouped the way a secretary writes them (see reports.changes)."""
        from chapterhouse.reports.changes import changes_grouped, render_changes_markdown
        from chapterhouse.reports.conference import (
            UndeclaredLanguage,
            declared_language,
            working_languages,
        )

        languages, default = working_languages()
        try:
            code = declared_language(lang or default, languages)
        except UndeclaredLanguage as error:
            raise CommandError(str(error)) from None
        try:
            changes = changes_grouped(viewer=viewer, start=start, end=end, lang=code)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(render_changes_markdown(changes), ending="")

    def _terms(
        self, title: str | None, terms: list[DiffTerm], lang: Language, *, ended: bool
    ) -> Table:
        table = Table(title=title, title_justify="left")
        table.add_column(_("Last day") if ended else _("Start"))
        table.add_column(_("Person"))
        table.add_column(_("Role"))
        table.add_column(_("Body"))
        table.add_column(_("Reason") if ended else _("How"))
        table.add_column(_("Decision"))
        for term in terms:
            role = lang.role(term.role)
            if term.title:
                role += f" — {lang.text(term.title)}"
            table.add_row(
                term.end if ended else term.start,
                term.name,
                role,
                lang.text(term.body_name) or term.body,
                or_dash(lang.reason(term.reason) if ended else lang.how(term.how)),
                or_dash(term.end_decision if ended else term.decision),
            )
        return table

"""``chapterhouse diff``: what changed in the organization between two dates."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
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
    json_write,
    or_dash,
    reader_viewer,
    rich_write,
)
from chapterhouse.registry.selectors import diff_between
from chapterhouse.registry.shapes import DiffTerm


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
            with lang.naming():
                diff = diff_between(start=start, end=end, viewer=viewer)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["format"] == "json":
            json_write(self.stdout, diff)
            return
        heading = _("Changes from %(start)s to %(end)s") % {
            "start": lang.date(start),
            "end": lang.date(end),
        }
        parts: list[Any] = [heading]
        if diff.started:
            parts.append(self._terms(_("Terms started"), diff.started, lang, ended=False))
        if diff.ended:
            parts.append(self._terms(_("Terms ended"), diff.ended, lang, ended=True))
        if diff.bodies_founded or diff.bodies_dissolved or diff.renamed:
            bodies = Table(title=_("Bodies"), title_justify="left")
            bodies.add_column(_("Date"))
            bodies.add_column(_("Change"))
            bodies.add_column(_("Body"))
            bodies.add_column(_("New name"))
            bodies.add_column(_("Decision"))
            for change, rows in (
                (_("founded"), diff.bodies_founded),
                (_("dissolved"), diff.bodies_dissolved),
            ):
                for row in rows:
                    bodies.add_row(
                        or_dash(row.date),
                        change,
                        lang.text(row.name) or row.body,
                        "",
                        or_dash(row.decision),
                    )
            for rename in diff.renamed:
                bodies.add_row(
                    rename.date,
                    _("renamed"),
                    lang.text(rename.previous_name) or rename.body,
                    lang.text(rename.name),
                    or_dash(rename.decision),
                )
            parts.append(bodies)
        if diff.mandates_moved:
            moved = Table(title=_("Mandates moved"), title_justify="left")
            for column in (_("Date"), _("Mandate"), _("From"), _("To"), _("Holder"), _("Decision")):
                moved.add_column(column)
            for move in diff.mandates_moved:
                moved.add_row(
                    move.date,
                    lang.text(move.mandate_name) or move.mandate,
                    lang.text(move.from_name) or move.from_,
                    lang.text(move.to_name) or move.to,
                    lang.role(move.holder_role) if move.holder_role else "–",
                    or_dash(move.decision),
                )
            parts.append(moved)
        if len(parts) == 1:
            parts.append(_("Nothing changed."))
        rich_write(self.stdout, parts)

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

    def _terms(self, title: str, terms: list[DiffTerm], lang: Language, *, ended: bool) -> Table:
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

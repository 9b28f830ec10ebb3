"""``chapterhouse people find TEXT``: the people a name in any script or spelling names, best
match first (`registry.search.search_people`)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any, cast

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.table import Table

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.registry.management import (
    FORMATS,
    Language,
    add_reader_arguments,
    json_write,
    reader_viewer,
    rich_write,
)
from chapterhouse.registry.search import search_people, search_refusal


def _limit(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise CommandError(_("--limit: a number from 1 to 100, not %(value)r") % {"value": value})
    return int(value)


class Command(TranslatedCommand):
    help = cast(str, gettext_lazy("Find people by any of their names, in any script."))
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        find = actions.add_parser(
            "find",
            help=_("List the people a name (in any script or spelling) names, best match first."),
        )
        find.add_argument("text", metavar="TEXT", help=_("A name, or part of one."))
        find.add_argument("--limit", type=_limit, default=20, help=_("How many at most."))
        find.add_argument("--format", choices=FORMATS, default="text", help=_("Output format."))
        find.add_argument("--lang", help=_("Language of names; default the organization's."))
        add_reader_arguments(find)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(options)

    def handle_find(self, options: dict[str, Any]) -> None:
        """Print the people ``TEXT`` names for the reader the options choose, best first."""
        refusal = search_refusal(options["text"])
        if refusal:
            raise CommandError(f"TEXT: {refusal}")
        viewer = reader_viewer(options)
        lang = Language(options["lang"])
        with lang.naming():
            matches = search_people(options["text"], viewer=viewer, limit=options["limit"])
            names = viewer.display_names([match.person for match in matches])
        rows = [
            {
                "id": match.person.slug,
                "name": names[match.person.pk],
                "matched": match.matched,
                "score": match.score,
            }
            for match in matches
        ]
        if options["format"] == "json":
            json_write(self.stdout, rows)
            return
        if not rows:
            self.stdout.write(_("Nobody is called that, in any script or spelling."))
            return
        table = Table(title_justify="left")
        for column in (_("Id"), _("Name"), _("Found as"), _("Score")):
            table.add_column(column)
        for row in rows:
            table.add_row(row["id"], row["name"], row["matched"], f"{row['score']:g}")
        rich_write(self.stdout, [table])

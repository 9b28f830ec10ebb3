"""``chapterhouse people duplicates|merge|unmerge``: likely duplicate people, and merging
two records of one person (docs/decisions/0032).

Subcommands are added in ``add_arguments`` and run by the ``handle_<name>`` method of the
same name (``people find``, the search, belongs here too).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.table import Table

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.custody.access import Viewer
from chapterhouse.registry.duplicates import duplicate_pairs, pair_reason
from chapterhouse.registry.management import (
    FORMATS,
    Language,
    acting_viewer,
    add_acting_as_argument,
    add_reader_arguments,
    json_write,
    reader_viewer,
    rich_write,
)
from chapterhouse.registry.merges import alias_of, person_merge, person_unmerge
from chapterhouse.registry.models import Body, Person
from chapterhouse.registry.search import search_people, search_refusal


def _limit(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise CommandError(_("--limit: a number from 1 to 100, not %(value)r") % {"value": value})
    return int(value)


class Command(TranslatedCommand):
    help = cast(
        str,
        gettext_lazy(
            "Find people by any of their names, in any script; list likely duplicate people,"
            " merge two records of one person, or undo a merge."
        ),
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        duplicates = actions.add_parser(
            "duplicates", help=_("List pairs of people who are likely the same person.")
        )
        duplicates.add_argument(
            "--body", metavar="ID", help=_("Only people kept by this body or holding a post in it.")
        )
        duplicates.add_argument("--format", choices=("text", "json"), default="text")
        merge = actions.add_parser(
            "merge", help=_("Merge OTHER into KEEP: everything of OTHER moves to KEEP.")
        )
        merge.add_argument("keep", metavar="KEEP", help=_("The id of the person kept."))
        merge.add_argument("other", metavar="OTHER", help=_("The id of the person merged."))
        unmerge = actions.add_parser(
            "unmerge", help=_("Undo the merge of OTHER, as long as nothing newer builds on it.")
        )
        unmerge.add_argument("other", metavar="OTHER", help=_("The merged person's id."))
        find = actions.add_parser(
            "find",
            help=_("List the people a name (in any script or spelling) names, best match first."),
        )
        find.add_argument("text", metavar="TEXT", help=_("A name, or part of one."))
        find.add_argument("--limit", type=_limit, default=20, help=_("How many at most."))
        find.add_argument("--format", choices=FORMATS, default="text", help=_("Output format."))
        find.add_argument("--lang", help=_("Language of names; default the organization's."))
        add_reader_arguments(find)
        add_acting_as_argument(duplicates, merge, unmerge)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "find":
            # A reading command: it reads for the reader the options choose (--as, --public).
            self.handle_find(options)
            return
        viewer = acting_viewer(options)
        handler = getattr(self, f"handle_{options['action']}")
        try:
            handler(viewer, options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from None

    def person(self, viewer: Viewer, slug: str) -> Person:
        person = (
            Person.objects.select_related("custodian")
            .filter(viewer.people_filter(), slug=slug)
            .first()
        )
        if person is None:
            # Hidden or absent: the same answer, so that no one learns of a hidden person.
            raise CommandError(_("no person with id %(id)r") % {"id": slug})
        return person

    def handle_duplicates(self, viewer: Viewer, options: dict[str, Any]) -> None:
        body = None
        if options["body"]:
            body = Body.objects.filter(viewer.body_filter(), slug=options["body"]).first()
            if body is None:
                raise CommandError(_("no body with id %(id)r") % {"id": options["body"]})
        pairs = duplicate_pairs(viewer=viewer, body=body)
        names = viewer.display_names(
            [person for pair in pairs for person in (pair.first, pair.second)]
        )
        rows: list[dict[str, Any]] = [
            {
                "first": {"id": pair.first.slug, "name": names[pair.first.pk]},
                "second": {"id": pair.second.slug, "name": names[pair.second.pk]},
                "score": pair.score,
                "reason": pair_reason(pair),
            }
            for pair in pairs
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(_("No likely duplicates."))
        for row in rows:
            self.stdout.write(
                f"{row['score']:>3}  {row['first']['id']} ({row['first']['name']})  "
                f"{row['second']['id']} ({row['second']['name']})  {row['reason']}"
            )

    def handle_merge(self, viewer: Viewer, options: dict[str, Any]) -> None:
        keep = self.person(viewer, options["keep"])
        other = self.person(viewer, options["other"])
        person_merge(viewer=viewer, via="cli", at=timezone.now(), keep=keep, other=other)
        self.stdout.write(
            _("Merged %(other)s into %(keep)s; %(other)s now names %(keep)s.")
            % {"other": options["other"], "keep": keep.slug}
        )

    def handle_unmerge(self, viewer: Viewer, options: dict[str, Any]) -> None:
        alias = alias_of(options["other"])
        if alias is None or not viewer.visible_people([alias.person_id]):
            raise CommandError(_("no merged person with id %(id)r") % {"id": options["other"]})
        person_unmerge(viewer=viewer, via="cli", at=timezone.now(), alias=alias)
        self.stdout.write(
            _("Undid the merge of %(other)s into %(keep)s.")
            % {"other": alias.slug, "keep": alias.person.slug}
        )

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

"""``chapterhouse orgchart``: the organization as it stood on a date."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any, cast

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.text import Text as RichText
from rich.tree import Tree

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.registry.management import (
    FORMATS,
    Language,
    add_reader_arguments,
    day_from_argument,
    reader_viewer,
    rich_write,
)
from chapterhouse.registry.selectors import UnknownBody, orgchart_stream
from chapterhouse.registry.shapes import OrgchartOut, orgchart_json_chunks


class Command(TranslatedCommand):
    help = cast(str, gettext_lazy("Show the bodies and who held which post in each, as of a date."))
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help=_("The date (YYYY-MM-DD, YYYY-MM or YYYY); default today."),
        )
        parser.add_argument(
            "--body", help=_("Show only this body (an id) and the bodies below it.")
        )
        add_reader_arguments(parser)
        parser.add_argument("--format", choices=FORMATS, default="text", help=_("Output format."))
        parser.add_argument("--lang", help=_("Language of names; default the organization's."))

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = reader_viewer(options)
        as_of = (
            day_from_argument(options["as_of"], option="--as-of")
            if options["as_of"]
            else timezone.localdate()
        )
        lang = Language(options["lang"])
        try:
            with lang.naming():
                bodies = orgchart_stream(as_of=as_of, root=options["body"], viewer=viewer)
                if options["format"] == "json":
                    # Written while it is read: a large organization's first bodies at once.
                    for piece in orgchart_json_chunks(
                        as_of=as_of, bodies=bodies, ensure_ascii=False, indent=2
                    ):
                        self.stdout.write(piece, ending="")
                    self.stdout.write("")
                    return
                chart = OrgchartOut(as_of=as_of.isoformat(), bodies=list(bodies))
        except UnknownBody as error:
            raise CommandError(str(error)) from None
        if not chart.bodies:
            message = _("Nothing existed on %(date)s.")
            if options["body"]:
                message = _("Body %(body)s did not exist on %(date)s.")
            self.stdout.write(message % {"date": lang.date(as_of), "body": options["body"]})
            return
        rich_write(self.stdout, [self._tree(chart, as_of, lang)])

    def _tree(self, chart: OrgchartOut, as_of: dt.date, lang: Language) -> Tree:
        tree = Tree(RichText(_("As of %(date)s") % {"date": lang.date(as_of)}, style="bold"))
        branches: list[Tree] = [tree]
        for body in chart.bodies:
            del branches[body.depth + 1 :]
            label = RichText()
            name = lang.text(body.name)
            label.append(name, style="bold")
            kind = lang.kind(body.kind)
            # No kind that the name already says ("Coordination Council  Coordination Council").
            shown = f"{kind} · " if kind.casefold() not in name.casefold() else ""
            label.append(f"  {shown}{body.id}", style="dim")
            branch = branches[-1].add(label)
            for holder in body.holders:
                line = RichText(f"{lang.role(holder.role)}: ", style="cyan")
                line.append(holder.name)
                if holder.title:
                    line.append(f" — {lang.text(holder.title)}")
                since = _("since %(date)s") % {"date": holder.start}
                line.append(f"  ({since})", style="dim")
                branch.add(line)
            if body.mandates:
                parts = []
                for mandate in body.mandates:
                    part = lang.text(mandate.name)
                    if mandate.holder_role:
                        part += f" ({lang.role(mandate.holder_role)})"
                    parts.append(part)
                branch.add(
                    RichText(_("Mandates: %(list)s") % {"list": ", ".join(parts)}, style="green")
                )
            branches.append(branch)
        return tree

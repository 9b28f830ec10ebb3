"""``chapterhouse orgchart``: the organization as it stood on a date."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from collections.abc import Iterator
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
    rich_text,
)
from chapterhouse.registry.selectors import UnknownBody, orgchart_stream
from chapterhouse.registry.shapes import ChartBody, orgchart_json_chunks


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
                stream = orgchart_stream(as_of=as_of, root=options["body"], viewer=viewer)
        except UnknownBody as error:
            raise CommandError(str(error)) from None
        bodies = _named(stream, lang)
        if options["format"] == "json":
            # Written while it is read: a large organization's first bodies at once.
            for piece in orgchart_json_chunks(
                as_of=as_of, bodies=bodies, ensure_ascii=False, indent=2
            ):
                self.stdout.write(piece, ending="")
            self.stdout.write("")
            return
        self._text_write(bodies, as_of, lang, body=options["body"])

    def _text_write(
        self, bodies: Iterator[ChartBody], as_of: dt.date, lang: Language, *, body: str | None
    ) -> None:
        """Draw the chart as a tree, one top-level body's branch at a time as the bodies are
        read: each branch is drawn in a tree of its own under the same title, with a blank
        branch after it while another may follow (so its guides are those of the whole
        tree), and only its own lines are written."""
        title = RichText(_("As of %(date)s") % {"date": lang.date(as_of)}, style="bold")
        branch: list[ChartBody] = []
        started = False

        def draw(last: bool) -> None:
            nonlocal started
            tree = Tree(title)
            self._branch(tree, branch, lang)
            if not last:
                tree.add("")
            lines = rich_text(self.stdout, [tree]).split("\n")
            # The title, once; the blank branch; the text ends with a line break.
            kept = lines[(1 if started else 0) : -1 if last else -2]
            self.stdout.write("\n".join(kept) + "\n", ending="")
            started = True

        for chart_body in bodies:
            if chart_body.depth == 0 and branch:
                draw(last=False)
                branch = []
            branch.append(chart_body)
        if branch:
            draw(last=True)
            return
        message = _("Nothing existed on %(date)s.")
        if body:
            message = _("Body %(body)s did not exist on %(date)s.")
        self.stdout.write(message % {"date": lang.date(as_of), "body": body})

    def _branch(self, tree: Tree, bodies: list[ChartBody], lang: Language) -> None:
        branches: list[Tree] = [tree]
        for body in bodies:
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


def _named(bodies: Iterator[ChartBody], lang: Language) -> Iterator[ChartBody]:
    """Yield ``bodies`` read (their holders named) in ``lang``, the rest of the command
    speaking its own language."""
    while True:
        with lang.naming():
            body = next(bodies, None)
        if body is None:
            return
        yield body

"""``chapterhouse report conference ID``: the conference report in one working language."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any, cast

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.meetings.models import Conference
from chapterhouse.registry.management import add_reader_arguments, reader_viewer
from chapterhouse.reports.conference import (
    ReportError,
    conference_report,
    render_html,
    render_markdown,
    render_pdf_report,
    working_languages,
)

REPORT_FORMATS = ("md", "html", "pdf")


class Command(TranslatedCommand):
    help = cast(
        str,
        gettext_lazy(
            "Write a conference report (schedule, what changed, resolutions, instructions,"
            " awards, agreements, occasions, sessions) in one working language as Markdown,"
            " HTML or PDF."
        ),
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["conference"], help=_("What to report on."))
        parser.add_argument("id", help=_("The conference's id."))
        parser.add_argument(
            "--lang", help=_("A working language of the organization; default its default one.")
        )
        parser.add_argument("--format", choices=REPORT_FORMATS, default="md", help=_("Format."))
        parser.add_argument(
            "--output", metavar="FILE", help=_("Write to this file instead of standard output.")
        )
        add_reader_arguments(
            parser,
            scope_help=_(
                "Report only what the officers of this body (an id) may see; default everything"
                " (operators run the command line)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = reader_viewer(options)
        lang = options["lang"] or working_languages()[1]
        output = options["output"]
        binary = options["format"] == "pdf"
        if binary and not output and self._stdout_is_terminal():
            raise CommandError(
                _("a PDF is not written to a terminal: give --output FILE or redirect the output")
            )
        try:
            report = conference_report(conference=options["id"], lang=lang, viewer=viewer)
        except Conference.DoesNotExist:
            raise CommandError(_("no conference with id %(id)r") % {"id": options["id"]}) from None
        except ReportError as error:
            raise CommandError(str(error)) from None
        if binary:
            data = render_pdf_report(report)
            if output:
                Path(output).write_bytes(data)
            else:
                self._write_binary(data)
            return
        text = render_markdown(report) if options["format"] == "md" else render_html(report)
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

    def _stdout_is_terminal(self) -> bool:
        return bool(getattr(self.stdout, "isatty", lambda: False)())

    def _write_binary(self, data: bytes) -> None:
        stream = getattr(self.stdout, "_out", self.stdout)
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            raise CommandError(_("standard output takes no binary data: give --output FILE"))
        stream.flush()
        buffer.write(data)
        buffer.flush()

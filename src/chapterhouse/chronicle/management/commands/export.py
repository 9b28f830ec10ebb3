"""``chapterhouse export [--format popolo] [--public | --scope BODY] [--output FILE]``.

Writes a Chronicle, or with ``--format popolo`` a Popolo JSON document.

Plain ``export`` is the operator's full export. ``--public`` writes only what
an anonymous visitor may see; ``--scope BODY`` only what the officers of BODY
may see. Both still import cleanly into an empty database.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from chapterhouse.chronicle.exporter import chronicle_export
from chapterhouse.chronicle.popolo_export import popolo_export
from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.custody.access import ADMIN, ANONYMOUS, Viewer, viewer_for_scope
from chapterhouse.registry.models import Body


class Command(TranslatedCommand):
    help = "Export the organization as a Chronicle (to standard output, or --output FILE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")
        parser.add_argument(
            "--format",
            choices=("chronicle", "popolo"),
            default="chronicle",
            help="write a Chronicle (default) or Popolo JSON",
        )
        audience = parser.add_mutually_exclusive_group()
        audience.add_argument(
            "--public",
            action="store_true",
            help="write only what an anonymous visitor may see",
        )
        audience.add_argument(
            "--scope",
            metavar="BODY",
            help="write only what the officers of BODY (a body id) may see",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = self.viewer(options)
        # A restricted export holds the articles published by now.
        now = timezone.now()
        output = options.get("output")

        def write(out: Any) -> dict[str, int]:
            if options.get("format") == "popolo":
                return popolo_export(out, viewer=viewer)
            return chronicle_export(out, viewer=viewer, at=now)

        if not output:
            write(sys.stdout)
            return
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(
                _("%(output)s: the folder %(folder)s does not exist")
                % {"output": output, "folder": target.parent}
            )
        # Write beside the target and rename, so a failed export never leaves half a file.
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                counts = write(out)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        summary = ", ".join(f"{n} {section}" for section, n in counts.items() if n)
        self.stderr.write(
            _("Wrote %(output)s: %(summary)s.") % {"output": output, "summary": summary}
        )

    @staticmethod
    def viewer(options: dict[str, Any]) -> Viewer:
        """Return whose view the export takes: the operator's, the public's or a body's."""
        if options.get("public"):
            return ANONYMOUS
        scope = options.get("scope")
        if scope:
            try:
                return viewer_for_scope(scope)
            except Body.DoesNotExist:
                message = _("--scope %(body)s: no body with this id") % {"body": scope}
                raise CommandError(message) from None
        return ADMIN

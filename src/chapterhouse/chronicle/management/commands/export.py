"""``chapterhouse export [--output FILE]``: write the whole record as a Chronicle."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chapterhouse.chronicle.exporter import chronicle_export


class Command(BaseCommand):
    help = "Export the organization as a Chronicle (to standard output, or --output FILE)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="write to this file instead of stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        output = options.get("output")
        if not output:
            chronicle_export(sys.stdout)
            return
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"{output}: the folder {target.parent} does not exist")
        # Write beside the target and rename, so a failed export never leaves half a file.
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                counts = chronicle_export(out)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        summary = ", ".join(f"{n} {section}" for section, n in counts.items() if n)
        self.stderr.write(f"Wrote {output}: {summary}.")

"""``chapterhouse import FILE``: validate a Chronicle and write it in one transaction."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from chapterhouse.chronicle.importer import ChronicleInvalid, chronicle_import
from chapterhouse.chronicle.management.commands._progress import (
    BAR_THRESHOLD_BYTES,
    RichImportProgress,
)
from chapterhouse.chronicle.popolo import popolo_import
from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.custody.services import operator_viewer


class Command(TranslatedCommand):
    help = "Import a Chronicle or Popolo file (all or nothing); '-' reads standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the JSON file, or - for standard input")
        parser.add_argument(
            "--format",
            choices=("chronicle", "popolo"),
            default="chronicle",
            help="the file's format: a Chronicle (default) or Popolo JSON",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        if name == "-":
            source: Any = sys.stdin.buffer
            big = True
        else:
            path = Path(name)
            if not path.is_file():
                raise CommandError(f"{name}: no such file")
            source = path
            big = path.stat().st_size >= BAR_THRESHOLD_BYTES
        try:
            with RichImportProgress(enabled=big) as progress:
                # The command line is the operator's: it acts as the administrator, and
                # the audit trail names the operator's login.
                load = popolo_import if options["format"] == "popolo" else chronicle_import
                result = load(
                    source,
                    progress=progress,
                    viewer=operator_viewer(),
                    via="cli",
                    at=timezone.now(),
                    on_wait=self.waiting,
                )
        except OperationalError as busy:
            # SQLite: another write held the database longer than the busy timeout.
            if "locked" not in str(busy):
                raise
            raise CommandError(
                _(
                    "%(file)s: the database is busy with another write; nothing was imported,"
                    " try again when it has finished"
                )
                % {"file": name}
            ) from None
        except ChronicleInvalid as invalid:
            count = len(invalid.errors)
            plural = "s" if count != 1 else ""
            self.stderr.write(f"{name}: {count} error{plural}; nothing was imported")
            for error in invalid.errors:
                self.stderr.write(f"  {error}")
            raise CommandError("the import was refused") from None
        width = max((len(s) for s in result.counts), default=10)
        self.stdout.write(f"{'section':<{width}}  created  updated  unchanged")
        for section, outcome in result.counts.items():
            self.stdout.write(
                f"{section:<{width}}  {outcome.created:>7}  {outcome.updated:>7}"
                f"  {outcome.unchanged:>9}"
            )
        self.stdout.write(
            f"Imported {name}: {result.total('created')} created, "
            f"{result.total('updated')} updated, {result.total('unchanged')} unchanged."
        )
        for left_out in result.not_imported:
            self.stdout.write(f"Not imported: {left_out}")

    def waiting(self) -> None:
        """Say why nothing seems to happen while another import holds the lock."""
        self.stderr.write(_("waiting for another import to finish …"))
        self.stderr.flush()

"""``chapterhouse search_index``: rebuild the news search index from the translations."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.newsroom.search.services import search_rebuild


class Command(TranslatedCommand):
    help = (
        "Rebuild the news search index: every published or outdated translation gets "
        "its entry, changed ones are rewritten, the others' entries go."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="translations read and written per transaction (default 2000)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        console = Console(stderr=True)
        bar: Progress | None = None
        task: TaskID | None = None

        def progress(done: int, total: int) -> None:
            nonlocal bar, task
            if not console.is_terminal or options["verbosity"] < 1:
                return
            if bar is None:
                bar = Progress(
                    TextColumn("Indexing"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeRemainingColumn(),
                    console=console,
                )
                bar.start()
                task = bar.add_task("index", total=total)
            assert task is not None
            bar.update(task, completed=done)

        started = time.monotonic()
        try:
            counts = search_rebuild(batch_size=batch_size, progress=progress)
        finally:
            if bar is not None:
                bar.stop()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Indexed {counts.created + counts.updated + counts.unchanged:,} translations "
                f"in {time.monotonic() - started:.1f} s: {counts.created:,} created, "
                f"{counts.updated:,} updated, {counts.unchanged:,} unchanged, "
                f"{counts.removed:,} removed."
            )

"""A rich progress bar for long imports, shown only where a person is watching."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)

from chapterhouse.chronicle.importer import Progress as ImportProgress

# Below this size an import takes well under a couple of seconds: no bar.
BAR_THRESHOLD_BYTES = 2_000_000


class RichImportProgress(ImportProgress):
    """Draw the importer's phases as progress bars on stderr."""

    def __init__(self, *, enabled: bool) -> None:
        self.console = Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> RichImportProgress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def phase(self, name: str, total: int | None) -> None:
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.stop()
        count = DownloadColumn() if name == "Checking" else MofNCompleteColumn()
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            count,
            TimeRemainingColumn(),
            console=self.console,
        )
        self.bar.start()
        self.task = self.bar.add_task(name, total=total)

    def advance(self, amount: int) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task, amount)

"""The base of every ``chapterhouse`` command."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class TranslatedCommand(BaseCommand):
    """Build a command whose ``help`` may be a lazily translated string.

    ``help`` is set on the class, before any language is active, so it is a
    ``gettext_lazy`` proxy; argparse wraps the description with ``re.sub``,
    which refuses a proxy (``TypeError … '__proxy__'``). The parser gets the
    text rendered in the language active when ``--help`` runs.
    """

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        """Return the command's parser, its description rendered to plain text."""
        if self.help:
            self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

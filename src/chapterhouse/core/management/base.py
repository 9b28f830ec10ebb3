"""The base of every ``chapterhouse`` command."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


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


def iso_day(value: str) -> dt.date:
    """Return the day ``value`` writes as YYYY-MM-DD, or raise ``CommandError`` saying so."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(value)r is not a date: write YYYY-MM-DD") % {"value": value}
        ) from None


def refusal(error: ValidationError) -> CommandError:
    """Return the ``CommandError`` that tells a service's refusal: ``path: message`` for
    each problem it names (the message alone for one about the whole), joined by "; "."""
    if hasattr(error, "error_dict"):
        messages = [
            f"{path}: {message}" if path != "__all__" else message
            for path, found in error.message_dict.items()
            for message in found
        ]
    else:
        messages = list(error.messages)
    return CommandError("; ".join(messages))

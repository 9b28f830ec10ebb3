"""``chapterhouse audit [--object TYPE:ID] [--since DATE]``: print the audit trail;
``chapterhouse audit verify``: check its hash chain."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any, cast

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.table import Table

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.selectors import (
    audit_chain_verify,
    audit_changes,
    audit_entries,
    audit_entry_data,
)
from chapterhouse.registry.management import FORMATS, day_from_argument, json_write, rich_write


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


class Command(TranslatedCommand):
    help = cast(
        str,
        gettext_lazy(
            "Print the audit trail: who changed what, when, and how, newest first;"
            " 'audit verify' checks that no entry was changed or removed."
        ),
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "check",
            nargs="?",
            choices=["verify"],
            help=_("verify: check the hash chain and report the first broken link."),
        )
        parser.add_argument(
            "--object",
            metavar="TYPE:ID",
            help=_("Only entries about this object, e.g. person:aigerim-bekova."),
        )
        parser.add_argument("--since", help=_("Only entries from this day on (YYYY-MM-DD)."))
        parser.add_argument(
            "--limit", type=int, default=None, help=_("At most this many entries (default all).")
        )
        parser.add_argument("--format", choices=FORMATS, default="text", help=_("Output format."))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"] == "verify":
            self.verify()
            return
        object_type = object_id = None
        if options["object"]:
            object_type, sep, object_id = options["object"].partition(":")
            if not sep or not object_type or not object_id:
                raise CommandError(
                    _("--object: expected TYPE:ID, e.g. person:aigerim-bekova; got %(value)r")
                    % {"value": options["object"]}
                )
        since = day_from_argument(options["since"], option="--since") if options["since"] else None
        # The operator of the command line reads the whole trail, as an administrator does.
        entries = audit_entries(
            ADMIN,
            object_type=object_type,
            object_id=object_id,
            since=since,
            limit=options["limit"],
        )
        if options["format"] == "json":
            json_write(self.stdout, [audit_entry_data(entry) for entry in entries])
            return
        if not entries:
            self.stdout.write(_("No audit entries."))
            return
        table = Table(title=_("Audit trail"), title_justify="left")
        for column in (_("When"), _("Who"), _("Via"), _("Action")):
            table.add_column(column)
        # Ids are never cut short: a truncated id would name another object.
        table.add_column(_("Object"), overflow="fold")
        table.add_column(_("Changes"), overflow="fold", ratio=2)
        for entry in entries:
            changes = "\n".join(
                f"{change['field']}: {_value(change['before'])} → {_value(change['after'])}"
                for change in audit_changes(entry)
            )
            table.add_row(
                entry.at.strftime("%Y-%m-%d %H:%M:%S"),
                entry.actor_label,
                entry.via,
                entry.action,
                f"{entry.object_type}:{entry.object_id}",
                changes,
            )
        rich_write(self.stdout, [table])

    def verify(self) -> None:
        """Print OK with the number of entries, or the first broken link and exit 1."""
        result = audit_chain_verify()
        if not result.intact:
            raise CommandError(
                _(
                    "the audit trail is broken at entry %(id)s: %(problem)s"
                    " (%(count)s entries before it are intact)"
                )
                % {"id": result.broken_entry, "problem": result.problem, "count": result.count},
                returncode=1,
            )
        self.stdout.write(
            _(
                "OK: %(count)s audit entries, the chain is intact"
                " (%(redacted)s redacted by erasure); last digest %(digest)s"
            )
            % {"count": result.count, "redacted": result.redacted, "digest": result.last_digest}
        )

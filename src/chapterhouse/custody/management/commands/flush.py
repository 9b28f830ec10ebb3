"""``chapterhouse flush``: Django's flush, refused while the audit trail holds entries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

from chapterhouse.custody.models import AuditEntry


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        # The database's triggers refuse it too; this says so before anything is tried.
        database = options.get("database") or DEFAULT_DB_ALIAS
        count = AuditEntry.objects.using(database).count()
        if count:
            raise CommandError(
                _(
                    "flush refused: it would empty the audit trail (%(count)s entries),"
                    " which is never emptied; nothing was changed"
                )
                % {"count": count}
            )
        super().handle(**options)

"""``chapterhouse demo``: load the invented demo organization (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chapterhouse.chronicle.importer import ChronicleInvalid, chronicle_import

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo.chronicle.json"
DEMO_ADMIN = "admin"
DEMO_PASSWORD = "chapterhouse-demo"


class Command(BaseCommand):
    help = "Load the demo organization and a local admin account; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = chronicle_import(DEMO_FILE)
        except ChronicleInvalid as invalid:
            raise CommandError(f"the demo file is invalid:\n{invalid}") from None
        self.stdout.write(
            f"Demo organization: {result.total('created')} created, "
            f"{result.total('updated')} updated, {result.total('unchanged')} unchanged."
        )
        users = get_user_model()
        if not users.objects.filter(username=DEMO_ADMIN).exists():
            users.objects.create_superuser(DEMO_ADMIN, "admin@example.org", DEMO_PASSWORD)
            self.stdout.write(f"Created the demo admin account {DEMO_ADMIN!r}.")
        self.stdout.write(
            f"Sign in to /admin/ as {DEMO_ADMIN!r} with the password {DEMO_PASSWORD!r}"
            " (a local demo account; change it with `chapterhouse changepassword admin`)."
        )

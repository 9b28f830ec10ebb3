"""``chapterhouse views flush``: move the pending view counts into the database now."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.newsroom.engagement.counter import views_pending_move


class Command(TranslatedCommand):
    help = cast(str, gettext_lazy("Work with the articles' view counts."))
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions.add_parser(
            "flush",
            help=_(
                "Move the view counts waiting in the cache into the database (the worker "
                "does it every minute; the cache must be the one the site uses, e.g. Redis)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        moved = views_pending_move(at=timezone.now())
        self.stdout.write(_("Recorded %(count)d views.") % {"count": moved})

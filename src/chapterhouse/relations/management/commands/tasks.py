"""``chapterhouse tasks``: remind the assignees of overdue instructions.

    chapterhouse tasks remind [--on YYYY-MM-DD]

Queues one e-mail per recipient (the officers of each body a task is given to, and
each person it is given to who has an account) for every open task past its due date,
at most once a task a day, acting as the operator. Run it daily from cron (see
docs/operations-tasks.md); the task worker sends the messages.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.management.base import TranslatedCommand, iso_day
from chapterhouse.core.text import text_in
from chapterhouse.custody.services import operator_viewer
from chapterhouse.registry.selectors import organization_language
from chapterhouse.relations.tasks import tasks_remind_overdue


class Command(TranslatedCommand):
    help = cast(str, gettext_lazy("Remind the assignees of overdue instructions by e-mail."))
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        remind = actions.add_parser(
            "remind",
            help=_("E-mail reminders of overdue instructions (once a day per instruction)."),
        )
        remind.add_argument(
            "--on",
            metavar="YYYY-MM-DD",
            help=_("The day to remind on (default: today)."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        on = iso_day(options["on"]) if options.get("on") else timezone.localdate(now)
        reminded = tasks_remind_overdue(viewer=operator_viewer(None), via="cli", on=on, at=now)
        self.stdout.write(
            _("Queued reminders for %(count)d overdue instruction(s).") % {"count": len(reminded)}
        )
        default = organization_language()
        for task, addresses in reminded:
            title = text_in(task.title, default) or task.slug
            self.stdout.write(f"  {title} ({task.slug}): {', '.join(addresses)}")

"""``chapterhouse comments erase-email ADDRESS``: a visitor's erasure request for comments."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.custody.services import operator_viewer
from chapterhouse.newsroom.engagement.services import comments_erase_email
from chapterhouse.registry.management import add_acting_as_argument


class Command(TranslatedCommand):
    help = cast(str, gettext_lazy("Work with readers' comments on articles."))
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        erase = actions.add_parser(
            "erase-email",
            help=_(
                "Blank the e-mail address and name of every comment a visitor left with "
                "ADDRESS (the comments' text stays). Audited."
            ),
        )
        erase.add_argument("address", metavar="ADDRESS", help=_("The visitor's e-mail address."))
        add_acting_as_argument(erase)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            viewer = operator_viewer(options.get("acting_as"), on=timezone.localdate())
            erased = comments_erase_email(
                viewer=viewer, via="cli", email=options["address"], at=timezone.now()
            )
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError("; ".join(messages)) from None
        self.stdout.write(
            _("Erased the address and name from %(count)d comments.") % {"count": erased}
        )

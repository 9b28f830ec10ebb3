"""``chapterhouse newsroom``: language desks, sending articles to translation, reminders.

    chapterhouse newsroom desk set LANG BODY
    chapterhouse newsroom desk list
    chapterhouse newsroom send ARTICLE --due YYYY-MM-DD
    chapterhouse newsroom remind-overdue

Writes go through the same services as the workspace (checked and audited),
acting as the operator (an administrator) unless ``--as EMAIL``. Problems are
reported on stderr with exit status 1.
"""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.management.base import TranslatedCommand, iso_day, refusal
from chapterhouse.custody.access import Viewer
from chapterhouse.custody.services import operator_viewer
from chapterhouse.newsroom.models import Article, LanguageDesk
from chapterhouse.newsroom.workflow import services
from chapterhouse.registry.management import add_acting_as_argument
from chapterhouse.registry.models import Body, Organization


class Command(TranslatedCommand):
    help = cast(
        str,
        gettext_lazy(
            "Set the language desks, send an article to translation, remind of overdue work."
        ),
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        desk = actions.add_parser("desk", help=_("Show or set the body translating a language."))
        desk_actions = desk.add_subparsers(dest="desk_action", required=True, metavar="ACTION")
        desk_set = desk_actions.add_parser(
            "set", help=_("Make a body responsible for a working language.")
        )
        desk_set.add_argument("lang", help=_("A working language, e.g. ru."))
        desk_set.add_argument("body", help=_("The body's id, e.g. ec-kz."))
        desk_actions.add_parser("list", help=_("List the working languages and their bodies."))
        send = actions.add_parser(
            "send", help=_("Send an article to translation into every language that needs it.")
        )
        send.add_argument("article", help=_("The article's id."))
        send.add_argument(
            "--due", required=True, metavar="YYYY-MM-DD", help=_("The day it is due.")
        )
        actions.add_parser(
            "remind-overdue",
            help=_("E-mail reminders of overdue assignments (once a day per assignment)."),
        )
        add_acting_as_argument(desk_set, send)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "desk":
                if options["desk_action"] == "list":
                    self.desk_list()
                else:
                    self.desk_set(options["lang"], options["body"], self.viewer(options))
            elif options["action"] == "send":
                self.send(options["article"], iso_day(options["due"]), self.viewer(options))
            else:
                self.remind()
        except ValidationError as error:
            raise refusal(error) from None
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from None

    def viewer(self, options: dict[str, Any]) -> Viewer:
        return operator_viewer(options.get("acting_as"), on=timezone.now().date())

    def desk_list(self) -> None:
        languages = list(Organization.objects.values_list("languages", flat=True).first() or [])
        desks = {desk.lang: desk for desk in LanguageDesk.objects.select_related("body")}
        for lang in [*languages, *(lang for lang in desks if lang not in languages)]:
            desk = desks.get(lang)
            where = desk.body.slug if desk is not None else _("(no desk)")
            note = "" if lang in languages else "  " + _("(not a working language)")
            self.stdout.write(f"{lang}\t{where}{note}")

    def desk_set(self, lang: str, body_slug: str, viewer: Viewer) -> None:
        body = Body.objects.filter(slug=body_slug).first()
        if body is None:
            raise CommandError(_("no body with id %(id)r") % {"id": body_slug})
        services.language_desk_set(
            viewer=viewer, via="cli", lang=lang, body=body, at=timezone.now()
        )
        self.stdout.write(
            _("%(lang)s is translated by %(body)s.") % {"lang": lang, "body": body.slug}
        )

    def send(self, slug: str, due: dt.date, viewer: Viewer) -> None:
        article = Article.objects.filter(slug=slug).first()
        if article is None:
            raise CommandError(_("no article with id %(id)r") % {"id": slug})
        created = services.article_send_to_translation(
            viewer=viewer, via="cli", article=article, due=due, at=timezone.now()
        )
        if not created:
            self.stdout.write(
                _("Nothing to send: every language is translated or already assigned.")
            )
        for assignment in created:
            self.stdout.write(
                _("Sent %(article)s into %(lang)s to %(body)s, due %(due)s.")
                % {
                    "article": slug,
                    "lang": assignment.lang,
                    "body": assignment.body.slug,
                    "due": assignment.due.isoformat(),
                }
            )

    def remind(self) -> None:
        now = timezone.now()
        reminded = services.assignments_remind_overdue(
            viewer=operator_viewer(None), via="cli", on=now.date(), at=now
        )
        self.stdout.write(
            _("Queued reminders for %(count)d overdue assignment(s).") % {"count": len(reminded)}
        )
        for assignment in reminded:
            self.stdout.write(
                f"  {assignment.article.slug} [{assignment.lang}] {assignment.status}, "
                f"due {assignment.due.isoformat()}"
            )

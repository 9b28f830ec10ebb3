"""``chapterhouse history PERSON``: every post a person held, their outside posts and honours."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any, cast

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.table import Table

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.registry.management import (
    FORMATS,
    Language,
    add_reader_arguments,
    json_write,
    or_dash,
    reader_viewer,
    rich_write,
)
from chapterhouse.registry.models import Person
from chapterhouse.registry.selectors import person_history


class Command(TranslatedCommand):
    help = cast(
        str, gettext_lazy("Show a person's terms, outside posts and honours in time order.")
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("person", help=_("The person's id."))
        add_reader_arguments(parser)
        parser.add_argument("--format", choices=FORMATS, default="text", help=_("Output format."))
        parser.add_argument("--lang", help=_("Language of names; default the organization's."))

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = reader_viewer(options)
        lang = Language(options["lang"])
        try:
            with lang.naming():
                history = person_history(person=options["person"], viewer=viewer)
        except Person.DoesNotExist:
            raise CommandError(_("no person with id %(id)r") % {"id": options["person"]}) from None
        if options["format"] == "json":
            json_write(self.stdout, history)
            return
        parts: list[Any] = [f"{history.name} ({history.person})"]
        terms = Table(title=_("Posts"), title_justify="left")
        for column in (_("From"), _("To"), _("Role"), _("Body"), _("How"), _("Decision")):
            terms.add_column(column)
        for term in history.terms:
            role = lang.role(term.role)
            if term.title:
                role += f" — {lang.text(term.title)}"
            ended = term.end
            if ended and term.reason:
                ended += f" ({lang.reason(term.reason)})"
            terms.add_row(
                term.start,
                ended or _("now"),
                role,
                lang.text(term.body_name),
                or_dash(lang.how(term.how)),
                or_dash(term.decision),
            )
        parts.append(terms if history.terms else _("No posts recorded."))
        if history.affiliations:
            outside = Table(title=_("Outside posts"), title_justify="left")
            for column in (_("From"), _("To"), _("Organization"), _("Post")):
                outside.add_column(column)
            for affiliation in history.affiliations:
                outside.add_row(
                    or_dash(affiliation.start),
                    or_dash(affiliation.end),
                    lang.text(affiliation.partner_name),
                    lang.text(affiliation.title),
                )
            parts.append(outside)
        if history.awards:
            awards = Table(title=_("Honours"), title_justify="left")
            for column in (_("Date"), _("Honour"), _("Decision")):
                awards.add_column(column)
            for award in history.awards:
                awards.add_row(award.date, lang.text(award.honour_name), or_dash(award.decision))
            parts.append(awards)
        rich_write(self.stdout, parts)

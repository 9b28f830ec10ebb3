"""``chapterhouse decision annul|adopt ID``: revert or apply a decision's effects."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.management.base import TranslatedCommand, refusal
from chapterhouse.custody.access import Viewer
from chapterhouse.custody.services import operator_viewer
from chapterhouse.meetings.models import Decision, EffectLog
from chapterhouse.meetings.services import decision_status_set
from chapterhouse.registry.management import add_acting_as_argument


def _describe(obj: models.Model, viewer: Viewer) -> str:
    """Return a line naming ``obj`` the way a secretary would look for it: people as
    ``viewer`` may see them, bodies by the name they bore then, days in long form."""
    from chapterhouse.core.cldr import date_full
    from chapterhouse.core.text import text_in
    from chapterhouse.registry.management import Language
    from chapterhouse.registry.mandates import mandate_names
    from chapterhouse.registry.selectors import body_name_as_of

    lang = Language(translation.get_language())

    def body(found: Any, day: Any) -> str:
        name = body_name_as_of(body=found, as_of=day) if day is not None else found.name
        return lang.text(name) or found.slug

    def day(value: Any) -> str:
        return date_full(value, lang.code)

    label = obj._meta.label_lower
    term: Any = obj
    if label == "registry.term":
        end = day(term.end) if term.end else _("open")
        return _("term of %(person)s as %(role)s of %(body)s [%(start)s, %(end)s)") % {
            "person": viewer.display_name(term.person),
            "role": lang.text(term.title) or lang.role(term.role),
            "body": body(term.body, term.start),
            "start": day(term.start),
            "end": end,
        }
    if label == "registry.bodyname":
        return _("name of body %(body)s from %(date)s") % {
            "body": body(term.body, term.start - dt.timedelta(days=1)),
            "date": day(term.start),
        }
    if label == "registry.mandate":
        names = mandate_names([term.slug])
        return _("mandate %(mandate)s of %(body)s") % {
            "mandate": text_in(names.get(term.slug), lang.code, lang.default) or term.slug,
            "body": body(term.body, term.start),
        }
    if label == "relations.award":
        return _("award of %(honour)s to %(person)s") % {
            "honour": lang.text(term.honour.name) or term.honour.slug,
            "person": viewer.display_name(term.person),
        }
    if label == "registry.body":
        return _("body %(body)s") % {"body": body(term, None)}
    return f"{obj._meta.verbose_name} {obj}"


def _changes(decision: Decision, viewer: Viewer) -> list[tuple[str, str]]:
    """Return ``(action, description)`` for every change the decision's log records, in order."""
    lines = []
    for entry in EffectLog.objects.filter(decision=decision).order_by("seq"):
        model = apps.get_model(entry.model)
        obj = model._default_manager.filter(pk=entry.object_pk).first()
        what = _describe(obj, viewer) if obj is not None else f"{entry.model} #{entry.object_pk}"
        lines.append((entry.action, what))
    return lines


class Command(TranslatedCommand):
    help = cast(
        str,
        gettext_lazy("Annul an adopted decision (reverting its effects) or adopt a proposed one."),
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        annul = actions.add_parser(
            "annul", help=_("Annul an adopted decision and revert everything it changed.")
        )
        annul.add_argument("decision", help=_("The decision's id."))
        adopt = actions.add_parser("adopt", help=_("Adopt a proposed decision and apply it."))
        adopt.add_argument("decision", help=_("The decision's id."))
        add_acting_as_argument(annul, adopt)

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["decision"]
        try:
            decision = Decision.objects.get(slug=slug)
        except Decision.DoesNotExist:
            raise CommandError(_("no decision with id %(id)r") % {"id": slug}) from None
        # Through the same service as the web and the API, so the change is audited.
        at = timezone.now()
        try:
            viewer = operator_viewer(options.get("acting_as"), on=timezone.localdate())
            if options["action"] == "annul":
                # The log is gone once reverted: describe the changes before undoing them.
                changes = _changes(decision, viewer)
                decision_status_set(
                    viewer=viewer, via="cli", at=at, decision=decision, status="annulled"
                )
                self.stdout.write(_("Annulled decision %(id)s.") % {"id": slug})
                verbs = {"create": _("removed"), "update": _("restored")}
            else:
                decision_status_set(
                    viewer=viewer, via="cli", at=at, decision=decision, status="adopted"
                )
                changes = _changes(decision, viewer)
                self.stdout.write(_("Adopted decision %(id)s.") % {"id": slug})
                verbs = {"create": _("created"), "update": _("changed")}
        except ValidationError as error:
            raise refusal(error) from None
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from None
        if not changes:
            self.stdout.write(_("It changed nothing in the record."))
        for action, what in changes:
            self.stdout.write(f"  {verbs.get(action, action)} {what}")

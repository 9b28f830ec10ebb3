"""``chapterhouse person export-data|erase ID``: a data subject's rights of access and erasure;
``chapterhouse person change-id OLD NEW``: a new id, e.g. for a call-signed person whose id
gives away their real name."""

from __future__ import annotations

import datetime as dt
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.custody.access import Viewer
from chapterhouse.custody.selectors import person_data
from chapterhouse.custody.services import audit_record, person_erase
from chapterhouse.registry.management import acting_viewer, add_acting_as_argument
from chapterhouse.registry.models import Person
from chapterhouse.registry.services import person_change_id


class Command(TranslatedCommand):
    help = cast(
        str,
        gettext_lazy(
            "Export everything held about a person as JSON, or erase their personal data "
            "while keeping the public record under a placeholder name, or change their id."
        ),
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        export = actions.add_parser(
            "export-data", help=_("Print everything held about a person as JSON.")
        )
        export.add_argument("person", help=_("The person's id."))
        export.add_argument("--output", type=Path, help=_("Write to this file instead."))
        erase = actions.add_parser(
            "erase", help=_("Erase a person's personal data; their posts and decisions stay.")
        )
        erase.add_argument("person", help=_("The person's id."))
        erase.add_argument("--yes", action="store_true", help=_("Do not ask for confirmation."))
        change_id = actions.add_parser(
            "change-id",
            help=_(
                "Give a person a new id (for a person with a call sign: one that does not "
                "contain their real name)."
            ),
        )
        change_id.add_argument("person", help=_("The person's id."))
        change_id.add_argument("new_id", metavar="NEW", help=_("The new id."))
        add_acting_as_argument(export, erase, change_id)

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["person"]
        person = Person.objects.select_related("custodian").filter(slug=slug).first()
        if person is None:
            raise CommandError(_("no person with id %(id)r") % {"id": slug})
        viewer = acting_viewer(options)
        # Someone who may not see the person's data is told no more than "no such person".
        if not viewer.sees_personal_data(person):
            raise CommandError(_("no person with id %(id)r") % {"id": slug})
        at = timezone.now()
        if options["action"] == "change-id":
            self.change_id(viewer, person, options["new_id"], at)
            return
        if options["action"] == "export-data":
            with transaction.atomic():
                data = person_data(person=person)
                # Handing someone's data out is itself worth accounting for.
                audit_record(
                    viewer=viewer,
                    via="cli",
                    action="export",
                    object_type="person",
                    object_id=person.slug,
                    at=at,
                    body=person.custodian_id,
                )
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if options["output"]:
                options["output"].write_text(text + "\n", encoding="utf-8")
                self.stderr.write(
                    _("Wrote the data of %(id)s to %(file)s.")
                    % {"id": slug, "file": options["output"]}
                )
            else:
                self.stdout.write(text)
            return
        if person.erased is not None:
            raise CommandError(_("%(id)s was already erased.") % {"id": slug})
        if not options["yes"]:
            answer = input(
                _("Erase the personal data of %(id)s? This cannot be undone. [y/N] ") % {"id": slug}
            )
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError(_("Nothing was erased."))
        try:
            person_erase(viewer=viewer, via="cli", person=person, at=at)
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            _("Erased the personal data of %(id)s; they are now shown as “%(name)s”.")
            % {"id": slug, "name": person.name}
        )

    def change_id(self, viewer: Viewer, person: Person, new_id: str, at: dt.datetime) -> None:
        old_id = person.slug
        try:
            person_change_id(viewer=viewer, via="cli", at=at, person=person, new_id=new_id)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        except PermissionDenied as refused:
            raise CommandError(str(refused)) from None
        if person.slug == old_id:
            self.stdout.write(_("%(id)s already has this id.") % {"id": old_id})
            return
        self.stdout.write(
            _("%(old)s is now %(new)s (decisions and documents that named them follow).")
            % {"old": old_id, "new": person.slug}
        )

"""``chapterhouse user add|grant|revoke|list``: accounts and their grants, for operators.

The command line acts as the operator: an administrator, recorded as `cli` in
the audit trail. Bad input (an unknown body, role, e-mail or person) is
refused with a message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import sys
from argparse import ArgumentParser
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from chapterhouse.core.intervals import held_on
from chapterhouse.core.mail import site_url as mail_site_url
from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import Grant
from chapterhouse.custody.services import (
    grant_create,
    grant_end,
    parse_grant,
    user_add,
    user_set_active,
)
from chapterhouse.registry.models import Body, Person


def _errors(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return str(error)


def parse_day(text: str) -> dt.date:
    """Read a YYYY-MM-DD date for a command-line option; CommandError says what is wrong."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("%(value)r is not a date; write it YYYY-MM-DD, e.g. 2025-05-19") % {"value": text}
        ) from None


def find_user(email: str) -> Any:
    """Return the account signing in as `email`; CommandError when there is none."""
    user = get_user_model().objects.filter(username__iexact=email.strip()).first()
    if user is None:
        raise CommandError(_("no account for %(email)s") % {"email": email})
    return user


def _grants(texts: list[str]) -> list[tuple[str, Body]]:
    try:
        return [parse_grant(text) for text in texts]
    except ValidationError as error:
        raise CommandError(_errors(error)) from None


def site_url() -> str:
    """Return the site's address for links printed on the command line, or "" if unknown.

    ``SITE_URL`` says it (`core.mail.site_url`; `make run` sets it); a deployment that
    set only ``CSRF_TRUSTED_ORIGINS`` still gets whole links.
    """
    if configured := mail_site_url():
        return configured
    origins = getattr(settings, "CSRF_TRUSTED_ORIGINS", [])
    return str(origins[0]).rstrip("/") if origins else ""


class Command(TranslatedCommand):
    help = cast(
        str, gettext_lazy("Add accounts, give and end their grants, list them (as the operator).")
    )
    # Tests give the password on a stream of their own, like `createsuperuser`.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        add = actions.add_parser("add", help=_("Open an account for an e-mail address."))
        add.add_argument("email", help=_("The e-mail address; it is the sign-in name."))
        add.add_argument("--person", metavar="ID", help=_("The person the account belongs to."))
        add.add_argument(
            "--grant",
            action="append",
            default=[],
            metavar="ROLE@BODY",
            help=_("A role on a body, e.g. officer@ec-kz (repeat for several)."),
        )
        add.add_argument(
            "--admin", action="store_true", help=_("Make the account an administrator.")
        )
        add.add_argument(
            "--password-stdin",
            action="store_true",
            help=_("Read the password from standard input instead of printing a link."),
        )

        grant = actions.add_parser("grant", help=_("Give an account a role on a body."))
        grant.add_argument("email")
        grant.add_argument("grant", metavar="ROLE@BODY")
        grant.add_argument(
            "--from", dest="start", metavar="DATE", help=_("First day (default: today).")
        )

        revoke = actions.add_parser("revoke", help=_("End an account's role on a body."))
        revoke.add_argument("email")
        revoke.add_argument("grant", metavar="ROLE@BODY")
        revoke.add_argument(
            "--on",
            metavar="DATE",
            help=_("First day it no longer applies (default: today)."),
        )

        close = actions.add_parser(
            "close",
            help=_("Close an account: it can no longer sign in or use its API tokens."),
        )
        close.add_argument("email")
        reopen = actions.add_parser("reopen", help=_("Reopen a closed account."))
        reopen.add_argument("email")

        actions.add_parser("list", help=_("List the accounts, their grants and second factor."))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "add":
                self._add(options)
            elif action == "grant":
                self._grant(options)
            elif action == "revoke":
                self._revoke(options)
            elif action in {"close", "reopen"}:
                self._set_active(options, active=action == "reopen")
            else:
                self._list()
        except (ValidationError, PermissionDenied) as error:
            raise CommandError(_errors(error)) from None

    def _add(self, options: dict[str, Any]) -> None:
        email = str(options["email"]).strip().lower()
        person = None
        if options["person"]:
            person = Person.objects.filter(slug=options["person"]).first()
            if person is None:
                raise CommandError(_("no person with id %(id)r") % {"id": options["person"]})
        grants = _grants(options["grant"])
        password = None
        if options["password_stdin"]:
            stream = options.get("stdin") or sys.stdin
            password = stream.readline().rstrip("\r\n")
            if not password:
                raise CommandError(_("no password on standard input"))
            candidate = get_user_model()(username=email, email=email)
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                raise CommandError(_errors(error)) from None
        user = user_add(
            viewer=ADMIN,
            via="cli",
            email=email,
            password=password,
            person=person,
            grants=grants,
            is_admin=options["admin"],
            on=timezone.localdate(),
            at=timezone.now(),
        )
        self.stdout.write(_("Opened the account %(email)s.") % {"email": email})
        if password is None:
            self._print_set_password_link(user)

    def _print_set_password_link(self, user: Any) -> None:
        path = reverse(
            "custody:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
        self.stdout.write(
            _(
                "It has no password yet. Send its owner this link to choose one; it works once, "
                "for %(days)d days:"
            )
            % {"days": days}
        )
        base = site_url()
        self.stdout.write(f"  {base}{path}")
        if not base:
            self.stdout.write(
                _(
                    "SITE_URL is not set, so this is only the path: put the site's address "
                    "(https://…) in front of it, and set SITE_URL for whole links."
                )
            )
        self.stdout.write(
            _("Later they can ask for a new link with “Forgot your password?” on %(path)s.")
            % {"path": reverse("custody:login")}
        )

    def _grant(self, options: dict[str, Any]) -> None:
        user = find_user(options["email"])
        ((role, body),) = _grants([options["grant"]])
        on = parse_day(options["start"]) if options["start"] else timezone.localdate()
        grant_create(
            viewer=ADMIN, via="cli", user=user, role=role, body=body, on=on, at=timezone.now()
        )
        self.stdout.write(
            _("%(email)s is %(role)s of %(body)s from %(date)s.")
            % {"email": user.get_username(), "role": role, "body": body.slug, "date": on}
        )

    def _revoke(self, options: dict[str, Any]) -> None:
        user = find_user(options["email"])
        ((role, body),) = _grants([options["grant"]])
        on = parse_day(options["on"]) if options["on"] else timezone.localdate()
        grant_end(
            viewer=ADMIN, via="cli", user=user, role=role, body=body, on=on, at=timezone.now()
        )
        self.stdout.write(
            _("%(email)s is no longer %(role)s of %(body)s from %(date)s.")
            % {"email": user.get_username(), "role": role, "body": body.slug, "date": on}
        )

    def _set_active(self, options: dict[str, Any], *, active: bool) -> None:
        user = find_user(options["email"])
        changed = user_set_active(
            viewer=ADMIN, via="cli", user=user, active=active, at=timezone.now()
        )
        email = user.get_username()
        if not changed:
            already = (
                _("The account %(email)s is open already.")
                if active
                else _("The account %(email)s is closed already.")
            )
            self.stdout.write(already % {"email": email})
        elif active:
            self.stdout.write(_("Reopened the account %(email)s.") % {"email": email})
        else:
            self.stdout.write(
                _("Closed the account %(email)s: it can no longer sign in or use its tokens.")
                % {"email": email}
            )

    def _list(self) -> None:
        today = timezone.localdate()
        users = get_user_model().objects.select_related("account__person").order_by("username")
        with_device = set(
            TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True)
        )
        grants: dict[int, list[str]] = {}
        current = (
            Grant.objects.filter(held_on(today))
            .select_related("body")
            .order_by("role", "body__slug")
        )
        for grant in current:
            grants.setdefault(grant.user_id, []).append(f"{grant.role}@{grant.body.slug}")
        for user in users:
            flags = []
            if user.is_superuser:
                flags.append(_("administrator"))
            if not user.is_active:
                flags.append(_("inactive"))
            if user.pk in with_device:
                flags.append(_("two-factor"))
            line = user.get_username()
            person = getattr(getattr(user, "account", None), "person", None)
            if person is not None:
                line += f" ({person.slug})"
            if flags:
                line += f" [{', '.join(flags)}]"
            if grants.get(user.pk):
                line += "  " + " ".join(grants[user.pk])
            self.stdout.write(line)
        if not users:
            self.stdout.write(_("There are no accounts."))

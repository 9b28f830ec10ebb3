"""``chapterhouse token create|revoke|list``: personal API tokens, for operators.

A token's secret is printed once, when it is created; only its SHA-256 digest
is kept, so a lost secret is replaced, never recovered.
"""

from __future__ import annotations

import datetime as dt
import re
from argparse import ArgumentParser
from typing import Any, cast

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.custody.management.commands.user import find_user
from chapterhouse.custody.models import ApiToken
from chapterhouse.custody.services import token_create, token_revoke

DURATION = re.compile(r"^(\d+)([dw])$")


def parse_expiry(text: str, *, now: dt.datetime) -> dt.datetime:
    """Read `--expires`: a duration (`90d`, `12w`) from now, or a date (ending as it begins).

    A date in the past or a zero duration is refused: the token would be born expired.
    """
    text = text.strip()
    match = DURATION.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        expires = now + (dt.timedelta(days=amount) if unit == "d" else dt.timedelta(weeks=amount))
    else:
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(
                _("%(value)r is neither a date (YYYY-MM-DD) nor a duration like 90d or 12w")
                % {"value": text}
            ) from None
        expires = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    if expires <= now:
        raise CommandError(_("%(value)r is not in the future") % {"value": text})
    return expires


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


class Command(TranslatedCommand):
    help = cast(str, gettext_lazy("Create, revoke and list personal API tokens."))

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        create = actions.add_parser("create", help=_("Create a token and print its secret once."))
        create.add_argument("email", help=_("The account the token signs in as."))
        create.add_argument("--name", default="", help=_("What the token is for."))
        create.add_argument(
            "--expires",
            metavar="DATE|DURATION",
            help=_("When it stops working: a date, or a duration like 90d (default: never)."),
        )
        revoke = actions.add_parser("revoke", help=_("Revoke a token from now on."))
        revoke.add_argument("token", metavar="PREFIX|ID", help=_("The token's prefix or number."))
        listing = actions.add_parser("list", help=_("List an account's tokens."))
        listing.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["action"] == "create":
            user = find_user(options["email"])
            expires = parse_expiry(options["expires"], now=now) if options["expires"] else None
            name = options["name"].strip() or _("token of %(date)s") % {"date": f"{now:%Y-%m-%d}"}
            token, secret = token_create(user=user, name=name, expires=expires, at=now)
            self.stdout.write(
                _("Created the token “%(name)s” (%(prefix)s…) for %(email)s, %(expires)s.")
                % {
                    "name": token.name,
                    "prefix": token.prefix,
                    "email": user.get_username(),
                    "expires": _("expiring %(date)s") % {"date": _when(expires)}
                    if expires
                    else _("never expiring"),
                }
            )
            self.stdout.write(
                _("Its secret, shown this once (send it as “Authorization: Bearer …”):")
            )
            self.stdout.write(secret)
        elif options["action"] == "revoke":
            token = self._find(options["token"])
            if token.revoked is not None:
                raise CommandError(
                    _("the token %(prefix)s… was revoked already, on %(date)s")
                    % {"prefix": token.prefix, "date": _when(token.revoked)}
                )
            token_revoke(token=token, at=now)
            self.stdout.write(
                _("Revoked the token “%(name)s” (%(prefix)s…) of %(email)s.")
                % {"name": token.name, "prefix": token.prefix, "email": token.user.get_username()}
            )
        else:
            user = find_user(options["email"])
            tokens = ApiToken.objects.filter(user=user).order_by("created", "pk")
            if not tokens:
                self.stdout.write(_("%(email)s has no tokens.") % {"email": user.get_username()})
            for token in tokens:
                if token.revoked is not None:
                    state = _("revoked %(date)s") % {"date": _when(token.revoked)}
                elif token.expires is not None and token.expires <= now:
                    state = _("expired %(date)s") % {"date": _when(token.expires)}
                elif token.expires is not None:
                    state = _("expires %(date)s") % {"date": _when(token.expires)}
                else:
                    state = _("active")
                self.stdout.write(
                    f"{token.pk}  {token.prefix}…  {token.name}  "
                    + _("created %(date)s") % {"date": _when(token.created)}
                    + f"  {state}  "
                    + _("last used %(date)s") % {"date": _when(token.last_used)}
                )

    def _find(self, key: str) -> ApiToken:
        """Return the token with this number or whose secret starts with this prefix."""
        key = key.strip().rstrip("…")
        tokens = ApiToken.objects.select_related("user")
        if key.isdigit():
            found = list(tokens.filter(pk=int(key)))
        elif len(key) >= 6:
            found = list(tokens.filter(prefix__startswith=key[:12]))
            found = [
                token
                for token in found
                if key.startswith(token.prefix) or token.prefix.startswith(key)
            ]
        else:
            raise CommandError(_("give the token's number or at least 6 characters of its prefix"))
        if not found:
            raise CommandError(_("no token %(key)r") % {"key": key})
        if len(found) > 1:
            raise CommandError(
                _("%(key)r matches %(count)d tokens; give its number (see `token list`)")
                % {"key": key, "count": len(found)}
            )
        return found[0]

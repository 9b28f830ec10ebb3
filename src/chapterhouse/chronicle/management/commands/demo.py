"""``chapterhouse demo``: load the invented demo organization into an empty database.

`make run` calls it on every start. Loading the demo again over data would
revert whatever was changed since (on the web, by an import), so it loads only
when the database holds no organization, body or person, and otherwise says it
left the data alone and succeeds, so that `make run` still serves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chapterhouse.chronicle.importer import ChronicleInvalid, chronicle_import
from chapterhouse.core.management.base import TranslatedCommand
from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.services import operator_viewer, user_add
from chapterhouse.newsroom.models import LanguageDesk
from chapterhouse.newsroom.workflow.services import language_desk_set
from chapterhouse.registry.models import Body, Organization, Person

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo.chronicle.json"
DEMO_PASSWORD = "chapterhouse-demo"
# (e-mail, person, grants, administrator?, role): local demo sign-ins only. The role
# names each body by its name in the demo file, so the same committee reads the same.
DEMO_ACCOUNTS: list[tuple[str, str | None, list[tuple[str, str]], bool, str]] = [
    ("admin@example.org", None, [], True, gettext_noop("administrator")),
    (
        "volkova@example.org",
        "irina-volkova",
        [("officer", "council")],
        False,
        gettext_noop("chair of the Coordination Council: records the whole organization"),
    ),
    (
        "bekova@example.org",
        "aigerim-bekova",
        [("officer", "ec-kz")],
        False,
        gettext_noop("head and officer of the Kazakh Executive Committee"),
    ),
    (
        "park@example.org",
        "park-minjun",
        [("member", "ec-jp")],
        False,
        gettext_noop("member of the Japanese Executive Committee"),
    ),
    (
        "editor@example.org",
        None,
        [("editor", "press-bureau"), ("editor", "dept-3"), ("editor", "ec-kz")],
        False,
        gettext_noop("news editor: Press Bureau, 3rd Media Department, Kazakh Executive Committee"),
    ),
    (
        "translator@example.org",
        None,
        [("translator", "ec-kz")],
        False,
        gettext_noop("translator of the Kazakh Executive Committee (the Russian desk)"),
    ),
]
# The body that translates the news into each working language. The media department
# (dept-3) keeps Korean, its press bureau (which writes most news) English; each other
# language goes to the committee that works in it.
DEMO_DESKS = [
    ("ko", "dept-3"),
    ("en", "press-bureau"),
    ("ru", "ec-kz"),
    ("zh", "ec-jp"),
    ("de", "ec-nordic"),
]


class Command(TranslatedCommand):
    help = "Load the demo organization and local demo accounts into an empty database."

    def handle(self, *args: Any, **options: Any) -> None:
        if Organization.objects.exists() or Body.objects.exists() or Person.objects.exists():
            self.stdout.write(
                _(
                    "The database already holds an organization: the demo left it alone"
                    " (it loads only into an empty database)."
                )
            )
            if get_user_model().objects.filter(username=DEMO_ACCOUNTS[0][0]).exists():
                self.sign_in_hint()
            return
        try:
            # Audited like any import: who loaded it, from which file, what it created.
            result = chronicle_import(
                DEMO_FILE, viewer=operator_viewer(), via="cli", at=timezone.now()
            )
        except ChronicleInvalid as invalid:
            raise CommandError(f"the demo file is invalid:\n{invalid}") from None
        self.stdout.write(
            f"Demo organization: {result.total('created')} created, "
            f"{result.total('updated')} updated, {result.total('unchanged')} unchanged."
        )
        self.create_accounts()
        self.create_desks()

    def create_accounts(self) -> None:
        """Create the demo's sign-ins once: an administrator, a committee head, a member, a
        newsroom editor and a translator."""
        users = get_user_model()
        at = timezone.now()
        for email, person, grants, is_admin, what in DEMO_ACCOUNTS:
            if users.objects.filter(username=email).exists():
                continue
            user_add(
                viewer=ADMIN,
                via="cli",
                email=email,
                password=DEMO_PASSWORD,
                person=Person.objects.get(slug=person) if person else None,
                grants=[(role, Body.objects.get(slug=body)) for role, body in grants],
                is_admin=is_admin,
                on=timezone.localdate(),
                at=at,
            )
            self.stdout.write(
                _("Created the demo account %(email)s (%(role)s).")
                % {"email": email, "role": _(what)}
            )
        self.sign_in_hint()

    def sign_in_hint(self) -> None:
        """Print how to sign in to the demo: one line per account, with its role."""
        width = max(len(account[0]) for account in DEMO_ACCOUNTS)
        lines = [
            _("Demo sign-ins at /accounts/sign-in/ (password %(password)s):")
            % {"password": DEMO_PASSWORD},
            *(f"  {account[0]:<{width}}  {_(account[-1])}" for account in DEMO_ACCOUNTS),
            _(
                "Administrators and officers set up a second factor (TOTP) on first sign-in;"
                " editors and translators work in the newsroom at /newsroom/."
            ),
        ]
        self.stdout.write("\n".join(lines))

    def create_desks(self) -> None:
        """Name the body translating each working language, once: a desk changed since stays."""
        at = timezone.now()
        for lang, body in DEMO_DESKS:
            if LanguageDesk.objects.filter(lang=lang).exists():
                continue
            language_desk_set(
                viewer=ADMIN, via="cli", lang=lang, body=Body.objects.get(slug=body), at=at
            )
            self.stdout.write(f"Created the language desk {lang} → {body}.")

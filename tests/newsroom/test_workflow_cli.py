"""`chapterhouse newsroom`, the demo's desks and accounts, the admin of desks and assignments."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from chapterhouse.custody.models import AuditEntry, Grant
from chapterhouse.newsroom.models import LanguageDesk, TranslationAssignment
from chapterhouse.registry.models import Body

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("newsroom", *args, stdout=out)
    return out.getvalue()


def in_days(days: int) -> str:
    return (timezone.now().date() + dt.timedelta(days=days)).isoformat()


def test_desks_are_set_listed_and_audited(demo: None) -> None:
    assert run("desk", "set", "ru", "ec-kz") == "ru is translated by ec-kz.\n"
    run("desk", "set", "ru", "dept-3")
    listing = run("desk", "list")
    assert "ru\tdept-3" in listing
    assert "de\t(no desk)" in listing
    entries = AuditEntry.objects.filter(object_type="language desk", object_id="ru")
    assert [(e.action, e.before, e.after) for e in entries.order_by("pk")] == [
        ("create", None, {"body": "ec-kz"}),
        ("update", {"body": "ec-kz"}, {"body": "dept-3"}),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("desk", "set", "xx", "ec-kz"), "“xx” is not one of the organization's working languages"),
        (("desk", "set", "ru", "atlantis"), "no body with id 'atlantis'"),
        (("send", "no-such-article", "--due", "2030-01-01"), "no article with id"),
        (("send", "gc5-opens", "--due", "soon"), "is not a date"),
        (("send", "gc5-opens", "--due", "2001-01-01"), "is in the past"),
        (("send", "gc5-opens", "--due", "2030-01-01"), "no language desk is set up for"),
        (("desk", "set", "ru", "ec-kz", "--as", "nobody@example.org"), "no active account"),
    ],
)
def test_bad_input_is_a_clear_error(demo: None, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_sending_prints_the_assignments_and_acting_as_an_account_is_checked(
    personas: dict[str, Any],
) -> None:
    for lang in ("ko", "en", "ru", "zh", "de"):
        run("desk", "set", lang, "dept-3")
    with pytest.raises(CommandError, match="only editors"):
        run("send", "gc5-opens", "--due", in_days(4), "--as", "tanya@chapterhouse.test")
    with pytest.raises(CommandError, match="only administrators"):
        run("desk", "set", "ru", "ec-kz", "--as", "alice@chapterhouse.test")
    out = run("send", "gc5-opens", "--due", in_days(4))
    assert f"Sent gc5-opens into de to dept-3, due {in_days(4)}." in out
    assert run("send", "gc5-opens", "--due", in_days(4)).startswith("Nothing to send")


def test_the_demo_sets_up_desks_and_newsroom_accounts_once(db: None) -> None:
    first, second = StringIO(), StringIO()
    call_command("demo", stdout=first)
    LanguageDesk.objects.filter(lang="de").update(body=Body.objects.get(slug="ec-ar"))
    call_command("demo", stdout=second)
    assert dict(LanguageDesk.objects.values_list("lang", "body__slug")) == {
        "ko": "dept-3",
        "en": "press-bureau",
        "ru": "ec-kz",
        "zh": "ec-jp",
        "de": "ec-ar",  # changed by the operator since: the demo leaves it
    }
    users = get_user_model().objects
    assert sorted(
        Grant.objects.filter(user__username="editor@example.org").values_list("role", "body__slug")
    ) == [("editor", "dept-3"), ("editor", "ec-kz"), ("editor", "press-bureau")]
    assert list(
        Grant.objects.filter(user__username="translator@example.org").values_list(
            "role", "body__slug"
        )
    ) == [("translator", "ec-kz")]
    assert users.get(username="translator@example.org").check_password("chapterhouse-demo")
    assert "editor@example.org" in first.getvalue()
    assert "translator@example.org" in second.getvalue()
    assert "Created the language desk" not in second.getvalue()

    client = Client()
    signed_in = client.post(
        "/accounts/sign-in/",
        {"username": "translator@example.org", "password": "chapterhouse-demo"},
    )
    assert signed_in.status_code == 302
    assert client.get("/newsroom/queue/").status_code == 200


def test_the_admin_lists_desks_and_assignments_and_cancels_through_the_service(
    personas: dict[str, Any], admin_client: Client
) -> None:
    for lang in ("ko", "en", "ru", "zh", "de"):
        run("desk", "set", lang, "dept-3")
    run("send", "gc5-opens", "--due", in_days(3))
    TranslationAssignment.objects.filter(lang="de").update(
        due=timezone.now().date() - dt.timedelta(days=1)
    )
    assert admin_client.get("/admin/newsroom/languagedesk/").status_code == 200
    desk = LanguageDesk.objects.get(lang="ru")
    assert admin_client.get(f"/admin/newsroom/languagedesk/{desk.pk}/change/").status_code == 200
    listing = admin_client.get("/admin/newsroom/translationassignment/?overdue=yes")
    assert listing.status_code == 200
    assert listing.content.decode().count("gc5-opens") == 1
    german = TranslationAssignment.objects.get(lang="de")
    page = admin_client.get(f"/admin/newsroom/translationassignment/{german.pk}/change/")
    assert page.status_code == 200
    assert admin_client.get("/admin/newsroom/translationassignment/add/").status_code == 403

    response = admin_client.post(
        "/admin/newsroom/translationassignment/",
        {"action": "cancel", "_selected_action": [german.pk]},
    )
    assert response.status_code == 302
    german.refresh_from_db()
    assert german.status == "cancelled"
    assert AuditEntry.objects.filter(action="cancel", via="admin").count() == 1

"""The operator's command line: `chapterhouse user add|grant|revoke|list` and
`chapterhouse token create|revoke|list`."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from chapterhouse.custody.management.commands.user import Command as UserCommand
from chapterhouse.custody.models import ApiToken, AuditEntry, Grant
from chapterhouse.custody.services import digest

pytestmark = pytest.mark.django_db

User = get_user_model()


def run(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    extra = {"stdin": io.StringIO(stdin)} if stdin is not None else {}
    call_command(*args, stdout=out, **extra)
    return out.getvalue()


def grants_of(email: str) -> list[tuple[str, str, dt.date, dt.date | None]]:
    return [
        (g.role, g.body.slug, g.start, g.end)
        for g in Grant.objects.filter(user__username=email).order_by("role", "body__slug")
    ]


def test_user_add_opens_an_account_linked_to_a_person_with_grants(demo):
    output = run(
        "user",
        "add",
        "Head@Chapterhouse.test",
        "--person",
        "aigerim-bekova",
        "--grant",
        "officer@ec-kz",
        "--grant",
        "member@council",
    )

    user = User.objects.get(username="head@chapterhouse.test")
    assert "Opened the account head@chapterhouse.test" in output
    assert user.account.person.slug == "aigerim-bekova"
    assert [(role, body) for role, body, _, _ in grants_of(user.username)] == [
        ("member", "council"),
        ("officer", "ec-kz"),
    ]
    entries = AuditEntry.objects.filter(object_id=user.username)
    assert {(e.via, e.action, e.actor_label) for e in entries} == {
        ("cli", "create", "administrator"),
        ("cli", "grant", "administrator"),
    }


def test_user_add_without_a_password_prints_a_link_to_choose_one(demo, client):
    output = run("user", "add", "new@chapterhouse.test")
    path = re.search(r"/accounts/password/reset/\S+", output).group(0)

    form = client.get(path, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a fresh passphrase", "new_password2": "a fresh passphrase"},
    )
    signed_in = client.post(
        "/accounts/sign-in/",
        {"username": "new@chapterhouse.test", "password": "a fresh passphrase"},
    )

    assert "Forgot your password?" in output
    assert signed_in["Location"] == "/"
    assert client.get(path, follow=True).context["validlink"] is False  # it worked once


def test_user_add_prints_a_whole_link_that_opens_the_set_password_form(demo, client, settings):
    settings.SITE_URL = "http://testserver/"
    output = run("user", "add", "whole@chapterhouse.test")
    link = re.search(r"^  (\S+)$", output, re.MULTILINE).group(1)

    assert re.fullmatch(r"http://testserver/accounts/password/reset/[\w-]+/[\w-]+/", link)
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert page.context["validlink"] is True
    assert "new_password1" in page.content.decode()
    assert "<site address>" not in output


def test_user_add_says_when_it_knows_no_site_address(demo, settings):
    settings.SITE_URL = ""
    settings.CSRF_TRUSTED_ORIGINS = []
    output = run("user", "add", "pathonly@chapterhouse.test")

    assert re.search(r"^  /accounts/password/reset/\S+$", output, re.MULTILINE)
    assert "SITE_URL is not set" in output


def test_user_add_reads_a_password_from_standard_input(demo):
    run(
        "user",
        "add",
        "ops@chapterhouse.test",
        "--admin",
        "--password-stdin",
        stdin="a long passphrase\n",
    )

    user = User.objects.get(username="ops@chapterhouse.test")
    assert user.is_superuser
    assert user.check_password("a long passphrase")
    assert user.password.startswith("argon2")


def test_user_add_refuses_a_weak_password(demo):
    with pytest.raises(CommandError, match=r"too common|too short"):
        run("user", "add", "ops@chapterhouse.test", "--password-stdin", stdin="password\n")
    assert not User.objects.filter(username="ops@chapterhouse.test").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grant", "officer@no-such-body"], "no body with id 'no-such-body'"),
        (["--grant", "emperor@ec-kz"], "unknown role 'emperor'"),
        (["--grant", "ec-kz"], "ROLE@BODY"),
        (["--person", "nobody-at-all"], "no person with id 'nobody-at-all'"),
    ],
)
def test_user_add_refuses_bad_input_and_changes_nothing(demo, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run("user", "add", "new@chapterhouse.test", "--grant", "member@ec-kz", *args)

    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


def test_user_add_refuses_an_address_that_has_an_account(demo):
    run("user", "add", "new@chapterhouse.test")

    with pytest.raises(CommandError, match="already exists"):
        run("user", "add", "NEW@chapterhouse.test", "--grant", "officer@ec-kz")
    assert grants_of("new@chapterhouse.test") == []


def test_user_add_refuses_what_is_not_an_email_address(demo):
    with pytest.raises(CommandError, match="valid email"):
        run("user", "add", "not-an-address")


def test_user_grant_and_revoke_give_and_end_a_role_on_the_days_given(demo):
    run("user", "add", "new@chapterhouse.test")

    granted = run("user", "grant", "new@chapterhouse.test", "editor@ec-kz", "--from", "2024-01-01")
    revoked = run("user", "revoke", "new@chapterhouse.test", "editor@ec-kz", "--on", "2025-01-01")

    assert "editor of ec-kz from 2024-01-01" in granted
    assert "no longer editor of ec-kz" in revoked
    assert grants_of("new@chapterhouse.test") == [
        ("editor", "ec-kz", dt.date(2024, 1, 1), dt.date(2025, 1, 1))
    ]
    actions = AuditEntry.objects.filter(object_id="new@chapterhouse.test")
    assert [e.action for e in actions] == ["create", "grant", "revoke"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["grant", "nobody@chapterhouse.test", "member@ec-kz"], "no account for"),
        (["grant", "new@chapterhouse.test", "member@atlantis"], "no body with id 'atlantis'"),
        (["grant", "new@chapterhouse.test", "member@ec-kz", "--from", "soon"], "not a date"),
        (["revoke", "new@chapterhouse.test", "officer@ec-kz"], "holds no open officer grant"),
    ],
)
def test_user_grant_and_revoke_refuse_bad_input_and_change_nothing(demo, args, message):
    run("user", "add", "new@chapterhouse.test")
    before = AuditEntry.objects.count()

    with pytest.raises(CommandError, match=re.escape(message)):
        run("user", *args)

    assert grants_of("new@chapterhouse.test") == []
    assert AuditEntry.objects.count() == before


def test_the_command_line_says_what_is_wrong_on_stderr_and_exits_1(demo, capsys):
    with pytest.raises(SystemExit) as exit_:
        UserCommand().run_from_argv(
            ["chapterhouse", "user", "grant", "nobody@chapterhouse.test", "member@ec-kz"]
        )

    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert "no account for nobody@chapterhouse.test" in captured.err
    assert captured.out == ""


def test_user_list_shows_accounts_their_grants_and_second_factor(demo, personas):
    output = run("user", "list")

    lines = {line.split()[0]: line for line in output.splitlines()}
    assert "officer@ec-kz" in lines["bob@chapterhouse.test"]
    assert "two-factor" in lines["bob@chapterhouse.test"]
    assert "(aigerim-bekova)" in lines["bob@chapterhouse.test"]
    assert "administrator" in lines["admin@chapterhouse.test"]
    assert "member@ec-jp" in lines["mia@chapterhouse.test"]


# --- tokens ----------------------------------------------------------------------


def create_token(*args: str) -> str:
    output = run("token", "create", *args)
    return re.search(r"chp_\S+", output.split("\n", 1)[1]).group(0)


def test_token_create_prints_the_secret_once_and_keeps_only_its_digest(demo, personas):
    output = run("token", "create", "bob@chapterhouse.test", "--name", "sync script")
    secret = re.search(r"chp_\S+", output.split("\n", 1)[1]).group(0)

    token = ApiToken.objects.get(user=personas["bob"])
    assert token.name == "sync script"
    assert token.digest == digest(secret)
    assert secret not in str(token.__dict__)
    assert secret not in run("token", "list", "bob@chapterhouse.test")


def test_a_created_token_reads_the_api_until_it_is_revoked(demo, client, personas):
    secret = create_token("bob@chapterhouse.test")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    before = client.get("/api/v1/organization", **bearer)
    run("token", "revoke", secret[:10])
    after = client.get("/api/v1/organization", **bearer)

    assert before.status_code == 200
    assert after.status_code == 401
    assert "revoked" in run("token", "list", "bob@chapterhouse.test")


def test_an_expired_token_gets_401(demo, client, personas):
    secret = create_token("bob@chapterhouse.test", "--expires", "30d")
    ApiToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))

    response = client.get("/api/v1/organization", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 401


def test_token_expiry_may_be_a_date_or_a_duration(demo, personas):
    create_token("bob@chapterhouse.test", "--expires", "90d")
    create_token("bob@chapterhouse.test", "--expires", "2099-12-31")

    first, second = ApiToken.objects.order_by("pk")
    assert dt.timedelta(days=89) < first.expires - timezone.now() <= dt.timedelta(days=90)
    assert timezone.localtime(second.expires).date() == dt.date(2099, 12, 31)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "nobody@chapterhouse.test"], "no account for"),
        (["create", "bob@chapterhouse.test", "--expires", "soon"], "neither a date"),
        (["create", "bob@chapterhouse.test", "--expires", "2001-01-01"], "not in the future"),
        (["revoke", "chp_nothing"], "no token"),
        (["revoke", "chp"], "at least 6 characters"),
    ],
)
def test_token_commands_refuse_bad_input_and_change_nothing(demo, personas, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run("token", *args)

    assert not ApiToken.objects.exists()


def test_token_revoke_accepts_the_number_from_the_list(demo, personas):
    create_token("bob@chapterhouse.test", "--name", "one")
    token = ApiToken.objects.get()

    run("token", "revoke", str(token.pk))

    token.refresh_from_db()
    assert token.revoked is not None
    with pytest.raises(CommandError, match="revoked already"):
        run("token", "revoke", str(token.pk))


def signs_in(email: str, password: str) -> bool:
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    return authenticate(RequestFactory().post("/"), username=email, password=password) is not None


def test_user_close_shuts_the_account_out_and_reopen_lets_it_back(demo):
    from django.test import Client

    from chapterhouse.custody.services import token_create

    run(
        "user", "add", "kept@chapterhouse.test", "--password-stdin", stdin="a long new passphrase\n"
    )
    user = User.objects.get(username="kept@chapterhouse.test")
    _, secret = token_create(user=user, name="laptop", expires=None, at=timezone.now())
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    closed = run("user", "close", "kept@chapterhouse.test")
    again = run("user", "close", "kept@chapterhouse.test")

    assert "Closed the account kept@chapterhouse.test" in closed
    assert "closed already" in again
    assert not signs_in("kept@chapterhouse.test", "a long new passphrase")
    assert api.get("/api/v1/organization").status_code == 401  # its token is refused
    entries = AuditEntry.objects.filter(object_id="kept@chapterhouse.test", action="close")
    assert [(e.before, e.after) for e in entries] == [({"active": True}, {"active": False})]

    assert "Reopened" in run("user", "reopen", "kept@chapterhouse.test")
    assert signs_in("kept@chapterhouse.test", "a long new passphrase")
    assert api.get("/api/v1/organization").status_code == 200
    assert Grant.objects.filter(user=user).count() == 0  # nothing else changed

"""Hardening: the deploy check is clean with production settings, scripts only from our own
origin, cookies only over HTTPS and out of scripts' reach, HSTS, CSRF on every form, and no
secret in the repository."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.services import invitation_create, user_add
from chapterhouse.registry.models import Body
from tests.conftest import sign_in

REPOSITORY = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "DEBUG" and not key.startswith(("SECURE_", "SECRET_KEY", "DATABASE_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="chapterhouse.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="chapterhouse.example.org",
        CHAPTERHOUSE_VAR=str(tmp_path),
    )

    result = subprocess.run(
        [sys.executable, "-m", "chapterhouse.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/sign-in/", "/api/v1/organization"])
def test_every_response_allows_scripts_only_from_our_own_origin(demo, client, url):
    policy = client.get(url)["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_cookies_travel_only_over_https_out_of_reach_of_scripts(client):
    user_add(
        viewer=ADMIN,
        via="cli",
        email="dana@chapterhouse.test",
        password=PASSWORD,
        on=dt.date(2000, 1, 1),
        at=timezone.now(),
    )

    form = client.get("/accounts/sign-in/", secure=True)
    signed_in = client.post(
        "/accounts/sign-in/",
        {"username": "dana@chapterhouse.test", "password": PASSWORD},
        secure=True,
    )

    for cookie in (form.cookies["csrftoken"], signed_in.cookies["sessionid"]):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


@pytest.mark.django_db
def test_https_responses_carry_hsts_for_a_year_with_subdomains(demo, client):
    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


def _assert_every_form_has_a_token(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    forms = FORM.findall(page)
    assert forms, url
    assert all("csrfmiddlewaretoken" in form for form in forms), url
    return page


@pytest.mark.django_db
def test_every_form_page_carries_a_csrf_token_and_refuses_a_post_without_one(demo, personas):
    bob = personas["bob"]
    _, secret = invitation_create(
        viewer=ADMIN,
        via="cli",
        email="new@chapterhouse.test",
        grants=[("member", Body.objects.get(slug="ec-kz"))],
        at=timezone.now(),
    )
    anonymous = Client(enforce_csrf_checks=True)
    officer = Client(enforce_csrf_checks=True)
    sign_in(officer, bob)
    member = Client(enforce_csrf_checks=True)
    sign_in(member, personas["mia"])
    pages = [
        (anonymous, "/accounts/sign-in/"),
        (anonymous, "/accounts/password/reset/"),
        (anonymous, f"/accounts/invitations/{secret}/"),
        (officer, "/accounts/"),
        (officer, "/accounts/password/"),
        (officer, "/accounts/invitations/new/"),
        (member, "/accounts/two-factor/"),
    ]

    for client, url in pages:
        _assert_every_form_has_a_token(client, url)
        assert client.post(url, {}).status_code == 403, url
    assert officer.post("/accounts/sign-out/").status_code == 403
    assert officer.get("/accounts/").status_code == 200  # still signed in


# Built from pieces so that this file does not match itself.
PRIVATE_KEY = re.compile("-----BEGIN [A-Z ]*" + "PRIVATE KEY-----")
API_TOKEN = re.compile("chp" + r"_[A-Za-z0-9_-]{40,}")
AWS_KEY = re.compile("AKIA" + r"[0-9A-Z]{16}")
# Settings-style names: SECRET_KEY, EMAIL_HOST_PASSWORD, SOMETHING_API_KEY (not test constants).
SECRET_ASSIGNMENT = re.compile(
    r"\b(SECRET_KEY|[A-Z]+_PASSWORD|[A-Z]+_API_KEY)\b[\"']?\s*[=:]\s*(.*)"
)
PASSWORD_IN_URL = re.compile(r"\b[a-z+]+:" + r"//[^/\s:@]+:([^@\s/]+)@")
STRING = re.compile(r"[\"']([^\"'\n]*)[\"']")
# What a value may say to show it is not a real secret.
HARMLESS = re.compile(
    r"insecure|test|example|demo|dummy|placeholder|changeme|^[A-Z_]*$|^\$|^<", re.I
)
SKIPPED_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__", ".mypy_cache"}
SKIPPED_DIRS |= {".ruff_cache", ".pytest_cache", ".hypothesis", "build", "dist"}
SKIPPED_SUFFIXES = {".mo", ".png", ".jpg", ".ico", ".woff", ".woff2", ".sqlite3", ".gz", ".pyc"}


def _repository_files():
    for root, dirs, files in os.walk(REPOSITORY):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        for name in files:
            path = Path(root, name)
            if path.suffix not in SKIPPED_SUFFIXES and path.stat().st_size < 5_000_000:
                yield path


def test_no_secret_is_written_in_the_repository():
    found = []
    for path in _repository_files():
        text = path.read_text(encoding="utf-8", errors="ignore")
        where = path.relative_to(REPOSITORY)
        for pattern in (PRIVATE_KEY, API_TOKEN, AWS_KEY):
            found += [(str(where), match.group(0)[:20]) for match in pattern.finditer(text)]
        for line in text.splitlines():
            for match in PASSWORD_IN_URL.finditer(line):
                if not HARMLESS.search(match.group(1)):
                    found.append((str(where), line.strip()))
            assignment = SECRET_ASSIGNMENT.search(line)
            if assignment:
                values = STRING.findall(assignment.group(2))
                found += [
                    (str(where), line.strip())
                    for value in values
                    if len(value) >= 8 and not HARMLESS.search(value)
                ]

    assert found == []


# --- the admin ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_audit_trail_cannot_be_changed_in_the_admin_even_by_a_superuser(
    demo, admin_client, admin_user
):
    from chapterhouse.custody.models import AuditEntry

    user_add(
        viewer=ADMIN,
        via="cli",
        email="x@chapterhouse.test",
        on=dt.date(2000, 1, 1),
        at=timezone.now(),
    )
    entry = AuditEntry.objects.get()
    base = "/admin/custody/auditentry/"

    assert admin_client.get(base).status_code == 200
    assert admin_client.get(f"{base}{entry.pk}/change/").status_code == 200  # to read
    assert admin_client.post(f"{base}{entry.pk}/change/", {"action": "x"}).status_code == 403
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get().action == entry.action


@pytest.mark.django_db
def test_the_admin_shows_tokens_without_their_digest_and_revokes_them(demo, admin_client, personas):
    from chapterhouse.custody.models import ApiToken
    from chapterhouse.custody.services import token_create

    token, _ = token_create(user=personas["bob"], name="sync", expires=None, at=timezone.now())

    page = admin_client.get(f"/admin/custody/apitoken/{token.pk}/change/").content.decode()
    admin_client.post(
        "/admin/custody/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )

    assert token.prefix in page
    assert token.digest not in page
    assert ApiToken.objects.get().revoked is not None


@pytest.mark.django_db
def test_a_grant_given_in_the_admin_is_audited(demo, admin_client, personas):
    from chapterhouse.custody.models import AuditEntry, Grant

    response = admin_client.post(
        "/admin/custody/grant/add/",
        {
            "user": personas["charlie"].pk,
            "role": "member",
            "body": Body.objects.get(slug="ec-kz").pk,
            "start": "2025-01-01",
        },
    )

    assert response.status_code == 302
    assert Grant.objects.filter(user=personas["charlie"], role="member").exists()
    entry = AuditEntry.objects.filter(via="admin", action="grant").get()
    assert entry.object_id == "charlie@chapterhouse.test"

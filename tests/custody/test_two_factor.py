"""Two-factor sign-in: enrolment with a QR code, the code as the second step of signing in,
required for officers and administrators everywhere but the account pages, and no way
around it through the admin or the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.templatetags.static import static
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.services import token_create, user_add
from chapterhouse.custody.views import ENROL_KEY
from chapterhouse.registry.models import Body
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def open_account(email: str, *, grants=(), admin: bool = False):
    return user_add(
        viewer=ADMIN,
        via="cli",
        email=email,
        password=PASSWORD,
        grants=[(role, Body.objects.get(slug=slug)) for role, slug in grants],
        is_admin=admin,
        on=dt.date(2000, 1, 1),
        at=timezone.now(),
    )


def code_for(key_hex: str) -> str:
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def sign_in_with_password(client, email: str, next_url: str = "/"):
    return client.post(
        "/accounts/sign-in/", {"username": email, "password": PASSWORD, "next": next_url}
    )


def test_an_officer_without_a_device_is_sent_to_enrol_from_every_page(demo, client):
    open_account("head@chapterhouse.test", grants=[("officer", "ec-kz")])
    sign_in_with_password(client, "head@chapterhouse.test")

    for url in ("/", "/people/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/two-factor/?next="), url
    assert client.get("/accounts/two-factor/").status_code == 200
    assert client.get("/static/web/chapterhouse.css").status_code == 200


def test_enrolment_shows_a_qr_code_drawn_inline_and_the_secret_without_any_script(demo, client):
    open_account("head@chapterhouse.test", grants=[("officer", "ec-kz")])
    sign_in_with_password(client, "head@chapterhouse.test")

    page = client.get("/accounts/two-factor/").content.decode()

    assert "<svg" in page
    # The page's own code needs no script: the only one is the site's shared desk.js.
    assert re.findall(r"<script[^>]*>", page) == [f'<script src="{static("web/desk.js")}" defer>']
    assert "totp-secret" in page


def test_a_correct_code_confirms_the_device_and_opens_the_site(demo, client):
    user = open_account("head@chapterhouse.test", grants=[("officer", "ec-kz")])
    sign_in_with_password(client, "head@chapterhouse.test")
    client.get("/accounts/two-factor/")
    key = client.session[ENROL_KEY]

    wrong = client.post(
        "/accounts/two-factor/", {"code": "000000" if code_for(key) != "000000" else "111111"}
    )
    right = client.post("/accounts/two-factor/", {"code": code_for(key), "next": "/people/"})

    assert wrong.status_code == 200
    assert right["Location"] == "/people/"
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="two_factor_enable", actor=user).exists()


def test_signing_in_asks_for_the_code_as_a_second_step(demo, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait after the wrong code
    user = open_account("head@chapterhouse.test", grants=[("officer", "ec-kz")])
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    first = sign_in_with_password(client, "head@chapterhouse.test", "/people/")
    between = client.get("/accounts/")
    wrong = client.post("/accounts/sign-in/code/", {"code": "12345x", "next": "/people/"})
    right = client.post(
        "/accounts/sign-in/code/", {"code": code_for(device.key), "next": "/people/"}
    )

    assert first["Location"] == "/accounts/sign-in/code/?next=%2Fpeople%2F"
    assert between["Location"].startswith("/accounts/sign-in/")  # not signed in yet
    assert wrong.status_code == 200
    assert "This code is wrong" in wrong.content.decode()
    assert right["Location"] == "/people/"
    assert client.get("/").status_code == 200
    assert "head@chapterhouse.test" in client.get("/accounts/").content.decode()


def test_a_member_who_enrolled_is_asked_for_the_code_too(demo, client):
    user = open_account("member@chapterhouse.test", grants=[("member", "ec-jp")])
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = sign_in_with_password(client, "member@chapterhouse.test")

    assert response["Location"].startswith("/accounts/sign-in/code/")


def test_two_factor_is_optional_for_a_member_who_may_enrol_and_turn_it_off(demo, client):
    user = open_account("member@chapterhouse.test", grants=[("member", "ec-jp")])
    sign_in_with_password(client, "member@chapterhouse.test")

    assert client.get("/").status_code == 200
    client.get("/accounts/two-factor/")
    client.post("/accounts/two-factor/", {"code": code_for(client.session[ENROL_KEY])})
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    device.last_t = -1  # let the same time step's code be given again
    device.save()
    off = client.post("/accounts/two-factor/", {"code": code_for(device.key)})

    assert off["Location"] == "/accounts/"
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_an_officer_cannot_turn_two_factor_off(demo, client, personas):
    bob = personas["bob"]
    sign_in(client, bob)
    device = TOTPDevice.objects.get(user=bob)

    page = client.post("/accounts/two-factor/", {"code": code_for(device.key)})

    assert page.status_code == 200
    assert TOTPDevice.objects.filter(user=bob).exists()


def test_whoever_has_only_the_password_cannot_enrol_another_device(demo, client, personas):
    client.force_login(personas["bob"])  # the password was right; no code given

    response = client.get("/accounts/two-factor/")

    assert response["Location"].startswith("/accounts/sign-in/code/")
    assert client.get("/people/")["Location"].startswith("/accounts/sign-in/code/")


def test_an_unverified_officer_session_gets_403_json_on_the_api(demo, client, personas):
    client.force_login(personas["bob"])

    response = client.get("/api/v1/organization")

    assert response.status_code == 403
    assert "detail" in response.json()


def test_an_api_token_is_its_own_credential(demo, client, personas):
    _, secret = token_create(user=personas["bob"], name="script", expires=None, at=timezone.now())

    response = client.get("/api/v1/organization", HTTP_AUTHORIZATION=f"Bearer {secret}")

    assert response.status_code == 200


def test_the_admin_sign_in_sends_to_ours(db, client):
    response = client.get("/admin/login/?next=/admin/custody/grant/")

    assert response["Location"] == "/accounts/sign-in/?next=/admin/custody/grant/"


def test_the_admin_needs_a_verified_session(demo, client, personas):
    admin = personas["admin"]
    client.force_login(admin)

    unverified = client.get("/admin/")
    sign_in(client, admin)
    verified = client.get("/admin/")

    assert unverified.status_code == 302
    assert verified.status_code == 200


def test_an_administrator_without_a_device_must_enrol(demo, client):
    open_account("root@chapterhouse.test", admin=True)
    sign_in_with_password(client, "root@chapterhouse.test")

    assert client.get("/admin/")["Location"].startswith("/accounts/two-factor/")


def test_the_personas_helper_signs_officers_in_with_their_second_factor(demo, client, personas):
    sign_in(client, personas["alice"])

    assert client.get("/").status_code == 200
    assert client.get("/accounts/").status_code == 200

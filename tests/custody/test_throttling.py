"""Sign-in throttling: five failures for one account from one address pause it for 15
minutes, with a page that says so; driven through the real sign-in form."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.services import user_add

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
EMAIL = "dana@chapterhouse.test"


@pytest.fixture
def dana(db):
    return user_add(
        viewer=ADMIN,
        via="cli",
        email=EMAIL,
        password=PASSWORD,
        on=dt.date(2000, 1, 1),
        at=timezone.now(),
    )


def attempt(client, password, email=EMAIL, address="203.0.113.7"):
    return client.post(
        "/accounts/sign-in/",
        {"username": email, "password": password},
        REMOTE_ADDR=address,
    )


def test_the_fifth_failure_pauses_the_account_with_a_clear_page(dana, client):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200

    fifth = attempt(client, "wrong")
    right = attempt(client, PASSWORD)

    assert fifth.status_code == 429
    page = right.content.decode()
    assert right.status_code == 429  # the right password is refused too
    assert "Too many failed sign-ins" in page
    assert "Try again in 15 minutes" in page
    assert client.get("/accounts/").status_code == 302  # not signed in


def test_the_pause_is_per_account_and_address(dana, client):
    user_add(
        viewer=ADMIN,
        via="cli",
        email="other@chapterhouse.test",
        password=PASSWORD,
        on=dt.date(2000, 1, 1),
        at=timezone.now(),
    )
    for _ in range(5):
        attempt(client, "wrong")

    other_account = attempt(client, PASSWORD, email="other@chapterhouse.test")
    client.post("/accounts/sign-out/")
    other_address = attempt(client, PASSWORD, address="198.51.100.9")

    assert other_account["Location"] == "/"
    assert other_address["Location"] == "/"


def test_the_pause_ends_after_fifteen_minutes(dana, client):
    for _ in range(5):
        attempt(client, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))

    assert attempt(client, PASSWORD)["Location"] == "/"


def test_a_successful_sign_in_clears_the_failures(dana, client):
    for _ in range(4):
        attempt(client, "wrong")
    attempt(client, PASSWORD)
    client.post("/accounts/sign-out/")

    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200


def test_wrong_codes_count_towards_the_pause(dana, client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=dana, name="phone", confirmed=True)
    code = f"{totp(device.bin_key):06d}"
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        attempt(client, "wrong")
    attempt(client, PASSWORD)

    responses = [
        client.post("/accounts/sign-in/code/", {"code": wrong}, REMOTE_ADDR="203.0.113.7")
        for _ in range(3)
    ]
    last = client.post("/accounts/sign-in/code/", {"code": code}, REMOTE_ADDR="203.0.113.7")

    assert [r.status_code for r in responses] == [200, 200, 429]
    assert last.status_code == 429
    assert client.get("/accounts/").status_code == 302


def test_a_code_right_after_a_wrong_one_must_wait(dana, client):
    device = TOTPDevice.objects.create(user=dana, name="phone", confirmed=True)
    code = f"{totp(device.bin_key):06d}"
    attempt(client, PASSWORD)

    client.post("/accounts/sign-in/code/", {"code": "12345x"}, REMOTE_ADDR="203.0.113.7")
    hasty = client.post("/accounts/sign-in/code/", {"code": code}, REMOTE_ADDR="203.0.113.7")

    assert "Wait a few seconds" in hasty.content.decode()

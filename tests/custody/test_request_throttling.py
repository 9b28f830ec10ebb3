"""Password-reset mail is rate-limited per address and per account, and failed API tokens
are throttled like failed passwords: the counts live in the cache (Redis in production)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.services import token_create, user_add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dana(db):
    return user_add(
        viewer=ADMIN,
        via="cli",
        email="dana@chapterhouse.test",
        password="correct horse battery staple",
        on=dt.date(2000, 1, 1),
        at=timezone.now(),
    )


def ask_reset(client, email, address="203.0.113.7"):
    return client.post("/accounts/password/reset/", {"email": email}, REMOTE_ADDR=address)


def test_one_account_gets_at_most_three_reset_mails_an_hour(
    dana, client, settings, run_tasks, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESETS_PER_EMAIL = 3
    with django_capture_on_commit_callbacks(execute=True):
        answers = [ask_reset(client, "dana@chapterhouse.test", f"198.51.100.{n}") for n in range(5)]
    run_tasks()

    # Every request gets the same answer, so none tells that the limit was reached.
    assert {answer["Location"] for answer in answers} == {"/accounts/password/reset/sent/"}
    assert len(mail.outbox) == 3


def test_one_address_asking_too_often_is_told_to_wait(dana, client, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS = 2
    for n in range(2):
        assert ask_reset(client, f"someone{n}@chapterhouse.test").status_code == 302

    refused = ask_reset(client, "dana@chapterhouse.test")

    assert refused.status_code == 429
    assert "Too many password resets were asked for from your address" in refused.content.decode()
    assert ask_reset(client, "dana@chapterhouse.test", address="192.0.2.1").status_code == 302


def test_the_reset_page_answers_before_any_mail_is_sent(
    dana, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask_reset(client, "dana@chapterhouse.test")

    assert mail.outbox == []


def bearer(client, secret, address="203.0.113.9"):
    return client.get(
        "/api/v1/organization", HTTP_AUTHORIZATION=f"Bearer {secret}", REMOTE_ADDR=address
    )


def test_failed_tokens_from_one_address_are_paused_like_failed_passwords(
    dana, demo, client, settings
):
    settings.AXES_FAILURE_LIMIT = 5
    _token, secret = token_create(user=dana, name="script", expires=None, at=timezone.now())
    for n in range(5):
        assert bearer(client, f"chp_guess{n}").status_code == 401

    paused = bearer(client, secret)

    assert paused.status_code == 429
    assert "Too many unknown API tokens from your address" in paused.json()["detail"]
    assert int(paused["Retry-After"]) > 0
    # Another address is not paused, and the right token works there.
    assert bearer(client, secret, address="192.0.2.1").status_code == 200


def test_a_few_failed_tokens_do_not_pause_a_client(dana, demo, client):
    _token, secret = token_create(user=dana, name="script", expires=None, at=timezone.now())
    for n in range(2):
        assert bearer(client, f"chp_typo{n}").status_code == 401

    assert bearer(client, secret).status_code == 200

"""Accounts on the web: sign in with e-mail and password, sign out, change and reset the
password, and invitations from an officer."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chapterhouse.custody.access import ADMIN, viewer_for_user
from chapterhouse.custody.models import AuditEntry, Grant, Invitation
from chapterhouse.custody.services import digest, invitation_accept, invitation_create, user_add
from chapterhouse.registry.models import Body
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def open_account(email: str = "dana@chapterhouse.test", password: str | None = PASSWORD, **kw):
    return user_add(
        viewer=ADMIN,
        via="cli",
        email=email,
        password=password,
        on=dt.date(2000, 1, 1),
        at=timezone.now(),
        **kw,
    )


def post_sign_in(client, email, password, **extra):
    return client.post("/accounts/sign-in/", {"username": email, "password": password, **extra})


def test_someone_signs_in_with_their_email_in_any_case_and_signs_out(db, client):
    open_account()

    response = post_sign_in(client, "Dana@Chapterhouse.TEST", PASSWORD)

    assert response.status_code == 302
    account = client.get("/accounts/").content.decode()
    assert "dana@chapterhouse.test" in account
    assert client.get("/accounts/sign-out/").status_code == 405  # a link cannot sign you out
    client.post("/accounts/sign-out/")
    assert client.get("/accounts/").status_code == 302


def test_passwords_are_kept_as_argon2_hashes(db):
    user = open_account()

    assert user.password.startswith("argon2")


def test_a_wrong_password_is_refused_with_a_message(db, client):
    open_account()

    response = post_sign_in(client, "dana@chapterhouse.test", "not the password")

    assert response.status_code == 200
    assert "The e-mail or the password is wrong" in response.content.decode()
    assert client.get("/accounts/").status_code == 302


def test_signing_in_returns_to_the_page_asked_for_but_never_to_another_site(db, client):
    open_account()

    here = post_sign_in(client, "dana@chapterhouse.test", PASSWORD, next="/people/")
    client.post("/accounts/sign-out/")
    away = post_sign_in(client, "dana@chapterhouse.test", PASSWORD, next="https://evil.example/")

    assert here["Location"] == "/people/"
    assert away["Location"] == "/"


def test_the_header_offers_sign_in_or_the_account_and_sign_out(demo, client, personas):
    anonymous = client.get("/").content.decode()
    sign_in(client, personas["mia"])
    member = client.get("/").content.decode()

    assert 'href="/accounts/sign-in/"' in anonymous
    assert 'href="/accounts/"' in member
    assert 'action="/accounts/sign-out/"' in member


def test_the_password_can_be_changed(db, client):
    open_account()
    post_sign_in(client, "dana@chapterhouse.test", PASSWORD)

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a new and longer passphrase",
            "new_password2": "a new and longer passphrase",
        },
    )
    client.post("/accounts/sign-out/")

    assert response["Location"] == "/accounts/password/changed/"
    assert post_sign_in(client, "dana@chapterhouse.test", PASSWORD).status_code == 200
    assert (
        post_sign_in(client, "dana@chapterhouse.test", "a new and longer passphrase")["Location"]
        == "/"
    )
    entry = AuditEntry.objects.get(action="password_change")
    assert (entry.object_id, entry.via) == ("dana@chapterhouse.test", "web")
    assert "passphrase" not in str(entry.before) + str(entry.after)


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.mark.parametrize("password", [PASSWORD, None], ids=["with", "without a password"])
def test_a_forgotten_password_is_reset_through_a_link_sent_by_email(
    db, client, password, run_tasks, django_capture_on_commit_callbacks
):
    open_account(password=password)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "DANA@chapterhouse.test"})
    assert mail.outbox == []  # queued, not sent inside the request
    run_tasks()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana@chapterhouse.test"]
    form = client.get(_link(mail.outbox[0]), follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )

    assert done["Location"] == "/accounts/password/reset/done/"
    assert AuditEntry.objects.filter(
        action="password_reset", object_id="dana@chapterhouse.test"
    ).exists()
    assert (
        post_sign_in(client, "dana@chapterhouse.test", "a brand new passphrase").status_code == 302
    )


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(db, client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@chapterhouse.test"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


# --- invitations -------------------------------------------------------------


@pytest.fixture
def invite(run_tasks, django_capture_on_commit_callbacks):
    """Post the invitation form, then let the worker send what it queued."""

    def send(client, **data):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/accounts/invitations/new/", {"role": "member", **data})
        assert mail.outbox == []  # queued, not sent inside the request
        run_tasks()
        return response

    return send


def test_an_officer_invites_someone_who_opens_an_account_with_the_grant(
    demo, client, personas, invite
):
    sign_in(client, personas["bob"])
    ec_kz = Body.objects.get(slug="ec-kz")

    sent = invite(client, email="New.Member@chapterhouse.test", body=ec_kz.pk)
    link = _link(mail.outbox[0])
    client.post("/accounts/sign-out/")
    page = client.get(link)
    opened = client.post(
        link, {"password1": "a long new passphrase", "password2": "a long new passphrase"}
    )

    assert sent.status_code == 302
    assert "new.member@chapterhouse.test" in page.content.decode()
    assert opened["Location"] == "/accounts/"
    user = get_user_model().objects.get(username="new.member@chapterhouse.test")
    assert [(g.role, g.body.slug) for g in Grant.objects.filter(user=user)] == [("member", "ec-kz")]
    assert "new.member@chapterhouse.test" in client.get("/accounts/").content.decode()
    actions = list(
        AuditEntry.objects.filter(object_id="new.member@chapterhouse.test").values_list(
            "action", "actor_label"
        )
    )
    assert actions == [
        ("invite", "bob@chapterhouse.test"),
        ("create", "bob@chapterhouse.test"),
        ("grant", "bob@chapterhouse.test"),
        ("accept_invitation", "new.member@chapterhouse.test"),
    ]


def test_the_invitation_link_works_once(demo, client, personas, invite):
    sign_in(client, personas["bob"])
    invite(client, email="once@chapterhouse.test", body=Body.objects.get(slug="ec-kz").pk)
    link = _link(mail.outbox[0])
    client.post("/accounts/sign-out/")
    passwords = {"password1": "a long new passphrase", "password2": "a long new passphrase"}
    client.post(link, passwords)
    client.post("/accounts/sign-out/")

    again = client.get(link)

    assert again.status_code == 404
    assert "accepted already" in again.content.decode()


def test_only_a_digest_of_the_invitation_secret_is_stored(demo, personas):
    bob = viewer_for_user(personas["bob"], on=dt.date(2025, 1, 1))
    body = Body.objects.get(slug="ec-kz")

    invitation, secret = invitation_create(
        viewer=bob,
        via="web",
        email="x@chapterhouse.test",
        grants=[("member", body)],
        at=timezone.now(),
    )

    stored = Invitation.objects.get(pk=invitation.pk)
    assert stored.digest == digest(secret)
    assert secret not in str(stored.__dict__)


def test_an_invitation_expires_after_fourteen_days(demo, personas):
    bob = viewer_for_user(personas["bob"], on=dt.date(2025, 1, 1))
    sent = timezone.now()
    _, secret = invitation_create(
        viewer=bob,
        via="web",
        email="late@chapterhouse.test",
        grants=[("member", Body.objects.get(slug="ec-kz"))],
        at=sent,
    )

    with pytest.raises(ValidationError, match="expired"):
        invitation_accept(
            secret=secret,
            password=PASSWORD,
            on=timezone.localdate(),
            at=sent + dt.timedelta(days=14, seconds=1),
        )
    assert not get_user_model().objects.filter(username="late@chapterhouse.test").exists()


def test_an_officer_cannot_invite_onto_a_body_they_do_not_cover(demo, client, personas, invite):
    sign_in(client, personas["bob"])

    response = invite(client, email="spy@chapterhouse.test", body=Body.objects.get(slug="ec-jp").pk)

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert mail.outbox == []
    bob = viewer_for_user(personas["bob"], on=dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        invitation_create(
            viewer=bob,
            via="web",
            email="spy@chapterhouse.test",
            grants=[("officer", Body.objects.get(slug="council"))],
            at=timezone.now(),
        )
    assert not Invitation.objects.exists()


def test_an_inviter_who_lost_their_grant_can_no_longer_bring_anyone_in(demo, personas):
    bob_user = personas["bob"]
    bob = viewer_for_user(bob_user, on=dt.date(2025, 1, 1))
    _, secret = invitation_create(
        viewer=bob,
        via="web",
        email="late@chapterhouse.test",
        grants=[("member", Body.objects.get(slug="ec-kz"))],
        at=timezone.now(),
    )
    Grant.objects.filter(user=bob_user).update(end=dt.date(2001, 1, 1))

    with pytest.raises(PermissionDenied):
        invitation_accept(
            secret=secret, password=PASSWORD, on=timezone.localdate(), at=timezone.now()
        )
    assert not get_user_model().objects.filter(username="late@chapterhouse.test").exists()


def test_a_plain_member_may_notinvite(demo, client, personas):
    sign_in(client, personas["mia"])

    assert client.get("/accounts/invitations/new/").status_code == 403
    assert "Invite someone" not in client.get("/accounts/").content.decode()


def test_an_unknown_invitation_link_says_so(db, client):
    response = client.get("/accounts/invitations/not-a-real-secret/")

    assert response.status_code == 404
    assert "The link is not valid" in response.content.decode()

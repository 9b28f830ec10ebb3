"""Comments under articles: members straight to moderation, visitors after confirming by
e-mail, editors of the article's body approve, and a flood, a robot or a script gets nowhere."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

from chapterhouse.custody.models import AuditEntry
from chapterhouse.newsroom.models import Article, Comment
from tests.conftest import sign_in

POST = "/en/news/gc5-opens/comments/"
VISITOR = {"name": "Dana Reader", "email": "dana@example.org", "body": "Good news from Almaty."}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the memory cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


# On PostgreSQL the worker drops a connection it finds inside a transaction (its
# close_old_connections at start), so the tests that run it there commit for real.
WORKER_DB = pytest.mark.django_db(transaction=connection.vendor == "postgresql")


def post(client, data=None, *, address="203.0.113.50", path=POST, **extra):
    return client.post(path, data or VISITOR, REMOTE_ADDR=address, **extra)


def csrf_token(client) -> str:
    """Open the article page as a signed-in reader does and take the form's CSRF token."""
    page = client.get("/en/news/gc5-opens/").content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def confirm_link(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


@WORKER_DB
def test_a_visitor_confirms_by_e_mail_then_the_editors_are_told(
    client, personas, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    assert response.status_code == 303
    assert response["Location"] == "/en/news/gc5-opens/comments/thanks/?sent=email"
    comment = Comment.objects.get()
    assert (comment.status, comment.name, comment.email) == (
        "unconfirmed",
        "Dana Reader",
        "dana@example.org",
    )
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["dana@example.org"]
    link = confirm_link(message)
    secret = link.rstrip("/").rsplit("/", 1)[1]
    # Only the digest of the secret is kept.
    assert comment.confirm_digest == hashlib.sha256(secret.encode()).hexdigest()
    assert not Comment.objects.filter(confirm_digest=secret).exists()

    thanks = client.get(response["Location"])
    assert "check your e-mail" in thanks.content.decode()
    assert "no-cache" in thanks["Cache-Control"] or "no-store" in thanks["Cache-Control"]

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.get(link)
    assert confirmed.status_code == 200
    assert "confirmed" in confirmed.content.decode()
    comment.refresh_from_db()
    assert comment.status == "pending" and comment.confirmed_at is not None
    run_tasks()
    # press-bureau is under the council, whose officer alice is.
    assert mail.outbox[-1].to == ["alice@chapterhouse.test"]
    assert "Good news from Almaty." in mail.outbox[-1].body
    assert client.get(link).status_code == 200  # following it again is harmless


@WORKER_DB
def test_a_member_comments_under_their_public_name_with_a_csrf_token(
    personas, run_tasks, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, personas["mia"])
    token = csrf_token(client)
    assert client.post(POST, {"body": "Without a token."}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(POST, {"body": "Congratulations!", "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert response["Location"].endswith("?sent=moderation")
    comment = Comment.objects.get()
    assert (comment.status, comment.name, comment.user) == (
        "pending",
        "Park Min-jun",
        personas["mia"],
    )
    assert comment.email == ""
    run_tasks()
    assert [m.to for m in mail.outbox] == [["alice@chapterhouse.test"]]


def test_a_visitor_posts_without_a_token_because_the_cached_page_has_none(demo):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/en/news/gc5-opens/").content.decode()
    assert "csrfmiddlewaretoken" not in page  # the page is the same for every visitor
    assert 'name="website"' in page and 'tabindex="-1"' in page and 'aria-hidden="true"' in page
    assert post(client).status_code == 303


def test_signed_in_without_a_grant_comments_as_a_visitor_but_with_csrf(personas):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, personas["charlie"])
    token = csrf_token(client)
    assert post(client, {**VISITOR}).status_code == 403
    assert post(client, {**VISITOR, "csrfmiddlewaretoken": token}).status_code == 303
    assert Comment.objects.get().status == "unconfirmed"


@WORKER_DB
def test_a_filled_honeypot_is_thanked_like_a_person_and_nothing_is_kept(
    client, demo, run_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, {**VISITOR, "website": "http://spam.example"})
    assert response.status_code == 303
    assert response["Location"].endswith("?sent=email")
    run_tasks()
    assert Comment.objects.count() == 0 and mail.outbox == []


def test_an_empty_or_oversized_comment_is_refused_with_the_reason(client, demo, settings):
    empty = post(client, {**VISITOR, "body": "   "})
    assert empty.status_code == 400
    assert "This field is required." in empty.content.decode()
    too_long = post(client, {**VISITOR, "body": "x" * 5001})
    assert too_long.status_code == 400
    assert "at most 5000 characters" in too_long.content.decode()
    assert "dana@example.org" in too_long.content.decode()  # what was typed comes back
    assert "no-cache" in too_long["Cache-Control"] or "no-store" in too_long["Cache-Control"]
    bad_address = post(client, {**VISITOR, "email": "not an address"})
    assert bad_address.status_code == 400
    assert Comment.objects.count() == 0


def test_comments_on_unknown_or_unpublished_articles_are_404(client, demo):
    assert post(client, path="/en/news/no-such-article/comments/").status_code == 404
    assert post(client, path="/en/news/gc5-closing-statement/comments/").status_code == 404
    assert client.get(POST).status_code == 405
    assert Comment.objects.count() == 0


def test_a_flood_from_one_address_is_stopped_after_five_comments(client, demo):
    statuses = [post(client).status_code for _ in range(6)]
    assert statuses == [303] * 5 + [429]
    refused = post(client)
    assert refused.status_code == 429
    assert "too many comments" in refused.content.decode()
    assert refused["Retry-After"] == "600"
    assert Comment.objects.count() == 5
    assert post(client, address="198.51.100.9").status_code == 303  # another reader may


def test_an_article_takes_a_limited_number_of_comments_an_hour(client, demo, settings):
    settings.COMMENTS_PER_ARTICLE = 3
    statuses = [post(client, address=f"198.51.100.{n}").status_code for n in range(4)]
    assert statuses == [303, 303, 303, 429]
    other = post(client, path="/en/news/gc5-steppe-day/comments/", address="198.51.100.99")
    assert other.status_code == 303


def test_a_script_in_a_comment_is_shown_as_text(client, personas):
    comment = Comment.objects.create(
        article=Article.objects.get(slug="gc5-opens"),
        lang="en",
        name="<b>Eve</b>",
        body="<script>alert('x')</script>\nsecond line",
        status="approved",
        created_at="2025-05-19T10:00:00Z",
    )
    page = client.get("/en/news/gc5-opens/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>second line" in page
    assert "<script>alert" not in page and "<b>Eve</b>" not in page
    sign_in(client, personas["alice"])
    comment.status = "pending"
    comment.save()
    moderation = client.get("/newsroom/comments/").content.decode()
    assert "&lt;script&gt;" in moderation and "<script>alert" not in moderation


def test_an_unknown_or_expired_confirmation_link_is_a_clear_404(client, demo):
    unknown = client.get("/en/comments/confirm/not-a-real-secret/")
    assert unknown.status_code == 404
    assert "not valid" in unknown.content.decode()
    post(client)
    # Written four days ago, with a secret the test knows.
    Comment.objects.update(
        created_at="2020-01-01T00:00:00Z",
        confirm_digest=hashlib.sha256(b"old-secret").hexdigest(),
    )
    expired = client.get("/en/comments/confirm/old-secret/")
    assert expired.status_code == 404
    assert "expired" in expired.content.decode()
    assert Comment.objects.get().status == "unconfirmed"


def pending_comment(body="Please approve me.") -> Comment:
    return Comment.objects.create(
        article=Article.objects.get(slug="gc5-opens"),
        lang="en",
        name="Dana Reader",
        email="dana@example.org",
        body=body,
        status="pending",
        created_at="2025-05-19T10:00:00Z",
    )


def test_the_editors_of_the_articles_body_see_and_approve_its_comments(client, personas):
    comment = pending_comment()
    sign_in(client, personas["bob"])  # officer of ec-kz: not the press bureau's
    page = client.get("/newsroom/comments/")
    assert page.status_code == 200 and "Please approve me." not in page.content.decode()
    assert client.post(f"/newsroom/comments/{comment.pk}/approve/").status_code == 403

    sign_in(client, personas["alice"])
    page = client.get("/newsroom/comments/").content.decode()
    assert "Please approve me." in page
    assert "dana@example.org" not in page  # the address is for confirmation only
    response = client.post(f"/newsroom/comments/{comment.pk}/approve/")
    assert response.status_code == 303 and response["Location"] == "/newsroom/comments/"
    comment.refresh_from_db()
    assert comment.status == "approved"
    assert comment.moderated_by == personas["alice"] and comment.moderated_at is not None
    entry = AuditEntry.objects.get(object_type="comment", object_id=str(comment.pk))
    assert (entry.action, entry.before, entry.after["status"]) == (
        "approve",
        {"status": "pending"},
        "approved",
    )
    assert "Please approve me." in client.get("/en/news/gc5-opens/").content.decode()

    assert client.post(f"/newsroom/comments/{comment.pk}/reject/").status_code == 303
    comment.refresh_from_db()
    assert comment.status == "rejected"
    assert "Please approve me." not in Client().get("/en/news/gc5-opens/").content.decode()


def test_moderation_is_for_signed_in_editors_and_officers(client, personas):
    assert client.get("/newsroom/comments/").status_code == 302
    for persona, status in [("charlie", 403), ("mia", 403), ("tanya", 403), ("admin", 200)]:
        sign_in(client, personas[persona])
        assert client.get("/newsroom/comments/").status_code == status, persona
    assert client.get("/newsroom/comments/1/approve/").status_code == 405
    assert client.post("/newsroom/comments/999999/approve/").status_code == 404


def test_an_unconfirmed_comment_cannot_be_approved(client, personas):
    comment = pending_comment()
    Comment.objects.filter(pk=comment.pk).update(status="unconfirmed")
    sign_in(client, personas["alice"])
    response = client.post(f"/newsroom/comments/{comment.pk}/approve/", follow=True)
    assert "cannot be approved" in response.content.decode()
    assert Comment.objects.get().status == "unconfirmed"


def test_the_moderation_page_shows_each_articles_readers(client, personas):
    from chapterhouse.newsroom.models import ArticleViewDay

    ArticleViewDay.objects.create(
        article=Article.objects.get(slug="gc5-opens"), day="2025-05-18", count=1234
    )
    sign_in(client, personas["alice"])
    page = client.get("/newsroom/comments/").content.decode()
    assert "1,234" in page


def test_the_moderation_page_runs_a_fixed_number_of_queries(
    client, personas, django_assert_max_num_queries
):
    sign_in(client, personas["alice"])
    client.get("/newsroom/comments/")
    for n in range(3):
        pending_comment(f"comment {n}")
    with django_assert_max_num_queries(20) as few:
        client.get("/newsroom/comments/")
    for n in range(30):
        pending_comment(f"more {n}")
    with django_assert_max_num_queries(len(few)):
        client.get("/newsroom/comments/")


def test_a_visitors_address_and_name_are_erased_on_request(personas, capsys):
    first, second = pending_comment("one"), pending_comment("two")
    call_command("comments", "erase-email", "DANA@example.org")
    assert "2" in capsys.readouterr().out
    for comment in (first, second):
        comment.refresh_from_db()
        assert (comment.email, comment.name) == ("", "")
    entries = AuditEntry.objects.filter(object_type="comment", action="erase")
    assert entries.count() == 2
    assert all("dana" not in repr((e.before, e.after, e.object_id)).lower() for e in entries)


def test_erasing_needs_an_address_and_an_administrator(personas):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="e-mail address"):
        call_command("comments", "erase-email", " ")
    with pytest.raises(CommandError, match="administrators"):
        call_command("comments", "erase-email", "x@example.org", "--as", "bob@chapterhouse.test")


@WORKER_DB
def test_a_member_commenting_from_a_korean_page_is_stored_under_their_display_name(
    personas, django_capture_on_commit_callbacks
):
    client = Client()
    sign_in(client, personas["mia"])
    korean = POST.replace("/en/", "/ko/")  # Park Min-jun is 박민준 on Korean pages
    assert "박민준" in client.get("/people/park-minjun/?lang=ko").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(korean, {"body": "축하합니다!"})

    assert response.status_code == 303
    # Stored once and read in every language: not the Korean variant.
    assert Comment.objects.get().name == "Park Min-jun"

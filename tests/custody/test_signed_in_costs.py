"""A signed-in page costs what the same page costs anonymously, plus at most one query.

The session comes from the cache (cached_db sessions); the viewer (account, grants, body
tree) and the session's OTP device are kept in the process per generation
(core.generations); what is left is Django's user row. A change to what a viewer is built
from is seen on the very next request, in this process and in another one (simulated by
forgetting this process's memo but keeping the shared cache).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chapterhouse.core import generations
from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import Grant
from chapterhouse.custody.services import grant_create, grant_end
from chapterhouse.registry.models import Body
from tests.conftest import sign_in
from tests.newsroom.public_samples import articles_grow

PAGES = [
    "/en/",  # the public home
    "/bodies/ec-jp/",
    "/",  # the org chart
    "/people/irina-volkova/",
    "/en/news/grown-0/",
    "/api/v1/bodies/ec-jp?as_of=2025-05-19",
    "/api/v1/people",
]
# A reader who may see more than a visitor is shown more, and that costs the queries of
# what is shown (beyond the one query of the user row).
SHOWN_MORE = {
    # An officer of the council (above ec-jp) gets the links to record for the body.
    ("alice", "/bodies/ec-jp/"): 1,
    # Alice is the person's custodian: her merge history and the audit trail of her record.
    ("alice", "/people/irina-volkova/"): 2,
    # A member sees a holder who is not public: one query for which of them (access.py).
    ("mia", "/"): 1,
}


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _as_another_process(kept: dict) -> None:
    """Go on as a process that kept what this one had before the change (its memo), sharing
    only the cache: only the generation bumped there tells it of the change."""
    generations._memo.clear()
    generations._memo.update(kept)


def _signed_in(user: object) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.fixture
def pages(personas):
    articles_grow(1)
    return personas


@pytest.mark.parametrize("persona", ["alice", "mia"])
@pytest.mark.parametrize("url", PAGES)
def test_a_signed_in_page_runs_at_most_one_query_more_than_for_a_visitor(pages, persona, url):
    anonymous = Client()
    _queries(anonymous, url)  # warm
    reader = _signed_in(pages[persona])
    _queries(reader, url)  # warm: the viewer and the device are kept from here on

    assert _queries(reader, url) <= _queries(anonymous, url) + 1 + SHOWN_MORE.get((persona, url), 0)


def _people(client: Client) -> set[str]:
    return {row["id"] for row in client.get("/api/v1/people?limit=100").json()["items"]}


def _member_of_ec_kz(user: object, *, on: dt.date) -> None:
    grant_create(
        viewer=ADMIN,
        via="cli",
        user=user,
        role="member",
        body=Body.objects.get(slug="ec-kz"),
        on=on,
        at=timezone.now(),
    )


# olga-smirnova is not public; ec-kz is her custodian: a member grant there shows her.
@pytest.mark.parametrize("another_process", [False, True])
def test_a_new_grant_is_seen_on_the_next_request(personas, another_process):
    reader = _signed_in(personas["charlie"])
    assert "olga-smirnova" not in _people(reader)
    kept = dict(generations._memo)

    _member_of_ec_kz(personas["charlie"], on=dt.date(2000, 1, 1))
    if another_process:
        _as_another_process(kept)

    assert "olga-smirnova" in _people(reader)


@pytest.mark.parametrize("another_process", [False, True])
def test_an_ended_grant_is_seen_on_the_next_request(personas, another_process):
    charlie = personas["charlie"]
    _member_of_ec_kz(charlie, on=dt.date(2000, 1, 1))
    reader = _signed_in(charlie)
    assert "olga-smirnova" in _people(reader)
    kept = dict(generations._memo)

    grant_end(
        viewer=ADMIN,
        via="cli",
        user=charlie,
        role="member",
        body=Body.objects.get(slug="ec-kz"),
        on=timezone.localdate(),
        at=timezone.now(),
    )
    if another_process:
        _as_another_process(kept)

    assert _people(reader) == _people(Client())


@pytest.mark.parametrize("another_process", [False, True])
def test_a_moved_body_is_seen_on_the_next_request(personas, another_process):
    mia = personas["mia"]
    reader = _signed_in(mia)
    # A body that is not below ec-jp, moved below it, shows its post holders to mia.
    outside = Body.objects.exclude(pk__in=_subtree("ec-jp")).exclude(parent=None).first()
    assert outside is not None
    _people(reader)
    kept = dict(generations._memo)

    outside.parent = Body.objects.get(slug="ec-jp")
    outside.save(update_fields=["parent"])
    if another_process:
        _as_another_process(kept)

    from chapterhouse.custody.access import viewer_for_user

    viewer = viewer_for_user(mia, on=timezone.localdate())
    assert outside.pk in viewer.member_bodies


def _subtree(slug: str) -> set[int]:
    from chapterhouse.registry.tree import bodies_below

    return bodies_below(Body.objects.get(slug=slug).pk)


def test_a_grant_that_ends_tomorrow_is_not_held_tomorrow(personas):
    from chapterhouse.custody.access import viewer_for_user

    mia = personas["mia"]
    today = timezone.localdate()
    grant = Grant.objects.get(user=mia)
    grant.end = today + dt.timedelta(days=1)
    grant.save(update_fields=["end"])
    viewer_for_user(mia, on=today)  # kept for today

    assert viewer_for_user(mia, on=today).member_bodies
    assert not viewer_for_user(mia, on=today + dt.timedelta(days=1)).member_bodies

"""A body's page: holders now and before, mandates, and the timeline of its life."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_the_current_head_and_the_previous_one(demo, client):
    page = client.get("/bodies/ec-jp/?as_of=2025-05-19").content.decode()

    current, past = page.split("Past holders", 1)
    assert "Park Min-jun" in current.split("Current holders", 1)[1]
    assert "Kenji Sato" in past


def test_it_shows_the_name_the_body_bore_on_the_date(demo, client):
    before = client.get("/bodies/press-bureau/?as_of=2025-05-01").content.decode()
    after = client.get("/bodies/press-bureau/?as_of=2025-06-01").content.decode()

    assert "<h1>Press Bureau</h1>" in before
    assert "<h1>Information Bureau</h1>" in after


def test_it_links_the_rename_to_its_decision(demo, client):
    page = client.get("/bodies/press-bureau/?as_of=2025-06-01").content.decode()

    assert 'href="/decisions/gc5-rename/"' in page


def test_it_draws_the_timeline_as_svg_with_links_to_decisions(demo, admin_client):
    # The director (olga-smirnova) is not public: an administrator sees her term.
    page = admin_client.get("/bodies/dept-4/?as_of=2025-06-01").content.decode()

    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'href="/decisions/gc5-d1-dissolve/"' in svg
    assert "<rect" in svg  # the director's term


def test_it_shows_where_the_mandates_of_a_dissolved_body_went(demo, client):
    page = client.get("/bodies/dept-4/?as_of=2025-06-01").content.decode()

    assert "event-logistics" in page
    for committee in ("ec-ar", "ec-jp", "ec-kz", "ec-nordic"):
        assert f'href="/bodies/{committee}/"' in page
    assert "did not exist on this date" in page


def test_it_shows_a_founding_year_as_just_the_year(demo, client):
    page = client.get("/bodies/ec-jp/?as_of=2025-05-19").content.decode()

    assert "<dd>2010" in page


def test_it_answers_an_unknown_body_with_a_not_found_page(demo, client):
    response = client.get("/bodies/no-such-body/")

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_it_explains_a_bad_date(demo, client):
    response = client.get("/bodies/ec-jp/?as_of=soon")

    assert response.status_code == 400
    assert "is not a date" in response.content.decode()


def test_it_runs_the_same_number_of_queries_for_a_longer_history(
    demo, client, django_assert_num_queries, grow
):
    # 15: the page's own 13 (one names the mandates, mandate_names), one for the news about
    # the body and one for the names in the reader's language of the people named (0028).
    with django_assert_num_queries(15):
        client.get("/bodies/council/?as_of=2025-06-01")
    grow.terms(body="council", person="hans-weber", count=30)
    grow.bodies(10)
    with django_assert_num_queries(15):
        response = client.get("/bodies/council/?as_of=2025-06-01")
    assert "Secretary 29" in response.content.decode()

"""Conferences, sessions and decisions."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_conference_list_links_each_conference(demo, client):
    page = client.get("/conferences/").content.decode()

    assert 'href="/conferences/gc-5/"' in page
    assert "5th General Conference" in page


def test_a_conference_shows_its_days_and_sessions_in_order(demo, client):
    page = client.get("/conferences/gc-5/").content.decode()

    assert page.index("Opening session") < page.index("Meeting of the Kazakh")
    assert "Day 4" in page
    assert 'href="/sessions/gc5-d3/"' in page
    assert "Dedicated to the 27th anniversary of the League" in page


def test_a_conference_lists_the_decisions_it_took_as_a_whole(demo, client):
    page = client.get("/conferences/gc-5/").content.decode()

    assert 'href="/decisions/gc5-rename/"' in page


def test_a_session_shows_hosts_place_format_and_the_anniversary_it_marks(demo, client):
    page = client.get("/sessions/gc5-d2/").content.decode()

    assert 'href="/bodies/ec-kz/"' in page
    assert 'href="/bodies/soc-steppe/"' in page
    assert "Almaty, Kazakhstan" in page
    assert "hybrid" in page
    assert "27th anniversary" in page
    assert "League Founding Day" in page


def test_a_session_shows_attendees_documents_and_decisions(demo, client):
    page = client.get("/sessions/gc5-d4/").content.decode()

    assert "rapporteur" in page
    assert "International Secretary of Nordic Youth Exchange" in page
    assert "Letter of thanks to Lark" in page
    assert 'href="/decisions/gc5-d4-rep/"' in page


def test_a_session_names_the_country_in_the_visitors_language(demo, client):
    page = client.get("/sessions/gc5-d4/?lang=de").content.decode()

    assert "Schweden" in page


def test_a_decision_shows_what_it_changed(demo, client):
    page = client.get("/decisions/gc5-d1-dissolve/").content.decode()

    assert "4th Logistics Department" in page
    assert "Bodies dissolved" in page
    assert "Mandates handed over" in page
    assert 'href="/bodies/ec-nordic/"' in page


def test_a_decision_links_the_people_it_elected(demo, client):
    page = client.get("/decisions/gc5-d1-elect/").content.decode()

    assert 'href="/people/park-minjun/"' in page
    assert "For: 14" in page


def test_a_rejected_decision_says_it_changed_nothing(demo, client):
    page = client.get("/decisions/gc5-d3-rejected/").content.decode()

    assert "rejected" in page
    assert "changed nothing" in page


@pytest.mark.parametrize(
    "url", ["/conferences/gc-99/", "/sessions/nowhere/", "/decisions/never-taken/"]
)
def test_an_unknown_id_gets_a_not_found_page(demo, client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_the_pages_run_a_fixed_number_of_queries(demo, client, django_assert_num_queries, grow):
    counts = {
        "/conferences/": 3,
        # Conference and session pages: one query more for the news about them.
        "/conferences/gc-5/": 7,
        # Pages that name people: one query more for their names in the reader's language
        # (docs/decisions/0028).
        "/sessions/gc5-d4/": 11,
        "/decisions/gc5-d1-elect/": 8,
    }
    for url, count in counts.items():
        with django_assert_num_queries(count):
            client.get(url)
    grow.session(session="gc5-d4", count=20)
    grow.election(count=20)
    for url, count in counts.items():
        with django_assert_num_queries(count):
            client.get(url)
    with django_assert_num_queries(counts["/decisions/gc5-d1-elect/"]):
        page = client.get("/decisions/big-election/").content.decode()
    assert "Elected 19" in page

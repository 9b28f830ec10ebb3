"""People: the list, and a person's career with the decisions behind it."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_lists_a_persons_posts_in_time_order(demo, client):
    page = client.get("/people/hans-weber/").content.decode()

    assert page.index("Deputy chair") < page.index("Director")
    assert "1st Department of Public Diplomacy" in page


def test_it_links_each_post_to_the_decision_that_made_it(demo, client):
    page = client.get("/people/park-minjun/").content.decode()

    assert 'href="/decisions/gc5-d1-elect/"' in page


def test_it_shows_who_resigned_and_by_which_decision(demo, client):
    page = client.get("/people/zhang-wei/").content.decode()

    assert "resigned" in page
    assert 'href="/decisions/gc5-resign/"' in page


def test_it_shows_name_variants_outside_posts_and_honours(demo, client, admin_client):
    lucia = client.get("/people/lucia-fernandez/").content.decode()
    ana = admin_client.get("/people/lark/").content.decode()

    assert "Andes Cultural Foundation" in lucia
    assert "Member of the Board" in lucia
    assert "Friendship Badge" in ana
    assert 'href="/decisions/gc5-d4-award/"' in ana


def test_it_shows_a_start_known_to_the_year_as_the_year(demo, client):
    page = client.get("/people/hans-weber/").content.decode()

    assert "since 2018" in page


def test_it_does_not_show_a_person_who_is_not_public(demo, client):
    assert client.get("/people/lark/").status_code == 404


def test_it_answers_an_unknown_person_with_a_not_found_page(demo, client):
    response = client.get("/people/nobody/")

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_the_list_shows_public_people_by_name(demo, client):
    page = client.get("/people/").content.decode()

    assert page.index("Aigerim Bekova") < page.index("Zhang Wei")
    assert "Ana Costa" not in page


def test_the_list_finds_a_person_by_a_name_in_another_script(demo, client):
    page = client.get("/people/", {"q": "박민준"}).content.decode()

    assert "Park Min-jun" in page
    assert "Kenji Sato" not in page


def test_the_list_is_split_into_pages(demo, client, grow):
    grow.bodies(40)  # 40 of the 80 new people are public

    first = client.get("/people/").content.decode()
    second = client.get("/people/?page=2").content.decode()

    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    assert "Zhang Wei" in second


def test_the_list_explains_a_bad_page_number(demo, client):
    response = client.get("/people/?page=first")

    assert response.status_code == 400
    assert "is not a page number" in response.content.decode()


def test_the_pages_run_a_fixed_number_of_queries(demo, client, django_assert_num_queries, grow):
    # 10, one for the news about the person and one for the names in the reader's
    # language of everyone named (docs/decisions/0028); the list: 2 and that one.
    with django_assert_num_queries(12):
        client.get("/people/hans-weber/")
    with django_assert_num_queries(4):
        client.get("/people/")
    grow.terms(body="council", person="hans-weber", count=30)
    grow.bodies(60)
    with django_assert_num_queries(12):
        client.get("/people/hans-weber/")
    with django_assert_num_queries(4):
        client.get("/people/?page=2")

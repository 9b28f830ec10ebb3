"""The org chart page: the organization as of a date, whole or in part."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _head_of(page: str, body: str) -> str:
    """Return the text of the head's entry in the chart box of ``body``."""
    from html.parser import HTMLParser

    class Finder(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.in_body = 0
            self.in_head = 0
            self.text: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            if self.in_body:
                self.in_body += 1
                if found.get("data-role") == "head":
                    self.in_head = 1
                elif self.in_head:
                    self.in_head += 1
            elif found.get("data-body") == body:
                self.in_body = 1

        def handle_endtag(self, tag: str) -> None:
            if self.in_body:
                self.in_body -= 1
                if self.in_head:
                    self.in_head -= 1

        def handle_data(self, data: str) -> None:
            if self.in_head:
                self.text.append(data.strip())

    finder = Finder()
    finder.feed(page)
    return " ".join(part for part in finder.text if part)


def test_it_shows_the_new_head_after_the_election(demo, client):
    before = client.get("/?as_of=2025-05-17").content.decode()
    after = client.get("/?as_of=2025-05-19").content.decode()

    assert "Kenji Sato" in _head_of(before, "ec-jp")
    assert "Park Min-jun" in _head_of(after, "ec-jp")
    assert "Kenji Sato" not in _head_of(after, "ec-jp")


def test_it_shows_a_body_only_while_it_exists(demo, client):
    assert 'data-body="dept-4"' in client.get("/?as_of=2025-05-17").content.decode()
    assert 'data-body="dept-4"' not in client.get("/?as_of=2025-05-20").content.decode()


def test_it_shows_the_name_a_body_bore_on_the_date(demo, client):
    assert "Press Bureau" in client.get("/?as_of=2025-05-01").content.decode()
    assert "Information Bureau" in client.get("/?as_of=2025-06-01").content.decode()


def test_it_links_each_holder_to_their_page(demo, client):
    page = client.get("/?as_of=2025-05-19").content.decode()

    assert 'href="/people/park-minjun/"' in page


def test_it_keeps_the_date_in_the_picker(demo, client):
    page = client.get("/?as_of=2025-05-19").content.decode()

    assert 'type="date"' in page
    assert 'value="2025-05-19"' in page


def test_it_shows_today_without_a_date(demo, client):
    from django.utils import timezone

    page = client.get("/").content.decode()

    assert f'value="{timezone.localdate().isoformat()}"' in page


def test_a_year_alone_means_its_first_day(demo, client):
    page = client.get("/?as_of=2025").content.decode()

    assert 'value="2025-01-01"' in page
    assert "Kenji Sato" in _head_of(page, "ec-jp")


def test_it_shows_a_subtree_below_one_body(demo, client):
    page = client.get("/?as_of=2025-05-19&body=ec-kz").content.decode()

    assert 'data-body="ec-kz"' in page
    assert 'data-body="soc-steppe"' in page
    assert 'data-body="ec-jp"' not in page
    assert 'data-body="council"' not in page


def test_it_says_when_the_subtree_root_did_not_exist_yet(demo, client):
    response = client.get("/?as_of=2000-01-01&body=ec-ar")

    assert response.status_code == 200
    assert "did not exist on" in response.content.decode()


def test_it_answers_an_unknown_body_with_a_not_found_page(demo, client):
    response = client.get("/?body=no-such-body")

    assert response.status_code == 404
    assert "Not found" in response.content.decode()


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "2025-02-30", "19.05.2025"])
def test_it_explains_a_date_it_cannot_read(demo, client, bad):
    response = client.get("/", {"as_of": bad})

    assert response.status_code == 400
    page = response.content.decode()
    assert "is not a date" in page
    assert "YYYY-MM-DD" in page


def test_it_lists_the_post_of_a_hidden_person_under_the_name_the_visitor_may_read(demo, client):
    page = client.get("/?as_of=2025-05-19").content.decode()

    # Ana Costa (call sign Lark) is an activist of rc-pt: the post is held, by "Lark".
    assert "Ana Costa" not in page
    assert 'data-role="activist"' in page
    assert "<dd>Lark</dd>" in page
    assert "/people/ana-costa/" not in page


def test_it_shows_staff_everyone(demo, admin_client):
    page = admin_client.get("/?as_of=2025-05-19").content.decode()

    assert "Ana Costa" in page


def test_it_runs_the_same_number_of_queries_for_a_bigger_organization(
    demo, client, django_assert_num_queries, grow
):
    # 11: one batched query reads the names in the reader's language of everyone named
    # (custody.access.local_names_for, docs/decisions/0028), one names the mandates drawn,
    # all at once (mandate_names).
    with django_assert_num_queries(11):
        client.get("/?as_of=2025-05-19")
    grow.bodies(25)
    with django_assert_num_queries(11):
        response = client.get("/?as_of=2025-05-19")
    assert "Extra Committee 24" in response.content.decode()


def test_a_subtree_runs_a_fixed_number_of_queries(demo, client, django_assert_num_queries, grow):
    # 12: one of them the batched names in the reader's language (docs/decisions/0028), one
    # the mandates' names (mandate_names).
    with django_assert_num_queries(12):
        client.get("/?as_of=2025-05-19&body=council")
    grow.bodies(25)
    with django_assert_num_queries(12):
        client.get("/?as_of=2025-05-19&body=council")


def test_it_works_before_anything_is_recorded(db, client):
    response = client.get("/?as_of=2025-05-19")

    assert response.status_code == 200
    assert "No body of the organization existed" in response.content.decode()


# --- a large organization: the top levels, and the bodies below opened on demand ---------


def test_a_large_chart_draws_the_top_levels_and_a_link_to_open_each_body(demo, client, monkeypatch):
    from chapterhouse.web import views

    monkeypatch.setattr(views, "CHART_PAGE_BODIES", 1)  # the top level only
    page = client.get("/?as_of=2025-05-19").content.decode()

    assert 'data-body="council"' in page
    assert 'data-body="ec-kz"' not in page
    # Without scripts the link shows that part of the chart; with them, the fragment.
    assert 'href="/?as_of=2025-05-19&amp;body=council"' in page
    assert 'data-fragment="/bodies/council/chart/?as_of=2025-05-19"' in page
    assert "Open the" in page
    # Opening it draws the level below, each body with its own link.
    below = client.get("/bodies/council/chart/?as_of=2025-05-19").content.decode()
    assert 'data-body="ec-kz"' in below
    assert 'data-fragment="/bodies/ec-kz/chart/?as_of=2025-05-19"' in below


def test_a_small_organization_is_drawn_whole_without_open_links(demo, client):
    page = client.get("/?as_of=2025-05-19").content.decode()

    assert "node__open" not in page
    assert 'data-body="rc-pt"' in page


def test_the_fragment_below_a_body_draws_its_children(demo, client):
    import re

    response = client.get("/bodies/ec-kz/chart/?as_of=2025-05-19")

    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<ul class="tree__children" data-below="ec-kz">')
    assert "<html" not in fragment
    part = client.get("/?as_of=2025-05-19&body=ec-kz").content.decode()
    drawn = re.findall(r'data-body="([^"]+)"', fragment)
    assert drawn and drawn == re.findall(r'data-body="([^"]+)"', part)[1:]


def test_the_fragment_below_an_internal_body_is_not_found_for_a_visitor(demo, client):
    from chapterhouse.registry.models import Body

    Body.objects.filter(slug="ec-kz").update(internal=True)
    assert client.get("/bodies/council/chart/?as_of=2025-05-19").status_code == 200
    hidden = client.get("/bodies/ec-kz/chart/?as_of=2025-05-19")
    unknown = client.get("/bodies/no-such-body/chart/?as_of=2025-05-19")

    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content.decode().replace("ec-kz", "no-such-body") == unknown.content.decode()


def test_the_fragment_below_a_body_not_alive_that_day_is_not_found(demo, client):
    assert client.get("/bodies/dept-4/chart/?as_of=2025-06-01").status_code == 404


def test_a_large_chart_runs_as_many_queries_as_a_small_one(
    demo, client, django_assert_num_queries, monkeypatch, grow
):
    from chapterhouse.web import views

    monkeypatch.setattr(views, "CHART_PAGE_BODIES", 1)
    with django_assert_num_queries(11):
        client.get("/?as_of=2025-05-19")
    grow.bodies(25)
    with django_assert_num_queries(11):
        client.get("/?as_of=2025-05-19")

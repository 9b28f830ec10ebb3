"""Every thing by its name on the registry's pages: mandates by their names in the reader's
language, the bodies they came from and went to by the names they bore, linked; and a post
held by someone the reader may not see is still a held post, under a placeholder."""

from __future__ import annotations

import html
import re

import pytest

from chapterhouse.core.text import text_in
from chapterhouse.registry.mandates import mandate_names
from chapterhouse.registry.models import Body
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def name_of(slug: str, lang: str = "en") -> str:
    return text_in(Body.objects.get(slug=slug).name, lang)


def mandate_in(slug: str, lang: str) -> str:
    return text_in(mandate_names([slug])[slug], lang)


def body_link(slug: str, lang: str = "en") -> str:
    return f'<a href="/bodies/{slug}/">{html.escape(name_of(slug, lang))}</a>'


def page_of(client: object, url: str, lang: str = "en") -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def section(page: str, heading: str) -> str:
    """Return the part of ``page`` from the ``<h2>`` titled ``heading`` to the next one."""
    start = page.index(f"<h2>{heading}</h2>")
    end = page.find("<h2>", start + 1)
    return page[start : end if end != -1 else None]


# --- mandates and the bodies on either side of a hand-over ---------------------------


def test_a_body_page_names_its_mandate_in_russian_and_the_body_it_came_from(demo, client):
    page = page_of(client, "/bodies/ec-ar/?as_of=2025-06-01", "ru")

    mandates = section(page, "Полномочия")
    assert mandate_in("event-logistics", "ru") in mandates
    assert "<code>event-logistics</code>" not in page
    # "Received from" names the 4th Logistics Department as it was called, linked.
    assert body_link("dept-4", "ru") in html.unescape(mandates)


def test_the_dissolved_body_names_every_committee_it_handed_its_mandate_to(demo, client):
    page = page_of(client, "/bodies/dept-4/?as_of=2025-05-01")

    mandates = section(page, "Mandates")
    assert mandate_in("event-logistics", "en") in mandates
    for committee in ("ec-ar", "ec-jp", "ec-kz", "ec-nordic"):
        assert body_link(committee) in mandates
    timeline = section(page, "Timeline")
    assert "Mandate handed over: " + mandate_in("event-logistics", "en") in re.sub(
        r"\s+", " ", timeline
    )
    assert body_link("ec-nordic") in timeline


def test_the_org_chart_names_mandates_with_the_role_that_holds_them(demo, client):
    page = page_of(client, "/?as_of=2025-06-01", "ru")

    node = page[page.index('data-body="ec-kz"') :]
    node = node[: node.index("</article>")]
    assert f"{mandate_in('event-logistics', 'ru')} · Руководитель" in node
    assert ">event-logistics<" not in page


def test_the_decision_page_names_the_mandate_and_both_sides_of_the_hand_over(demo, client):
    page = page_of(client, "/decisions/gc5-d1-dissolve/")

    moved = section(page, "What it changed")
    line = next(
        item
        for item in re.findall(r"<li data-mandate=.*?</li>", moved, re.S)
        if "/bodies/ec-ar/" in item
    )
    assert mandate_in("event-logistics", "en") + ": " + body_link("dept-4") in line
    assert "→ " + body_link("ec-ar") in line
    assert "(Head)" in line


# --- small glitches ----------------------------------------------------------------------


def test_a_body_whose_name_says_its_kind_gets_no_badge_repeating_it(demo, client, grow):
    grow.bodies(1)  # "Extra Committee 0", an executive committee
    decision = page_of(client, "/decisions/gc5-d1-dissolve/")
    chart = page_of(client, "/?as_of=2025-05-01")

    assert '4th Logistics Department</a> <span class="badge">Department' not in decision
    assert "Department Department" not in re.sub(r"<[^>]+>|\s+", " ", decision).replace("  ", " ")
    council = chart[chart.index('data-body="council"') :]
    council = council[: council.index("</header>")]
    assert 'class="badge"' not in council
    # A body whose name does not say its kind keeps the badge.
    extra = chart[chart.index('data-body="ec-extra-0"') :]
    assert '<span class="badge">Executive committee</span>' in extra[: extra.index("</header>")]


def test_a_decision_without_votes_or_proposer_shows_no_empty_box(demo, client):
    without = page_of(client, "/decisions/gc5-d1-task/")
    with_votes = page_of(client, "/decisions/gc5-d1-elect/")

    assert 'class="facts' not in without
    assert 'class="facts' in with_votes and "For: 14" in with_votes


# --- a post held by someone the reader may not see ------------------------------------------


def test_an_anonymous_visitor_sees_the_hidden_directors_post_under_a_placeholder(demo, client):
    page = page_of(client, "/bodies/dept-4/?as_of=2025-05-01")

    holders = section(page, "Current holders")
    assert "No posts are held" not in holders
    assert 'data-role="director"' in holders
    assert f"a member of {name_of('ec-kz')}" in holders
    assert "Olga" not in page and "olga-smirnova" not in page


def test_the_org_chart_lists_the_hidden_directors_post(demo, client):
    page = page_of(client, "/?as_of=2025-05-01")

    node = page[page.index('data-body="dept-4"') :]
    node = node[: node.index("</article>")]
    assert "No posts are held" not in node
    assert 'data-role="director"' in node
    assert f"a member of {name_of('ec-kz')}" in node
    assert "Olga" not in page and "olga-smirnova" not in page


def test_the_api_lists_the_hidden_directors_post_without_her_id(demo, client):
    chart = client.get("/api/v1/orgchart", {"as_of": "2025-05-01"}).json()
    body = client.get("/api/v1/bodies/dept-4", {"as_of": "2025-05-01"}).json()

    dept = next(item for item in chart["bodies"] if item["id"] == "dept-4")
    for holders in (dept["holders"], body["holders"]):
        assert [(h["role"], h["person"]) for h in holders] == [("director", None)]
        assert holders[0]["name"] == f"a member of {name_of('ec-kz')}"


def test_the_head_of_her_committee_sees_olga_by_name_and_linked(demo, personas, client):
    sign_in(client, personas["bob"])

    page = page_of(client, "/bodies/dept-4/?as_of=2025-05-01")
    chart = page_of(client, "/?as_of=2025-05-01")

    assert '<a href="/people/olga-smirnova/">Olga Smirnova</a>' in section(page, "Current holders")
    assert '<a href="/people/olga-smirnova/">Olga Smirnova</a>' in chart


def test_a_decision_not_adopted_names_the_bodies_its_effects_would_touch(demo, client):
    nominate = page_of(client, "/decisions/gc5-d3-nominate/")
    rejected = page_of(client, "/decisions/gc5-d3-rejected/")

    would = section(nominate, "What it changed")
    assert "Member, " + body_link("council") in re.sub(r"\s+", " ", would)
    assert body_link("press-bureau") + " →" in section(rejected, "What it changed")


def test_the_council_page_does_not_announce_its_kind_above_its_own_name(demo, client, grow):
    grow.bodies(1)  # "Extra Committee 0", an executive committee

    council = page_of(client, "/bodies/council/")
    extra = page_of(client, "/bodies/ec-extra-0/")

    assert "<h1>" + name_of("council") + "</h1>" in council
    assert '<p class="eyebrow">' not in council
    assert '<p class="eyebrow">Executive committee</p>' in extra

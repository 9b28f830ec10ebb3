"""The registry as of a date, what changed, and a person's history, on the demo organization."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from chapterhouse.custody.access import ADMIN, ANONYMOUS
from chapterhouse.meetings.models import Decision
from chapterhouse.registry import selectors
from chapterhouse.registry.models import Body, Competence, Person, Term
from chapterhouse.registry.selectors import (
    UnknownBody,
    body_name_as_of,
    body_name_as_of_expression,
    body_names_as_of,
    body_overview,
    diff_between,
    orgchart_as_of,
    orgchart_stream,
    person_history,
)
from chapterhouse.registry.services import body_create, term_start

D = dt.date
ELECTION_DAY = D(2025, 5, 18)  # the first day of the 5th General Conference

pytestmark = pytest.mark.django_db


def chart_bodies(as_of: dt.date, root: str | None = None) -> dict[str, dict[str, Any]]:
    return {body.id: body for body in orgchart_as_of(viewer=ADMIN, as_of=as_of, root=root).bodies}


def heads(body: dict[str, Any]) -> list[str]:
    return [holder.name for holder in body.holders if holder.role == "head"]


# --- the org chart -------------------------------------------------------------


def test_after_the_election_park_min_jun_heads_the_japanese_committee(demo):
    ec_jp = chart_bodies(D(2025, 5, 19))["ec-jp"]

    assert heads(ec_jp) == ["Park Min-jun"]
    head = ec_jp.holders[0]
    assert head.model_dump() == {
        "person": "park-minjun",
        "name": "Park Min-jun",
        "role": "head",
        "title": None,
        "start": "2025-05-18",
        "how": "elected",
        "decision": "gc5-d1-elect",
    }


def test_before_the_conference_kenji_sato_heads_the_japanese_committee(demo):
    ec_jp = chart_bodies(D(2025, 5, 1))["ec-jp"]

    assert heads(ec_jp) == ["Kenji Sato"]
    assert ec_jp.holders[0].decision is None  # a standing fact, not a decision


def test_on_election_day_only_the_new_head_is_listed(demo):
    # The election takes effect on its day: Kenji Sato's last day as head is the day before.
    assert heads(chart_bodies(ELECTION_DAY - dt.timedelta(days=1))["ec-jp"]) == ["Kenji Sato"]
    assert heads(chart_bodies(ELECTION_DAY)["ec-jp"]) == ["Park Min-jun"]


def test_kenji_satos_term_shows_as_ended_in_his_history(demo):
    history = person_history(viewer=ADMIN, person="kenji-sato")

    [term] = history.terms
    assert (term.body, term.role, term.end) == ("ec-jp", "head", "2025-05-17")
    assert "Kenji Sato" not in heads(chart_bodies(ELECTION_DAY)["ec-jp"])


def test_the_logistics_department_is_gone_on_the_day_of_its_dissolution(demo):
    assert "dept-4" in chart_bodies(D(2025, 5, 17))
    assert "dept-4" not in chart_bodies(ELECTION_DAY)


def test_on_the_day_of_the_dissolution_only_the_new_holders_hold_the_mandate(demo):
    chart = chart_bodies(ELECTION_DAY)

    holders = sorted(
        body_id
        for body_id, body in chart.items()
        if any(m.mandate == "event-logistics" for m in body.mandates)
    )
    assert holders == ["ec-ar", "ec-jp", "ec-kz", "ec-nordic"]
    day_before = chart_bodies(D(2025, 5, 17))
    assert [
        body_id
        for body_id, body in day_before.items()
        if any(m.mandate == "event-logistics" for m in body.mandates)
    ] == ["dept-4"]


def test_the_event_logistics_mandate_moves_to_every_executive_committee_head(demo):
    after = chart_bodies(D(2025, 5, 19))

    holders_of_logistics = {
        body_id: body.mandates
        for body_id, body in after.items()
        if any(m.mandate == "event-logistics" for m in body.mandates)
    }
    assert sorted(holders_of_logistics) == ["ec-ar", "ec-jp", "ec-kz", "ec-nordic"]
    for mandates in holders_of_logistics.values():
        assert [mandate.model_dump(by_alias=True) for mandate in mandates] == [
            {
                "mandate": "event-logistics",
                "name": Competence.objects.get(slug="event-logistics").name,
                "holder_role": "head",
                "from": "dept-4",
            }
        ]
    # The regional committee is not an executive committee and gets nothing.
    assert after["rc-pt"].mandates == []


def test_the_press_bureau_bears_its_new_name_from_the_rename_decision_on(demo):
    rename_day = Decision.objects.get(slug="gc5-rename").date
    bureau = Body.objects.get(slug="press-bureau")

    assert body_name_as_of(body=bureau, as_of=rename_day - dt.timedelta(days=1))["en"] == (
        "Press Bureau"
    )
    assert body_name_as_of(body=bureau, as_of=rename_day)["en"] == "Information Bureau"
    before = chart_bodies(rename_day - dt.timedelta(days=1))["press-bureau"]
    after = chart_bodies(rename_day)["press-bureau"]
    assert before.name == {
        "en": "Press Bureau",
        "ru": "Пресс-бюро",
        "de": "Pressebüro",
        "zh": "新闻局",
        "ko": "보도국",
    }
    assert after.name == {
        "en": "Information Bureau",
        "ru": "Информационное бюро",
        "de": "Informationsbüro",
        "zh": "信息局",
        "ko": "정보국",
    }


def test_the_rename_decision_of_the_conference_is_dated_its_last_day(demo):
    # The conference runs 2025-05-18 to 2025-05-24 (both days included), and a
    # decision of the conference as a whole takes its last day.
    assert Decision.objects.get(slug="gc5-rename").date == D(2025, 5, 24)


def test_the_org_chart_lists_parents_before_children_in_rank_order(demo):
    bodies = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1)).bodies

    order = [body.id for body in bodies]
    assert order[0] == "council"
    for body in bodies:
        if body.parent is not None:
            assert order.index(body.parent) < order.index(body.id)
    # Departments (by number) come before executive committees, those before
    # the regional committee; the press bureau sits right under its department.
    top = [body.id for body in bodies if body.depth == 1]
    assert top == [
        "dept-1",
        "dept-2",
        "dept-3",
        "ec-ar",
        "ec-jp",
        "ec-kz",
        "ec-nordic",
        "rc-pt",
    ]
    assert order[order.index("dept-3") + 1] == "press-bureau"
    assert next(body for body in bodies if body.id == "press-bureau").depth == 2


def test_holders_come_in_role_rank_order(demo):
    council = chart_bodies(D(2025, 6, 1))["council"]

    roles = [holder.role for holder in council.holders]
    assert roles == ["chair", "deputy_chair", "member", "candidate_member", "representative"]


def test_a_partial_start_date_is_shown_as_it_was_written(demo):
    council = chart_bodies(D(2025, 6, 1))["council"]

    hans = next(holder for holder in council.holders if holder.person == "hans-weber")
    assert hans.start == "2018"
    rc_pt = chart_bodies(D(2025, 6, 1))["rc-pt"]
    assert [holder.start for holder in rc_pt.holders] == ["2021", "2023-02"]


def test_a_subtree_chart_starts_at_its_root(demo):
    chart = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 5, 21), root="ec-kz")

    assert [(body.id, body.depth) for body in chart.bodies] == [
        ("ec-kz", 0),
        ("soc-steppe", 1),
        ("cell-almaty-cons", 1),
        ("cell-almaty-uni", 1),
    ]
    assert chart.bodies[0].parent == "council"


def test_a_body_founded_at_the_conference_is_absent_before(demo):
    assert "cell-almaty-cons" not in chart_bodies(D(2025, 5, 19), root="ec-kz")


def test_a_chart_below_a_body_that_no_longer_exists_is_empty(demo):
    assert orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), root="dept-4").bodies == []


def test_a_chart_below_an_unknown_body_is_refused_with_its_id(demo):
    with pytest.raises(UnknownBody, match="no body with id no-such-body"):
        orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), root="no-such-body")
    # Code that handles a missing body in general handles this one too.
    with pytest.raises(Body.DoesNotExist):
        orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), root="no-such-body")


def test_a_chart_of_the_year_before_the_league_was_founded_is_empty(demo):
    assert orgchart_as_of(viewer=ADMIN, as_of=D(1990, 1, 1)).bodies == []


def test_the_streamed_chart_gives_the_same_bodies_batch_by_batch(demo, monkeypatch):
    for root in (None, "council", "ec-kz"):
        expected = orgchart_as_of(viewer=ANONYMOUS, as_of=D(2025, 6, 1), root=root).bodies
        monkeypatch.setattr(selectors, "_STREAM_BATCH", 2)
        streamed = orgchart_stream(viewer=ANONYMOUS, as_of=D(2025, 6, 1), root=root)
        assert list(streamed) == expected
        monkeypatch.undo()


def test_the_streamed_chart_refuses_an_unknown_body_before_it_starts(demo):
    with pytest.raises(UnknownBody):
        orgchart_stream(viewer=ADMIN, as_of=D(2025, 6, 1), root="no-such-body")
    assert list(orgchart_stream(viewer=ADMIN, as_of=D(1990, 1, 1))) == []


def test_a_chart_cut_at_a_depth_keeps_the_top_levels_and_counts_what_it_left_out(demo):
    whole = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1))
    top = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), depth=1)

    kept = [body for body in whole.bodies if body.depth <= 1]
    assert [body.id for body in top.bodies] == [body.id for body in kept]
    assert [body.holders for body in top.bodies] == [body.holders for body in kept]
    below = {body.id: 0 for body in kept}
    for body in whole.bodies:
        if body.depth == 2:
            below[body.parent] += 1
    assert {body.id: body.children_left_out for body in top.bodies} == {
        body.id: below[body.id] if body.depth == 1 else 0 for body in kept
    }
    assert any(body.children_left_out for body in top.bodies)
    # The whole chart says nothing of it: its JSON is what it always was.
    assert "children_left_out" not in whole.model_dump_json()


def test_a_subtree_cut_at_depth_zero_is_the_body_alone(demo):
    chart = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), root="ec-kz", depth=0)
    assert [(body.id, body.depth) for body in chart.bodies] == [("ec-kz", 0)]
    assert chart.bodies[0].children_left_out > 0
    assert chart.bodies[0].holders


def test_a_chart_within_a_number_of_bodies_keeps_whole_levels(demo):
    whole = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1))
    assert orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), max_bodies=1000) == whole
    levels = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), max_bodies=len(whole.bodies) - 1)
    deepest = max(body.depth for body in levels.bodies)
    assert deepest < max(body.depth for body in whole.bodies)
    assert [body.id for body in levels.bodies] == [
        body.id for body in whole.bodies if body.depth <= deepest
    ]
    # The top level is drawn even when it alone is larger than asked.
    assert {
        body.depth
        for body in orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), max_bodies=0).bodies
    } == {0}


# --- query counts ----------------------------------------------------------------


def _grow(under: Body, count: int) -> None:
    """Add ``count`` committees under ``under``, each with a head and a renamed name."""
    for index in range(count):
        body = body_create(
            slug=f"{under.slug}-sub-{index}",
            kind="primary_cell",
            name={"en": f"Cell {index}"},
            parent=under,
            founded=D(2020, 1, 1),
            mandates=["recruiting"],
        )
        person = Person.objects.create(slug=f"{under.slug}-p-{index}", name=f"Person {index}")
        term_start(person=person, body=body, role="head", start=D(2021, 1, 1))
        term_start(person=person, body=body, role="member", start=D(2020, 1, 1))


def test_a_subtree_chart_runs_the_same_number_of_queries_as_it_grows(
    demo, django_assert_num_queries
):
    ec_kz = Body.objects.get(slug="ec-kz")
    # 9: one reads the holders' names in the reader's language (decision 0028), one names
    # the mandates drawn, all at once (mandate_names).
    with django_assert_num_queries(9):
        small = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), root="ec-kz")

    _grow(ec_kz, 40)

    with django_assert_num_queries(9):
        large = orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), root="ec-kz")
    assert len(large.bodies) == len(small.bodies) + 40
    grown = [body for body in large.bodies if "-sub-" in body.id]
    assert len(grown) == 40
    assert all(body.holders and body.mandates for body in grown)


def test_the_whole_chart_runs_the_same_number_of_queries_as_it_grows(
    demo, django_assert_num_queries
):
    # 8: one reads the holders' names in the reader's language (decision 0028), one names
    # the mandates drawn, all at once (mandate_names).
    with django_assert_num_queries(8):
        orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1))

    _grow(Body.objects.get(slug="ec-jp"), 30)

    with django_assert_num_queries(8):
        orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1))


def test_a_chart_cut_at_a_depth_runs_as_many_queries_as_the_whole(demo, django_assert_num_queries):
    with django_assert_num_queries(8):
        orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), depth=1)
    with django_assert_num_queries(9):
        orgchart_as_of(viewer=ADMIN, as_of=D(2025, 6, 1), root="ec-kz", depth=0)


def test_diff_history_and_overview_run_a_fixed_number_of_queries(demo, django_assert_num_queries):
    _grow(Body.objects.get(slug="ec-jp"), 10)

    # Each names people: one query each for their names in the reader's language (0028); the
    # diff and the overview name mandates in one more (mandate_names).
    with django_assert_num_queries(8):
        diff_between(viewer=ADMIN, start=D(2020, 1, 1), end=D(2025, 12, 31))
    with django_assert_num_queries(6):
        person_history(viewer=ADMIN, person="aigerim-bekova")
    # 11: one names every mandate the body held or handed over (mandate_names), one reads
    # the names in the reader's language (0028).
    with django_assert_num_queries(11):
        body_overview(viewer=ADMIN, body="ec-jp", as_of=D(2025, 6, 1))


# --- names of many bodies ----------------------------------------------------


def test_names_of_many_bodies_come_from_one_query(demo, django_assert_num_queries):
    bodies = list(Body.objects.filter(slug__in=["press-bureau", "dept-3", "council"]))

    with django_assert_num_queries(1):
        names = body_names_as_of(bodies=bodies, as_of=D(2025, 6, 1))

    by_slug = {body.slug: names[body.pk]["en"] for body in bodies}
    assert by_slug == {
        "press-bureau": "Information Bureau",
        "dept-3": "3rd Media Department",
        "council": "Coordination Council",
    }


def test_terms_can_carry_their_bodys_name_as_of_a_date(demo):
    rows = (
        Term.objects.filter(person__slug="park-minjun")
        .annotate(body_name=body_name_as_of_expression(as_of=D(2025, 6, 1), outer="body_id"))
        .order_by("start", "pk")
        .values_list("body__slug", "body_name")
    )

    assert [(slug, name["en"]) for slug, name in rows] == [
        ("ec-jp", "Japanese Executive Committee"),
        ("ec-jp", "Japanese Executive Committee"),
        ("council", "Coordination Council"),
    ]


# --- the diff ------------------------------------------------------------------


def test_the_conference_diff_shows_who_came_and_went(demo):
    diff = diff_between(viewer=ADMIN, start=D(2025, 5, 18), end=D(2025, 5, 24))

    started = {(t.person, t.body, t.role) for t in diff.started}
    assert started == {
        ("park-minjun", "ec-jp", "head"),
        ("park-minjun", "council", "member"),
        ("timur-akhmetov", "council", "candidate_member"),
        ("lars-eriksson", "council", "representative"),
    }
    ended = {(t.person, t.body, t.reason, t.ended_by) for t in diff.ended}
    assert ("olga-smirnova", "dept-4", "body dissolved", "gc5-d1-dissolve") in ended
    assert ("zhang-wei", "dept-2", "resigned", "gc5-resign") in ended
    assert diff.founded == ["cell-almaty-cons"]
    assert diff.dissolved == ["dept-4"]
    assert diff.renamed[0].body == "press-bureau"
    assert diff.renamed[0].decision == "gc5-rename"
    assert {(m.mandate, m.from_, m.to, m.holder_role) for m in diff.mandates_moved} == {
        ("event-logistics", "dept-4", ec, "head") for ec in ("ec-ar", "ec-jp", "ec-kz", "ec-nordic")
    }
    assert {m.decision for m in diff.mandates_moved} == {"gc5-d1-dissolve"}


def test_the_representatives_term_length_shows_as_its_end(demo):
    diff = diff_between(viewer=ADMIN, start=D(2025, 5, 24), end=D(2025, 5, 24))

    [rep] = [term for term in diff.started if term.role == "representative"]
    # One year from 24 May 2025: the last day held is 23 May 2026.
    assert rep.end == "2026-05-23"
    assert rep.title["en"] == "Permanent Representative in the Nordic Countries"
    assert rep.title["ko"] == "북유럽 상임대표"


def test_a_quiet_month_has_an_empty_diff(demo):
    diff = diff_between(viewer=ADMIN, start=D(2024, 7, 1), end=D(2024, 7, 31))

    assert diff.model_dump(by_alias=True) == {
        "from": "2024-07-01",
        "to": "2024-07-31",
        "started": [],
        "ended": [],
        "founded": [],
        "dissolved": [],
        "bodies_founded": [],
        "bodies_dissolved": [],
        "renamed": [],
        "mandates_moved": [],
        # The complete list's counts are its lengths; it has no next page.
        "counts": dict.fromkeys(
            ("started", "ended", "bodies_founded", "bodies_dissolved", "renamed", "mandates_moved"),
            0,
        ),
        "next": None,
    }


def test_the_dissolution_shows_on_the_departments_last_day(demo):
    assert diff_between(viewer=ADMIN, start=D(2025, 5, 18), end=D(2025, 5, 18)).dissolved == [
        "dept-4"
    ]
    assert diff_between(viewer=ADMIN, start=D(2025, 5, 19), end=D(2025, 5, 19)).dissolved == []


# --- a person's history ----------------------------------------------------------


def test_a_persons_history_lists_every_post_in_time_order(demo):
    history = person_history(viewer=ADMIN, person="aigerim-bekova")

    assert history.name == "Aigerim Bekova"
    assert [(t.start, t.body, t.role) for t in history.terms] == [
        ("2017", "soc-steppe", "chair"),
        ("2019-09-01", "ec-kz", "head"),
    ]
    assert history.terms[0].body_name["en"] == "Steppe Society for Cultural Exchange"


def test_a_persons_history_includes_outside_posts_and_honours(demo):
    lucia = person_history(viewer=ADMIN, person="lucia-fernandez")
    ana = person_history(viewer=ADMIN, person="lark")

    assert [affiliation.model_dump() for affiliation in lucia.affiliations] == [
        {
            "partner": "andes-foundation",
            "partner_name": {
                "en": "Andes Cultural Foundation",
                "ru": "Андский культурный фонд",
                "de": "Anden-Kulturstiftung",
                "zh": "安第斯文化基金会",
                "ko": "안데스 문화재단",
            },
            "title": {
                "en": "Member of the Board",
                "ru": "Член правления",
                "de": "Vorstandsmitglied",
                "zh": "理事会成员",
                "ko": "이사",
            },
            "start": "2019",
            "end": None,
            "private": False,
        }
    ]
    [award] = ana.awards
    assert (award.honour, award.decision, award.citation) == (
        "friendship-badge",
        "gc5-d4-award",
        "gc5-d4-letter",
    )
    assert award.date == "2025-05-24"


def test_an_unknown_person_has_no_history(demo):
    with pytest.raises(Person.DoesNotExist):
        person_history(viewer=ADMIN, person="nobody")


# --- a body's page -------------------------------------------------------------


def test_the_overview_of_a_dissolved_department_tells_its_story(demo):
    overview = body_overview(viewer=ADMIN, body="dept-4", as_of=D(2025, 6, 1))

    assert overview.exists is False
    assert overview.dissolved == "2025-05-17"  # its last day, as a Chronicle writes it
    assert overview.dissolved_by == "gc5-d1-dissolve"
    assert overview.holders == []
    assert [t.person for t in overview.past_holders] == ["olga-smirnova"]
    [mandate] = overview.mandates
    assert mandate.to == ["ec-ar", "ec-jp", "ec-kz", "ec-nordic"]
    assert mandate.ended_by == "gc5-d1-dissolve"
    events = [(event.day, event.event) for event in overview.timeline]
    assert events == [
        ("2012-03-01", "founded"),
        ("2021-05-01", "term_started"),
        # Its last day, then the day the decision took effect: the mandate has new holders.
        ("2025-05-17", "term_ended"),
        ("2025-05-17", "dissolved"),
        ("2025-05-18", "mandate_handed_over"),
    ]
    assert overview.timeline[0].date == "2012-03"
    assert {e.decision for e in overview.timeline[2:]} == {"gc5-d1-dissolve"}


def test_the_overview_of_a_committee_shows_who_holds_its_posts_now_and_before(demo):
    overview = body_overview(viewer=ADMIN, body="ec-jp", as_of=D(2025, 6, 1))

    assert overview.name["en"] == "Japanese Executive Committee"
    assert overview.parent.id == "council"
    assert [(h.name, h.role) for h in overview.holders] == [
        ("Park Min-jun", "head"),
        ("Park Min-jun", "member"),
    ]
    assert [t.name for t in overview.past_holders] == ["Kenji Sato"]
    received = [e for e in overview.timeline if e.event == "mandate_received"]
    assert [(e.mandate, e.from_, e.decision) for e in received] == [
        ("event-logistics", "dept-4", "gc5-d1-dissolve")
    ]


def test_the_overview_of_the_renamed_bureau_keeps_its_old_name(demo):
    overview = body_overview(viewer=ADMIN, body="press-bureau", as_of=D(2025, 6, 1))
    earlier = body_overview(viewer=ADMIN, body="press-bureau", as_of=D(2025, 1, 1))

    assert overview.name["en"] == "Information Bureau"
    assert overview.founding_name["en"] == "Press Bureau"
    assert [(n.name["en"], n.decision) for n in overview.names] == [
        ("Information Bureau", "gc5-rename")
    ]
    assert earlier.name["en"] == "Press Bureau"
    assert any(e.event == "renamed" for e in overview.timeline)


def test_the_overview_lists_only_the_children_alive_on_the_date(demo):
    before = body_overview(viewer=ADMIN, body="ec-kz", as_of=D(2025, 5, 1))
    after = body_overview(viewer=ADMIN, body="ec-kz", as_of=D(2025, 6, 1))

    assert [c.id for c in before.children] == ["soc-steppe", "cell-almaty-uni"]
    # Societies rank before primary cells; cells of one kind go by name.
    assert [c.id for c in after.children] == [
        "soc-steppe",
        "cell-almaty-cons",
        "cell-almaty-uni",
    ]


def test_an_unknown_body_has_no_overview(demo):
    with pytest.raises(Body.DoesNotExist):
        body_overview(viewer=ADMIN, body="nothing", as_of=D(2025, 6, 1))

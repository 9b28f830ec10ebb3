"""The registry endpoints on the demo organization: organization, bodies, people, org chart,
diff."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("demo")


def test_it_describes_the_organization(get_json):
    organization = get_json("/api/v1/organization")

    assert organization["name"]["en"] == "International Friendship League"
    assert organization["languages"] == ["ko", "en", "ru", "zh", "de"]
    assert organization["default_language"] == "en"
    assert organization["founded"] == "1998-05-20"


def test_it_lists_the_bodies_that_exist_on_a_day(get_json):
    before = get_json("/api/v1/bodies?as_of=2025-05-17&limit=100")
    after = get_json("/api/v1/bodies?as_of=2025-05-21&limit=100")

    ids_before = {b["id"] for b in before["items"]}
    ids_after = {b["id"] for b in after["items"]}
    assert "dept-4" in ids_before and "dept-4" not in ids_after
    assert "cell-almaty-cons" not in ids_before and "cell-almaty-cons" in ids_after
    assert after["count"] == len(after["items"])


def test_it_filters_bodies_by_kind(get_json):
    bodies = get_json("/api/v1/bodies?as_of=2025-05-19&kind=executive_committee")

    assert [b["id"] for b in bodies["items"]] == ["ec-ar", "ec-jp", "ec-kz", "ec-nordic"]
    assert bodies["items"][1]["countries"] == ["JP"]
    assert bodies["items"][1]["parent"] == "council"


def test_it_names_bodies_as_they_were_called_on_the_day(get_json):
    before = get_json("/api/v1/bodies?as_of=2025-05-01&kind=bureau")
    after = get_json("/api/v1/bodies?as_of=2025-06-01&kind=bureau")

    assert before["items"][0]["name"]["en"] == "Press Bureau"
    assert after["items"][0]["name"]["en"] == "Information Bureau"


def test_it_pages_through_the_bodies(get_json):
    first = get_json("/api/v1/bodies?as_of=2025-05-19&limit=5&offset=0")
    second = get_json("/api/v1/bodies?as_of=2025-05-19&limit=5&offset=5")

    assert len(first["items"]) == 5
    assert first["count"] == second["count"]
    assert not {b["id"] for b in first["items"]} & {b["id"] for b in second["items"]}


def test_it_shows_the_head_of_a_committee_on_its_page(get_json):
    body = get_json("/api/v1/bodies/ec-jp?as_of=2025-05-19")

    assert body["id"] == "ec-jp"
    assert body["exists"] is True
    assert body["parent"]["id"] == "council"
    heads = [h["person"] for h in body["holders"] if h["role"] == "head"]
    assert heads == ["park-minjun"]
    assert "kenji-sato" in {t["person"] for t in body["past_holders"]}
    events = {event["event"] for event in body["timeline"]}
    assert {"term_started", "term_ended", "mandate_received"} <= events


def test_it_shows_a_body_page_with_its_renames(get_json):
    body = get_json("/api/v1/bodies/press-bureau?as_of=2025-06-01")

    assert body["name"]["en"] == "Information Bureau"
    assert body["founding_name"]["en"] == "Press Bureau"
    assert [n["decision"] for n in body["names"]] == ["gc5-rename"]


def test_it_lists_people(admin_json):
    # An administrator sees everyone, the two people who are not public included.
    people = admin_json("/api/v1/people?limit=3")

    assert people["count"] == 14
    assert [p["id"] for p in people["items"]] == ["aigerim-bekova", "erik-lind", "guest-minister"]


def test_it_finds_people_by_any_variant_of_their_name(get_json):
    by_native = get_json("/api/v1/people?q=박민준")
    by_transliteration = get_json("/api/v1/people?q=iryna")

    assert [p["id"] for p in by_native["items"]] == ["park-minjun"]
    assert [p["id"] for p in by_transliteration["items"]] == ["irina-volkova"]


def test_it_keeps_personal_data_in_one_place_on_a_person(admin_json):
    person = admin_json("/api/v1/people/lucia-fernandez")

    assert person["name"] == "Lucía Fernández"
    assert person["custodian"]["id"] == "ec-ar"
    assert {"born", "contact", "notes", "affiliations"} == set(person["personal"])
    assert "born" not in person and "affiliations" not in person
    assert person["personal"]["affiliations"][0]["partner"] == "andes-foundation"
    assert person["personal"]["affiliations"][0]["start"] == "2019"


def test_it_gives_a_person_birth_date_with_its_precision(admin_json):
    person = admin_json("/api/v1/people/irina-volkova")

    assert person["personal"]["born"] == "1961-08-29"
    assert person["patronymic"] == "Sergeyevna"
    assert person["names"][0] == {"name": "Ирина Волкова", "lang": "ru", "kind": "native"}


def test_it_shows_a_person_history_in_time_order(get_json):
    history = get_json("/api/v1/people/park-minjun/history")

    assert history["person"] == "park-minjun"
    posts = [(t["body"], t["role"], t["start"]) for t in history["terms"]]
    assert posts == [
        ("ec-jp", "member", "2021-04-01"),
        ("ec-jp", "head", "2025-05-18"),
        ("council", "member", "2025-05-18"),
    ]
    assert history["terms"][1]["decision"] == "gc5-d1-elect"


def test_it_shows_the_awards_in_a_person_history(admin_json):
    history = admin_json("/api/v1/people/lark/history")

    assert [(a["honour"], a["decision"]) for a in history["awards"]] == [
        ("friendship-badge", "gc5-d4-award")
    ]


def test_it_lists_park_minjun_as_head_of_the_japanese_committee_after_the_election(get_json):
    chart = get_json("/api/v1/orgchart?as_of=2025-05-19&body=ec-jp")

    assert chart["as_of"] == "2025-05-19"
    assert chart["bodies"][0]["id"] == "ec-jp"
    holders = {(h["person"], h["role"]) for h in chart["bodies"][0]["holders"]}
    assert ("park-minjun", "head") in holders
    assert ("kenji-sato", "head") not in holders


def test_it_gives_the_top_levels_and_then_a_subtree_on_request(get_json):
    whole = get_json("/api/v1/orgchart?as_of=2025-05-19")
    top = get_json("/api/v1/orgchart?as_of=2025-05-19&depth=1")

    assert [b["id"] for b in top["bodies"]] == [b["id"] for b in whole["bodies"] if b["depth"] <= 1]
    ec_kz = next(b for b in top["bodies"] if b["id"] == "ec-kz")
    below = get_json("/api/v1/orgchart?as_of=2025-05-19&body=ec-kz")
    assert ec_kz["children_left_out"] == sum(1 for b in below["bodies"] if b["depth"] == 1)
    assert all("children_left_out" not in b for b in whole["bodies"])
    assert all("children_left_out" not in b for b in top["bodies"] if b["depth"] == 0)


def test_it_refuses_a_negative_depth(client):
    assert client.get("/api/v1/orgchart?depth=-1").status_code in (400, 422)


@pytest.mark.parametrize(
    "query", ["as_of=2025-05-19", "as_of=2025-05-19&body=ec-kz", "as_of=1990-01-01"]
)
def test_the_streamed_chart_is_the_same_document(client, query):
    whole = client.get(f"/api/v1/orgchart?{query}")
    streamed = client.get(f"/api/v1/orgchart/stream?{query}")

    assert streamed.status_code == 200
    assert streamed.streaming
    assert streamed["Content-Type"] == "application/json"
    assert streamed.getvalue() == whole.content


def test_the_streamed_chart_of_an_unknown_body_is_a_404(client):
    response = client.get("/api/v1/orgchart/stream?body=nowhere")

    assert response.status_code == 404
    assert response.json()["detail"] == "No body with id 'nowhere'"


def test_it_shows_the_organization_as_of_today_when_no_day_is_given(get_json):
    from django.utils import timezone

    chart = get_json("/api/v1/orgchart")

    assert chart["as_of"] == timezone.localdate().isoformat()
    assert chart["bodies"][0]["id"] == "council"


def test_it_draws_the_whole_organization_parent_first(get_json):
    chart = get_json("/api/v1/orgchart?as_of=2025-05-19")

    ids = [b["id"] for b in chart["bodies"]]
    assert ids[0] == "council"
    assert chart["bodies"][0]["depth"] == 0
    assert ids.index("dept-3") < ids.index("press-bureau")
    assert "dept-4" not in ids
    ec_kz = next(b for b in chart["bodies"] if b["id"] == "ec-kz")
    logistics = next(m for m in ec_kz["mandates"] if m["mandate"] == "event-logistics")
    assert (logistics["holder_role"], logistics["from"]) == ("head", "dept-4")
    # Named beside the id, in every language the organization named it in.
    assert logistics["name"]["ru"] == "Организация мероприятий"


def test_it_lists_what_changed_during_the_conference(get_json):
    diff = get_json("/api/v1/diff?from=2025-05-18&to=2025-05-24")

    assert diff["from"] == "2025-05-18"
    assert diff["to"] == "2025-05-24"
    started = {(t["person"], t["body"], t["role"]) for t in diff["started"]}
    assert ("park-minjun", "ec-jp", "head") in started
    assert diff["founded"] == ["cell-almaty-cons"]
    assert diff["dissolved"] == ["dept-4"]
    assert {m["to"] for m in diff["mandates_moved"]} == {"ec-ar", "ec-jp", "ec-kz", "ec-nordic"}
    assert [r["body"] for r in diff["renamed"]] == ["press-bureau"]


def test_it_lists_nothing_for_a_quiet_period(get_json):
    diff = get_json("/api/v1/diff?from=2000-01-01&to=2000-12-31")

    assert diff["started"] == diff["ended"] == diff["founded"] == diff["dissolved"] == []


# -- the diff a page at a time ------------------------------------------------------------

WIDE = "/api/v1/diff?from=1990-01-01&to=2030-12-31"


def test_a_paged_diff_counts_every_kind_and_lists_the_first_changes(get_json):
    complete = get_json(WIDE)

    page = get_json(f"{WIDE}&limit=2")

    assert page["counts"] == complete["counts"]
    assert page["counts"]["started"] == len(complete["started"]) > 2
    assert page["started"] == complete["started"][:2]
    assert page["next"]["started"] is not None
    assert complete["next"] is None


def test_following_the_cursors_gives_the_complete_list(get_json):
    complete = get_json(WIDE)
    first = get_json(f"{WIDE}&limit=3")

    for kind, cursor in first["next"].items():
        items = list(first[kind])
        while cursor is not None:
            page = get_json(f"{WIDE}&limit=3&kind={kind}&cursor={cursor}")
            items += page[kind]
            cursor = page["next"][kind]
        assert items == complete[kind]


def test_a_kind_alone_gives_the_first_page_of_that_kind(get_json):
    complete = get_json(WIDE)

    page = get_json(f"{WIDE}&kind=ended&limit=2")

    assert page["ended"] == complete["ended"][:2]
    assert page["started"] == page["renamed"] == page["founded"] == []
    assert page["counts"] == complete["counts"]


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("cursor=nonsense", "cursor"),
        ("limit=2&cursor=eyJ4Ijox", "cursor"),
        ("kind=ended&cursor=WyJzdGFydGVkIiwiMjAyNS0wNS0xOCIsMV0", "cursor"),
        ("kind=promoted&cursor=WyJzdGFydGVkIiwiMjAyNS0wNS0xOCIsMV0", "kind"),
        ("kind=promoted", "kind"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
    ],
)
def test_a_bad_page_request_is_a_400_naming_the_parameter(client, query, word):
    response = client.get(f"{WIDE}&{query}")

    assert response.status_code == 400, response.content
    assert word in str(response.json()["detail"])

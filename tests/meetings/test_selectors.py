"""The meetings and relations selectors, on the demo organization."""

from __future__ import annotations

import datetime as dt

import pytest

from chapterhouse.custody.access import ADMIN
from chapterhouse.meetings import selectors as meetings
from chapterhouse.meetings.models import Conference, Decision, Session
from chapterhouse.meetings.services import decision_annul
from chapterhouse.registry.models import Body, Person
from chapterhouse.relations import selectors as relations
from chapterhouse.relations.models import Agreement, Honour, Partner, Task

pytestmark = pytest.mark.usefixtures("demo")


# -- conferences and sessions --------------------------------------------------------------


def test_it_lists_the_conference_sessions_in_day_order_with_their_hosts():
    conference = meetings.conference_detail(viewer=ADMIN, conference="gc-5")

    assert conference["number"] == 5
    assert conference["start"] == "2025-05-18"
    assert [s["id"] for s in conference["sessions"]] == ["gc5-d1", "gc5-d2", "gc5-d3", "gc5-d4"]
    assert [h["id"] for h in conference["sessions"][1]["hosts"]] == ["ec-kz", "soc-steppe"]
    assert conference["sessions"][3]["hosts"][0]["name"]["en"] == "Japanese Executive Committee"


def test_it_lists_only_the_decisions_of_the_conference_as_a_whole():
    decisions = meetings.conference_detail(viewer=ADMIN, conference="gc-5")["decisions"]

    assert [d["id"] for d in decisions] == ["gc5-resign", "gc5-rename", "gc5-focus"]


def test_it_gives_the_place_chair_and_attendees_of_a_session():
    session = meetings.session_detail(viewer=ADMIN, session="gc5-d3")

    assert session["conference"]["id"] == "gc-5"
    assert session["country"] == "AR"
    assert session["city"]["en"] == "Buenos Aires"
    assert session["city"]["ko"] == "부에노스아이레스"
    assert session["format"] == "in_person"
    assert session["chair"] == {"id": "lucia-fernandez", "name": "Lucía Fernández"}
    guest = session["attendees"][1]
    assert guest["person"] == "guest-minister"
    assert guest["role"] == "guest"
    assert guest["capacity"]["en"] == "Deputy Minister of Culture of Argentina"
    assert guest["capacity"]["ru"] == "Заместитель министра культуры Аргентины"


def test_it_counts_the_anniversary_of_what_a_session_commemorates():
    # Founding day: 20 May 1998; the session met on 20 May 2025.
    occasion = meetings.session_detail(viewer=ADMIN, session="gc5-d2")["occasions"][0]

    assert occasion["id"] == "founding-day"
    assert occasion["anniversary"] == 27


def test_it_names_the_signatories_of_a_session_document():
    document = meetings.session_detail(viewer=ADMIN, session="gc5-d4")["documents"][0]

    assert document["id"] == "gc5-d4-letter"
    assert [s["name"] for s in document["signatories"]] == ["Irina Volkova", "João Silva"]


def test_it_lists_the_decisions_of_a_session_in_the_order_they_were_taken():
    decisions = meetings.session_detail(viewer=ADMIN, session="gc5-d1")["decisions"]

    assert [d["id"] for d in decisions] == ["gc5-d1-elect", "gc5-d1-dissolve", "gc5-d1-task"]
    assert decisions[0]["votes"] == {"for": 14, "against": 0, "abstain": 1}


def test_it_names_a_host_as_it_was_called_on_the_day_of_the_session():
    session = Session.objects.create(slug="bureau-meeting", date=dt.date(2025, 6, 1))
    session.hosts.create(body=Body.objects.get(slug="press-bureau"))

    hosts = meetings.session_detail(viewer=ADMIN, session="bureau-meeting")["hosts"]

    assert hosts[0]["name"]["en"] == "Information Bureau"


def test_it_refuses_unknown_conferences_sessions_and_decisions():
    with pytest.raises(Conference.DoesNotExist):
        meetings.conference_detail(viewer=ADMIN, conference="gc-99")
    with pytest.raises(Session.DoesNotExist):
        meetings.session_detail(viewer=ADMIN, session="nope")
    with pytest.raises(Decision.DoesNotExist):
        meetings.decision_detail(viewer=ADMIN, decision="nope")


# -- what a decision changed ---------------------------------------------------------------


def test_it_shows_the_terms_an_election_started():
    changes = meetings.decision_detail(viewer=ADMIN, decision="gc5-d1-elect")["changes"]

    started = [(t["person"], t["body"], t["role"]) for t in changes["terms_started"]]
    assert started == [("park-minjun", "ec-jp", "head"), ("park-minjun", "council", "member")]
    assert changes["terms_started"][0]["decision"] == "gc5-d1-elect"


def test_it_shows_what_a_dissolution_ended_and_where_the_mandates_went():
    changes = meetings.decision_detail(viewer=ADMIN, decision="gc5-d1-dissolve")["changes"]

    assert [b["id"] for b in changes["bodies_dissolved"]] == ["dept-4"]
    assert [(t["person"], t["reason"]) for t in changes["terms_ended"]] == [
        ("olga-smirnova", "body dissolved")
    ]
    moved = {
        (m["mandate"], m["from"], m["to"], m["holder_role"]) for m in changes["mandates_moved"]
    }
    assert moved == {
        ("event-logistics", "dept-4", body, "head")
        for body in ("ec-ar", "ec-jp", "ec-kz", "ec-nordic")
    }
    assert [m["body"] for m in changes["mandates_ended"]] == ["dept-4"]


def test_it_shows_the_body_a_decision_founded():
    founded = meetings.decision_detail(viewer=ADMIN, decision="gc5-d2-cell")["changes"][
        "bodies_founded"
    ]

    assert founded == [
        {
            "id": "cell-almaty-cons",
            "name": {
                "en": "Primary Cell at the Almaty Conservatory",
                "ru": "Первичная ячейка Алматинской консерватории",
                "de": "Grundorganisation am Konservatorium Almaty",
                "zh": "阿拉木图音乐学院基层组织",
                "ko": "알마티 음악원 기층조직",
            },
            "kind": "primary_cell",
            "parent": "ec-kz",
            "founded": "2025-05-20",
            "mandates": [],
            "mandate_names": [],
        }
    ]


def test_it_shows_a_rename_with_the_name_before_it():
    renames = meetings.decision_detail(viewer=ADMIN, decision="gc5-rename")["changes"]["renames"]

    assert renames[0]["body"] == "press-bureau"
    assert renames[0]["name"]["en"] == "Information Bureau"
    assert renames[0]["previous"]["en"] == "Press Bureau"


def test_it_shows_the_award_task_and_signed_agreement_of_decisions():
    award = meetings.decision_detail(viewer=ADMIN, decision="gc5-d4-award")["changes"]["awards"]
    task = meetings.decision_detail(viewer=ADMIN, decision="gc5-d1-task")["changes"]["tasks"]
    treaty = meetings.decision_detail(viewer=ADMIN, decision="gc5-d4-treaty")["changes"][
        "agreements_signed"
    ]

    assert [(a["person"], a["honour"], a["citation"]) for a in award] == [
        ("lark", "friendship-badge", "gc5-d4-letter")
    ]
    assert [t["id"] for t in task] == ["proceedings"]
    assert [(a["id"], a["status"]) for a in treaty] == [("coop-nordic-youth", "signed")]


def test_it_shows_the_effects_as_written_but_no_changes_for_a_rejected_decision():
    decision = meetings.decision_detail(viewer=ADMIN, decision="gc5-d3-rejected")

    assert decision["status"] == "rejected"
    assert decision["effects"][0]["op"] == "rename_body"
    assert all(not changed for changed in decision["changes"].values())


def test_it_shows_no_changes_once_a_decision_is_annulled():
    decision_annul(decision=Decision.objects.get(slug="gc5-d4-award"))

    decision = meetings.decision_detail(viewer=ADMIN, decision="gc5-d4-award")

    assert decision["status"] == "annulled"
    assert decision["changes"]["awards"] == []


def test_it_reads_what_a_decision_changed_in_a_fixed_number_of_queries(
    django_assert_max_num_queries,
):
    # 9: one names the mandates the decision moves (mandate_names).
    with django_assert_max_num_queries(9):
        meetings.decision_detail(viewer=ADMIN, decision="gc5-d1-dissolve")


# -- lists ---------------------------------------------------------------------------------


def test_it_pages_through_sessions():
    first = meetings.session_list(viewer=ADMIN, limit=3, offset=0)
    rest = meetings.session_list(viewer=ADMIN, limit=3, offset=3)

    assert first["count"] == rest["count"] == 4
    ids = [s["id"] for s in first["items"] + rest["items"]]
    assert ids == ["gc5-d1", "gc5-d2", "gc5-d3", "gc5-d4"]


def test_it_filters_sessions_by_host_and_dates():
    hosted = meetings.session_list(viewer=ADMIN, host="ec-jp")
    in_range = meetings.session_list(
        viewer=ADMIN, date_from=dt.date(2025, 5, 19), date_to=dt.date(2025, 5, 22)
    )

    assert [s["id"] for s in hosted["items"]] == ["gc5-d4"]
    assert [s["id"] for s in in_range["items"]] == ["gc5-d2", "gc5-d3"]


def test_it_filters_decisions_by_conference_status_and_kind():
    of_conference = meetings.decision_list(viewer=ADMIN, conference="gc-5", limit=100)
    proposed = meetings.decision_list(viewer=ADMIN, status="proposed")
    elections = meetings.decision_list(viewer=ADMIN, kind="election")

    assert of_conference["count"] == 13
    assert [d["id"] for d in proposed["items"]] == ["gc5-d3-nominate"]
    assert [d["id"] for d in elections["items"]] == ["gc5-d1-elect", "gc5-d2-candidates"]
    assert elections["items"][0]["session"] == "gc5-d1"
    assert elections["items"][0]["conference"] == "gc-5"


def test_it_lists_conferences_with_their_session_count():
    conferences = meetings.conference_list(viewer=ADMIN)

    assert conferences["count"] == 1
    assert conferences["items"][0]["session_count"] == 4


# -- relations -----------------------------------------------------------------------------


def test_it_lists_the_agreements_a_partner_is_party_to():
    partner = relations.partner_detail(viewer=ADMIN, partner="nordic-youth")

    assert partner["country"] == "SE"
    assert [a["id"] for a in partner["agreements"]] == ["coop-nordic-youth"]


def test_it_names_the_parties_and_signatories_of_an_agreement():
    agreement = relations.agreement_detail(viewer=ADMIN, agreement="coop-nordic-youth")

    assert [p["id"] for p in agreement["parties"]] == ["self", "nordic-youth"]
    assert agreement["parties"][0]["name"]["en"] == "International Friendship League"
    assert [(s["person"], s["party"]) for s in agreement["signatories"]] == [
        ("irina-volkova", "self"),
        ("erik-lind", "nordic-youth"),
    ]
    assert len(agreement["articles"]) == 3
    assert agreement["status"] == "signed"
    assert agreement["signed_by"] == "gc5-d4-treaty"


def test_it_lists_who_received_an_honour():
    honour = relations.honour_detail(viewer=ADMIN, honour="friendship-badge")
    honours = relations.honour_list(viewer=ADMIN)

    assert [(a["person"], a["decision"]) for a in honour["awards"]] == [("lark", "gc5-d4-award")]
    assert {h["id"]: h["award_count"] for h in honours["items"]} == {
        "friendship-badge": 1,
        "letter-of-thanks": 0,
    }


def test_it_lists_task_assignees_bodies_and_people_in_order():
    task = relations.task_detail(viewer=ADMIN, task="student-clubs")

    assert [(a["kind"], a["id"]) for a in task["assignees"]] == [
        ("body", "ec-kz"),
        ("person", "timur-akhmetov"),
    ]
    assert task["decision"] is None


def test_it_gives_the_decision_behind_a_task():
    task = relations.task_detail(viewer=ADMIN, task="proceedings")

    assert task["decision"]["id"] == "gc5-d1-task"
    assert task["due"] == "2025-07-01"


def test_it_filters_tasks_by_assignee():
    assert [
        t["id"] for t in relations.task_list(viewer=ADMIN, person="timur-akhmetov")["items"]
    ] == ["student-clubs"]
    assert [t["id"] for t in relations.task_list(viewer=ADMIN, body="dept-3")["items"]] == [
        "proceedings"
    ]


def test_it_refuses_unknown_partners_agreements_honours_and_tasks():
    with pytest.raises(Partner.DoesNotExist):
        relations.partner_detail(viewer=ADMIN, partner="nope")
    with pytest.raises(Agreement.DoesNotExist):
        relations.agreement_detail(viewer=ADMIN, agreement="nope")
    with pytest.raises(Honour.DoesNotExist):
        relations.honour_detail(viewer=ADMIN, honour="nope")
    with pytest.raises(Task.DoesNotExist):
        relations.task_detail(viewer=ADMIN, task="nope")


# -- query counts do not grow with the data ------------------------------------------------


def _more_sessions(count: int) -> None:
    conference = Conference.objects.get(slug="gc-5")
    people = list(Person.objects.all())
    bodies = list(Body.objects.all())
    for n in range(count):
        session = Session.objects.create(
            slug=f"extra-{n}", conference=conference, day=10 + n, date=dt.date(2025, 6, 1)
        )
        for position, body in enumerate(bodies[:3]):
            session.hosts.create(body=body, position=position)
        for position, person in enumerate(people[:4]):
            session.attendees.create(person=person, role="participant", position=position)
        session.documents.create(
            slug=f"extra-doc-{n}",
            kind="minutes",
            title={"en": "Minutes"},
            author=people[0],
            signatories=[p.slug for p in people[:3]],
        )
        Decision.objects.create(
            slug=f"extra-decision-{n}", session=session, kind="other", date=dt.date(2025, 6, 1)
        )


@pytest.mark.parametrize(
    ("read", "arguments"),
    [
        (meetings.conference_detail, {"conference": "gc-5"}),
        (meetings.session_detail, {"session": "gc5-d4"}),
        (meetings.session_list, {}),
        (meetings.decision_list, {}),
        (meetings.conference_list, {}),
        (relations.task_list, {}),
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_data(
    read, arguments, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        read(viewer=ADMIN, **arguments)
    _more_sessions(12)
    with django_assert_num_queries(len(before.captured_queries)):
        read(viewer=ADMIN, **arguments)

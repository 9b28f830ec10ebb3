"""The personal-data tiers on every read: pages, the API and the command line.

On the demo, two people are hidden from the public:
  olga-smirnova  public false, custodian ec-kz, director of dept-4 (until its dissolution),
                 a participant of session gc5-d2;
  lark      public false, call sign "Lark", custodian rc-pt, an activist of rc-pt,
                 awarded the friendship badge by decision gc5-d4-award.
Bob is an officer of ec-kz, Alice an officer of the council (above everyone), Mia a plain
member of ec-jp and Charlie an outsider with no grant.
"""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chapterhouse.meetings.models import Decision, Document, Session
from chapterhouse.registry.models import Body, Person
from chapterhouse.relations.models import Affiliation, Partner
from tests.conftest import sign_in

OLGA_SECRETS = ["olga.private@mail.test", "+7 700 555 0142", "spare keys of the Almaty", "1987"]
ANA_SECRETS = ["ana.private@mail.test", "Porto harbour", "Ana Costa"]
OLGA_PRIVATE_POST = "Treasurer of the Andes Foundation"


@pytest.fixture
def planted(personas: dict[str, Any]) -> dict[str, Any]:
    """Give the two hidden people personal data (born, contact, notes, a private post)."""
    Person.objects.filter(slug="olga-smirnova").update(
        born=dt.date(1987, 3, 14),
        born_precision="day",
        contact={"email": "olga.private@mail.test", "phone": "+7 700 555 0142"},
        notes="keeps the spare keys of the Almaty office",
    )
    Person.objects.filter(slug="lark").update(
        contact={"email": "ana.private@mail.test"}, notes="lives near the Porto harbour"
    )
    Affiliation.objects.create(
        person=Person.objects.get(slug="olga-smirnova"),
        partner=Partner.objects.get(slug="andes-foundation"),
        title={"en": OLGA_PRIVATE_POST},
        private=True,
    )
    return personas


def client_for(persona: str, users: dict[str, Any]) -> Client:
    client = Client()
    if persona != "anonymous":
        sign_in(client, users[persona])
    return client


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def api(client: Client, url: str, status: int = 200) -> Any:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content)
    return response.json()


# -- who exists for whom -------------------------------------------------------------------

OLGA_READERS = {"bob", "alice", "admin"}
ANA_READERS = {"alice", "admin"}
PERSONAS = ["anonymous", "charlie", "mia", "bob", "alice", "admin"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_hidden_person_does_not_exist_for_those_who_may_not_see_them(planted, persona):
    client = client_for(persona, planted)
    for slug, readers in (("olga-smirnova", OLGA_READERS), ("lark", ANA_READERS)):
        status = 200 if persona in readers else 404
        page(client, f"/people/{slug}/", status)
        api(client, f"/api/v1/people/{slug}", status)
        api(client, f"/api/v1/people/{slug}/history", status)
        if status == 404:
            # The same answer as for an id never recorded: existence does not leak.
            assert api(client, f"/api/v1/people/{slug}", 404) == {
                "detail": f"No person with id '{slug}'"
            }


@pytest.mark.parametrize("persona", PERSONAS)
def test_personal_data_reaches_only_the_custodians(planted, persona):
    client = client_for(persona, planted)
    olga = page(client, "/people/olga-smirnova/", 200 if persona in OLGA_READERS else 404)
    olga_json = json.dumps(
        api(client, "/api/v1/people/olga-smirnova", 200 if persona in OLGA_READERS else 404)
    )
    for secret in [*OLGA_SECRETS, OLGA_PRIVATE_POST]:
        assert (secret in olga) == (persona in OLGA_READERS), secret
        assert (secret in olga_json) == (persona in OLGA_READERS), secret
    ana = page(client, "/people/lark/", 200 if persona in ANA_READERS else 404)
    for secret in ANA_SECRETS:
        assert (secret in ana) == (persona in ANA_READERS), secret


def test_the_custodian_reads_personal_data_in_a_marked_section_and_the_api(planted):
    bob = client_for("bob", planted)

    html = page(bob, "/people/olga-smirnova/")
    person = api(bob, "/api/v1/people/olga-smirnova")

    assert "Personal data" in html
    assert "Ольга Смирнова" in html
    assert person["personal"]["born"] == "1987-03-14"
    assert person["personal"]["contact"]["email"] == "olga.private@mail.test"
    assert person["personal"]["notes"] == "keeps the spare keys of the Almaty office"
    assert [a["private"] for a in person["personal"]["affiliations"]] == [True]


def test_a_public_person_shows_no_personal_data_to_others_but_to_themself(planted):
    anonymous = api(client_for("anonymous", planted), "/api/v1/people/irina-volkova")
    herself = api(client_for("alice", planted), "/api/v1/people/irina-volkova")
    html = page(client_for("mia", planted), "/people/irina-volkova/")

    assert anonymous["personal"] is None
    assert anonymous["name"] == "Irina Volkova"  # the public tier: her name and posts
    assert herself["personal"]["born"] == "1961-08-29"
    assert "Personal data" not in html


def test_a_call_sign_hides_the_real_name_from_everyone_but_the_custodians(planted):
    Person.objects.filter(slug="lark").update(public=True)
    anonymous = client_for("anonymous", planted)

    html = page(anonymous, "/people/lark/")
    person = api(anonymous, "/api/v1/people/lark")
    by_name = api(anonymous, "/api/v1/people?q=Costa")
    by_call_sign = api(anonymous, "/api/v1/people?q=lark")
    listed = page(anonymous, "/people/?q=lark")

    assert "Lark" in html and "Ana Costa" not in html
    assert (person["name"], person["given"], person["family"], person["names"]) == (
        "Lark",
        None,
        None,
        [],
    )
    assert by_name["count"] == 0
    # Found first by her call sign (names only like it, "Lars Eriksson", come after).
    assert by_call_sign["items"][0]["name"] == "Lark"
    assert "Ana Costa" not in [p["name"] for p in by_call_sign["items"]]
    assert "Lark" in listed and "Ana Costa" not in listed
    assert api(client_for("alice", planted), "/api/v1/people/lark")["name"] == "Ana Costa"


@pytest.mark.parametrize("persona", PERSONAS)
def test_hidden_people_are_left_out_of_lists_and_search(planted, persona):
    client = client_for(persona, planted)

    listed = {p["id"] for p in api(client, "/api/v1/people?limit=100")["items"]}
    found = api(client, "/api/v1/people?q=Smirnova")["items"]
    html = page(client, "/people/?q=Smirnova")

    assert ("olga-smirnova" in listed) == (persona in OLGA_READERS)
    assert ("lark" in listed) == (persona in ANA_READERS)
    assert bool(found) == (persona in OLGA_READERS)
    assert ("Olga Smirnova" in html) == (persona in OLGA_READERS)


# -- hidden people in public records --------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_hidden_attendee_appears_as_a_member_of_their_custodian_body(planted, persona):
    client = client_for(persona, planted)
    placeholder = "a member of Kazakh Executive Committee"

    html = page(client, "/sessions/gc5-d2/")
    attendees = api(client, "/api/v1/sessions/gc5-d2")["attendees"]

    olga = {"person": "olga-smirnova", "name": "Olga Smirnova", "role": "participant"}
    hidden = {"person": None, "name": placeholder, "role": "participant"}
    expected = olga if persona in OLGA_READERS else hidden
    assert {k: attendees[2][k] for k in ("person", "name", "role")} == expected
    assert ("/people/olga-smirnova/" in html) == (persona in OLGA_READERS)
    assert (placeholder in html) == (persona not in OLGA_READERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_hidden_award_recipient_appears_by_call_sign(planted, persona):
    client = client_for(persona, planted)
    sees = persona in ANA_READERS

    html = page(client, "/decisions/gc5-d4-award/")
    decision = api(client, "/api/v1/decisions/gc5-d4-award")
    honour = api(client, "/api/v1/honours/friendship-badge")

    name = "Ana Costa" if sees else "Lark"
    person = "lark" if sees else None
    assert (
        decision["changes"]["awards"][0]["person"],
        decision["changes"]["awards"][0]["name"],
    ) == (
        person,
        name,
    )
    assert (decision["effects"][0]["person"], decision["effects"][0]["person_name"]) == (
        person,
        name,
    )
    assert (honour["awards"][0]["person"], honour["awards"][0]["name"]) == (person, name)
    assert name in html
    assert ("/people/lark/" in html) == sees
    assert ("Ana Costa" in json.dumps(decision)) == sees


def test_the_diff_and_the_decision_name_a_hidden_director_by_placeholder(planted):
    anonymous = client_for("anonymous", planted)

    diff = api(anonymous, "/api/v1/diff?from=2025-05-18&to=2025-05-18")
    decision = api(anonymous, "/api/v1/decisions/gc5-d1-dissolve")
    bob_diff = api(client_for("bob", planted), "/api/v1/diff?from=2025-05-18&to=2025-05-18")

    ended = [t for t in diff["ended"] if t["body"] == "dept-4"]
    assert [(t["person"], t["name"]) for t in ended] == [
        (None, "a member of Kazakh Executive Committee")
    ]
    assert decision["changes"]["terms_ended"][0]["person"] is None
    assert [t["person"] for t in bob_diff["ended"] if t["body"] == "dept-4"] == ["olga-smirnova"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_org_chart_and_body_pages_list_a_hidden_holders_post_under_a_placeholder(
    planted, persona
):
    client = client_for(persona, planted)
    sees = persona in OLGA_READERS

    chart = api(client, "/api/v1/orgchart?as_of=2025-05-01&body=dept-4")
    body = api(client, "/api/v1/bodies/dept-4?as_of=2025-05-01")
    chart_html = page(client, "/?as_of=2025-05-01&body=dept-4")
    body_html = page(client, "/bodies/dept-4/?as_of=2025-05-01")

    # A post held by someone the reader may not see is still a held post.
    expected = (
        [("director", "olga-smirnova", "Olga Smirnova")]
        if sees
        else [("director", None, "a member of Kazakh Executive Committee")]
    )
    for holders in (chart["bodies"][0]["holders"], body["holders"]):
        assert [(h["role"], h["person"], h["name"]) for h in holders] == expected
    for html in (chart_html, body_html):
        assert ("Olga Smirnova" in html) == sees
        assert ("/people/olga-smirnova/" in html) == sees
        assert "No posts are held" not in html


# -- internal records -----------------------------------------------------------------------


@pytest.fixture
def internal(planted: dict[str, Any]) -> dict[str, Any]:
    """Mark records internal: session gc5-d4 (hosted by ec-jp and ec-nordic), the
    conference-level decision gc5-focus and the society soc-steppe (below ec-kz)."""
    Session.objects.filter(slug="gc5-d4").update(internal=True)
    Decision.objects.filter(slug="gc5-focus").update(internal=True)
    Body.objects.filter(slug="soc-steppe").update(internal=True)
    return planted


@pytest.mark.parametrize("persona", PERSONAS)
def test_internal_records_are_404_and_left_out_for_those_without_a_grant(internal, persona):
    client = client_for(persona, internal)
    # Mia (ec-jp) covers a host of gc5-d4; any grant sees a conference-level decision;
    # bob (ec-kz) and alice (above) cover the society.
    sees_session = persona in {"mia", "alice", "admin"}
    sees_focus = persona in {"mia", "bob", "alice", "admin"}
    sees_society = persona in {"bob", "alice", "admin"}

    status = 200 if sees_session else 404
    page(client, "/sessions/gc5-d4/", status)
    api(client, "/api/v1/sessions/gc5-d4", status)
    page(client, "/decisions/gc5-d4-award/", status)
    api(client, "/api/v1/decisions/gc5-d4-treaty", status)
    api(client, "/api/v1/decisions/gc5-focus", 200 if sees_focus else 404)
    page(client, "/bodies/soc-steppe/", 200 if sees_society else 404)
    api(client, "/api/v1/bodies/soc-steppe", 200 if sees_society else 404)

    sessions = api(client, "/api/v1/sessions?conference=gc-5")
    decisions = api(client, "/api/v1/decisions?conference=gc-5&limit=100")
    [conference] = api(client, "/api/v1/conferences")["items"]
    bodies = {b["id"] for b in api(client, "/api/v1/bodies?limit=100")["items"]}
    chart = {b["id"] for b in api(client, "/api/v1/orgchart")["bodies"]}

    assert ("gc5-d4" in {s["id"] for s in sessions["items"]}) == sees_session
    assert sessions["count"] == conference["session_count"] == (4 if sees_session else 3)
    ids = {d["id"] for d in decisions["items"]}
    assert ("gc5-d4-award" in ids) == sees_session
    assert ("gc5-focus" in ids) == sees_focus
    assert decisions["count"] == len(ids)
    assert ("soc-steppe" in bodies) == sees_society
    assert ("soc-steppe" in chart) == sees_society


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_internal_document_follows_its_session(internal, persona):
    document = Document.objects.get(slug="gc5-d2-security")
    assert document.internal
    client = client_for(persona, internal)

    documents = api(client, "/api/v1/sessions/gc5-d2")["documents"]

    # gc5-d2 is hosted by ec-kz and its society: bob and those above it read the document.
    assert ("gc5-d2-security" in {d["id"] for d in documents}) == (
        persona in {"bob", "alice", "admin"}
    )


# -- the cost of a signed-in reader ---------------------------------------------------------


def _queries(persona: str, users: dict[str, Any], url: str) -> tuple[int, int]:
    """Return the queries any request of `persona` costs before reaching a page (the
    middleware) and those `url` itself runs."""
    client = client_for(persona, users)
    client.get("/api/v1/no-such-endpoint")  # warm: the reader's viewer is kept from here on
    with CaptureQueriesContext(connection) as overhead:
        assert client.get("/api/v1/no-such-endpoint").status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(overhead.captured_queries), len(queries.captured_queries) - len(
        overhead.captured_queries
    )


@pytest.mark.parametrize(
    ("url", "extra"),
    [
        ("/sessions/gc5-d2/", 1),
        ("/decisions/gc5-d4-award/", 1),
        # The chart lists Lark's post: one query tells whether mia may see her.
        ("/?as_of=2025-05-19", 1),
        ("/bodies/ec-kz/?as_of=2025-05-19", 0),
        ("/people/?q=a", 0),
        ("/api/v1/sessions/gc5-d2", 1),
        ("/api/v1/people", 0),
        ("/api/v1/orgchart?as_of=2025-05-19", 1),
        ("/api/v1/diff?from=2025-05-01&to=2025-06-30", 1),
    ],
)
def test_a_signed_in_member_costs_a_pinned_few_queries_more_than_a_visitor(planted, url, extra):
    anonymous_overhead, anonymous = _queries("anonymous", planted, url)
    member_overhead, member = _queries("mia", planted, url)

    # Any signed-in request: the user row. The session comes from the cache, the viewer
    # (account, grants, body tree) and the second-factor check from the process's memo
    # (core.generations; it was 6 queries before).
    assert member_overhead - anonymous_overhead == 1
    # Where a record names people who are not public: whether they hold a post in her body.
    assert member - anonymous == extra


# -- the command line -----------------------------------------------------------------------


def test_the_command_line_reads_everything_unless_given_a_scope(planted):
    everything = StringIO()
    call_command("history", "lark", "--format", "json", stdout=everything)
    as_kz = StringIO()
    call_command("history", "olga-smirnova", "--format", "json", "--scope", "ec-kz", stdout=as_kz)
    chart = StringIO()
    call_command(
        "orgchart",
        "--as-of",
        "2025-05-01",
        "--body",
        "dept-4",
        "--format",
        "json",
        "--scope",
        "ec-jp",
        stdout=chart,
    )

    assert json.loads(everything.getvalue())["name"] == "Ana Costa"
    assert json.loads(as_kz.getvalue())["name"] == "Olga Smirnova"
    # Seen from ec-jp, Olga's post is held by a placeholder: no id, no name.
    holders = json.loads(chart.getvalue())["bodies"][0]["holders"]
    assert [(h["role"], h["person"]) for h in holders] == [("director", None)]
    assert "Olga" not in chart.getvalue()
    with pytest.raises(CommandError, match="no person with id 'lark'"):
        call_command("history", "lark", "--scope", "ec-kz", stdout=StringIO())
    with pytest.raises(CommandError, match="no body with id 'nowhere'"):
        call_command("diff", "--from", "2025", "--to", "2025", "--scope", "nowhere")


# -- the newsroom's roles (docs/decisions/0025) ----------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees"),
    [("editor", False), ("translator", False), ("member", True), ("officer", True)],
)
def test_a_newsroom_grant_alone_does_not_show_a_private_person(demo, role, sees):
    from chapterhouse.custody.access import PeopleNamer, Viewer, person_row, scopes_for_grants
    from chapterhouse.registry.selectors import body_overview

    ec_kz = Body.objects.get(slug="ec-kz")
    olga = Person.objects.get(slug="olga-smirnova")
    viewer = Viewer(user_id=1, label="grant", scopes=scopes_for_grants([(role, ec_kz.pk)]))

    assert Person.objects.filter(viewer.people_filter(), slug="olga-smirnova").exists() == sees
    assert (olga.pk in PeopleNamer(viewer, [person_row(olga)]).visible) == sees
    holders = body_overview(body="dept-4", as_of=dt.date(2025, 5, 1), viewer=viewer).holders
    assert [h.person for h in holders] == ["olga-smirnova" if sees else None]

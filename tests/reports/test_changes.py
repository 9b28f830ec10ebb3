"""The readable diff: changes grouped the way a secretary writes them, in any language."""

from __future__ import annotations

import datetime as dt

import pytest

from chapterhouse.custody.access import ADMIN, ANONYMOUS, viewer_for_scope
from chapterhouse.meetings.models import Decision
from chapterhouse.registry.models import Body, Person, Term
from chapterhouse.reports.changes import changes_grouped, render_changes_markdown

GC5 = (dt.date(2025, 5, 18), dt.date(2025, 5, 24))


def event_logistics() -> str:
    """Return what the organization calls the mandate event-logistics (its id until named)."""
    from chapterhouse.core.text import text_in
    from chapterhouse.registry.mandates import mandate_names

    return text_in(mandate_names(["event-logistics"])["event-logistics"], "en")


def gc5_decisions():
    return Decision.objects.filter(conference__slug="gc-5") | Decision.objects.filter(
        session__conference__slug="gc-5"
    )


def grouped(lang="en", viewer=ADMIN, decisions=None):
    return changes_grouped(viewer=viewer, start=GC5[0], end=GC5[1], decisions=decisions, lang=lang)


def test_each_new_member_is_listed_with_their_principal_post(demo):
    changes = grouped(decisions=gc5_decisions().values("pk"))
    lines = [group.line for group in changes.elected]
    assert (
        "Elected to Coordination Council — Member: Park Min-jun"
        " (Head, Japanese Executive Committee)" in lines
    )
    # The post's own title is the principal post when it has one.
    assert changes.candidates[0].line == (
        "Elected candidate members of Coordination Council:"
        " Timur Akhmetov (2nd Secretary for Ideas, Kazakh Executive Committee)"
    )
    appointed = next(group for group in changes.elected if group.how == "appointed")
    assert appointed.people[0].name == "Lars Eriksson"
    assert appointed.people[0].post == "Head, Nordic Executive Committee"


def test_groups_gather_everyone_elected_to_one_body_and_role(demo):
    council = Body.objects.get(slug="council")
    decision = Decision.objects.get(slug="gc5-d1-elect")
    for slug, role in (("hans-weber", "member"), ("lucia-fernandez", "member")):
        Term.objects.create(
            person=Person.objects.get(slug=slug),
            body=council,
            role=role,
            start=dt.date(2025, 5, 18),
            how="elected",
            decision=decision,
        )
    changes = grouped()
    members = next(
        group
        for group in changes.elected
        if group.body_slug == "council" and group.role_slug == "member"
    )
    # Hans Weber's highest other post: deputy chair of the council (rank 10) beats director.
    assert [str(person) for person in members.people] == [
        "Park Min-jun (Head, Japanese Executive Committee)",
        "Hans Weber (Deputy chair, Coordination Council)",
        "Lucía Fernández (Head, Argentine Executive Committee)",
    ]
    assert members.line.endswith(
        "Park Min-jun (Head, Japanese Executive Committee), Hans Weber (Deputy chair,"
        " Coordination Council), and Lucía Fernández (Head, Argentine Executive Committee)"
    )


def test_a_dissolved_body_says_where_its_mandates_went_by_name(demo):
    changes = grouped(decisions=gc5_decisions().values("pk"))
    (dissolved,) = changes.dissolved
    assert dissolved.name == "4th Logistics Department"
    (move,) = dissolved.moves
    assert move.targets == (
        "Argentine Executive Committee",
        "Japanese Executive Committee",
        "Kazakh Executive Committee",
        "Nordic Executive Committee",
    )
    assert (
        f"{event_logistics()} passes to the Head of Argentine Executive Committee" in dissolved.line
    )
    assert "ec-kz" not in dissolved.line
    (founded,) = changes.founded
    assert founded.line == (
        "Primary Cell at the Almaty Conservatory (Primary cell), under Kazakh Executive Committee"
        " (decision of May 20, 2025)"
    )
    assert founded.decision == "gc5-d2-cell"
    assert dissolved.line.startswith("4th Logistics Department (decision of May 18, 2025); ")
    (renamed,) = changes.renamed
    assert renamed.line == "Press Bureau is now Information Bureau"


def test_restricting_to_decisions_leaves_out_changes_made_without_them(demo):
    everything = grouped()
    conference = grouped(decisions=gc5_decisions().values("pk"))
    ended = [person.name for group in everything.ended for person in group.people]
    assert "Kenji Sato" in ended  # his term simply ran out
    assert "Kenji Sato" not in [p.name for g in conference.ended for p in g.people]
    assert [p.post for g in conference.ended for p in g.people if p.name == "Zhang Wei"] == [
        "resigned, decision of May 24, 2025"
    ]


def test_a_hidden_person_appears_by_placeholder_for_those_who_may_not_see_them(demo):
    public = grouped(viewer=ANONYMOUS)
    names = [person.name for group in public.ended for person in group.people]
    assert "Olga Smirnova" not in names
    assert "a member of Kazakh Executive Committee" in names
    hidden = next(
        person for group in public.ended for person in group.people if person.slug is None
    )
    assert hidden.name == "a member of Kazakh Executive Committee"
    officers = grouped(viewer=viewer_for_scope("ec-kz"))
    assert "Olga Smirnova" in [p.name for g in officers.ended for p in g.people]


@pytest.mark.parametrize(
    ("lang", "council", "kazakh"),
    [
        ("ru", "Координационный совет", "Казахский исполнительный комитет"),
        ("ko", "조정이사회", "Kazakh Executive Committee"),
        ("de", "Koordinierungsrat", "Kazakh Executive Committee"),
        ("zh", "协调理事会", "Kazakh Executive Committee"),
    ],
)
def test_names_follow_the_fallback_chain_and_are_never_empty(demo, lang, council, kazakh):
    # The demo names every body in every language: leave the committee English and Russian.
    Body.objects.filter(slug="ec-kz").update(
        name={"en": "Kazakh Executive Committee", "ru": "Казахский исполнительный комитет"}
    )
    changes = grouped(lang=lang)
    candidate = changes.candidates[0]
    assert candidate.body == council
    assert kazakh in candidate.people[0].post
    for _title, lines in changes.sections:
        for line in lines:
            assert "()" not in line and ", )" not in line and "  " not in line


def test_a_name_in_no_requested_language_falls_back_to_any(demo):
    Body.objects.filter(slug="dept-2").update(name={"de": "Zweite Forschungsabteilung"})
    changes = grouped(lang="ko")
    bodies = [group.body for group in changes.ended]
    assert "Zweite Forschungsabteilung" in bodies


def test_the_markdown_has_a_section_per_kind_of_change(demo):
    text = render_changes_markdown(grouped())
    assert text.startswith("# Changes from May 18, 2025 to May 24, 2025\n")
    assert "## Candidate members\n" in text
    assert "## Bodies dissolved\n" in text
    empty = changes_grouped(
        viewer=ADMIN, start=dt.date(1990, 1, 1), end=dt.date(1990, 1, 2), lang="en"
    )
    assert empty.is_empty
    assert "Nothing changed." in render_changes_markdown(empty)


def test_a_range_that_ends_before_it_starts_is_refused(demo):
    with pytest.raises(ValueError, match="must start on or before its end"):
        changes_grouped(viewer=ADMIN, start=GC5[1], end=GC5[0], lang="en")


def test_the_queries_do_not_grow_with_the_changes(demo, django_assert_num_queries):
    # 14: one of them reads the names in the reader's language of everyone named (0028), one
    # names the mandates (mandate_names).
    with django_assert_num_queries(14):
        grouped(viewer=ANONYMOUS)
    council = Body.objects.get(slug="council")
    for index in range(30):
        person = Person.objects.create(slug=f"new-{index}", name=f"New {index}", public=True)
        Term.objects.create(
            person=person, body=council, role="member", start=dt.date(2025, 5, 19), how="elected"
        )
    with django_assert_num_queries(14):
        changes = grouped(viewer=ANONYMOUS)
    assert len(next(g for g in changes.elected if g.role_slug == "member").people) == 31

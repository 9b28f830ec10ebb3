"""The conference report: written from the record, in every working language, per viewer."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation
from django.utils.translation import pgettext

from chapterhouse.custody.access import ADMIN, ANONYMOUS, viewer_for_scope
from chapterhouse.meetings.models import Conference, Session, SessionHost
from chapterhouse.registry.models import Body
from chapterhouse.reports.conference import (
    NoSessions,
    UndeclaredLanguage,
    conference_report,
    render_html,
    render_markdown,
    render_pdf_report,
)
from tests.conftest import grow_conference

# Day 2 of gc-5: hosted by the Kazakh committee and the Steppe Society, in Kazakhstan, 20 May.
DAY_2 = {
    "en": (
        "Kazakh Executive Committee and Steppe Society for Cultural Exchange",
        "Kazakhstan",
        "May 20",
    ),
    "ru": (
        "Казахский исполнительный комитет и Степное общество культурного обмена",
        "Казахстан",
        "20 мая",
    ),
    "de": (
        "Kasachisches Exekutivkomitee und Steppengesellschaft für Kulturaustausch",
        "Kasachstan",
        "20. Mai",
    ),
    "zh": (
        "哈萨克执行委员会和草原文化交流协会",
        "哈萨克斯坦",
        "5月20日",
    ),
    "ko": (
        "카자흐 집행위원회 및 초원문화교류협회",
        "카자흐스탄",
        "5월 20일",
    ),
}
# The demo's sessions are timed to the League's founding day (1998) and Charter Day (2001).
ORDINALS = {
    "en": ("27th anniversary", "24th anniversary"),
    "ru": ("27-я годовщина", "24-я годовщина"),
    "de": ("27. Jahrestag", "24. Jahrestag"),
    "zh": ("27周年", "24周年"),
    "ko": ("27주년", "24주년"),
}
COUNCIL = {
    "en": "Coordination Council",
    "ru": "Координационный совет",
    "de": "Koordinierungsrat",
    "zh": "协调理事会",
    "ko": "조정이사회",
}


@pytest.mark.parametrize("lang", sorted(DAY_2))
def test_the_schedule_has_one_line_per_day_in_the_words_of_the_language(demo, lang):
    report = conference_report(conference="gc-5", lang=lang, viewer=ANONYMOUS)
    assert [line.day for line in report.schedule] == [1, 2, 3, 4]
    hosts, country, date = DAY_2[lang]
    with translation.override("zh-hans" if lang == "zh" else lang):
        expected = pgettext(
            "report schedule", "Day %(day)s. %(hosts)s (%(country)s — %(date)s)"
        ) % {"day": 2, "hosts": hosts, "country": country, "date": date}
    assert report.schedule[1].line == expected
    assert report.schedule[1].country == country
    assert report.schedule[1].date == date
    assert COUNCIL[lang] in report.schedule[0].line


def event_logistics() -> str:
    """Return what the organization calls the mandate event-logistics (its id until named)."""
    from chapterhouse.core.text import text_in
    from chapterhouse.registry.mandates import mandate_names

    return text_in(mandate_names(["event-logistics"])["event-logistics"], "en")


def test_the_english_schedule_reads_as_a_secretary_writes_it(demo):
    report = conference_report(conference="gc-5", lang="en", viewer=ANONYMOUS)
    assert [line.line for line in report.schedule] == [
        "Day 1. Coordination Council (Japan — May 18)",
        "Day 2. Kazakh Executive Committee and Steppe Society for Cultural Exchange"
        " (Kazakhstan — May 20)",
        "Day 3. Argentine Executive Committee (Argentina — May 22)",
        "Day 4. Japanese Executive Committee and Nordic Executive Committee (Sweden — May 24)",
    ]
    assert report.header.name == "5th General Conference"
    assert report.header.number == 5
    assert report.header.dedication == "Dedicated to the 27th anniversary of the League"
    assert report.header.dates.count("2025") == 1


@pytest.mark.parametrize("lang", sorted(ORDINALS))
def test_occasions_carry_the_anniversary_as_an_ordinal_of_the_language(demo, lang):
    report = conference_report(conference="gc-5", lang=lang, viewer=ANONYMOUS)
    assert [occasion.anniversary for occasion in report.occasions] == list(ORDINALS[lang])
    assert [occasion.day for occasion in report.occasions] == [2, 3]
    assert ORDINALS[lang][0] in render_markdown(report)


def test_a_conference_over_the_new_year_names_the_years(demo):
    conference = Conference.objects.create(
        slug="winter",
        name={"en": "Winter Meeting"},
        start=dt.date(2025, 12, 30),
        end=dt.date(2026, 1, 3),
    )
    for day, date in ((1, dt.date(2025, 12, 30)), (2, dt.date(2026, 1, 2))):
        session = Session.objects.create(
            slug=f"winter-{day}", conference=conference, day=day, date=date, country="DE"
        )
        SessionHost.objects.create(session=session, body=Body.objects.get(slug="council"))
    report = conference_report(conference="winter", lang="de", viewer=ANONYMOUS)
    assert "2025" in report.header.dates and "2026" in report.header.dates
    assert report.schedule[0].date == "30. Dezember 2025"
    assert report.schedule[1].line.endswith("(Deutschland — 2. Januar 2026)")


def test_what_changed_is_restricted_to_the_conferences_decisions(demo):
    report = conference_report(conference="gc-5", lang="en", viewer=ADMIN)
    text = render_markdown(report)
    assert (
        "Elected to Coordination Council — Member: Park Min-jun"
        " (Head, Japanese Executive Committee)" in text
    )
    assert "Timur Akhmetov (2nd Secretary for Ideas, Kazakh Executive Committee)" in text
    assert f"{event_logistics()} passes to the Head of Argentine Executive Committee" in text
    assert "Kenji Sato (" not in text  # his term ran out by itself, not by a decision


def test_resolutions_instructions_awards_and_agreements_come_from_its_decisions(demo):
    report = conference_report(conference="gc-5", lang="en", viewer=ANONYMOUS)
    assert [r.text for r in report.resolutions] == [
        "The League focuses its work on opening friendship clubs at universities."
    ]
    (instruction,) = report.instructions
    assert instruction.assignees == ("3rd Media Department",)
    assert instruction.due == "July 1, 2025"
    (award,) = report.awards
    assert award.line == "Lark: Friendship Badge (citation: Letter of thanks to Lark)"
    (agreement,) = report.agreements
    assert agreement.status == "signed"
    assert agreement.parties == ("International Friendship League", "Nordic Youth Exchange")


def test_each_session_has_its_place_chair_speakers_guests_and_documents(demo):
    report = conference_report(conference="gc-5", lang="en", viewer=ANONYMOUS)
    day_3 = report.sessions[2]
    assert day_3.heading == "Day 3. Meeting of the Argentine Executive Committee"
    assert day_3.place == "Buenos Aires, Argentina"
    assert day_3.format == "in person"
    assert day_3.chair == "Lucía Fernández"
    assert [str(guest) for guest in day_3.guests] == [
        "Martín Ruiz Sosa (Deputy Minister of Culture of Argentina)"
    ]
    day_1 = report.sessions[0]
    assert [speaker.name for speaker in day_1.speakers] == ["Kenji Sato"]
    assert [document.line for document in day_1.documents] == [
        "Opening address (speech, Irina Volkova)"
    ]


def test_a_hidden_person_is_named_by_placeholder_for_anonymous_readers(demo):
    public = render_markdown(conference_report(conference="gc-5", lang="en", viewer=ANONYMOUS))
    assert "Olga Smirnova" not in public
    assert "a member of Kazakh Executive Committee" in public
    assert "Ana Costa" not in public and "Lark" in public
    # The minutes marked internal are for the Kazakh committee's officers only.
    assert "Security arrangements" not in public
    officers = render_markdown(
        conference_report(conference="gc-5", lang="en", viewer=viewer_for_scope("ec-kz"))
    )
    assert "Olga Smirnova" in officers and "Security arrangements" in officers
    assert "Ana Costa" not in officers  # her custodian is the Portuguese committee
    # The operator is every person's custodian: the real name behind the call sign.
    assert "Ana Costa" in render_markdown(
        conference_report(conference="gc-5", lang="en", viewer=ADMIN)
    )


@pytest.mark.parametrize("lang", ["ru", "ko", "zh", "de"])
def test_no_name_is_ever_empty_whatever_the_language(demo, lang):
    text = render_markdown(conference_report(conference="gc-5", lang=lang, viewer=ANONYMOUS))
    name = {
        "ko": "제5차 총회",
        "en": "5th General Conference",
        "ru": "5-я генеральная конференция",
        "zh": "第五届全体大会",
        "de": "5. Generalkonferenz",
    }[lang]
    assert name in text  # the conference's name in the report's language
    assert not re.search(r"^- *$", text, re.MULTILINE)
    assert "()" not in text and "( " not in text and ":**  " not in text


def test_the_markdown_escapes_what_the_record_says(demo):
    Conference.objects.filter(slug="gc-5").update(name={"en": "*Bold* [link](http://x) <b>"})
    text = render_markdown(conference_report(conference="gc-5", lang="en", viewer=ANONYMOUS))
    assert text.startswith("# \\*Bold\\* \\[link\\](http://x) \\<b\\>\n")
    html = render_html(conference_report(conference="gc-5", lang="en", viewer=ANONYMOUS))
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert '<html lang="en">' in html


def test_an_undeclared_language_and_a_conference_without_sessions_are_refused(demo):
    with pytest.raises(UndeclaredLanguage, match="ko, en, ru, zh, de"):
        conference_report(conference="gc-5", lang="fr", viewer=ANONYMOUS)
    assert conference_report(conference="gc-5", lang="ZH-Hans", viewer=ANONYMOUS).lang == "zh"
    Conference.objects.create(slug="empty", name={"en": "Empty"})
    with pytest.raises(NoSessions, match="no sessions"):
        conference_report(conference="empty", lang="en", viewer=ANONYMOUS)
    with pytest.raises(Conference.DoesNotExist):
        conference_report(conference="nope", lang="en", viewer=ANONYMOUS)


def test_the_report_runs_the_same_queries_however_big_the_conference(
    demo, django_assert_num_queries
):
    # 34: the names in the reader's language of the people named, once for the changes
    # section and once for the report's own people (docs/decisions/0028); one names the
    # mandates (mandate_names).
    with django_assert_num_queries(35):
        conference_report(conference="gc-5", lang="en", viewer=ANONYMOUS)
    grow_conference("gc-5", sessions=10)
    with django_assert_num_queries(35):
        report = conference_report(conference="gc-5", lang="en", viewer=ANONYMOUS)
    assert len(report.schedule) == 14 and len(report.resolutions) == 11


@pytest.mark.parametrize("lang", sorted(COUNCIL))
def test_the_pdf_reads_back_in_every_script(demo, lang, pdf_text, pdf_notdef_count):
    pdf = render_pdf_report(conference_report(conference="gc-5", lang=lang, viewer=ANONYMOUS))
    assert pdf.startswith(b"%PDF")
    text = re.sub(r"\s+", "", pdf_text(pdf))
    for word in (COUNCIL[lang], ORDINALS[lang][0], DAY_2[lang][1], "Lark"):
        assert re.sub(r"\s+", "", word) in text
    assert "OlgaSmirnova" not in text
    assert pdf_notdef_count(pdf) == 0


def test_the_korean_pdf_of_the_demo_reads_in_korean(demo, pdf_text):
    report = conference_report(conference="gc-5", lang="ko", viewer=ANONYMOUS)
    text = re.sub(r"\s+", "", pdf_text(render_pdf_report(report)))

    for korean in (
        "제5차 총회",  # the conference and its dedication
        "연맹 창립 27주년 기념",
        "카자흐 집행위원회 회의",  # a session's title
        "박민준",  # people by their Korean names
        "이리나 볼코바",
        "사상 담당 제2비서",  # a post's own wording
        "연맹은 대학교에 친선 클럽을 여는 데 사업을 집중한다.",  # a resolution
        "제5차 총회 자료집을 모든 실무 언어로 발간",  # an instruction
        "친선휘장",  # an honour
    ):
        assert re.sub(r"\s+", "", korean) in text
    for english in ("GeneralConference", "ParkMin-jun", "Meetingofthe", "Openingsession"):
        assert english not in text

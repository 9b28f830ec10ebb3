"""The desk's conference, session and document pages, as a secretary uses them: no JSON,
errors beside the field, nothing saved and nothing typed lost on a refusal."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from chapterhouse.core import limits
from chapterhouse.meetings.models import Conference, Document, Session
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents_root(settings, tmp_path):
    """Uploaded documents go to a fresh DOCUMENTS_ROOT for each test."""
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
    return settings.DOCUMENTS_ROOT


def as_user(personas: dict[str, Any], name: str) -> Client:
    client = Client()
    sign_in(client, personas[name])
    return client


def rows(*attendees: tuple[str, str, str], total: int | None = None) -> dict[str, str]:
    """The attendee rows of the session form, as a browser posts them."""
    data = {
        "attendees-TOTAL_FORMS": str(total if total is not None else len(attendees)),
        "attendees-INITIAL_FORMS": "0",
    }
    for n, (person, role, capacity) in enumerate(attendees):
        data |= {
            f"attendees-{n}-person": person,
            f"attendees-{n}-role": role,
            f"attendees-{n}-capacity": capacity,
        }
    return data


def errors_of(response: Any, field: str, row: int | None = None) -> list[str]:
    context = response.context
    form = context["form"] if row is None else context["attendees"].forms[row]
    return list(form.errors.get(field, []))


CONFERENCE = {
    "id": "gc-6",
    "name_0": "6th General Conference",
    "number": "6",
    "kind": "general",
    "start": "2026-05-01",
    "end": "2026-05-02",
}


def test_alice_records_a_two_day_conference_and_sees_its_days(personas):
    alice = as_user(personas, "alice")

    response = alice.post("/conferences/new/", CONFERENCE, follow=True)

    conference = Conference.objects.get(name__en="6th General Conference")
    assert response.redirect_chain[-1][0] == f"/conferences/{conference.slug}/"
    page = response.content.decode()
    assert "The conference is recorded." in page
    assert "Day 1" in page and "Day 2" in page and "Day 3" not in page
    assert f"/sessions/new/?conference={conference.slug}&amp;day=2" in page
    assert "3 May" not in page and "2026-05-03" not in page  # never "the day after"


def test_a_conference_ending_before_it_starts_is_refused_beside_the_last_day(personas):
    response = as_user(personas, "alice").post(
        "/conferences/new/", {**CONFERENCE, "end": "2026-04-30"}
    )

    assert response.status_code == 200
    assert errors_of(response, "end") == ["The last day cannot be before the first day."]
    assert 'value="6th General Conference"' in response.content.decode()
    assert not Conference.objects.filter(number=6).exists()


def test_the_conference_pages_link_to_the_desk_only_for_those_allowed(personas):
    alice, bob = as_user(personas, "alice"), as_user(personas, "bob")

    assert 'href="/conferences/new/"' in alice.get("/conferences/").content.decode()
    assert 'href="/conferences/gc-5/edit/"' in alice.get("/conferences/gc-5/").content.decode()
    assert 'href="/conferences/new/"' not in bob.get("/conferences/").content.decode()
    assert 'href="/conferences/gc-5/edit/"' not in bob.get("/conferences/gc-5/").content.decode()


def test_editing_a_conference_keeps_its_sessions_inside(personas):
    response = as_user(personas, "alice").post(
        "/conferences/gc-5/edit/",
        {"name_0": "5th General Conference", "start": "2025-05-18", "end": "2025-05-22"},
    )

    assert response.status_code == 200
    assert any("gc5-d4" in error for error in errors_of(response, "end"))
    assert Conference.objects.get(slug="gc-5").end.isoformat() == "2025-05-25"


def test_record_a_session_on_a_day_fills_in_its_date(personas):
    page = as_user(personas, "bob").get("/sessions/new/?conference=gc-5&day=3")

    form = page.context["form"]
    assert (form["conference"].value(), form["day"].value(), form["date"].value()) == (
        "gc-5",
        3,
        "2025-05-20",
    )


SESSION = {
    "title_0": "Plenum",
    "date": "2025-05-21",
    "conference": "gc-5",
    "day": "2",
    "hosts": ["ec-kz"],
    "country": "KZ",
    "city_0": "Almaty",
    "format": "hybrid",
    "chair": "aigerim-bekova",
    "occasions": ["founding-day"],
}


def test_bob_records_a_session_with_attendees_and_occasions(personas):
    data = {
        **SESSION,
        **rows(
            ("timur-akhmetov", "speaker", ""),
            ("park-minjun", "guest", "for the Japanese committee"),
            ("", "participant", ""),
        ),
    }

    response = as_user(personas, "bob").post("/sessions/new/", data)

    assert response.status_code == 302, response.context["form"].errors
    session = Session.objects.get(title__en="Plenum")
    assert [(a.person.slug, a.role, a.capacity) for a in session.attendees.all()] == [
        ("timur-akhmetov", "speaker", None),
        ("park-minjun", "guest", "for the Japanese committee"),
    ]
    assert [o.commemoration.slug for o in session.occasions.all()] == ["founding-day"]
    assert (session.country, session.format, session.chair.slug) == (
        "KZ",
        "hybrid",
        "aigerim-bekova",
    )


def test_a_session_outside_its_conference_is_refused_beside_the_date_keeping_the_rest(personas):
    data = {**SESSION, "date": "2025-06-10", **rows(("timur-akhmetov", "speaker", "host"))}

    response = as_user(personas, "bob").post("/sessions/new/", data)

    assert response.status_code == 200
    assert len(errors_of(response, "date")) == 1
    assert "outside" in errors_of(response, "date")[0]
    page = response.content.decode()
    assert 'value="Plenum"' in page and 'value="Almaty"' in page
    assert 'value="timur-akhmetov"' in page or "(timur-akhmetov)" in page
    assert not Session.objects.filter(title__en="Plenum").exists()


def test_a_date_not_on_the_calendar_is_refused_beside_the_date(personas):
    response = as_user(personas, "bob").post(
        "/sessions/new/", {**SESSION, "conference": "", "day": "", "date": "2025-02-30", **rows()}
    )

    assert response.status_code == 200
    assert "2025-02-30" in errors_of(response, "date")[0]
    assert not Session.objects.filter(title__en="Plenum").exists()


def test_a_hidden_attendee_is_refused_beside_that_row_like_a_missing_one(personas):
    bob = as_user(personas, "bob")

    def refused(person: str) -> list[str]:
        data = {**SESSION, **rows(("timur-akhmetov", "speaker", ""), (person, "guest", ""))}
        response = bob.post("/sessions/new/", data)
        assert response.status_code == 200
        assert errors_of(response, "person", row=0) == []
        return [e.replace(person, "?") for e in errors_of(response, "person", row=1)]

    assert refused("lark") == refused("no-such-person") != []
    assert not Session.objects.filter(title__en="Plenum").exists()


def test_add_more_rows_keeps_what_was_typed_and_saves_nothing(personas):
    data = {**SESSION, **rows(("timur-akhmetov", "speaker", "opening"), total=1), "more_rows": "1"}

    response = as_user(personas, "bob").post("/sessions/new/", data)

    assert response.status_code == 200
    formset = response.context["attendees"]
    assert len(formset.forms) == 4
    page = response.content.decode()
    assert 'value="opening"' in page and 'value="Plenum"' in page
    assert "Nothing was saved" not in page
    assert not Session.objects.filter(title__en="Plenum").exists()


def test_a_joint_session_recorded_by_bob_is_ec_jps_too(personas):
    data = {**SESSION, "conference": "", "day": "", "hosts": ["ec-kz", "ec-jp"], **rows()}

    response = as_user(personas, "bob").post("/sessions/new/", data)

    assert response.status_code == 302, response.context["form"].errors
    session = Session.objects.get(title__en="Plenum")
    mia = as_user(personas, "mia")
    feed = mia.get("/bodies/ec-jp/calendar.ics").content.decode()
    assert f"/sessions/{session.slug}/" in feed.replace("\r\n ", "")
    listed = mia.get("/api/v1/sessions?host=ec-jp").json()["items"]
    assert session.slug in [item["id"] for item in listed]
    # Bob may change it (he is an officer of one host); mia, a member, may not.
    assert as_user(personas, "bob").get(f"/sessions/{session.slug}/edit/").status_code == 200
    assert mia.get(f"/sessions/{session.slug}/edit/").status_code == 403


def test_editing_a_session_shows_its_attendees_and_keeps_them(personas):
    bob = as_user(personas, "bob")
    page = bob.get("/sessions/gc5-d2/edit/")
    formset = page.context["attendees"]
    typed = {
        key: value
        for form in [page.context["form"], *formset.forms]
        for key, value in _posted_values(form).items()
    }
    data = {
        **typed,
        "attendees-TOTAL_FORMS": str(len(formset.forms)),
        "attendees-INITIAL_FORMS": str(formset.initial_form_count()),
    }

    response = bob.post("/sessions/gc5-d2/edit/", data)

    assert response.status_code == 302, response.context["form"].errors
    attendees = Session.objects.get(slug="gc5-d2").attendees.all()
    assert [a.person.slug for a in attendees] == [
        "aigerim-bekova",
        "timur-akhmetov",
        "olga-smirnova",
    ]


def _posted_values(form: Any) -> dict[str, Any]:
    """What a browser posts for ``form`` as shown (the initial values, widgets' names)."""
    values: dict[str, Any] = {}
    for field in form:
        value = field.value()
        widget = field.field.widget
        if hasattr(widget, "widgets"):
            parts = widget.decompress(value)
            for n, part in enumerate(parts):
                values[f"{field.html_name}_{n}"] = part or ""
        elif isinstance(value, list):
            values[field.html_name] = value
        elif isinstance(value, bool):
            if value:
                values[field.html_name] = "on"
        elif value is not None:
            values[field.html_name] = str(value)
    return values


# -- documents ----------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def document_form(file: io.BytesIO, **more: str) -> dict[str, Any]:
    return {"title_0": "Agenda of the plenum", "kind": "agenda", "file": file, **more}


def test_bob_uploads_an_agenda_that_those_who_see_it_download(personas, documents_root):
    bob = as_user(personas, "bob")

    response = bob.post(
        "/sessions/gc5-d2/documents/new/", document_form(upload("agenda.pdf", PDF), internal="on")
    )

    assert response.status_code == 302
    document = Document.objects.get(title__en="Agenda of the plenum")
    assert (document.kind, document.file_name, document.content_type, document.size) == (
        "agenda",
        "agenda.pdf",
        "application/pdf",
        len(PDF),
    )
    assert str(documents_root) in document.file.path
    page = bob.get("/sessions/gc5-d2/").content.decode()
    assert f'href="/documents/{document.slug}/file"' in page
    download = bob.get(f"/documents/{document.slug}/file")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "agenda.pdf" in download["Content-Disposition"]
    # Internal: charlie and visitors are told it does not exist.
    assert as_user(personas, "charlie").get(f"/documents/{document.slug}/file").status_code == 404
    assert Client().get(f"/documents/{document.slug}/file").status_code == 404


@pytest.mark.parametrize(
    "name, content",
    [
        ("agenda.pdf", b"MZ\x90\x00 not a pdf at all"),  # an executable named .pdf
        ("agenda.exe", PDF),  # a PDF's bytes under another extension
        ("notes.txt", b"\x00\x01\x02binary"),
        ("scan.png", b"\xff\xd8\xff\xe0 a jpeg named png"),
    ],
)
def test_a_file_that_is_not_a_document_is_refused_beside_the_file(
    personas, documents_root, name, content
):
    response = as_user(personas, "bob").post(
        "/sessions/gc5-d2/documents/new/", document_form(upload(name, content))
    )

    assert response.status_code == 200
    assert "not a document we keep" in errors_of(response, "file")[0]
    assert 'value="Agenda of the plenum"' in response.content.decode()
    assert not Document.objects.filter(title__en="Agenda of the plenum").exists()
    assert not list(documents_root.rglob("*.*")) if documents_root.exists() else True


def test_a_file_too_large_is_refused_beside_the_file(personas, documents_root, monkeypatch):
    monkeypatch.setattr(limits, "DOCUMENT_MAX_BYTES", 1024)

    response = as_user(personas, "bob").post(
        "/sessions/gc5-d2/documents/new/", document_form(upload("big.pdf", PDF + b" " * 2048))
    )

    assert response.status_code == 200
    assert "at most" in errors_of(response, "file")[0]
    assert not Document.objects.filter(title__en="Agenda of the plenum").exists()


def test_text_and_markdown_and_word_texts_are_documents(personas, documents_root):
    import zipfile

    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    bob = as_user(personas, "bob")

    for name, content in [
        ("minutes.md", "# Minutes\nÜbersicht".encode()),
        ("letter.docx", docx.getvalue()),
    ]:
        response = bob.post(
            "/sessions/gc5-d2/documents/new/",
            document_form(upload(name, content), title_0=name, kind="minutes"),
        )
        assert response.status_code == 302, response.context["form"].errors

    assert sorted(
        Document.objects.filter(kind="minutes", size__isnull=False).values_list(
            "content_type", flat=True
        )
    ) == [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "text/markdown",
    ]


def test_only_officers_of_a_host_add_documents(personas):
    assert as_user(personas, "mia").get("/sessions/gc5-d2/documents/new/").status_code == 403
    assert as_user(personas, "bob").get("/sessions/gc5-d1/documents/new/").status_code == 403


# -- queries ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona, count", [(None, 7), ("alice", 14)])
def test_the_conference_page_runs_a_fixed_number_of_queries(
    personas, persona, count, django_assert_max_num_queries
):
    client = as_user(personas, persona) if persona else Client()
    client.get("/conferences/gc-5/")  # warm the per-process caches
    for extra in range(3):
        Session.objects.create(
            slug=f"gc5-extra-{extra}", conference_id=Conference.objects.get(slug="gc-5").pk
        )

    with django_assert_max_num_queries(count):
        response = client.get("/conferences/gc-5/")

    assert response.status_code == 200


def test_a_chair_the_editor_may_not_see_is_neither_named_nor_lost(personas):
    from django.utils import timezone

    from chapterhouse.custody.access import viewer_for_user
    from chapterhouse.meetings.services import session_create

    alice = viewer_for_user(personas["alice"], on=timezone.now().date())
    session = session_create(
        viewer=alice,
        via="cli",
        at=timezone.now(),
        values={"date": "2025-06-10", "hosts": ["ec-kz", "rc-pt"], "chair": "lark"},
    )
    bob = as_user(personas, "bob")
    page = bob.get(f"/sessions/{session.slug}/edit/")
    data = {**_posted_values(page.context["form"]), **rows(), "venue_0": "Hall B"}

    response = bob.post(f"/sessions/{session.slug}/edit/", data)

    assert "lark" not in page.content.decode().lower()
    assert response.status_code == 302, response.context["form"].errors
    session.refresh_from_db()
    assert (session.chair.slug, session.venue) == ("lark", {"en": "Hall B"})


def test_the_session_form_asks_the_same_number_of_queries_for_many_attendees(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chapterhouse.meetings.models import Attendance
    from chapterhouse.registry.models import Person

    session = Session.objects.get(slug="gc5-d2")
    admin = as_user(personas, "admin")

    def queries() -> int:
        admin.get("/sessions/gc5-d2/edit/")  # warm the session and the caches
        with CaptureQueriesContext(connection) as captured:
            assert admin.get("/sessions/gc5-d2/edit/").status_code == 200
        return len(captured)

    few = queries()
    present = set(session.attendees.values_list("person_id", flat=True))
    for index, person in enumerate(Person.objects.exclude(pk__in=present)[:8]):
        Attendance.objects.create(
            session=session, person=person, role="participant", position=100 + index
        )

    assert queries() == few

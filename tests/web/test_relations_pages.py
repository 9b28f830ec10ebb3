"""Partners, honours and agreements on the desk: reading them, recording them through the
pages (articles and signatories included), the letter of thanks as a PDF, and the list
pages' query counts."""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from chapterhouse.custody.models import AuditEntry
from chapterhouse.meetings.models import Decision
from chapterhouse.registry.models import Person
from chapterhouse.relations.models import Agreement, Award, Honour, Partner
from tests.conftest import sign_in
from tests.custody.test_authorization_matrix import PERSONAS

pytestmark = pytest.mark.django_db

ORGANIZATION = {"alice", "admin"}
LARK_READERS = {"alice", "admin"}


def client_of(personas: dict[str, Any], name: str) -> Client:
    client = Client()
    if name != "anonymous":
        sign_in(client, personas[name])
    return client


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages)


def management(prefix: str, total: int, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def agreement_form(**overrides: Any) -> dict[str, Any]:
    """A new agreement with two articles and two signatories (English is the first input)."""
    form = {
        "title_0": "Treaty of Friendship with the Steppe Union",
        "ourselves": "on",
        "partners": ["almaty-teachers"],
        "status": "in_development",
        "date": "2025-06",
        **management("articles", 2),
        "articles-0-text_0": "To cooperate in good faith.",
        "articles-0-text_2": "Сотрудничать добросовестно.",
        "articles-1-text_0": "To exchange delegations every year.",
        **management("signatories", 2),
        "signatories-0-person": "Irina Volkova",
        "signatories-0-party": "self",
        "signatories-0-title_0": "Chair",
        "signatories-1-person": "erik-lind",
        "signatories-1-party": "almaty-teachers",
    }
    form.update(overrides)
    return form


# -- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_reads_partners_honours_and_agreements(personas, persona):
    client = client_of(personas, persona)

    partners = client.get("/partners/")
    partner = client.get("/partners/nordic-youth/")
    honours = client.get("/honours/")
    agreements = client.get("/agreements/")
    agreement = client.get("/agreements/coop-nordic-youth/")

    assert partners.status_code == 200
    assert "Andes Cultural Foundation" in partners.content.decode()
    assert "Argentina" in partners.content.decode()  # the country by its CLDR name
    page = partner.content.decode()
    assert "Erik Lind" in page and "International Secretary" in page  # affiliated, public
    assert "Agreement on Friendship and Cooperation" in page
    assert "Friendship Badge" in honours.content.decode()
    assert "Nordic Youth Exchange" in agreements.content.decode()
    detail = agreement.content.decode()
    assert "To support joint youth exchanges." in detail
    assert 'href="/partners/nordic-youth/"' in detail
    assert "Chair of the Coordination Council" in detail
    # The record's own status, then the decision that signed it, with its link.
    assert "in development" in detail and "signed" in detail
    signing = Agreement.objects.get(slug="coop-nordic-youth").signed_by
    assert signing is not None and f'href="/decisions/{signing.slug}/"' in detail
    may_write = persona in ORGANIZATION
    assert ('href="/agreements/new/"' in agreements.content.decode()) == may_write
    assert ('href="/partners/nordic-youth/edit/"' in page) == may_write


@pytest.mark.parametrize("persona", PERSONAS)
def test_honours_name_only_the_recipients_the_reader_may_see(personas, persona):
    client = client_of(personas, persona)
    award = Award.objects.get(person__slug="lark")

    listed = client.get("/honours/").content.decode()
    detail = client.get("/honours/friendship-badge/").content.decode()
    letter = client.get(f"/awards/{award.pk}/letter.pdf")

    if persona in LARK_READERS:
        # Alice and the administrator are lark's custodians: they read her real name.
        assert "Ana Costa" in listed and "Ana Costa" in detail
        assert f'href="/decisions/{award.decision.slug}/"' in detail
        assert f'href="/awards/{award.pk}/letter.pdf"' in detail
        assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    else:
        for page in (listed, detail):
            assert "Ana Costa" not in page and "Lark" not in page and "/people/lark/" not in page
        assert "No recipient you may see." in detail
        assert letter.status_code == 404


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - ORGANIZATION))
def test_only_those_acting_for_the_organization_get_the_forms(personas, persona):
    client = client_of(personas, persona)
    for url in (
        "/partners/new/",
        "/honours/new/",
        "/agreements/new/",
        "/honours/friendship-badge/edit/",
    ):
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]
        else:
            assert response.status_code == 403
    posted = client.post("/partners/new/", {"name_0": "Sneaky Union"})
    assert posted.status_code in {302, 403}
    assert not Partner.objects.filter(slug__startswith="sneaky").exists()


def test_the_list_pages_run_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    alice = client_of(personas, "alice")
    for index in range(12):
        Partner.objects.create(slug=f"extra-partner-{index}", name={"en": f"Extra {index}"})
        Honour.objects.create(
            slug=f"extra-honour-{index}", name={"en": f"Honour {index}"}, kind="medal"
        )
        Agreement.objects.create(
            slug=f"extra-agreement-{index}",
            title={"en": f"Pact {index}"},
            parties=["self", f"extra-partner-{index}"],
            status="proposed",
            base_status="proposed",
        )
    decision = Decision.objects.filter(status="adopted", internal=False).first()
    assert decision is not None
    for person in Person.objects.filter(public=True)[:10]:
        Award.objects.create(
            person=person,
            honour=Honour.objects.get(slug="extra-honour-0"),
            date=dt.date(2025, 5, 20),
            decision=decision,
        )
    # The honours page names the recipients: one query for their names in the reader's
    # language (docs/decisions/0028).
    for url, most in (("/partners/", 10), ("/honours/", 13), ("/agreements/", 12)):
        with django_assert_max_num_queries(most):
            response = alice.get(url)
        assert response.status_code == 200


# -- writing through the pages ------------------------------------------------------------------


def test_alice_records_and_edits_a_partner(personas):
    alice = client_of(personas, "alice")

    response = alice.post(
        "/partners/new/",
        {
            "id": "steppe-union",
            "name_0": "Steppe Union",
            "name_2": "Союз степи",
            "kind": "Youth union",
            "country": "KZ",
        },
        follow=True,
    )

    partner = Partner.objects.get(slug__startswith="steppe-union-")  # alice's ids get a suffix
    assert partner.name == {"en": "Steppe Union", "ru": "Союз степи"}
    assert partner.kind == "youth_union" and partner.country == "KZ"
    assert "The partner is recorded." in response.content.decode()
    assert AuditEntry.objects.filter(
        object_type="partner", object_id=partner.slug, action="create"
    ).exists()

    edited = alice.post(
        f"/partners/{partner.slug}/edit/",
        {"name_0": "Steppe Youth Union", "kind": "youth_union", "country": "KZ"},
        follow=True,
    )
    partner.refresh_from_db()
    assert partner.name == {"en": "Steppe Youth Union"}
    assert "The partner is saved." in edited.content.decode()
    entry = AuditEntry.objects.get(object_type="partner", object_id=partner.slug, action="update")
    assert entry.after == {"name": {"en": "Steppe Youth Union"}}


def test_a_partner_without_a_name_is_refused_beside_the_field(personas):
    alice = client_of(personas, "alice")
    before = Partner.objects.count()

    response = alice.post("/partners/new/", {"name_2": "Союз", "country": "KZ"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Give it at least in" in page
    assert 'value="Союз"' in page  # nothing typed is lost
    assert Partner.objects.count() == before


def test_admin_records_an_honour_and_alice_edits_it(personas):
    admin = client_of(personas, "admin")
    admin.post(
        "/honours/new/",
        {"id": "star-of-friendship", "name_0": "Star of Friendship", "kind": "order"},
    )
    honour = Honour.objects.get(slug="star-of-friendship")  # the administrator's id as asked
    assert honour.kind == "order"

    alice = client_of(personas, "alice")
    response = alice.post(
        "/honours/star-of-friendship/edit/",
        {"name_0": "Star of Friendship", "name_1": "우정의 별", "kind": "medal"},
        follow=True,
    )
    honour.refresh_from_db()
    assert honour.kind == "medal" and honour.name["ko"] == "우정의 별"
    assert "The honour is saved." in response.content.decode()


def test_alice_records_an_agreement_with_articles_and_signatories(personas):
    alice = client_of(personas, "alice")

    response = alice.post("/agreements/new/", agreement_form(), follow=True)

    agreement = Agreement.objects.get(title__en="Treaty of Friendship with the Steppe Union")
    assert agreement.parties == ["self", "almaty-teachers"]
    assert agreement.status == "in_development" and agreement.base_status == "in_development"
    assert agreement.base_date == "2025-06"
    assert agreement.articles == [
        {"en": "To cooperate in good faith.", "ru": "Сотрудничать добросовестно."},
        {"en": "To exchange delegations every year."},
    ]
    signatories = list(agreement.signatories.values_list("person__slug", "party", "title"))
    assert signatories == [
        ("irina-volkova", "self", {"en": "Chair"}),
        ("erik-lind", "almaty-teachers", None),
    ]
    page = response.content.decode()
    assert "The agreement is recorded." in page
    assert "To exchange delegations every year." in page and "Irina Volkova" in page
    assert AuditEntry.objects.filter(object_type="agreement", object_id=agreement.slug).count() == 1


def test_add_an_article_keeps_what_was_typed_and_saves_nothing(personas):
    alice = client_of(personas, "alice")

    response = alice.post("/agreements/new/", {**agreement_form(), "add": "article"})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="articles-2-text_0"' in page  # a third, empty article
    assert "To exchange delegations every year." in page
    assert "Nothing was saved" not in page  # no errors for a form not yet submitted
    assert not Agreement.objects.filter(title__en__startswith="Treaty of Friendship").exists()


def test_editing_an_agreement_replaces_its_articles_and_signatories(personas):
    alice = client_of(personas, "alice")
    form = alice.get("/agreements/coop-teachers/edit/").content.decode()
    assert "Agreement with the Almaty Teachers" in form

    alice.post(
        "/agreements/coop-teachers/edit/",
        {
            "title_0": "Agreement with the Almaty Teachers' Union",
            "ourselves": "on",
            "partners": ["almaty-teachers"],
            "status": "proposed",
            **management("articles", 1),
            "articles-0-text_0": "To hold a joint seminar.",
            **management("signatories", 1),
            "signatories-0-person": "aigerim-bekova",
            "signatories-0-party": "self",
        },
    )

    agreement = Agreement.objects.get(slug="coop-teachers")
    assert agreement.status == "proposed" and agreement.articles == [
        {"en": "To hold a joint seminar."}
    ]
    assert list(agreement.signatories.values_list("person__slug", flat=True)) == ["aigerim-bekova"]


def test_signed_is_refused_on_the_form_with_the_reason(personas):
    alice = client_of(personas, "alice")

    response = alice.post("/agreements/new/", agreement_form(status="signed"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "An agreement is signed only by a decision" in page
    assert "To cooperate in good faith." in page  # the articles are kept
    assert not Agreement.objects.filter(title__en__startswith="Treaty of Friendship").exists()


def test_a_signed_agreement_keeps_its_status_and_date_on_the_form(personas):
    alice = client_of(personas, "alice")
    page = alice.get("/agreements/coop-nordic-youth/edit/").content.decode()
    assert "Signed by a decision: annul that decision to change this." in page


def test_a_hidden_signatory_is_answered_like_a_missing_one(personas):
    # Nobody but an administrator sees a person with no custodian, no post, not public.
    Person.objects.create(slug="hermit", name="Hidden Hermit", public=False)
    alice = client_of(personas, "alice")

    def refusal(typed: str) -> str:
        response = alice.post("/agreements/new/", agreement_form(**{"signatories-1-person": typed}))
        assert response.status_code == 200
        found = re.search(r"<li>(No person called[^<]*)</li>", response.content.decode())
        assert found is not None
        return found.group(1).replace(typed, "…")

    assert refusal("Hidden Hermit") == refusal("Nobody Atall")
    assert refusal("hermit") == refusal("nobody-atall")
    assert not Agreement.objects.filter(title__en__startswith="Treaty of Friendship").exists()


def test_a_signatory_for_a_party_not_in_the_agreement_is_refused_on_its_row(personas):
    alice = client_of(personas, "alice")

    response = alice.post(
        "/agreements/new/",
        agreement_form(**{"signatories-1-party": "nordic-youth", "partners": ["almaty-teachers"]}),
    )

    page = response.content.decode()
    # The party select offers ourselves and the parties chosen: another is not a choice.
    row = page[page.index("signatories-1-person") :]
    assert "Select a valid choice. nordic-youth is not one of the available choices." in row
    assert not Agreement.objects.filter(title__en__startswith="Treaty of Friendship").exists()


# -- the letter of thanks ----------------------------------------------------------------------


def give(person: str, honour: str = "friendship-badge") -> Award:
    decision = Decision.objects.filter(status="adopted", internal=False).order_by("date").first()
    assert decision is not None
    return Award.objects.create(
        person=Person.objects.get(slug=person),
        honour=Honour.objects.get(slug=honour),
        date=dt.date(2025, 5, 24),
        decision=decision,
    )


def test_the_letter_is_in_the_recipients_language(personas, client):
    korean = give("park-minjun")
    russian = give("irina-volkova")

    to_park = client.get(f"/awards/{korean.pk}/letter.pdf")
    to_irina = client.get(f"/awards/{russian.pk}/letter.pdf")

    assert to_park.status_code == 200 and to_park["Content-Type"] == "application/pdf"
    park = pdf_text(to_park.content)
    assert "박민준" in park and "국제친선연맹" in park  # his name and ours, in Korean
    assert "2025년 5월 24일" in park
    irina = pdf_text(to_irina.content)
    assert "Ирина Волкова" in irina and "Знак дружбы" in irina
    assert "Международная лига дружбы" in irina


def test_lang_picks_another_working_language(personas, client):
    award = give("park-minjun")

    russian = pdf_text(client.get(f"/awards/{award.pk}/letter.pdf?lang=ru").content)
    english = pdf_text(client.get(f"/awards/{award.pk}/letter.pdf?lang=en").content)
    unknown = client.get(f"/awards/{award.pk}/letter.pdf?lang=xx")

    assert "Знак дружбы" in russian and "Международная лига дружбы" in russian
    assert "Friendship Badge" in english and "Park Min-jun" in english
    assert unknown.status_code == 400


def test_a_call_signed_recipient_is_named_by_call_sign_with_the_citation(personas):
    alice = client_of(personas, "alice")
    award = Award.objects.get(person__slug="lark")

    text = pdf_text(alice.get(f"/awards/{award.pk}/letter.pdf").content)

    assert "Lark" in text and "Ana Costa" not in text
    assert "In recognition of your work" in text  # the citation document
    # The decision by the meeting that took it, not by its id.
    assert "by the decision of 5th General Conference of May 24, 2025" in text
    assert award.decision.slug not in text


def test_the_lists_come_in_pages(personas, client):
    for index in range(105):
        Partner.objects.create(slug=f"p-{index:03d}", name={"en": f"Paged Partner {index:03d}"})

    first = client.get("/partners/").content.decode()
    second = client.get("/partners/?page=2").content.decode()
    wrong = client.get("/partners/?page=zero")

    assert "Paged Partner 000" in first and "Paged Partner 104" not in first
    assert "Paged Partner 104" in second and 'href="?page=1"' in second
    assert wrong.status_code == 400

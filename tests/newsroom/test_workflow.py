"""The translation workflow: sent to each language desk, claimed, submitted, approved, outdated."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chapterhouse.custody.access import ADMIN, Viewer, viewer_for_user
from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.services import grant_create
from chapterhouse.newsroom.models import (
    Article,
    ArticleTranslation,
    LanguageDesk,
    TranslationAssignment,
)
from chapterhouse.newsroom.workflow.selectors import translation_changed_paragraphs
from chapterhouse.newsroom.workflow.services import (
    article_send_to_translation,
    article_source_update,
    assignment_approve,
    assignment_claim,
    assignment_submit,
)
from chapterhouse.registry.models import Body

pytestmark = pytest.mark.django_db

AT = dt.datetime(2025, 5, 18, 10, tzinfo=dt.UTC)
ON = AT.date()
DUE = dt.date(2025, 5, 25)


def viewer(user: Any) -> Viewer:
    return viewer_for_user(user, on=ON)


def make_editor(user: Any, body_slug: str) -> Viewer:
    grant_create(
        viewer=ADMIN,
        via="cli",
        user=user,
        role="editor",
        body=Body.objects.get(slug=body_slug),
        on=dt.date(2000, 1, 1),
        at=AT,
    )
    return viewer(user)


@pytest.fixture
def desks(demo: None) -> None:
    """Every working language is translated by the information department (dept-3)."""
    dept = Body.objects.get(slug="dept-3")
    for lang in ("ko", "en", "ru", "zh", "de"):
        LanguageDesk.objects.create(lang=lang, body=dept)


def send(article_slug: str = "gc5-opens") -> list[TranslationAssignment]:
    return article_send_to_translation(
        viewer=ADMIN, via="cli", article=Article.objects.get(slug=article_slug), due=DUE, at=AT
    )


def test_sending_creates_one_assignment_per_missing_language(
    personas: dict[str, Any], desks: None
) -> None:
    # gc5-opens is written in English; Korean and Russian are published already.
    editor = make_editor(personas["charlie"], "press-bureau")
    assignments = article_send_to_translation(
        viewer=editor, via="web", article=Article.objects.get(slug="gc5-opens"), due=DUE, at=AT
    )
    assert sorted((a.lang, a.body.slug, a.due, a.status) for a in assignments) == [
        ("de", "dept-3", DUE, "open"),
        ("zh", "dept-3", DUE, "open"),
    ]
    assert AuditEntry.objects.filter(object_type="translation assignment").count() == 2


def test_sending_again_does_not_duplicate_open_assignments(desks: None) -> None:
    send()
    assert send() == []
    assert TranslationAssignment.objects.count() == 2


def test_an_outdated_translation_is_sent_again(desks: None) -> None:
    # gc5-steppe-day is Russian; its Chinese text is outdated and German is missing.
    assert sorted(a.lang for a in send("gc5-steppe-day")) == ["de", "ko", "zh"]


def test_a_language_without_a_desk_is_named_in_the_refusal(demo: None) -> None:
    LanguageDesk.objects.create(lang="de", body=Body.objects.get(slug="dept-3"))
    with pytest.raises(ValidationError, match="“zh”"):
        send()
    assert not TranslationAssignment.objects.exists()


def test_only_an_editor_of_the_author_body_may_send(personas: dict[str, Any], desks: None) -> None:
    article = Article.objects.get(slug="gc5-opens")
    for name in ("tanya", "mia", "charlie"):
        with pytest.raises(PermissionDenied, match="only editors"):
            article_send_to_translation(
                viewer=viewer(personas[name]), via="web", article=article, due=DUE, at=AT
            )
    # An editor of another body does not cover the press bureau.
    with pytest.raises(PermissionDenied):
        article_send_to_translation(
            viewer=make_editor(personas["charlie"], "ec-kz"),
            via="web",
            article=article,
            due=DUE,
            at=AT,
        )
    # The chair is an officer of the council, above the press bureau.
    assert article_send_to_translation(
        viewer=viewer(personas["alice"]), via="web", article=article, due=DUE, at=AT
    )


def test_a_translator_claims_submits_and_an_editor_publishes(
    personas: dict[str, Any], desks: None
) -> None:
    german = next(a for a in send() if a.lang == "de")
    tanya = viewer(personas["tanya"])

    claimed = assignment_claim(viewer=tanya, via="web", assignment=german, at=AT)
    assert (claimed.status, claimed.claimed_by, claimed.claimed_at) == (
        "claimed",
        personas["tanya"],
        AT,
    )

    later = AT + dt.timedelta(hours=2)
    translation = assignment_submit(
        viewer=tanya,
        via="web",
        assignment=german,
        title="Die 5. Generalkonferenz beginnt",
        lead="Delegierte aus vier Kontinenten.",
        body="Die Vorsitzende eröffnete die Konferenz.\n\nSie tagt bis zum 24. Mai.",
        at=later,
    )
    assert translation.status == "in_review"
    assert translation.title == "Die 5. Generalkonferenz beginnt"
    assert translation.source_paragraphs[1].startswith("The conference sits until 24 May")
    assert TranslationAssignment.objects.get(pk=german.pk).status == "submitted"

    editor = make_editor(personas["bob"], "dept-3")
    published = assignment_approve(viewer=editor, via="web", assignment=german, at=later)
    assert published.status == "published"
    done = TranslationAssignment.objects.get(pk=german.pk)
    assert (done.status, done.approved_at) == ("approved", later)
    assert list(
        AuditEntry.objects.filter(object_id="gc5-opens/de").values_list("action", flat=True)
    ) == ["create", "claim", "submit", "approve"]


def test_a_new_language_gets_its_text_on_submission(personas: dict[str, Any], desks: None) -> None:
    korean = next(a for a in send("gc5-steppe-day") if a.lang == "ko")
    tanya = viewer(personas["tanya"])
    assignment_claim(viewer=tanya, via="web", assignment=korean, at=AT)
    assignment_submit(
        viewer=tanya, via="web", assignment=korean, title="카자흐스탄의 날", lead="", body="", at=AT
    )
    text = ArticleTranslation.objects.get(article__slug="gc5-steppe-day", lang="ko")
    assert (text.title, text.status) == ("카자흐스탄의 날", "in_review")


def test_only_a_translator_of_the_desk_body_may_claim(
    personas: dict[str, Any], desks: None
) -> None:
    german = next(a for a in send() if a.lang == "de")
    for name in ("mia", "charlie", "bob"):
        with pytest.raises(PermissionDenied, match="only translators"):
            assignment_claim(viewer=viewer(personas[name]), via="web", assignment=german, at=AT)


def test_a_claimed_assignment_cannot_be_claimed_again(
    personas: dict[str, Any], desks: None
) -> None:
    german = next(a for a in send() if a.lang == "de")
    assignment_claim(viewer=viewer(personas["tanya"]), via="web", assignment=german, at=AT)
    with pytest.raises(ValidationError, match="not open"):
        assignment_claim(viewer=viewer(personas["tanya"]), via="web", assignment=german, at=AT)


def test_only_the_claimer_may_submit(personas: dict[str, Any], desks: None) -> None:
    german = next(a for a in send() if a.lang == "de")
    other = personas["charlie"]
    grant_create(
        viewer=ADMIN,
        via="cli",
        user=other,
        role="translator",
        body=Body.objects.get(slug="dept-3"),
        on=dt.date(2000, 1, 1),
        at=AT,
    )
    assignment_claim(viewer=viewer(personas["tanya"]), via="web", assignment=german, at=AT)
    with pytest.raises(PermissionDenied, match="claimed it"):
        assignment_submit(
            viewer=viewer(other), via="web", assignment=german, title="T", lead="", body="", at=AT
        )


def test_approval_needs_an_editor_of_the_desk_body_and_a_submission(
    personas: dict[str, Any], desks: None
) -> None:
    german = next(a for a in send() if a.lang == "de")
    with pytest.raises(PermissionDenied, match="only editors"):
        assignment_approve(viewer=viewer(personas["tanya"]), via="web", assignment=german, at=AT)
    with pytest.raises(PermissionDenied):
        assignment_approve(
            viewer=make_editor(personas["bob"], "ec-kz"), via="web", assignment=german, at=AT
        )
    with pytest.raises(ValidationError, match="nothing to approve"):
        assignment_approve(viewer=ADMIN, via="web", assignment=german, at=AT)


def test_one_open_assignment_per_article_and_language(desks: None) -> None:
    german = next(a for a in send() if a.lang == "de")
    with pytest.raises(IntegrityError), transaction.atomic():
        TranslationAssignment.objects.create(
            article=german.article, lang="de", body=german.body, due=DUE, created_at=AT
        )
    german.status = "cancelled"
    german.save(update_fields=["status"])
    assert sorted(a.lang for a in send()) == ["de"]


def test_changing_the_source_outdates_translations_and_shows_which_paragraphs(
    personas: dict[str, Any], desks: None
) -> None:
    article = Article.objects.get(slug="gc5-opens")
    russian = article.translations.get(lang="ru")
    assert translation_changed_paragraphs(russian) == []
    source = article.translations.get(lang="en")
    paragraphs = source.body.split("\n\n")
    new_body = "\n\n".join([paragraphs[0], "A new second paragraph.", paragraphs[1] + " Edited."])

    outdated = article_source_update(
        viewer=make_editor(personas["charlie"], "press-bureau"),
        via="web",
        article=article,
        title=source.title,
        lead=source.lead,
        body=new_body,
        at=AT,
    )

    assert "ru" in outdated
    russian.refresh_from_db()
    assert russian.status == "outdated"
    assert translation_changed_paragraphs(russian) == [1, 2]
    assert translation_changed_paragraphs(article.translations.get(lang="en")) == []
    assert article.translations.get(lang="en").body == new_body
    assert AuditEntry.objects.get(object_type="article", object_id="gc5-opens").after[
        "outdated"
    ] == sorted(outdated)


def test_an_unchanged_source_outdates_nothing(desks: None) -> None:
    article = Article.objects.get(slug="gc5-opens")
    source = article.translations.get(lang="en")
    outdated = article_source_update(
        viewer=ADMIN,
        via="cli",
        article=article,
        title="A new headline",
        lead=source.lead,
        body=source.body,
        at=AT,
    )
    assert outdated == []
    assert article.translations.get(lang="ru").status == "published"


def test_only_an_editor_of_the_author_body_may_change_the_source(
    personas: dict[str, Any], desks: None
) -> None:
    with pytest.raises(PermissionDenied, match="only editors"):
        article_source_update(
            viewer=viewer(personas["tanya"]),
            via="web",
            article=Article.objects.get(slug="gc5-opens"),
            title="Hijacked",
            lead="",
            body="",
            at=AT,
        )
    assert Article.objects.get(slug="gc5-opens").translations.get(lang="en").title != "Hijacked"


def test_a_translation_approved_after_the_source_changed_is_published_as_outdated(
    personas: dict[str, Any], desks: None
) -> None:
    german = next(a for a in send() if a.lang == "de")
    tanya = viewer(personas["tanya"])
    assignment_claim(viewer=tanya, via="web", assignment=german, at=AT)
    assignment_submit(
        viewer=tanya,
        via="web",
        assignment=german,
        title="Die 5. Generalkonferenz beginnt",
        lead="",
        body="Die Vorsitzende eröffnete die Konferenz.",
        at=AT,
    )
    article = Article.objects.get(slug="gc5-opens")
    source = article.translations.get(lang="en")
    # While it waits for review, the source gains a paragraph; the German text in review
    # is not public, so it is not marked yet …
    outdated = article_source_update(
        viewer=ADMIN,
        via="web",
        article=article,
        title=source.title,
        lead=source.lead,
        body=source.body + "\n\nA paragraph added later.",
        at=AT,
    )
    assert "de" not in outdated
    assert ArticleTranslation.objects.get(article=article, lang="de").status == "in_review"
    # … but approving it publishes it as outdated, and the translator sees what changed.
    editor = make_editor(personas["bob"], "dept-3")
    approved = assignment_approve(viewer=editor, via="web", assignment=german, at=AT)
    assert approved.status == "outdated"
    assert translation_changed_paragraphs(approved) != []

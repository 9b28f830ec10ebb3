"""Articles written, changed and published through the services; returning and cancelling
assignments; the paragraph and word changes a translator is shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chapterhouse.custody.access import ADMIN, Viewer, article_may_edit, viewer_for_user
from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.services import grant_create
from chapterhouse.newsroom.models import Article, ArticleTranslation, LanguageDesk
from chapterhouse.newsroom.workflow.selectors import (
    translation_changed_paragraphs,
    translation_paragraph_changes,
)
from chapterhouse.newsroom.workflow.services import (
    ArticleFields,
    article_create,
    article_publish,
    article_send_to_translation,
    article_update,
    assignment_cancel,
    assignment_claim,
    assignment_return,
    assignment_submit,
    language_desk_set,
)
from chapterhouse.newsroom.workflow.wording_diff import word_diff_html
from chapterhouse.registry.models import Body, Person

pytestmark = pytest.mark.django_db

AT = dt.datetime(2025, 5, 18, 10, tzinfo=dt.UTC)
DUE = dt.date(2025, 5, 25)


def body(slug: str) -> Body:
    return Body.objects.get(slug=slug)


def editor_of(user: Any, *slugs: str) -> Viewer:
    for slug in slugs:
        grant_create(
            viewer=ADMIN,
            via="cli",
            user=user,
            role="editor",
            body=body(slug),
            on=dt.date(2000, 1, 1),
            at=AT,
        )
    return viewer_for_user(user, on=AT.date())


def create(viewer: Viewer, fields: ArticleFields, slug: str = "news-1") -> Article:
    return article_create(
        viewer=viewer,
        via="web",
        slug=slug,
        source_language="ru",
        title="Новость",
        lead="",
        body="Первый абзац.\n\nВторой абзац.",
        fields=fields,
        at=AT,
    )


def test_an_editor_writes_for_their_body_and_the_article_starts_as_a_draft(
    personas: dict[str, Any],
) -> None:
    editor = editor_of(personas["charlie"], "ec-kz")
    article = create(editor, ArticleFields(author_body=body("soc-steppe")))
    source = article.translations.get()
    assert (source.lang, source.status, source.title) == ("ru", "draft", "Новость")
    entry = AuditEntry.objects.get(object_type="article", object_id="news-1")
    assert (entry.action, entry.after["author"], entry.body.slug) == (
        "create",
        {"body": "soc-steppe"},
        "soc-steppe",
    )
    with pytest.raises(PermissionDenied):
        create(editor, ArticleFields(author_body=body("ec-jp")), slug="news-2")


def test_an_article_by_a_person_belongs_to_every_body_it_is_about(
    personas: dict[str, Any],
) -> None:
    person = Person.objects.get(slug="aigerim-bekova")
    kz_editor = editor_of(personas["charlie"], "ec-kz")
    fields = ArticleFields(author_person=person, about_bodies=[body("ec-kz"), body("soc-steppe")])
    article = create(kz_editor, fields)
    assert article_may_edit(kz_editor, article)
    # About a body the editor does not cover as well: refused.
    with pytest.raises(PermissionDenied, match="every body it is about"):
        create(
            kz_editor,
            ArticleFields(author_person=person, about_bodies=[body("ec-kz"), body("ec-jp")]),
            slug="news-2",
        )
    # About no body at all: administrators only.
    with pytest.raises(PermissionDenied):
        create(kz_editor, ArticleFields(author_person=person), slug="news-3")
    assert create(ADMIN, ArticleFields(author_person=person), slug="news-3")


def test_bad_articles_are_refused_field_by_field(personas: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        article_create(
            viewer=ADMIN,
            via="cli",
            slug="gc5-opens",
            source_language="fr",
            title=" ",
            lead="",
            body="",
            fields=ArticleFields(
                author_body=body("ec-kz"),
                author_person=Person.objects.get(slug="aigerim-bekova"),
                publish_at=dt.datetime(2025, 5, 18, 9),  # noqa: DTZ001 - naive: refused
            ),
            at=AT,
        )
    assert sorted(refused.value.message_dict) == [
        "author_body",
        "publish_at",
        "slug",
        "source_language",
        "title",
    ]


def test_updating_changes_fields_and_text_and_reports_outdated_languages(
    personas: dict[str, Any],
) -> None:
    editor = editor_of(personas["charlie"], "press-bureau")
    article = Article.objects.get(slug="gc5-opens")
    source = article.translations.get(lang="en")
    outdated = article_update(
        viewer=editor,
        via="web",
        article=article,
        title=source.title,
        lead=source.lead,
        body=source.body + "\n\nA third paragraph.",
        fields=ArticleFields(author_body=body("press-bureau"), about_bodies=[body("ec-kz")]),
        at=AT,
    )
    # The published ones; German (in review) and Chinese (being translated) are checked
    # against the source again when they are approved.
    assert outdated == ["ko", "ru"]
    assert list(article.about_bodies.values_list("slug", flat=True)) == ["ec-kz"]
    changes = AuditEntry.objects.filter(object_id="gc5-opens").order_by("pk")
    assert [entry.action for entry in changes] == ["update", "update"]
    assert changes[0].after["about"]["bodies"] == ["ec-kz"]
    # Handing the article to a body the editor does not cover is refused.
    with pytest.raises(PermissionDenied, match="bodies you are not an editor of"):
        article_update(
            viewer=editor,
            via="web",
            article=article,
            title="x",
            lead="",
            body="",
            fields=ArticleFields(author_body=body("ec-jp")),
            at=AT,
        )
    assert article.translations.get(lang="en").title == source.title


def test_publishing_now_or_later(personas: dict[str, Any]) -> None:
    article = Article.objects.get(slug="gc5-closing-statement")
    later = dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    article_publish(viewer=ADMIN, via="cli", article=article, publish_at=later, at=AT)
    article.refresh_from_db()
    assert article.publish_at == later
    article_publish(viewer=ADMIN, via="cli", article=article, publish_at=None, at=AT)
    article.refresh_from_db()
    assert article.publish_at == AT
    with pytest.raises(PermissionDenied):
        article_publish(
            viewer=viewer_for_user(personas["tanya"], on=AT.date()),
            via="web",
            article=article,
            publish_at=None,
            at=AT,
        )
    assert AuditEntry.objects.filter(action="publish").count() == 2


@pytest.fixture
def submitted(personas: dict[str, Any]) -> Any:
    """The German translation of gc5-opens, submitted by tanya."""
    dept = body("dept-3")
    for lang in ("zh", "de"):
        LanguageDesk.objects.create(lang=lang, body=dept)
    german = next(
        a
        for a in article_send_to_translation(
            viewer=ADMIN, via="cli", article=Article.objects.get(slug="gc5-opens"), due=DUE, at=AT
        )
        if a.lang == "de"
    )
    tanya = viewer_for_user(personas["tanya"], on=AT.date())
    assignment_claim(viewer=tanya, via="web", assignment=german, at=AT)
    assignment_submit(
        viewer=tanya, via="web", assignment=german, title="Titel", lead="", body="", at=AT
    )
    return german


def test_sending_back_needs_a_note_an_editor_and_a_submission(
    personas: dict[str, Any], submitted: Any
) -> None:
    editor = editor_of(personas["charlie"], "dept-3")
    with pytest.raises(ValidationError, match="say what to change"):
        assignment_return(viewer=editor, via="web", assignment=submitted, note="  ", at=AT)
    with pytest.raises(PermissionDenied):
        assignment_return(
            viewer=viewer_for_user(personas["tanya"], on=AT.date()),
            via="web",
            assignment=submitted,
            note="Mine is fine",
            at=AT,
        )
    returned = assignment_return(
        viewer=editor, via="web", assignment=submitted, note="Shorter title.", at=AT
    )
    assert (returned.status, returned.claimed_by, returned.submitted_at) == (
        "claimed",
        personas["tanya"],
        None,
    )
    text = ArticleTranslation.objects.get(article__slug="gc5-opens", lang="de")
    assert text.status == "in_translation"
    with pytest.raises(ValidationError, match="nothing to send back"):
        assignment_return(viewer=editor, via="web", assignment=submitted, note="Again", at=AT)


def test_cancelling_frees_the_language_to_be_sent_again(
    personas: dict[str, Any], submitted: Any
) -> None:
    with pytest.raises(PermissionDenied):
        assignment_cancel(
            viewer=viewer_for_user(personas["tanya"], on=AT.date()),
            via="web",
            assignment=submitted,
            at=AT,
        )
    assert assignment_cancel(viewer=ADMIN, via="admin", assignment=submitted, at=AT).status == (
        "cancelled"
    )
    with pytest.raises(ValidationError, match="nothing to cancel"):
        assignment_cancel(viewer=ADMIN, via="admin", assignment=submitted, at=AT)
    again = article_send_to_translation(
        viewer=ADMIN, via="cli", article=submitted.article, due=DUE, at=AT
    )
    assert [a.lang for a in again] == ["de"]


def test_a_desk_is_for_a_working_language_and_set_by_administrators(
    personas: dict[str, Any],
) -> None:
    with pytest.raises(ValidationError, match="“fr”"):
        language_desk_set(viewer=ADMIN, via="cli", lang="fr", body=body("ec-kz"), at=AT)
    with pytest.raises(PermissionDenied):
        language_desk_set(
            viewer=viewer_for_user(personas["alice"], on=AT.date()),
            via="web",
            lang="ru",
            body=body("ec-kz"),
            at=AT,
        )
    desk = language_desk_set(viewer=ADMIN, via="cli", lang="ru", body=body("ec-kz"), at=AT)
    assert language_desk_set(viewer=ADMIN, via="cli", lang="ru", body=body("ec-kz"), at=AT) == desk
    assert AuditEntry.objects.filter(object_type="language desk").count() == 1


def test_the_translator_is_shown_changed_added_and_removed_paragraphs(demo: None) -> None:
    article = Article.objects.get(slug="gc5-opens")
    russian = article.translations.get(lang="ru")
    russian.source_paragraphs = ["Kept.", "The old wording of it.", "Dropped entirely."]
    article.translations.filter(lang="en").update(
        body="Kept.\n\nA paragraph put in.\n\nThe new wording of it.\n\nAdded."
    )
    changes = translation_paragraph_changes(russian)
    # A changed paragraph is compared with the one it was; an unlike one is new.
    assert [(c.index, c.old, c.new) for c in changes] == [
        (1, "", "A paragraph put in."),
        (2, "The old wording of it.", "The new wording of it."),
        (3, "", "Added."),
        (None, "Dropped entirely.", ""),
    ]
    assert translation_changed_paragraphs(russian) == [1, 2, 3]


def test_the_word_diff_marks_words_and_escapes_everything() -> None:
    assert str(word_diff_html("sits until 24 May", "sits until 25 May")) == (
        "sits until <del>24</del><ins>25</ins> May"
    )
    hostile = str(word_diff_html("a <b>", 'a <img src=x onerror="alert(1)">'))
    assert "<img" not in hostile
    assert hostile == "a &lt;<del>b</del><ins>img src=x onerror=&quot;alert(1)&quot;</ins>&gt;"
    # Han characters are compared one by one: one changed character, not the sentence.
    assert str(word_diff_html("主席开幕", "主席闭幕")) == "主席<del>开</del><ins>闭</ins>幕"

"""The newsroom's records: an article has one author at most and one text per language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from chapterhouse.newsroom.models import Album, Article, ArticleTranslation, Category, Photo, Tag
from chapterhouse.registry.models import Body, Person

pytestmark = pytest.mark.django_db


def test_an_article_has_its_texts_tags_and_what_it_is_about(demo: None) -> None:
    article = Article.objects.get(slug="gc5-opens")
    assert article.category == Category.objects.get(slug="conference-news")
    assert [t.slug for t in article.tags.all()] == ["gc-5"]
    assert article.author_body == Body.objects.get(slug="press-bureau")
    assert article.publish_at == dt.datetime(2025, 5, 18, 9, tzinfo=dt.UTC)
    assert {t.lang: t.status for t in article.translations.all()} == {
        "de": "in_review",
        "en": "published",
        "ko": "published",
        "ru": "published",
        "zh": "in_translation",
    }
    assert Person.objects.get(slug="irina-volkova").articles.get() == article


def test_a_translation_remembers_the_source_paragraphs_it_was_made_from(demo: None) -> None:
    article = Article.objects.get(slug="gc5-opens")
    source = article.translations.get(lang="en")
    russian = article.translations.get(lang="ru")
    assert source.source_paragraphs == []
    assert len(russian.source_paragraphs) == 2
    assert russian.source_paragraphs[0].startswith("The chair, Irina Volkova")


def test_an_article_cannot_be_by_a_person_and_a_body_at_once(demo: None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.create(
            slug="two-authors",
            source_language="en",
            author_person=Person.objects.get(slug="irina-volkova"),
            author_body=Body.objects.get(slug="council"),
        )


def test_an_article_has_one_text_per_language(db: None) -> None:
    article = Article.objects.create(slug="news", source_language="en")
    ArticleTranslation.objects.create(article=article, lang="en", title="News", status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleTranslation.objects.create(article=article, lang="en", title="Again")


def test_a_translation_status_must_be_one_of_the_workflow_steps(db: None) -> None:
    article = Article.objects.create(slug="news", source_language="en")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleTranslation.objects.create(article=article, lang="en", title="x", status="lost")


def test_deleting_an_article_keeps_its_album_for_the_gallery(db: None) -> None:
    article = Article.objects.create(slug="news", source_language="en")
    album = Album.objects.create(slug="hall", title={"en": "The hall"}, article=article)
    Photo.objects.create(album=album, image="photos/hall.jpg", caption={"en": "Hall"})
    article.delete()
    album.refresh_from_db()
    assert album.article is None
    assert [p.image.name for p in album.photos.all()] == ["photos/hall.jpg"]


def test_a_category_in_use_cannot_be_deleted(db: None) -> None:
    category = Category.objects.create(slug="news", name={"en": "News"})
    Article.objects.create(slug="a", source_language="en", category=category)
    Tag.objects.create(slug="t", name="T")
    with pytest.raises(ProtectedError):
        category.delete()

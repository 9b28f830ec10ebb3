"""Articles for the public site's tests, added to the demo organization."""

from __future__ import annotations

import datetime as dt

from chapterhouse.meetings.models import Conference, Session
from chapterhouse.newsroom.models import (
    Album,
    Article,
    ArticleTranslation,
    Category,
    Comment,
    Photo,
    Tag,
)
from chapterhouse.registry.models import Body, Person

PAST = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


def article_add(
    slug: str,
    *,
    texts: dict[str, str],
    source: str = "en",
    publish_at: dt.datetime | None = PAST,
    category: str | None = "conference-news",
    tags: tuple[str, ...] = (),
    author_person: str | None = None,
    author_body: str | None = None,
    about_people: tuple[str, ...] = (),
) -> Article:
    """Add an article with one text per language; ``texts`` maps a language to its status."""
    article = Article.objects.create(
        slug=slug,
        source_language=source,
        publish_at=publish_at,
        category=Category.objects.get(slug=category) if category else None,
        author_person=Person.objects.get(slug=author_person) if author_person else None,
        author_body=Body.objects.get(slug=author_body) if author_body else None,
    )
    article.tags.set(Tag.objects.filter(slug__in=tags))
    article.about_people.set(Person.objects.filter(slug__in=about_people))
    for lang, status in texts.items():
        ArticleTranslation.objects.create(
            article=article,
            lang=lang,
            title=f"{slug} title [{lang}]",
            lead=f"{slug} lead [{lang}]",
            body=f"{slug} body [{lang}] with **bold** words.\n\nA second paragraph.",
            status=status,
        )
    return article


def articles_grow(count: int, *, start: dt.datetime = PAST, prefix: str = "grown") -> None:
    """Add ``count`` published articles in every working language, each with tags, links to
    bodies, sessions, conferences and people, an album of photos and approved comments, so a
    query per row would show in the counts."""
    bodies = list(Body.objects.filter(internal=False)[:3])
    sessions = list(Session.objects.filter(internal=False)[:3])
    conferences = list(Conference.objects.all()[:2])
    people = list(Person.objects.filter(public=True)[:3])
    tags = list(Tag.objects.all())
    for index in range(count):
        article = article_add(
            f"{prefix}-{index}",
            texts={lang: "published" for lang in ("ko", "en", "ru", "zh", "de")},
            publish_at=start - dt.timedelta(hours=index),
            author_person=people[0].slug,
        )
        article.tags.set(tags)
        article.about_bodies.set(bodies)
        article.about_sessions.set(sessions)
        article.about_conferences.set(conferences)
        article.about_people.set(people)
        album = Album.objects.create(
            slug=f"{prefix}-{index}", title={"en": "Pictures"}, article=article
        )
        for position in range(3):
            Photo.objects.create(
                album=album,
                image=f"photos/{prefix}-{index}-{position}.jpg",
                thumbnail=f"photos/thumbnails/{prefix}-{index}-{position}.jpg",
                caption={"en": f"Photo {position}"},
                position=position,
            )
        for number in range(3):
            Comment.objects.create(
                article=article,
                lang="en",
                name=f"Reader {number}",
                body="Thank you.",
                status="approved",
                created_at=start,
            )


def grow_about(slug: str, count: int) -> None:
    """Link the article ``slug`` to ``count`` more public people, and give it photos and
    comments, so a query per link would show."""
    article = Article.objects.get(slug=slug)
    start = article.about_people.filter(slug__startswith="reader-").count()
    for index in range(start, start + count):
        person = Person.objects.create(slug=f"reader-{index}", name=f"Reader {index}", public=True)
        article.about_people.add(person)
        Comment.objects.create(
            article=article,
            lang="en",
            name=f"Reader {index}",
            body="Thank you.",
            status="approved",
            created_at=PAST,
        )
    album = Album.objects.create(
        slug=f"{slug}-album-{start}", title={"en": "Pictures"}, article=article
    )
    for position in range(start, start + count):
        Photo.objects.create(
            album=album,
            image=f"photos/{slug}-{position}.jpg",
            thumbnail=f"photos/thumbnails/{slug}-{position}.jpg",
            caption={"en": f"Photo {position}"},
            position=position,
        )

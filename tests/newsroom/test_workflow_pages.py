"""The workspace pages: an editor writes and sends, tanya translates, an editor reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.services import user_add
from chapterhouse.newsroom.models import (
    Article,
    ArticleTranslation,
    LanguageDesk,
    TranslationAssignment,
)
from chapterhouse.registry.models import Body
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

LANGUAGES = ("ko", "en", "ru", "zh", "de")


def today() -> dt.date:
    return timezone.now().date()


def in_days(days: int) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


def account(email: str, *grants: tuple[str, str]) -> Any:
    return user_add(
        viewer=ADMIN,
        via="cli",
        email=email,
        grants=[(role, Body.objects.get(slug=body)) for role, body in grants],
        on=dt.date(2000, 1, 1),
        at=timezone.now(),
    )


@pytest.fixture
def desks(personas: dict[str, Any]) -> None:
    """The media department (dept-3), where tanya translates, keeps every language's desk."""
    dept = Body.objects.get(slug="dept-3")
    for lang in LANGUAGES:
        LanguageDesk.objects.create(lang=lang, body=dept)


@pytest.fixture
def erin(desks: None) -> Any:
    """An editor of the media department, so of its press bureau too."""
    return account("erin@chapterhouse.test", ("editor", "dept-3"))


def client_for(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def article_values(**changes: str) -> dict[str, str]:
    values = {
        "source_language": "en",
        "slug": "bureau-news",
        "title": "The bureau opens an office",
        "lead": "A new office in Almaty.",
        "body": "The press bureau opened an office.\n\nIt is open on weekdays.",
        "category": "statements",
        "tags": "gc-5",
        "author_body": "press-bureau",
        "author_person": "",
        "about_bodies": "ec-kz, soc-steppe",
        "about_sessions": "gc5-d2",
        "about_conferences": "gc-5",
        "about_people": "irina-volkova",
        "publish_at": "",
    }
    return {**values, **changes}


def test_the_whole_story_from_writing_to_publishing_a_translation(
    personas: dict[str, Any], erin: Any
) -> None:
    editor = client_for(erin)
    response = editor.post("/newsroom/articles/new/", article_values())
    assert response.status_code == 302
    assert response["Location"] == "/newsroom/articles/bureau-news/"
    article = Article.objects.get(slug="bureau-news")
    assert article.author_body.slug == "press-bureau"
    assert sorted(article.about_bodies.values_list("slug", flat=True)) == ["ec-kz", "soc-steppe"]
    assert article.translations.get(lang="en").status == "draft"

    response = editor.post("/newsroom/articles/bureau-news/publish/", {"publish_at": ""})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.publish_at is not None
    assert article.translations.get(lang="en").status == "published"

    response = editor.post("/newsroom/articles/bureau-news/send/", {"due": in_days(3)}, follow=True)
    page = response.content.decode()
    assert "Sent to translation" in page
    assert sorted(TranslationAssignment.objects.values_list("lang", flat=True)) == [
        "de",
        "ko",
        "ru",
        "zh",
    ]

    tanya = client_for(personas["tanya"])
    queue = tanya.get("/newsroom/queue/").content.decode()
    assert queue.count("The bureau opens an office") == 4
    german = TranslationAssignment.objects.get(lang="de")
    assert tanya.post(f"/newsroom/assignments/{german.pk}/claim/").status_code == 302
    german.refresh_from_db()
    assert (german.status, german.claimed_by) == ("claimed", personas["tanya"])

    form = tanya.get(f"/newsroom/assignments/{german.pk}/").content.decode()
    assert "The press bureau opened an office." in form
    assert "Submit for review" in form
    response = tanya.post(
        f"/newsroom/assignments/{german.pk}/",
        {"title": "Das Büro eröffnet", "lead": "", "body": "Das Büro hat ein Büro.\n\nWerktags."},
    )
    assert response.status_code == 302
    assert ArticleTranslation.objects.get(article=article, lang="de").status == "in_review"
    twice = tanya.post(
        f"/newsroom/assignments/{german.pk}/",
        {"title": "Noch einmal", "lead": "", "body": ""},
        follow=True,
    )
    assert "This assignment is submitted: there is nothing to submit." in twice.content.decode()

    assert "Das Büro eröffnet" not in editor.get("/newsroom/review/").content.decode()
    assert "The bureau opens an office" in editor.get("/newsroom/review/").content.decode()
    review = editor.get(f"/newsroom/assignments/{german.pk}/review/").content.decode()
    assert "Das Büro eröffnet" in review

    response = editor.post(
        f"/newsroom/assignments/{german.pk}/review/",
        {"action": "return", "note": "Büro twice: say Pressebüro."},
    )
    assert response.status_code == 302
    german.refresh_from_db()
    assert german.status == "claimed"
    assert ArticleTranslation.objects.get(article=article, lang="de").status == "in_translation"
    assert AuditEntry.objects.get(action="return").after["note"] == "Büro twice: say Pressebüro."
    page = tanya.get(f"/newsroom/assignments/{german.pk}/").content.decode()
    assert "Büro twice: say Pressebüro." in page
    assert "Das Büro eröffnet" in page  # the text sent back is there to be corrected

    tanya.post(
        f"/newsroom/assignments/{german.pk}/",
        {"title": "Das Pressebüro eröffnet", "lead": "", "body": "Das Pressebüro eröffnet."},
    )
    response = editor.post(f"/newsroom/assignments/{german.pk}/review/", {"action": "approve"})
    assert response.status_code == 302
    german.refresh_from_db()
    assert german.status == "approved"
    published = ArticleTranslation.objects.get(article=article, lang="de")
    assert (published.title, published.status) == ("Das Pressebüro eröffnet", "published")

    coverage = editor.get("/newsroom/coverage/").content.decode()
    assert "The bureau opens an office" in coverage
    assert f'href="/newsroom/assignments/{german.pk}/"' in coverage


def test_editing_the_source_outdates_a_translation_and_the_translator_sees_what_changed(
    personas: dict[str, Any], erin: Any
) -> None:
    editor = client_for(erin)
    article = Article.objects.get(slug="gc5-opens")
    source = article.translations.get(lang="en")
    first, second = source.body.split("\n\n")
    new_body = "\n\n".join(
        [first, second.replace("24 May", "25 May") + " <script>alert(1)</script>"]
    )
    values = {
        **article_values(
            title=source.title,
            lead=source.lead,
            body=new_body,
            category="conference-news",
            about_bodies="council",
            about_sessions="gc5-d1",
            about_people="irina-volkova",
        ),
        "source_language": "en",
        "slug": "gc5-opens",
    }
    response = editor.post("/newsroom/articles/gc5-opens/edit/", values, follow=True)
    assert "now outdated" in response.content.decode()
    assert article.translations.get(lang="ru").status == "outdated"

    editor.post("/newsroom/articles/gc5-opens/send/", {"due": in_days(2)})
    russian = TranslationAssignment.objects.get(article=article, lang="ru")
    tanya = client_for(personas["tanya"])
    tanya.post(f"/newsroom/assignments/{russian.pk}/claim/")

    page = tanya.get(f"/newsroom/assignments/{russian.pk}/").content.decode()
    assert "The source text changed since this translation was made" in page
    assert page.count("paragraph--changed") == 1
    assert "<del>24</del><ins>25</ins>" in page
    # The added words are shown as text, never as markup.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in page
    assert "<script>alert" not in page
    # The old translation is there to be corrected.
    assert "Открылась 5-я генеральная конференция" in page


def test_a_new_article_refuses_bad_input_with_clear_messages(erin: Any) -> None:
    editor = client_for(erin)
    cases = [
        ({"source_language": "xx"}, "Select a valid choice"),
        ({"title": "  "}, "This field is required"),
        ({"slug": "gc5-opens"}, "exists already"),
        ({"slug": "Not A Slug"}, "lower-case letters"),
        ({"slug": "new"}, "is reserved"),
        ({"about_bodies": "ec-kz, atlantis"}, "No body with the id(s): atlantis."),
        ({"about_people": "nobody-at-all"}, "No person with the id(s): nobody-at-all."),
        ({"tags": "gc-5, nope"}, "No tag with the id(s): nope."),
        ({"author_body": "", "author_person": ""}, "name the article&#x27;s author"),
        ({"author_person": "irina-volkova"}, "a person or a body, not both"),
        ({"publish_at": "tomorrow"}, "Enter a valid date/time"),
        # An editor of dept-3 does not write in the Kazakh committee's name.
        ({"author_body": "ec-kz"}, "only editors of the body named as the author"),
    ]
    for changes, message in cases:
        response = editor.post("/newsroom/articles/new/", article_values(**changes))
        assert response.status_code == 200, changes
        assert message in response.content.decode(), changes
    assert not Article.objects.filter(slug="bureau-news").exists()


def test_the_preview_renders_the_text_sanitized_without_saving(erin: Any) -> None:
    response = client_for(erin).post(
        "/newsroom/articles/new/",
        {**article_values(body="**Bold** <script>x()</script>"), "preview": "1"},
    )
    page = response.content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>x()" not in page
    assert not Article.objects.filter(slug="bureau-news").exists()


def test_a_due_date_in_the_past_is_refused(erin: Any) -> None:
    response = client_for(erin).post("/newsroom/articles/gc5-opens/send/", {"due": in_days(-1)})
    assert response.status_code == 200
    assert "is in the past" in response.content.decode()
    assert not TranslationAssignment.objects.exists()


def test_claiming_twice_says_so_and_someone_elses_assignment_is_not_theirs(
    personas: dict[str, Any], erin: Any
) -> None:
    client_for(erin).post("/newsroom/articles/gc5-opens/send/", {"due": in_days(2)})
    german = TranslationAssignment.objects.get(lang="de")
    tanya = client_for(personas["tanya"])
    tanya.post(f"/newsroom/assignments/{german.pk}/claim/")
    again = tanya.post(f"/newsroom/assignments/{german.pk}/claim/", follow=True)
    assert "not open: it cannot be claimed" in again.content.decode()

    other = client_for(account("tom@chapterhouse.test", ("translator", "dept-3")))
    assert (
        "Submit for review" not in other.get(f"/newsroom/assignments/{german.pk}/").content.decode()
    )
    response = other.post(
        f"/newsroom/assignments/{german.pk}/", {"title": "Mine now", "lead": "", "body": ""}
    )
    assert response.status_code == 403
    assert not ArticleTranslation.objects.filter(title="Mine now").exists()


def test_who_may_do_what_in_the_workspace(personas: dict[str, Any], erin: Any) -> None:
    client_for(erin).post("/newsroom/articles/gc5-opens/send/", {"due": in_days(2)})
    german = TranslationAssignment.objects.get(lang="de")
    bob = client_for(personas["bob"])  # officer of ec-kz: not the desk, not the author
    assert bob.get(f"/newsroom/assignments/{german.pk}/").status_code == 403
    assert bob.get(f"/newsroom/assignments/{german.pk}/review/").status_code == 403
    assert bob.post(f"/newsroom/assignments/{german.pk}/claim/").status_code == 403
    assert bob.post("/newsroom/articles/gc5-opens/send/", {"due": in_days(2)}).status_code == 403
    mia = client_for(personas["mia"])
    assert mia.get("/newsroom/coverage/").status_code == 403
    assert Client().get("/newsroom/queue/").status_code == 302
    # The translator may not review; the editor of the desk body may.
    tanya = client_for(personas["tanya"])
    assert tanya.get(f"/newsroom/assignments/{german.pk}/review/").status_code == 403
    assert client_for(erin).get(f"/newsroom/assignments/{german.pk}/review/").status_code == 200


def test_coverage_marks_overdue_cells_in_words_and_filters(
    personas: dict[str, Any], erin: Any
) -> None:
    client_for(erin).post("/newsroom/articles/gc5-opens/send/", {"due": in_days(1)})
    TranslationAssignment.objects.filter(lang="de").update(due=today() - dt.timedelta(days=2))
    editor = client_for(erin)
    page = editor.get("/newsroom/coverage/").content.decode()
    assert page.count("cell--overdue") == 1
    assert page.count('class="overdue-flag">Overdue<') == 1

    def titles(query: str) -> list[str]:
        page = editor.get(f"/newsroom/coverage/?{query}").content.decode()
        return [
            slug
            for slug in ("gc5-opens", "gc5-steppe-day", "gc5-closing-statement")
            if f"/newsroom/articles/{slug}/" in page
        ]

    assert titles("status=overdue") == ["gc5-opens"]
    assert titles("status=outdated") == ["gc5-steppe-day"]
    assert titles("body=ec-kz") == []  # written by a person, sent to nobody in ec-kz
    assert titles("body=dept-3") == ["gc5-opens"]  # its press bureau, and the desk
    assert titles("body=council") == ["gc5-opens", "gc5-closing-statement"]
    assert titles("start=2025-05-19&end=2025-05-21") == ["gc5-steppe-day"]
    assert titles(f"start={today().isoformat()}") == ["gc5-opens", "gc5-closing-statement"]
    bad = editor.get("/newsroom/coverage/?start=2025-06-01&end=2025-05-01")
    assert "The period ends before it starts." in bad.content.decode()


def grow(count: int, start: int = 0) -> None:
    """Add `count` articles, each with two texts and an assignment per missing language."""
    dept = Body.objects.get(slug="dept-3")
    now = timezone.now()
    for index in range(start, start + count):
        article = Article.objects.create(
            slug=f"grown-{index}", source_language="en", author_body=dept, publish_at=now
        )
        ArticleTranslation.objects.create(
            article=article, lang="en", title=f"Grown {index}", status="published"
        )
        ArticleTranslation.objects.create(
            article=article, lang="ru", title=f"Выросло {index}", status="in_review"
        )
        for lang in ("ko", "zh", "de"):
            TranslationAssignment.objects.create(
                article=article, lang=lang, body=dept, due=today(), created_at=now
            )
        TranslationAssignment.objects.create(
            article=article,
            lang="ru",
            body=dept,
            due=today(),
            created_at=now,
            status="submitted",
            submitted_at=now,
        )


def test_queue_coverage_and_review_run_a_fixed_number_of_queries(
    personas: dict[str, Any], erin: Any, django_assert_num_queries: Any
) -> None:
    # Two queries make a warm signed-in request (organization, user: the session comes from
    # the cache, the viewer and the second factor from the process's memo, see
    # core.generations; a first request also reads the device, account, grants and body
    # tree); the page's own follow.
    tanya, editor = client_for(personas["tanya"]), client_for(erin)
    pages = [
        (tanya, "/newsroom/queue/", 3),
        (editor, "/newsroom/coverage/", 7),
        (editor, "/newsroom/coverage/?body=dept-3&start=2025-01-01&status=open", 7),
        (editor, "/newsroom/review/", 3),
    ]
    grow(2)
    for client, url, _count in pages:
        client.get(url)  # warm
    for client, url, count in pages:
        with django_assert_num_queries(count):
            assert "Grown 1" in client.get(url).content.decode(), url
    grow(40, start=2)
    for client, url, count in pages:
        with django_assert_num_queries(count):
            assert "Grown 41" in client.get(url).content.decode(), url


def test_the_article_page_draws_its_readers_per_day(erin: Any) -> None:
    import datetime as dt
    import re

    from django.utils import timezone

    from chapterhouse.newsroom.models import ArticleViewDay

    article = Article.objects.get(slug="gc5-opens")
    today = timezone.now().date()
    ArticleViewDay.objects.create(article=article, day=today, count=12)
    ArticleViewDay.objects.create(article=article, day=today - dt.timedelta(days=3), count=3)
    ArticleViewDay.objects.create(article=article, day=today - dt.timedelta(days=45), count=99)

    page = client_for(erin).get("/newsroom/articles/gc5-opens/").content.decode()

    chart = page[page.index('class="views-chart__svg"') :]
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', chart)]
    assert len(heights) == 30  # one bar a day, the last 30 days
    assert heights[-1] > heights[-4] > 0  # today's 12 is taller than the 3 of three days ago
    assert heights.count(0.0) == 28
    assert "15 readers" in page  # the day 45 days ago is outside the period

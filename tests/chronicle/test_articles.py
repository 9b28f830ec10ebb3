"""The Chronicle's `articles` section: import, refusal with a JSON path, export."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

from chapterhouse.chronicle.exporter import chronicle_export
from chapterhouse.chronicle.importer import ChronicleInvalid, chronicle_import
from chapterhouse.core.chronicle_schema import chronicle_json_schema
from chapterhouse.custody.access import ANONYMOUS
from chapterhouse.newsroom.models import Article, ArticleTranslation
from tests.conftest import DEMO_FILE

pytestmark = pytest.mark.django_db

DEMO: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
NOW = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


def demo_with(tmp_path: Path, change: Any) -> Path:
    """Write the demo with ``change(document)`` applied; return its path."""
    document = copy.deepcopy(DEMO)
    change(document)
    path = tmp_path / "changed.chronicle.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def errors_of(path: Path) -> list[tuple[str, str, Any]]:
    with pytest.raises(ChronicleInvalid) as caught:
        chronicle_import(path)
    return [(e.path, e.message, e.value) for e in caught.value.errors]


def export(**options: Any) -> dict[str, Any]:
    out = io.StringIO()
    chronicle_export(out, **options)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def article(document: dict[str, Any], slug: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in document["articles"] if a["id"] == slug)
    return found


def test_the_demo_articles_import_with_every_language(demo: None) -> None:
    steppe = Article.objects.get(slug="gc5-steppe-day")
    assert steppe.source_language == "ru"
    assert steppe.author_person is not None and steppe.author_person.slug == "aigerim-bekova"
    assert sorted(b.slug for b in steppe.about_bodies.all()) == ["ec-kz", "soc-steppe"]
    assert [s.slug for s in steppe.about_sessions.all()] == ["gc5-d2"]
    assert sorted(t.slug for t in steppe.tags.all()) == ["gc-5", "youth"]
    assert steppe.translations.get(lang="zh").status == "outdated"
    closing = Article.objects.get(slug="gc5-closing-statement")
    # Written with a +09:00 offset, kept as the moment it is.
    assert closing.publish_at == dt.datetime(2029, 12, 31, 15, tzinfo=dt.UTC)


def test_the_full_export_gives_back_the_articles_as_written(demo: None) -> None:
    exported = export()
    assert exported["categories"] == DEMO["categories"]
    assert exported["tags"] == DEMO["tags"]
    assert article(exported, "gc5-opens") == article(DEMO, "gc5-opens")
    closing = article(exported, "gc5-closing-statement")
    assert closing["publish_at"] == "2029-12-31T15:00:00Z"
    assert closing["translations"] == article(DEMO, "gc5-closing-statement")["translations"]


def test_an_exported_chronicle_imports_to_the_same_articles(demo: None, tmp_path: Path) -> None:
    first = io.StringIO()
    chronicle_export(first)
    path = tmp_path / "again.json"
    path.write_text(first.getvalue(), encoding="utf-8")
    result = chronicle_import(path)
    assert result.counts["articles"].unchanged == 3
    assert result.counts["articles"].updated == 0


def test_importing_changed_texts_updates_and_drops_a_removed_translation(
    demo: None, tmp_path: Path
) -> None:
    def change(document: dict[str, Any]) -> None:
        texts = article(document, "gc5-opens")["translations"]
        texts["en"]["body"] = "A new first paragraph.\n\n" + texts["en"]["body"]
        texts["de"]["title"] = "Die 5. Generalkonferenz beginnt"
        del texts["zh"]

    result = chronicle_import(demo_with(tmp_path, change))
    assert result.counts["articles"].updated == 1
    opens = Article.objects.get(slug="gc5-opens")
    assert sorted(opens.translations.values_list("lang", flat=True)) == ["de", "en", "ko", "ru"]
    german = opens.translations.get(lang="de")
    assert german.title == "Die 5. Generalkonferenz beginnt"
    # It was (re)made from the source as the file now has it.
    assert german.source_paragraphs[0] == "A new first paragraph."


def test_the_public_export_has_only_published_texts_of_articles_already_out(
    demo: None,
) -> None:
    public = export(viewer=ANONYMOUS, at=NOW)
    assert [a["id"] for a in public["articles"]] == ["gc5-opens", "gc5-steppe-day"]
    assert sorted(article(public, "gc5-opens")["translations"]) == ["en", "ko", "ru"]
    assert sorted(article(public, "gc5-steppe-day")["translations"]) == ["en", "ru"]
    # Before the first article's moment, nothing is out yet.
    early = export(viewer=ANONYMOUS, at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC))
    assert "articles" not in early
    # Without a moment to judge by, a restricted export holds no article.
    assert "articles" not in export(viewer=ANONYMOUS)


def test_the_public_export_leaves_hidden_people_out_of_an_article(demo: None) -> None:
    ArticleTranslation.objects.filter(article__slug="gc5-opens").update(status="published")
    opens = Article.objects.get(slug="gc5-opens")
    opens.about_people.add(Article.about_people.rel.model.objects.get(slug="olga-smirnova"))
    public = export(viewer=ANONYMOUS, at=NOW)
    assert article(public, "gc5-opens")["about"]["people"] == ["irina-volkova"]
    assert article(export(), "gc5-opens")["about"]["people"] == ["irina-volkova", "olga-smirnova"]


def test_the_public_export_imports_into_an_empty_database(demo: None, tmp_path: Path) -> None:
    out = io.StringIO()
    chronicle_export(out, viewer=ANONYMOUS, at=NOW)
    path = tmp_path / "public.json"
    path.write_text(out.getvalue(), encoding="utf-8")
    Article.objects.all().delete()
    result = chronicle_import(path)
    assert result.counts["articles"].created == 2


@pytest.mark.parametrize(
    ("change", "path", "message", "value"),
    [
        (
            lambda a: a["about"]["people"].append("nobody"),
            "articles[0].about.people[1]",
            "no person with this id",
            "nobody",
        ),
        (
            lambda a: a["about"]["sessions"].append("gc5-d9"),
            "articles[0].about.sessions[1]",
            "no session with this id",
            "gc5-d9",
        ),
        (
            lambda a: a.update(author={"body": "dept-99"}),
            "articles[0].author.body",
            "no body with this id",
            "dept-99",
        ),
        (
            lambda a: a.update(author={"person": "nobody"}),
            "articles[0].author.person",
            "no person with this id",
            "nobody",
        ),
        (
            lambda a: a.update(category="sports"),
            "articles[0].category",
            "no category with this id",
            "sports",
        ),
        (
            lambda a: a.update(tags=["gc-5", "weather"]),
            "articles[0].tags[1]",
            "no tag with this id",
            "weather",
        ),
        (
            lambda a: a["translations"].update(fr={"title": "Ouverture", "status": "draft"}),
            "articles[0].translations.fr",
            "not one of the organization's languages (ko, en, ru, zh, de)",
            "fr",
        ),
    ],
    ids=["person", "session", "author-body", "author-person", "category", "tag", "language"],
)
def test_a_bad_reference_in_an_article_is_refused_with_its_path(
    change: Any, path: str, message: str, value: Any, db: None, tmp_path: Path
) -> None:
    errors = errors_of(demo_with(tmp_path, lambda d: change(d["articles"][0])))
    assert errors == [(path, message, value)]
    assert not Article.objects.exists()


def test_an_article_without_its_source_text_is_refused(db: None, tmp_path: Path) -> None:
    errors = errors_of(demo_with(tmp_path, lambda d: d["articles"][1]["translations"].pop("ru")))
    assert len(errors) == 1
    assert errors[0][0] == "articles[1]"
    assert "expected a translation for the source language 'ru'" in errors[0][1]


def test_an_unknown_status_or_a_naive_moment_is_refused(db: None, tmp_path: Path) -> None:
    def change(document: dict[str, Any]) -> None:
        document["articles"][0]["translations"]["de"]["status"] = "approved"
        document["articles"][1]["publish_at"] = "2025-05-20 15:30"
        document["articles"][2]["author"] = {"person": "park-minjun", "body": "council"}

    paths = [path for path, _message, _value in errors_of(demo_with(tmp_path, change))]
    assert paths == [
        "articles[0].translations.de.status",
        "articles[1].publish_at",
        "articles[2].author",
    ]
    assert not Article.objects.exists()


def test_the_schema_describes_articles_categories_and_tags() -> None:
    schema = chronicle_json_schema()
    assert {"articles", "categories", "tags"} <= set(schema["properties"])
    article_schema = schema["$defs"]["Article"]
    assert set(article_schema["required"]) == {"id", "source_language", "translations"}
    assert set(schema["$defs"]["ArticleText"]["properties"]["status"]["enum"]) == {
        "draft",
        "in_translation",
        "in_review",
        "published",
        "outdated",
    }

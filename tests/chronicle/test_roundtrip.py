"""Export is the inverse of import: import → export → import → export is stable."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapterhouse.chronicle.exporter import chronicle_export
from chapterhouse.chronicle.importer import chronicle_import

pytestmark = pytest.mark.django_db

KINDS = ["department", "bureau", "executive_committee", "primary_cell", "working_group"]
ROLES = ["head", "member", "secretary", "adviser"]
LANGS = ["en", "ru", "de", "zh", "ko"]

words = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz АБВГДежзи中文한국", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
texts = st.one_of(words, st.dictionaries(st.sampled_from(LANGS), words, min_size=1, max_size=3))


contacts = st.fixed_dictionaries(
    {},
    optional={
        "email": st.from_regex(r"[a-z0-9.]{1,10}@[a-z]{1,8}\.(org|test|kz)", fullmatch=True),
        "phone": st.from_regex(r"\+[0-9]{1,3} [0-9]{3} [0-9]{4}", fullmatch=True),
        "address": words,
        "messenger": words,
    },
)


def day(offset: int) -> str:
    return (dt.date(2001, 1, 1) + dt.timedelta(days=offset)).isoformat()


@st.composite
def chronicles(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a valid Chronicle: a body tree, people, standing terms, and decisions."""
    n_bodies = draw(st.integers(1, 6))
    bodies = []
    for i in range(n_bodies):
        body: dict[str, Any] = {
            "id": f"body-{i}",
            "kind": "coordination_committee" if i == 0 else draw(st.sampled_from(KINDS)),
            "name": draw(texts),
            "founded": draw(st.sampled_from(["1990", "1995-03", "2000-01-01"])),
        }
        if i:
            body["parent"] = f"body-{draw(st.integers(0, i - 1))}"
        if draw(st.booleans()):
            body["mandates"] = draw(
                st.lists(st.sampled_from(["press", "safety", "youth"]), unique=True, max_size=2)
            )
        if draw(st.booleans()):
            body["aliases"] = [draw(texts)]
        if i and draw(st.booleans()):
            body["internal"] = draw(st.booleans())
        bodies.append(body)
    n_people = draw(st.integers(1, 5))
    people = []
    for i in range(n_people):
        person: dict[str, Any] = {
            "id": f"person-{i}",
            "name": draw(words),
            "public": draw(st.booleans()),
        }
        if draw(st.booleans()):
            person["names"] = [{"name": draw(words), "lang": "ru", "kind": "native"}]
        if draw(st.booleans()):
            person["born"] = draw(st.sampled_from(["1970", "1981-04", "1990-12-31"]))
        if draw(st.booleans()):
            person["custodian"] = f"body-{draw(st.integers(0, n_bodies - 1))}"
        if draw(st.booleans()):
            person["contact"] = draw(contacts)
        if draw(st.booleans()):
            person["notes"] = draw(words)
        if draw(st.booleans()):
            affiliation: dict[str, Any] = {"partner": "friends", "title": draw(texts)}
            if draw(st.booleans()):
                affiliation["private"] = draw(st.booleans())
            person["affiliations"] = [affiliation]
        people.append(person)
    triples = draw(
        st.lists(
            st.tuples(
                st.integers(0, n_people - 1), st.integers(0, n_bodies - 1), st.sampled_from(ROLES)
            ),
            unique=True,
            max_size=8,
        )
    )
    terms = []
    open_terms = []
    for p, b, role in triples:
        start = draw(st.integers(0, 2000))
        term: dict[str, Any] = {
            "person": f"person-{p}",
            "body": f"body-{b}",
            "role": role,
            "start": day(start),
        }
        shape = draw(st.sampled_from(["open", "end", "length"]))
        if shape == "end":
            term["end"] = day(start + draw(st.integers(1, 900)))
        elif shape == "length":
            term["term_length"] = draw(st.sampled_from(["P1Y", "P6M", "P2Y"]))
        else:
            open_terms.append(term)
        if draw(st.booleans()):
            term["how"] = draw(st.sampled_from(["elected", "appointed", "founding"]))
        terms.append(term)
    session = {
        "id": "s-1",
        "title": draw(texts),
        "date": "2010-06-01",
        "hosts": [f"body-{draw(st.integers(0, n_bodies - 1))}"],
        "format": "hybrid",
        "attendees": [{"person": "person-0", "role": "chair"}],
        "documents": [
            {
                "id": "doc-1",
                "kind": "minutes",
                "title": draw(texts),
                "author": "person-0",
                "text": draw(texts),
                "internal": draw(st.booleans()),
            }
        ],
        "internal": draw(st.booleans()),
    }
    effects: list[dict[str, Any]] = []
    if open_terms and draw(st.booleans()):
        victim = open_terms[0]
        effects.append(
            {
                "op": "end_term",
                "person": victim["person"],
                "body": victim["body"],
                "role": victim["role"],
                "reason": "resigned",
            }
        )
    used = {(t["person"], t["body"], t["role"]) for t in terms}
    fresh = [
        (f"person-{p}", f"body-{b}", "representative")
        for p in range(n_people)
        for b in range(n_bodies)
    ]
    if draw(st.booleans()):
        person, body_id, role = fresh[0]
        if (person, body_id, role) not in used:
            effects.append(
                {
                    "op": "start_term",
                    "person": person,
                    "body": body_id,
                    "role": role,
                    "how": "appointed",
                    "term_length": "P1Y",
                }
            )
    if draw(st.booleans()):
        effects.append({"op": "rename_body", "body": "body-0", "name": draw(texts)})
    if draw(st.booleans()):
        effects.append(
            {
                "op": "found_body",
                "body": {
                    "id": "new-cell",
                    "kind": "primary_cell",
                    "parent": "body-0",
                    "name": draw(texts),
                },
            }
        )
    if draw(st.booleans()):
        effects.append({"op": "award", "person": "person-0", "honour": "badge"})
    if draw(st.booleans()):
        effects.append(
            {
                "op": "assign_task",
                "task": {
                    "id": "t-1",
                    "title": draw(texts),
                    "assignees": [{"body": "body-0"}],
                    "due": "2011",
                    "status": "open",
                },
            }
        )
    if draw(st.booleans()):
        effects.append({"op": "sign_agreement", "agreement": "treaty"})
    status = draw(st.sampled_from(["adopted", "adopted", "proposed", "rejected"]))
    articles = [draw(article(i, n_bodies, n_people)) for i in range(draw(st.integers(0, 3)))]
    # Our extension: some mandate ids get names, others stay named by their ids.
    named = draw(st.lists(st.sampled_from(["press", "safety", "youth"]), unique=True, max_size=2))
    return {
        "chronicle": 1,
        "organization": {"name": draw(texts), "languages": ["en", "ru"], "default_language": "en"},
        **({"mandates": [{"id": slug, "name": draw(texts)} for slug in named]} if named else {}),
        "bodies": bodies,
        "people": people,
        "terms": terms,
        "partners": [{"id": "friends", "name": draw(texts), "kind": "union", "country": "KZ"}],
        "honours": [{"id": "badge", "name": draw(texts), "kind": "badge"}],
        "agreements": [
            {
                "id": "treaty",
                "title": draw(texts),
                "parties": ["self", "friends"],
                "status": "in_development",
            }
        ],
        "sessions": [session],
        "decisions": [
            {
                "id": "d-1",
                "session": "s-1",
                "kind": "other",
                "status": status,
                "effects": effects,
                "internal": draw(st.booleans()),
            }
        ],
        "categories": [{"id": "news", "name": draw(texts)}],
        "tags": [{"id": "youth", "name": draw(texts)}, {"id": "press", "name": draw(texts)}],
        "articles": articles,
    }


markdown = st.lists(words, min_size=1, max_size=3).map("\n\n".join)
translation_statuses = st.sampled_from(
    ["draft", "in_translation", "in_review", "published", "outdated"]
)


@st.composite
def article(draw: st.DrawFn, index: int, n_bodies: int, n_people: int) -> dict[str, Any]:
    """Draw an article in the organization's languages (en, ru) naming drawn records."""
    source = draw(st.sampled_from(["en", "ru"]))
    languages = [source, *draw(st.lists(st.sampled_from(["en", "ru"]), max_size=1))]
    translations = {}
    for lang in languages:
        text: dict[str, Any] = {"title": draw(words), "status": draw(translation_statuses)}
        if draw(st.booleans()):
            text["lead"] = draw(words)
        if draw(st.booleans()):
            text["body"] = draw(markdown)
        translations[lang] = text
    item: dict[str, Any] = {
        "id": f"article-{index}",
        "source_language": source,
        "translations": translations,
    }
    if draw(st.booleans()):
        item["category"] = "news"
    if draw(st.booleans()):
        item["tags"] = draw(st.lists(st.sampled_from(["press", "youth"]), unique=True, min_size=1))
    if draw(st.booleans()):
        moment = dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(
            minutes=draw(st.integers(0, 10**6))
        )
        item["publish_at"] = moment.isoformat().replace("+00:00", "Z")
    author = draw(st.sampled_from(["none", "person", "body"]))
    if author == "person":
        item["author"] = {"person": f"person-{draw(st.integers(0, n_people - 1))}"}
    elif author == "body":
        item["author"] = {"body": f"body-{draw(st.integers(0, n_bodies - 1))}"}
    about: dict[str, Any] = {}
    if draw(st.booleans()):
        about["bodies"] = [f"body-{draw(st.integers(0, n_bodies - 1))}"]
    if draw(st.booleans()):
        about["sessions"] = ["s-1"]
    if draw(st.booleans()):
        about["people"] = sorted({f"person-{draw(st.integers(0, n_people - 1))}" for _ in range(2)})
    if about:
        item["about"] = about
    return item


def export_text() -> str:
    out = io.StringIO()
    chronicle_export(out)
    return out.getvalue()


class Rollback(Exception):
    """Raised to undo one example's writes."""


def import_into_empty(text: str, tmp_path: Path) -> str:
    """Import ``text`` into an empty database, export, then roll back; return the export."""
    path = tmp_path / "chronicle.json"
    path.write_text(text, encoding="utf-8")
    exported = ""
    try:
        with transaction.atomic():
            chronicle_import(path)
            exported = export_text()
            raise Rollback
    except Rollback:
        pass
    return exported


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=chronicles())
def test_import_export_import_export_is_stable(data: dict[str, Any], tmp_path: Path) -> None:
    first = import_into_empty(json.dumps(data, ensure_ascii=False), tmp_path)
    second = import_into_empty(first, tmp_path)
    assert json.loads(second) == json.loads(first)
    assert first == second
    assert custody_fields(json.loads(first)) == custody_fields(data)
    # Tags are a set: the export lists them in id order.
    drawn = [{**a, "tags": sorted(a["tags"])} if "tags" in a else a for a in data["articles"]]
    assert json.loads(first).get("articles", []) == drawn
    assert json.loads(first).get("mandates") == data.get("mandates")


def custody_fields(chronicle: dict[str, Any]) -> dict[str, Any]:
    """Return our custody extensions in a Chronicle (contact, notes, private, internal)."""
    people = {
        p["id"]: (
            p.get("contact") or None,
            p.get("notes"),
            [bool(a.get("private")) for a in p.get("affiliations", [])],
        )
        for p in chronicle["people"]
    }
    internal = {
        item["id"]: bool(item.get("internal"))
        for section in ("bodies", "sessions", "decisions")
        for item in chronicle.get(section, [])
    }
    documents = {
        d["id"]: bool(d.get("internal"))
        for session in chronicle.get("sessions", [])
        for d in session.get("documents", [])
    }
    return {"people": people, "internal": internal, "documents": documents}


def test_the_demo_exports_to_what_it_imported(demo_file: Path, tmp_path: Path) -> None:
    original = json.loads(demo_file.read_text(encoding="utf-8"))
    exported = json.loads(import_into_empty(demo_file.read_text(encoding="utf-8"), tmp_path))
    for section, items in original.items():
        if isinstance(items, list):
            key = "id" if items and "id" in items[0] else None
            if key:
                assert sorted(i[key] for i in exported[section]) == sorted(i[key] for i in items)
            else:
                assert len(exported[section]) == len(items), section
    irina = next(p for p in exported["people"] if p["id"] == "irina-volkova")
    assert irina["born"] == "1961-08-29"
    kenji = next(t for t in exported["terms"] if t["person"] == "kenji-sato")
    assert kenji["end"] == "2025-05-17"

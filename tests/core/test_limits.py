"""Every length and size is checked at the door, the same way on SQLite and PostgreSQL:
an over-long value is a clear 400 or validation error naming the field, and nothing is
stored (core/limits.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction

from chapterhouse.chronicle.importer import ChronicleInvalid, chronicle_import
from chapterhouse.core import limits
from chapterhouse.core.chronicle_schema import Chronicle
from chapterhouse.core.write_schema import (
    DecisionChanges,
    DecisionFields,
    PersonChanges,
    PersonFields,
    SessionChanges,
    SessionFields,
)
from chapterhouse.registry.models import Body, Person
from tests.conftest import DEMO_FILE
from tests.custody.test_writes_api import as_user, patch, post

pytestmark = pytest.mark.django_db


def char_fields() -> list[tuple[type[models.Model], models.CharField]]:
    """Return every character field with a width, of every model of ours and the account."""
    found = []
    for model in apps.get_models():
        ours = model.__module__.startswith("chapterhouse.") or model._meta.label == "auth.User"
        if not ours or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and field.max_length:
                found.append((model, field))
    return found


def test_the_walk_finds_the_fields_that_matter():
    names = {f"{model._meta.label}.{field.name}" for model, field in char_fields()}
    assert {"registry.Person.name", "registry.Person.call_sign", "auth.User.username"} <= names


@pytest.mark.parametrize(
    "model, field",
    char_fields(),
    ids=lambda value: value._meta.label if isinstance(value, type) else value.name,
)
def test_every_model_refuses_a_value_longer_than_its_column(model, field):
    instance = model()
    setattr(instance, field.attname, "x" * (field.max_length + 1))

    with pytest.raises(ValidationError) as refused, transaction.atomic():
        instance.save()

    assert field.name in refused.value.message_dict
    assert f"at most {field.max_length} characters" in refused.value.message_dict[field.name][0]


def bounded_strings(schema: dict[str, Any], where: str = "") -> list[str]:
    """Return where in a JSON Schema a string may be of any length."""
    unbounded: list[str] = []
    if schema.get("type") == "string" and not (
        "maxLength" in schema or "enum" in schema or "const" in schema
    ):
        pattern = schema.get("pattern", "")
        # A pattern pinned at both ends without repetition bounds the length too.
        if not (pattern.startswith("^") and pattern.endswith("$") and "*" not in pattern):
            unbounded.append(where)
    # The sections of a whole Chronicle file (every person, every term) are bounded by
    # the file, not by a count; every list inside one object is capped.
    section = where.startswith(".properties.") and where.count(".") == 2
    if schema.get("type") == "array" and "maxItems" not in schema and not section:
        unbounded.append(f"{where}[]")
    for key, value in schema.items():
        if isinstance(value, dict):
            unbounded += bounded_strings(value, f"{where}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    unbounded += bounded_strings(item, f"{where}.{key}[{index}]")
    return unbounded


@pytest.mark.parametrize(
    "model",
    [
        Chronicle,
        PersonFields,
        PersonChanges,
        SessionFields,
        SessionChanges,
        DecisionFields,
        DecisionChanges,
    ],
    ids=lambda model: model.__name__,
)
def test_every_string_and_list_a_write_takes_has_a_limit(model):
    assert bounded_strings(model.model_json_schema()) == []


def test_the_schemas_allow_no_more_than_the_columns_hold():
    schema = PersonFields.model_json_schema()["properties"]
    for key in ("name", "given", "family", "patronymic", "call_sign"):
        column = Person._meta.get_field(key).max_length
        declared = schema[key].get("maxLength") or schema[key]["anyOf"][0]["maxLength"]
        assert declared == column, key


LONG_NAME = "N" * 400


def test_a_400_character_name_through_the_api_is_a_400_naming_the_field(client, personas):
    response = post(
        as_user(client, personas, "bob"),
        "/people",
        {"id": "long-name", "name": LONG_NAME, "custodian": "ec-kz"},
    )

    assert response.status_code == 400, response.content
    assert "name" in response.content.decode()
    assert "at most 300 characters, got 400" in response.content.decode()
    assert not Person.objects.filter(name=LONG_NAME).exists()


def test_patching_a_long_call_sign_is_a_400_and_changes_nothing(client, personas):
    before = Person.objects.get(slug="aigerim-bekova").call_sign
    response = patch(
        as_user(client, personas, "bob"), "/people/aigerim-bekova", {"call_sign": "C" * 201}
    )

    assert response.status_code == 400, response.content
    assert "call_sign" in response.content.decode()
    assert "at most 200 characters, got 201" in response.content.decode()
    assert Person.objects.get(slug="aigerim-bekova").call_sign == before


def test_a_100_mb_note_is_refused_before_it_reaches_the_database(client, personas, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None  # the schema's own cap, not the request's
    response = patch(
        as_user(client, personas, "bob"),
        "/people/aigerim-bekova",
        {"notes": "n" * (limits.NOTES_MAX_LENGTH + 1)},
    )

    assert response.status_code == 400
    assert "notes" in response.content.decode()


def test_a_request_body_over_the_upload_limit_is_a_clear_413_or_400(client, personas):
    response = patch(
        as_user(client, personas, "bob"),
        "/people/aigerim-bekova",
        {"notes": "n" * (5 * 1024 * 1024)},
    )

    assert response.status_code in (400, 413)
    assert "too large" in response.json()["detail"]


def test_the_web_form_refuses_a_long_call_sign_and_keeps_the_old(client, personas):
    before = Person.objects.get(slug="aigerim-bekova").call_sign
    response = as_user(client, personas, "bob").post(
        "/people/aigerim-bekova/edit/",
        {"name": "Aigerim Bekova", "call_sign": "C" * 201, "custodian": "ec-kz"},
    )

    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()
    assert Person.objects.get(slug="aigerim-bekova").call_sign == before


def chronicle_with(tmp_path, change) -> Any:
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "long.chronicle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_importer_names_the_json_path_of_a_long_name(db, tmp_path):
    def lengthen(data):
        data["people"][0]["name"] = LONG_NAME

    with pytest.raises(ChronicleInvalid) as refused:
        chronicle_import(chronicle_with(tmp_path, lengthen))

    errors = " ".join(str(error) for error in refused.value.errors)
    assert "people[0].name" in errors
    assert "at most 300 characters, got 400" in errors
    assert not Person.objects.exists()


def test_the_importer_refuses_a_body_with_200000_aliases(db, tmp_path):
    def alias(data):
        data["bodies"][0]["aliases"] = [f"alias {n}" for n in range(200_000)]

    with pytest.raises(ChronicleInvalid) as refused:
        chronicle_import(chronicle_with(tmp_path, alias))

    errors = " ".join(str(error) for error in refused.value.errors)
    assert "bodies[0].aliases" in errors
    assert str(limits.ITEMS_MAX) in errors
    assert not Body.objects.exists()

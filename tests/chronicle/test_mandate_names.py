"""The Chronicle's `mandates` vocabulary (our extension): mandate ids get names in every
language; files without it stay valid and their mandates are named by their ids."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from chapterhouse.chronicle.exporter import chronicle_export
from chapterhouse.chronicle.importer import ChronicleInvalid, chronicle_import
from chapterhouse.custody.access import ADMIN
from chapterhouse.custody.models import AuditEntry
from chapterhouse.registry.mandates import mandate_names
from chapterhouse.registry.models import Competence, Mandate

pytestmark = pytest.mark.django_db


def write(data: dict[str, Any], tmp_path: Path, name: str = "input.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def demo_data(demo_file: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(demo_file.read_text(encoding="utf-8"))
    return data


def exported() -> dict[str, Any]:
    out = io.StringIO()
    chronicle_export(out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_the_demo_names_every_mandate_it_uses_in_every_working_language(demo: None) -> None:
    used = set(Mandate.objects.values_list("slug", flat=True))
    names = mandate_names(used)

    assert set(names) == used
    for slug, name in names.items():
        assert isinstance(name, dict), slug
        assert set(name) == {"ko", "en", "ru", "zh", "de"}, slug
    assert names["event-logistics"]["ru"] == "Организация мероприятий"  # type: ignore[index]


def test_a_mandate_without_an_entry_is_named_by_its_id(demo: None) -> None:
    assert mandate_names(["security-of-activists", "statutes"]) == {
        "security-of-activists": "security-of-activists",
        "statutes": Competence.objects.get(slug="statutes").name,
    }


def test_mandate_names_asks_the_database_once(demo: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        mandate_names(["statutes", "publications", "unnamed"])
    with django_assert_num_queries(0):
        assert mandate_names([]) == {}


def test_a_file_without_the_vocabulary_still_imports(demo_file: Path, tmp_path: Path) -> None:
    data = demo_data(demo_file)
    del data["mandates"]

    chronicle_import(write(data, tmp_path))

    assert not Competence.objects.exists()
    assert mandate_names(["external-relations"]) == {"external-relations": "external-relations"}
    assert "mandates" not in exported()


def test_the_vocabulary_survives_a_round_trip(demo: None, demo_file: Path) -> None:
    assert exported()["mandates"] == demo_data(demo_file)["mandates"]


def test_a_bad_entry_is_refused_with_its_path_and_changes_nothing(
    demo_file: Path, tmp_path: Path
) -> None:
    data = demo_data(demo_file)
    data["mandates"][1] = {"id": "Event Logistics", "name": {"en": "Event logistics"}}
    data["mandates"].append({"id": "statutes", "name": "Statutes again"})
    data["mandates"].append({"id": "publicity"})

    with pytest.raises(ChronicleInvalid) as caught:
        chronicle_import(write(data, tmp_path))

    paths = {error.path for error in caught.value.errors}
    assert {"mandates[1].id", "mandates[4].id", "mandates[5].name"} <= paths
    assert not Competence.objects.exists()


def test_a_second_import_changes_nothing_and_a_rename_is_audited(
    demo: None, demo_file: Path, tmp_path: Path
) -> None:
    again = chronicle_import(demo_file)
    assert again.counts["mandates"].unchanged == 4

    data = demo_data(demo_file)
    entry = next(item for item in data["mandates"] if item["id"] == "statutes")
    entry["name"] = {**entry["name"], "en": "Statute"}
    result = chronicle_import(write(data, tmp_path), viewer=ADMIN, via="cli", at=timezone.now())

    assert result.counts["mandates"].updated == 1
    assert Competence.objects.get(slug="statutes").name["en"] == "Statute"  # type: ignore[index]
    audit = AuditEntry.objects.get(object_type="competence", object_id="statutes")
    assert audit.before is not None and audit.after is not None
    assert audit.before["name"]["en"] == "Statutes"
    assert audit.after["name"]["en"] == "Statute"

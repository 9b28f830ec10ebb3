"""Malformed Chronicles always get a clean error with a path, and never a partial write.

Hypothesis takes valid documents (the demo, and small generated ones) and
breaks them one way at a time: a required key dropped, a wrong type, an
unknown key, a bad date, a dangling reference, a duplicate id, truncated
JSON, a root that is not an object, a huge or negative number, bytes that
are not UTF-8. Every one must end in `ChronicleInvalid`, each error naming
where it is, with the database exactly as it was.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapterhouse.chronicle.importer import ChronicleInvalid, chronicle_import
from chapterhouse.cli import main
from tests.chronicle.test_roundtrip import chronicles
from tests.conftest import DEMO_FILE

pytestmark = pytest.mark.django_db

DEMO: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))

REQUIRED = {
    "body_kinds": ["id", "name", "rank"],
    "roles": ["id", "name", "rank"],
    "mandates": ["id", "name"],
    "bodies": ["id", "kind", "name"],
    "people": ["id", "name"],
    "terms": ["person", "body", "role", "start"],
    "commemorations": ["id", "name", "date"],
    "conferences": ["id", "name", "start"],
    "sessions": ["id", "date"],
    "decisions": ["id", "kind", "status"],
    "partners": ["id", "name"],
    "agreements": ["id", "title", "status"],
    "honours": ["id", "name", "kind"],
    "tasks": ["id", "title", "status"],
}
DATE_KEYS = {
    "bodies": "founded",
    "people": "born",
    "terms": "start",
    "commemorations": "date",
    "conferences": "start",
    "sessions": "date",
}
REFERENCES = {
    "terms": ["person", "body", "role"],
    "people": ["custodian"],
    "bodies": ["parent"],
    "sessions": ["chair", "conference"],
    "decisions": ["proposed_by"],
}
BAD_DATES = ["2024-02-30", "24-01-01", "2024-13", "yesterday", "2024/01/01", "", "20240101"]
NUMBER_KEYS = [("conferences", "number"), ("bodies", "number"), ("body_kinds", "rank")]
BAD_NUMBERS = [-1, 0, -(2**40), 2**40, 2**63 - 1, 10**30, 1e308, -0.5]
BAD_LENGTHS = ["P99999999999999Y", "P9000Y", "P0Y", "-P1Y", "1Y", "PT1H", "P1.5Y", 12]
NOT_OBJECTS = [b"[]", b'"chronicle"', b"1", b"null", b"true", b"", b"   ", b'[{"chronicle": 1}]']


def wrong_type(value: Any) -> Any:
    """Return a JSON value of another type than ``value`` that the field cannot take."""
    if isinstance(value, bool):
        return "true"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return 42
    if isinstance(value, list):
        return "not a list"
    return 7


def items(document: dict[str, Any], sections: Any) -> list[tuple[str, int]]:
    return [
        (section, index)
        for section in sections
        for index in range(len(document.get(section, [])))
        if isinstance(document[section][index], dict)
    ]


@st.composite
def broken(draw: st.DrawFn) -> bytes:
    """Draw a valid Chronicle and break it in one way; return the file's bytes."""
    document = copy.deepcopy(draw(st.one_of(st.just(DEMO), chronicles())))
    how = draw(
        st.sampled_from(
            [
                "drop_required",
                "wrong_type",
                "unknown_key",
                "bad_date",
                "dangling",
                "duplicate_id",
                "truncated",
                "not_an_object",
                "number",
                "bad_utf8",
                "bad_version",
                "bad_length",
            ]
        )
    )
    if how == "not_an_object":
        return draw(st.sampled_from(NOT_OBJECTS))
    if how == "bad_version":
        if draw(st.booleans()):
            del document["chronicle"]
        else:
            document["chronicle"] = draw(st.sampled_from([2, 0, "1", 1.0, True, None, -1]))
    elif how == "drop_required":
        section, index = draw(st.sampled_from(items(document, REQUIRED)))
        key = draw(st.sampled_from(REQUIRED[section]))
        document[section][index].pop(key, None)
    elif how == "wrong_type":
        section, index = draw(st.sampled_from(items(document, REQUIRED)))
        item = document[section][index]
        key = draw(st.sampled_from(sorted(k for k in item if k != "extra")))
        item[key] = wrong_type(item[key])
    elif how == "unknown_key":
        section, index = draw(st.sampled_from(items(document, REQUIRED)))
        key = draw(st.text(alphabet="abcxyz_ ", min_size=1, max_size=8).filter(str.strip))
        if key in document[section][index] or key == "extra":
            key = "zz_" + key
        document[section][index][key] = draw(st.sampled_from([1, "x", None, [], {}]))
    elif how == "bad_date":
        section, index = draw(st.sampled_from(items(document, DATE_KEYS)))
        document[section][index][DATE_KEYS[section]] = draw(st.sampled_from(BAD_DATES))
    elif how == "dangling":
        candidates = [
            (section, index, key)
            for section, index in items(document, REFERENCES)
            for key in REFERENCES[section]
            if section == "terms" or key in document[section][index]
        ]
        section, index, key = draw(st.sampled_from(candidates))
        document[section][index][key] = "no-such-" + key
    elif how == "duplicate_id":
        with_ids = [s for s in REQUIRED if s != "terms" and document.get(s)]
        section = draw(st.sampled_from(with_ids))
        index = draw(st.integers(0, len(document[section]) - 1))
        document[section].append(copy.deepcopy(document[section][index]))
    elif how == "bad_length":
        if not document.get("terms"):
            document["terms"] = [{"person": "x", "body": "y", "role": "member", "start": "2001"}]
        index = draw(st.integers(0, len(document["terms"]) - 1))
        document["terms"][index].pop("end", None)
        document["terms"][index]["term_length"] = draw(st.sampled_from(BAD_LENGTHS))
    elif how == "number":
        candidates = [(s, k) for s, k in NUMBER_KEYS if document.get(s)]
        if not candidates:  # a generated document: give it a conference to break
            document["conferences"] = [{"id": "conf", "name": "C", "start": "2001"}]
            candidates = [("conferences", "number")]
        section, key = draw(st.sampled_from(candidates))
        index = draw(st.integers(0, len(document[section]) - 1))
        value = draw(st.sampled_from(BAD_NUMBERS))
        if key == "rank" and isinstance(value, int) and -(2**31) <= value < 2**31:
            value = 2**40  # any 32-bit rank is valid
        document[section][index][key] = value
    text = json.dumps(document, ensure_ascii=False).encode("utf-8")
    if how == "truncated":
        return text[: draw(st.integers(0, len(text) - 1))]
    if how == "bad_utf8":
        # Inside a string value, where a lenient reader might let it through.
        at = text.index(b'"name": "') + len(b'"name": "')
        junk = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80"]))
        return text[:at] + junk + text[at:]
    return text


def row_counts() -> dict[str, int]:
    """Return the number of rows of every model of the record and of the audit trail."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"registry", "meetings", "relations", "custody"}
    }


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=broken())
def test_a_broken_chronicle_is_refused_cleanly_and_changes_nothing(demo: None, data: bytes) -> None:
    before = row_counts()
    with pytest.raises(ChronicleInvalid) as caught:
        chronicle_import(io.BytesIO(data))
    assert caught.value.errors
    for error in caught.value.errors:
        assert isinstance(error.path, str) and error.message
        assert str(error).startswith(error.path or "(top level)")
    assert row_counts() == before


def test_the_import_command_refuses_a_broken_file_with_a_clear_message(
    demo: None, tmp_path: Path
) -> None:
    document = copy.deepcopy(DEMO)
    document["terms"][0]["start"] = "2024-02-30"
    document["people"][1]["nmae"] = "typo"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    before = row_counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="the import was refused"):
        call_command("import", str(path), stderr=err)
    message = err.getvalue()
    assert "broken.json: 2 errors; nothing was imported" in message
    assert "terms[0].start:" in message
    assert "people[1].nmae: unknown key (did you mean 'name'?)" in message
    assert "Traceback" not in message
    assert row_counts() == before


def test_the_chapterhouse_command_exits_with_status_one_on_a_broken_file(
    demo: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A command run from the command line closes every connection when it ends;
    # the test's own connection (and its transaction) must outlive it.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = tmp_path / "broken.json"
    path.write_bytes(b'{"chronicle": 1, "people": [{"id": "a", "name": "\xff"}]}')
    before = row_counts()
    with pytest.raises(SystemExit) as exited:
        main(["import", str(path)])
    assert exited.value.code == 1
    stderr = capsys.readouterr().err
    assert "broken.json: 1 error; nothing was imported" in stderr
    assert "people[0]: malformed JSON near line 1" in stderr
    assert "invalid bytes in UTF8 string" in stderr
    assert "Traceback" not in stderr
    assert row_counts() == before

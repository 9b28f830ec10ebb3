"""The reader streams a Chronicle item by item and names the JSON path of every error."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest

from chapterhouse.chronicle.reader import (
    MISSING,
    ChronicleError,
    ChronicleInvalid,
    iter_items,
    iter_models,
    validate_item,
)
from chapterhouse.core import chronicle_schema as schema

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_FILE = next(
    path
    for path in (
        ROOT.parent / "shared/spec/example.chronicle.json",
        ROOT / "src/chapterhouse/chronicle/demo.chronicle.json",
    )
    if path.exists()
)
EXAMPLE: dict[str, Any] = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))


def example() -> dict[str, Any]:
    """Return a fresh copy of the example to spoil."""
    return copy.deepcopy(EXAMPLE)


def encode(document: Any) -> io.BytesIO:
    """Return ``document`` as a binary JSON file."""
    return io.BytesIO(json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))


def errors_in(source: Any) -> list[ChronicleError]:
    """Return every error the reader finds in ``source`` (a document, or raw bytes)."""
    fp = io.BytesIO(source) if isinstance(source, bytes) else encode(source)
    errors: list[ChronicleError] = []
    try:
        for section, index, raw in iter_items(fp):
            errors += validate_item(section, index, raw)[1]
    except ChronicleInvalid as exc:
        errors += exc.errors
    return errors


def the_error_in(source: Any) -> ChronicleError:
    """Return the one error the reader finds in ``source``."""
    errors = errors_in(source)
    assert len(errors) == 1, [str(error) for error in errors]
    return errors[0]


def test_the_example_has_no_errors() -> None:
    assert errors_in(EXAMPLE) == []


def test_it_yields_every_item_in_file_order() -> None:
    expected: list[tuple[str, int | None]] = []
    for key, value in EXAMPLE.items():
        if isinstance(value, list):
            expected += [(key, index) for index in range(len(value))]
        else:
            expected.append((key, None))
    seen = [(section, index) for section, index, _ in iter_items(encode(EXAMPLE))]
    assert seen == expected


def test_it_yields_items_as_plain_python_values() -> None:
    items = {(section, index): raw for section, index, raw in iter_items(encode(EXAMPLE))}
    assert items[("chronicle", None)] == 1
    assert items[("organization", None)] == EXAMPLE["organization"]
    assert items[("decisions", 0)] == EXAMPLE["decisions"][0]


def test_it_reads_numbers_as_int_or_float_never_decimal() -> None:
    source = b'{"chronicle": 1, "bodies": [{"extra": {"share": 0.5, "count": 3}}]}'
    items = list(iter_items(io.BytesIO(source)))
    assert items[1][2] == {"extra": {"share": 0.5, "count": 3}}
    assert type(items[1][2]["extra"]["share"]) is float


class CountingFile(io.BytesIO):
    """A file that remembers how many bytes were read from it."""

    bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def test_it_reads_the_first_item_without_reading_the_whole_file() -> None:
    people = [{"id": f"person-{n}", "name": f"Person {n}"} for n in range(100_000)]
    fp = CountingFile(json.dumps({"chronicle": 1, "people": people}).encode())
    items = iter_items(fp)
    next(items)
    section, index, _ = next(items)
    assert (section, index) == ("people", 0)
    assert fp.bytes_read < len(fp.getvalue()) / 10


def test_it_yields_the_items_before_a_syntax_error() -> None:
    source = b'{"chronicle": 1, "honours": [{"id": "a"}, {"id": "b"},, ]}'
    seen = []
    with pytest.raises(ChronicleInvalid):
        for section, index, _ in iter_items(io.BytesIO(source)):
            seen.append((section, index))
    assert seen[:2] == [("chronicle", None), ("honours", 0)]


def test_it_names_the_line_and_column_of_malformed_json() -> None:
    source = b'{"chronicle": 1,\n "bodies": [\n  {"id": "a", "kind": x}\n ]\n}'
    error = the_error_in(source)
    assert error.path == "bodies[0]"
    assert error.message.startswith("malformed JSON near line 3, column 24 (byte 53)")
    assert "invalid char" in error.message


def test_it_finds_the_line_of_malformed_json_deep_in_a_large_file() -> None:
    people = ",\n".join(
        json.dumps({"id": f"person-{n}", "name": "Ирина Волкова"}, ensure_ascii=False)
        for n in range(30_000)
    )
    source = f'{{"chronicle": 1,\n"people": [\n{people},\n{{"id": "x" "name": "y"}}]}}'
    error = the_error_in(source.encode())
    assert error.path == "people[30000]"
    assert "malformed JSON near line 30003, column 1" in error.message
    assert "I expect ',' or '}'" in error.message


def test_it_says_when_a_file_ends_in_the_middle() -> None:
    error = the_error_in(b'{"chronicle": 1, "bodies": [{"id": "a"')
    assert error.path == "bodies[0]"
    assert "ends in the middle" in error.message


def test_it_refuses_anything_after_the_document() -> None:
    error = the_error_in(b'{"chronicle": 1} {"chronicle": 1}')
    assert "trailing garbage" in error.message


def test_it_says_when_the_file_is_empty() -> None:
    assert "the file is empty" in the_error_in(b"").message


@pytest.mark.parametrize(
    ("source", "noun"), [(b"[1, 2]", "an array"), (b'"chronicle"', "a string")]
)
def test_it_refuses_a_document_that_is_not_an_object(source: bytes, noun: str) -> None:
    error = the_error_in(source)
    assert error.path == ""
    assert error.message.endswith(f"not {noun}")


def test_it_names_an_unknown_top_level_key_and_suggests_the_right_one() -> None:
    document = example()
    document["bodys"] = document.pop("bodies")
    error = the_error_in(document)
    assert error.path == "bodys"
    assert error.message == "unknown top-level key (did you mean 'bodies'?)"


def test_it_skips_an_unknown_section_but_reads_the_rest() -> None:
    document = {"chronicle": 1, "podcasts": [{"id": "a"}], "honours": EXAMPLE["honours"]}
    items: list[tuple[str, int | None]] = []
    with pytest.raises(ChronicleInvalid) as caught:
        for section, index, _ in iter_items(encode(document)):
            items.append((section, index))
    assert items == [("chronicle", None), ("honours", 0), ("honours", 1)]
    assert [error.path for error in caught.value.errors] == ["podcasts"]


def test_it_names_a_section_that_is_not_an_array() -> None:
    document = example()
    document["conferences"] = EXAMPLE["conferences"][0]
    error = the_error_in(document)
    assert (error.path, error.message) == ("conferences", "expected an array, not an object")


def test_it_requires_the_chronicle_version() -> None:
    document = example()
    del document["chronicle"]
    error = the_error_in(document)
    assert error.path == "chronicle"
    assert error.message.startswith("required key is missing")


@pytest.mark.parametrize("version", [2, True, "1", 1.0])
def test_it_refuses_any_version_but_one(version: Any) -> None:
    document = {**example(), "chronicle": version}
    error = the_error_in(document)
    assert error.path == "chronicle"
    assert error.value == version


def test_it_refuses_a_duplicate_top_level_key() -> None:
    error = the_error_in(b'{"chronicle": 1, "honours": [], "honours": []}')
    assert (error.path, error.message) == ("honours", "duplicate top-level key")


def test_it_names_the_path_of_a_wrong_type() -> None:
    document = example()
    document["sessions"][0]["day"] = "1"
    error = the_error_in(document)
    assert (error.path, error.message, error.value) == (
        "sessions[0].day",
        "expected an integer",
        "1",
    )


def test_it_names_the_path_of_an_item_that_is_not_an_object() -> None:
    document = example()
    document["honours"][1] = "letter-of-thanks"
    error = the_error_in(document)
    assert (error.path, error.message) == ("honours[1]", "expected an object")


def test_it_names_the_path_of_an_unknown_key() -> None:
    document = example()
    document["bodies"][2]["nmae"] = document["bodies"][2].pop("name")
    errors = {error.path: error for error in errors_in(document)}
    assert set(errors) == {"bodies[2].nmae", "bodies[2].name"}
    assert errors["bodies[2].nmae"].message == "unknown key (did you mean 'name'?)"
    assert errors["bodies[2].name"].message == "required key is missing"
    assert errors["bodies[2].name"].value is MISSING


def test_it_names_the_path_of_an_unknown_key_inside_an_effect() -> None:
    document = example()
    document["decisions"][0]["effects"][1]["hwo"] = "elected"
    error = the_error_in(document)
    assert error.path == "decisions[0].effects[1].hwo"
    assert "did you mean 'how'?" in error.message


def test_it_keeps_a_key_that_happens_to_be_an_effect_op() -> None:
    document = example()
    document["decisions"][8]["effects"][0]["award"] = "friendship-badge"
    assert the_error_in(document).path == "decisions[8].effects[0].award"


def test_it_quotes_a_key_that_is_not_a_plain_word() -> None:
    document = example()
    document["honours"][0]["na me"] = "x"
    assert the_error_in(document).path == 'honours[0]["na me"]'


def test_it_names_the_path_of_an_impossible_date() -> None:
    document = example()
    document["commemorations"][1]["date"] = "2023-02-30"
    error = the_error_in(document)
    assert error.path == "commemorations[1].date"
    assert error.value == "2023-02-30"
    assert "2023-02 has no day 30" in error.message


def test_it_names_the_end_that_comes_before_its_start() -> None:
    document = example()
    document["terms"][9]["end"] = "2021-03-31"
    error = the_error_in(document)
    assert error.path == "terms[9].end"
    assert error.value == "2021-03-31"
    assert "'2021-04-01'" in error.message


def test_it_names_the_path_of_a_bad_slug_inside_an_effect() -> None:
    document = example()
    document["decisions"][3]["effects"][0]["body"] = "X Y"
    error = the_error_in(document)
    assert str(error) == (
        "decisions[3].effects[0].body: expected an id: a slug of lowercase letters, digits, "
        "'-', '_' and '.' that starts with a letter or digit, at most 100 characters, got 'X Y'"
    )


def test_it_names_the_path_of_a_bad_country() -> None:
    document = example()
    document["bodies"][9]["countries"][1] = "XX"
    error = the_error_in(document)
    assert (error.path, error.value) == ("bodies[9].countries[1]", "XX")


def test_it_names_the_path_of_a_bad_duration() -> None:
    document = example()
    document["decisions"][9]["effects"][0]["term_length"] = "one year"
    error = the_error_in(document)
    assert (error.path, error.value) == ("decisions[9].effects[0].term_length", "one year")
    assert "ISO 8601 duration" in error.message


def test_it_names_the_op_of_an_unknown_effect() -> None:
    document = example()
    document["decisions"][7]["effects"][0]["op"] = "sign_treaty"
    error = the_error_in(document)
    assert (error.path, error.value) == ("decisions[7].effects[0].op", "sign_treaty")
    assert "'sign_agreement'" in error.message


def test_it_names_the_op_of_an_effect_that_has_none() -> None:
    document = example()
    del document["decisions"][7]["effects"][0]["op"]
    error = the_error_in(document)
    assert error.path == "decisions[7].effects[0].op"
    assert error.message.startswith("required key is missing")


def test_it_names_a_decision_of_both_a_session_and_a_conference() -> None:
    document = example()
    document["decisions"][0]["conference"] = "gc-5"
    error = the_error_in(document)
    assert error.path == "decisions[0]"
    assert error.value is MISSING
    assert "'gc5-d1'" in error.message
    assert "'gc-5'" in error.message


def test_it_reports_errors_of_many_items_together() -> None:
    document = example()
    document["bodies"][0]["countries"] = ["XX"]
    document["people"][1]["born"] = "1961-13"
    document["tasks"][0]["status"] = "late"
    document["extra"] = {"note": "kept"}
    document["surplus"] = 1
    paths = [error.path for error in errors_in(document)]
    assert paths == [
        "bodies[0].countries[0]",
        "people[1].born",
        "tasks[0].status",
        "surplus",
    ]


def test_iter_models_yields_models_and_raises_every_error_at_the_end() -> None:
    document = example()
    document["honours"][0]["kind"] = "trophy"
    document["bogus"] = []
    models = []
    with pytest.raises(ChronicleInvalid) as caught:
        for section, index, model in iter_models(encode(document)):
            models.append((section, index, type(model)))
    assert ("honours", 1, schema.Honour) in models
    assert ("honours", 0, schema.Honour) not in models
    assert [error.path for error in caught.value.errors] == ["honours[0].kind", "bogus"]


def test_iter_models_counts_the_errors_it_does_not_keep() -> None:
    document = {"chronicle": 1, "honours": [{"id": "X"} for _ in range(30)]}
    with pytest.raises(ChronicleInvalid) as caught:
        list(iter_models(encode(document), max_errors=5))
    assert len(caught.value.errors) == 5
    assert caught.value.total == 90  # a bad id, a missing name and kind in each


def test_an_error_reads_as_path_message_and_value() -> None:
    assert (
        str(ChronicleError("bodies[2].nmae", "unknown key", 1))
        == "bodies[2].nmae: unknown key, got 1"
    )
    assert str(ChronicleError("bodies[2].name", "required key is missing")) == (
        "bodies[2].name: required key is missing"
    )
    assert str(ChronicleError("", "expected an object", None)) == (
        "(top level): expected an object, got null"
    )


def test_an_error_shortens_a_long_value() -> None:
    text = str(ChronicleError("x", "expected a string", {"en": "a" * 500}))
    assert len(text) < 120
    assert text.endswith("…")


def test_an_invalid_chronicle_lists_the_first_fifty_errors_and_counts_the_rest() -> None:
    errors = [ChronicleError(f"honours[{n}]", "expected an object", n) for n in range(53)]
    lines = str(ChronicleInvalid(errors)).splitlines()
    assert len(lines) == 51
    assert lines[0] == "honours[0]: expected an object, got 0"
    assert lines[-1] == "… and 3 more"

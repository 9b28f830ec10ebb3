"""A write names its keys as the Chronicle does: each write shape takes the keys of its
Chronicle object (core/write_schema.py ``write_shape``), so none is listed twice."""

from __future__ import annotations

import pydantic
import pytest

from chapterhouse.core import chronicle_schema as chronicle
from chapterhouse.core import write_schema as writes

SHAPES = [
    (writes.SessionFields, chronicle.Session, {"documents"}),
    (writes.SessionChanges, chronicle.Session, {"id", "documents"}),
    (writes.ConferenceFields, chronicle.Conference, set()),
    (writes.ConferenceChanges, chronicle.Conference, {"id"}),
    (writes.DecisionFields, chronicle.Decision, set()),
    (writes.DecisionChanges, chronicle.Decision, {"id", "session", "conference"}),
    (writes.PersonFields, chronicle.Person, {"affiliations", "extra"}),
    (writes.PersonChanges, chronicle.Person, {"id", "affiliations", "extra"}),
    (writes.TaskFields, chronicle.Task, {"status"}),
    (writes.TaskChanges, chronicle.Task, {"id"}),
]


@pytest.mark.parametrize(("shape", "source", "left_out"), SHAPES)
def test_a_write_has_the_keys_of_its_chronicle_object_in_its_order(
    shape: type[pydantic.BaseModel], source: type[pydantic.BaseModel], left_out: set[str]
) -> None:
    kept = [name for name in source.model_fields if name not in left_out]
    assert [name for name in shape.model_fields if name in source.model_fields] == kept


@pytest.mark.parametrize("shape", [shape for shape, _, _ in SHAPES if "Changes" in shape.__name__])
def test_a_change_may_leave_out_any_key(shape: type[pydantic.BaseModel]) -> None:
    assert writes.given(shape.model_validate({})) == {}


def test_a_new_conference_of_one_day_ends_on_its_first_day() -> None:
    # The Chronicle's end is exclusive; a write's is the last day, so the Chronicle's own
    # check is not the write's.
    values = {"name": "Plenum", "start": "2025-05-18", "end": "2025-05-18"}
    assert writes.ConferenceFields.model_validate(values).end == "2025-05-18"


def test_a_new_decision_says_where_it_was_taken() -> None:
    with pytest.raises(pydantic.ValidationError, match="where it was taken"):
        writes.DecisionFields.model_validate({"kind": "election"})


def test_a_task_change_keeps_extra_last() -> None:
    assert list(writes.TaskChanges.model_fields)[-2:] == ["note", "extra"]

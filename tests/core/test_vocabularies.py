"""Each fixed vocabulary is defined once, as a ``Literal`` of the Chronicle format.

The model columns derive their choices from it (``core.models.vocabulary_choices``), the
API imports it; only the interface's translated names are written out again, in
``core.labels``, and they must name exactly the values of the format.
"""

from __future__ import annotations

from typing import Any, get_args

import pytest

from chapterhouse.core import chronicle_schema as schema
from chapterhouse.core.labels import LABELS
from chapterhouse.custody.models import ROLE_CHOICES, VIA_CHOICES
from chapterhouse.meetings.models import Decision
from chapterhouse.newsroom.workflow.labels import TRANSLATION_STATUS_LABELS

VOCABULARIES: dict[str, Any] = {
    "how": schema.How,
    "name_kind": schema.NameKind,
    "format": schema.SessionFormat,
    "attendee_role": schema.AttendeeRole,
    "document_kind": schema.DocumentKind,
    "decision_kind": schema.DecisionKind,
    "decision_status": schema.DecisionStatus,
    "agreement_status": schema.AgreementStatus,
    "honour_kind": schema.HonourKind,
    "task_status": schema.TaskStatus,
}


@pytest.mark.parametrize("name", VOCABULARIES)
def test_the_interface_names_every_value_of_the_format_and_no_other(name: str) -> None:
    assert set(LABELS[name]) == set(get_args(VOCABULARIES[name]))


def test_the_interface_names_every_grant_role_and_channel() -> None:
    assert set(LABELS["grant_role"]) == {value for value, _ in ROLE_CHOICES}
    assert set(LABELS["audit_via"]) == {value for value, _ in VIA_CHOICES}


def test_the_workspace_names_every_translation_status() -> None:
    # "missing" is no stored status: the workspace shows it for a language not begun.
    assert set(TRANSLATION_STATUS_LABELS) - {"missing"} == set(get_args(schema.TranslationStatus))


def test_a_column_takes_its_choices_from_the_format() -> None:
    kind = Decision._meta.get_field("kind")
    assert [value for value, _ in kind.choices or []] == list(get_args(schema.DecisionKind))

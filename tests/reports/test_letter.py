"""The letter of thanks names the meeting that decided the award, not the decision's id."""

from __future__ import annotations

import pytest

from chapterhouse.custody.access import ADMIN
from chapterhouse.relations.models import Award
from chapterhouse.reports.letter import letter_markup

pytestmark = pytest.mark.django_db


def test_the_letter_names_the_conference_that_decided_the_award(demo):
    award = Award.objects.get(decision__slug="gc5-d4-award")

    _title, markup = letter_markup(award, ADMIN, "en", "en")

    assert "by the decision of 5th General Conference of May 24, 2025." in markup
    assert "gc5-d4-award" not in markup

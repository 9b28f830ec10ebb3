"""`--as EMAIL` makes a command pass the same permission checks as the web and the API."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from chapterhouse.custody.models import AuditEntry
from chapterhouse.meetings.models import Decision


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_an_officer_annuls_a_decision_of_their_committee_from_the_command_line(personas):
    run("decision", "annul", "gc5-d2-cell", "--as", "bob@chapterhouse.test")

    assert Decision.objects.get(slug="gc5-d2-cell").status == "annulled"
    entry = AuditEntry.objects.get(object_type="decision", object_id="gc5-d2-cell")
    assert entry.actor_label == "bob@chapterhouse.test (command line)"
    assert entry.via == "cli"


def test_a_member_cannot_annul_from_the_command_line_and_nothing_changes(personas):
    before = AuditEntry.objects.count()

    with pytest.raises(CommandError, match="ec-"):
        run("decision", "annul", "gc5-d2-cell", "--as", "mia@chapterhouse.test")

    assert Decision.objects.get(slug="gc5-d2-cell").status == "adopted"
    assert AuditEntry.objects.count() == before


def test_someone_who_may_not_see_a_person_cannot_export_their_data(personas):
    with pytest.raises(CommandError, match="no person with id 'olga-smirnova'"):
        run("person", "export-data", "olga-smirnova", "--as", "mia@chapterhouse.test")


def test_the_custodian_exports_a_persons_data_acting_as_themself(personas):
    data = json.loads(
        run("person", "export-data", "olga-smirnova", "--as", "bob@chapterhouse.test")
    )

    assert data["id"] == "olga-smirnova"
    assert data["notes"]


def test_an_unknown_account_is_refused(personas):
    with pytest.raises(
        CommandError, match=re.escape("no active account 'nobody@chapterhouse.test'")
    ):
        run("decision", "adopt", "gc5-d3-nominate", "--as", "nobody@chapterhouse.test")

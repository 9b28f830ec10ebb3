"""The audit trail is sealed: the database refuses to rewrite or empty it, and its hash
chain shows any change made behind the database's back."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from chapterhouse.custody.access import ADMIN, viewer_for_user
from chapterhouse.custody.models import AuditEntry
from chapterhouse.custody.services import person_erase
from chapterhouse.registry.models import Person
from chapterhouse.registry.services import person_update

pytestmark = pytest.mark.django_db

ON = dt.date(2025, 6, 1)


@pytest.fixture
def trail(personas: dict[str, Any]) -> list[AuditEntry]:
    """Bob edits a member of his committee three times; return the trail, oldest first
    (the personas' accounts and grants come first)."""
    bob = viewer_for_user(personas["bob"], on=ON)
    person = Person.objects.get(slug="timur-akhmetov")
    for note in ("Chairs the youth section.", "Chairs the press section.", "Retired."):
        person_update(
            viewer=bob, via="web", at=timezone.now(), person=person, changes={"notes": note}
        )
    return list(AuditEntry.objects.order_by("pk"))


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def verify_fails() -> CommandError:
    with pytest.raises(CommandError) as failure:
        verify()
    return failure.value


@contextmanager
def behind_the_triggers_back() -> Iterator[Any]:
    """Lift the trail's triggers, as someone with full access to the database could;
    the test's transaction puts them back (DDL is transactional on both engines)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE custody_auditentry DISABLE TRIGGER USER")
        else:
            sealed = importlib.import_module("chapterhouse.custody.migrations.0004_audit_sealed")
            for statement in sealed.SQLITE_BACKWARD:
                cursor.execute(statement)
        yield cursor


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE custody_auditentry SET after = NULL",
        "UPDATE custody_auditentry SET before = after",
        "UPDATE custody_auditentry SET digest = previous",
    ],
)
def test_the_database_refuses_to_rewrite_the_values_or_the_digests(trail, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert [(e.before, e.after, e.digest) for e in AuditEntry.objects.order_by("pk")] == [
        (e.before, e.after, e.digest) for e in trail
    ]


def test_the_database_refuses_to_empty_the_trail_at_once(trail):
    # TRUNCATE fires no row trigger on PostgreSQL; SQLite has only DELETE.
    statement = (
        "TRUNCATE custody_auditentry"
        if connection.vendor == "postgresql"
        else "DELETE FROM custody_auditentry"
    )

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)

    assert AuditEntry.objects.count() == len(trail)


def test_flush_is_refused_and_leaves_the_trail_intact(trail):
    with pytest.raises(CommandError, match="audit trail"):
        call_command("flush", interactive=False, verbosity=0)

    assert AuditEntry.objects.count() == len(trail)
    assert Person.objects.filter(slug="timur-akhmetov").exists()


def test_verify_says_ok_with_the_number_of_entries(trail):
    assert f"OK: {len(trail)} audit entries" in verify()


def test_each_entry_links_to_the_one_before(trail):
    assert [entry.previous for entry in trail[1:]] == [entry.digest for entry in trail[:-1]]


def test_verify_names_an_entry_whose_values_were_rewritten(trail):
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "UPDATE custody_auditentry SET after = %s WHERE id = %s",
            ['{"notes": "Never chaired anything."}', trail[1].pk],
        )

    failure = verify_fails()

    assert failure.returncode == 1
    assert f"broken at entry {trail[1].pk}" in str(failure)
    assert "before/after values were changed" in str(failure)


def test_verify_names_an_entry_whose_author_was_rewritten(trail):
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "UPDATE custody_auditentry SET actor_label = 'alice' WHERE id = %s", [trail[2].pk]
        )

    assert f"broken at entry {trail[2].pk}: who, when, how" in str(verify_fails())


def test_verify_finds_an_entry_removed_from_the_middle(trail):
    with behind_the_triggers_back() as cursor:
        cursor.execute("DELETE FROM custody_auditentry WHERE id = %s", [trail[1].pk])

    message = str(verify_fails())

    assert f"broken at entry {trail[2].pk}: it does not follow entry {trail[0].pk}" in message


def test_verify_finds_a_rewritten_entry_even_with_its_digests_recomputed_alone(trail):
    from chapterhouse.custody import audit_chain

    forged = trail[1]
    forged.action = "forged"
    forged.digest = audit_chain.digest_of(forged)
    with behind_the_triggers_back() as cursor:
        cursor.execute(
            "UPDATE custody_auditentry SET action = %s, digest = %s WHERE id = %s",
            [forged.action, forged.digest, forged.pk],
        )

    assert f"broken at entry {trail[2].pk}: it does not follow" in str(verify_fails())


def test_erasure_redacts_the_values_and_the_chain_stays_intact(trail):
    person = Person.objects.get(slug="timur-akhmetov")

    person_erase(viewer=ADMIN, via="cli", person=person, at=timezone.now())

    assert AuditEntry.objects.get(pk=trail[-3].pk).after == {"notes": "[erased]"}
    assert f"OK: {len(trail) + 1} audit entries" in verify()
    assert "(3 redacted by erasure)" in verify()


def test_only_an_erasure_may_redact_and_only_entries_about_the_erased_person(personas, trail):
    # The person of the trail is not erased: their entries keep their values.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE custody_auditentry SET after = %s WHERE id = %s",
            ['{"notes": "[erased]"}', trail[-3].pk],
        )
    assert AuditEntry.objects.get(pk=trail[-3].pk).after == {"notes": "Chairs the youth section."}

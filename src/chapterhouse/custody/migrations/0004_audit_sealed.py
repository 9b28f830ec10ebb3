"""Seal the audit trail: link the existing entries into the hash chain, then let the
database refuse every change to an entry, its deletion and TRUNCATE.

The triggers of 0002 let anyone rewrite `before`/`after`, and PostgreSQL's
TRUNCATE (which `flush` uses) fires no row trigger. Now the only change an
entry accepts is erasure's redaction: `before`/`after` of an entry about a
person, once an "erase" entry about that person follows it; everything else
(including the digests) stays as written. A statement-level trigger refuses
TRUNCATE of a trail that holds any entry. Both engines get a tested trigger.
"""

from django.db import migrations

from chapterhouse.custody import audit_chain

FIXED = [
    "id",
    "at",
    "actor_id",
    "actor_label",
    "via",
    "action",
    "object_type",
    "object_id",
    "body_id",
    "values_digest",
    "previous",
    "digest",
]
MESSAGE = "the audit trail cannot be edited"

# An update is erasure's redaction when it leaves every fixed column alone and an
# "erase" entry about the same person follows the entry.
_ERASED_LATER = """OLD.object_type = 'person' AND EXISTS (
    SELECT 1 FROM custody_auditentry AS erasure
    WHERE erasure.object_type = 'person' AND erasure.object_id = OLD.object_id
    AND erasure.action = 'erase' AND erasure.id > OLD.id)"""

_sqlite_unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in FIXED)
SQLITE_FORWARD = [
    f"""CREATE TRIGGER custody_audit_no_delete BEFORE DELETE ON custody_auditentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER custody_audit_no_update BEFORE UPDATE ON custody_auditentry
    WHEN NOT ({_sqlite_unchanged} AND {_ERASED_LATER})
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS custody_audit_no_delete",
    "DROP TRIGGER IF EXISTS custody_audit_no_update",
]

_pg_changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED)
POSTGRES_FORWARD = [
    f"""CREATE OR REPLACE FUNCTION custody_audit_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR {_pg_changed} OR NOT ({_ERASED_LATER}) THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER custody_audit_guard BEFORE UPDATE OR DELETE ON custody_auditentry
    FOR EACH ROW EXECUTE FUNCTION custody_audit_guard()""",
    # An empty trail may be truncated: that changes nothing, and lets the test
    # runner's flush go on once a test's entries are gone.
    f"""CREATE FUNCTION custody_audit_no_truncate() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM custody_auditentry) THEN
            RAISE EXCEPTION '{MESSAGE}';
        END IF;
        RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER custody_audit_no_truncate BEFORE TRUNCATE ON custody_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION custody_audit_no_truncate()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS custody_audit_no_truncate ON custody_auditentry",
    "DROP FUNCTION IF EXISTS custody_audit_no_truncate()",
    "DROP TRIGGER IF EXISTS custody_audit_guard ON custody_auditentry",
    "DROP FUNCTION IF EXISTS custody_audit_guard()",
]


def _triggers(name: str):  # type: ignore[no-untyped-def]
    import importlib

    return importlib.import_module(f"chapterhouse.custody.migrations.{name}")


def link_existing(apps, schema_editor):
    """Compute the digests of the entries written before the chain, in their order."""
    entry_model = apps.get_model("custody", "AuditEntry")
    previous = audit_chain.GENESIS
    with schema_editor.connection.cursor() as cursor:
        for entry in entry_model.objects.order_by("pk").iterator(chunk_size=2000):
            entry.values_digest = audit_chain.values_digest(entry.before, entry.after)
            entry.previous = previous
            entry.digest = audit_chain.digest_of(entry)
            cursor.execute(
                "UPDATE custody_auditentry SET values_digest = %s, previous = %s, digest = %s"
                " WHERE id = %s",
                [entry.values_digest, entry.previous, entry.digest, entry.pk],
            )
            previous = entry.digest


def forward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    old = _triggers("0002_audit_triggers")
    for statement in old.POSTGRES_BACKWARD if postgres else old.SQLITE_BACKWARD:
        schema_editor.execute(statement)
    link_existing(apps, schema_editor)
    for statement in POSTGRES_FORWARD if postgres else SQLITE_FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for statement in POSTGRES_BACKWARD if postgres else SQLITE_BACKWARD:
        schema_editor.execute(statement)
    old = _triggers("0002_audit_triggers")
    for statement in old.POSTGRES_FORWARD if postgres else old.SQLITE_FORWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("custody", "0003_audit_chain")]
    operations = [migrations.RunPython(forward, backward)]

"""Database triggers that keep the audit trail from being rewritten.

No entry may be deleted, and who, when, how and which object may never change.
Only `before`/`after` may be rewritten, which erasure uses to redact personal
values. Both engines get a tested trigger.
"""

from django.db import migrations

FIXED = ["at", "actor_id", "actor_label", "via", "action", "object_type", "object_id", "body_id"]

SQLITE_FORWARD = [
    """CREATE TRIGGER custody_audit_no_delete BEFORE DELETE ON custody_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be edited'); END""",
    f"""CREATE TRIGGER custody_audit_no_update BEFORE UPDATE OF {", ".join(FIXED)}
    ON custody_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be edited'); END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS custody_audit_no_delete",
    "DROP TRIGGER IF EXISTS custody_audit_no_update",
]
_changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED)
POSTGRES_FORWARD = [
    f"""CREATE FUNCTION custody_audit_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' OR {_changed} THEN
            RAISE EXCEPTION 'the audit trail cannot be edited';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER custody_audit_guard BEFORE UPDATE OR DELETE ON custody_auditentry
    FOR EACH ROW EXECUTE FUNCTION custody_audit_guard()""",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS custody_audit_guard ON custody_auditentry",
    "DROP FUNCTION IF EXISTS custody_audit_guard()",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRES_FORWARD if vendor == "postgresql" else SQLITE_FORWARD:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRES_BACKWARD if vendor == "postgresql" else SQLITE_BACKWARD:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("custody", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]

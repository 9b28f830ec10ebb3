"""The audit trail's hash chain: three digests per entry (see custody.audit_chain)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("custody", "0002_audit_triggers")]
    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="values_digest",
            field=models.CharField(
                default="",
                editable=False,
                help_text="SHA-256 of before and after, as written.",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="previous",
            field=models.CharField(
                default="",
                editable=False,
                help_text="The digest of the entry before this one.",
                max_length=64,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditentry",
            name="digest",
            field=models.CharField(
                default="",
                editable=False,
                help_text=(
                    "SHA-256 of who, when, how, what, the values' digest and the previous digest."
                ),
                max_length=64,
            ),
            preserve_default=False,
        ),
    ]

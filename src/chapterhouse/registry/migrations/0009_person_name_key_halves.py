"""B-tree indexes that find a name's keys by either half (decision 0031): the key's size
and the key backwards are stored, and the keys are rebuilt for everyone."""

from django.db import migrations, models

# PostgreSQL: in byte order (COLLATE "C", as the search compares them), so that a range of
# keys is the keys that begin with a prefix whatever the database's collation; each
# carries what the search reads, for index-only scans.
POSTGRES_CREATE = [
    'CREATE INDEX registry_personnamekey_prefix ON registry_personnamekey (key COLLATE "C") '
    "INCLUDE (id, person_id)",
    "CREATE INDEX registry_personnamekey_front ON registry_personnamekey "
    '(size, key COLLATE "C") INCLUDE (id, person_id)',
    "CREATE INDEX registry_personnamekey_back ON registry_personnamekey "
    '(size, backward COLLATE "C") INCLUDE (id, key, person_id)',
]
# SQLite compares bytes (BINARY): a plain B-tree serves prefixes as ranges; every index
# carries the rowid, and the columns the search reads.
SQLITE_CREATE = [
    "CREATE INDEX registry_personnamekey_prefix ON registry_personnamekey (key, person_id)",
    "CREATE INDEX registry_personnamekey_front ON registry_personnamekey (size, key, person_id)",
    "CREATE INDEX registry_personnamekey_back ON registry_personnamekey "
    "(size, backward, key, person_id)",
]
DROP = [
    "DROP INDEX IF EXISTS registry_personnamekey_prefix",
    "DROP INDEX IF EXISTS registry_personnamekey_front",
    "DROP INDEX IF EXISTS registry_personnamekey_back",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def keys_again(apps, schema_editor):
    """Rebuild every key (with its size and backward)."""
    from chapterhouse.registry.person_name_keys import person_name_keys_rows

    Person = apps.get_model("registry", "Person")
    PersonNameKey = apps.get_model("registry", "PersonNameKey")
    PersonNameKey.objects.all().delete()
    ids = list(Person.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        rows = person_name_keys_rows(Person, ids[start : start + 2000])
        PersonNameKey.objects.bulk_create(PersonNameKey(**row) for row in rows)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_person_merge"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="personnamekey", name="registry_pe_key_4cfacb_idx"),
        migrations.AddField(
            model_name="personnamekey",
            name="size",
            field=models.PositiveSmallIntegerField(default=0, help_text="Letters in the key."),
        ),
        migrations.AddField(
            model_name="personnamekey",
            name="backward",
            field=models.CharField(default="", help_text="The key backwards.", max_length=400),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": DROP, "postgresql": DROP}),
        ),
        migrations.RunPython(keys_again, migrations.RunPython.noop),
    ]

"""Matching keys of people's names, indexed by trigrams on both databases (decision 0031)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
import django.db.models.deletion

FTS = "registry_personnamekey_fts"

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(key, content='registry_personnamekey', "
    "content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER registry_personnamekey_ai AFTER INSERT ON registry_personnamekey BEGIN "
    f"INSERT INTO {FTS}(rowid, key) VALUES (new.id, new.key); END",
    f"CREATE TRIGGER registry_personnamekey_ad AFTER DELETE ON registry_personnamekey BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, key) VALUES ('delete', old.id, old.key); END",
    f"CREATE TRIGGER registry_personnamekey_au AFTER UPDATE ON registry_personnamekey BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, key) VALUES ('delete', old.id, old.key); "
    f"INSERT INTO {FTS}(rowid, key) VALUES (new.id, new.key); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS registry_personnamekey_ai",
    "DROP TRIGGER IF EXISTS registry_personnamekey_ad",
    "DROP TRIGGER IF EXISTS registry_personnamekey_au",
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRES_CREATE = [
    "CREATE INDEX registry_personnamekey_trgm ON registry_personnamekey "
    "USING gin (key gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS registry_personnamekey_trgm"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def keys_for_everyone(apps, schema_editor):
    from chapterhouse.registry.person_name_keys import person_name_keys_rows

    Person = apps.get_model("registry", "Person")
    PersonNameKey = apps.get_model("registry", "PersonNameKey")
    ids = list(Person.objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        rows = person_name_keys_rows(Person, ids[start : start + 2000])
        PersonNameKey.objects.bulk_create(PersonNameKey(**row) for row in rows)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_competence"),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="PersonNameKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(help_text="The folded Latin letters compared.", max_length=400)),
                ("source_name", models.CharField(help_text="The name as written that gave this key.", max_length=300)),
                ("lang", models.CharField(blank=True, help_text="Language of that name.", max_length=20)),
                ("real", models.BooleanField(default=True, help_text="Made from the real name (hidden behind a call sign from non-custodians).")),
                ("person", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="name_keys", to="registry.person")),
            ],
        ),
        migrations.AddIndex(
            model_name="personnamekey",
            index=models.Index(fields=["key"], name="registry_pe_key_4cfacb_idx"),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
        migrations.RunPython(keys_for_everyone, migrations.RunPython.noop),
    ]

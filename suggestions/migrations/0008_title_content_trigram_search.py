"""PostgreSQL: trigram indexes so the admin's and the work queue's searches (``icontains``, which
Django writes as ``UPPER(col::text) LIKE UPPER('%词%')``, on title, content and code) use an index instead of reading every suggestion. Chinese text is
indexed too (the database's C.UTF-8/zh_CN ctype classes CJK characters as letters); a search term
of one or two characters cannot use trigrams and reads the table as before. SQLite: nothing
(plain LIKE)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

COLUMNS = ["title", "content", "code"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS suggestion_{column}_trgm ON suggestions_suggestion "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"  # as Django's icontains writes it
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS suggestion_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0007_list_indexes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]

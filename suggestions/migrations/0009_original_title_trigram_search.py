"""PostgreSQL: the admin also searches ``original_title`` (the citizen's own words): a trigram
index like the others of 0008. SQLite: nothing."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS suggestion_original_title_trgm ON suggestions_suggestion "
            "USING gin ((UPPER(original_title::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS suggestion_original_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0008_title_content_trigram_search")]

    operations = [migrations.RunPython(create, drop)]

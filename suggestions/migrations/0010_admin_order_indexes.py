"""The admin's suggestion list orders open items first, then by the nearest deadline, then the
newest (SuggestionAdmin.get_ordering, plus the primary key the admin adds): indexes on exactly
those expressions, county-wide and per township, replace 0007's plain due-date ones, so a page of
50 reads 50 index entries instead of sorting the table. PostgreSQL only (SQLite cannot index
NULLS LAST); tests/congress/test_list_speed.py checks the admin's query uses them."""

from django.db import migrations

ORDER = (
    "(CASE WHEN \"state\" IN ('submitted', 'claimed', 'presented', 'dispatched', 'in_progress', "
    "'replied', 'evaluated') THEN 0 ELSE 1 END) ASC, \"due_date\" ASC NULLS LAST, "
    "\"submitted_at\" DESC, \"id\" DESC"
)
INDEXES = {
    "suggestion_admin_order": ORDER,
    "suggestion_tsp_admin_order": f'"township_id", {ORDER}',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in INDEXES.items():
            schema_editor.execute(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "suggestions_suggestion" ({columns})'
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0009_original_title_trigram_search")]

    operations = [
        migrations.RemoveIndex(model_name="suggestion", name="suggestion_due_id"),
        migrations.RemoveIndex(model_name="suggestion", name="suggestion_township_due_id"),
        migrations.RunPython(create, drop),
    ]

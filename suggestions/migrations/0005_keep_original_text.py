"""Existing suggestions: their current title and text become the kept original (the best record
there is; from now on a refinement or correction is a separate version)."""

from django.db import migrations
from django.db.models import F


def copy_original(apps, schema_editor):
    Suggestion = apps.get_model("suggestions", "Suggestion")
    Suggestion.objects.filter(original_title="", original_content="").update(
        original_title=F("title"), original_content=F("content")
    )


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0004_original_text_and_revisions")]

    operations = [migrations.RunPython(copy_original, migrations.RunPython.noop)]

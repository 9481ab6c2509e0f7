from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    """Going back: the mark triggers (installed after every migrate) go before their table."""
    from dashboards import freshness

    freshness.uninstall(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("dashboards", "0002_remove_snapshots"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangeMark",
            fields=[
                ("xid", models.BigIntegerField(primary_key=True, serialize=False)),
                ("token", models.BigIntegerField(default=0)),
                ("marked_at", models.DateTimeField()),
            ],
            options={"verbose_name": "数据变更标记", "verbose_name_plural": "数据变更标记"},
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_triggers),
    ]

from django.db import migrations

DEFAULT_CATEGORIES = ["基础设施", "产业发展", "民生实事", "生态环境", "教育", "医疗", "社会治理", "其他"]


def add_categories(apps, schema_editor):
    Category = apps.get_model("suggestions", "Category")
    for index, name in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(name=name, defaults={"sort_order": index})


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]

"""Load the preset standard sets "八有", "六有" and "九有" with their items.

Sources: 八有 and 九有 as listed in shared/DOMAIN.md §4 (from a township's 2020 work report and a
district's report on township congress building). 六有 is named in a county report without its
items; we use the six most commonly published for village liaison stations: 有场所、有牌子、
有制度、有人员、有活动、有台账 (see docs/liaison_stations.md).
"""

from django.db import migrations

PRESETS = {
    "八有": (
        "代表之家建设“八有”标准",
        ["有阵地", "有标志", "有制度", "有计划", "有召集人", "有公示栏", "有台帐", "有特色"],
    ),
    "六有": (
        "村(居)代表联络站“六有”标准(常见表述)",
        ["有场所", "有牌子", "有制度", "有人员", "有活动", "有台账"],
    ),
    "九有": (
        "镇(街道)人大代表中心联络站“九有”标准",
        ["有房子", "有牌子", "有人员", "有设备", "有经费", "有制度", "有工作计划", "有活动", "有档案"],
    ),
}


def load(apps, schema_editor):
    StandardSet = apps.get_model("liaison_stations", "StandardSet")
    StandardItem = apps.get_model("liaison_stations", "StandardItem")
    for name, (source, items) in PRESETS.items():
        standard_set, _ = StandardSet.objects.get_or_create(
            township=None, name=name, defaults={"source": source}
        )
        for order, item in enumerate(items, start=1):
            StandardItem.objects.get_or_create(
                standard_set=standard_set, name=item, defaults={"order": order}
            )


def unload(apps, schema_editor):
    StandardSet = apps.get_model("liaison_stations", "StandardSet")
    StandardSet.objects.filter(township=None, name__in=list(PRESETS), stations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("liaison_stations", "0002_checklists_reception_days_activities")]

    operations = [migrations.RunPython(load, unload)]

"""Villages (村/社区) and electoral districts (选区) from the office's Excel list, through the
import framework (:mod:`congress.table_import`).

One row per village: 村(社区)名称, 类型 (村/社区), 选区编号, 选区名称. **Matching rule**: a
village is the township's village of the same name (names are unique in a township); a
district is the township's district of the same number. A row creates what is missing, updates
the village's type or the district's name when the row fills them, and adds the village to its
district; an empty cell never clears a value. A village is never removed from a district by an
import (that would change which deputies its voters see)."""

import re

from django.db import transaction

from .models import ElectoralDistrict, Village
from .sheets import Column
from .table_import import Action, Change, TableImporter, choice_display, diff

COLUMNS = [
    Column("村(社区)名称", "village", required=True, aliases=("村(社区)", "村名", "村社区", "名称"), width=16),
    Column("类型", "kind", aliases=("村或社区",), width=8),
    Column("选区编号", "district_number", aliases=("选区", "选区号"), width=10),
    Column("选区名称", "district_name", width=20),
]
_KINDS = {"村": Village.Kind.VILLAGE, "社区": Village.Kind.COMMUNITY, "居委会": Village.Kind.COMMUNITY}
_LABELS = {"kind": "类型", "district_name": "选区名称"}


_display = choice_display(kind=Village.Kind)


class VillageDistrictImporter(TableImporter):
    title = "村(社区)和选区"
    columns = COLUMNS
    permission = "congress.add_village"

    record_noun = "个村(社区)"

    def context(self, township):
        return {
            "villages": {v.name: v for v in Village.objects.filter(township=township)},
            "districts": {
                d.number: d
                for d in ElectoralDistrict.objects.filter(township=township).prefetch_related(
                    "villages"
                )
            },
            "new_districts": {},  # number → name, districts earlier rows will create
        }

    def plan_row(self, plan, name, context):
        v = plan.raw.values
        districts, new_districts = context["districts"], context["new_districts"]
        kind_text = v.get("kind", "").strip()
        number_text = v.get("district_number", "").strip()
        district_name = v.get("district_name", "").strip()
        if len(name) > 50:
            plan.errors.append("村(社区)名称过长(最多50字)")
        if kind_text and kind_text not in _KINDS:
            plan.errors.append(f"类型应为“村”或“社区”,而不是“{kind_text}”")
        m = re.fullmatch(r"第?(\d+)(?:选区)?", number_text)
        number = int(m.group(1)) if m else None
        if number_text and (number is None or number < 1):
            plan.errors.append(f"选区编号“{number_text}”应为正整数(如 3 或 第3选区)")
        district = districts.get(number) if number else None
        if number and district is None and not district_name and number not in new_districts:
            plan.errors.append(f"本乡镇没有第{number}选区;新建选区须填写选区名称")
        if plan.errors:
            return
        plan.cleaned = {
            "name": name,
            "kind": _KINDS.get(kind_text),
            "number": number,
            "district_name": district_name,
        }
        village = plan.target = context["villages"].get(name)
        if number and district is None:
            new_districts.setdefault(number, district_name)
        if village is None:
            plan.action = Action.CREATE
            if number and district is None:
                plan.notes.append(f"将新建第{number}选区({new_districts[number]})")
            return
        if plan.cleaned["kind"]:
            plan.changes = diff(
                {"kind": village.kind}, {"kind": plan.cleaned["kind"]}, labels=_LABELS,
                display=_display,
            )
        if district is not None:
            if district_name:
                plan.changes += diff(
                    {"district_name": district.name},
                    {"district_name": district_name},
                    labels=_LABELS,
                    display=_display,
                )
            if village not in district.villages.all():
                plan.changes.append(Change("district", "所属选区", "(空)", f"第{number}选区"))
        elif number:
            plan.changes.append(Change("district", "所属选区", "(空)", f"第{number}选区(新建)"))
        plan.action = Action.UPDATE if plan.changes else Action.UNCHANGED

    def apply_row(self, row, *, actor, township):
        village_district_apply(actor=actor, township=township, **row.cleaned)


def village_district_apply(*, actor, township, name, kind, number, district_name) -> Village:
    """Create or update one village and put it in district ``number`` (created when missing),
    with history rows naming ``actor``. Called under the import's township lock."""
    with transaction.atomic():
        village = Village.objects.select_for_update().filter(township=township, name=name).order_by().first()
        if village is None:
            village = Village(township=township, name=name, kind=kind or Village.Kind.VILLAGE)
            village._history_user = actor
            village.full_clean()
            village.save()
        elif kind and village.kind != kind:
            village.kind = kind
            village._history_user = actor
            village.save(update_fields=["kind"])
        if number:
            district = (
                ElectoralDistrict.objects.select_for_update()
                .filter(township=township, number=number)
                .order_by()
                .first()
            )
            if district is None:
                district = ElectoralDistrict(township=township, number=number,
                                             name=district_name or village.name)
                district._history_user = actor
                district.full_clean()
                district.save()
            elif district_name and district.name != district_name:
                district.name = district_name
                district._history_user = actor
                district.save(update_fields=["name"])
            district.villages.add(village)
    return village

"""承办单位 (the township's own departments) from the office's Excel list, through the import
framework (:mod:`congress.table_import`).

**Matching rule**: a department is the township's department of the same name (names are
unique in a township). A row creates a missing one or updates its type, contact person and
phone when the row fills them; an empty cell never clears a value. County departments
(县直部门) belong to the county and are not imported by a township."""

from django.db import transaction

from .models import Department
from .sheets import Column
from .table_import import Action, TableImporter, choice_display, diff

COLUMNS = [
    Column("单位名称", "name", required=True, aliases=("承办单位", "单位", "部门名称"), width=24),
    Column("类型", "kind", aliases=("单位类型",), width=16),
    Column("联系人", "contact_person", aliases=("经办人",), width=10),
    Column("联系电话", "contact_phone", aliases=("电话", "手机号码"), width=14),
]
_KINDS = {
    **{label: value for value, label in Department.Kind.choices if value != Department.Kind.COUNTY},
    "内设机构": Department.Kind.TOWN_OFFICE,
    "镇政府内设机构": Department.Kind.TOWN_OFFICE,
    "乡政府内设机构": Department.Kind.TOWN_OFFICE,
    "站所": Department.Kind.TOWN_STATION,
    "其他": Department.Kind.OTHER,
}
_LABELS = {"kind": "类型", "contact_person": "联系人", "contact_phone": "联系电话"}


_display = choice_display(kind=Department.Kind)


class DepartmentImporter(TableImporter):
    title = "承办单位"
    columns = COLUMNS
    permission = "congress.add_department"

    record_noun = "单位"

    def context(self, township):
        return {
            "existing": {d.name: d for d in Department.objects.filter(township=township)},
            "county_names": set(
                Department.objects.filter(
                    county_id=township.county_id, township=None
                ).values_list("name", flat=True)
            ),
        }

    def plan_row(self, plan, name, context):
        v = plan.raw.values
        kind_text = v.get("kind", "").strip()
        if len(name) > 80:
            plan.errors.append("单位名称过长(最多80字)")
        if name in context["county_names"]:
            plan.errors.append(f"“{name}”是县直部门,由县人大统一维护,乡镇不导入")
        if kind_text and kind_text not in _KINDS:
            plan.errors.append(f"类型“{kind_text}”不在可选项中(镇政府内设机构、站所、其他单位)")
        if plan.errors:
            return
        new = {
            key: text
            for key, text in (
                ("contact_person", v.get("contact_person", "").strip()[:30]),
                ("contact_phone", v.get("contact_phone", "").strip()[:30]),
            )
            if text
        }
        if kind_text:
            new["kind"] = _KINDS[kind_text]
        plan.cleaned = {"name": name, **new}
        department = plan.target = context["existing"].get(name)
        if department is None:
            plan.action = Action.CREATE
            return
        current = {k: getattr(department, k) for k in new}
        plan.changes = diff(current, new, labels=_LABELS, display=_display)
        plan.action = Action.UPDATE if plan.changes else Action.UNCHANGED

    def apply_row(self, row, *, actor, township):
        department_apply(actor=actor, township=township, **row.cleaned)


def department_apply(*, actor, township, name, **fields) -> Department:
    """Create or update one township department by name, with a history row naming ``actor``."""
    with transaction.atomic():
        department = (
            Department.objects.select_for_update().filter(township=township, name=name).order_by().first()
        )
        if department is None:
            department = Department(
                county_id=township.county_id,
                township=township,
                name=name,
                kind=fields.pop("kind", Department.Kind.TOWN_OFFICE),
                **fields,
            )
            department.full_clean()
            department._history_user = actor
            department.save()
            return department
        changed = [k for k, value in fields.items() if getattr(department, k) != value]
        for k in changed:
            setattr(department, k, fields[k])
        if changed:
            department.full_clean()
            department._history_user = actor
            department.save(update_fields=changed)
    return department

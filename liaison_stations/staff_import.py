"""Station staff (召集人, 管理员, 联络员) from the office's Excel list, through the import framework
(:mod:`congress.table_import`).

**Matching rule**: a row names an existing station of the township by its name (stations are
created in the admin, with their kind and place). The 召集人 is the deputy on the township's
roster with that name (refused when no one or several have it); the 管理员 is a station
administrator account of the township with that name or user name; 联络员 and 联络员电话 are
text. An empty cell never clears a value; a second import of the same file changes nothing."""

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction

from congress.models import User
from congress.roles import Role
from congress.sheets import Column
from congress.table_import import Action, TableImporter, diff
from congress.validators import MOBILE_RE, normalize_mobile
from deputies.models import Deputy

from .models import Station

COLUMNS = [
    Column("站点名称", "station", required=True, aliases=("联络站", "联络站名称", "代表之家", "名称"), width=20),
    Column("召集人", "convener", width=10),
    Column("管理员", "administrator", aliases=("联络站管理员",), width=10),
    Column("联络员", "liaison_officer", width=10),
    Column("联络员电话", "liaison_phone", aliases=("联系电话", "电话"), width=14),
]
_LABELS = {
    "convener": "召集人",
    "administrator": "管理员",
    "liaison_officer": "联络员",
    "liaison_phone": "联络员电话",
}


def _display(name, value):
    if value in (None, ""):
        return "(空)"
    if isinstance(value, User):
        return value.name or value.username
    return str(value)


class StationStaffImporter(TableImporter):
    title = "联络站工作人员"
    columns = COLUMNS
    permission = "liaison_stations.change_station"

    def check_actor(self, actor, township):
        if not actor.has_perm(self.permission, Station(township=township)):
            raise PermissionDenied("您无权修改该乡镇的联络站。")

    record_noun = "站点"

    def context(self, township):
        deputies: dict[str, list[Deputy]] = {}
        for d in Deputy.objects.filter(township=township).on_roster():
            deputies.setdefault(d.name, []).append(d)
        admins: dict[str, list[User]] = {}
        for u in User.objects.filter(township=township, role=Role.STATION_ADMIN, is_active=True):
            for key in {u.username, u.name} - {""}:
                admins.setdefault(key, []).append(u)
        stations = Station.objects.filter(township=township).select_related(
            "convener", "administrator"
        )
        return {"stations": {s.name: s for s in stations}, "convener": deputies,
                "administrator": admins}

    def plan_row(self, plan, name, context):
        v = plan.raw.values
        station = context["stations"].get(name)
        if name and station is None:
            plan.errors.append(f"本乡镇没有名为“{name}”的联络站(点),请先在后台添加")
        new = {}
        for key, label in (("convener", "在册代表"), ("administrator", "联络站管理员账号")):
            text = re.sub(r"\s+", "", v.get(key, ""))
            if not text:
                continue
            found = context[key].get(text, [])
            if len(found) == 1:
                new[key] = found[0]
            elif not found:
                plan.errors.append(f"{_LABELS[key]}“{text}”不是本乡镇的{label}")
            else:
                plan.errors.append(
                    f"{_LABELS[key]}“{text}”有{len(found)}位同名的{label},请在后台选择"
                )
        officer = v.get("liaison_officer", "").strip()[:30]
        if officer:
            new["liaison_officer"] = officer
        phone_text = v.get("liaison_phone", "").strip()
        if phone_text:
            phone = normalize_mobile(phone_text)
            if MOBILE_RE.match(phone):
                new["liaison_phone"] = phone
            else:
                plan.errors.append(f"联络员电话“{phone_text}”格式不正确(应为11位手机号码)")
        if plan.errors:
            return
        plan.target = station
        plan.cleaned = {"station": station, **new}
        current = {k: getattr(station, k) for k in new}
        plan.changes = diff(current, new, labels=_LABELS, display=_display)
        plan.action = Action.UPDATE if plan.changes else Action.UNCHANGED

    def apply_row(self, row, *, actor, township):
        station_staff_apply(actor=actor, **row.cleaned)


def station_staff_apply(*, actor, station, **fields) -> Station:
    """Set a station's convener, administrator, liaison officer and phone (those given), with a
    history row naming ``actor``."""
    with transaction.atomic():
        station = Station.objects.select_for_update().get(pk=station.pk)
        changed = [k for k, value in fields.items() if getattr(station, k) != value]
        for k in changed:
            setattr(station, k, fields[k])
        if changed:
            station._history_user = actor
            station.save(update_fields=changed)
    return station

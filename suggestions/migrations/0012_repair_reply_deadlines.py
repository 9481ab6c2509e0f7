"""Repair existing rows: keep every reply deadline of every cycle as a ReplyDeadline row and put
the first cycle's deadline back into ``Suggestion.deadline``.

Before this migration a 不满意 rating overwrote ``deadline`` with the re-handling date. The
timeline kept each date in its note (交办 "答复期限:…", 同意延期 "答复期限改为…", 重新办理
"答复期限…"), so the cycles are rebuilt from the events in order. A dispatched suggestion
without a readable 交办 note keeps its current ``deadline`` as the first one when it was never
re-handled; otherwise its first deadline is worked out from the 交办 date and the township's
reply months, and the row says so.
"""

import datetime
import re

from django.db import migrations

DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _date_after(note: str, marker: str):
    index = note.find(marker)
    if index < 0:
        return None
    found = DATE.search(note, index + len(marker))
    return datetime.date(*map(int, found.groups())) if found else None


def repair(apps, schema_editor):
    from congress.workdays import months_deadline

    Suggestion = apps.get_model("suggestions", "Suggestion")
    SuggestionEvent = apps.get_model("suggestions", "SuggestionEvent")
    ReplyDeadline = apps.get_model("suggestions", "ReplyDeadline")
    DeadlineSettings = apps.get_model("suggestions", "DeadlineSettings")
    settings = {s.township_id: s for s in DeadlineSettings.objects.all()}
    events = {}
    for e in SuggestionEvent.objects.filter(
        action__in=["dispatch", "approve_extension", "rehandle"], suggestion__dispatched_at__isnull=False
    ).order_by("created_at", "id"):
        events.setdefault(e.suggestion_id, []).append(e)
    rows = []
    for s in Suggestion.objects.filter(dispatched_at__isnull=False).iterator():
        cycle = 0
        found = {}  # (cycle, kind) -> row; a later row of the same kind and cycle wins
        for e in events.get(s.pk, []):
            if e.action == "dispatch":
                due, kind = _date_after(e.note, "答复期限:"), "first"
            elif e.action == "approve_extension":
                due, kind = _date_after(e.note, "答复期限改为"), "extension"
            else:
                cycle += 1
                due, kind = _date_after(e.note, "答复期限"), "rehandle"
            if due is not None:
                found[(cycle, kind)] = ReplyDeadline(
                    suggestion_id=s.pk, cycle=cycle, kind=kind, due_date=due, set_by_id=e.actor_id,
                    set_at=e.created_at, reason="迁移时据办理记录补记",
                )
        if (0, "first") not in found:
            if s.rehandle_count == 0 and s.deadline:
                due, reason = s.deadline, "迁移时据原答复期限补记"
            else:
                township = settings.get(s.township_id)
                months = (township.complex_reply_months if s.is_complex else township.reply_months) if township else (
                    6 if s.is_complex else 3)
                due = months_deadline(s.dispatched_at.date(), months)
                reason = "迁移时据交办日期推算(原期限已被重新办理期限覆盖)"
            found[(0, "first")] = ReplyDeadline(
                suggestion_id=s.pk, cycle=0, kind="first", due_date=due, set_by_id=None,
                set_at=s.dispatched_at, reason=reason,
            )
        cycle0 = sorted((r for (c, _), r in found.items() if c == 0), key=lambda r: (r.set_at, r.kind != "first"))
        first_effective = cycle0[-1].due_date
        if s.deadline != first_effective:
            Suggestion.objects.filter(pk=s.pk).update(deadline=first_effective)
        rows.extend(found.values())
    ReplyDeadline.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0011_reply_deadlines_per_cycle_and_late_rating")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]

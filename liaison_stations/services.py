"""Writes for stations. One function per change: keyword-only arguments with ``actor`` named,
inside ``transaction.atomic``, the row locked, permission re-checked, history recorded with the
actor (django-simple-history), side effects (notifications) after commit.

Duty records (履职档案) for deputies are written only through
:func:`deputies.services.duty_record_from_source`, one per deputy and source
(``station_activity:<pk>``; a reception record's ``duty_source_key``), however often a record is saved.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from congress.notifications import notification_send
from deputies.models import Deputy, DutyKind, DutyRecord
from deputies.services import duty_record_from_source

from .models import (
    ActivityPhoto,
    ReceptionDay,
    ReceptionIssue,
    ReceptionRecord,
    ReceptionRule,
    StandardEvidence,
    StandardItem,
    Station,
    StationActivity,
)
from .schedule import rule_dates


def _require(actor, perm: str, obj=None, message: str = "您没有权限进行此操作。") -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied(message)


def _require_manage(actor, station: Station) -> None:
    _require(actor, "liaison_stations.manage_station", station, "您只能管理自己负责的联络站。")


def _lock_station(station: Station) -> Station:
    return Station.objects.select_for_update().select_related("township").get(pk=station.pk)


def _check_deputies(station: Station, deputies) -> list[Deputy]:
    deputies = list(deputies)
    foreign = [d for d in deputies if d.township_id != station.township_id]
    if foreign:
        raise ValidationError("只能选择本乡镇的代表:" + "、".join(d.name for d in foreign))
    return deputies


def _with_history_user(obj, actor):
    obj._history_user = actor
    return obj


# --- Reception days ---------------------------------------------------------------------------


def reception_rule_create(*, actor, station: Station, **fields) -> ReceptionRule:
    """Add a recurring reception rule to a station (validated by the model's ``clean``)."""
    with transaction.atomic():
        station = _lock_station(station)
        _require_manage(actor, station)
        rule = ReceptionRule(station=station, **fields)
        rule.full_clean()
        _with_history_user(rule, actor).save()
    return rule


def reception_days_generate(
    *, actor, station: Station, start: datetime.date, end: datetime.date
) -> list[ReceptionDay]:
    """Create the reception days the station's active rules yield in [start, end] that do not
    exist yet. Existing days (and their rosters) are left as they are, so generating twice
    creates nothing new. Returns the days created."""
    if end < start:
        raise ValidationError("结束日期不能早于开始日期。")
    if (end - start).days > 366 * 2:
        raise ValidationError("一次最多生成两年的接待日。")
    with transaction.atomic():
        station = _lock_station(station)
        _require_manage(actor, station)
        existing = set(
            ReceptionDay.objects.filter(station=station, date__range=(start, end)).values_list(
                "date", flat=True
            )
        )
        planned: dict[datetime.date, ReceptionRule] = {}
        for rule in station.reception_rules.filter(is_active=True).order_by("id"):
            for date in rule_dates(rule, start, end):
                planned.setdefault(date, rule)
        created = []
        for date, rule in sorted(planned.items()):
            if date in existing:
                continue
            day = ReceptionDay(station=station, date=date, rule=rule, time_note=rule.time_note)
            _with_history_user(day, actor).save()
            created.append(day)
    return created


def reception_day_set_roster(*, actor, day: ReceptionDay, deputies, note: str | None = None):
    """Set the deputies on duty for one reception day; newly assigned deputies with a portal
    account get an inbox message after commit."""
    with transaction.atomic():
        day = ReceptionDay.objects.select_for_update().select_related("station__township").get(
            pk=day.pk
        )
        _require_manage(actor, day.station)
        deputies = _check_deputies(day.station, deputies)
        before = set(day.duty_deputies.values_list("pk", flat=True))
        if note is not None and note != day.note:
            day.note = note
            _with_history_user(day, actor).save(update_fields=["note"])
        day.duty_deputies.set(deputies)
        added = [d for d in deputies if d.pk not in before and d.user_id]
        url = reverse("stations_portal:my_duty")
        for deputy in added:
            notification_send(
                recipient=deputy.user,
                title=f"接待选民日值班安排:{day.date:%m月%d日} {day.station.name}",
                body=f"您被安排于{day.date:%Y年%m月%d日} {day.time_note}在{day.station.name}接待选民。",
                url=url,
            )
    return day


def reception_day_cancel(*, actor, day: ReceptionDay, note: str) -> ReceptionDay:
    with transaction.atomic():
        day = ReceptionDay.objects.select_for_update().select_related("station").get(pk=day.pk)
        _require_manage(actor, day.station)
        day.is_cancelled = True
        day.note = note
        _with_history_user(day, actor).save(update_fields=["is_cancelled", "note"])
    return day


# --- Reception records ------------------------------------------------------------------------


def _sync_duty_records(*, source_key, deputies, kind, date, content, place, hours, actor):
    """Give each deputy one duty record for the source; withdraw the record of a deputy taken
    off the list. Fellow deputies are filled in on the records created now."""
    deputies = list(deputies)
    keep = {d.pk for d in deputies}
    DutyRecord.objects.filter(source_key=source_key).exclude(deputy_id__in=keep).delete()
    for deputy in deputies:
        record, created = duty_record_from_source(
            deputy=deputy, source_key=source_key, kind=kind, date=date, content=content,
            place=place, hours=hours, actor=actor,
        )
        if created:
            record.participants.set([d for d in deputies if d.pk != deputy.pk])


def _sync_reception_duty(record: ReceptionRecord, actor) -> None:
    _sync_duty_records(
        source_key=record.duty_source_key,
        deputies=record.deputies_present.all(),
        kind=DutyKind.RECEPTION,
        date=record.date,
        content=f"在{record.station.name}接待选民。{record.summary}"[:2000],
        place=record.station.name,
        hours=2,
        actor=actor,
    )


def reception_record_save(
    *, actor, station: Station, date: datetime.date, deputies, summary: str = "",
    record: ReceptionRecord | None = None,
) -> ReceptionRecord:
    """Create (or correct) a reception record; each deputy present gets one 接待选民 duty record."""
    if date > timezone.localdate():
        raise ValidationError({"date": "接待记录只能登记今天或以前的接待。"})
    with transaction.atomic():
        station = _lock_station(station)
        _require_manage(actor, station)
        deputies = _check_deputies(station, deputies)
        if record is None:
            record = ReceptionRecord(station=station, township=station.township, created_by=actor)
        else:
            record = ReceptionRecord.objects.select_for_update().get(pk=record.pk, station=station)
        record.date = date
        record.summary = summary
        record.reception_day = ReceptionDay.objects.filter(station=station, date=date).first()
        _with_history_user(record, actor).save()
        if not record.duty_source_key:
            record.duty_source_key = ReceptionRecord.duty_source_key_for(record.pk)
            _with_history_user(record, actor).save(update_fields=["duty_source_key"])
        record.deputies_present.set(deputies)
        _sync_reception_duty(record, actor)
    return record


def reception_issue_add(*, actor, record: ReceptionRecord, **fields) -> ReceptionIssue:
    with transaction.atomic():
        record = ReceptionRecord.objects.select_for_update().select_related("station").get(
            pk=record.pk
        )
        _require_manage(actor, record.station)
        village = fields.get("village")
        if village is not None and village.township_id != record.township_id:
            raise ValidationError({"village": "请选择本乡镇的村(社区)。"})
        issue = ReceptionIssue(record=record, **fields)
        issue.full_clean()
        _with_history_user(issue, actor).save()
    return issue


# --- Activities -------------------------------------------------------------------------------


def activity_save(
    *, actor, station: Station, participants, activity: StationActivity | None = None, **fields
) -> StationActivity:
    """Create or change an activity; every participant ends up with exactly one duty record
    for it (saving again, or clicking twice, adds none)."""
    with transaction.atomic():
        station = _lock_station(station)
        _require_manage(actor, station)
        participants = _check_deputies(station, participants)
        if activity is None:
            activity = StationActivity(station=station, created_by=actor)
        else:
            activity = StationActivity.objects.select_for_update().get(
                pk=activity.pk, station=station
            )
        for name, value in fields.items():
            setattr(activity, name, value)
        plan_item = fields.get("plan_item")
        if plan_item is not None and plan_item.plan.station_id != station.pk:
            raise ValidationError({"plan_item": "只能选择本站点的活动计划。"})
        activity.full_clean(exclude=["participants"])
        _with_history_user(activity, actor).save()
        activity.participants.set(participants)
        activity_sync_duty_records(activity=activity, actor=actor)
    return activity


def activity_sync_duty_records(*, activity: StationActivity, actor) -> None:
    """Bring the participants' duty records in line with the activity (used by the admin after
    it saved the many-to-many field itself)."""
    _sync_duty_records(
        source_key=activity.duty_source_key,
        deputies=activity.participants.all(),
        kind=activity.kind,
        date=activity.date,
        content=f"{activity.title}:{activity.content}"[:2000],
        place=activity.place or activity.station.name,
        hours=activity.hours,
        actor=actor,
    )


def activity_photo_add(*, actor, activity: StationActivity, image, caption: str = "") -> ActivityPhoto:
    with transaction.atomic():
        activity = StationActivity.objects.select_for_update().select_related("station").get(
            pk=activity.pk
        )
        _require_manage(actor, activity.station)
        photo = ActivityPhoto(activity=activity, image=image, caption=caption, uploaded_by=actor)
        photo.full_clean()
        photo.save()
    return photo


def reception_sync_duty_records(*, record: ReceptionRecord, actor) -> None:
    """The admin's twin of :func:`activity_sync_duty_records` for reception records."""
    _sync_reception_duty(record, actor)


# --- Checklist evidence -----------------------------------------------------------------------


def evidence_submit(
    *, actor, station: Station, item: StandardItem, note: str = "", photo=None
) -> StandardEvidence:
    """Submit or replace a station's evidence for one standard item. Keeps an earlier photo when
    no new one is given; any change clears the staff check so it is checked again."""
    with transaction.atomic():
        station = _lock_station(station)
        _require_manage(actor, station)
        if station.standard_set_id != item.standard_set_id:
            raise ValidationError("该条目不属于本站点的建设标准。")
        evidence = (
            StandardEvidence.objects.select_for_update().filter(station=station, item=item).first()
        )
        if evidence is None:
            evidence = StandardEvidence(station=station, item=item)
        if photo:
            evidence.photo = photo
        evidence.note = note
        if not evidence.photo and not note.strip():
            raise ValidationError({"note": "请上传照片或填写说明,至少一项。"})
        evidence.submitted_by = actor
        evidence.submitted_at = timezone.now()
        evidence.checked_by = None
        evidence.checked_on = None
        evidence.full_clean()
        _with_history_user(evidence, actor).save()
    return evidence


def evidence_check(
    *, actor, evidence: StandardEvidence, on_date: datetime.date | None = None, note: str = ""
) -> StandardEvidence:
    """Staff confirm (核查) a station's evidence on a date."""
    with transaction.atomic():
        evidence = StandardEvidence.objects.select_for_update().select_related("station").get(
            pk=evidence.pk
        )
        _require(actor, "liaison_stations.check_evidence", evidence, "只有人大办工作人员可以核查。")
        evidence.checked_by = actor
        evidence.checked_on = on_date or timezone.localdate()
        evidence.check_note = note
        _with_history_user(evidence, actor).save(
            update_fields=["checked_by", "checked_on", "check_note"]
        )
    return evidence


def evidence_uncheck(*, actor, evidence: StandardEvidence, note: str = "") -> StandardEvidence:
    with transaction.atomic():
        evidence = StandardEvidence.objects.select_for_update().select_related("station").get(
            pk=evidence.pk
        )
        _require(actor, "liaison_stations.check_evidence", evidence, "只有人大办工作人员可以核查。")
        evidence.checked_by = None
        evidence.checked_on = None
        evidence.check_note = note
        _with_history_user(evidence, actor).save(
            update_fields=["checked_by", "checked_on", "check_note"]
        )
    return evidence

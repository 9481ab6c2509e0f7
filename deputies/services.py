"""Writes for deputies. Other modules record duty entries through
:func:`duty_record_from_source`, never by creating DutyRecord rows themselves."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from congress.exceptions import ApplicationError
from congress.validators import normalize_mobile

from .models import (
    Deputy,
    DeputyGroup,
    DutyKind,
    DutyPhoto,
    DutyRecord,
    Level,
    Mandate,
    MandateStatus,
    VoterContact,
)


def duty_record_from_source(
    *,
    deputy: Deputy,
    source_key: str,
    kind: str,
    date: datetime.date,
    content: str,
    place: str = "",
    hours: Decimal | float | int = 0,
    actor=None,
) -> tuple[DutyRecord, bool]:
    """One duty entry per (deputy, source): a second call with the same source returns the
    existing entry unchanged. Returns ``(record, created)``."""
    if not source_key:
        raise ValueError("source_key is required")
    if kind not in DutyKind.values:
        raise ValueError(f"unknown duty kind {kind!r}")
    existing = DutyRecord.objects.filter(deputy=deputy, source_key=source_key).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            record = DutyRecord.objects.create(
                deputy=deputy,
                source_key=source_key,
                kind=kind,
                date=date,
                content=content,
                place=place,
                hours=Decimal(str(hours)),
                created_by=actor,
            )
    except IntegrityError:
        # A concurrent call created it first: the constraint kept it to one.
        return DutyRecord.objects.get(deputy=deputy, source_key=source_key), False
    return record, True


# --- Errors --------------------------------------------------------------------------------


class DeputyError(ApplicationError):
    """A write refused for a reason the user can act on; the message is in Chinese."""


# --- Mandates --------------------------------------------------------------------------------


def mandate_change_status(
    *, actor, mandate: Mandate, status: str, date: datetime.date, reason: str
) -> Mandate:
    """End (or correct the status of) a mandate with its date and reason. The mandate row is
    kept: history is never deleted."""
    if status not in MandateStatus.values:
        raise DeputyError("未知的代表资格状态。")
    with transaction.atomic():
        mandate = Mandate.objects.select_for_update().select_related("deputy").get(pk=mandate.pk)
        if not actor.has_perm("deputies.change_mandate", mandate):
            raise PermissionDenied("您无权修改该代表的代表资格。")
        if status != MandateStatus.ACTIVE and not (date and reason.strip()):
            raise DeputyError("终止代表资格须填写变更日期和原因。")
        mandate.status = status
        mandate.status_date = date
        mandate.status_reason = reason.strip()
        mandate._history_user = actor
        mandate.save(update_fields=["status", "status_date", "status_reason"])
    return mandate


# --- Duty records ----------------------------------------------------------------------------

DUTY_RECORD_FIELDS = (
    "kind",
    "date",
    "place",
    "hours",
    "content",
    "contact_persons",
    "outcome",
    "satisfied_count",
    "basically_satisfied_count",
    "unsatisfied_count",
)


def _check_review_counts(kind, values):
    counts = [values.get(f) for f in DUTY_RECORD_FIELDS[-3:]]
    if kind != DutyKind.PERFORMANCE_REVIEW and any(c for c in counts):
        raise DeputyError("只有“述职评议”记录可以填写满意、基本满意、不满意票数。")


def duty_record_create(
    *,
    actor,
    deputy: Deputy,
    kind: str,
    date: datetime.date,
    content: str,
    place: str = "",
    hours: Decimal | float | int = 0,
    contact_persons: str = "",
    outcome: str = "",
    participants=(),
    photos=(),
    satisfied_count: int | None = None,
    basically_satisfied_count: int | None = None,
    unsatisfied_count: int | None = None,
) -> DutyRecord:
    """A duty entry typed in by a deputy (for himself) or by staff (for any deputy of their
    township), with optional fellow deputies and photos."""
    values = dict(
        kind=kind,
        date=date,
        content=content.strip(),
        place=place.strip(),
        hours=Decimal(str(hours or 0)),
        contact_persons=contact_persons.strip(),
        outcome=outcome.strip(),
        satisfied_count=satisfied_count,
        basically_satisfied_count=basically_satisfied_count,
        unsatisfied_count=unsatisfied_count,
    )
    if kind not in DutyKind.values:
        raise DeputyError("请选择履职类别。")
    if not values["content"]:
        raise DeputyError("请填写履职内容。")
    _check_review_counts(kind, values)
    record = DutyRecord(deputy=deputy, created_by=actor, **values)
    if not (
        actor.has_perm("deputies.add_dutyrecord")
        and actor.has_perm("deputies.change_dutyrecord", record)
    ):
        raise PermissionDenied("您只能为自己(或本乡镇代表)登记履职记录。")
    with transaction.atomic():
        record._history_user = actor
        record.full_clean(exclude=["participants"])
        record.save()
        fellow = [
            d for d in participants if d.pk != deputy.pk and d.township_id == deputy.township_id
        ]
        if fellow:
            record.participants.set(fellow)
        _add_photos(record, photos)
    return record


def _add_photos(record: DutyRecord, photos) -> None:
    for upload in photos:
        photo = DutyPhoto(record=record, image=upload)
        photo.full_clean()  # content type and size: congress.validators.photo_validator
        photo.save()


def duty_record_update(
    *, actor, record: DutyRecord, participants=None, photos=(), **changes
) -> DutyRecord:
    """Correct a duty entry. A deputy may correct only his own hand-typed entries; staff any of
    their township's (including those other modules wrote)."""
    unknown = set(changes) - set(DUTY_RECORD_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    with transaction.atomic():
        record = DutyRecord.objects.select_for_update().select_related("deputy").get(pk=record.pk)
        if not actor.has_perm("deputies.change_dutyrecord", record):
            raise PermissionDenied("您无权修改这条履职记录。")
        for name, value in changes.items():
            if isinstance(value, str):
                value = value.strip()
            setattr(record, name, value)
        if not record.content:
            raise DeputyError("请填写履职内容。")
        _check_review_counts(record.kind, {f: getattr(record, f) for f in DUTY_RECORD_FIELDS})
        record._history_user = actor
        record.full_clean(exclude=["participants"])
        record.save(update_fields=list(changes) or None)
        if participants is not None:
            record.participants.set(
                [
                    d
                    for d in participants
                    if d.pk != record.deputy_id and d.township_id == record.deputy.township_id
                ]
            )
        _add_photos(record, photos)
    return record


def duty_record_delete(*, actor, record: DutyRecord) -> None:
    with transaction.atomic():
        record = DutyRecord.objects.select_for_update().select_related("deputy").get(pk=record.pk)
        if not actor.has_perm("deputies.delete_dutyrecord", record):
            raise PermissionDenied("您无权删除这条履职记录。")
        record._history_user = actor
        record.delete()


# --- 双联系: voter-contact register ------------------------------------------------------------


def voter_contact_create(
    *,
    actor,
    deputy: Deputy,
    name: str,
    village=None,
    address: str = "",
    phone: str = "",
    since: datetime.date | None = None,
    note: str = "",
) -> VoterContact:
    contact = VoterContact(
        deputy=deputy,
        name=name.strip(),
        village=village,
        address=address.strip(),
        phone=normalize_mobile(phone),
        since=since,
        note=note.strip(),
    )
    if not (
        actor.has_perm("deputies.add_votercontact")
        and actor.has_perm("deputies.change_votercontact", contact)
    ):
        raise PermissionDenied("您只能登记自己联系的选民。")
    if village is not None and village.township_id != deputy.township_id:
        raise DeputyError("所选村(社区)不属于本乡镇。")
    contact.full_clean()
    contact._history_user = actor
    contact.save()
    return contact


def voter_contact_delete(*, actor, contact: VoterContact) -> None:
    with transaction.atomic():
        contact = VoterContact.objects.select_for_update().get(pk=contact.pk)
        if not actor.has_perm("deputies.delete_votercontact", contact):
            raise PermissionDenied("您无权删除该选民登记。")
        contact._history_user = actor
        contact.delete()


# --- Roster import ---------------------------------------------------------------------------


def roster_import(
    *,
    actor,
    township,
    term,
    check,
    level_terms: dict[str, int],
    skip_invalid: bool = False,
) -> list[Deputy]:
    """Write the rows of a checked roster sheet (:func:`deputies.roster_excel.check_rows`):
    one Deputy per row, one active Mandate per level (the town level in ``term``, the others in
    ``level_terms[level]``), groups created as named. All or nothing: with any invalid row and
    ``skip_invalid`` False nothing is written; with ``skip_invalid`` the valid rows are."""
    if not actor.has_perm("deputies.add_deputy") or not (
        actor.is_superuser or actor.township_id == township.pk
    ):
        raise PermissionDenied("您无权向该乡镇导入代表。")
    if term.township_id != township.pk:
        raise DeputyError("所选届次不属于该乡镇。")
    if check.invalid_rows and not skip_invalid:
        raise DeputyError(
            f"有 {len(check.invalid_rows)} 行存在错误,未导入任何数据。请修改后重新上传,或选择跳过错误行。"
        )
    rows = check.valid_rows
    if not rows:
        raise DeputyError("没有可以导入的有效行。")
    created = []
    with transaction.atomic():
        groups = {g.name: g for g in DeputyGroup.objects.filter(township=township, term=term)}
        for row in rows:
            c = row.cleaned
            group = None
            if c["group_name"]:
                group = groups.get(c["group_name"])
                if group is None:
                    group = DeputyGroup(township=township, term=term, name=c["group_name"])
                    group._history_user = actor
                    group.save()
                    groups[group.name] = group
            deputy = Deputy(
                township=township,
                name=c["name"],
                gender=c["gender"],
                ethnicity=c["ethnicity"],
                birth_date=c["birth_date"],
                political_status=c["political_status"],
                education=c["education"],
                occupation=c["occupation"],
                employer=c["employer"],
                category=c["category"],
                district_id=c["district_id"],
                group=group,
                phone=c["phone"],
                is_presidium_member=c["is_presidium_member"],
            )
            deputy._history_user = actor
            deputy.save()
            for level in c["levels"]:
                mandate = Mandate(
                    deputy=deputy,
                    level=level,
                    term_number=term.number if level == Level.TOWN else level_terms[level],
                )
                mandate._history_user = actor
                mandate.save()
            created.append(deputy)
    return created

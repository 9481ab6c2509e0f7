"""Writes for deputies. Other modules record duty entries through
:func:`duty_record_from_source`, never by creating DutyRecord rows themselves."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from congress.exceptions import ApplicationError
from congress.models import ElectoralDistrict
from congress.table_import import ImportResult
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


def _assign_changed(obj, changes: dict) -> list[str]:
    """Set the values that differ; return their field names (for ``update_fields``)."""
    changed = [name for name, value in changes.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, changes[name])
    return changed


MANDATE_FIELDS = ("level", "term_number", "elected_on", "status", "status_date", "status_reason")


def mandate_validate(mandate: Mandate) -> None:
    """The rules every mandate write keeps (raises DeputyError); forms call it to show the
    message early, the services call it again under the lock."""
    if mandate.level not in Level.values:
        raise DeputyError("未知的代表层级。")
    if mandate.status not in MandateStatus.values:
        raise DeputyError("未知的代表资格状态。")
    if not mandate.term_number or mandate.term_number < 1:
        raise DeputyError("届次须为正整数。")
    mandate.status_reason = (mandate.status_reason or "").strip()
    if mandate.status != MandateStatus.ACTIVE and not (
        mandate.status_date and mandate.status_reason
    ):
        raise DeputyError("终止代表资格须填写变更日期和原因。")
    if (
        mandate.status == MandateStatus.ACTIVE
        and Mandate.objects.filter(
            deputy_id=mandate.deputy_id,
            level=mandate.level,
            term_number=mandate.term_number,
            status=MandateStatus.ACTIVE,
        )
        .exclude(pk=mandate.pk)
        .exists()
    ):
        raise DeputyError(
            f"该代表已有第{mandate.term_number}届{mandate.get_level_display()}的在任资格。"
        )


def mandate_create(
    *,
    actor,
    deputy: Deputy,
    level: str,
    term_number: int,
    elected_on: datetime.date | None = None,
    status: str = MandateStatus.ACTIVE,
    status_date: datetime.date | None = None,
    status_reason: str = "",
) -> Mandate:
    """Add a mandate to a deputy. At most one active mandate per deputy, level and term (also a
    database constraint); an ended one needs its date and reason."""
    with transaction.atomic():
        deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
        mandate = Mandate(
            deputy=deputy,
            level=level,
            term_number=term_number,
            elected_on=elected_on,
            status=status,
            status_date=status_date,
            status_reason=status_reason,
        )
        if not actor.has_perm("deputies.change_mandate", mandate):
            raise PermissionDenied("您无权修改该代表的代表资格。")
        mandate_validate(mandate)
        mandate._history_user = actor
        mandate.save()
    return mandate


def mandate_update(*, actor, mandate: Mandate, **changes) -> Mandate:
    """Correct or end a mandate (any of ``MANDATE_FIELDS``). The row is kept: history is never
    deleted; each change is a history row with the actor."""
    unknown = set(changes) - set(MANDATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    with transaction.atomic():
        Deputy.objects.select_for_update().filter(pk=mandate.deputy_id).order_by().first()
        mandate = Mandate.objects.select_for_update().select_related("deputy").get(pk=mandate.pk)
        if not actor.has_perm("deputies.change_mandate", mandate):
            raise PermissionDenied("您无权修改该代表的代表资格。")
        changed = _assign_changed(mandate, changes)
        if not changed:
            return mandate
        if "status" in changed and mandate.status == MandateStatus.ACTIVE:
            mandate.status_date, mandate.status_reason = None, ""
            changed = list({*changed, "status_date", "status_reason"})
        mandate_validate(mandate)
        mandate._history_user = actor
        mandate.save(update_fields=changed)
    return mandate


def mandate_change_status(
    *, actor, mandate: Mandate, status: str, date: datetime.date, reason: str
) -> Mandate:
    """End (or correct the status of) a mandate with its date and reason."""
    if status not in MandateStatus.values:
        raise DeputyError("未知的代表资格状态。")
    return mandate_update(
        actor=actor, mandate=mandate, status=status, status_date=date, status_reason=reason.strip()
    )


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


# --- Deputies ------------------------------------------------------------------------------

DEPUTY_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "political_status",
    "education",
    "occupation",
    "employer",
    "category",
    "district",
    "group",
    "phone",
    "is_presidium_member",
)


def _check_deputy_scope(deputy: Deputy) -> None:
    for name in ("district", "group"):
        value = getattr(deputy, name)
        if value is not None and value.township_id != deputy.township_id:
            raise DeputyError("选区和代表小组必须属于该代表所在的乡镇。")


def deputy_create(*, actor, township, **fields) -> Deputy:
    """A person on the township's roster (mandates are added with :func:`mandate_create`)."""
    unknown = set(fields) - set(DEPUTY_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    deputy = Deputy(township=township, **fields)
    if not actor.has_perm("deputies.add_deputy") or not (
        actor.is_superuser or actor.township_id == township.pk
    ):
        raise PermissionDenied("您无权为该乡镇登记代表。")
    _check_deputy_scope(deputy)
    with transaction.atomic():
        deputy.full_clean(exclude=["user", "photo"])
        deputy._history_user = actor
        deputy.save()
    return deputy


def deputy_update(*, actor, deputy: Deputy, **changes) -> Deputy:
    """Change a deputy's profile fields; a history row records the actor, old and new."""
    unknown = set(changes) - set(DEPUTY_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {unknown}")
    with transaction.atomic():
        deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
        if not actor.has_perm("deputies.change_deputy", deputy):
            raise PermissionDenied("您无权修改该代表的信息。")
        changed = _assign_changed(deputy, changes)
        if not changed:
            return deputy
        _check_deputy_scope(deputy)
        deputy.full_clean(exclude=["user", "photo"])
        deputy._history_user = actor
        deputy.save(update_fields=changed)
    return deputy


# --- Roster import ---------------------------------------------------------------------------


def roster_import(
    *,
    actor,
    township,
    term,
    rows,
    level_terms: dict[str, int],
    resolutions: dict[str, str] | None = None,
    skip_invalid: bool = False,
) -> ImportResult:
    """Apply a roster sheet (:func:`deputies.roster_excel.read_roster`): new persons are
    created, matched persons updated (only the columns the row fills; new levels added as
    active mandates — the town level in ``term``, the others in ``level_terms[level]``), groups
    created as named. Every write goes through :func:`deputy_create` / :func:`deputy_update` /
    :func:`mandate_create`, with history.

    The rows are checked again *inside* a lock on the township, so two imports of the same
    file one after the other or at the same time match the persons the first created instead
    of creating them twice (the database constraint on the person is the last line). All or
    nothing: with any row in error and ``skip_invalid`` False nothing is written; rows still
    awaiting confirmation are skipped and reported."""
    from congress.models import Township

    from .roster_excel import check_rows

    if not actor.has_perm("deputies.add_deputy") or not (
        actor.is_superuser or actor.township_id == township.pk
    ):
        raise PermissionDenied("您无权向该乡镇导入代表。")
    if term.township_id != township.pk:
        raise DeputyError("所选届次不属于该乡镇。")
    result = ImportResult()
    with transaction.atomic():
        Township.objects.select_for_update().filter(pk=township.pk).order_by().first()
        check = check_rows(rows, township=township, term=term, resolutions=resolutions)
        if check.invalid_rows and not skip_invalid:
            raise DeputyError(
                f"有 {len(check.invalid_rows)} 行存在错误,未导入任何数据。请修改后重新上传,或选择跳过错误行。"
            )
        if not check.writable and not check.unchanged:
            raise DeputyError("没有可以导入的有效行。")
        groups = {g.name: g for g in DeputyGroup.objects.filter(township=township, term=term)}

        def group_named(name):
            if not name:
                return None
            if name not in groups:
                group = DeputyGroup(township=township, term=term, name=name)
                group._history_user = actor
                group.save()
                groups[name] = group
            return groups[name]

        for row in check.rows:
            c = row.cleaned
            if row.action == "create":
                deputy = _create_from_row(actor, township, c, group_named)
                result.created.append(row)
            elif row.action == "update":
                deputy = row.deputy
                changes = {}
                for change in row.changes:
                    if change.field == "levels":
                        continue
                    if change.field == "group_name":
                        changes["group"] = group_named(c["group_name"])
                    elif change.field == "district_id":
                        changes["district"] = ElectoralDistrict.objects.get(pk=c["district_id"])
                    else:
                        changes[change.field] = c[change.field]
                if changes:
                    deputy = deputy_update(actor=actor, deputy=deputy, **changes)
                result.updated.append(row)
            elif row.action == "unchanged":
                result.unchanged.append(row)
                continue
            else:
                result.skipped.append(row)
                continue
            for level in row.new_levels:
                mandate_create(
                    actor=actor,
                    deputy=deputy,
                    level=level,
                    term_number=term.number if level == Level.TOWN else level_terms[level],
                )
    return result


def _create_from_row(actor, township, c, group_named) -> Deputy:
    return deputy_create(
        actor=actor,
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
        district=ElectoralDistrict.objects.get(pk=c["district_id"]) if c["district_id"] else None,
        group=group_named(c["group_name"]),
        phone=c["phone"],
        is_presidium_member=c["is_presidium_member"],
    )


def duty_counters_rebuild() -> None:
    """Recount the duty-record counters the triggers keep (after a deputy moved township)."""
    from django.db import connection

    from . import duty_counters

    with transaction.atomic():
        duty_counters.rebuild(connection)

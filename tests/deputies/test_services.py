import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from deputies.models import DutyKind, DutyRecord, Level, MandateStatus
from deputies.services import (
    DeputyError,
    duty_record_create,
    duty_record_delete,
    duty_record_from_source,
    duty_record_update,
    mandate_change_status,
    voter_contact_create,
)

from .factories import DutyRecordFactory, jpeg_upload

pytestmark = pytest.mark.django_db


def test_deputy_records_his_own_duty_with_a_photo(office, today, media_root):
    record = duty_record_create(
        actor=office.deputy.user,
        deputy=office.deputy,
        kind=DutyKind.VOTER_CONTACT,
        date=today,
        content="走访上坪村5户村民",
        photos=[jpeg_upload()],
        participants=[office.other_deputy],
    )
    assert record.created_by == office.deputy.user
    assert record.photos.count() == 1
    assert list(record.participants.all()) == [office.other_deputy]
    assert record.history.latest().history_user == office.deputy.user


def test_deputy_cannot_record_for_another_deputy(office, today):
    with pytest.raises(PermissionDenied):
        duty_record_create(
            actor=office.deputy.user,
            deputy=office.other_deputy,
            kind=DutyKind.TRAINING,
            date=today,
            content="冒名登记",
        )
    assert not DutyRecord.objects.exists()


def test_staff_record_for_their_township_only(office, today):
    duty_record_create(
        actor=office.staff, deputy=office.deputy, kind=DutyKind.TRAINING, date=today, content="培训"
    )
    with pytest.raises(PermissionDenied):
        duty_record_create(
            actor=office.other_staff,
            deputy=office.deputy,
            kind=DutyKind.TRAINING,
            date=today,
            content="越权",
        )
    with pytest.raises(PermissionDenied):
        duty_record_create(
            actor=office.viewer,
            deputy=office.deputy,
            kind=DutyKind.TRAINING,
            date=today,
            content="只读",
        )


def test_a_bad_photo_saves_nothing(office, today, media_root):
    fake = SimpleUploadedFile("photo.jpg", b"this is not a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        duty_record_create(
            actor=office.deputy.user,
            deputy=office.deputy,
            kind=DutyKind.TRAINING,
            date=today,
            content="培训",
            photos=[fake],
        )
    assert not DutyRecord.objects.exists()


def test_verdict_counts_belong_to_performance_reviews_only(office, today):
    with pytest.raises(DeputyError):
        duty_record_create(
            actor=office.staff,
            deputy=office.deputy,
            kind=DutyKind.TRAINING,
            date=today,
            content="培训",
            satisfied_count=3,
        )
    review = duty_record_create(
        actor=office.staff,
        deputy=office.deputy,
        kind=DutyKind.PERFORMANCE_REVIEW,
        date=today,
        content="向选民述职",
        satisfied_count=40,
        basically_satisfied_count=6,
        unsatisfied_count=1,
    )
    assert review.satisfied_count == 40


def test_deputy_cannot_change_or_delete_another_deputys_record(office):
    record = DutyRecordFactory(deputy=office.other_deputy, content="原内容")
    with pytest.raises(PermissionDenied):
        duty_record_update(actor=office.deputy.user, record=record, content="篡改")
    with pytest.raises(PermissionDenied):
        duty_record_delete(actor=office.deputy.user, record=record)
    record.refresh_from_db()
    assert record.content == "原内容"


def test_a_record_written_from_its_source_is_corrected_by_staff_only(office, today):
    record, created = duty_record_from_source(
        deputy=office.deputy,
        source_key="station_activity:7",
        kind=DutyKind.GROUP_ACTIVITY,
        date=today,
        content="代表小组活动",
    )
    assert created
    with pytest.raises(PermissionDenied):
        duty_record_update(actor=office.deputy.user, record=record, content="改")
    duty_record_update(actor=office.staff, record=record, hours=3)
    record.refresh_from_db()
    assert record.hours == 3


def test_ending_a_mandate_needs_date_and_reason_and_keeps_the_row(office):
    mandate = office.deputy.mandates.get(level=Level.TOWN)
    with pytest.raises(DeputyError):
        mandate_change_status(
            actor=office.staff, mandate=mandate, status=MandateStatus.RESIGNED, date=None, reason=""
        )
    mandate_change_status(
        actor=office.staff,
        mandate=mandate,
        status=MandateStatus.RESIGNED,
        date=datetime.date(2025, 6, 30),
        reason="本人申请辞去代表职务",
    )
    mandate.refresh_from_db()
    assert (mandate.status, mandate.status_reason) == (
        MandateStatus.RESIGNED,
        "本人申请辞去代表职务",
    )
    assert mandate.history.count() == 2
    with pytest.raises(PermissionDenied):
        mandate_change_status(
            actor=office.other_staff,
            mandate=mandate,
            status=MandateStatus.ACTIVE,
            date=None,
            reason="",
        )


def test_voter_contact_register(office):
    contact = voter_contact_create(
        actor=office.deputy.user, deputy=office.deputy, name="张某", phone="+86 138-1234-5678"
    )
    assert contact.phone == "13812345678"
    with pytest.raises(PermissionDenied):
        voter_contact_create(actor=office.deputy.user, deputy=office.other_deputy, name="李某")
    with pytest.raises(ValidationError):
        voter_contact_create(
            actor=office.deputy.user, deputy=office.deputy, name="王某", phone="12345"
        )

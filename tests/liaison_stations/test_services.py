"""Services: one duty record per participant, evidence and compliance, station-admin limits."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congress.models import Notification
from deputies.models import DutyKind, DutyRecord
from liaison_stations import selectors, services
from liaison_stations.models import ReceptionDay, StandardEvidence, Station, StationActivity

D = datetime.date


def _activity(world, actor=None, participants=None, activity=None, **extra):
    fields = dict(title="视察农村道路", kind=DutyKind.INSPECTION, date=D(2026, 3, 1),
                  place="甲一村", hours=2, content="实地查看道路硬化情况。")
    fields.update(extra)
    return services.activity_save(
        actor=actor or world.admin_a, station=world.station,
        participants=world.deputies if participants is None else participants,
        activity=activity, **fields,
    )


def test_each_participant_gets_exactly_one_duty_record_however_often_saved(world):
    activity = _activity(world)
    _activity(world, activity=activity, content="补充了照片说明。")
    _activity(world, activity=activity)
    records = DutyRecord.objects.filter(source_key=f"station_activity:{activity.pk}")
    assert records.count() == 3
    assert sorted(r.deputy_id for r in records) == sorted(d.pk for d in world.deputies)
    record = records.get(deputy=world.deputies[0])
    assert record.kind == DutyKind.INSPECTION and record.date == D(2026, 3, 1)
    assert set(record.participants.all()) == set(world.deputies[1:])


def test_second_activity_is_a_second_record_and_removed_participant_loses_it(world):
    first = _activity(world)
    _activity(world, title="第二次活动")
    assert DutyRecord.objects.filter(deputy=world.deputies[0]).count() == 2
    _activity(world, activity=first, participants=world.deputies[:1])
    assert DutyRecord.objects.filter(source_key=f"station_activity:{first.pk}").count() == 1


def test_activity_participants_must_be_of_the_township(world):
    with pytest.raises(ValidationError):
        _activity(world, participants=[world.deputies[0], world.deputy_b])
    assert not StationActivity.objects.exists()
    assert not DutyRecord.objects.exists()


def test_reception_record_gives_deputies_present_one_reception_duty_each(world):
    record = services.reception_record_save(
        actor=world.admin_a, station=world.station, date=D(2026, 1, 15),
        deputies=world.deputies[:2], summary="接待群众3人次",
    )
    services.reception_record_save(
        actor=world.admin_a, station=world.station, date=D(2026, 1, 15),
        deputies=world.deputies[:2], summary="接待群众4人次", record=record,
    )
    assert record.duty_source_key == f"station_reception:{record.pk}"
    records = DutyRecord.objects.filter(source_key=record.duty_source_key)
    assert records.count() == 2
    assert {r.kind for r in records} == {DutyKind.RECEPTION}


def test_station_admin_cannot_touch_another_station(world):
    with pytest.raises(PermissionDenied):
        services.activity_save(
            actor=world.admin_a, station=world.other_station, participants=[], title="x",
            kind=DutyKind.TRAINING, date=D(2026, 1, 1), content="x",
        )
    with pytest.raises(PermissionDenied):
        services.reception_record_save(
            actor=world.admin_a, station=world.station_b, date=D(2026, 1, 1), deputies=[]
        )
    with pytest.raises(PermissionDenied):
        services.reception_days_generate(
            actor=world.admin_b, station=world.station, start=D(2026, 1, 1), end=D(2026, 2, 1)
        )
    item = world.nine.items.first()
    with pytest.raises(PermissionDenied):
        services.evidence_submit(actor=world.admin_b, station=world.station, item=item, note="x")
    # A deputy manages no station.
    with pytest.raises(PermissionDenied):
        services.reception_record_save(
            actor=world.deputies[0].user, station=world.station, date=D(2026, 1, 1),
            deputies=[],
        )
    assert not StationActivity.objects.exists()


def test_evidence_submit_check_and_compliance(world):
    items = list(world.nine.items.all())
    assert len(items) == 9
    for item in items[:3]:
        services.evidence_submit(actor=world.admin_a, station=world.station, item=item,
                                 note=f"{item.name}已落实")
    assert selectors.station_compliance(world.station).percent == 0
    with pytest.raises(PermissionDenied):
        services.evidence_check(actor=world.admin_a, evidence=StandardEvidence.objects.first())
    for evidence in StandardEvidence.objects.all()[:2]:
        services.evidence_check(actor=world.staff_a, evidence=evidence, on_date=D(2026, 5, 1))
    compliance = selectors.station_compliance(world.station)
    assert (compliance.checked, compliance.total, compliance.percent) == (2, 9, Decimal("22.2"))
    # A point with "六有", all six checked: township = (2 + 6) / (9 + 6).
    six = world.nine.__class__.objects.get(name="六有", township=None)
    Station.objects.filter(pk=world.other_station.pk).update(standard_set=six)
    point = Station.objects.get(pk=world.other_station.pk)
    for item in six.items.all():
        ev = services.evidence_submit(actor=world.staff_a, station=point, item=item, note="有")
        services.evidence_check(actor=world.staff_a, evidence=ev)
    township = selectors.township_compliance(world.a)
    assert (township.checked, township.total) == (8, 15)
    # Changing evidence clears its check.
    services.evidence_submit(actor=world.admin_a, station=world.station, item=items[0], note="新照片")
    assert selectors.station_compliance(world.station).checked == 1


def test_evidence_needs_a_photo_or_a_note_and_an_item_of_the_station_set(world):
    item = world.nine.items.first()
    with pytest.raises(ValidationError):
        services.evidence_submit(actor=world.admin_a, station=world.station, item=item, note="  ")
    six_item = world.nine.__class__.objects.get(name="六有").items.first()
    with pytest.raises(ValidationError):
        services.evidence_submit(actor=world.admin_a, station=world.station, item=six_item, note="x")
    assert not StandardEvidence.objects.exists()


def test_roster_notifies_newly_assigned_deputies_after_commit(world, django_capture_on_commit_callbacks):
    day = ReceptionDay.objects.create(station=world.station, date=D(2026, 12, 15))
    with django_capture_on_commit_callbacks(execute=True):
        services.reception_day_set_roster(actor=world.admin_a, day=day, deputies=world.deputies[:2])
    assert Notification.objects.filter(recipient=world.deputies[0].user).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.reception_day_set_roster(actor=world.admin_a, day=day, deputies=world.deputies[:3])
    # Only the newly added deputy is told again.
    assert Notification.objects.filter(recipient=world.deputies[0].user).count() == 1
    assert Notification.objects.filter(recipient=world.deputies[2].user).count() == 1
    with pytest.raises(ValidationError):
        services.reception_day_set_roster(actor=world.admin_a, day=day, deputies=[world.deputy_b])


def test_deputies_without_station(world):
    from tests.factories import deputy_with_account

    loose = deputy_with_account(world.a)
    assert list(selectors.deputies_without_station(world.a)) == [loose]
    world.other_station.deputies.add(loose)
    assert list(selectors.deputies_without_station(world.a)) == []

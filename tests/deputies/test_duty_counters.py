"""Duty-record counters kept by database triggers: any write path moves them, and the dashboards
read them instead of the records."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deputies import duty_counters
from deputies.models import DeputyYear, DutyKind, DutyMonth, DutyRecord
from tests.factories import CountyFactory, TownshipFactory, county_viewer_of, deputy_with_account

pytestmark = pytest.mark.django_db


def test_every_write_path_moves_the_counters():
    township = TownshipFactory(county=CountyFactory())
    a, b = deputy_with_account(township), deputy_with_account(township)
    day = datetime.date(2026, 3, 5)
    r = DutyRecord.objects.create(deputy=a, kind=DutyKind.TRAINING, date=day, content="培训")
    DutyRecord.objects.bulk_create([DutyRecord(deputy=b, kind=DutyKind.INSPECTION,
                                               date=day, content="x", source_key=f"k{i}") for i in range(3)])
    assert DutyMonth.objects.get(township_id=township.pk, year=2026, month=3, kind=DutyKind.TRAINING).n >= 1
    assert DeputyYear.objects.get(deputy_id=b.pk, year=2026).n == 3
    r.date = datetime.date(2025, 12, 31)
    r.save()
    assert DeputyYear.objects.get(deputy_id=a.pk, year=2026).n == 0
    assert DeputyYear.objects.get(deputy_id=a.pk, year=2025).n == 1
    DutyRecord.objects.filter(deputy=b).delete()
    assert DeputyYear.objects.get(deputy_id=b.pk, year=2026).n == 0
    assert duty_counters.differences(connection) == []


def test_the_county_dashboard_reads_no_duty_record(client):
    county = CountyFactory()
    township = TownshipFactory(county=county)
    deputy = deputy_with_account(township)
    DutyRecord.objects.create(deputy=deputy, kind=DutyKind.TRAINING, date=datetime.date.today(), content="培训")
    client.force_login(county_viewer_of(county))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboards:county"))
    assert response.status_code == 200
    assert [q["sql"] for q in ctx.captured_queries if '"deputies_dutyrecord"' in q["sql"]] == []
    row = response.context["overview"].rows[0]
    assert (row["duty_records"], row["trainings"], row["no_records"]) == (1, 1, 0)


def test_duty_distribution_buckets_the_deputies_by_their_records_of_the_year():
    from dashboards.selectors import duty_distribution

    township = TownshipFactory(county=CountyFactory())
    none, one, three = (deputy_with_account(township) for _ in range(3))
    day = datetime.date(2026, 5, 1)
    DutyRecord.objects.create(deputy=one, kind=DutyKind.TRAINING, date=day, content="培训")
    DutyRecord.objects.create(deputy=none, kind=DutyKind.TRAINING, date=day.replace(year=2025), content="去年")
    for i in range(3):
        DutyRecord.objects.create(deputy=three, kind=DutyKind.INSPECTION, date=day, content="视察", source_key=f"s{i}")
    assert duty_distribution([township.pk], 2026) == [1, 1, 1, 0, 0]

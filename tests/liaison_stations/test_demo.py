"""The stations demo: shape after the reports, idempotent, works with or without deputies."""

from unittest import mock

import pytest

from congress.demo import load_demo
from congress.models import Term
from congress.validators import cn_number
from deputies.models import Deputy, DeputyGroup, DutyRecord, Mandate
from liaison_stations import demo
from liaison_stations.models import (
    ReceptionDay, ReceptionIssue, ReceptionRecord, StandardEvidence, Station, StationActivity,
)

pytestmark = pytest.mark.django_db


def _counts():
    models = [Station, ReceptionDay, ReceptionRecord, ReceptionIssue, StandardEvidence,
              StationActivity, DutyRecord]
    return {m.__name__: m.objects.count() for m in models}


def _ensure_deputies(ctx):
    """Stand-in for the deputies demo when it has not made any."""
    for slug, count, groups in (("liuhe", 14, 7), ("taoyuan", 18, 0)):
        township = ctx.townships[slug]
        if Deputy.objects.filter(township=township).exists():
            continue
        term = Term.objects.get(township=township, is_current=True)
        made = [DeputyGroup.objects.create(township=township, term=term,
                                           name=f"第{cn_number(i + 1)}代表小组") for i in range(groups)]
        for i in range(count):
            deputy = Deputy.objects.create(township=township, name=f"代表{slug}{i}", gender="male",
                                           group=made[i % groups] if made else None)
            Mandate.objects.create(deputy=deputy, level="town", term_number=6)


def _core_only():
    """The core demo alone (no feature app's demo), so this file tests only ours."""
    with mock.patch("congress.demo.apps.get_app_configs", return_value=[]):
        return load_demo()


def test_demo_builds_stations_and_is_idempotent():
    ctx = _core_only()
    _ensure_deputies(ctx)
    demo.load(ctx)
    first = _counts()
    demo.load(ctx)
    assert _counts() == first
    liuhe, taoyuan = ctx.townships["liuhe"], ctx.townships["taoyuan"]
    assert Station.objects.filter(township=liuhe, kind=Station.Kind.HOME).count() == 7
    center = Station.objects.get(township=taoyuan, kind=Station.Kind.CENTER)
    assert center.points.count() == 5
    assert center.administrator.username == "taoyuan_station"
    assert Station.objects.get(township=liuhe, administrator__username="liuhe_station")
    # 一站五点: every deputy of 桃源乡 is in a station.
    assert not Deputy.objects.filter(township=taoyuan, stations__isnull=True).exists()
    assert StationActivity.objects.filter(station__township=taoyuan).count() == demo.TAOYUAN_ACTIVITIES
    # A year of reception days on the 15th and 20th.
    assert ReceptionDay.objects.filter(station=center).count() == 24
    assert ReceptionRecord.objects.exists() and ReceptionIssue.objects.exists()
    # Partial evidence.
    for station in Station.objects.all():
        total = station.standard_set.items.count()
        assert 0 < station.evidence.count() <= total


def test_demo_without_deputies_does_not_crash():
    ctx = _core_only()
    demo.load(ctx)
    assert Station.objects.count() == 13
    assert not StationActivity.objects.exists()

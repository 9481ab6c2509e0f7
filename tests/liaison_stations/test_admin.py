"""Admin for staff: township isolation, compliance, unassigned deputies, evidence check action."""

import pytest
from django.urls import reverse

from deputies.models import DutyKind, DutyRecord
from liaison_stations import services
from liaison_stations.models import StandardEvidence, StationActivity
from tests.factories import deputy_with_account


def test_staff_list_only_their_township_stations(client, world):
    client.force_login(world.staff_a)
    html = client.get(reverse("admin:liaison_stations_station_changelist")).content.decode()
    assert world.station.name in html and world.station_b.name not in html
    assert "各乡镇站点达标率" in html
    url = reverse("admin:liaison_stations_station_change", args=[world.station_b.pk])
    assert client.get(url).status_code in (302, 404)


def test_station_admin_has_no_admin(client, world):
    client.force_login(world.admin_a)
    response = client.get(reverse("admin:liaison_stations_station_changelist"))
    assert response.status_code == 302


def test_unassigned_deputies_page(client, world):
    loose = deputy_with_account(world.a)
    other = deputy_with_account(world.b)
    client.force_login(world.staff_a)
    html = client.get(reverse("admin:liaison_stations_station_unassigned")).content.decode()
    assert loose.name in html and other.name not in html


def test_check_action_and_township_isolation(client, world):
    item = world.nine.items.first()
    evidence = services.evidence_submit(actor=world.admin_a, station=world.station, item=item,
                                        note="有房子")
    client.force_login(world.staff_b)
    client.post(reverse("admin:liaison_stations_standardevidence_changelist"),
                {"action": "check_today", "_selected_action": [evidence.pk]})
    evidence.refresh_from_db()
    assert evidence.checked_on is None
    client.force_login(world.staff_a)
    client.post(reverse("admin:liaison_stations_standardevidence_changelist"),
                {"action": "check_today", "_selected_action": [evidence.pk]})
    evidence.refresh_from_db()
    assert evidence.checked_on is not None and evidence.checked_by == world.staff_a


def test_standard_sets_presets_are_read_only_for_staff(client, world):
    client.force_login(world.staff_a)
    html = client.get(reverse("admin:liaison_stations_standardset_changelist")).content.decode()
    assert "八有" in html and "六有" in html and "九有" in html
    assert not world.staff_a.has_perm("liaison_stations.change_standardset", world.nine)


def test_admin_activity_save_adds_one_duty_record_per_participant(client, world):
    client.force_login(world.staff_a)
    data = {
        "station": world.station.pk, "title": "执法检查", "kind": DutyKind.LAW_ENFORCEMENT_CHECK,
        "date": "2026-02-01", "place": "", "hours": "2", "content": "检查",
        "participants": [d.pk for d in world.deputies],
        "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:liaison_stations_stationactivity_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = StationActivity.objects.get()
    change = reverse("admin:liaison_stations_stationactivity_change", args=[activity.pk])
    assert client.post(change, data).status_code == 302
    assert DutyRecord.objects.filter(source_key=f"station_activity:{activity.pk}").count() == 3

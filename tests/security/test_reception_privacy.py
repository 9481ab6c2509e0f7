"""A reception visitor's phone number (docs/security.md, "Privacy by role"): masked in the portal
and the admin, revealed on click only to the township's presidium staff, the station's
administrator and the deputies present at that reception; never to the county viewer; each reveal
audited through the same ``PhoneReveal`` mechanism as a suggestion's citizen phone."""

import datetime

import pytest
from django.urls import reverse

from congress.models import PhoneReveal
from liaison_stations import privacy, services
from tests.factories import staff_of
from tests.liaison_stations.factories import StationWorld, station_admin_of

PHONE = "13812345678"
MASKED = "138****5678"


@pytest.fixture
def w(db):
    world = StationWorld()
    world.record = services.reception_record_save(
        actor=world.admin_a, station=world.station, date=datetime.date(2026, 1, 15),
        deputies=world.deputies[:1],
    )
    world.issue = services.reception_issue_add(
        actor=world.admin_a, record=world.record, visitor_name="张某", visitor_phone=PHONE,
        content="路灯坏了",
    )
    return world


def reveal_url(issue):
    return reverse("stations_portal:issue_phone", args=[issue.pk])


def test_privacy_table(w):
    allowed = {"staff": w.staff_a, "station administrator": w.admin_a,
               "deputy present": w.deputies[0].user}
    refused = {"deputy of the station not present": w.deputies[1].user,
               "administrator of another station": station_admin_of(w.a, username="station_a2"),
               "county viewer": w.viewer, "other township's staff": w.staff_b,
               "other township's station administrator": w.admin_b, "other deputy": w.deputy_b.user}
    for who, user in allowed.items():
        assert privacy.may_see_visitor_phone(user, w.issue), who
    for who, user in refused.items():
        assert not privacy.may_see_visitor_phone(user, w.issue), who


def test_portal_masks_and_reveal_is_audited(w, client):
    client.force_login(w.deputies[0].user)
    page = client.get(reverse("stations_portal:reception", args=[w.record.pk])).content.decode()
    assert PHONE not in page and MASKED in page and "显示完整号码" in page
    response = client.post(reveal_url(w.issue), HTTP_HX_REQUEST="true", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and PHONE in response.content.decode()
    reveal = PhoneReveal.objects.get()
    assert reveal.user == w.deputies[0].user and reveal.township == w.a
    assert reveal.subject == f"reception_issue:{w.issue.pk}" and reveal.ip == "10.1.2.3"


def test_station_administrator_sees_masked_until_click(w, client):
    client.force_login(w.admin_a)
    page = client.get(reverse("stations_portal:reception", args=[w.record.pk])).content.decode()
    assert PHONE not in page and MASKED in page
    response = client.post(reveal_url(w.issue))
    assert response.status_code == 302 and PhoneReveal.objects.filter(user=w.admin_a).count() == 1


def test_deputy_not_present_cannot_reveal(w, client):
    client.force_login(w.deputies[1].user)
    page = client.get(reverse("stations_portal:reception", args=[w.record.pk])).content.decode()
    assert PHONE not in page and MASKED in page and "显示完整号码" not in page
    assert client.post(reveal_url(w.issue)).status_code == 403
    assert not PhoneReveal.objects.exists()


def test_other_township_gets_404(w, client):
    client.force_login(w.staff_b)
    assert client.post(reveal_url(w.issue)).status_code == 404
    assert not PhoneReveal.objects.exists()


def test_county_viewer_never_sees_it_admin_included(w, client):
    client.force_login(w.viewer)
    page = client.get(reverse("stations_portal:reception", args=[w.record.pk]))
    assert page.status_code == 200 and PHONE not in page.content.decode()
    admin_page = client.get(reverse("admin:liaison_stations_receptionrecord_change", args=[w.record.pk]))
    assert admin_page.status_code == 200
    assert PHONE not in admin_page.content.decode() and MASKED in admin_page.content.decode()
    assert client.post(reveal_url(w.issue)).status_code == 403
    assert not PhoneReveal.objects.exists()


def test_admin_masks_for_staff_and_keeps_the_number_on_save(w, client):
    staff = staff_of(w.a, username="staff_a2")
    client.force_login(staff)
    change = reverse("admin:liaison_stations_receptionrecord_change", args=[w.record.pk])
    page = client.get(change)
    html = page.content.decode()
    assert page.status_code == 200 and PHONE not in html and MASKED in html
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({
        "station": w.station.pk, "date": "2026-01-15", "summary": "改了摘要",
        "deputies_present": [d.pk for d in w.record.deputies_present.all()],
        "issues-TOTAL_FORMS": "1", "issues-INITIAL_FORMS": "1", "issues-MIN_NUM_FORMS": "0",
        "issues-MAX_NUM_FORMS": "1000", "issues-0-id": w.issue.pk, "issues-0-record": w.record.pk,
        "issues-0-visitor_name": "张某", "issues-0-visitor_phone": MASKED,
        "issues-0-content": "路灯坏了,已报修",
    })
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    w.issue.refresh_from_db()
    assert w.issue.visitor_phone == PHONE and w.issue.content == "路灯坏了,已报修"
    data["issues-0-visitor_phone"] = "+86 139-0000-2222"
    assert client.post(change, data).status_code == 302
    w.issue.refresh_from_db()
    assert w.issue.visitor_phone == "13900002222"

"""The admin list of phone-number reveals (docs/security.md, "Privacy by role"): read-only for
everyone, township-scoped, the county viewer reads the county; filters by date and user."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from congress.models import PhoneReveal
from liaison_stations import privacy, services
from tests.liaison_stations.factories import StationWorld

CHANGELIST = "admin:congress_phonereveal_changelist"


def _issue(actor, station, phone):
    record = services.reception_record_save(actor=actor, station=station, date=datetime.date(2026, 1, 15),
                                            deputies=[])
    return services.reception_issue_add(actor=actor, record=record, visitor_name="张某",
                                        visitor_phone=phone, content="路灯坏了")


@pytest.fixture
def w(db):
    world = StationWorld()
    world.issue_a = _issue(world.admin_a, world.station, "13812345678")
    world.issue_b = _issue(world.admin_b, world.station_b, "13812349999")
    privacy.visitor_phone_reveal(actor=world.staff_a, issue=world.issue_a, ip="10.0.0.1")
    privacy.visitor_phone_reveal(actor=world.admin_a, issue=world.issue_a, ip="10.0.0.2")
    privacy.visitor_phone_reveal(actor=world.staff_b, issue=world.issue_b, ip="10.0.0.3")
    world.old = PhoneReveal.objects.get(user=world.admin_a)
    PhoneReveal.objects.filter(pk=world.old.pk).update(revealed_at=timezone.now() - datetime.timedelta(days=40))
    return world


def rows(response):
    return {r.pk for r in response.context["cl"].result_list}


def test_staff_reads_own_township_only_in_chinese(w, client):
    client.force_login(w.staff_a)
    response = client.get(reverse(CHANGELIST))
    html = response.content.decode()
    assert response.status_code == 200
    assert rows(response) == set(PhoneReveal.objects.filter(township=w.a).values_list("pk", flat=True))
    assert "电话号码查看记录" in html and "查看人" in html and "查看对象" in html and "IP 地址" in html
    assert f"接待来访事项 #{w.issue_a.pk}" in html and "10.0.0.1" in html and "10.0.0.3" not in html
    other = PhoneReveal.objects.get(township=w.b)
    assert client.get(reverse("admin:congress_phonereveal_change", args=[other.pk])).status_code in (302, 404)


def test_filters_by_user_and_date(w, client):
    client.force_login(w.staff_a)
    by_user = client.get(reverse(CHANGELIST), {"user__id__exact": w.admin_a.pk})
    assert rows(by_user) == {w.old.pk}
    now = timezone.localtime()  # what the admin's 查看时间 filter sends: aware bounds
    recent = client.get(reverse(CHANGELIST), {"revealed_at__gte": str(now - datetime.timedelta(days=7)),
                                              "revealed_at__lt": str(now + datetime.timedelta(days=1))})
    assert rows(recent) == set(PhoneReveal.objects.filter(user=w.staff_a).values_list("pk", flat=True))
    # The user filter offers only people who appear in the rows this user may read.
    choices = " ".join(str(c.get("display")) for f in by_user.context["cl"].filter_specs
                       for c in f.choices(by_user.context["cl"]))
    assert w.staff_b.display_name not in choices


def test_county_viewer_reads_the_county(w, client):
    client.force_login(w.viewer)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200 and rows(response) == set(PhoneReveal.objects.values_list("pk", flat=True))


@pytest.mark.parametrize("who", ["deputy", "station_admin", "other_county_viewer"])
def test_roles_without_admin_see_nothing(w, client, who):
    from tests.factories import CountyFactory, UserFactory
    from congress.roles import Role

    if who == "deputy":
        user = w.deputies[0].user
    elif who == "station_admin":
        user = w.admin_a
    else:
        user = UserFactory(township=None, county=CountyFactory(), role=Role.COUNTY_VIEWER)
    client.force_login(user)
    response = client.get(reverse(CHANGELIST))
    if who == "other_county_viewer":
        assert response.status_code == 200 and not rows(response)
    else:
        assert response.status_code in (302, 403)


def test_nobody_adds_changes_or_deletes(w, client):
    from tests.factories import UserFactory

    root = UserFactory(is_superuser=True, is_staff=True, township=w.a, county=w.county)
    reveal = PhoneReveal.objects.filter(township=w.a).first()
    for user in (w.staff_a, w.viewer, root):
        client.force_login(user)
        assert client.get(reverse("admin:congress_phonereveal_add")).status_code == 403
        change = reverse("admin:congress_phonereveal_change", args=[reveal.pk])
        assert client.post(change, {"subject": "x", "ip": "1.1.1.1"}).status_code == 403
        assert client.post(reverse("admin:congress_phonereveal_delete", args=[reveal.pk]),
                           {"post": "yes"}).status_code == 403
    reveal.refresh_from_db()
    assert PhoneReveal.objects.count() == 3 and reveal.subject.startswith("reception_issue:")

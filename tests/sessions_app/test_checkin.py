"""Rotating check-in codes: valid, expired, forged, other session; the venue screen and the
deputy's check-in page."""

import time
from unittest import mock

import pytest
from django.urls import reverse

from sessions_app import checkin, services
from sessions_app.models import Attendance

from .factories import CongressSessionFactory, Hall

pytestmark = pytest.mark.django_db


def test_code_is_stable_within_the_minute_and_changes_after():
    with mock.patch("time.time", return_value=1_800_000_000.0):
        first = checkin.make_code(7)
    with mock.patch("time.time", return_value=1_800_000_030.0):
        assert checkin.make_code(7) == first
    with mock.patch("time.time", return_value=1_800_000_061.0):
        assert checkin.make_code(7) != first


def test_valid_code_checks_the_deputy_in(hall):
    user = hall.deputy_users()[0]
    attendance = services.attendance_check_in_by_code(actor=user, code=checkin.make_code(hall.session.pk))
    assert attendance.status == Attendance.Status.PRESENT
    assert attendance.method == Attendance.Method.QR
    # Scanning again changes nothing.
    again = services.attendance_check_in_by_code(actor=user, code=checkin.make_code(hall.session.pk))
    assert again.pk == attendance.pk and Attendance.objects.count() == 1


def test_expired_code_is_refused(hall):
    with mock.patch("time.time", return_value=time.time() - 181):
        old = checkin.make_code(hall.session.pk)
    with pytest.raises(checkin.CheckinCodeError, match="已过期") as exc:
        services.attendance_check_in_by_code(actor=hall.deputy_users()[0], code=old)
    assert exc.value.code == "expired"
    assert not Attendance.objects.exists()


def test_code_of_the_previous_minute_is_still_accepted(hall):
    with mock.patch("time.time", return_value=time.time() - 60):
        previous = checkin.make_code(hall.session.pk)
    services.attendance_check_in_by_code(actor=hall.deputy_users()[0], code=previous)
    assert Attendance.objects.filter(status="present").count() == 1


@pytest.mark.parametrize("tamper", [
    lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),
    lambda c: ("e" if c[0] != "e" else "f") + c[1:],
    lambda c: "not-a-code",
    lambda c: "",
])
def test_forged_code_is_refused(hall, tamper):
    code = tamper(checkin.make_code(hall.session.pk))
    with pytest.raises(checkin.CheckinCodeError):
        services.attendance_check_in_by_code(actor=hall.deputy_users()[0], code=code)
    assert not Attendance.objects.exists()


def test_code_signed_with_another_salt_is_refused(hall):
    from django.core import signing

    code = signing.dumps({"s": hall.session.pk})
    with pytest.raises(checkin.CheckinCodeError, match="无效"):
        checkin.read_code(code)


def test_code_of_another_session_is_refused(hall):
    other = CongressSessionFactory(township=hall.township, term=hall.term)
    with pytest.raises(checkin.CheckinCodeError, match="不属于本次会议") as exc:
        services.attendance_check_in_by_code(
            actor=hall.deputy_users()[0], code=checkin.make_code(other.pk), session_id=hall.session.pk
        )
    assert exc.value.code == "other_session"


def test_deputy_of_another_township_cannot_check_in(hall):
    stranger = Hall(size=1, accounts=1).deputy_users()[0]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.attendance_check_in_by_code(actor=stranger, code=checkin.make_code(hall.session.pk))


def test_checkin_page_confirms_then_checks_in(client, hall):
    user = hall.deputy_users()[0]
    client.force_login(user)
    path = checkin.checkin_path(hall.session.pk)
    page = client.get(path)
    assert page.status_code == 200 and "确认签到" in page.content.decode()
    assert not Attendance.objects.exists()  # GET never writes
    code = path.split("?c=")[1]
    response = client.post(reverse("sessions_portal:checkin"), {"c": code}, follow=True)
    assert "签到成功" in response.content.decode()
    assert Attendance.objects.get().deputy.user == user


def test_checkin_page_explains_an_expired_code(client, hall):
    client.force_login(hall.deputy_users()[0])
    with mock.patch("time.time", return_value=time.time() - 600):
        path = checkin.checkin_path(hall.session.pk)
    page = client.get(path)
    assert page.status_code == 400
    assert "签到码已过期" in page.content.decode()


def test_checkin_page_needs_login(client, hall):
    path = checkin.checkin_path(hall.session.pk)
    response = client.get(path)
    assert response.status_code == 302 and "/portal/login/" in response["Location"]


def test_venue_screen_for_staff_only(client, hall):
    url = reverse("sessions_portal:screen", args=[hall.session.pk])
    client.force_login(hall.staff)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "hx-trigger=\"every 10s\"" in html
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "<svg" in partial.content.decode()
    client.force_login(hall.deputy_users()[0])
    assert client.get(url).status_code == 403


def test_staff_check_in_by_hand_and_leave_needs_a_reason(client, hall):
    url = reverse("sessions_portal:attendance", args=[hall.session.pk])
    client.force_login(hall.staff)
    bad = client.post(url, {"deputy": hall.roster[1].pk, "status": "leave", "leave_reason": ""})
    assert bad.status_code == 400 and "请假必须填写请假事由" in bad.content.decode()
    assert not Attendance.objects.exists()
    client.post(url, {"deputy": hall.roster[1].pk, "status": "leave", "leave_reason": "住院治疗"})
    client.post(url, {"deputy": hall.roster[2].pk, "status": "present"})
    page = client.get(url).content.decode()
    assert "住院治疗" in page
    assert 'data-testid="present-count">1<' in page and 'data-testid="leave-count">1<' in page
    assert "未达到法定人数" in page
    client.force_login(hall.deputy_users()[0])
    assert client.get(url).status_code == 403
    assert client.post(url, {"deputy": hall.roster[3].pk, "status": "present"}).status_code == 403


def test_hand_attendance_in_few_clicks_leave_with_reason_then_the_rest_present(client, hall):
    url = reverse("sessions_portal:attendance", args=[hall.session.pk])
    client.force_login(hall.staff)
    services.attendance_check_in_by_code(actor=hall.deputy_users()[0], code=checkin.make_code(hall.session.pk))
    client.post(url, {"deputy": hall.roster[1].pk, "status": "leave", "leave_reason": "住院"})
    client.post(url, {"deputy": hall.roster[2].pk, "status": "absent"})
    page = client.get(url).content.decode()
    assert "其余 7 名代表全部出席" in page
    response = client.post(url, {"rest_present": "1"}, follow=True)
    assert "已将其余 7 名代表登记为出席" in response.content.decode()
    statuses = dict(Attendance.objects.filter(session=hall.session).values_list("deputy_id", "status"))
    assert statuses[hall.roster[1].pk] == "leave" and statuses[hall.roster[2].pk] == "absent"
    assert sum(1 for s in statuses.values() if s == "present") == 8
    assert Attendance.objects.get(session=hall.session, deputy=hall.roster[0]).method == Attendance.Method.QR
    assert client.post(url, {"rest_present": "1"}, follow=True).status_code == 200  # nothing left: harmless
    assert Attendance.objects.filter(session=hall.session).count() == 10


def test_only_staff_may_mark_the_rest_present(client, hall):
    client.force_login(hall.deputy_users()[0])
    url = reverse("sessions_portal:attendance", args=[hall.session.pk])
    assert client.post(url, {"rest_present": "1"}).status_code == 403
    assert not Attendance.objects.filter(session=hall.session).exists()

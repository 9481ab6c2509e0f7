"""Portal pages: the role that may, the role that may not, bad input, query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from deputies.models import DutyKind, DutyRecord
from liaison_stations import services
from liaison_stations.models import ReceptionDay, ReceptionIssue, ReceptionRecord, StationActivity

D = datetime.date


def url(name, *args):
    return reverse(f"stations_portal:{name}", args=args)


def test_station_admin_sees_and_manages_only_their_station(client, world):
    client.force_login(world.admin_a)
    home = client.get(url("home")).content.decode()
    assert world.station.name in home and world.station_b.name not in home
    assert client.get(url("station", world.station.pk)).status_code == 200
    assert client.get(url("reception_add", world.station.pk)).status_code == 200
    # Another station of the same township: may read (township member), may not manage.
    assert client.get(url("reception_add", world.other_station.pk)).status_code == 404
    # Another township: nothing at all.
    for name in ("station", "schedule", "receptions", "activities", "checklist", "reception_add"):
        assert client.get(url(name, world.station_b.pk)).status_code == 404


def test_station_admin_records_a_reception_with_an_issue(client, world):
    client.force_login(world.admin_a)
    today = timezone.localdate()
    response = client.post(url("reception_add", world.station.pk), {
        "date": today.isoformat(), "deputies_present": [d.pk for d in world.deputies[:2]],
        "summary": "接待群众2人次",
    })
    record = ReceptionRecord.objects.get()
    assert response.status_code == 302 and response.url == url("reception", record.pk)
    assert DutyRecord.objects.filter(kind=DutyKind.RECEPTION).count() == 2
    response = client.post(url("reception", record.pk), {
        "visitor_name": "王某", "visitor_phone": "+86 138-1234-5678", "content": "路灯坏了",
    })
    assert response.status_code == 302
    issue = ReceptionIssue.objects.get()
    assert issue.visitor_phone == "13812345678"
    page = client.get(url("reception", record.pk)).content.decode()
    assert "路灯坏了" in page


def test_bad_reception_input_keeps_what_was_typed(client, world):
    client.force_login(world.admin_a)
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(url("reception_add", world.station.pk), {
        "date": future.isoformat(), "deputies_present": [], "summary": "我写的摘要",
    })
    html = response.content.decode()
    assert response.status_code == 200
    assert "只能登记今天或以前的接待" in html and "请至少选择一名接待代表" in html
    assert "我写的摘要" in html
    assert not ReceptionRecord.objects.exists()
    record = services.reception_record_save(actor=world.admin_a, station=world.station,
                                            date=D(2026, 1, 15), deputies=world.deputies[:1])
    response = client.post(url("reception", record.pk), {
        "visitor_phone": "12345", "content": "", "answered_on_spot": "on", "visitor_name": "李某",
    })
    html = response.content.decode()
    assert "请输入正确的11位中国大陆手机号码" in html
    assert "请填写来访人反映的问题" in html and "请填写答复情况" in html
    assert "李某" in html
    assert not ReceptionIssue.objects.exists()


def test_deputy_reads_but_cannot_write(client, world):
    record = services.reception_record_save(actor=world.admin_a, station=world.station,
                                            date=D(2026, 1, 15), deputies=world.deputies[:1])
    services.reception_issue_add(actor=world.admin_a, record=record, visitor_name="张某",
                                 visitor_phone="13812345678", content="反映问题")
    client.force_login(world.deputies[0].user)
    page = client.get(url("reception", record.pk)).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert client.post(url("reception", record.pk), {"content": "x"}).status_code == 403
    assert client.get(url("reception_add", world.station.pk)).status_code == 404
    assert client.get(url("activity_add", world.station.pk)).status_code == 404


def test_county_viewer_reads_and_writes_nothing(client, world):
    client.force_login(world.viewer)
    assert client.get(url("station", world.station_b.pk)).status_code == 200
    response = client.post(url("reception_add", world.station.pk), {"date": "2026-01-01"})
    assert response.status_code == 403


def test_deputy_sees_own_duty_days(client, world):
    today = timezone.localdate()
    mine = ReceptionDay.objects.create(station=world.station, date=today + datetime.timedelta(days=5),
                                       time_note="上午")
    mine.duty_deputies.add(world.deputies[0])
    other = ReceptionDay.objects.create(station=world.station, date=today + datetime.timedelta(days=6))
    other.duty_deputies.add(world.deputies[1])
    client.force_login(world.deputies[0].user)
    html = client.get(url("my_duty")).content.decode()
    assert f"{mine.date.year}年{mine.date.month}月{mine.date.day}日" in html
    assert f"{other.date.year}年{other.date.month}月{other.date.day}日" not in html
    home = client.get(reverse("portal:home")).content.decode()
    assert url("my_duty") in home


def test_activity_form_posting_twice_keeps_one_duty_record_each(client, world):
    client.force_login(world.admin_a)
    data = {
        "title": "代表小组活动", "kind": DutyKind.GROUP_ACTIVITY, "date": "2026-01-10",
        "place": "站内", "hours": "2", "content": "讨论", "participants": [d.pk for d in world.deputies],
    }
    assert client.post(url("activity_add", world.station.pk), data).status_code == 302
    activity = StationActivity.objects.get()
    assert client.post(url("activity_edit", activity.pk), data).status_code == 302
    assert client.post(url("activity_edit", activity.pk), data).status_code == 302
    assert DutyRecord.objects.filter(source_key=f"station_activity:{activity.pk}").count() == 3


def test_rule_form_generates_days_and_roster_form_saves(client, world):
    client.force_login(world.admin_a)
    response = client.post(url("rule_add", world.station.pk), {
        "frequency": "monthly", "month_days": "15、20", "month_end": "last_day",
        "start_date": timezone.localdate().isoformat(), "time_note": "上午",
    })
    assert response.status_code == 302
    day = ReceptionDay.objects.filter(station=world.station).first()
    assert day is not None
    response = client.post(url("roster", day.pk), {"deputies": [world.deputies[0].pk], "note": ""})
    assert response.status_code == 302
    assert list(day.duty_deputies.all()) == [world.deputies[0]]
    bad = client.post(url("rule_add", world.station.pk), {
        "frequency": "monthly", "month_days": "40", "month_end": "last_day",
        "start_date": "2026-01-01",
    })
    assert "每月没有 40 号" in bad.content.decode()


def test_evidence_form_needs_photo_or_note(client, world, media_root):
    client.force_login(world.admin_a)
    item = world.nine.items.first()
    response = client.post(url("evidence", world.station.pk, item.pk), {"note": ""})
    assert "请上传照片或填写说明" in response.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(url("evidence", world.station.pk, item.pk), {"note": "", "photo": fake})
    html = response.content.decode()
    assert response.status_code == 200 and "有效的图片" in html
    assert not world.station.evidence.exists()
    response = client.post(url("evidence", world.station.pk, item.pk), {"note": "有房子"})
    assert response.status_code == 302
    page = client.get(url("checklist", world.station.pk)).content.decode()
    assert "待核查" in page


@pytest.mark.parametrize("size", [2, 6])
def test_reception_list_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    for i in range(size):
        services.reception_record_save(actor=world.admin_a, station=world.station,
                                       date=D(2026, 1, 1 + i), deputies=world.deputies)
    client.force_login(world.admin_a)
    with django_assert_num_queries(8):
        response = client.get(url("receptions", world.station.pk))
    assert response.content.decode().count("反映 0 件") == size


@pytest.mark.parametrize("size", [2, 6])
def test_schedule_query_count_does_not_grow(client, world, django_assert_num_queries, size):
    for i in range(size):
        day = ReceptionDay.objects.create(station=world.station, date=D(2026, 1, 1 + i))
        day.duty_deputies.set(world.deputies)
    client.force_login(world.admin_a)
    with django_assert_num_queries(8):
        response = client.get(url("schedule", world.station.pk) + "?year=2026")
    assert response.status_code == 200


def test_issue_offers_convert_to_suggestion_then_links_to_it(client, world):
    from django.urls import NoReverseMatch

    record = services.reception_record_save(actor=world.staff_a, station=world.station,
                                            date=D(2026, 1, 15), deputies=world.deputies[:1])
    issue = services.reception_issue_add(actor=world.staff_a, record=record, content="修路")
    try:
        convert = reverse("suggestions_portal:from_reception_issue", args=[issue.pk])
    except NoReverseMatch:
        pytest.skip("the suggestions module is not installed")
    client.force_login(world.staff_a)
    page = client.get(url("reception", record.pk)).content.decode()
    assert f'action="{convert}"' in page and "转为建议" in page
    admin_page = client.get(
        reverse("admin:liaison_stations_receptionrecord_change", args=[record.pk])
    ).content.decode()
    assert f'formaction="{convert}"' in admin_page
    client.post(convert)
    issue.refresh_from_db()
    suggestion = issue.suggestion
    page = client.get(url("reception", record.pk)).content.decode()
    assert "已转为建议" in page and f'action="{convert}"' not in page
    assert reverse("suggestions_portal:detail", args=[suggestion.pk]) in page


def test_station_admin_converts_an_issue_and_lands_on_the_new_suggestion(client, world):
    record = services.reception_record_save(actor=world.admin_a, station=world.station,
                                            date=D(2026, 1, 15), deputies=world.deputies[:1])
    issue = services.reception_issue_add(actor=world.admin_a, record=record, content="村道坑洼\n请修补")
    client.force_login(world.admin_a)
    response = client.post(reverse("suggestions_portal:from_reception_issue", args=[issue.pk]), follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "村道坑洼" in html and "已转为建议" in html
    assert "建议不存在" not in html
    issue.refresh_from_db()
    detail = reverse("suggestions_portal:detail", args=[issue.suggestion.pk])
    client.force_login(world.admin_b)  # another township's station administrator
    assert client.get(detail).status_code == 404

"""The SMS and WeChat Work channels of the outbox: rows follow each user's channel choice, go out
through the template backends with the provider's message id recorded, a permanent provider error
is not retried, a retried task sends nothing new, and a phone over the daily cap waits."""

import datetime

import pytest
from django.utils import timezone

from congress.models import ChannelMode, Delivery, NoticePreference
from congress.notices.sms import LocmemSmsBackend
from congress.notices.wecom import LocmemWecomBackend
from congress.notifications import notification_send
from congress.outbox import delivery_add, outbox_deliver, outbox_sweep
from congress.roles import Role
from tests.factories import TownshipFactory, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_wecom(settings):
    settings.WECOM_BACKEND = "congress.notices.wecom.LocmemWecomBackend"
    LocmemWecomBackend.outbox = []


@pytest.fixture
def handler_user():
    return staff_of(TownshipFactory(), role=Role.DEPUTY, username="dep", phone="13800138000",
                    email="dep@example.cn", wecom_userid="dep01")


def _rows(user):
    return {d.channel: d for d in Delivery.objects.filter(recipient=user)}


def test_rows_follow_channel_choice_and_urgency(handler_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=handler_user, title="新建议待接单", url="/portal/suggestions/1/")
    assert set(_rows(handler_user)) == {"email", "wecom"}  # built-in: SMS only when urgent
    [card] = LocmemWecomBackend.outbox
    assert card.userid == "dep01" and card.url.endswith("/portal/suggestions/1/")
    assert card.url.startswith("http")
    assert _rows(handler_user)["wecom"].provider_message_id == "locmem-1"
    assert LocmemSmsBackend.outbox == []

    NoticePreference.objects.create(user=handler_user, email=ChannelMode.OFF, wecom=ChannelMode.OFF)
    Delivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=handler_user, title="建议今日到期", sms=True)
    assert set(_rows(handler_user)) == {"sms"}
    [sms] = LocmemSmsBackend.outbox
    assert sms.template == "generic" and sms.params == {"title": "建议今日到期"}
    row = _rows(handler_user)["sms"]
    assert (row.status, row.attempts, row.provider_message_id) == ("sent", 1, sms.message_id)
    # A retried task finds nothing due and sends nothing new.
    assert outbox_deliver(delivery_ids=[row.pk]) == 0
    assert len(LocmemSmsBackend.outbox) == 1


def test_template_row_goes_out_by_its_kind(handler_user):
    row = delivery_add(channel="sms", address="13900139000", template="accepted",
                       params={"code": "K7Q2M9XA"}, dedupe_key="suggestion:1:accepted")
    assert outbox_deliver(delivery_ids=[row.pk]) == 1
    [sms] = LocmemSmsBackend.outbox
    assert sms.template == "accepted" and "查询码K7Q2M9XA" in sms.text


def test_permanent_error_fails_at_once_temporary_is_retried(settings):
    bad = delivery_add(channel="sms", address="12345", template="accepted",
                       params={"code": "K7"}, dedupe_key="t:bad")
    missing = delivery_add(channel="sms", address="13900139000", template="rejected",
                           params={"code": "K7"}, dedupe_key="t:missing")
    outbox_deliver(delivery_ids=[bad.pk, missing.pk])
    for row in (bad, missing):
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", 1)
    assert "invalid_phone" in bad.error and "缺少参数" in missing.error

    settings.WECOM_BACKEND = "congress.notices.wecom.WecomApiBackend"
    settings.WECOM_CORP_ID, settings.WECOM_AGENT_ID, settings.WECOM_SECRET = "ww", "1", "s"
    settings.WECOM_API_BASE = "http://127.0.0.1:9"  # nothing listens: a temporary error
    row = delivery_add(channel="wecom", address="dep01", params={"title": "提醒"}, dedupe_key="t:wc")
    outbox_deliver(delivery_ids=[row.pk])
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at > timezone.now()


def test_daily_cap_per_phone_postpones_to_next_morning(settings):
    settings.SMS_DAILY_CAP_PER_PHONE = 2
    rows = [
        delivery_add(channel="sms", address="13900139000", params={"title": f"第{i}条"},
                     dedupe_key=f"cap:{i}")
        for i in range(3)
    ]
    other = delivery_add(channel="sms", address="13700137000", params={"title": "别人"},
                         dedupe_key="cap:other")
    outbox_deliver(delivery_ids=[r.pk for r in rows] + [other.pk])
    assert [s.phone for s in LocmemSmsBackend.outbox] == ["13900139000"] * 2 + ["13700137000"]
    last = Delivery.objects.get(pk=rows[2].pk)
    assert (last.status, last.attempts) == ("pending", 0)
    release = timezone.localtime(last.next_attempt_at)
    assert release.date() == timezone.localdate() + datetime.timedelta(days=1) and release.hour == 8
    assert outbox_sweep()["sent"] == 0  # not due before tomorrow morning


def test_aliyun_row_end_to_end_records_biz_id(aliyun):
    row = delivery_add(channel="sms", address="13800138000", template="accepted",
                       params={"code": "K7Q2M9XA"}, dedupe_key="ali:1")
    assert outbox_deliver(delivery_ids=[row.pk]) == 1
    row.refresh_from_db()
    assert row.status == "sent" and row.provider_message_id == "900619746936498440^1"
    aliyun.error("isv.MOBILE_NUMBER_ILLEGAL")
    bad = delivery_add(channel="sms", address="13800138001", template="accepted",
                       params={"code": "K7Q2M9XA"}, dedupe_key="ali:2")
    outbox_deliver(delivery_ids=[bad.pk])
    bad.refresh_from_db()
    assert bad.status == "failed" and "isv.MOBILE_NUMBER_ILLEGAL" in bad.error

"""The transactional outbox (congress.outbox): rows written with the change, claimed once,
retried with backoff, final failure visible and retryable by staff."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, transaction
from django.utils import timezone

from congress import outbox
from congress.models import Delivery, Notification
from congress.notifications import notification_send
from congress.roles import Role
from congress.sms import LocmemSmsBackend
from tests.factories import TownshipFactory, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy():
    return staff_of(TownshipFactory(), role=Role.DEPUTY, email="d@example.org", phone="13812345678")


def test_rows_are_written_with_the_change_and_rolled_back_with_it(deputy, django_capture_on_commit_callbacks):
    with pytest.raises(RuntimeError), transaction.atomic():
        notification_send(recipient=deputy, title="不会出现", sms=True)
        raise RuntimeError("the change fails")
    assert not Notification.objects.exists() and not Delivery.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=deputy, title="会出现", url="/portal/x/", sms=True)
    rows = {d.channel: d for d in Delivery.objects.all()}
    assert set(rows) == {"email", "sms"} and all(d.status == "sent" for d in rows.values())
    assert [m.subject for m in mail.outbox] == ["[乡镇人大主席团工作平台] 会出现"]
    assert "http://127.0.0.1:8000/portal/x/" in mail.outbox[0].body
    [sms] = LocmemSmsBackend.outbox  # SMS goes out by template (congress.notices)
    assert (sms.phone, sms.template, sms.params) == ("13812345678", "generic", {"title": "会出现"})
    n = Notification.objects.get()
    assert n.emailed_at and n.texted_at


def test_no_rows_without_address(django_capture_on_commit_callbacks):
    user = staff_of(TownshipFactory(), role=Role.DEPUTY, email="", phone="")
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=user, title="只在站内", sms=True)
    assert Notification.objects.count() == 1 and not Delivery.objects.exists()


def test_a_row_is_sent_once_however_often_it_is_delivered(deputy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notification_send(recipient=deputy, title="一次")
    (row,) = Delivery.objects.all()
    assert outbox.outbox_deliver(delivery_ids=[row.pk, row.pk]) == 1
    assert outbox.outbox_deliver(delivery_ids=[row.pk]) == 0
    assert outbox.outbox_sweep() == {"sent": 0, "claimed": 0}
    assert len(mail.outbox) == 1


def test_same_dedupe_key_keeps_one_row(deputy):
    first = outbox.delivery_add(channel="sms", address="13812345678", dedupe_key="s:1:accepted")
    again = outbox.delivery_add(channel="sms", address="13812345678", dedupe_key="s:1:accepted")
    assert first.pk and again is None and Delivery.objects.count() == 1


def test_errors_back_off_then_fail_and_staff_may_send_again(deputy, settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    with mock.patch("congress.outbox.send_mail", side_effect=ConnectionRefusedError("smtp down")):
        with django_capture_on_commit_callbacks(execute=True):
            notification_send(recipient=deputy, title="邮件服务器故障")
        row = Delivery.objects.get()
        assert (row.status, row.attempts) == ("pending", 1) and "smtp down" in row.error
        assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)
        assert outbox.outbox_sweep()["claimed"] == 0  # not due yet
        for expected in (2, 3):
            Delivery.objects.update(next_attempt_at=timezone.now())
            outbox.outbox_sweep()
            row.refresh_from_db()
            assert row.attempts == expected
        assert row.status == "failed"
        Delivery.objects.update(next_attempt_at=timezone.now())
        assert outbox.outbox_sweep()["claimed"] == 0  # failed rows stay failed

    with pytest.raises(Exception):
        outbox.delivery_retry(actor=deputy, deliveries=[row])
    staff = staff_of(deputy.township)
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.delivery_retry(actor=staff, deliveries=[row]) == 1
    row.refresh_from_db()
    assert row.status == "sent" and len(mail.outbox) == 1


def test_admin_lists_failed_rows_in_chinese(deputy, client):
    Delivery.objects.create(channel="sms", address="13812345678", dedupe_key="x", status="failed",
                            attempts=6, error="isv.BUSINESS_LIMIT_CONTROL", next_attempt_at=timezone.now(),
                            recipient=deputy, params={"title": "逾期提醒"})
    staff = staff_of(deputy.township)
    client.force_login(staff)
    page = client.get("/admin/congress/delivery/?status__exact=failed").content.decode()
    assert "发送失败" in page and "逾期提醒" in page and "isv.BUSINESS_LIMIT_CONTROL" in page
    client.force_login(deputy)
    assert client.get("/admin/congress/delivery/").status_code in (302, 403)


def test_worker_killed_after_claim_is_picked_up_after_the_lease(deputy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        notification_send(recipient=deputy, title="进程中断")
    (row,) = Delivery.objects.all()
    assert outbox._claim(row.pk)  # a worker claimed it and was killed before sending
    assert outbox.outbox_sweep()["claimed"] == 0  # the lease still holds
    assert outbox.outbox_deliver(delivery_ids=[row.pk]) == 0  # the redelivered task too
    Delivery.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert outbox.outbox_sweep() == {"sent": 1, "claimed": 1}
    assert outbox.outbox_sweep() == {"sent": 0, "claimed": 0}
    assert len(mail.outbox) == 1


def test_database_restart_while_recording_the_send(deputy, django_capture_on_commit_callbacks):
    """The provider accepted the message, then the database went away for two attempts: the
    result is recorded when it is back, and no sweep sends the message again."""
    with django_capture_on_commit_callbacks(execute=False):
        notification_send(recipient=deputy, title="数据库重启")
    real_update = outbox.Delivery.objects.filter(pk=0).update.__func__
    failures = {"left": 2}

    def flaky_update(qs, **kwargs):
        if kwargs.get("status") == "sent" and failures["left"]:
            failures["left"] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(qs, **kwargs)

    with mock.patch("django.db.models.query.QuerySet.update", flaky_update), \
            mock.patch("congress.outbox.time.sleep"), mock.patch("congress.outbox.connection.close"):
        assert outbox.outbox_sweep() == {"sent": 1, "claimed": 1}
    assert failures["left"] == 0
    assert Delivery.objects.get().status == "sent"
    assert outbox.outbox_sweep()["claimed"] == 0 and len(mail.outbox) == 1


def test_database_down_during_a_sweep_loses_nothing(deputy, django_capture_on_commit_callbacks):
    """The claim itself fails (database unreachable): the sweep fails, the rows stay due, the
    next sweep sends each once."""
    with django_capture_on_commit_callbacks(execute=False):
        for i in range(3):
            notification_send(recipient=deputy, title=f"第{i}条")
    with mock.patch("congress.outbox._claim_batch", side_effect=OperationalError("the database system is starting up")):
        with pytest.raises(OperationalError):
            outbox.outbox_sweep()
    assert outbox.outbox_sweep() == {"sent": 3, "claimed": 3}
    assert sorted(m.subject for m in mail.outbox) == [f"[乡镇人大主席团工作平台] 第{i}条" for i in range(3)]

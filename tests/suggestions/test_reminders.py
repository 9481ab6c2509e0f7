"""Reminders: near, on and past the deadline, escalation, exactly once (twice in a row, at the
same time, retried), constant query count, and a real worker on the real broker."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congress.models import Notification
from suggestions import services
from suggestions.models import Reminder, Suggestion
from suggestions.reminders import reminder_sweep
from suggestions.tasks import reminder_sweep_task
from tests.conftest import poll
from tests.concurrency import run_at_once
from tests.suggestions import factories as f


def _set_due(s, day):
    Suggestion.objects.filter(pk=s.pk).update(due_date=day)


@pytest.mark.django_db
def test_due_soon_today_overdue_and_escalation(w):
    today = datetime.date(2026, 6, 10)  # a Wednesday
    soon, due_today, late = f.submitted(w), f.dispatched(w), f.in_progress(w)
    late.supervisor = w.chair
    Suggestion.objects.filter(pk=late.pk).update(supervisor=w.chair, is_key=True)
    _set_due(soon, datetime.date(2026, 6, 12))
    _set_due(due_today, today)
    _set_due(late, datetime.date(2026, 6, 1))
    Notification.objects.all().delete()
    result = reminder_sweep(today=today)
    kinds = set(Reminder.objects.values_list("suggestion_id", "kind"))
    assert kinds == {(soon.pk, "due_soon"), (due_today.pk, "due_today"), (late.pk, "overdue"), (late.pk, "escalated")}
    titles = {(n.recipient_id, n.title) for n in Notification.objects.all()}
    assert (w.deputy1.user_id, "【即将到期】路灯坏了") in titles  # routed deputies must claim
    assert (w.handler.pk, "【今日到期】修复上坪村路灯") in titles  # lead department must sign
    assert (w.handler.pk, "【已逾期】修复上坪村路灯") in titles
    assert (w.chair.pk, "【逾期督办】修复上坪村路灯") in titles  # chair (also the supervisor): once
    assert result["claimed"] == 4


@pytest.mark.django_db
def test_second_sweep_and_retried_task_send_nothing_more(w, django_capture_on_commit_callbacks):
    s = f.in_progress(w)
    _set_due(s, datetime.date(2026, 1, 5))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep_task.apply(args=["2026-01-06"]).get()
    first = Notification.objects.filter(recipient=w.handler).count()
    assert first == 1
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep_task.apply(args=["2026-01-06"]).get()  # beat fired twice
        reminder_sweep_task.apply(args=["2026-01-07"], retries=1).get()  # a retry, next day
    assert Notification.objects.filter(recipient=w.handler).count() == 1
    from django.core import mail

    assert [m.subject for m in mail.outbox].count("[乡镇人大主席团工作平台] 【已逾期】修复上坪村路灯") == 1


@pytest.mark.django_db
def test_a_new_deadline_is_a_new_cycle(w):
    s = f.dispatched(w)
    _set_due(s, datetime.date(2026, 1, 5))
    reminder_sweep(today=datetime.date(2026, 1, 6))
    services.suggestion_sign(actor=w.handler, suggestion=s)  # new stage, new deadline
    s.refresh_from_db()
    _set_due(s, datetime.date(2026, 1, 6))
    reminder_sweep(today=datetime.date(2026, 1, 7))
    assert Reminder.objects.filter(suggestion=s, kind="overdue").count() == 2


def _make_open(w, n):
    for i in range(n):
        s = f.in_progress(w, title=f"事项{i}")
        _set_due(s, datetime.date(2026, 1, 5) if i % 2 else datetime.date(2026, 1, 8))


@pytest.mark.django_db
def test_sweep_query_count_does_not_grow_with_n(w):
    _make_open(w, 2)
    with CaptureQueriesContext(connection) as small:
        reminder_sweep(today=datetime.date(2026, 1, 7))
    Reminder.objects.all().delete()
    _make_open(w, 12)
    with CaptureQueriesContext(connection) as large:
        reminder_sweep(today=datetime.date(2026, 1, 7))
    assert Reminder.objects.count() == 7 * 2 + 7  # 7 overdue (+escalated), 7 due soon
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_notify_once(w):
    s = f.in_progress(w)
    _set_due(s, datetime.date(2026, 1, 5))
    Notification.objects.all().delete()
    run_at_once(lambda: reminder_sweep(today=datetime.date(2026, 1, 6)))
    assert Notification.objects.filter(recipient=w.handler).count() == 1
    assert Reminder.objects.filter(suggestion=s).count() == 2  # overdue + escalated


def test_beat_sweep_in_a_real_worker(real_worker, w):
    s = f.in_progress(w)
    _set_due(s, datetime.date(2026, 1, 5))
    Notification.objects.all().delete()
    reminder_sweep_task.delay("2026-01-06")
    poll(lambda: Reminder.objects.filter(suggestion=s).exists())
    assert Reminder.objects.filter(suggestion=s, kind="overdue").exists()
    assert Notification.objects.filter(recipient=w.handler, title__startswith="【已逾期】").count() == 1


@pytest.mark.django_db
def test_worker_start_sweeps_once_and_a_second_start_sends_nothing_more(w, django_capture_on_commit_callbacks):
    from celery import signals

    s = f.in_progress(w)
    _set_due(s, datetime.date(2020, 1, 6))  # long overdue, whatever today is
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        signals.worker_ready.send(sender=None)
    assert Reminder.objects.filter(suggestion=s, kind="overdue").count() == 1
    sent = Notification.objects.filter(recipient=w.handler).count()
    assert sent == 1
    with django_capture_on_commit_callbacks(execute=True):
        signals.worker_ready.send(sender=None)  # a restarted worker
    assert Notification.objects.filter(recipient=w.handler).count() == sent
    assert Reminder.objects.filter(suggestion=s, kind="overdue").count() == 1


def test_worker_start_sweep_runs_in_a_real_worker(real_worker, worker_settled, w):
    from celery import signals

    s = f.in_progress(w)
    _set_due(s, datetime.date(2020, 1, 6))
    Notification.objects.all().delete()
    signals.worker_ready.send(sender=None)
    signals.worker_ready.send(sender=None)
    poll(lambda: Reminder.objects.filter(suggestion=s).count() >= 2)
    assert worker_settled()  # the second sweep has finished too
    assert Reminder.objects.filter(suggestion=s, kind="overdue").count() == 1
    assert Notification.objects.filter(recipient=w.handler, title__startswith="【已逾期】").count() == 1


@pytest.mark.django_db
def test_urgent_reminder_texts_the_approved_deadline_template(w, django_capture_on_commit_callbacks):
    from congress.models import Delivery
    from congress.notices.sms import LocmemSmsBackend

    w.handler.phone = "13700001111"
    w.handler.save(update_fields=["phone"])
    s = f.in_progress(w)
    _set_due(s, datetime.date(2026, 1, 5))
    with django_capture_on_commit_callbacks(execute=True):
        reminder_sweep(today=datetime.date(2026, 1, 6))
    row = Delivery.objects.get(channel="sms", recipient=w.handler)
    assert row.template == "deadline"
    assert (row.params["title"], row.params["stage"], row.params["date"]) == (s.title, "承办中", "2026年01月05日")
    [sms] = [m for m in LocmemSmsBackend.outbox if m.phone == "13700001111"]
    assert sms.text.endswith(f"代表建议“{s.title}”承办中期限为2026年01月05日,请及时办理。")

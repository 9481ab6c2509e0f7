"""A real Celery worker process is killed (SIGKILL) while it sends a notice: the row stays
claimed until its lease ends, then the sweep sends it — once."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from congress import outbox
from congress.celery import app as celery_app
from congress.models import Delivery
from congress.roles import Role
from congress.sms import LocmemSmsBackend
from tests.factories import TownshipFactory, staff_of


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_killed_mid_send_the_sweep_sends_once(transactional_db, tmp_path, monkeypatch):
    user = staff_of(TownshipFactory(), role=Role.DEPUTY, email="", phone="13812345678")
    monkeypatch.setattr(outbox, "publish", lambda ids: False)  # published by hand below
    from congress.notifications import notification_send

    notification_send(recipient=user, title="进程被杀", sms=True)
    row = Delivery.objects.get()
    started, sent = tmp_path / "started", tmp_path / "sent"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "SMS_BACKEND": "tests.reliability.slow_sms.SlowSmsBackend",
        "SLOW_SMS_STARTED": str(started), "SLOW_SMS_SENT": str(sent),
    }
    queue = f"kill-{os.getpid()}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "congress", "worker", "-P", "solo", "-Q", queue,
         "--without-mingle", "--without-gossip", "--loglevel=WARNING"],
        env=env, cwd=settings.BASE_DIR, start_new_session=True,
    )
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        from congress.tasks import outbox_deliver_task

        outbox_deliver_task.apply_async(args=[[row.pk]], queue=queue)
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert started.exists(), "the worker never started sending"
    finally:
        celery_app.conf.task_always_eager = previous
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
    row.refresh_from_db()
    assert row.status == "sending" and row.attempts == 1 and not sent.exists()
    assert outbox.outbox_sweep()["claimed"] == 0  # the lease still holds
    Delivery.objects.update(lease_until=timezone.now() - timedelta(seconds=1))
    assert outbox.outbox_sweep() == {"sent": 1, "claimed": 1}
    assert outbox.outbox_sweep()["claimed"] == 0
    [sms] = LocmemSmsBackend.outbox
    assert (sms.phone, sms.params) == ("13812345678", {"title": "进程被杀"})
    assert not sent.exists()

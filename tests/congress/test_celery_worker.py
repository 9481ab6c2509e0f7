"""A real Celery worker on the configured broker (the filesystem transport by default, Redis
when REDIS_URL is set) runs a task whose effect lands in the database."""

import time

import pytest
from django.core import mail

from congress.celery import app
from congress.roles import Role
from tests.factories import TownshipFactory, staff_of


def test_real_worker_delivers_notification(real_worker, settings):
    if settings.REDIS_URL:
        assert app.conf.broker_url.startswith("redis://")
    deputy = staff_of(TownshipFactory(), role=Role.DEPUTY, email="d@example.org")
    from congress.notifications import notification_send

    # Autocommit: the outbox row commits at once and its id is published to the real broker.
    notification = notification_send(recipient=deputy, title="真实队列测试")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.emailed_at:
            break
        time.sleep(0.2)
    assert notification.emailed_at is not None
    assert [m.subject for m in mail.outbox] == ["[乡镇人大主席团工作平台] 真实队列测试"]

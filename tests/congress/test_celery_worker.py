"""A real Celery worker on the configured broker (the filesystem transport by default, Redis
when REDIS_URL is set) runs a task whose effect lands in the database."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from congress.celery import app
from congress.models import Notification
from congress.roles import Role
from tests.conftest import REQUIRE_SERVICES, redis_available
from tests.factories import TownshipFactory, staff_of


@pytest.fixture
def real_worker(transactional_db, settings):
    if REQUIRE_SERVICES and not redis_available():
        pytest.fail("REQUIRE_SERVICES=1 but Redis is not reachable as the broker")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_always_eager = False
    previous_routes = app.conf.task_routes
    app.conf.task_routes = {"congress.*": {"queue": queue}}
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=10):
        yield queue
    app.conf.task_routes = previous_routes


def test_real_worker_delivers_notification(real_worker, settings):
    if settings.REDIS_URL:
        assert app.conf.broker_url.startswith("redis://")
    deputy = staff_of(TownshipFactory(), role=Role.DEPUTY, email="d@example.org")
    notification = Notification.objects.create(recipient=deputy, title="真实队列测试")
    from congress.tasks import deliver_notification

    deliver_notification.delay(notification.pk)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.emailed_at:
            break
        time.sleep(0.2)
    assert notification.emailed_at is not None
    assert [m.subject for m in mail.outbox] == ["[乡镇人大主席团工作平台] 真实队列测试"]

"""Shared fixtures. Services: a test marked ``postgres``, ``redis`` or ``browser`` skips when the
service is missing, but fails when ``REQUIRE_SERVICES=1`` (CI's production-path run)."""

import os
import shutil

import pytest
from django.conf import settings

from congress.celery import app as celery_app

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def _missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            _missing("this test needs PostgreSQL (set DATABASE_URL=postgres://...)")
    if item.get_closest_marker("redis") and not redis_available():
        _missing("this test needs Redis (set REDIS_URL=redis://...)")
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        _missing(f"this test needs Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(autouse=True)
def _fast_and_eager(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SMS_BACKEND = "congress.sms.LocmemSmsBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from congress.sms import LocmemSmsBackend

    LocmemSmsBackend.outbox = []
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def real_worker(transactional_db):
    """A real Celery worker (thread, solo pool) on the configured broker — kombu's filesystem
    transport by default, Redis when REDIS_URL is set — consuming a queue of its own, so a
    developer's running worker cannot take the test's messages. Yields the queue name."""
    from celery.contrib.testing.worker import start_worker

    if REQUIRE_SERVICES and not redis_available():
        pytest.fail("REQUIRE_SERVICES=1 but Redis is not reachable as the broker", pytrace=False)
    # One queue per test process: kombu's virtual transports keep exchange bindings per
    # process, so a second worker on a new queue in the same process would never be bound.
    queue = f"test-{os.getpid()}"
    from celery import signals
    from django.db import connections

    # The worker thread's own database connections must close after each task (a worker
    # started in-process gets no Django fix-up to do it), or PostgreSQL refuses to drop the
    # test database at the end of the run.
    def close_thread_connections(**kwargs):
        connections.close_all()

    signals.task_postrun.connect(close_thread_connections, weak=False)
    previous_routes = celery_app.conf.task_routes
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_routes = {"*": {"queue": queue}}
    celery_app.amqp.flush_routes()  # the router caches the table of routes
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue],
                          shutdown_timeout=10):
            yield queue
    finally:
        celery_app.conf.task_routes = previous_routes
        celery_app.amqp.flush_routes()
        signals.task_postrun.disconnect(close_thread_connections)
    
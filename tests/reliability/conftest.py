"""Fixtures of the reliability tests (outbox, faults, ballots, backups, retention)."""

import pytest

from congress.celery import app as celery_app


@pytest.fixture
def broker_down(settings):
    """The broker is a closed port (nothing listens on 127.0.0.1:1) and tasks really go to it
    (not eager). Yields a function that brings the broker back (eager again)."""
    previous = {k: celery_app.conf[k] for k in ("broker_url", "broker_write_url", "task_always_eager")}
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    celery_app.conf.task_always_eager = False
    celery_app._pool = None

    def restore():
        from congress import outbox

        celery_app.conf.update(previous)
        celery_app._pool = None
        outbox._broker_skip_until = 0.0

    yield restore
    restore()

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from congress.heartbeat import heartbeat_record
from congress.models import Delivery, Heartbeat


def _alive():
    heartbeat_record(name="worker")
    heartbeat_record(name="beat")


@pytest.mark.django_db
def test_healthz_ok_when_every_part_is_alive(client):
    _alive()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["broker"] == "ok"
    assert body["outbox"] == {"backlog": 0, "oldest_age_seconds": 0, "failed": 0}
    assert body["worker"]["last_seen_seconds"] < 5


@pytest.mark.django_db
def test_healthz_without_worker_or_beat_is_503_but_liveness_is_200(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    problems = response.json()["problems"]
    assert set(problems) == {"worker", "beat"}
    assert "从未运行" in problems["worker"]
    live = client.get("/healthz?live=1")
    assert live.status_code == 200 and live.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_stale_heartbeat(client, settings):
    _alive()
    Heartbeat.objects.filter(name="worker").update(seen_at=timezone.now() - timedelta(minutes=11))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert set(response.json()["problems"]) == {"worker"}
    assert "11 分钟没有心跳" in response.json()["problems"]["worker"]


@pytest.mark.django_db
def test_healthz_reports_old_outbox_backlog(client, settings):
    _alive()
    row = Delivery.objects.create(channel="email", address="a@example.org", dedupe_key="k",
                                  next_attempt_at=timezone.now())
    Delivery.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["outbox"]["backlog"] == 1 and body["outbox"]["oldest_age_seconds"] >= 3600
    assert set(body["problems"]) == {"outbox"}


@pytest.mark.django_db
def test_healthz_broker_down(client):
    from congress.celery import app

    _alive()
    previous = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_write_url = previous
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert set(body["problems"]) == {"broker"}


@pytest.mark.django_db
def test_healthz_database_down(client):
    with mock.patch("congress.views.health.connection") as conn:
        conn.cursor.side_effect = RuntimeError("could not connect to server")
        response = client.get("/healthz")
        live = client.get("/healthz?live=1")
    assert response.status_code == 503 and live.status_code == 503
    assert "database" in response.json()["problems"]
    assert "数据库不可用" in live.json()["problems"]["database"]


def test_heartbeat_thread_beats_until_stopped(settings, monkeypatch):
    from congress import heartbeat

    settings.HEARTBEAT_SECONDS = 0.01
    beats = []
    monkeypatch.setattr(heartbeat, "heartbeat_record", lambda **kw: beats.append(kw["name"]))
    thread = heartbeat.start_heartbeat_thread("worker")
    try:
        for _ in range(200):
            if len(beats) >= 3:
                break
            thread.stop.wait(0.01)
    finally:
        thread.stop.set()
        thread.join(5)
    assert not thread.is_alive() and beats[:3] == ["worker"] * 3

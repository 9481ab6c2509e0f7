import json
from unittest import mock

import pytest


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_broker_down(client):
    from congress.celery import app

    previous = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_write_url = previous
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "error"
    assert "broker" in body["problems"] and "database" not in body["problems"]


@pytest.mark.django_db
def test_healthz_database_down(client):
    with mock.patch("congress.views.health.connection") as conn:
        conn.cursor.side_effect = RuntimeError("could not connect to server")
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "database" in response.json()["problems"]

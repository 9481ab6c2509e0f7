"""Fault tests: the broker down (a closed port), then back; a real worker delivering what the
sweep finds. Nothing lost, no notice twice."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from congress.models import Delivery, Notification
from suggestions.models import Suggestion
from tests.suggestions.conftest import SWorld


@pytest.fixture
def tw(transactional_db):
    world = SWorld()
    for i, deputy in enumerate((world.deputy1, world.deputy2, world.deputy3)):
        deputy.user.email = f"deputy{i}@example.org"
        deputy.user.save(update_fields=["email"])
    return world


def test_broker_down_submission_answers_fast_and_every_notice_goes_out_once_later(tw, client, broker_down):
    url = reverse("suggestions_public:submit", args=["jia"])
    started = time.monotonic()
    response = client.post(url, {
        "kind": "suggestion", "title": "村口路灯坏了", "content": "三个月没亮", "submitter_name": "王五",
        "submitter_phone": "13812345678", "consent": "on", "village": tw.village.pk,
    })
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:500]
    assert elapsed < 2, f"the submission took {elapsed:.1f}s with the broker down"
    suggestion = Suggestion.objects.get()
    assert suggestion.code in client.get(response["Location"]).content.decode()
    # Every notice exists (inbox and outbox), none sent yet.
    assert Notification.objects.filter(recipient__in=[tw.deputy1.user, tw.deputy2.user]).count() == 2
    emails = Delivery.objects.filter(channel="email")
    assert emails.count() == 2 and set(emails.values_list("status", flat=True)) == {"pending"}
    assert mail.outbox == []

    broker_down()  # the broker is back; beat fires the sweep (twice, to be sure)
    from congress.tasks import outbox_sweep_task

    outbox_sweep_task.delay()
    outbox_sweep_task.delay()
    assert sorted(m.to[0] for m in mail.outbox) == ["deputy0@example.org", "deputy1@example.org"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_staff_dispatch_with_broker_down_answers_normally(tw, broker_down):
    """A service with several notices commits them all even though publishing fails."""
    from congress.notifications import notification_send

    started = time.monotonic()
    for user in (tw.staff, tw.chair, tw.handler):
        notification_send(recipient=user, title="交办通知")
    assert time.monotonic() - started < 2
    assert Notification.objects.filter(title="交办通知").count() == 3


def test_real_worker_sweep_delivers_what_publishing_missed(tw, real_worker, worker_settled, monkeypatch):
    """Publishing failed (broker down at commit); later the beat sweep, run by a real worker on
    the real broker, sends each notice once."""
    from congress import outbox
    from congress.notifications import notification_send
    from congress.tasks import outbox_sweep_task

    monkeypatch.setattr(outbox, "publish", lambda ids: False)
    notification_send(recipient=tw.handler, title="队列恢复后补发")
    row = Delivery.objects.get()
    assert row.status == "pending"
    outbox_sweep_task.delay()
    outbox_sweep_task.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if row.status == "sent":
            break
        time.sleep(0.2)
    assert worker_settled()  # the second sweep has finished too
    assert row.status == "sent"
    assert [m.to for m in mail.outbox] == [["h@example.org"]]

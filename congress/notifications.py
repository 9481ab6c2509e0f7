"""Services for the in-app inbox and its e-mail/SMS copies.

``notification_send`` is the one door through which every app tells a user something. The inbox
row and one outbox row per outside channel (e-mail; SMS when asked for and the user has a phone)
are written in the caller's transaction; the worker sends the outbox rows after commit (see
:mod:`congress.outbox`), so a broker outage delays a notice but never fails the request or
loses the notice.
"""

from django.db import transaction
from django.utils import timezone

from .models import Notification, User
from .outbox import deliveries_for_notifications, outbox_deliver, publish_after_commit


def notification_send(
    *, recipient: User, title: str, body: str = "", url: str = "", sms: bool = False,
    sms_template: str = "", sms_params: dict | None = None,
) -> Notification:
    """``sms_template``/``sms_params``: the approved SMS template (``congress.notices.catalog``)
    and its parameters for the SMS copy; without them the SMS copy is the generic one."""
    notification = Notification(recipient=recipient, title=title[:200], body=body, url=url, sms_requested=sms)
    if sms_template:
        notification.sms_template = (sms_template, dict(sms_params or {}))
    return notifications_send_bulk([notification])[0]


def notifications_send_bulk(notifications: list[Notification]) -> list[Notification]:
    """Write many inbox rows and their outbox rows at once (reminder sweeps)."""
    with transaction.atomic():
        created = Notification.objects.bulk_create(notifications, batch_size=500)
        users = {
            u.pk: u
            for u in User.objects.filter(pk__in={n.recipient_id for n in created}).only("pk", "email", "phone")
        }
        deliveries = deliveries_for_notifications(created, users)
        publish_after_commit([d.pk for d in deliveries])
    return created


def notification_deliver(*, notification_id: int) -> dict:
    """Send the outbox rows of one notification that are still due (kept for tasks queued
    before the outbox existed). Returns which channels this call sent."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return {"email": False, "sms": False}
    sent = {"email": False, "sms": False}
    for pk, channel in notification.deliveries.values_list("pk", "channel"):
        sent[channel] = bool(outbox_deliver(delivery_ids=[pk]))
    return sent


def notification_mark_read(*, actor: User, notification_ids=None, url: str | None = None) -> int:
    """Mark the actor's own notifications read: those with the given ids, or about the page at
    ``url`` (acting on a record reads its notices), or all unread ones when neither is given."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    if url is not None:
        qs = qs.filter(url=url)
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

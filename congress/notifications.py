"""Services for the in-app inbox and its e-mail/SMS copies.

``notification_send`` is the one door through which every app tells a user something. The inbox
row is written in the caller's transaction; e-mail and SMS go out from a Celery task queued after
commit, and each copy is claimed (``emailed_at``/``texted_at`` set with a conditional UPDATE)
before it is sent, so a retried or duplicated task never sends twice.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification, User


def notification_send(
    *, recipient: User, title: str, body: str = "", url: str = "", sms: bool = False
) -> Notification:
    notification = Notification.objects.create(
        recipient=recipient, title=title[:200], body=body, url=url, sms_requested=sms
    )
    wants_email = bool(recipient.email)
    wants_sms = sms and bool(recipient.phone)
    if wants_email or wants_sms:
        from .tasks import deliver_notification

        transaction.on_commit(lambda: deliver_notification.delay(notification.pk))
    return notification


def notification_deliver(*, notification_id: int) -> dict:
    """Send the e-mail (and SMS) copy of one notification at most once each."""
    from .sms import get_sms_backend

    sent = {"email": False, "sms": False}
    notification = (
        Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    )
    if notification is None:
        return sent
    recipient = notification.recipient
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    if recipient.email:
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if claimed:
            send_mail(
                subject=f"[{settings.PLATFORM_NAME}] {notification.title}",
                message="\n\n".join(part for part in (notification.body, link) if part),
                from_email=None,
                recipient_list=[recipient.email],
            )
            sent["email"] = True
    if notification.sms_requested and recipient.phone:
        claimed = Notification.objects.filter(pk=notification.pk, texted_at__isnull=True).update(
            texted_at=timezone.now()
        )
        if claimed:
            get_sms_backend().send(recipient.phone, "generic", {"title": notification.title})
            sent["sms"] = True
    return sent


def notification_mark_read(*, actor: User, notification_ids=None) -> int:
    """Mark the actor's own notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

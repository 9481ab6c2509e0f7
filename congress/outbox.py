"""The transactional outbox: every e-mail, SMS (and later WeChat Work) notice is a ``Delivery``
row written in the transaction of the change that caused it, and sent later by the worker.

- **Write**: :func:`delivery_add` inside the caller's transaction. The ``dedupe_key`` is unique, so
  writing the same notice twice keeps one row.
- **Wake-up**: after commit the ids are published to the broker *best-effort*
  (:func:`publish_after_commit`): a broker that is down is logged, never raised, and costs the
  request no more than the short connect timeout.
- **Send**: :func:`outbox_deliver` (the task for fresh rows) and :func:`outbox_sweep` (beat, every
  minute, picks up every row that is due: never published, failed earlier, or left ``sending`` by
  a worker that died). A row is *claimed* before it is sent — ``select_for_update(skip_locked)``
  on PostgreSQL, a conditional UPDATE everywhere — with a lease; after the provider accepted it
  the row is marked ``sent`` (retrying through a database restart), so it is sent once.
- **Retry**: an error puts the row back with exponential backoff; after
  ``OUTBOX_MAX_ATTEMPTS`` it is ``failed`` and listed for staff in the admin (消息发送队列), who
  may send it again.

Residual risk (documented in README): a worker killed *after* the provider accepted a message and
*before* the row was marked sent resends it once the lease expires; the window is the length of
one database UPDATE.
"""

import logging
import time
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, IntegrityError, close_old_connections, connection, transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from .models import Delivery, Notification

logger = logging.getLogger("congress.outbox")


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def delivery_add(
    *,
    channel: str,
    address: str,
    dedupe_key: str,
    template: str = "notification",
    params: dict | None = None,
    recipient=None,
    notification: Notification | None = None,
) -> Delivery | None:
    """Write one outbox row in the current transaction; None when the same notice (same
    ``dedupe_key``) was already written. Call :func:`publish_after_commit` with the ids."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(
                channel=channel,
                address=address,
                dedupe_key=dedupe_key[:150],
                template=template,
                params=params or {},
                recipient=recipient,
                notification=notification,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        if Delivery.objects.filter(dedupe_key=dedupe_key[:150]).exists():
            return None
        raise


def deliveries_for_notifications(notifications: Iterable[Notification], users: dict) -> list[Delivery]:
    """The e-mail, SMS and WeChat Work rows of in-app notifications, in bulk: each recipient's
    channels follow their choice (:mod:`congress.notices.preferences`); ``sms_requested`` marks
    an urgent notice. ``users`` (id → User) is kept for callers; addresses are read afresh."""
    from .notices.preferences import contacts_for

    notifications = list(notifications)
    contacts = contacts_for({n.recipient_id for n in notifications})
    rows = []
    now = timezone.now()
    for n in notifications:
        contact = contacts[n.recipient_id]
        params = {"title": n.title, "body": n.body, "url": n.url}
        # A notice kind with its own approved SMS template (e.g. 催办) sends that; others the generic.
        sms_template, sms_params = getattr(n, "sms_template", ("notification", {}))
        for channel in contact.channels(urgent=n.sms_requested):
            own = channel == Delivery.Channel.SMS and sms_template != "notification"
            rows.append(Delivery(
                channel=channel, address=contact.address(channel), recipient_id=n.recipient_id,
                notification=n, params={**params, **sms_params} if own else params,
                template=sms_template if own else "notification",
                dedupe_key=f"notification:{n.pk}:{channel}", next_attempt_at=now,
            ))
    return Delivery.objects.bulk_create(rows)


def publish_after_commit(delivery_ids: list[int]) -> None:
    """Ask the worker to send these rows once the transaction commits. Best-effort: when the
    broker is down the rows wait for the sweep, and the request carries on."""
    ids = [pk for pk in delivery_ids if pk]
    if not ids:
        return
    transaction.on_commit(lambda: publish(ids))


# After a failed publish, skip the broker for this long (the sweep sends the rows): a request
# that writes many notices while the broker is down pays for one connection attempt at most.
_broker_skip_until = 0.0


def publish(delivery_ids: list[int]) -> bool:
    from .tasks import outbox_deliver_task

    return publish_task(outbox_deliver_task, [list(delivery_ids)],
                        what=f"{len(delivery_ids)} 条待发消息将由定时任务补发")


def publish_task(task, args: list, *, what: str) -> bool:
    """Send ``task(*args)`` to the broker best-effort: False (logged with ``what``, never raised)
    when the broker is down; then the broker is skipped for ``BROKER_RETRY_AFTER_SECONDS`` and
    a beat sweep picks the work up from the database."""
    global _broker_skip_until
    from .celery import app

    if app.conf.task_always_eager:  # tests and scripts: no broker involved
        task.apply_async(args=args)
        return True
    if time.monotonic() < _broker_skip_until:
        return False
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0,
                timeout=_setting("BROKER_PUBLISH_TIMEOUT", 1),
            )
            task.apply_async(args=args, connection=conn, retry=False)
    except Exception as exc:  # broker down or slow: a beat sweep does the work later
        _broker_skip_until = time.monotonic() + _setting("BROKER_RETRY_AFTER_SECONDS", 30)
        logger.warning("消息队列不可用,%s: %s", what, exc)
        return False
    return True


# --- Sending ------------------------------------------------------------------------------------


def _due(now) -> Q:
    return Q(status=Delivery.Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Delivery.Status.SENDING, lease_until__lt=now
    )


def _claim(pk: int) -> bool:
    now = timezone.now()
    lease = now + timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", 300))
    return bool(
        Delivery.objects.filter(_due(now), pk=pk).update(
            status=Delivery.Status.SENDING, lease_until=lease, attempts=F("attempts") + 1
        )
    )


def _claim_batch(limit: int) -> list[int]:
    """Claim up to ``limit`` due rows. PostgreSQL: rows another worker holds are skipped."""
    now = timezone.now()
    with transaction.atomic():
        qs = Delivery.objects.filter(_due(now)).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        candidates = list(qs.values_list("pk", flat=True)[:limit])
        return [pk for pk in candidates if _claim(pk)]


def _render_text(delivery: Delivery) -> tuple[str, str]:
    """(subject, text) of an e-mail row. SMS rows go out by provider template and WeChat Work
    rows as a text card (:mod:`congress.notices.delivery`)."""
    params = delivery.params or {}
    title = params.get("title", "")
    link = f"{settings.SITE_URL}{params['url']}" if params.get("url") else ""
    text = params.get("text") or "\n\n".join(p for p in (params.get("body", ""), link) if p)
    return f"[{settings.PLATFORM_NAME}] {title}", text


def _send(delivery: Delivery) -> str:
    """Hand one message to its channel; returns the provider's message id (may be empty)."""
    if delivery.channel == Delivery.Channel.EMAIL:
        subject, text = _render_text(delivery)
        send_mail(subject=subject, message=text, from_email=None, recipient_list=[delivery.address])
        return ""
    if delivery.channel == Delivery.Channel.SMS:
        from .notices.delivery import send_sms

        return send_sms(delivery)
    if delivery.channel == Delivery.Channel.WECOM:
        from .notices.delivery import send_wecom

        return send_wecom(delivery)
    raise RuntimeError(f"未配置的发送渠道:{delivery.channel}")


def _retrying_db(func, *, attempts: int = 10, pause: float = 1.0):
    """Run a short write, riding out a database restart (the message is already sent)."""
    for attempt in range(attempts):
        try:
            return func()
        except DatabaseError:
            if attempt == attempts - 1:
                raise
            logger.warning("数据库暂不可用,%.0f 秒后重试记录发送结果", pause)
            close_old_connections()
            connection.close()
            time.sleep(pause)


def _mark_sent(delivery: Delivery, provider_id: str) -> None:
    now = timezone.now()

    def write():
        with transaction.atomic():
            Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
                status=Delivery.Status.SENT, sent_at=now, provider_message_id=provider_id[:100],
                error="", lease_until=None,
            )
            if delivery.notification_id and delivery.channel != Delivery.Channel.WECOM:
                field = "emailed_at" if delivery.channel == Delivery.Channel.EMAIL else "texted_at"
                Notification.objects.filter(pk=delivery.notification_id, **{f"{field}__isnull": True}).update(
                    **{field: now}
                )

    _retrying_db(write)


def _mark_failed(delivery: Delivery, exc: Exception) -> None:
    max_attempts = _setting("OUTBOX_MAX_ATTEMPTS", 6)
    attempts = delivery.attempts
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    # A permanent provider error (bad number, unapproved template …) is not retried.
    if attempts >= max_attempts or getattr(exc, "permanent", False):
        fields = {"status": Delivery.Status.FAILED}
        logger.error("消息发送失败(已尝试%s次,不再重试):%s %s", attempts, delivery.pk, error)
    else:
        backoff = min(_setting("OUTBOX_BACKOFF_SECONDS", 60) * 2 ** (attempts - 1), 6 * 3600)
        fields = {"status": Delivery.Status.PENDING, "next_attempt_at": timezone.now() + timedelta(seconds=backoff)}
    _retrying_db(
        lambda: Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
            error=error, lease_until=None, **fields
        )
    )


def _postpone(delivery: Delivery, until, reason: str) -> None:
    """Put a claimed row back untried (the attempt is not counted) until ``until``."""
    _retrying_db(
        lambda: Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.PENDING, next_attempt_at=until, lease_until=None,
            attempts=F("attempts") - 1, error=reason,
        )
    )


def _deliver_claimed(pk: int) -> bool:
    delivery = Delivery.objects.get(pk=pk)
    if delivery.channel == Delivery.Channel.SMS:
        from .notices.delivery import cap_release_at, sms_cap_reached

        if sms_cap_reached(delivery.address):
            _postpone(delivery, cap_release_at(), "该号码今日短信已达上限,次日发送")
            return False
    try:
        provider_id = _send(delivery)
    except Exception as exc:  # any provider error: retry with backoff, finally "failed"
        _mark_failed(delivery, exc)
        return False
    _mark_sent(delivery, provider_id)
    return True


def outbox_deliver(*, delivery_ids: Iterable[int]) -> int:
    """Send the given rows that are still due (a second run of the same task sends nothing)."""
    sent = 0
    for pk in delivery_ids:
        if _claim(pk):
            sent += _deliver_claimed(pk)
    return sent


def outbox_sweep(*, batch: int = 100, max_rows: int = 5000) -> dict:
    """Send every due row: never published, waiting for a retry, or abandoned by a dead worker."""
    result = {"sent": 0, "claimed": 0}
    while result["claimed"] < max_rows:
        ids = _claim_batch(batch)
        if not ids:
            break
        result["claimed"] += len(ids)
        for pk in ids:
            result["sent"] += _deliver_claimed(pk)
    return result


def delivery_retry(*, actor, deliveries) -> int:
    """Staff send failed rows again (admin action): back to pending, due now, attempts reset."""
    if not (actor.is_superuser or getattr(actor, "is_presidium_staff", False)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有人大办工作人员可以重新发送消息。")
    with transaction.atomic():
        ids = list(
            Delivery.objects.filter(pk__in=[d.pk for d in deliveries], status=Delivery.Status.FAILED)
            .select_for_update()
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), lease_until=None
        )
        publish_after_commit(ids)
    logger.info("%s 重新发送消息 %s", actor, ids)
    return len(ids)


# --- Reads --------------------------------------------------------------------------------------


def outbox_backlog() -> dict:
    """Undelivered rows (pending or sending), the age of the oldest in seconds, and failed rows."""
    undelivered = Delivery.objects.filter(status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING])
    oldest = undelivered.aggregate(oldest=Min("created_at"))["oldest"]
    return {
        "backlog": undelivered.count(),
        "oldest_age_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else 0,
        "failed": Delivery.objects.filter(status=Delivery.Status.FAILED).count(),
    }

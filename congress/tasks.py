"""Thin Celery tasks of the core: outbox sending, the outbox sweep, heartbeats."""

from celery import shared_task

from .notifications import notification_deliver
from .outbox import outbox_deliver, outbox_sweep


@shared_task(name="congress.outbox_deliver")
def outbox_deliver_task(delivery_ids: list[int]) -> int:
    return outbox_deliver(delivery_ids=delivery_ids)


@shared_task(name="congress.outbox_sweep")
def outbox_sweep_task() -> dict:
    return outbox_sweep()


@shared_task(name="congress.deliver_notification")
def deliver_notification(notification_id: int) -> dict:
    """Kept for messages queued before the outbox; sends that notification's outbox rows."""
    return notification_deliver(notification_id=notification_id)


@shared_task(name="congress.prune_idempotency_keys")
def prune_idempotency_keys() -> int:
    from .idempotency import idempotency_prune

    return idempotency_prune()


# A long export may take minutes: its own limits (the default is 5 minutes for every task).
@shared_task(name="congress.export_run", time_limit=30 * 60, soft_time_limit=28 * 60)
def export_run_task(job_id: int) -> bool:
    from .export_jobs import export_job_run

    return export_job_run(job_id=job_id)


@shared_task(name="congress.export_sweep")
def export_sweep_task() -> dict:
    from .export_jobs import export_sweep

    return export_sweep()

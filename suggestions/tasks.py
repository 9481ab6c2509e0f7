"""Thin Celery tasks: they call the service, which is safe to run twice."""

from celery import shared_task

from .reminders import reminder_sweep


@shared_task(name="suggestions.reminder_sweep", max_retries=3, default_retry_delay=60, acks_late=True)
def reminder_sweep_task(today: str | None = None) -> dict:
    import datetime

    return reminder_sweep(today=datetime.date.fromisoformat(today) if today else None)

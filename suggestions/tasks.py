"""Thin Celery tasks: they call the service, which is safe to run twice."""

from celery import shared_task, signals

from .reminders import reminder_sweep


@shared_task(name="suggestions.reminder_sweep", max_retries=3, default_retry_delay=60, acks_late=True)
def reminder_sweep_task(today: str | None = None) -> dict:
    import datetime

    return reminder_sweep(today=datetime.date.fromisoformat(today) if today else None)


@signals.worker_ready.connect(dispatch_uid="suggestions.sweep_on_worker_start")
def sweep_once_when_the_worker_starts(sender=None, **kwargs):
    """Beat's first hourly sweep may be an hour away: a fresh ``make run`` (or a worker restarted
    after an outage) reminds overdue items at once. The sweep claims each reminder exactly once,
    so this extra run never sends a notice twice."""
    reminder_sweep_task.delay()


@shared_task(name="suggestions.retention_apply")
def retention_apply_task() -> dict:
    """Daily: remove citizens' personal data past each township's retention period."""
    from .retention import retention_apply

    return retention_apply()


@shared_task(name="suggestions.figure_counters_rebuild")
def figure_counters_rebuild_task() -> int:
    """After a change of the working-day calendar: the stage times (各环节平均用时) count
    working days, so their counters are recounted."""
    from .services import figure_counters_rebuild

    return figure_counters_rebuild()


@shared_task(name="suggestions.figure_counters_fold")
def figure_counters_fold_task() -> int:
    """Daily: fold the date-dependent counter rows already due (fewer rows for a page to read;
    no number changes)."""
    from .services import figure_counters_fold

    return figure_counters_fold()


@shared_task(name="suggestions.callback_sweep", max_retries=3, default_retry_delay=300, acks_late=True)
def callback_sweep_task(today: str | None = None) -> dict:
    """Daily: the 回访 SMS inviting citizens who have not rated a reply (each item once)."""
    import datetime

    from .callbacks import callback_sweep

    return callback_sweep(today=datetime.date.fromisoformat(today) if today else None)

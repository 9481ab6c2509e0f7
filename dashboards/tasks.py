from celery import shared_task


@shared_task(name="dashboards.prune_change_marks")
def prune_change_marks_task() -> int:
    """Daily: delete the change marks no freshness check needs any more."""
    from .freshness import prune

    return prune()

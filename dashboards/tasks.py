from celery import shared_task

from .snapshots import refresh_current


@shared_task(name="dashboards.refresh_county_snapshots", soft_time_limit=20 * 60, time_limit=25 * 60)
def refresh_county_snapshots() -> int:
    return refresh_current()

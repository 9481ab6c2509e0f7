from celery import shared_task

from .notifications import notification_deliver


@shared_task(name="congress.deliver_notification", max_retries=3, default_retry_delay=60)
def deliver_notification(notification_id: int) -> dict:
    return notification_deliver(notification_id=notification_id)

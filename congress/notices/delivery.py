"""The SMS and WeChat Work channels of the outbox (:mod:`congress.outbox`).

- :func:`send_sms` / :func:`send_wecom` — hand one ``Delivery`` row to the configured backend
  and return the provider's message id; errors are typed (:mod:`congress.notices.errors`), and
  the outbox gives up at once on a permanent one.
- :func:`sms_cap_reached` — the daily per-phone cap (``SMS_DAILY_CAP_PER_PHONE``): a row over the
  cap waits until the next morning instead of being sent or lost.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from congress.models import Delivery

from .catalog import TEMPLATES, NoticeKind
from .sms import get_sms_backend
from .wecom import get_wecom_backend


def sms_template(delivery: Delivery) -> tuple[str, dict]:
    """A row written with a notice kind keeps it; an inbox copy goes out as the generic one."""
    params = delivery.params or {}
    if delivery.template in TEMPLATES:
        return delivery.template, params
    return NoticeKind.GENERIC, {"title": params.get("title", "")}


def send_sms(delivery: Delivery) -> str:
    template, params = sms_template(delivery)
    return str(get_sms_backend().send(delivery.address, template, params) or "")


def send_wecom(delivery: Delivery) -> str:
    params = delivery.params or {}
    url = params.get("url", "")
    link = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
    return str(
        get_wecom_backend().send(delivery.address, params.get("title", ""), params.get("body", ""), link)
        or ""
    )


def sms_cap_reached(address: str, *, now: datetime.datetime | None = None) -> bool:
    """Whether this phone already had ``SMS_DAILY_CAP_PER_PHONE`` SMS today (local day)."""
    cap = int(getattr(settings, "SMS_DAILY_CAP_PER_PHONE", 10))
    if cap <= 0:
        return False
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    sent_today = Delivery.objects.filter(
        channel=Delivery.Channel.SMS, address=address, status=Delivery.Status.SENT, sent_at__gte=start
    ).count()
    return sent_today >= cap


def cap_release_at(now: datetime.datetime | None = None) -> datetime.datetime:
    """When a capped SMS may go: 08:00 local time the next day."""
    local = timezone.localtime(now or timezone.now())
    return (local + datetime.timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)

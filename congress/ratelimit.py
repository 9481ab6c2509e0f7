"""Rate limits that hold under concurrency, and the client's address behind proxies.

:func:`hit` counts one attempt in a fixed window with a single ``UPDATE … SET count = count + 1``
on a :class:`~congress.models.RateCounter` row and reads the result in the same transaction, so
twenty parallel requests against a limit of five let exactly five through (PostgreSQL row lock;
SQLite takes the write lock up front). :func:`client_ip` is the one definition of "the client's
address", used by these limits and by django-axes (``AXES_CLIENT_IP_CALLABLE``).
"""

import datetime
import hashlib
import ipaddress

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RateCounter


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or — behind ``TRUSTED_PROXY_COUNT`` reverse proxies that each append to
    X-Forwarded-For — the address the outermost trusted proxy saw. Entries a client wrote
    itself (to the left) are ignored, so a forged header changes nothing."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    # The nearest proxy is REMOTE_ADDR; it appended the address it saw as the last entry, and so on.
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def axes_client_ip(request, *args) -> str | None:
    """django-axes' client-IP callable (it passes the request and, in some versions, more)."""
    return client_ip(request)


def _key(scope: str, ident: str, bucket: int) -> str:
    digest = hashlib.sha256(str(ident).encode()).hexdigest()[:40]
    return f"{scope}:{digest}:{bucket}"[:150]


def _bucket(window: int) -> tuple[int, datetime.datetime]:
    now = timezone.now()
    bucket = int(now.timestamp()) // window
    expires = datetime.datetime.fromtimestamp((bucket + 1) * window, tz=datetime.timezone.utc)
    return bucket, expires


def hit(scope: str, ident, *, limit: int, window: int) -> bool:
    """Count one attempt; True when this attempt is over ``limit`` in the current window."""
    if ident in (None, ""):
        return False
    bucket, expires = _bucket(window)
    key = _key(scope, ident, bucket)
    with transaction.atomic():
        if not RateCounter.objects.filter(key=key).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, count=1, expires_at=expires)
            except IntegrityError:  # created by a parallel request in between
                RateCounter.objects.filter(key=key).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=key).values_list("count", flat=True).get()
    return count > limit


def peek(scope: str, ident, *, limit: int, window: int) -> bool:
    """True when ``limit`` attempts were already counted in the current window (no counting)."""
    if ident in (None, ""):
        return False
    bucket, _ = _bucket(window)
    count = RateCounter.objects.filter(key=_key(scope, ident, bucket)).values_list("count", flat=True).first()
    return (count or 0) >= limit


def purge_expired() -> int:
    return RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()[0]

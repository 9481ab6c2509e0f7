"""Idempotent form posts: a replay or a double tap of one form creates one row and shows the
same result.

Every form rendered with ``{% csrf_token %}`` carries a fresh one-time token in ``_once`` (see
:mod:`congress.templatetags.once`). :class:`IdempotentPostMiddleware` records the token
(``IdempotencyKey``, unique; bound to the path and the browser's CSRF cookie, so a token copied
from a cached page cannot fetch someone else's result) *before* the view runs:

- the first POST runs the view; its result (a redirect's location, or a page up to 512 KB) is
  stored;
- a replay with the same token gets the stored result without running the view; one arriving
  while the first still runs waits for it (up to ``IDEMPOTENCY_WAIT_SECONDS``), then gets a
  Chinese "正在处理" page (409);
- when the first run fails (exception, 5xx, 403, 429) the token is released so the user may
  try again.

Posts without a token (API clients, tests) pass through unchanged. Stored results are pruned
after a day by the beat task ``congress.prune_idempotency_keys``.
"""

import hashlib
import re
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone

FIELD = "_once"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
MAX_STORED_BYTES = 512 * 1024


def _key(request, token: str) -> str:
    scope = f"{request.path}|{request.META.get('CSRF_COOKIE', '')}"
    return f"{token}:{hashlib.sha256(scope.encode()).hexdigest()[:31]}"


def _stored_response(row) -> HttpResponse:
    if row.location:
        response = HttpResponseRedirect(row.location)
        response.status_code = row.status_code or 302
        return response
    return HttpResponse(bytes(row.content or b""), status=row.status_code or 200,
                        content_type=row.content_type or "text/html; charset=utf-8")


def _busy() -> HttpResponse:
    return HttpResponse(
        "<p>您的提交正在处理中,请勿重复提交。请稍后刷新页面查看结果。</p>",
        status=409, content_type="text/html; charset=utf-8",
    )


class IdempotentPostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not TOKEN.match(token):
            return self.get_response(request)
        from .models import IdempotencyKey

        key = _key(request, token)
        try:
            with transaction.atomic():  # committed before the view runs (no ATOMIC_REQUESTS)
                IdempotencyKey.objects.create(key=key, path=request.path[:300])
        except IntegrityError:
            return self._replay(key)
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyKey.objects.filter(key=key).delete()
            raise
        self._store(key, response)
        return response

    def _store(self, key, response) -> None:
        from .models import IdempotencyKey

        status = response.status_code
        if status >= 500 or status in (403, 429) or response.streaming:
            IdempotencyKey.objects.filter(key=key).delete()
            return
        fields = {"done": True, "status_code": status}
        if 300 <= status < 400:
            fields["location"] = response.get("Location", "")[:500]
        elif len(response.content) <= MAX_STORED_BYTES:
            fields["content"] = response.content
            fields["content_type"] = response.get("Content-Type", "")[:100]
        else:
            IdempotencyKey.objects.filter(key=key).delete()
            return
        IdempotencyKey.objects.filter(key=key).update(**fields)

    def _replay(self, key) -> HttpResponse:
        from .models import IdempotencyKey

        deadline = time.monotonic() + getattr(settings, "IDEMPOTENCY_WAIT_SECONDS", 10)
        while True:
            row = IdempotencyKey.objects.filter(key=key).first()
            if row is None or row.done:
                # Released (the first run failed): ask the user to submit again.
                return _stored_response(row) if row else _busy()
            if time.monotonic() > deadline:
                return _busy()
            time.sleep(0.1)


def idempotency_prune(*, older_than: timedelta = timedelta(days=1)) -> int:
    from .models import IdempotencyKey

    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted

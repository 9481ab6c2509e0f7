"""``/healthz``: what an operator needs to know at a glance, as JSON with Chinese reasons.

- ``/healthz`` (full check): database, broker, worker and beat heartbeats, outbox backlog and
  the age of the oldest undelivered notice. **Any** problem answers 503 (``status: error``):
  a dead worker or beat means notices and reminders stop, which monitoring must see even though
  pages still load.
- ``/healthz?live=1`` (liveness of the web process): only the database; 503 when it is down.
  Container restart probes use this one, so a dead worker does not restart the web server.
"""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from congress.celery import app as celery_app


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not reachable"
        return f"数据库不可用: {exc.__class__.__name__}: {exc}"
    return None


def _check_broker() -> str | None:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"消息队列不可用: {exc.__class__.__name__}: {exc}"
    return None


PROCESS_LABELS = {"worker": "后台任务进程(Celery worker)", "beat": "定时任务进程(Celery beat)"}


def _check_heartbeats(report: dict) -> dict:
    from congress.heartbeat import heartbeat_ages

    problems = {}
    limit = settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS
    for name, age in heartbeat_ages().items():
        report[name] = {"last_seen_seconds": None if age is None else int(age)}
        if age is None:
            problems[name] = f"{PROCESS_LABELS[name]}从未运行(没有心跳记录)"
        elif age > limit:
            problems[name] = f"{PROCESS_LABELS[name]}已 {int(age // 60)} 分钟没有心跳,可能已停止"
    return problems


def _check_outbox(report: dict) -> dict:
    from congress.outbox import outbox_backlog

    stats = outbox_backlog()
    report["outbox"] = stats
    if stats["oldest_age_seconds"] > settings.HEALTH_OUTBOX_MAX_AGE_SECONDS:
        return {"outbox": f"有 {stats['backlog']} 条消息未发出,最早一条已等待 {stats['oldest_age_seconds'] // 60} 分钟"}
    return {}


@never_cache
@require_GET
def healthz(request):
    report: dict = {}
    problems = {}
    database = _check_database()
    if database:
        problems["database"] = database
    report["database"] = "error" if database else "ok"
    if not request.GET.get("live"):
        broker = _check_broker()
        report["broker"] = "error" if broker else "ok"
        if broker:
            problems["broker"] = broker
        if not database:
            problems.update(_check_heartbeats(report))
            problems.update(_check_outbox(report))
    status = 503 if problems else 200
    body = {"status": "error" if problems else "ok", **report}
    if problems:
        body["problems"] = problems
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})

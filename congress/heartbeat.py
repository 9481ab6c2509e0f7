"""Heartbeats of the background processes. The Celery worker and beat each run a small daemon
thread that writes ``Heartbeat(name)`` every ``HEARTBEAT_SECONDS``; ``/healthz`` reports a
process whose heartbeat is older than ``HEALTH_HEARTBEAT_MAX_AGE_SECONDS`` as dead. The rows
live in the database so the check works the same on the embedded default and on Redis."""

import logging
import socket
import threading

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("congress.heartbeat")


def heartbeat_record(*, name: str, detail: str = "") -> None:
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(
        name=name, defaults={"seen_at": timezone.now(), "detail": detail[:200]}
    )


def heartbeat_ages() -> dict[str, float | None]:
    """Seconds since each known process last beat (None: never)."""
    from .models import Heartbeat

    now = timezone.now()
    seen = dict(Heartbeat.objects.values_list("name", "seen_at"))
    return {
        name: (now - seen[name]).total_seconds() if name in seen else None
        for name in ("worker", "beat")
    }


_threads: dict[str, threading.Thread] = {}


def start_heartbeat_thread(name: str) -> threading.Thread | None:
    """Beat every HEARTBEAT_SECONDS from a daemon thread of this process (one per name;
    ``HEARTBEAT_SECONDS = 0`` turns heartbeats off, as the test settings do)."""
    import django

    if not settings.HEARTBEAT_SECONDS:
        return None
    running = _threads.get(name)
    if running is not None and running.is_alive():
        return running

    stop = threading.Event()
    detail = f"{socket.gethostname()}"

    def run():
        from django.db import connection

        if not django.apps.apps.ready:
            django.setup()
        while not stop.is_set():
            try:
                heartbeat_record(name=name, detail=detail)
            except Exception as exc:  # database down: try again next time
                logger.warning("心跳写入失败(%s): %s", name, exc)
            finally:
                connection.close()
            stop.wait(settings.HEARTBEAT_SECONDS)

    thread = threading.Thread(target=run, name=f"heartbeat-{name}", daemon=True)
    thread.stop = stop
    thread.start()
    _threads[name] = thread
    return thread

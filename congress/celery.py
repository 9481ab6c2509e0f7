"""The Celery application. Tasks live in each app's ``tasks.py``; beat's schedule in settings."""

import os
from pathlib import Path

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

app = Celery("congress")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def ensure_filesystem_broker_folders(conf) -> None:
    """kombu's filesystem transport needs its folders to exist before anyone connects."""
    if not str(conf.broker_url).startswith("filesystem"):
        return
    options = conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@signals.import_modules.connect
def _prepare_broker(sender=None, **kwargs):
    ensure_filesystem_broker_folders(app.conf)


@app.on_after_configure.connect
def _prepare_broker_after_configure(sender, **kwargs):
    ensure_filesystem_broker_folders(sender.conf)


@signals.worker_ready.connect
def _worker_heartbeat(sender=None, **kwargs):
    from .heartbeat import start_heartbeat_thread

    start_heartbeat_thread("worker")


@signals.beat_init.connect
def _beat_heartbeat(sender=None, **kwargs):
    from .heartbeat import start_heartbeat_thread

    start_heartbeat_thread("beat")

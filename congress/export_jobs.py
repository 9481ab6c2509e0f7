"""Long exports (导出任务): an xlsx of more than ``EXPORT_SYNC_MAX_ROWS`` rows is built by the
worker, never in a request.

- **Kinds**: an app registers what it can export with :func:`register_export_kind` — who may ask
  (``allowed(user)``), and ``plan(parameters, townships, owner)`` returning an :class:`ExportPlan`
  (title, file name, headers, the row count and an iterator of rows, or a ``writer`` of its own
  for a sheet laid out differently) for the given township queryset only. ``congress`` imports no feature app: dashboards and deputies register theirs in
  their ``AppConfig.ready``.
- **Start** (:func:`export_job_start`): the door has applied the synchronous export's permission
  checks; the service checks the kind's ``allowed`` again and records the owner's **scope**, the
  requested townships that the owner may see (``congress.tenancy.user_townships``). The same
  owner asking for the same table while a job for it is still waiting or running gets that job
  (a double click or a reload starts nothing new). The worker is woken after commit,
  best-effort (:func:`congress.outbox.publish_task`): with the broker down the job waits in the
  database, and the beat task :func:`export_sweep` publishes it when the broker is back.
- **Run** (:func:`export_job_run`): the job is *claimed* with a conditional UPDATE (waiting, or
  running with an expired lease) before any work, so a redelivered or duplicate task does
  nothing while another run holds it and nothing after it is done. The rows are streamed into
  ``MEDIA_ROOT/exports/<token>.xlsx.part`` (openpyxl write-only, the print setup of
  :mod:`congress.printing`, every value through :func:`congress.exports.safe_cell`), progress is
  written every ``EXPORT_PROGRESS_EVERY`` rows (never backwards within a run), and the finished file is
  renamed onto its one name: a retried run overwrites it, so a job has one file at most. The
  scope is narrowed again to what the owner may see *now* (a moved or deactivated account
  exports nothing it lost).
- **Expiry**: files are kept ``EXPORT_KEEP_HOURS``; :func:`export_jobs_expire` (the sweep, and the
  ``retention`` command) deletes older files and marks the job 已过期.
"""

import hashlib
import json
import logging
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .exceptions import ApplicationError
from .models import ExportJob, Township
from .tenancy import user_townships

logger = logging.getLogger("congress.export_jobs")

EXPORT_DIR = "exports"


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def export_sync_max_rows() -> int:
    """Up to this many rows an export is built in the request, as before; above it, by a job."""
    return _setting("EXPORT_SYNC_MAX_ROWS", 2000)


# --- Kinds ---------------------------------------------------------------------------------------


@dataclass
class ExportPlan:
    title: str
    filename: str
    headers: list[str]
    total: int
    rows: Iterable = field(repr=False, default=())
    subtitle: str = ""
    # A sheet laid out otherwise than title + headers + rows: writer(target, on_row) -> rows
    # written, streaming, with the print setup of congress.printing and safe_cell on every value.
    writer: Callable | None = None


@dataclass(frozen=True)
class ExportKind:
    name: str
    label: str
    allowed: Callable  # (user) -> bool
    plan: Callable  # (parameters: dict, townships: QuerySet, owner: User) -> ExportPlan


_KINDS: dict[str, ExportKind] = {}


def register_export_kind(name: str, label: str, *, allowed, plan) -> None:
    _KINDS[name] = ExportKind(name, label, allowed, plan)


def export_kind(name: str) -> ExportKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise ApplicationError(f"没有这种导出内容:{name}。") from None


# --- Start ---------------------------------------------------------------------------------------


def _fingerprint(kind: str, parameters: dict, scope: list[int]) -> str:
    text = json.dumps([kind, parameters, scope], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def export_job_start(*, actor, kind: str, parameters: dict, township_ids: Iterable[int], title: str,
                     filename: str) -> tuple[ExportJob, bool | None]:
    """Record a job for ``actor`` and wake the worker. Returns (job, published): ``published`` is
    False when the broker was down (the job waits for the sweep), None when the caller's
    transaction has not committed yet. Raises PermissionDenied when the kind is not for this
    user or a requested township is outside what they may see."""
    spec = export_kind(kind)
    if not (actor and actor.is_authenticated and actor.is_active and spec.allowed(actor)):
        raise PermissionDenied("您没有导出该表格的权限。")
    requested = sorted({int(pk) for pk in township_ids})
    visible = set(user_townships(actor).filter(pk__in=requested).values_list("pk", flat=True))
    if not requested or set(requested) - visible:
        raise PermissionDenied("您只能导出本人可查看的乡镇的数据。")
    fingerprint = _fingerprint(kind, parameters, requested)
    now = timezone.now()
    active = ExportJob.objects.filter(owner=actor, fingerprint=fingerprint,
                                      status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])
    job = active.first()
    if job is not None:  # the same table asked again while it is being made
        return job, True
    outcome: dict = {}
    try:
        with transaction.atomic():
            job = ExportJob.objects.create(
                owner=actor, kind=kind, title=title[:200], filename=filename[:200], parameters=parameters,
                scope=requested, fingerprint=fingerprint, token=uuid.uuid4().hex, enqueued_at=now,
                expires_at=now + timedelta(hours=_setting("EXPORT_KEEP_HOURS", 72)),
            )
            transaction.on_commit(lambda: outcome.update(published=_publish(job.pk)))
    except IntegrityError:  # a parallel request (double click) created it first
        job = active.first()
        if job is None:
            raise
        return job, True
    logger.info("%s 开始导出任务 %s(%s)", actor, job.pk, kind)
    return job, outcome.get("published")


def _publish(job_id: int) -> bool:
    from .outbox import publish_task
    from .tasks import export_run_task

    return publish_task(export_run_task, [job_id], what=f"导出任务 {job_id} 将由定时任务补发")


# --- Run -----------------------------------------------------------------------------------------


def _path(job: ExportJob) -> tuple[str, str]:
    """(stored name, absolute path) of the job's one file."""
    name = f"{EXPORT_DIR}/{job.token}.xlsx"
    return name, os.path.join(settings.MEDIA_ROOT, name)


def _claimable(now) -> Q:
    return Q(status=ExportJob.Status.QUEUED) | Q(status=ExportJob.Status.RUNNING, lease_until__lt=now)


def _lease(now):
    return now + timedelta(seconds=_setting("EXPORT_LEASE_SECONDS", 300))


def _claim(job_id: int) -> bool:
    now = timezone.now()
    # A new attempt counts its rows afresh (the table may have changed since the last one).
    return bool(ExportJob.objects.filter(_claimable(now), pk=job_id).update(
        status=ExportJob.Status.RUNNING, lease_until=_lease(now), attempts=F("attempts") + 1, error="",
        progress_done=0, progress_total=0))


def export_progress(job_id: int, done: int) -> None:
    """Record ``done`` rows written (never lowering the figure) and extend the lease."""
    now = timezone.now()
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.RUNNING, progress_done__lt=done,
                             progress_total__gte=done).update(progress_done=done, lease_until=_lease(now))


def _scope(job: ExportJob):
    """The recorded scope, narrowed to what the owner may see now."""
    owner = job.owner
    if not owner.is_active:
        return Township.objects.none()
    return user_townships(owner).filter(pk__in=job.scope)


def export_job_run(*, job_id: int) -> bool:
    """Build the job's file if it is still to be built. True when this run finished it."""
    if not _claim(job_id):
        return False
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    name, path = _path(job)
    partial = f"{path}.part"
    try:
        spec = export_kind(job.kind)
        plan = spec.plan(job.parameters, _scope(job), job.owner)
        ExportJob.objects.filter(pk=job.pk).update(progress_total=plan.total)
        every = max(1, _setting("EXPORT_PROGRESS_EVERY", 500))

        def on_row(n):
            if n % every == 0 and n <= plan.total:
                export_progress(job.pk, n)

        os.makedirs(os.path.dirname(path), exist_ok=True)
        from .exports import xlsx_table

        if plan.writer:
            written = plan.writer(partial, on_row)
        else:
            written = xlsx_table(partial, title=plan.title, headers=plan.headers, rows=plan.rows,
                                 subtitle=plan.subtitle, on_row=on_row)
        os.replace(partial, path)  # one name per job: a retried run replaces, never adds, a file
        now = timezone.now()
        finished = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.DONE, file=name, finished_at=now, lease_until=None,
            progress_total=written, progress_done=written)
        return bool(finished)
    except Exception as exc:  # any failure: retried by the sweep, then shown as 失败
        if os.path.exists(partial):
            os.remove(partial)
        _failed(job, exc)
        return False


def _failed(job: ExportJob, exc: Exception) -> None:
    max_attempts = _setting("EXPORT_MAX_ATTEMPTS", 3)
    error = f"{exc.__class__.__name__}: {exc}"[:2000]
    logger.exception("导出任务 %s 失败(第 %s 次): %s", job.pk, job.attempts, error)
    if job.attempts >= max_attempts or isinstance(exc, ApplicationError):
        fields = {"status": ExportJob.Status.FAILED, "finished_at": timezone.now()}
    else:  # back in the queue: the sweep publishes it again after EXPORT_REQUEUE_SECONDS
        fields = {"status": ExportJob.Status.QUEUED}
    ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
        error=error, lease_until=None, **fields)


# --- Sweep and expiry ----------------------------------------------------------------------------


def export_sweep() -> dict:
    """Beat, every minute: publish the jobs nobody is working on — waiting since more than
    ``EXPORT_REQUEUE_SECONDS`` since their last publication (the broker was down, or a run
    failed), or running with an expired lease (the worker died) — and delete expired files."""
    now = timezone.now()
    stale = now - timedelta(seconds=_setting("EXPORT_REQUEUE_SECONDS", 60))
    due = ExportJob.objects.filter(
        Q(status=ExportJob.Status.QUEUED, enqueued_at__lt=stale)
        | Q(status=ExportJob.Status.RUNNING, lease_until__lt=now)
    ).order_by("created_at").values_list("pk", flat=True)[:100]
    published = 0
    for pk in due:
        if not _publish(pk):
            break  # the broker is down: try again at the next sweep
        ExportJob.objects.filter(pk=pk).update(enqueued_at=now)
        published += 1
    return {"published": published, "expired": export_jobs_expire(now=now)}


def export_jobs_expired(*, now=None):
    now = now or timezone.now()
    return ExportJob.objects.filter(expires_at__lt=now).exclude(status=ExportJob.Status.EXPIRED).exclude(
        status=ExportJob.Status.RUNNING)


def export_jobs_expire(*, now=None) -> int:
    """Delete the files of jobs past ``expires_at`` and mark them 已过期 (the record stays)."""
    count = 0
    for job in export_jobs_expired(now=now):
        _, path = _path(job)
        for leftover in (path, f"{path}.part"):
            if os.path.exists(leftover):
                os.remove(leftover)
        count += ExportJob.objects.filter(pk=job.pk).exclude(status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.EXPIRED, file="")
    return count


# --- Reads ---------------------------------------------------------------------------------------


def export_jobs_of(user):
    """The user's own jobs, newest first (nobody sees another person's)."""
    return ExportJob.objects.filter(owner=user).order_by("-created_at", "-id")

"""导出任务: the door that starts a long export and the page listing the user's own jobs
(progress refreshed by htmx; the file is downloaded through the permission-checked media view,
by its owner only)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from congress.export_jobs import export_job_start, export_jobs_of
from congress.heartbeat import heartbeat_ages

STARTED = "导出任务已开始,完成后可在此下载"
WAITING_FOR_WORKER = ("导出任务已保存,但后台服务暂时不可用;服务恢复后将自动开始生成,完成后可在此下载,"
                      "无需重新导出。")


def start_export(request, *, kind: str, parameters: dict, title: str, filename: str, township_ids):
    """Called by an export button's view when the table is too long for a request: record the
    job (permission and scope checked by the service) and send the user to 导出任务."""
    job, published = export_job_start(actor=request.user, kind=kind, parameters=parameters,
                                      township_ids=list(township_ids), title=title, filename=filename)
    if published is False:
        messages.warning(request, WAITING_FOR_WORKER)
    else:
        messages.success(request, STARTED)
    return redirect(f"{reverse('portal:exports')}#job-{job.pk}")


def _worker_absent() -> bool:
    age = heartbeat_ages().get("worker")
    return age is None or age > settings.HEALTH_HEARTBEAT_MAX_AGE_SECONDS


@login_required
@require_safe
def export_jobs(request):
    """The user's own jobs; while one is waiting or running the list refreshes itself."""
    jobs = list(export_jobs_of(request.user)[:50])
    active = any(job.is_active for job in jobs)
    waited = timezone.now() - timezone.timedelta(seconds=settings.EXPORT_REQUEUE_SECONDS)
    stalled = any(job.status == job.Status.QUEUED and job.created_at < waited for job in jobs)
    context = {"jobs": jobs, "active": active, "worker_absent": stalled or (active and _worker_absent()),
               "sync_max": settings.EXPORT_SYNC_MAX_ROWS, "keep_hours": settings.EXPORT_KEEP_HOURS}
    if request.headers.get("HX-Request"):
        return render(request, "portal/_export_jobs.html", context)
    return render(request, "portal/export_jobs.html", context)

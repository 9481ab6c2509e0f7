"""Long exports when the broker is down (the job is kept and built once the broker is back) and
on a real worker (the pattern of tests/congress/test_celery_worker.py)."""

import datetime
import os
import time

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from congress.export_jobs import export_job_start
from congress.models import ExportJob
from congress.views.exports import WAITING_FOR_WORKER
from deputies.models import DutyKind, DutyRecord
from tests.factories import CountyFactory, DeputyFactory, TownshipFactory, staff_of

YEAR = timezone.localdate().year


@pytest.fixture
def jia(transactional_db, settings, media_root):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    township = TownshipFactory(county=CountyFactory(), name="甲镇", slug="jia")
    deputy = DeputyFactory(township=township)
    for day in range(6):
        DutyRecord.objects.create(deputy=deputy, kind=DutyKind.INSPECTION, date=datetime.date(YEAR, 2, day + 1),
                                  content=f"第{day}次")
    return township, staff_of(township)


def test_broker_down_keeps_the_job_and_it_completes_later(client, jia, broker_down, media_root):
    township, staff = jia
    client.force_login(staff)
    url = reverse("dashboards:records", args=["duty_records"])
    started = time.monotonic()
    response = client.get(url, {"township": "jia", "year": YEAR, "export": "xlsx"})
    assert time.monotonic() - started < 3
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:exports"))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [WAITING_FOR_WORKER]
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.QUEUED
    page = client.get(reverse("portal:exports")).content.decode()
    assert job.title in page and "服务恢复后将自动开始" in page

    # The broker is back; a minute later beat's sweep publishes the waiting job (twice: harmless).
    broker_down()
    ExportJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=2))
    from congress.tasks import export_sweep_task

    assert export_sweep_task.delay().get()["published"] == 1
    ExportJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=2))
    export_sweep_task.delay()
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress_done == 6
    assert os.listdir(media_root / "exports") == [f"{job.token}.xlsx"]
    assert client.get(job.file.url).status_code == 200


def test_a_real_worker_builds_the_export(jia, real_worker, media_root):
    township, staff = jia
    job, published = export_job_start(
        actor=staff, kind="dashboard_records", title="甲镇履职记录", filename="甲镇履职记录.xlsx",
        parameters={"figure": "duty_records", "year": YEAR, "today": timezone.localdate().isoformat()},
        township_ids=[township.pk])
    assert published is True
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == ExportJob.Status.DONE:
            break
        time.sleep(0.2)
    assert job.status == ExportJob.Status.DONE and job.progress_done == job.progress_total == 6
    assert os.listdir(media_root / "exports") == [f"{job.token}.xlsx"]

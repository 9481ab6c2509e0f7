"""Long exports (导出任务): above EXPORT_SYNC_MAX_ROWS the export button starts an ExportJob that
the worker builds (here eagerly); only its owner downloads it; the task reads only the owner's
townships; a retried task leaves one file; progress never goes back; expired files go."""

import datetime
import io
import os
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from congress import export_jobs
from congress.export_jobs import export_job_run, export_job_start, export_sweep
from congress.models import ExportJob
from congress.roles import Role
from congress.views.exports import STARTED
from deputies.models import DutyKind, DutyRecord
from tests.factories import (
    CountyFactory, DeputyFactory, TownshipFactory, UserFactory, county_viewer_of, staff_of,
)

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def county(settings, media_root):
    settings.EXPORT_SYNC_MAX_ROWS = 3
    county = CountyFactory()
    a = TownshipFactory(county=county, name="甲镇", slug="jia")
    b = TownshipFactory(county=county, name="乙镇", slug="yi")
    for township, count in ((a, 5), (b, 4)):
        deputy = DeputyFactory(township=township, name=f"{township.name}代表")
        for day in range(count):
            DutyRecord.objects.create(deputy=deputy, kind=DutyKind.INSPECTION, date=datetime.date(YEAR, 1, day + 1),
                                      content="=HYPERLINK(\"http://x\")" if day == 0 else f"第{day}次")
    return {"county": county, "a": a, "b": b, "staff_a": staff_of(a), "staff_a2": staff_of(a),
            "staff_b": staff_of(b), "viewer": county_viewer_of(county)}


def _records_url(township=None, **extra):
    query = {"year": YEAR, "export": "xlsx", **extra}
    if township:
        query["township"] = township.slug
    return reverse("dashboards:records", args=["duty_records"]) + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def _start(client, user, township, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(_records_url(township))
    return response


def _rows(path):
    wb = load_workbook(path)
    return wb, [list(r) for r in wb.active.iter_rows(values_only=True)]


def test_a_long_export_becomes_a_job_the_worker_builds(client, county, django_capture_on_commit_callbacks):
    response = _start(client, county["staff_a"], county["a"], django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{reverse('portal:exports')}#job-{job.pk}"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [STARTED]
    assert STARTED == "导出任务已开始,完成后可在此下载"
    assert job.owner == county["staff_a"] and job.scope == [county["a"].pk]
    assert job.status == ExportJob.Status.DONE and job.progress_done == job.progress_total == 5

    page = client.get(reverse("portal:exports"))
    assert job.title in page.content.decode() and job.file.url in page.content.decode()
    download = client.get(job.file.url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(job.filename)}"
    assert job.filename == f"甲镇履职记录-{YEAR}年.xlsx"
    wb, rows = _rows(io.BytesIO(b"".join(download.streaming_content)))
    assert rows[0][0] == f"甲镇履职记录({YEAR}年)"
    data = rows[2:]
    assert len(data) == 5 and {r[2] for r in data} == {"甲镇"}  # township B's rows are not there
    assert "'=HYPERLINK(\"http://x\")" in [r[6] for r in data]  # safe_cell: shown, never run
    ws = wb.active
    assert int(ws.page_setup.paperSize) == 9 and ws.print_title_rows == "$1:$2"
    assert "第 &P 页" in ws.oddFooter.center.text and ws.sheet_properties.pageSetUpPr.fitToPage


def test_short_exports_stay_in_the_request(client, county, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 5
    client.force_login(county["staff_a"])
    response = client.get(_records_url(county["a"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert not ExportJob.objects.exists()


def test_only_the_owner_downloads(client, county, django_capture_on_commit_callbacks):
    _start(client, county["staff_a"], county["a"], django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    admin = UserFactory(is_superuser=True, is_staff=True, township=None, county=None, role="")
    for other in (county["staff_a2"], county["staff_b"], county["viewer"], admin):
        client.force_login(other)
        assert client.get(job.file.url).status_code == 404, other
        assert job.title not in client.get(reverse("portal:exports")).content.decode()
    client.logout()
    assert client.get(job.file.url).status_code == 404
    assert client.get(reverse("portal:exports")).status_code == 302


def test_the_county_viewer_exports_the_county_and_sees_only_own_jobs(client, county,
                                                                     django_capture_on_commit_callbacks):
    _start(client, county["staff_a"], county["a"], django_capture_on_commit_callbacks)
    response = _start(client, county["viewer"], None, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ExportJob.objects.get(owner=county["viewer"])
    assert sorted(job.scope) == sorted([county["a"].pk, county["b"].pk])
    _, rows = _rows(os.path.join(job.file.storage.location, job.file.name))
    assert len(rows) - 2 == 9 and rows[0][0] == f"全县履职记录({YEAR}年)"
    page = client.get(reverse("portal:exports")).content.decode()
    assert "全县履职记录" in page and "甲镇履职记录" not in page
    assert client.get(job.file.url).status_code == 200


def test_scope_is_checked_at_start_and_again_by_the_task(county):
    with pytest.raises(PermissionDenied):
        export_job_start(actor=county["staff_a"], kind="dashboard_records", parameters={},
                         township_ids=[county["b"].pk], title="x", filename="x.xlsx")
    with pytest.raises(PermissionDenied):  # a role without the dashboard may not ask at all
        export_job_start(actor=staff_of(county["a"], role=Role.DEPUTY), kind="dashboard_records",
                         parameters={}, township_ids=[county["a"].pk], title="x", filename="x.xlsx")
    # A job whose recorded scope was widened (or whose owner moved) still reads only what the
    # owner may see when it runs.
    job, _ = export_job_start(
        actor=county["staff_a"], kind="dashboard_records", title="全县", filename="x.xlsx",
        parameters={"figure": "duty_records", "year": YEAR, "today": timezone.localdate().isoformat()},
        township_ids=[county["a"].pk])
    ExportJob.objects.filter(pk=job.pk).update(scope=[county["a"].pk, county["b"].pk])
    assert export_job_run(job_id=job.pk)
    job.refresh_from_db()
    _, rows = _rows(os.path.join(job.file.storage.location, job.file.name))
    assert {r[2] for r in rows[2:]} == {"甲镇"} and job.progress_total == 5


def _job(county, **kwargs):
    job, _ = export_job_start(
        actor=county["staff_a"], kind="dashboard_records", title="甲镇履职记录", filename="甲镇.xlsx",
        parameters={"figure": "duty_records", "year": YEAR, "today": timezone.localdate().isoformat(), **kwargs},
        township_ids=[county["a"].pk])
    return job


def test_a_retried_task_leaves_one_file(county, media_root):
    job = _job(county)
    assert export_job_run(job_id=job.pk) is True
    assert export_job_run(job_id=job.pk) is False  # a redelivered message: nothing to do
    # A worker that died mid-run: the lease runs out and the next run rebuilds the same file.
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, lease_until=timezone.now() - datetime.timedelta(seconds=1))
    assert export_job_run(job_id=job.pk) is True
    assert os.listdir(media_root / "exports") == [f"{job.token}.xlsx"]
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.attempts == 2
    # While another run holds the lease, a duplicate does not touch the job.
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, lease_until=timezone.now() + datetime.timedelta(minutes=5))
    assert export_job_run(job_id=job.pk) is False


def test_progress_never_goes_back(county, settings, monkeypatch):
    settings.EXPORT_PROGRESS_EVERY = 1
    job = _job(county)
    seen = []
    original = export_jobs.export_progress

    def spy(job_id, done):
        original(job_id, done)
        row = ExportJob.objects.get(pk=job_id)
        seen.append((row.progress_done, row.progress_total, row.status))

    monkeypatch.setattr(export_jobs, "export_progress", spy)
    export_job_run(job_id=job.pk)
    assert [s[0] for s in seen] == [1, 2, 3, 4, 5]
    assert all(total == 5 and status == "running" for _, total, status in seen)
    original(job.pk, 2)  # a late or repeated report cannot lower the figure
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.percent) == (5, 5, 100)


def test_same_table_twice_while_waiting_is_one_job(county):
    assert _job(county).pk == _job(county).pk
    assert _job(county, population="all").pk != _job(county).pk


def test_a_failing_job_is_retried_then_shown_as_failed(county, settings, monkeypatch):
    settings.EXPORT_MAX_ATTEMPTS = 2
    job = _job(county)

    def broken(parameters, townships, owner):
        raise RuntimeError("磁盘已满")

    monkeypatch.setitem(export_jobs._KINDS, "dashboard_records",
                        export_jobs._KINDS["dashboard_records"].__class__("dashboard_records", "x",
                                                                          lambda u: True, broken))
    assert export_job_run(job_id=job.pk) is False
    job.refresh_from_db()
    assert job.status == ExportJob.Status.QUEUED and "磁盘已满" in job.error  # the sweep retries it
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not os.path.exists(
        os.path.join(settings.MEDIA_ROOT, "exports", f"{job.token}.xlsx.part"))


def test_the_page_polls_while_a_job_runs(client, county):
    job = _job(county)
    client.force_login(county["staff_a"])
    partial = client.get(reverse("portal:exports"), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in partial and "<html" not in partial and 'role="progressbar"' in partial
    assert "排队中" in partial and "后台服务暂时不可用" in partial  # no worker heartbeat in tests
    export_job_run(job_id=job.pk)
    partial = client.get(reverse("portal:exports"), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial and "下载 甲镇.xlsx" in partial


def test_expired_files_are_deleted(client, county, media_root, settings):
    job = _job(county)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    url = job.file.url
    path = media_root / job.file.name
    assert path.exists()
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert export_sweep()["expired"] == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.EXPIRED and not path.exists() and not job.file
    client.force_login(county["staff_a"])
    assert client.get(url).status_code == 404


def test_links_lead_to_the_jobs_page(client, county):
    client.force_login(county["staff_a"])
    assert reverse("portal:exports") in client.get(reverse("portal:home")).content.decode()
    records = client.get(reverse("dashboards:records", args=["duty_records"]), {"township": "jia"})
    assert reverse("portal:exports") in records.content.decode()
    client.force_login(county["staff_b"])
    assert client.get(reverse("portal:exports")).status_code == 200


def test_a_long_roster_export_from_the_admin(client, county, settings, django_capture_on_commit_callbacks):
    from deputies.models import Deputy
    from deputies.roster_excel import HEADERS

    settings.EXPORT_SYNC_MAX_ROWS = 1
    Deputy.objects.filter(township=county["a"]).update(phone="13800001111")
    DeputyFactory(township=county["a"], name="甲镇二号", phone="13800002222")
    url = reverse("admin:deputies_deputy_export")
    for user, expected_names, phone in ((county["staff_a"], {"甲镇代表", "甲镇二号"}, "13800001111"),
                                        (county["viewer"], {"甲镇代表", "甲镇二号", "乙镇代表"}, "138****1111")):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("portal:exports"))
        job = ExportJob.objects.get(owner=user)
        assert job.kind == "deputy_roster" and job.status == ExportJob.Status.DONE
        wb, rows = _rows(os.path.join(job.file.storage.location, job.file.name))
        assert rows[0] == HEADERS and {r[0] for r in rows[1:]} == expected_names
        assert next(r for r in rows if r[0] == "甲镇代表")[12] == phone
        ws = wb.active
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
        assert client.get(job.file.url)["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    client.force_login(county["staff_a"])
    assert "导出任务" in client.get(reverse("admin:index")).content.decode()

"""The county viewer exports a long record list: the button opens 导出任务, the progress
refreshes by itself (htmx, under the CSP) and the download link appears when the worker is done."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from congress import export_jobs
from congress.models import ExportJob
from deputies.models import DutyKind, DutyRecord
from tests.factories import CountyFactory, DeputyFactory, TownshipFactory, county_viewer_of
from tests.journeys.conftest import said

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_viewer_waits_for_a_long_export_and_downloads_it(journey, settings, monkeypatch, media_root):
    settings.EXPORT_SYNC_MAX_ROWS = 3
    county_obj = CountyFactory()
    township = TownshipFactory(county=county_obj, name="甲镇", slug="jia")
    deputy = DeputyFactory(township=township)
    year = timezone.localdate().year
    for day in range(8):
        DutyRecord.objects.create(deputy=deputy, kind=DutyKind.INSPECTION, date=datetime.date(year, 1, day + 1),
                                  content=f"视察第{day}次")
    viewer = county_viewer_of(county_obj)
    # The worker is elsewhere: the request only records the job (published to a broker nobody
    # reads yet); the test plays the worker below.
    monkeypatch.setattr(export_jobs, "_publish", lambda pk: True)

    county = journey.person(phone=False)
    journey.login(county, viewer.username)
    county.get_by_role("link", name="全县看板").first.click()
    county.locator("a[href*='/records/duty_records']").first.click()
    county.get_by_role("link", name="导出 Excel").click()
    said(county, "导出任务已开始,完成后可在此下载")
    expect(county.get_by_role("progressbar", name="导出进度")).to_be_visible()
    journey.shot(county, "queued")

    job = ExportJob.objects.get(owner=viewer)
    assert export_jobs.export_job_run(job_id=job.pk)
    link = county.get_by_role("link", name=f"下载 {job.filename}")
    expect(link).to_be_visible(timeout=10_000)  # the list refreshed itself
    journey.shot(county, "done")
    with county.expect_download() as download_info:
        link.click()
    # (The live test server hands /media/ files out itself, bypassing the permission-checked
    # view and its Chinese file name: tests/congress/test_export_jobs.py checks both.)
    path = download_info.value.path()
    assert open(path, "rb").read(2) == b"PK" and job.filename == f"甲镇履职记录-{year}年.xlsx"

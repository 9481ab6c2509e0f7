import datetime, time, tracemalloc, os
import pytest
from django.utils import timezone
from congress.export_jobs import export_job_start, export_job_run
from congress.models import ExportJob
from deputies.models import DutyKind, DutyRecord
from tests.factories import CountyFactory, DeputyFactory, TownshipFactory, staff_of

@pytest.mark.django_db
def test_bench(settings, media_root):
    t = TownshipFactory(county=CountyFactory())
    deps = [DeputyFactory(township=t) for _ in range(50)]
    year = timezone.localdate().year
    N = int(os.environ.get("N", "20000"))
    DutyRecord.objects.bulk_create([DutyRecord(deputy=deps[i % 50], kind=DutyKind.INSPECTION,
        date=datetime.date(year, 1 + i % 12, 1 + i % 28), place="某村", content=f"视察调研内容第{i}次,走访群众") for i in range(N)])
    staff = staff_of(t)
    job, _ = export_job_start(actor=staff, kind="dashboard_records", title="x", filename="x.xlsx",
        parameters={"figure": "duty_records", "year": year, "today": timezone.localdate().isoformat()}, township_ids=[t.pk])
    tracemalloc.start()
    started = time.perf_counter()
    export_job_run(job_id=job.pk)
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    job.refresh_from_db()
    print(f"\nBENCH rows={job.progress_done} status={job.status} seconds={took:.1f} peak_mb={peak/1e6:.1f} size_kb={os.path.getsize(media_root / job.file.name)/1e3:.0f}")

"""Benchmark: create N open suggestions and time one reminder sweep.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/reminder_sweep.py --n 100000

Run it against a throw-away database (it migrates and adds rows). About a tenth of the
suggestions are due soon, due today or overdue, the rest due later. Prints the time and the number
of queries of one sweep (which must not depend on N), and of a second sweep (nothing left to send).
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from congress.celery import app
    from congress.models import County, Department, Township, User
    from congress.roles import Role
    from suggestions.models import Reminder, State, Suggestion
    from suggestions.reminders import reminder_sweep

    app.conf.task_always_eager = True  # no broker needed; delivery is per notification anyway
    call_command("migrate", verbosity=0)
    county, _ = County.objects.get_or_create(slug="bench", defaults={"name": "基准县"})
    township, _ = Township.objects.get_or_create(slug="bench", defaults={"county": county, "name": "基准镇"})
    dept, _ = Department.objects.get_or_create(township=township, name="基准办", defaults={"county": county, "kind": "town_office"})
    if not User.objects.filter(username="bench_handler").exists():
        User.objects.create(username="bench_handler", role=Role.HANDLER, county=county, township=township, department=dept)
        User.objects.create(username="bench_chair", role=Role.CHAIR, county=county, township=township)
    today = timezone.localdate()
    existing = Suggestion.objects.filter(township=township).count()
    rows = []
    for i in range(existing, args.n):
        offset = (i % 100) - 5  # 5% overdue, 1% today, ~3% within the reminder window, the rest later
        rows.append(Suggestion(
            township=township, code=f"B{i:09d}", title=f"基准事项{i}", content="-", channel="letter",
            state=State.IN_PROGRESS, lead_department=dept, deadline=today + datetime.timedelta(days=90),
            due_date=today + datetime.timedelta(days=offset), due_version=1, dispatched_at=timezone.now(),
        ))
        if len(rows) == 5000:
            Suggestion.objects.bulk_create(rows)
            rows = []
    Suggestion.objects.bulk_create(rows)
    Reminder.objects.filter(suggestion__township=township).delete()
    print(f"open suggestions: {Suggestion.objects.filter(township=township).count()}")
    for label in ("first sweep", "second sweep"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = reminder_sweep(today=today)
            elapsed = time.perf_counter() - started
        print(f"{label}: {elapsed:.2f} s, {len(queries.captured_queries)} queries, "
              f"{result['claimed']} reminders claimed, {result['notifications']} notifications")


if __name__ == "__main__":
    main()

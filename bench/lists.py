"""Benchmark: the staff lists at scale — the admin's suggestion, duty-record and reception-record
lists (superuser, county viewer, township staff; plain, filtered, searched) and the portal's work
lists — as p50 of N repeats in one process, beside an empty Django view. Builds the same county as
bench/dashboards.py (50 townships; --scale 0.1 = 100,000 suggestions, a few minutes).

    DEBUG=0 SECRET_KEY=bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/congress_bench \\
        python bench/lists.py --scale 0.1

Run it against a throw-away database (a second run reuses the rows). Prints figures; asserts
nothing. The goal (issue 14): every list <= 300 ms p50.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")


def main():
    from bench.dashboards import _pass_second_factor, arguments, build, prepare_database, timed

    args = arguments(__doc__, scale=0.1, repeat=7)
    prepare_database()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from congress.models import User
    from congress.roles import Role

    print(f"p50 of {args.repeat}")
    started = time.perf_counter()
    county = build(args.scale)
    print(f"data ready in {time.perf_counter() - started:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    admin, _ = User.objects.get_or_create(
        username="bench_admin", defaults={"is_superuser": True, "is_staff": True, "county": county})
    viewer = User.objects.get(username="bench_viewer")
    staff = User.objects.get(username="bench_staff")
    if not staff.is_staff or staff.role != Role.STAFF:
        User.objects.filter(pk=staff.pk).update(is_staff=True, role=Role.STAFF)
        staff.refresh_from_db()
    User.objects.filter(pk=viewer.pk).update(is_staff=True)
    viewer.refresh_from_db()

    pages = [
        ("empty Django view", None, "/bench-empty/"),
        ("admin suggestions", admin, "/admin/suggestions/suggestion/"),
        ("admin suggestions, search title", admin, "/admin/suggestions/suggestion/?q=事项12345"),
        ("admin suggestions, search code", admin, "/admin/suggestions/suggestion/?q=BN0000012345"),
        ("admin suggestions, state filter", admin, "/admin/suggestions/suggestion/?state__exact=in_progress"),
        ("admin suggestions, county viewer", viewer, "/admin/suggestions/suggestion/"),
        ("admin suggestions, township staff", staff, "/admin/suggestions/suggestion/"),
        ("admin duty records", admin, "/admin/deputies/dutyrecord/"),
        ("admin duty records, county viewer", viewer, "/admin/deputies/dutyrecord/"),
        ("admin duty records, township staff", staff, "/admin/deputies/dutyrecord/"),
        ("admin reception records", admin, "/admin/liaison_stations/receptionrecord/"),
        ("admin reception records, township", staff, "/admin/liaison_stations/receptionrecord/"),
        ("portal suggestions (staff)", staff, "/portal/suggestions/"),
        ("portal work queue (staff)", staff, "/portal/suggestions/queue/"),
    ]
    # As behind the TLS-terminating proxy production expects (no redirect to https).
    client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
    results = []
    storages = {**settings.STORAGES, "staticfiles": {  # no collectstatic needed: not measured here
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(ROOT_URLCONF="bench.urls_bench", ALLOWED_HOSTS=["localhost"], STORAGES=storages):
        for label, user, url in pages:
            client.logout()
            if user:  # signed in with a verified second factor, as production requires
                client.force_login(user)
                _pass_second_factor(client, user)
            seconds, queries, size = timed(client, url, args.repeat)
            results.append((label, seconds))
            print(f"{label:38} {seconds * 1000:9.1f} ms  {queries:3d} queries  {size / 1024:7.1f} KiB",
                  flush=True)
    worst = max(results[1:], key=lambda row: row[1])
    print(f"\nslowest list: {worst[0]} {worst[1] * 1000:.0f} ms "
          f"({'within' if worst[1] <= 0.3 else 'over'} the 300 ms goal)")


if __name__ == "__main__":
    main()

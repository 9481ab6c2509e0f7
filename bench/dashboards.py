"""Benchmark: a county of 50 townships with 1,000,000 suggestions and their timelines, 6,000
deputies and 300,000 duty records; times the county dashboard, a township dashboard, the county
xlsx export and an empty Django view in the same process (p50 of --repeat runs after one warm-up),
the ratios to the empty view, and a consistency check: the figure counters equal a full recount.

    DEBUG=0 SECRET_KEY=bench DATABASE_URL=postgres://postgres@127.0.0.1:5432/congress_bench \\
        python bench/dashboards.py --scale 1.0
    python bench/dashboards.py --scale 0.01          # a quick run (10,000 suggestions)

Run it against a throw-away database: it migrates and adds rows (a second run reuses them; on
PostgreSQL the suggestions are generated in SQL, 1,000,000 in minutes). Prints figures; it
asserts nothing. The goal (issue 14): county and township pages <= 10x the empty view, the
same ratios at 0.01 and 1.0.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

BATCH = 5000


def _batched_create(model, rows_iter, total, label):
    started = time.perf_counter()
    batch, done = [], 0
    for row in rows_iter:
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            done += len(batch)
            batch = []
            if done % 100_000 == 0:
                print(f"  {label}: {done:,}/{total:,} ({time.perf_counter() - started:.0f} s)", flush=True)
    if batch:
        model.objects.bulk_create(batch)
    print(f"  {label}: {total:,} in {time.perf_counter() - started:.0f} s", flush=True)


def build(scale: float, seed: int = 7):
    from django.utils import timezone

    from congress.models import County, Department, ElectoralDistrict, Term, Township, User, Village
    from congress.roles import Role
    from deputies.models import Deputy, DutyKind, DutyRecord, Gender, Level, Mandate
    from liaison_stations.models import ReceptionDay, ReceptionRecord, Station
    from suggestions.models import Rating, ReplyClass, State, Suggestion, SuggestionEvent

    rng = random.Random(seed)
    county, created = County.objects.get_or_create(slug="bench", defaults={"name": "基准县"})
    if not created and Suggestion.objects.filter(township__county=county).exists():
        print("reusing the benchmark county already in this database")
        return county
    n_townships = 50
    n_deputies = max(n_townships, int(6000 * scale))
    n_records = int(300_000 * scale)
    n_suggestions = int(1_000_000 * scale)
    print(f"building: {n_townships} townships, {n_deputies:,} deputies, {n_records:,} duty records, "
          f"{n_suggestions:,} suggestions (+2 timeline rows each)", flush=True)
    townships = Township.objects.bulk_create(
        [Township(county=county, name=f"基准{i:02d}镇", slug=f"bench{i:02d}") for i in range(n_townships)])
    villages = Village.objects.bulk_create([Village(township=t, name="一村") for t in townships])
    ElectoralDistrict.objects.bulk_create([ElectoralDistrict(township=t, number=1, name="一村") for t in townships])
    Term.objects.bulk_create([Term(township=t, number=6, start_date=datetime.date(2021, 12, 28), is_current=True)
                              for t in townships])
    departments = Department.objects.bulk_create([
        Department(county=county, township=t, name=f"办{k}", kind="town_office") for t in townships for k in range(4)])
    stations = Station.objects.bulk_create([
        Station(township=t, kind="home", name=f"代表之家{k}") for t in townships for k in range(5)])
    User.objects.create(username="bench_viewer", role=Role.COUNTY_VIEWER, county=county)
    User.objects.create(username="bench_staff", role=Role.STAFF, county=county, township=townships[0])
    deputies = Deputy.objects.bulk_create([
        Deputy(township=townships[i % n_townships], name=f"代表{i}", gender=Gender.MALE) for i in range(n_deputies)])
    Mandate.objects.bulk_create([Mandate(deputy=d, level=Level.TOWN, term_number=6) for d in deputies])
    through = Station.deputies.through
    by_township = {}
    for s in stations:
        by_township.setdefault(s.township_id, []).append(s)
    through.objects.bulk_create([
        through(station_id=rng.choice(by_township[d.township_id]).pk, deputy_id=d.pk) for d in deputies])
    today = timezone.localdate()
    year_start = datetime.date(today.year - 1, 1, 1)
    days_span = (today - year_start).days
    ReceptionDay.objects.bulk_create([
        ReceptionDay(station=s, date=datetime.date(y, m, day))
        for s in stations for y in (today.year - 1, today.year) for m in range(1, 13) for day in (15, 20)
        if datetime.date(y, m, day) <= today + datetime.timedelta(days=60)])
    ReceptionRecord.objects.bulk_create([
        ReceptionRecord(township_id=s.township_id, station=s, date=datetime.date(today.year, m, 15))
        for s in stations for m in range(1, today.month + 1)])
    kinds = list(DutyKind.values)
    _batched_create(DutyRecord, (
        DutyRecord(deputy=deputies[rng.randrange(n_deputies)], kind=rng.choice(kinds),
                   date=year_start + datetime.timedelta(days=rng.randrange(days_span)), content="履职")
        for _ in range(n_records)), n_records, "duty records")

    submitted_field = Suggestion._meta.get_field("submitted_at")
    submitted_field.auto_now_add = False
    event_created = SuggestionEvent._meta.get_field("created_at")
    event_created.auto_now_add = False
    tz = timezone.get_current_timezone()
    deputies_by_township = {}
    for d in deputies:
        deputies_by_township.setdefault(d.township_id, []).append(d)
    depts_by_township = {}
    for dep in departments:
        depts_by_township.setdefault(dep.township_id, []).append(dep)
    outcomes = ([State.CLOSED] * 60 + [State.EVALUATED] * 5 + [State.REPLIED] * 5 + [State.IN_PROGRESS] * 10
                + [State.DISPATCHED] * 5 + [State.PRESENTED] * 3 + [State.CLAIMED] * 4 + [State.SUBMITTED] * 5
                + [State.REJECTED] * 2 + [State.WITHDRAWN] * 1)
    order = [State.SUBMITTED, State.CLAIMED, State.PRESENTED, State.DISPATCHED, State.IN_PROGRESS,
             State.REPLIED, State.EVALUATED, State.CLOSED]

    def suggestions():
        for i in range(n_suggestions):
            t = townships[i % n_townships]
            state = rng.choice(outcomes)
            submitted = datetime.datetime.combine(
                year_start + datetime.timedelta(days=rng.randrange(days_span)), datetime.time(9), tz)
            s = Suggestion(township=t, code=f"BN{i:010d}", title=f"事项{i}", content="内容", channel="letter",
                           state=state, submitted_at=submitted, due_date=(submitted + datetime.timedelta(days=10)).date())
            reached = order.index(state) if state in order else 0
            moment = submitted
            stamps = ["claimed_at", "presented_at", "dispatched_at", "signed_at", "replied_at", "evaluated_at", "closed_at"]
            for step, name in enumerate(stamps, start=1):
                if reached >= step:
                    moment = moment + datetime.timedelta(days=rng.randint(1, 12))
                    setattr(s, name, moment)
            if reached >= 1:
                s.lead_deputy = rng.choice(deputies_by_township[t.pk])
            if reached >= 3:
                s.lead_department = rng.choice(depts_by_township[t.pk])
                s.deadline = (s.dispatched_at + datetime.timedelta(days=90)).date()
                s.due_date = s.deadline
            if reached >= 5:
                s.first_replied_at = s.replied_at
                s.reply_class = rng.choice([ReplyClass.A, ReplyClass.A, ReplyClass.B, ReplyClass.C])
            if reached >= 6:
                s.rating = rng.choice([Rating.SATISFIED, Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED])
            if state == State.REJECTED:
                s.rejection_reason = "属于诉讼渠道"
            if state in (State.CLOSED, State.REJECTED, State.WITHDRAWN):
                s.due_date = None
            yield s

    from django.db import connection

    if connection.vendor == "postgresql":
        _suggestions_in_sql(n_suggestions, townships, deputies, departments, year_start, days_span)
        submitted_field.auto_now_add = True
        event_created.auto_now_add = True
        _rebuild_counters()
        return county
    _batched_create(Suggestion, suggestions(), n_suggestions, "suggestions")
    print("  timelines ...", flush=True)
    ids = Suggestion.objects.filter(township__county=county).values_list("pk", "state", "submitted_at")

    def events():
        for pk, state, submitted in ids.iterator(chunk_size=20_000):
            yield SuggestionEvent(suggestion_id=pk, action="submit", to_state=State.SUBMITTED, created_at=submitted)
            yield SuggestionEvent(suggestion_id=pk, action="move", to_state=state,
                                  created_at=submitted + datetime.timedelta(days=20))

    _batched_create(SuggestionEvent, events(), 2 * n_suggestions, "timeline rows")
    submitted_field.auto_now_add = True
    event_created.auto_now_add = True
    _rebuild_counters()
    return county


def _rebuild_counters():
    """The rows above bypass the services: the figure counters are rebuilt from them, then
    compacted as the daily beat does, and the planner's statistics refreshed (as autovacuum
    would)."""
    from django.db import connection

    from suggestions.services import figure_counters_fold, figure_counters_rebuild

    started = time.perf_counter()
    rows = figure_counters_rebuild()
    folded = figure_counters_fold()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"  figure counters: {rows:,} rows ({folded:,} folded) in {time.perf_counter() - started:.0f} s", flush=True)


# Same outcomes as the Python generator: cumulative percentages of the final states, the step a
# state has reached (claimed_at … closed_at stamped up to it).
_OUTCOMES_SQL = [(60, "closed", 7), (65, "evaluated", 6), (70, "replied", 5), (80, "in_progress", 4),
                 (85, "dispatched", 3), (88, "presented", 2), (92, "claimed", 1), (97, "submitted", 0),
                 (99, "rejected", 0), (100, "withdrawn", 0)]


def _suggestions_in_sql(n, townships, deputies, departments, year_start, days_span):
    """PostgreSQL: 1,000,000 suggestions and their two timeline rows in a few INSERT … SELECT
    statements (minutes, where bulk_create takes an hour), the same distribution as the Python
    generator."""
    from django.db import connection
    from django.utils import timezone

    started = time.perf_counter()
    n_t = len(townships)
    state_case = "CASE " + " ".join(f"WHEN r < {p} THEN '{st}'" for p, st, _ in _OUTCOMES_SQL) + " END"
    reached_case = "CASE " + " ".join(f"WHEN r < {p} THEN {k}" for p, _, k in _OUTCOMES_SQL) + " END"
    stamps = ["claimed_at", "presented_at", "dispatched_at", "signed_at", "replied_at", "evaluated_at", "closed_at"]
    stamp_sql = ", ".join(
        f"CASE WHEN reached >= {k} THEN sub + ({' + '.join(f'g{j}' for j in range(1, k + 1))}) * interval '1 day' END"
        f" AS c{k}" for k in range(1, 8))
    tz = timezone.get_current_timezone_name()
    sql = f"""
    INSERT INTO suggestions_suggestion (code, state, channel, kind, title, content, submitter_name, submitter_phone,
        is_anonymous, direct_answer, is_complex, is_key, rejection_reason, deadline, due_date, due_version,
        rehandle_count, reply_class, rating, rating_comment, citizen_rating, citizen_comment, is_public,
        submitted_at, {", ".join(stamps)}, first_replied_at, lead_department_id, lead_deputy_id, township_id,
        original_content, original_title, rating_late, rating_late_reason)
    SELECT code, state, 'letter', 'suggestion', title, '内容', '', '', false, '', false, false,
        CASE WHEN state = 'rejected' THEN '属于诉讼渠道' ELSE '' END,
        deadline,
        CASE WHEN state IN ('closed', 'rejected', 'withdrawn') THEN NULL
             WHEN reached >= 3 THEN deadline ELSE (sub + interval '10 days')::date END,
        0, 0, CASE WHEN reached >= 5 THEN (ARRAY['A', 'A', 'B', 'C'])[1 + floor(random() * 4)::int] ELSE '' END,
        CASE WHEN reached >= 6 THEN (ARRAY['satisfied', 'satisfied', 'basic', 'unsatisfied'])[1 + floor(random() * 4)::int]
             ELSE '' END,
        '', '', '', false, sub, c1, c2, c3, c4, c5, c6, c7, c5,
        CASE WHEN reached >= 3 THEN (%(departments)s::bigint[])[ti * 4 + 1 + floor(random() * 4)::int] END,
        CASE WHEN reached >= 1 THEN (%(deputies)s::bigint[])[ti + 1 + {n_t} * floor(random() * %(per)s)::int] END,
        (%(townships)s::bigint[])[ti + 1], '内容', title, false, ''
    FROM (
        SELECT *, CASE WHEN reached >= 3 THEN (c3 + interval '90 days')::date END AS deadline
        FROM (
            SELECT code, title, ti, state, reached, sub, {stamp_sql}
            FROM (
                SELECT *, {state_case} AS state, {reached_case} AS reached,
                    ((%(start)s::date + dd) + time '09:00') AT TIME ZONE '{tz}' AS sub
                FROM (
                    SELECT 'BN' || lpad(i::text, 10, '0') AS code, '事项' || i AS title, i %% {n_t} AS ti,
                        floor(random() * 100)::int AS r, floor(random() * %(span)s)::int AS dd,
                        1 + floor(random() * 12)::int AS g1, 1 + floor(random() * 12)::int AS g2,
                        1 + floor(random() * 12)::int AS g3, 1 + floor(random() * 12)::int AS g4,
                        1 + floor(random() * 12)::int AS g5, 1 + floor(random() * 12)::int AS g6,
                        1 + floor(random() * 12)::int AS g7
                    FROM generate_series(%(lo)s, %(hi)s) AS i
                ) g
            ) s
        ) t
    ) u
    """
    params = {"departments": [d.pk for d in departments], "deputies": [d.pk for d in deputies],
              "per": len(deputies) // n_t, "townships": [t.pk for t in townships], "start": year_start,
              "span": days_span}
    chunk = 100_000
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.7)")
        for lo in range(0, n, chunk):
            cursor.execute(sql, {**params, "lo": lo, "hi": min(n, lo + chunk) - 1})
            print(f"  suggestions: {min(n, lo + chunk):,}/{n:,} ({time.perf_counter() - started:.0f} s)", flush=True)
        cursor.execute("""
            INSERT INTO suggestions_suggestionevent (action, actor_label, from_state, to_state, note, is_public,
                created_at, suggestion_id, internal_note)
            SELECT 'submit', '', '', 'submitted', '', true, submitted_at, id, '' FROM suggestions_suggestion
            WHERE code LIKE 'BN%%'
            UNION ALL
            SELECT 'move', '', '', state, '', true, submitted_at + interval '20 days', id, ''
            FROM suggestions_suggestion WHERE code LIKE 'BN%%'""")
        cursor.execute("ANALYZE")
    print(f"  suggestions and timelines: {n:,} in {time.perf_counter() - started:.0f} s", flush=True)


def timed(client, url, repeat=3, before=None):
    """p50 seconds, queries and bytes of ``repeat`` loads of ``url`` (``before()`` is called,
    untimed, before each load)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    size = 0
    for _ in range(repeat):
        if before:
            before()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(ctx.captured_queries)
        size = len(body)
        reset_queries()
    return statistics.median(times), queries, size


def _pass_second_factor(client, user) -> None:
    """As after entering a TOTP code: the county viewer must use two-factor login when
    ``DEBUG=0``; every page (the empty view included) then loads the device, as in production."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def arguments(doc: str, *, scale: float, repeat: int):
    """The benchmarks' command line (--scale, --repeat)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--scale", type=float, default=scale, help="1.0 = 1,000,000 suggestions")
    parser.add_argument("--repeat", type=int, default=repeat)
    return parser.parse_args()


def prepare_database() -> None:
    """Set Django up as a test run would, migrate, and say which database this is."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {settings.DATABASES['default'].get('NAME')}, "
          f"DEBUG={settings.DEBUG}")


def main():
    args = arguments(__doc__, scale=1.0, repeat=7)
    prepare_database()
    from django.db.models import F
    from django.test import Client
    from django.test.utils import override_settings

    from congress.models import User
    from suggestions import counters

    print(f"scale {args.scale}, p50 of {args.repeat} rounds")
    started = time.perf_counter()
    county = build(args.scale)
    print(f"data ready in {time.perf_counter() - started:.0f} s")
    from suggestions.models import FigureCounter, Suggestion

    print(f"suggestions: {Suggestion.objects.count():,}; figure counter rows: {FigureCounter.objects.count():,}")
    from django.conf import settings

    # As behind the TLS-terminating proxy production expects (no redirect to https).
    client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
    viewer = User.objects.get(username="bench_viewer")
    client.force_login(viewer)
    _pass_second_factor(client, viewer)
    storages = {**settings.STORAGES, "staticfiles": {  # no collectstatic needed: not measured here
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    first = county.townships.order_by("slug").first()
    pages = [
        ("empty Django view", "/bench-empty/"),
        ("county dashboard", "/dashboard/"),
        ("township dashboard", f"/dashboard/t/{first.slug}/"),
        ("county overview xlsx", "/dashboard/?export=overview"),
        # A records list as xlsx is a background export job now (congress export jobs).
    ]
    from liaison_stations.models import Station

    def change():
        """A committed write to a table the dashboards read (the sections must be built again)."""
        Station.objects.filter(pk=Station.objects.filter(township=first).values("pk")[:1]).update(name=F("name"))

    def again(url):
        """A repeat load: the same page was just opened (untimed) and nothing changed since."""
        return lambda: client.get(url)

    pages[1] = ("county dashboard, repeat load", "/dashboard/", again("/dashboard/"))
    pages[2] = ("township dashboard, repeat", f"/dashboard/t/{first.slug}/", again(f"/dashboard/t/{first.slug}/"))
    pages.insert(3, ("county, after a change", "/dashboard/", change))
    pages.insert(4, ("township, after a change", f"/dashboard/t/{first.slug}/", change))
    # Rounds: each round loads every page once, so a change of the machine's load during the run
    # touches every page alike (the ratios are what is compared); p50 over the rounds.
    samples = {label: [] for label, *_ in pages}
    with override_settings(ROOT_URLCONF="bench.urls_bench", ALLOWED_HOSTS=["localhost"], STORAGES=storages):
        for label, url, *before in pages:
            timed(client, url, 1, before[0] if before else None)  # warm-up, not counted
        for _ in range(args.repeat):
            for label, url, *before in pages:
                samples[label].append(timed(client, url, 1, before[0] if before else None))
    results = []
    for label, *_ in pages:
        seconds = statistics.median(t for t, _, _ in samples[label])
        _, queries, size = samples[label][-1]
        results.append((label, seconds, queries, size))
        print(f"{label:30} {seconds * 1000:10.1f} ms  {queries:4d} queries  {size / 1024:8.1f} KiB", flush=True)
    floor = results[0][1]
    print("\nratio to the empty view (goal: county and township <= 10x; a repeat load reuses the rendered "
          "sections while nothing changed, the load after a change builds them again):")
    for label, seconds, _, _ in results[1:]:
        print(f"  {label:30} {seconds / floor:10.1f}x")
    from django.db import connection

    from deputies import duty_counters

    started = time.perf_counter()
    diffs = counters.differences(limit=10)
    print(f"\nconsistency check (figure counters = full recount by the registry): "
          f"{'OK' if not diffs else 'DIFFERENT'} in {time.perf_counter() - started:.0f} s")
    for cell, have, want in diffs:
        print(f"  {cell}: counter {have}, recount {want}")
    started = time.perf_counter()
    duty_diffs = duty_counters.differences(connection)
    print(f"consistency check (duty-record counters = recount of the records): "
          f"{'OK' if not duty_diffs else 'DIFFERENT'} in {time.perf_counter() - started:.0f} s")
    for diff in duty_diffs[:10]:
        print(f"  {diff}")


if __name__ == "__main__":
    main()

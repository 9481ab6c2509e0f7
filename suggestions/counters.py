"""Figure counters: the dashboards' suggestion figures kept up to date in the same transaction as
every change of a suggestion, so a page reads a few hundred counter rows whatever the number of
suggestions, and is never stale.

The registry :mod:`suggestions.figures` stays the one definition. A counter row
(:class:`suggestions.models.FigureCounter`) is keyed by township, lead department (0: the
township's total), a key and the month of the figure's period field (``bucket``). The keys are

* every count figure of the registry (``COUNTS``), its condition evaluated by the database on
  the suggestion row — the very ``Q`` the recount and the drill-down lists use;
* ``state:<state>``: suggestions by current state, bucketed by the month of submission (the
  population of 收到, for the states chart);
* ``stage_n:<stage>`` and ``stage_days:<stage>``: how many dispatched suggestions have both
  timestamps of a stage, and the sum of their working days (各环节平均用时 = days ÷ n).

A figure whose condition reads ``today`` (超期未办, 逾期未评价) must be monotone in it: a row
counted on some day is counted on every later day, and its condition reads today only through
``due_date < today``. Evaluated at ``today`` = 0001-01-01 it gives the rows counted whatever the
day (``due`` = 0001-01-01), at 9999-12-31 also those counted once ``due_date`` has passed: these
are kept under ``due`` = their due date and a page sums the rows with ``due < today`` — bounded
by the number of distinct due dates, not of suggestions, and right on any day without a sweep.
A daily compaction (:func:`fold`) adds the rows already due into the every-day rows, so a page
reads only the due dates since the last compaction; it changes no number.

How a change moves the counters: the service reads the row's :func:`memberships` (one query)
before the change and after it, and :func:`apply` adds the difference with one upsert. Every write path of a
suggestion goes through ``suggestions.services`` (``_transition``, ``_start`` and the few
non-moving saves), which call it. Bulk writes that bypass the services (the demo loader's
backdating, the benchmark's generator, a data migration, a calendar change for the stage
times) call :func:`rebuild` afterwards. ``manage.py figures_recount [--check]`` rebuilds or
compares the counters with a full recount.
"""

import datetime
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils import timezone

from congress.workdays import WorkCalendar

from . import figures
from .models import FigureCounter, State, Suggestion

NEVER, FOREVER, TOTAL = figures.NEVER, figures.FOREVER, figures.TOTAL

DATETIME_FIELDS = {"submitted_at", "dispatched_at"} | {f for stage in figures.STAGES for f in stage[:2]}


def _dynamic(c) -> bool:
    return callable(c.condition)


def _month(day: datetime.date | None) -> datetime.date | None:
    return day.replace(day=1) if day else None


def _date(field: str):
    return TruncDate(field) if field in DATETIME_FIELDS else F(field)


def _flag(q):
    return Case(When(q, then=Value(1)), default=Value(0), output_field=IntegerField())


def _signed_workdays(cal: WorkCalendar, start: datetime.date, end: datetime.date) -> int:
    return cal.workdays_between(start, end) if end >= start else -cal.workdays_between(end, start)


# --- one suggestion --------------------------------------------------------------------------


def _membership_query():
    annotations = {}
    for c in figures.COUNTS.values():
        annotations[f"lo_{c.key}"] = _flag(c.q(NEVER))
        if _dynamic(c):
            annotations[f"hi_{c.key}"] = _flag(c.q(FOREVER))
    dates = {f for f in (c.period_field for c in figures.COUNTS.values()) if f} | {"submitted_at", "dispatched_at"}
    dates |= {f for stage in figures.STAGES for f in stage[:2]}
    for f in dates:
        annotations[f"d_{f}"] = _date(f)
    return annotations


def memberships(suggestion_id: int) -> dict:
    """{(township, department, key, bucket, due): 1 or n} of one suggestion (empty when gone)."""
    row = (Suggestion.objects.filter(pk=suggestion_id)
           .values("township_id", "lead_department_id", "state", "due_date")
           .annotate(**_membership_query()).first())
    return _cells(row) if row else {}


def _cells(row: dict) -> dict:
    cells: dict = defaultdict(int)
    departments = [TOTAL] + ([row["lead_department_id"]] if row["lead_department_id"] else [])

    def add(key, bucket, due=NEVER, n=1):
        for d in departments if key in figures.COUNTS else [TOTAL]:
            cells[(row["township_id"], d, key, bucket, due)] += n

    for c in figures.COUNTS.values():
        bucket = _month(row[f"d_{c.period_field}"]) if c.period_field else NEVER
        if c.period_field and bucket is None:
            continue
        if row[f"lo_{c.key}"]:
            add(c.key, bucket)
        elif _dynamic(c) and row[f"hi_{c.key}"]:
            add(c.key, bucket, row["due_date"] or FOREVER)
    add(f"state:{row['state']}", _month(row["d_submitted_at"]))
    dispatched = row["d_dispatched_at"]
    if dispatched:
        cal = None
        for start, end, label in figures.STAGES:
            a, b = row[f"d_{start}"], row[f"d_{end}"]
            if a and b:
                cal = cal or WorkCalendar({a.year, b.year})
                add(f"stage_n:{label}", _month(dispatched))
                add(f"stage_days:{label}", _month(dispatched), n=_signed_workdays(cal, a, b))
    return cells


def _quarter(month_start: datetime.date) -> datetime.date:
    return month_start.replace(month=(month_start.month - 1) // 3 * 3 + 1)


def _spans(cells: dict) -> dict:
    """Cells as stored: a cell with a period is kept for its month, its quarter and its year
    (``span`` m, q, y; bucket = the first day of each), so a page of a year or a quarter reads one
    row per township and key; a cell with no period once (span "-")."""
    out: dict = defaultdict(int)
    for (t, d, key, b, due), v in cells.items():
        if b == NEVER:
            out[(t, d, key, "-", b, due)] += v
        else:
            out[(t, d, key, "m", b, due)] += v
            out[(t, d, key, "q", _quarter(b), due)] += v
            out[(t, d, key, "y", b.replace(month=1), due)] += v
    return out


COLUMNS = ("township_id", "department_id", "key", "span", "bucket", "due")


def _upsert(deltas: dict) -> None:
    rows = sorted((k, v) for k, v in _spans(deltas).items() if v)
    if not rows:
        return
    table = connection.ops.quote_name(FigureCounter._meta.db_table)
    q = connection.ops.quote_name
    columns = ", ".join(q(c) for c in (*COLUMNS, "value"))
    conflict = ", ".join(q(c) for c in COLUMNS)
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params = [p for cell, v in rows for p in (*cell, v)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {placeholders} ON CONFLICT ({conflict}) "
            f"DO UPDATE SET {q('value')} = {table}.{q('value')} + excluded.{q('value')}", params)


def apply(before: dict, after: dict) -> None:
    """Add ``after - before`` to the counters (inside the caller's transaction)."""
    deltas = defaultdict(int)
    for k, v in after.items():
        deltas[k] += v
    for k, v in before.items():
        deltas[k] -= v
    _upsert(deltas)


# --- every suggestion: the recount -------------------------------------------------------------


def _as_of(cells: dict, today: datetime.date) -> dict:
    """The cells as a page of ``today`` (or later) sums them: rows already due folded into the
    rows counted every day (see :func:`fold`)."""
    folded: dict = defaultdict(int)
    for (*head, due), v in cells.items():
        folded[(*head, NEVER if NEVER < due < today else due)] += v
    return {k: v for k, v in folded.items() if v}


def stored() -> dict:
    return {tuple(row[:-1]): row[-1] for row in FigureCounter.objects.exclude(value=0).values_list(
        *COLUMNS, "value").iterator(chunk_size=20_000)}


def differences(limit: int | None = None, today=None) -> list[tuple]:
    """[(cell, stored, recounted)] where the counters differ from a full recount ([] when equal),
    both as a page of ``today`` reads them (rows already due may have been folded)."""
    today = today or timezone.localdate()
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":  # one snapshot for both reads
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        have, want = _as_of(stored(), today), _as_of(_spans(figures.counter_cells()), today)
    diffs = [(k, have.get(k, 0), want.get(k, 0)) for k in sorted(set(have) | set(want), key=str)
             if have.get(k, 0) != want.get(k, 0)]
    return diffs[:limit] if limit else diffs


@transaction.atomic
def fold(today=None) -> int:
    """Compaction, not a sweep: rows of the date-dependent figures that are already due (``due <
    today``) are added into the rows counted every day and deleted, so a page reads few rows.
    The numbers of any page from ``today`` on are the same with or without it; a later change of
    such a suggestion subtracts from its dated row (which may go negative), and the sum stays
    right. Returns the number of rows folded."""
    today = today or timezone.localdate()
    table = connection.ops.quote_name(FigureCounter._meta.db_table)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # no change may add to a row between the two statements
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            f"INSERT INTO {table} (township_id, department_id, {q('key')}, span, bucket, due, {q('value')}) "
            f"SELECT township_id, department_id, {q('key')}, span, bucket, %s, SUM({q('value')}) FROM {table} "
            f"WHERE due > %s AND due < %s GROUP BY township_id, department_id, {q('key')}, span, bucket "
            f"ON CONFLICT (township_id, department_id, {q('key')}, span, bucket, due) "
            f"DO UPDATE SET {q('value')} = {table}.{q('value')} + excluded.{q('value')}", [NEVER, NEVER, today])
        cursor.execute(f"DELETE FROM {table} WHERE due > %s AND due < %s", [NEVER, today])
        return cursor.rowcount


@transaction.atomic
def rebuild() -> int:
    """Replace every counter by a full recount (blocks suggestion writes meanwhile on PostgreSQL).
    Returns the number of counter rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Suggestion._meta.db_table} IN SHARE MODE")
    cells = figures.counter_cells()
    FigureCounter.objects.all().delete()
    cells = _as_of(_spans(cells), timezone.localdate())
    FigureCounter.objects.bulk_create(
        [FigureCounter(**dict(zip(COLUMNS, cell)), value=v) for cell, v in cells.items()], batch_size=5000)
    return len(cells)


# --- reading -----------------------------------------------------------------------------------


def _aligned(date_from, date_to) -> bool:
    return (date_from is not None and date_to is not None and date_from.day == 1
            and (date_to + datetime.timedelta(days=1)).day == 1)


def _period_q(date_from, date_to) -> Q:
    """The stored rows of a period: its year's or quarter's row, else its months'."""
    if date_from.month == 1 and date_to.month == 12 and date_from.year == date_to.year:
        return Q(span="y", bucket=date_from)
    if date_from.month % 3 == 1 and date_to.month == date_from.month + 2 and date_from.year == date_to.year:
        return Q(span="q", bucket=date_from)
    return Q(span="m", bucket__range=(date_from, date_to))


def _rows(*, townships=None, department=None, by_department=False, date_from=None, date_to=None, today=None,
          keys=None, departments=None):
    if not _aligned(date_from, date_to):
        raise ValueError("counters are kept by month: a period must be whole months")
    today = today or timezone.localdate()
    qs = FigureCounter.objects.filter(due__lt=today)
    if townships is not None:
        qs = qs.filter(township_id__in=list(townships))
    if department is not None:
        qs = qs.filter(department_id=getattr(department, "pk", department))
    elif departments is not None:
        qs = qs.filter(department_id__in=list(departments))
    elif by_department:
        qs = qs.exclude(department_id=TOTAL)
    else:
        qs = qs.filter(department_id=TOTAL)

    qs = qs.filter(_period_q(date_from, date_to) | Q(span="-"))
    if keys is not None:
        qs = qs.filter(key__in=list(keys))
    return qs.order_by()


def _figures(sums: dict) -> figures.Figures:
    f = figures.Figures({k: v for k, v in sums.items() if k in figures.COUNTS})
    averages = {}
    for _, _, label in figures.STAGES:
        n = sums.get(f"stage_n:{label}", 0)
        if n:
            averages[label] = round(sums.get(f"stage_days:{label}", 0) / n, 1)
    f.avg_workdays = averages
    return f


def top_departments(*, townships=None, date_from=None, date_to=None, today=None, key: str = "dispatched",
                    limit: int = 15) -> list[int]:
    """The ``limit`` lead departments with the largest count figure ``key`` in the period (ties by
    id), largest first: one query over the departments' rows of that one key."""
    qs = _rows(townships=townships, by_department=True, date_from=date_from, date_to=date_to, today=today,
               keys=[key])
    rows = qs.values("department_id").annotate(n=Sum("value")).filter(n__gt=0).order_by("-n", "department_id")
    return [row["department_id"] for row in rows[:limit]]


def compute(group: str | None = None, *, townships=None, department=None, date_from=None, date_to=None,
            today=None, stage_days: bool = True, departments=None) -> dict:
    """Like :func:`suggestions.figures.compute` (population "all", whole months) from the
    counters: one query over at most townships × departments × months × keys rows
    (``departments``: only these lead departments, grouped by department)."""
    by_department = group == "lead_department_id"
    column = {"township_id": "township_id", "lead_department_id": "department_id", None: None}[group]
    qs = _rows(townships=townships, department=department, by_department=by_department, date_from=date_from,
               date_to=date_to, today=today, departments=departments if by_department else None)
    if not stage_days:
        qs = qs.exclude(key__startswith="stage_")
    fields = [column, "key"] if column else ["key"]
    sums: dict = defaultdict(dict)
    if column is None:
        sums[None] = {}
    for row in qs.values(*fields).annotate(n=Sum("value")):
        sums[row[column] if column else None][row["key"]] = row["n"]
    return {k: _figures(v) for k, v in sums.items()}


def state_counts(*, townships=None, date_from=None, date_to=None) -> dict[str, int]:
    qs = _rows(townships=townships, date_from=date_from, date_to=date_to, keys=[f"state:{s}" for s in State.values])
    return {row["key"].removeprefix("state:"): row["n"] for row in qs.values("key").annotate(n=Sum("value")) if row["n"]}


def by_month(keys, *, townships=None, year: int, today=None) -> dict[str, list[int]]:
    for key in keys:
        if figures.COUNTS[key].period_field is None:
            raise ValueError("a current figure has no month")
    qs = FigureCounter.objects.filter(department_id=TOTAL, span="m", key__in=list(keys),
                                      due__lt=today or timezone.localdate(),
                                      bucket__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    if townships is not None:
        qs = qs.filter(township_id__in=[getattr(t, "pk", t) for t in townships])
    result = {key: [0] * 12 for key in keys}
    for row in qs.values("key", "bucket").annotate(n=Sum("value")).order_by():
        result[row["key"]][row["bucket"].month - 1] = row["n"]
    return result


class Year:
    """The township-total counters of some townships for one dashboard period (a year or a
    quarter), read in two queries: one row per township and key for the period, and the months
    of the year for the few ``monthly`` keys of the monthly chart (summed over the townships) —
    whatever the number of suggestions. Every suggestion number of a
    dashboard page is summed from it in memory."""

    def __init__(self, townships, date_from, date_to, today=None, monthly=()):
        today = today or timezone.localdate()
        townships = [getattr(t, "pk", t) for t in townships]
        if _period_q(date_from, date_to) == Q(span="m", bucket__range=(date_from, date_to)):
            raise ValueError("a dashboard period is a year or a quarter")
        year = (datetime.date(date_from.year, 1, 1), datetime.date(date_from.year, 12, 31))
        base = FigureCounter.objects.filter(township_id__in=townships, department_id=TOTAL, due__lt=today).order_by()
        self.cells: dict = {t: defaultdict(int) for t in townships}  # {township: {key: n}}
        for t, key, n in base.filter(_period_q(date_from, date_to) | Q(span="-")).values_list(
                "township_id", "key").annotate(n=Sum("value")):
            self.cells[t][key] += n
        self.months: dict = {key: [0] * 12 for key in monthly}
        if monthly:
            for key, month, n in base.filter(span="m", key__in=list(monthly), bucket__range=year).values_list(
                    "key", ExtractMonth("bucket")).annotate(n=Sum("value")):
                self.months[key][month - 1] += n

    def by_township(self) -> dict:
        return {t: _figures(sums) for t, sums in self.cells.items()}

    def _all(self) -> dict:
        sums: dict = defaultdict(int)
        for cells in self.cells.values():
            for key, n in cells.items():
                sums[key] += n
        return sums

    def total(self) -> figures.Figures:
        return _figures(self._all())

    def state_counts(self) -> dict[str, int]:
        return {k.removeprefix("state:"): n for k, n in self._all().items() if k.startswith("state:") and n}

    def by_month(self, keys) -> dict[str, list[int]]:
        return {key: list(self.months[key]) for key in keys}

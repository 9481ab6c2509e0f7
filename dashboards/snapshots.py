"""Pre-computed dashboards.

The county page (and a township's page) reads the snapshot of its (county or township, period)
when it is younger than
``DASHBOARD_SNAPSHOT_MAX_AGE`` seconds; otherwise it computes the figures, stores them and
shows them. The beat task :func:`dashboards.tasks.refresh_county_snapshots` keeps the current
year and quarter fresh, so users rarely wait. Figures are the same either way: a snapshot is the
stored output of :func:`dashboards.selectors.township_overview` and :func:`charts`.
"""

import json
import time
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from congress.models import County, Township

from . import charts, selectors
from .models import Snapshot
from .periods import Period

PCT_KEYS = [c.key for c in selectors.COLUMNS if c.fmt == "pct"]


def _max_age(subject) -> int:
    if isinstance(subject, County):
        return getattr(settings, "DASHBOARD_SNAPSHOT_MAX_AGE", 30 * 60)
    # A township's own office acts on what it sees: keep its figures fresher.
    return getattr(settings, "DASHBOARD_TOWNSHIP_SNAPSHOT_MAX_AGE", 5 * 60)


def _scope(subject) -> str:
    return f"{'county' if isinstance(subject, County) else 'township'}:{subject.pk}"


def _townships(subject):
    if isinstance(subject, County):
        return Township.objects.filter(county=subject)
    return Township.objects.filter(pk=subject.pk)


def compute(subject, period: Period, today) -> dict:
    """The figures of a county page (or of one township's page) as JSON-ready data."""
    from suggestions.figures import STAGES

    townships = _townships(subject)
    overview = selectors.township_overview(townships=townships, period=period, today=today)
    chart_list = charts.charts(townships=townships, period=period, today=today, overview=overview)
    figures = overview.totals.get("_figures")
    averages = figures.avg_workdays if figures else {}
    rows = []
    for row in overview.rows:
        t = row["township"]
        values = {k: v for k, v in row.items() if not k.startswith("_") and k != "township"}
        rows.append({"township": {"pk": t.pk, "name": t.name, "slug": t.slug}, **values})
    data = {
        "rows": rows,
        "totals": {k: v for k, v in overview.totals.items() if not k.startswith("_")},
        "quarters": {str(k): v for k, v in overview.quarters.items()},
        "charts": chart_list,
        "stages": [(label, averages.get(label)) for _, _, label in STAGES],
    }
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _revive(data: dict, period: Period, computed_at) -> SimpleNamespace:
    def decimals(values: dict) -> dict:
        for key in PCT_KEYS:
            if values.get(key) is not None:
                values[key] = Decimal(str(values[key]))
        return values

    rows = []
    for row in data["rows"]:
        row = decimals(dict(row))
        row["township"] = SimpleNamespace(**row["township"])
        rows.append(row)
    overview = selectors.Overview(
        period=period, rows=rows, totals=decimals(dict(data["totals"])),
        quarters={int(k): v for k, v in data["quarters"].items()},
    )
    return SimpleNamespace(overview=overview, charts=data["charts"],
                           stages=[tuple(s) for s in data["stages"]], computed_at=computed_at)


def snapshot_for(subject, period: Period, *, today=None, force: bool = False) -> SimpleNamespace:
    """The figures of a county (or township) for ``period``: stored ones when fresh, else
    computed now and stored."""
    today = today or timezone.localdate()
    quarter = period.quarter or 0
    if not force:
        snapshot = Snapshot.objects.filter(scope=_scope(subject), year=period.year, quarter=quarter).first()
        if snapshot and (timezone.now() - snapshot.computed_at).total_seconds() < _max_age(subject):
            return _revive(snapshot.data, period, snapshot.computed_at)
    data, computed_at = snapshot_refresh(subject=subject, period=period, today=today)
    return _revive(data, period, computed_at)


def snapshot_refresh(*, subject, period: Period, today=None):
    """Compute and store one snapshot; returns (data, computed_at)."""
    today = today or timezone.localdate()
    started = time.perf_counter()
    computed_at = timezone.now()
    data = compute(subject, period, today)
    seconds = time.perf_counter() - started
    key = {"scope": _scope(subject), "year": period.year, "quarter": period.quarter or 0}
    try:
        with transaction.atomic():
            Snapshot.objects.update_or_create(
                **key, defaults={"computed_at": computed_at, "data": data, "seconds": seconds})
    except IntegrityError:
        # Two computations raced; the other one's row is as good as ours.
        pass
    return data, computed_at


def refresh_current(today=None) -> int:
    """Refresh the current year and quarter of every county (the beat task calls this)."""
    today = today or timezone.localdate()
    periods = [Period(today.year), Period(today.year, (today.month - 1) // 3 + 1)]
    count = 0
    for county in County.objects.all():
        for period in periods:
            snapshot_refresh(subject=county, period=period, today=today)
            count += 1
    return count

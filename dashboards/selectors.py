"""Reads for the county and township dashboards.

Every figure comes from the feature apps' own definitions: suggestion figures from the registry
:mod:`suggestions.figures` (办复率 and friends are defined there and only there), checklist
compliance from :mod:`liaison_stations.selectors`, the term roster and duty records from
:mod:`deputies`; every percentage from :func:`congress.figures.percent`. :data:`COLUMNS` is the
dashboards' registry: one column per figure with its definition (the 口径说明 page and
docs/dashboards.md are generated from it). This module groups the figures by township with a
fixed number of queries, whatever the number of townships or records, and says which records
stand behind each number (:func:`figure_records`). ECharts options are built in
:mod:`dashboards.charts`.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractQuarter

from congress.figures import percent, percent_text
from congress.models import Township
from deputies.models import (
    Deputy,
    DeputyGroup,
    DeputyYear,
    DutyKind,
    DutyMonth,
    DutyRecord,
    Level,
    Mandate,
    MandateStatus,
)
from liaison_stations.models import ReceptionDay, ReceptionRecord, Station
from liaison_stations.selectors import with_compliance
from sessions_app.models import CongressSession, PresidiumMeeting
from sessions_app.selectors import presidium_meetings_per_quarter_by_township
from suggestions import figures as suggestion_figures
from suggestions import selectors as suggestion_selectors

from .periods import Period

LEVELS = [(Level.TOWN, "镇级"), (Level.COUNTY, "县级"), (Level.CITY, "市级"),
          (Level.PROVINCE, "省级"), (Level.NATIONAL, "全国")]


# --- the table of figures, one row per township ----------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    fmt: str = "int"  # "int" or "pct"
    figure: str | None = None  # drill-down key; None for a figure with no record list
    group: str = ""
    definition: str = ""
    period: str = ""


def _suggestion_column(key: str, label: str | None = None) -> Column:
    """A column read from the suggestion figure registry: its name, definition and drill-down."""
    f = suggestion_figures.FIGURES[key]
    counted = suggestion_figures.COUNTS[f.numerator if f.kind == "rate" else key]
    return Column(key, label or f.name, fmt="pct" if f.kind == "rate" else "int", figure=counted.key,
                  group="建议", definition=f.definition,
                  period=suggestion_figures.PERIOD_LABELS[counted.period_field])


IN_PERIOD = "按日期在本期内"
COLUMNS = [
    Column("deputies", "代表人数", figure="deputies", group="代表", period="当前数",
           definition="至少有一个在任职务(任一层级)的代表人数,一人兼任多级只计一次。"),
    *[Column(f"level_{lv}", label, figure=f"level_{lv}", group="代表", period="当前数",
             definition=f"在任{label}人大代表职务的人数。") for lv, label in LEVELS],
    Column("groups", "代表小组", figure="groups", group="代表", period="当前数",
           definition="本届的代表小组数。"),
    Column("duty_records", "履职记录", figure="duty_records", group="履职", period=IN_PERIOD,
           definition="记录日期在本期内的代表履职记录条数。"),
    Column("no_records", "本年无履职记录代表", figure="no_records", group="履职", period="按所选年度",
           definition="在任代表中,所选年度没有任何履职记录的人数。"),
    Column("trainings", "学习培训(人次)", figure="trainings", group="履职", period=IN_PERIOD,
           definition="本期内“学习培训”类履职记录条数,每名代表每次计一人次。"),
    Column("stations", "联络站(点)", figure="stations", group="阵地", period="当前数",
           definition="在用的代表之家、联络站和联络点数。"),
    Column("compliance", "阵地达标率", fmt="pct", figure="compliance", group="阵地", period="当前数",
           definition="已核查达标的标准条目 ÷ 应达标条目,在指定了建设标准(八有、六有、九有等)的在用"
                      "站点上合计;未指定标准的站点不计。"),
    Column("reception_planned", "计划接待日", figure="reception_planned", group="阵地", period=IN_PERIOD,
           definition="本期内安排且未取消的接待选民日数。"),
    Column("reception_held", "已开展接待", figure="reception_held", group="阵地", period=IN_PERIOD,
           definition="本期内登记的接待选民记录数。"),
    _suggestion_column("received", "收到建议"),
    _suggestion_column("dispatched"),
    _suggestion_column("replied"),
    _suggestion_column("reply_rate"),
    _suggestion_column("on_time_rate"),
    _suggestion_column("closure_rate"),
    _suggestion_column("satisfaction_rate"),
    _suggestion_column("satisfied_rate"),
    _suggestion_column("unrated_late"),
    _suggestion_column("resolution_rate"),
    _suggestion_column("overdue"),
    Column("sessions", "人代会", figure="sessions", group="会议", period=IN_PERIOD,
           definition="开幕日期在本期内的人民代表大会会议次数。"),
    Column("presidium_meetings", "主席团会议", figure="presidium_meetings", group="会议", period=IN_PERIOD,
           definition="本期内召开的主席团会议次数。"),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
SUGGESTION_KEYS = [c.key for c in COLUMNS if c.key in suggestion_figures.FIGURES]
MONTHLY_KEYS = ("received", "dispatched", "closed")  # the monthly chart's series


@dataclass
class Overview:
    period: Period
    rows: list[dict]
    totals: dict
    quarters: dict = field(default_factory=dict)  # {township_id: {"meetings": [q1..q4], ...}}
    counted: object = None  # the year's suggestion counters (suggestions.counters.Year)


def _zero_row(township: Township) -> dict:
    row = {c.key: 0 for c in COLUMNS}
    for c in COLUMNS:
        if c.fmt == "pct":
            row[c.key] = None
    row.update(township=township, compliance_checked=0, compliance_total=0)
    return row


def _active_deputies(township_ids) -> QuerySet:
    """Persons on a roster: at least one mandate (any level) in force."""
    return Deputy.objects.filter(township_id__in=township_ids).on_roster()


def _add_deputies(rows, ids, period: Period) -> None:
    for township_id, buckets in duty_buckets_by_township(ids, period.year).items():
        rows[township_id]["deputies"] = sum(buckets)
        rows[township_id]["no_records"] = buckets[0]  # bucket 0: no record in the year
        rows[township_id]["_duty_buckets"] = buckets
    for r in (
        Mandate.objects.filter(status=MandateStatus.ACTIVE, deputy__township_id__in=ids)
        .values("deputy__township_id", "level").annotate(n=Count("deputy_id", distinct=True))
        .order_by()
    ):
        rows[r["deputy__township_id"]][f"level_{r['level']}"] = r["n"]
    for r in DeputyGroup.objects.filter(township_id__in=ids, term__is_current=True).values(
        "township_id"
    ).annotate(n=Count("pk")).order_by():
        rows[r["township_id"]]["groups"] = r["n"]
    # Duty records are counted by the database's triggers per township, month and kind
    # (deputies.duty_counters): a few rows per township, whatever the number of records.
    for r in DutyMonth.objects.filter(
        township_id__in=ids, year=period.year, month__range=(period.date_from.month, period.date_to.month)
    ).values("township_id").annotate(total=Sum("n"), trainings=Sum("n", filter=Q(kind=DutyKind.TRAINING))).order_by():
        if r["township_id"] in rows:
            rows[r["township_id"]]["duty_records"] = r["total"] or 0
            rows[r["township_id"]]["trainings"] = r["trainings"] or 0


def _add_stations(rows, ids, period: Period) -> None:
    stations = with_compliance(Station.objects.filter(township_id__in=ids, is_active=True))
    for township_id, total, checked, has_set in stations.values_list(
        "township_id", "item_total", "item_checked", "standard_set_id"
    ):
        row = rows[township_id]
        row["stations"] += 1
        if has_set:
            row["compliance_total"] += total
            row["compliance_checked"] += checked
    for row in rows.values():
        row["compliance"] = percent(row["compliance_checked"], row["compliance_total"])
    span = (period.date_from, period.date_to)
    for r in ReceptionDay.objects.filter(
        station__township_id__in=ids, date__range=span, is_cancelled=False
    ).values("station__township_id").annotate(n=Count("pk")).order_by():
        rows[r["station__township_id"]]["reception_planned"] = r["n"]
    for r in ReceptionRecord.objects.filter(township_id__in=ids, date__range=span).values(
        "township_id"
    ).annotate(n=Count("pk")).order_by():
        rows[r["township_id"]]["reception_held"] = r["n"]


def _add_suggestions(rows, counted, period: Period) -> None:
    figures = counted.by_township()
    for township_id, f in figures.items():
        if township_id in rows:
            rows[township_id].update({key: f.value(key) for key in SUGGESTION_KEYS})
            rows[township_id]["_figures"] = f


def _add_sessions(rows, ids, period: Period, quarters) -> None:
    for r in CongressSession.objects.filter(
        township_id__in=ids, start_date__range=(period.date_from, period.date_to)
    ).values("township_id").annotate(n=Count("pk")).order_by():
        rows[r["township_id"]]["sessions"] = r["n"]
    for r in PresidiumMeeting.objects.filter(
        township_id__in=ids, date__range=(period.date_from, period.date_to)
    ).values("township_id").annotate(n=Count("pk")).order_by():
        rows[r["township_id"]]["presidium_meetings"] = r["n"]
    # Quarterly breakdown of the whole year, for the "per quarter" table.
    for r in PresidiumMeeting.objects.filter(township_id__in=ids, date__year=period.year).annotate(
        q=ExtractQuarter("date")
    ).values("township_id", "q").annotate(n=Count("pk")).order_by():
        quarters[r["township_id"]]["meetings"][r["q"] - 1] = r["n"]
    for r in DutyMonth.objects.filter(township_id__in=ids, year=period.year, kind=DutyKind.TRAINING).values(
        "township_id", "month"
    ).annotate(total=Sum("n")).order_by():
        if r["township_id"] in quarters:
            quarters[r["township_id"]]["trainings"][(r["month"] - 1) // 3] += r["total"]
    for r in CongressSession.objects.filter(township_id__in=ids, start_date__year=period.year).values(
        "township_id"
    ).annotate(n=Count("pk")).order_by():
        quarters[r["township_id"]]["sessions_year"] = r["n"]


def township_overview(*, townships: QuerySet, period: Period, today: datetime.date) -> Overview:
    """One row of figures per township, plus county totals. A fixed number of queries."""
    township_list = list(townships.select_related("county").order_by("name"))
    ids = [t.pk for t in township_list]
    rows = {t.pk: _zero_row(t) for t in township_list}
    quarters = {
        t.pk: {"meetings": [0, 0, 0, 0], "trainings": [0, 0, 0, 0], "sessions_year": 0}
        for t in township_list
    }
    counted = suggestion_selectors.counted_year(townships=ids, date_from=period.date_from, date_to=period.date_to,
                                                today=today, monthly=MONTHLY_KEYS)
    if ids:
        _add_deputies(rows, ids, period)
        _add_stations(rows, ids, period)
        _add_suggestions(rows, counted, period)
        _add_sessions(rows, ids, period, quarters)
    # Flags use the sessions app's own definitions (finished years with fewer than two
    # sessions; finished quarters of the current term without a presidium meeting).
    flagged = presidium_meetings_per_quarter_by_township(ids, today=today) if ids else {}
    for t in township_list:
        q = quarters[t.pk]
        q["missing_meeting_quarters"] = [
            m.quarter for m in flagged.get(t.pk, []) if m.flagged and m.year == period.year
        ]
        q["too_few_sessions"] = period.year < today.year and q["sessions_year"] < 2
    totals = _totals(list(rows.values()), counted, period)
    return Overview(period=period, rows=[rows[t.pk] for t in township_list], totals=totals,
                    quarters=quarters, counted=counted)


def _totals(rows: list[dict], counted, period: Period) -> dict:
    totals = {c.key: sum(r[c.key] or 0 for r in rows) for c in COLUMNS if c.fmt == "int"}
    totals["compliance"] = percent(sum(r["compliance_checked"] for r in rows),
                                   sum(r["compliance_total"] for r in rows))
    f = counted.total()
    totals.update({key: f.value(key) for key in SUGGESTION_KEYS})
    totals["_figures"] = f
    return totals


@dataclass
class Dashboard:
    overview: Overview
    charts: list
    stages: list  # [(stage label, average working days or None)]


def county_townships(county) -> QuerySet:
    return Township.objects.filter(county=county)


def dashboard(townships: QuerySet, period: Period, *, today: datetime.date) -> Dashboard:
    """Everything a county (or township) page shows, computed now: the suggestion figures are
    read from the counters kept with every change (:mod:`suggestions.counters`), so a page is
    never stale and its cost does not grow with the number of suggestions."""
    from . import charts

    overview = township_overview(townships=townships, period=period, today=today)
    chart_list = charts.charts(townships=townships, period=period, today=today, overview=overview)
    averages = overview.totals["_figures"].avg_workdays
    return Dashboard(overview, chart_list, [(label, averages.get(label)) for _, _, label in suggestion_figures.STAGES])


# --- the records behind each figure ----------------------------------------------------------


@dataclass(frozen=True)
class RecordList:
    title: str
    queryset: QuerySet
    columns: list  # [(label, callable(obj) -> value)]
    link: object = None  # callable(obj) -> url or None


def _deputy_columns():
    return [
        ("姓名", lambda d: d.name),
        ("乡镇", lambda d: d.township.name),
        ("选区", lambda d: str(d.district) if d.district_id else ""),
        ("代表小组", lambda d: d.group.name if d.group_id else ""),
        ("层级", lambda d: "、".join(
            sorted({m.get_level_display() for m in d.mandates.all() if m.status == MandateStatus.ACTIVE})
        )),
    ]


def _suggestion_columns():
    return [
        ("查询码", lambda s: s.code),
        ("乡镇", lambda s: s.township.name),
        ("标题", lambda s: s.title),
        ("状态", lambda s: s.get_state_display()),
        ("红黄灯", lambda s: suggestion_selectors.light_label(s.light)),
        ("当前环节期限", lambda s: s.due_date or ""),
        ("主办单位", lambda s: s.lead_department.name if s.lead_department_id else ""),
        ("交办日期", lambda s: s.dispatched_at.date() if s.dispatched_at else ""),
        ("首次答复期限", lambda s: s.deadline or ""),
        ("答复类别", lambda s: s.get_reply_class_display()),
        ("评价", lambda s: s.get_rating_display() + ("(逾期补录)" if s.rating_late else "")),
    ]


def figure_records(figure: str, *, townships: QuerySet, period: Period, today: datetime.date,
                   quarter: int | None = None, population: str = "all") -> RecordList:
    """The records counted by ``figure`` for these townships and period (suggestion figures
    optionally for one population of the annex). Raises KeyError for an unknown figure or
    population."""
    suggestion_figures.POPULATIONS[population]
    ids = list(townships.values_list("pk", flat=True))
    span = (period.date_from, period.date_to)
    if figure == "deputies" or figure == "no_records" or figure.startswith("level_"):
        qs = _active_deputies(ids)
        title = "代表名单"
        if figure.startswith("level_"):
            level = figure.removeprefix("level_")
            if level not in Level.values:
                raise KeyError(figure)
            qs = qs.on_roster(level=level)
            title = f"{Level(level).label}名单"
        if figure == "no_records":
            qs = qs.exclude(pk__in=DutyRecord.objects.filter(date__year=period.year).values("deputy_id"))
            title = f"{period.year}年无履职记录的代表"
        qs = qs.select_related("township", "district", "group").prefetch_related("mandates").order_by(
            "township__name", "district__number", "name")
        return RecordList(title, qs, _deputy_columns())
    if figure == "groups":
        qs = DeputyGroup.objects.filter(township_id__in=ids, term__is_current=True).select_related(
            "township", "leader").annotate(n=Count("members")).order_by("township__name", "name")
        return RecordList("代表小组", qs, [
            ("小组", lambda g: g.name), ("乡镇", lambda g: g.township.name),
            ("组长", lambda g: g.leader.name if g.leader_id else ""), ("人数", lambda g: g.n)])
    if figure in ("duty_records", "trainings"):
        qs = DutyRecord.objects.filter(deputy__township_id__in=ids, date__range=span)
        title = "履职记录"
        if figure == "trainings":
            # The same span as the cell; ``quarter`` (from the per-quarter table of the year) narrows
            # the year to one quarter, exactly as that table counts.
            qs = qs.filter(kind=DutyKind.TRAINING)
            if quarter:
                qs = DutyRecord.objects.filter(deputy__township_id__in=ids, date__year=period.year,
                                               date__quarter=quarter, kind=DutyKind.TRAINING)
            title = "学习培训记录"
        qs = qs.select_related("deputy", "deputy__township").order_by("-date", "deputy__name")
        return RecordList(title, qs, [
            ("日期", lambda r: r.date), ("代表", lambda r: r.deputy.name),
            ("乡镇", lambda r: r.deputy.township.name), ("类别", lambda r: r.get_kind_display()),
            ("地点", lambda r: r.place), ("时长", lambda r: r.hours), ("内容", lambda r: r.content)])
    if figure in ("stations", "compliance"):
        qs = with_compliance(Station.objects.filter(township_id__in=ids, is_active=True)).select_related(
            "township", "standard_set", "parent").order_by("township__name", "kind", "name")
        return RecordList("联络站(点)", qs, [
            ("名称", lambda s: s.name), ("乡镇", lambda s: s.township.name),
            ("类型", lambda s: s.get_kind_display()),
            ("标准", lambda s: s.standard_set.name if s.standard_set_id else "未指定标准"),
            ("已达标条目", lambda s: f"{s.item_checked}/{s.item_total}" if s.standard_set_id else ""),
            ("达标率", lambda s: percent_text(s.item_checked, s.item_total) if s.standard_set_id else "")])
    if figure == "reception_planned":
        qs = ReceptionDay.objects.filter(station__township_id__in=ids, date__range=span,
                                         is_cancelled=False).select_related("station", "station__township").order_by("date")
        return RecordList("计划接待日", qs, [
            ("日期", lambda d: d.date), ("联络站(点)", lambda d: d.station.name),
            ("乡镇", lambda d: d.station.township.name), ("时间", lambda d: d.time_note)])
    if figure == "reception_held":
        qs = ReceptionRecord.objects.filter(township_id__in=ids, date__range=span).select_related(
            "station", "township").annotate(n=Count("issues")).order_by("-date")
        return RecordList("接待记录", qs, [
            ("日期", lambda r: r.date), ("联络站(点)", lambda r: r.station.name),
            ("乡镇", lambda r: r.township.name), ("反映事项", lambda r: r.n), ("摘要", lambda r: r.summary)])
    if figure in ("sessions",):
        qs = CongressSession.objects.filter(township_id__in=ids, start_date__range=span).select_related(
            "township", "term").order_by("-start_date")
        return RecordList("人民代表大会会议", qs, [
            ("乡镇", lambda s: s.township.name), ("会议", lambda s: str(s)),
            ("开幕", lambda s: s.start_date), ("闭幕", lambda s: s.end_date), ("会场", lambda s: s.venue)])
    if figure == "presidium_meetings":
        qs = PresidiumMeeting.objects.filter(township_id__in=ids, date__range=span)
        if quarter:
            qs = PresidiumMeeting.objects.filter(township_id__in=ids, date__year=period.year,
                                                 date__quarter=quarter)
        qs = qs.select_related("township").order_by("-date")
        return RecordList("主席团会议", qs, [
            ("日期", lambda m: m.date), ("乡镇", lambda m: m.township.name), ("议题", lambda m: m.agenda)])
    qs = suggestion_selectors.figure_queryset(
        figure, townships=ids, population=population, date_from=period.date_from, date_to=period.date_to,
        today=today)
    qs = suggestion_selectors.with_lights(qs, today).select_related("township", "lead_department").order_by(
        "-submitted_at")
    title = suggestion_selectors.FIGURE_TITLES[figure]
    if population != "all":
        title = f"{suggestion_figures.POPULATIONS[population].name}:{title}"
    return RecordList(title, qs, _suggestion_columns())


def township_drilldown(township: Township, period: Period) -> dict:
    """Stations and deputies of one township with their own figures, for the drill-down."""
    stations = list(with_compliance(Station.objects.filter(township=township, is_active=True))
                    .select_related("parent", "standard_set")
                    .annotate(deputy_count=Count("deputies", distinct=True))
                    .order_by("kind", "name"))
    held = dict(ReceptionRecord.objects.filter(
        township=township, date__range=(period.date_from, period.date_to)
    ).values("station_id").annotate(n=Count("pk")).values_list("station_id", "n").order_by())
    for s in stations:
        s.held = held.get(s.pk, 0)
    return {"stations": stations}


def station_deputies(station: Station, period: Period) -> list:
    """Deputies of a station with their duty record count in the period."""
    return list(
        station.deputies.select_related("district", "group")
        .annotate(records=Count("duty_records", filter=Q(
            duty_records__date__range=(period.date_from, period.date_to)), distinct=True))
        .order_by("-records", "name")
    )


def staff_queue(user, township: Township, today) -> dict:
    """What waits for the presidium office of ``township`` on the first screen."""
    from suggestions.models import ChangeRequest, State

    from suggestions.selectors import light_counts_by_department, light_horizons, work_queue

    horizons = light_horizons(today)
    presented = work_queue(user, state=State.PRESENTED, horizons=horizons)
    overdue = work_queue(user, overdue=True, horizons=horizons)
    yellow = work_queue(user, light="yellow", horizons=horizons)
    requests = ChangeRequest.objects.filter(
        suggestion__township=township, status=ChangeRequest.Status.PENDING
    ).select_related("suggestion").order_by("created_at")
    return {
        "presented": list(presented[:8]), "presented_count": presented.count(),
        "overdue": list(overdue[:8]), "overdue_count": overdue.count(),
        "yellow": list(yellow[:8]), "yellow_count": yellow.count(),
        "departments": light_counts_by_department(user, horizons),
        "requests": list(requests[:8]), "requests_count": requests.count(),
    }


# --- data behind the charts (the options are built in dashboards.charts) ----------------------

DUTY_BUCKETS = [("0条", 0, 0), ("1-2条", 1, 2), ("3-5条", 3, 5), ("6-10条", 6, 10), ("10条以上", 11, 10**9)]


def duty_buckets_by_township(ids, year: int) -> dict[int, list[int]]:
    """{township_id: active deputies per bucket of their duty record count in ``year``}, from
    the counts kept by the triggers (one row per deputy and year), bucketed by the database in
    one query: the sum is the township's roster, the first bucket its deputies with no record.
    The roster is the deputies app's own definition (``on_roster``), compiled into the query."""
    from django.db import connection

    roster_sql, params = _active_deputies(ids).order_by().values("pk").query.sql_with_params()
    n = "COALESCE(y.n, 0)"
    bucket = "CASE " + " ".join(f"WHEN {n} BETWEEN {low} AND {high} THEN {i}"
                                for i, (_, low, high) in enumerate(DUTY_BUCKETS)) + " ELSE 0 END"
    result: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.township_id, {bucket}, COUNT(*) FROM {Deputy._meta.db_table} d "
            f"LEFT JOIN {DeputyYear._meta.db_table} y ON y.deputy_id = d.id AND y.year = %s "
            f"WHERE d.id IN ({roster_sql}) GROUP BY 1, 2", [year, *params])
        for township_id, b, c in cursor.fetchall():
            result.setdefault(township_id, [0] * len(DUTY_BUCKETS))[b] += c
    return result


def duty_distribution(ids, year: int) -> list[int]:
    """Active deputies of these townships per bucket of their duty record count in ``year``."""
    counts = [0] * len(DUTY_BUCKETS)
    for buckets in duty_buckets_by_township(ids, year).values():
        counts = [a + b for a, b in zip(counts, buckets)]
    return counts


def department_figures(ids, period: Period, today) -> list[tuple[str, object]]:
    """(department name, Figures) of the 15 departments with most suggestions dispatched."""
    from congress.models import Department

    by_department = suggestion_selectors.figures_by_department(
        townships=ids, date_from=period.date_from, date_to=period.date_to, today=today, stage_days=False, top=15)
    names = {
        d.pk: d.name if d.township_id is None or len(ids) == 1 else f"{d.township.name}{d.name}"
        for d in Department.objects.filter(pk__in=[k for k in by_department if k]).select_related("township")
    }
    return sorted(((names.get(k, "未指定"), f) for k, f in by_department.items() if k),
                  key=lambda item: -item[1].dispatched)[:15]

"""ECharts options for the dashboards, each with the same figures as a table (for screen
readers, print and xlsx). The numbers come from :mod:`dashboards.selectors` and the figure
registry :mod:`suggestions.figures`; this module only lays them out. Each chart's title says
which population it counts."""

import datetime

from django.db.models import QuerySet

from congress.figures import format_percent
from suggestions import figures as suggestion_figures
from suggestions.models import State

from . import selectors
from .periods import Period


def _chart(chart_id, title, option, headers, rows, note=""):
    return {"id": chart_id, "dom_id": f"chart-{chart_id}-option", "title": title, "option": option,
            "headers": headers, "rows": rows, "note": note}


def _float(value) -> float:
    return float(value or 0)


def charts(*, townships: QuerySet, period: Period, today: datetime.date, overview) -> list[dict]:
    ids = [r["township"].pk for r in overview.rows]
    received = suggestion_figures.COUNTS["received"]
    return [
        _states(overview.counted, period, received),
        _monthly(overview.counted, period),
        _departments(ids, period, today),
        _duty(overview, period),
        _compliance(overview),
        _receptions(overview, period),
    ]


def _states(counted, period, received):
    states = counted.state_counts()
    labels = [label for _, label in State.choices]
    values = [states.get(value, 0) for value, _ in State.choices]
    return _chart("states", f"{period.label}收到的建议按当前状态(共{sum(values)}件)", {
        "tooltip": {}, "grid": {"left": 40, "right": 10, "bottom": 70},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "data": values, "itemStyle": {"color": "#a4161a"}}],
    }, ["状态", "件数"], list(zip(labels, values)), note=f"统计对象:{received.definition}与“收到建议”一致。")


def _monthly(counted, period):
    keys = list(selectors.MONTHLY_KEYS)
    series = counted.by_month(keys)
    names = {"received": "收到(按提交月份)", "dispatched": "交办(按交办月份)", "closed": "其中已办结(按交办月份)"}
    months = [f"{m}月" for m in range(1, 13)]
    return _chart("monthly", f"{period.year}年每月收到、交办与办结", {
        "tooltip": {"trigger": "axis"}, "legend": {"data": [names[k] for k in keys]},
        "grid": {"left": 40, "right": 10},
        "xAxis": {"type": "category", "data": months}, "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": names[k], "type": "line", "data": series[k]} for k in keys],
    }, ["月份", *[names[k] for k in keys]],
        [(months[m], *[series[k][m] for k in keys]) for m in range(12)],
        note="“已办结”计入交办当月,与办结率的口径一致。")


def _departments(ids, period, today):
    rows = selectors.department_figures(ids, period, today)
    return _chart("departments", f"{period.label}交办的建议:各承办单位办复率与满意率(%)", {
        "tooltip": {"trigger": "axis"}, "legend": {"data": ["办复率", "满意率"]},
        "grid": {"left": 40, "right": 10, "bottom": 90},
        "xAxis": {"type": "category", "data": [n for n, _ in rows], "axisLabel": {"rotate": 40}},
        "yAxis": {"type": "value", "max": 100},
        "series": [{"name": "办复率", "type": "bar", "data": [_float(f.reply_rate) for _, f in rows]},
                   {"name": "满意率", "type": "bar", "data": [_float(f.satisfaction_rate) for _, f in rows]}],
    }, ["承办单位", "交办", "办复率", "满意率", "超期"],
        [(n, f.dispatched, format_percent(f.reply_rate), format_percent(f.satisfaction_rate), f.overdue)
         for n, f in rows])


def _duty(overview, period):
    counts = [0] * len(selectors.DUTY_BUCKETS)  # summed from the table's rows (no second query)
    for row in overview.rows:
        counts = [a + b for a, b in zip(counts, row.get("_duty_buckets") or [0] * len(counts))]
    buckets = selectors.DUTY_BUCKETS
    return _chart("duty", f"{period.year}年在任代表履职记录分布(人数)", {
        "tooltip": {}, "grid": {"left": 40, "right": 10},
        "xAxis": {"type": "category", "data": [b[0] for b in buckets]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "data": counts, "itemStyle": {"color": "#c9822b"}}],
    }, ["履职记录条数", "代表人数"], [(b[0], c) for b, c in zip(buckets, counts)])


def _compliance(overview):
    names = [r["township"].name for r in overview.rows]
    return _chart("compliance", "联络站(点)阵地达标率(%)", {
        "tooltip": {}, "grid": {"left": 40, "right": 10},
        "xAxis": {"type": "category", "data": names}, "yAxis": {"type": "value", "max": 100},
        "series": [{"type": "bar", "data": [_float(r["compliance"]) for r in overview.rows],
                    "itemStyle": {"color": "#2b7a4b"}}],
    }, ["乡镇", "达标条目", "应达标条目", "达标率"],
        [(r["township"].name, r["compliance_checked"], r["compliance_total"], format_percent(r["compliance"]))
         for r in overview.rows])


def _receptions(overview, period):
    names = [r["township"].name for r in overview.rows]
    return _chart("receptions", f"{period.label}接待日计划与开展", {
        "tooltip": {"trigger": "axis"}, "legend": {"data": ["计划", "已开展"]},
        "grid": {"left": 40, "right": 10},
        "xAxis": {"type": "category", "data": names}, "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": "计划", "type": "bar", "data": [r["reception_planned"] for r in overview.rows]},
                   {"name": "已开展", "type": "bar", "data": [r["reception_held"] for r in overview.rows]}],
    }, ["乡镇", "计划", "已开展"], [(r["township"].name, r["reception_planned"], r["reception_held"])
                                for r in overview.rows])

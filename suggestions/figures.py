"""The figure registry: one object per suggestion figure (DOMAIN.md §5, §7).

Every surface that shows a suggestion figure — dashboard cells and totals, the records behind a
cell, charts, xlsx exports, the docx annex sentences, the figure counters and the 口径说明 page —
reads it from here; nothing else counts or divides.

* A :class:`CountFigure` counts suggestions: its **population** (all, or one of
  :data:`POPULATIONS`), the **period field** whose date must fall in the period (or none: a
  current figure such as 超期未办), and its **condition**. :meth:`CountFigure.queryset` is the
  drill-down list, so a cell and its records agree by construction.
* A :class:`RateFigure` divides one count by another of the *same period field* (so the
  numerator is always a subset of the denominator) with :func:`congress.figures.percent`.
* :func:`compute` evaluates every figure for a scope in one query per period field.

The rating figures use only ratings returned in time: a rating recorded late by staff
(``rating_late``) and a reply never rated are 逾期未评价 and left out of 满意率.

The dashboards read these figures from counters kept in the same transaction as each change
(:mod:`suggestions.counters`): each count is a condition on one suggestion row and the date of
its period field, so a change is the difference of the row's memberships before and after. A
condition that reads ``today`` (超期未办, 逾期未评价) must read it only as ``due_date < today``
(counted from a day on, for good): the counters keep such rows under their due date and sum
those already due. :func:`compute` here is the full recount the counters are checked against,
and what answers any scope the counters do not keep (a population, a span of days).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from collections import defaultdict

from django.db.models import Count, DateField, F, Q, QuerySet, Value
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from congress.figures import ROUNDING_RULE, percent
from congress.workdays import WorkCalendar

from .models import (
    OPEN_STATES,
    Channel,
    ClassDCounting,
    DeadlineSettings,
    Kind,
    Rating,
    ReplyClass,
    State,
    Suggestion,
)

# --- populations ---------------------------------------------------------------------------------

DEPUTY_CHANNELS = (Channel.SESSION, Channel.SUPERVISION)
OPINION_KINDS = (Kind.SUGGESTION, Kind.CRITICISM, Kind.OPINION)


@dataclass(frozen=True)
class Population:
    key: str
    name: str
    definition: str
    condition: Q


POPULATIONS: dict[str, Population] = {
    p.key: p
    for p in [
        Population("all", "各类建议和问题", "本平台登记的全部事项(各渠道、各类型)。", Q()),
        Population(
            "deputy", "代表建议",
            "代表提出的建议、批评和意见:大会期间代表建议和代表视察调研中提出的建议。",
            Q(kind__in=OPINION_KINDS, channel__in=DEPUTY_CHANNELS),
        ),
        Population(
            "citizen", "群众反映问题",
            "群众通过网上点单、接待日、走访、微信群、电话、来信反映的建议、批评和意见"
            "(含代表接单后提交的)。",
            Q(kind__in=OPINION_KINDS) & ~Q(channel__in=DEPUTY_CHANNELS),
        ),
        Population("petition", "信访", "类型为“信访”的事项。", Q(kind=Kind.PETITION)),
        Population("dispute", "矛盾纠纷", "类型为“矛盾纠纷”的事项。", Q(kind=Kind.DISPUTE)),
    ]
}
PARTITION = ("deputy", "citizen", "petition", "dispute")  # disjoint, together all


# --- counts and rates ----------------------------------------------------------------------------

Condition = Q | Callable[[datetime.date], Q]


def _first_reply_by_deadline() -> Q:
    return Q(first_replied_at__isnull=False, first_replied_at__date__lte=F("deadline"))


RATED_IN_TIME = ~Q(rating="") & Q(rating_late=False)


def class_d_left_out() -> Q:
    """Class D (留作参考) replies of the townships whose setting
    (``DeadlineSettings.class_d_counts_as``) leaves them out of 解决率. Every figure that reads
    reply classes goes through here; by default (no setting, or 按C类计算) D counts as C does:
    a reply, not a solved one."""
    return Q(reply_class=ReplyClass.D, township_id__in=DeadlineSettings.objects.filter(
        class_d_counts_as=ClassDCounting.EXCLUDED).values("township_id"))


CLASS_D_RULE = (
    "D类(留作参考)答复默认与C类同样计算(计入分母,不算已解决);乡镇在“建议办理时限设置”中"
    "选择“不计入解决率”的,其D类答复不计入解决率的分子和分母(仍计入已答复和办复率)。"
)


@dataclass(frozen=True)
class CountFigure:
    key: str
    name: str  # short, for a column header
    title: str  # the list behind it
    definition: str
    period_field: str | None  # "submitted_at", "dispatched_at", "deadline"; None: current
    condition: Condition = field(default_factory=Q)

    kind = "count"

    def q(self, today: datetime.date) -> Q:
        condition = self.condition(today) if callable(self.condition) else self.condition
        if self.period_field:
            condition &= Q(**{f"{self.period_field}__isnull": False})
        return condition

    def in_period(self, qs: QuerySet, date_from, date_to) -> QuerySet:
        if not self.period_field:
            return qs
        lookup = self.period_field if self.period_field == "deadline" else f"{self.period_field}__date"
        if date_from:
            qs = qs.filter(**{f"{lookup}__gte": date_from})
        if date_to:
            qs = qs.filter(**{f"{lookup}__lte": date_to})
        return qs

    def queryset(self, *, townships=None, department=None, population: str = "all", date_from=None,
                 date_to=None, today=None) -> QuerySet:
        """The suggestions this figure counts (the drill-down list)."""
        today = today or timezone.localdate()
        qs = self.in_period(scoped(townships, department, population), date_from, date_to)
        return qs.filter(self.q(today))


@dataclass(frozen=True)
class RateFigure:
    key: str
    name: str
    definition: str
    numerator: str
    denominator: str
    rounding: str = ROUNDING_RULE

    kind = "rate"

    def value(self, counts: dict) -> Decimal | None:
        return percent(counts.get(self.numerator, 0), counts.get(self.denominator, 0))


COUNTS: dict[str, CountFigure] = {
    c.key: c
    for c in [
        CountFigure("received", "收到", "收到的建议",
                    "本期提交(登记)的事项,不论渠道、类型和当前状态。", "submitted_at"),
        CountFigure("answered", "代表直接答复", "代表直接答复办结的事项",
                    "本期提交、由代表在职权范围内直接答复(或解释)并办结、未交办的事项。", "submitted_at",
                    Q(state=State.CLOSED) & ~Q(direct_answer="")),
        CountFigure("dispatched", "已交办", "已交办的建议",
                    "本期交办(人大派单)的事项。", "dispatched_at"),
        CountFigure("replied", "已答复", "已答复的建议",
                    "本期交办的事项中,承办单位已正式答复的(任一轮答复)。", "dispatched_at",
                    Q(first_replied_at__isnull=False)),
        CountFigure("closed", "已办结", "已办结(销单)的建议",
                    "本期交办的事项中,已销单的。", "dispatched_at", Q(state=State.CLOSED)),
        CountFigure("evaluated", "已评价", "按期评价的建议",
                    "本期交办的事项中,代表在评价期限内(答复后20个工作日,乡镇可设置)评价的;逾期补录的评价不算。",
                    "dispatched_at", RATED_IN_TIME),
        CountFigure("satisfied", "满意", "评价满意的建议",
                    "按期评价为“满意”的。", "dispatched_at", RATED_IN_TIME & Q(rating=Rating.SATISFIED)),
        CountFigure("satisfied_or_basic", "满意和基本满意", "评价满意或基本满意的建议",
                    "按期评价为“满意”或“基本满意”的。", "dispatched_at",
                    RATED_IN_TIME & Q(rating__in=[Rating.SATISFIED, Rating.BASIC])),
        CountFigure("unrated_late", "逾期未评价", "逾期未评价的建议",
                    "本期交办、已答复,但评价期限内没有评价的(含逾期补录评价的);不计入满意率。",
                    "dispatched_at",
                    lambda today: Q(first_replied_at__isnull=False) & (
                        Q(rating_late=True)
                        | Q(rating="", state=State.CLOSED)
                        | Q(rating="", state=State.REPLIED, due_date__lt=today))),
        CountFigure("class_a", "A类答复", "已解决(A类)的建议",
                    "本期交办、已答复且(最近一次)答复类别为A类(已解决或采纳)的。", "dispatched_at",
                    Q(first_replied_at__isnull=False, reply_class=ReplyClass.A)),
        CountFigure("resolution_base", "计入解决率的答复", "计入解决率的已答复建议",
                    "本期交办、已答复的事项(A、B、C、D类)。" + CLASS_D_RULE, "dispatched_at",
                    lambda today: Q(first_replied_at__isnull=False) & ~class_d_left_out()),
        CountFigure("due", "本期到期", "答复期限在本期的建议",
                    "已交办且首次答复期限(含经批准的延期,不含重新办理期限)在本期内的事项。", "deadline",
                    Q(dispatched_at__isnull=False)),
        CountFigure("replied_on_time", "按期答复", "按期答复的建议",
                    "首次答复期限在本期内、且首次答复不晚于该期限的事项。", "deadline",
                    Q(dispatched_at__isnull=False) & _first_reply_by_deadline()),
        CountFigure("overdue", "超期未办", "超期未办的建议",
                    "当前仍在办理中、且当前环节期限已过的事项(当前数,不按期间)。", None,
                    lambda today: Q(state__in=OPEN_STATES, due_date__lt=today)),
    ]
}

RATES: dict[str, RateFigure] = {
    r.key: r
    for r in [
        RateFigure("reply_rate", "办复率", "办复率 = 已答复 ÷ 已交办。", "replied", "dispatched"),
        RateFigure("on_time_rate", "按期办复率",
                   "按期办复率 = 按期答复 ÷ 本期到期(首次答复期限在本期内的已交办事项)。",
                   "replied_on_time", "due"),
        RateFigure("closure_rate", "办结率", "办结率 = 已办结 ÷ 已交办。", "closed", "dispatched"),
        RateFigure("satisfaction_rate", "满意率",
                   "满意率 = (满意 + 基本满意) ÷ 按期评价;逾期未评价的不计入。",
                   "satisfied_or_basic", "evaluated"),
        RateFigure("satisfied_rate", "其中满意", "满意占比 = 满意 ÷ 按期评价。", "satisfied", "evaluated"),
        RateFigure("resolution_rate", "解决率",
                   "解决率 = A类答复 ÷ 计入解决率的答复(已答复;D类留作参考默认同C类计入分母,乡镇可设为不计入)。",
                   "class_a", "resolution_base"),
    ]
}

for _rate in RATES.values():
    assert COUNTS[_rate.numerator].period_field == COUNTS[_rate.denominator].period_field, _rate.key

FIGURES: dict[str, CountFigure | RateFigure] = {**COUNTS, **RATES}

STAGES = [
    ("submitted_at", "claimed_at", "代表接单"),
    ("claimed_at", "presented_at", "代表提交"),
    ("presented_at", "dispatched_at", "人大派单"),
    ("dispatched_at", "signed_at", "承办签收"),
    ("signed_at", "first_replied_at", "承办答复"),
    ("replied_at", "evaluated_at", "代表评价"),
]
STAGE_DEFINITION = (
    "各环节平均用时:本期交办的事项中,该环节起止时间都有的,起止日期之间的工作日数(按国家法定节假日"
    "和调休安排)的平均数,保留一位小数。"
)


def figure(key: str) -> CountFigure | RateFigure:
    """The registry entry; KeyError for an unknown key."""
    return FIGURES[key]


def scoped(townships=None, department=None, population: str = "all") -> QuerySet:
    qs = Suggestion.objects.all()
    if townships is not None:
        qs = qs.filter(township__in=townships)
    if department is not None:
        qs = qs.filter(lead_department=department)
    condition = POPULATIONS[population].condition
    return qs.filter(condition) if condition else qs


# --- evaluation ----------------------------------------------------------------------------------


class Figures:
    """The counts of one scope; rates are computed from them by the registry."""

    def __init__(self, counts: dict | None = None, avg_workdays: dict | None = None):
        self.counts = {key: 0 for key in COUNTS}
        self.counts.update(counts or {})
        self.avg_workdays = avg_workdays or {}

    def value(self, key: str):
        if key in RATES:
            return RATES[key].value(self.counts)
        return self.counts[key]

    def __getattr__(self, name):
        counts = self.__dict__.get("counts")
        if counts is not None and (name in COUNTS or name in RATES):
            return self.value(name)
        raise AttributeError(name)

    # Older names, kept for callers.
    on_time_reply_rate = property(lambda self: self.value("on_time_rate"))
    due_in_period = property(lambda self: self.counts["due"])
    basically_satisfied = property(lambda self: self.counts["satisfied_or_basic"] - self.counts["satisfied"])

    def as_dict(self) -> dict:
        return {key: self.value(key) for key in FIGURES}


def compute(group: str | None = None, *, townships=None, department=None, population: str = "all",
            date_from=None, date_to=None, today=None, stage_days: bool = True) -> dict:
    """{group value (or None): Figures}: one query per period field, whatever the data size."""
    today = today or timezone.localdate()
    base = scoped(townships, department, population)
    result: dict = {}
    by_field: dict = {}
    for c in COUNTS.values():
        by_field.setdefault(c.period_field, []).append(c)
    for period_field, counts in by_field.items():
        qs = counts[0].in_period(base, date_from, date_to)
        if period_field:
            qs = qs.filter(**{f"{period_field}__isnull": False})
        aggregates = {c.key: Count("pk", filter=c.q(today)) for c in counts}
        rows = qs.values(group).annotate(**aggregates).order_by() if group else [qs.aggregate(**aggregates)]
        for row in rows:
            f = result.setdefault(row[group] if group else None, Figures())
            for c in counts:
                f.counts[c.key] = row[c.key]
    if stage_days:
        for key, averages in _stage_averages(base, group, date_from, date_to, today).items():
            result.setdefault(key, Figures()).avg_workdays = averages
    return result


def _stage_averages(base, group, date_from, date_to, today) -> dict:
    """Average working days per stage. workdays_between(a, b) == ordinal(b) - ordinal(a) for a
    working-day ordinal counted from a fixed day, so the average of a stage is the mean ordinal
    of its end days minus the mean ordinal of its start days: the database counts suggestions
    per start day and per end day, two queries per stage whatever the number of suggestions."""
    dispatched = COUNTS["dispatched"].in_period(base.filter(dispatched_at__isnull=False), date_from, date_to)
    keys = [group] if group else []
    day_counts = []
    years = {today.year}
    for start, end, label in STAGES:
        both = dispatched.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
        for side, name in ((-1, start), (1, end)):
            rows = both.annotate(_d=TruncDate(name)).values(*keys, "_d").annotate(_n=Count("pk")).order_by()
            for row in rows:
                day_counts.append((row[group] if group else None, label, side, row["_d"], row["_n"]))
                years.add(row["_d"].year)
    cal = WorkCalendar(range(min(years), max(years) + 1))
    epoch = datetime.date(min(years), 1, 1)
    sums: dict = {}
    for key, label, side, day, n in day_counts:
        total, count = sums.get((key, label), (0, 0))
        sums[(key, label)] = (total + side * n * cal.workdays_between(epoch, day), count + (n if side > 0 else 0))
    result: dict = {}
    for (key, label), (total, n) in sums.items():
        result.setdefault(key, {})[label] = round(total / n, 1)
    return result


# --- the counters' recount -------------------------------------------------------------------

NEVER = datetime.date(1, 1, 1)  # ``bucket`` of a figure with no period; ``due`` of rows counted every day
FOREVER = datetime.date(9999, 12, 31)  # ``today`` at which every date-dependent row counts
TOTAL = 0  # department_id of a township's total


def _local_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def counter_cells() -> dict:
    """The full recount of the figure counters (:mod:`suggestions.counters`, which explains the
    cells): {(township, department, key, bucket, due): n} from the suggestions themselves, by the
    conditions above; a fixed number of GROUP BY queries (one or two per count figure, two per
    stage)."""
    cells: dict = defaultdict(int)

    def add(t, d, key, bucket, due, n):
        if not n:
            return
        cells[(t, TOTAL, key, bucket, due)] += n
        if d and key in COUNTS:  # the departments chart reads the registry's counts only
            cells[(t, d, key, bucket, due)] += n

    base = Suggestion.objects.order_by()
    keys = ("township_id", "lead_department_id")
    for c in COUNTS.values():
        qs = base.annotate(_b=TruncMonth(c.period_field) if c.period_field else Value(NEVER, output_field=DateField()))
        for row in qs.filter(c.q(NEVER)).values(*keys, "_b").annotate(n=Count("pk")):
            add(row["township_id"], row["lead_department_id"], c.key, _local_date(row["_b"]), NEVER, row["n"])
        if callable(c.condition):
            for row in qs.values(*keys, "_b", "due_date").annotate(
                    hi=Count("pk", filter=c.q(FOREVER)), lo=Count("pk", filter=c.q(NEVER))):
                add(row["township_id"], row["lead_department_id"], c.key, _local_date(row["_b"]),
                    row["due_date"] or FOREVER, row["hi"] - row["lo"])
    for row in base.annotate(_b=TruncMonth("submitted_at")).values(*keys, "_b", "state").annotate(n=Count("pk")):
        add(row["township_id"], row["lead_department_id"], f"state:{row['state']}", _local_date(row["_b"]), NEVER,
            row["n"])
    # Stage times: the database counts suggestions per start day and per end day (two queries
    # per stage); working days between two days = ordinal(end) - ordinal(start).
    day_rows = []
    years = {timezone.localdate().year}
    for start, end, label in STAGES:
        both = base.filter(**{"dispatched_at__isnull": False, f"{start}__isnull": False, f"{end}__isnull": False})
        both = both.annotate(_b=TruncMonth("dispatched_at"))
        for side, name in ((-1, start), (1, end)):
            for row in both.annotate(_d=TruncDate(name)).values(*keys, "_b", "_d").annotate(n=Count("pk")):
                day_rows.append((row, label, side))
                years.add(row["_d"].year)
    cal = WorkCalendar(range(min(years), max(years) + 1))
    epoch = datetime.date(min(years), 1, 1)
    for row, label, side in day_rows:
        bucket = _local_date(row["_b"])
        t, d = row["township_id"], row["lead_department_id"]
        if side > 0:
            add(t, d, f"stage_n:{label}", bucket, NEVER, row["n"])
        add(t, d, f"stage_days:{label}", bucket, NEVER, side * row["n"] * cal.workdays_between(epoch, row["_d"]))
    return {k: v for k, v in cells.items() if v}



def state_counts(*, townships=None, population: str = "all", date_from=None, date_to=None) -> dict[str, int]:
    """{state: n} of the suggestions *received* in the period (the population of the 收到 cell),
    by their current state."""
    qs = COUNTS["received"].in_period(scoped(townships, population=population), date_from, date_to)
    return dict(qs.values("state").annotate(n=Count("pk")).values_list("state", "n").order_by())


def definitions() -> list[dict]:
    """The 口径说明 rows, in registry order (counts, then rates, then stage times)."""
    rows = []
    for f in FIGURES.values():
        rows.append({
            "key": f.key, "name": f.name, "kind": "比率" if f.kind == "rate" else "件数",
            "definition": f.definition,
            "period": PERIOD_LABELS[f.period_field] if f.kind == "count" else PERIOD_LABELS[
                COUNTS[f.numerator].period_field],
            "rounding": f.rounding if f.kind == "rate" else "整数件数",
        })
    rows.append({"key": "stage_days", "name": "各环节平均用时", "kind": "工作日",
                 "definition": STAGE_DEFINITION, "period": PERIOD_LABELS["dispatched_at"],
                 "rounding": "保留一位小数"})
    return rows


PERIOD_LABELS = {
    "submitted_at": "按提交日期",
    "dispatched_at": "按交办日期",
    "deadline": "按首次答复期限",
    None: "当前数(不按期间)",
}


def by_month(keys, *, townships=None, year: int, today=None) -> dict[str, list[int]]:
    """{key: [January … December]}: count figures of ``year`` by the month of their own period
    field, so each series sums to the year's cell. One query per period field."""
    from django.db.models.functions import ExtractMonth

    today = today or timezone.localdate()
    result = {key: [0] * 12 for key in keys}
    by_field: dict = {}
    for key in keys:
        by_field.setdefault(COUNTS[key].period_field, []).append(COUNTS[key])
    for period_field, counts in by_field.items():
        if period_field is None:
            raise ValueError("a current figure has no month")
        qs = counts[0].in_period(scoped(townships), datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        qs = qs.filter(**{f"{period_field}__isnull": False}).annotate(_m=ExtractMonth(period_field))
        for row in qs.values("_m").annotate(**{c.key: Count("pk", filter=c.q(today)) for c in counts}).order_by():
            for c in counts:
                result[c.key][row["_m"] - 1] = row[c.key]
    return result

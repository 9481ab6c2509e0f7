"""Reads: permission-checking accessors, queues, rate limits and the figures (办复率 …).

Figures (DOMAIN.md §5; "the period" filters on the dispatch date 交办日期 unless said otherwise):

* 办复率 (reply rate) = replied / dispatched — of the suggestions dispatched in the period, the
  share that have a formal reply (first reply of any cycle).
* 按期办复率 (on-time reply rate) = replied by the deadline / dispatched with a deadline in the
  period — the denominator is the suggestions whose reply deadline falls in the period; the
  numerator those of them whose first reply came on or before the deadline.
* 办结率 (closure rate) = closed / dispatched.
* 满意率 (satisfaction rate) = (满意 + 基本满意) / evaluated, where "evaluated" means the deputy's
  rating was returned (a rating not returned in time is left out, never counted as satisfied);
  满意 alone = 满意 / evaluated is shown too.
* 解决率 (resolution rate) = class A / replied.
* Average working days per stage: submitted→claimed, claimed→presented, presented→dispatched,
  dispatched→signed, signed→first reply, reply→evaluation (Chinese working days, see
  :mod:`congress.workdays`).
* Overdue count: open suggestions whose current stage deadline (``due_date``) is before today —
  a current figure, not limited to the period.

Every function takes ``townships`` (a queryset/list of townships, or None for county-wide),
optional ``department`` and a date range ``date_from``/``date_to`` (inclusive, either may be
None).
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from congress.figures import percent
from congress.tenancy import scope_to_user
from congress.workdays import WorkCalendar

from .models import OPEN_STATES, Channel, ChangeRequest, Rating, ReplyClass, State, Suggestion
from .rules import can_view_suggestion, deputy_of

# --- accessors and lists -----------------------------------------------------------------------


def get_suggestion_for_user(user, pk: int) -> Suggestion:
    """The suggestion if ``user`` may see it, else 404 (never reveals that it exists)."""
    suggestion = (
        Suggestion.objects.select_related(
            "township", "category", "village", "station", "lead_deputy", "lead_department", "supervisor",
            "proposed_department",
        )
        .filter(pk=pk)
        .first()
    )
    if suggestion is None or not can_view_suggestion.test(user, suggestion):
        raise Http404("建议不存在或您无权查看。")
    return suggestion


def _list_qs() -> QuerySet:
    return Suggestion.objects.select_related("township", "category", "village", "lead_department", "lead_deputy")


def work_queue(user, *, state: str = "", q: str = "", overdue: bool = False) -> QuerySet:
    """The staff work queue: their township's suggestions, open ones first by deadline."""
    qs = scope_to_user(_list_qs(), user)
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(state__in=OPEN_STATES, due_date__lt=timezone.localdate())
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(code__iexact=q) | Q(content__icontains=q))
    return qs.order_by(F("due_date").asc(nulls_last=True), "-submitted_at")


def deputy_inbox(user) -> QuerySet:
    """Routed to the deputy and not yet claimed by anyone."""
    deputy = deputy_of(user)
    if deputy is None:
        return Suggestion.objects.none()
    return _list_qs().filter(routed_deputies=deputy, state=State.SUBMITTED).order_by(F("due_date").asc(nulls_last=True))


def deputy_own(user) -> QuerySet:
    """Led or co-signed by the deputy."""
    deputy = deputy_of(user)
    if deputy is None:
        return Suggestion.objects.none()
    return (
        _list_qs().filter(Q(lead_deputy=deputy) | Q(cosigners=deputy)).distinct().order_by("-submitted_at")
    )


def department_queue(user) -> QuerySet:
    if not user.department_id:
        return Suggestion.objects.none()
    return (
        _list_qs()
        .filter(Q(lead_department_id=user.department_id) | Q(co_departments=user.department_id))
        .exclude(state__in=[State.SUBMITTED, State.CLAIMED, State.PRESENTED])
        .distinct()
        .order_by(F("due_date").asc(nulls_last=True), "-dispatched_at")
    )


def pending_requests(suggestion) -> list[ChangeRequest]:
    return list(suggestion.change_requests.filter(status=ChangeRequest.Status.PENDING).select_related("department"))


def public_results(township) -> QuerySet:
    """Closed suggestions marked public; the template shows no submitter details."""
    return (
        Suggestion.objects.filter(township=township, state=State.CLOSED, is_public=True)
        .select_related("category", "village", "lead_department")
        .prefetch_related("replies")
        .order_by("-closed_at")
    )


def preferred_deputy(township, deputy_id):
    """The deputy named by a scanned 代表码 (``?deputy=<id>``) when on this township's roster;
    None for anything else (a stale or foreign code falls back to the usual routing)."""
    from deputies.models import Deputy

    if not str(deputy_id or "").isdigit():
        return None
    return Deputy.objects.on_roster().filter(pk=int(deputy_id), township=township).first()


def find_for_tracking(code: str, phone_last4: str) -> Suggestion | None:
    """By tracking code + the last four digits of the phone (anonymous ones: code only)."""
    suggestion = Suggestion.objects.select_related("township", "lead_department", "category").filter(code=code).first()
    if suggestion is None:
        return None
    if suggestion.submitter_phone:
        if not phone_last4 or suggestion.submitter_phone[-4:] != phone_last4:
            return None
    return suggestion


def suggestion_for_tracking_session(pk: int) -> Suggestion | None:
    """The item this browser already looked up with its code (kept in the session)."""
    return Suggestion.objects.select_related("township", "lead_department", "category").filter(pk=pk).first()


# --- rate limiting -------------------------------------------------------------------------------

RATE_LIMIT_MESSAGE = "提交过于频繁,请稍后再试。如有紧急情况请直接拨打人大办电话。"


# --- figures -------------------------------------------------------------------------------------


_rate = percent


@dataclass
class Figures:
    dispatched: int = 0
    replied: int = 0
    due_in_period: int = 0
    replied_on_time: int = 0
    closed: int = 0
    evaluated: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    class_a: int = 0
    overdue: int = 0
    avg_workdays: dict = field(default_factory=dict)

    @property
    def reply_rate(self):
        """办复率 (%)"""
        return _rate(self.replied, self.dispatched)

    @property
    def on_time_reply_rate(self):
        """按期办复率 (%)"""
        return _rate(self.replied_on_time, self.due_in_period)

    @property
    def closure_rate(self):
        """办结率 (%)"""
        return _rate(self.closed, self.dispatched)

    @property
    def satisfaction_rate(self):
        """满意率 (%) = 满意 + 基本满意"""
        return _rate(self.satisfied + self.basically_satisfied, self.evaluated)

    @property
    def satisfied_rate(self):
        """满意 alone (%)"""
        return _rate(self.satisfied, self.evaluated)

    @property
    def resolution_rate(self):
        """解决率 (%)"""
        return _rate(self.class_a, self.replied)


def _scoped(townships=None, department=None) -> QuerySet:
    qs = Suggestion.objects.all()
    if townships is not None:
        qs = qs.filter(township__in=townships)
    if department is not None:
        qs = qs.filter(lead_department=department)
    return qs


def _period(qs, field_name, date_from, date_to):
    if date_from:
        qs = qs.filter(**{f"{field_name}__gte": date_from})
    if date_to:
        qs = qs.filter(**{f"{field_name}__lte": date_to})
    return qs


_COUNTS = {
    "dispatched": Count("pk"),
    "replied": Count("pk", filter=Q(first_replied_at__isnull=False)),
    "closed": Count("pk", filter=Q(state=State.CLOSED)),
    "evaluated": Count("pk", filter=~Q(rating="")),
    "satisfied": Count("pk", filter=Q(rating=Rating.SATISFIED)),
    "basically_satisfied": Count("pk", filter=Q(rating=Rating.BASIC)),
    "class_a": Count("pk", filter=Q(first_replied_at__isnull=False, reply_class=ReplyClass.A)),
}

STAGES = [
    ("submitted_at", "claimed_at", "代表接单"),
    ("claimed_at", "presented_at", "代表提交"),
    ("presented_at", "dispatched_at", "人大派单"),
    ("dispatched_at", "signed_at", "承办签收"),
    ("signed_at", "first_replied_at", "承办答复"),
    ("replied_at", "evaluated_at", "代表评价"),
]


def _grouped(group: str | None, *, townships, department, date_from, date_to, today, stage_days=True) -> dict:
    today = today or timezone.localdate()
    base = _scoped(townships, department)
    keys = [group] if group else []
    result: dict = {}

    def bucket(row):
        return result.setdefault(row[group] if group else None, Figures())

    def grouped_rows(qs, **aggregates):
        if group:
            return qs.values(group).annotate(**aggregates).order_by()
        return [qs.aggregate(**aggregates)]

    dispatched = _period(base.filter(dispatched_at__isnull=False), "dispatched_at__date", date_from, date_to)
    for row in grouped_rows(dispatched, **_COUNTS):
        f = bucket(row)
        for name in _COUNTS:
            setattr(f, name, row[name])
    due = _period(base.filter(dispatched_at__isnull=False, deadline__isnull=False), "deadline", date_from, date_to)
    for row in grouped_rows(
        due,
        n=Count("pk"),
        on_time=Count("pk", filter=Q(first_replied_at__isnull=False, first_replied_at__date__lte=models_f("deadline"))),
    ):
        f = bucket(row)
        f.due_in_period, f.replied_on_time = row["n"], row["on_time"]
    overdue = base.filter(state__in=OPEN_STATES, due_date__lt=today)
    for row in grouped_rows(overdue, n=Count("pk")):
        bucket(row).overdue = row["n"]
    if not stage_days:
        return result
    # Average working days per stage. workdays_between(a, b) == ordinal(b) - ordinal(a) for a
    # working-day ordinal counted from a fixed day, so the average of a stage is the mean
    # ordinal of its end days minus the mean ordinal of its start days. The database counts
    # suggestions per start day and per end day: two queries per stage, a few hundred rows each,
    # whatever the number of suggestions.
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
    for (key, label), (total, n) in sums.items():
        result.setdefault(key, Figures()).avg_workdays[label] = round(total / n, 1)
    return result


def models_f(name):
    from django.db.models import F
    from django.db.models.functions import TruncDate

    return TruncDate(F(name)) if name.endswith("_at") else F(name)


def suggestion_figures(*, townships=None, department=None, date_from=None, date_to=None, today=None) -> Figures:
    """All figures for one scope (county-wide when ``townships`` is None)."""
    grouped = _grouped(None, townships=townships, department=department, date_from=date_from,
                       date_to=date_to, today=today)
    return grouped.get(None, Figures())


def figures_by_township(*, townships=None, date_from=None, date_to=None, today=None,
                   stage_days=True) -> dict[int, Figures]:
    """{township_id: Figures}."""
    return _grouped("township_id", townships=townships, department=None, date_from=date_from,
                    date_to=date_to, today=today, stage_days=stage_days)


def figures_by_department(*, townships=None, date_from=None, date_to=None, today=None,
                   stage_days=True) -> dict[int, Figures]:
    """{lead_department_id: Figures}."""
    return _grouped("lead_department_id", townships=townships, department=None, date_from=date_from,
                    date_to=date_to, today=today, stage_days=stage_days)


def state_counts(*, townships=None) -> dict[str, int]:
    rows = _scoped(townships).values("state").annotate(n=Count("pk")).order_by()
    return {row["state"]: row["n"] for row in rows}


def overdue_by_department(*, townships=None, today=None) -> list[dict]:
    today = today or timezone.localdate()
    return list(
        _scoped(townships)
        .filter(state__in=OPEN_STATES, due_date__lt=today, lead_department__isnull=False)
        .values("lead_department_id", "lead_department__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )


# --- the records behind each figure (dashboards drill down with these) -----------------------

FIGURE_TITLES = {
    "received": "收到的建议",
    "dispatched": "已交办的建议",
    "replied": "已答复的建议",
    "replied_on_time": "按期答复的建议",
    "closed": "已销单的建议",
    "evaluated": "已评价的建议",
    "satisfied": "评价满意的建议",
    "satisfied_or_basic": "评价满意或基本满意的建议",
    "class_a": "已解决(A类)的建议",
    "overdue": "超期未办的建议",
}


def received_by_township(*, townships=None, date_from=None, date_to=None) -> dict[int, int]:
    """{township_id: suggestions submitted in the period} (any channel, any state)."""
    qs = _period(_scoped(townships), "submitted_at__date", date_from, date_to)
    return dict(qs.values("township_id").annotate(n=Count("pk")).values_list("township_id", "n").order_by())


def figure_queryset(name: str, *, townships=None, date_from=None, date_to=None, today=None) -> QuerySet:
    """The suggestions counted by one figure of :func:`suggestion_figures`, using the very same
    filters (``_COUNTS`` and the period rules of ``_grouped``). Raises KeyError for an unknown
    name."""
    if name not in FIGURE_TITLES:
        raise KeyError(name)
    today = today or timezone.localdate()
    base = _scoped(townships)
    if name == "received":
        return _period(base, "submitted_at__date", date_from, date_to)
    if name == "overdue":
        return base.filter(state__in=OPEN_STATES, due_date__lt=today)
    if name == "replied_on_time":
        due = _period(base.filter(dispatched_at__isnull=False, deadline__isnull=False), "deadline",
                      date_from, date_to)
        return due.filter(first_replied_at__isnull=False, first_replied_at__date__lte=models_f("deadline"))
    dispatched = _period(base.filter(dispatched_at__isnull=False), "dispatched_at__date", date_from, date_to)
    if name == "dispatched":
        return dispatched
    if name == "satisfied_or_basic":
        return dispatched.filter(_COUNTS["satisfied"].filter | _COUNTS["basically_satisfied"].filter)
    return dispatched.filter(_COUNTS[name].filter)

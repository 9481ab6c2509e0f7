"""Red and yellow lights (红灯 / 黄灯) on the work queues — one rule, shared with the reminders.

An open item whose current stage has a deadline (``due_date``; the stages of
:data:`suggestions.workflow.STAGES` with a deadline rule) is

- **red** (红灯) when the deadline has passed (``due_date < today``): the reminder sweep's
  ``overdue``;
- **yellow** (黄灯) when the deadline is today or within the township's
  ``DeadlineSettings.remind_before_workdays`` working days (Chinese working-day calendar): the
  sweep's ``due_today`` and ``due_soon``;
- unlit otherwise, and always once evaluated, closed, withdrawn or rejected.

:func:`deadline_status` is the one rule; :mod:`suggestions.reminders` asks it which reminder
to send and :func:`classify` turns its answer into a light, so a light and a reminder never
disagree. :class:`Horizons` computes each township's yellow horizon once (one query for the
settings, one for the calendar), and :func:`red_q` / :func:`yellow_q` express the same rule in
SQL for lists (:func:`with_lights`), filters and counts per department
(:func:`department_counts`): the number of queries does not grow with the list.
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Case, Count, Q, Value, When

from congress.workdays import WorkCalendar

from .models import DeadlineSettings, Reminder
from .workflow import STAGES

# States whose stage has a deadline: the only ones that may be lit or reminded about.
LIT_STATES = tuple(state for state, stage in STAGES.items() if stage.due is not None)

# The sweep's kinds that are about the deadline of the item's own stage (escalation is a copy
# of ``overdue`` to the leaders).
OVERDUE = Reminder.Kind.OVERDUE
DUE_TODAY = Reminder.Kind.DUE_TODAY
DUE_SOON = Reminder.Kind.DUE_SOON


class Light(models.TextChoices):
    RED = "red", "红灯"
    YELLOW = "yellow", "黄灯"


def yellow_horizon(today: datetime.date, remind_before_workdays: int, calendar: WorkCalendar) -> datetime.date:
    """The last day that is still yellow: ``remind_before_workdays`` working days after today."""
    return calendar.add_workdays(today, remind_before_workdays)


def deadline_status(due_date: datetime.date | None, today: datetime.date, horizon: datetime.date) -> str | None:
    """The one rule: ``overdue`` (past), ``due_today``, ``due_soon`` (up to ``horizon``,
    inclusive), or None — the :class:`~suggestions.models.Reminder.Kind` the sweep sends."""
    if due_date is None:
        return None
    if due_date < today:
        return OVERDUE
    if due_date == today:
        return DUE_TODAY
    if due_date <= horizon:
        return DUE_SOON
    return None


def classify(state: str, due_date: datetime.date | None, today: datetime.date,
             horizon: datetime.date) -> Light | None:
    """The light of one item: red for ``overdue``, yellow for ``due_today``/``due_soon``
    (:func:`deadline_status`); None for an item without a stage deadline."""
    if state not in LIT_STATES:
        return None
    status = deadline_status(due_date, today, horizon)
    if status == OVERDUE:
        return Light.RED
    if status in (DUE_TODAY, DUE_SOON):
        return Light.YELLOW
    return None


@dataclass
class Horizons:
    """Each township's yellow horizon for one day: computed once (one query for the settings,
    one for the calendar), then answered from memory."""

    today: datetime.date
    default: datetime.date
    by_township: dict[int, datetime.date] = field(default_factory=dict)

    @classmethod
    def load(cls, today: datetime.date, township_ids=None) -> "Horizons":
        settings = DeadlineSettings.objects.all()
        if township_ids is not None:
            settings = settings.filter(township_id__in=list(township_ids))
        before = dict(settings.values_list("township_id", "remind_before_workdays"))
        calendar = WorkCalendar([today.year, today.year + 1])
        by_days = {n: yellow_horizon(today, n, calendar)
                   for n in {DeadlineSettings().remind_before_workdays, *before.values()}}
        return cls(today=today, default=by_days[DeadlineSettings().remind_before_workdays],
                   by_township={tid: by_days[n] for tid, n in before.items()})

    def of(self, township_id) -> datetime.date:
        return self.by_township.get(township_id, self.default)

    @property
    def latest(self) -> datetime.date:
        return max([self.default, *self.by_township.values()])

    def light(self, suggestion) -> Light | None:
        return classify(suggestion.state, suggestion.due_date, self.today, self.of(suggestion.township_id))


def red_q(today: datetime.date, prefix: str = "") -> Q:
    """Red in SQL (``prefix``: the path to the suggestion, e.g. ``"suggestion__"``)."""
    return Q(**{f"{prefix}state__in": LIT_STATES, f"{prefix}due_date__lt": today})


def yellow_q(horizons: Horizons, prefix: str = "") -> Q:
    """Yellow in SQL: today up to the township's own horizon (townships grouped by horizon, so
    the condition has one branch per distinct setting, not per township)."""
    groups: dict[datetime.date, list[int]] = {}
    for tid, day in horizons.by_township.items():
        if day != horizons.default:
            groups.setdefault(day, []).append(tid)
    own = [tid for ids in groups.values() for tid in ids]
    within = Q(**{f"{prefix}due_date__lte": horizons.default}) & ~Q(**{f"{prefix}township_id__in": own})
    for day, ids in groups.items():
        within |= Q(**{f"{prefix}township_id__in": ids, f"{prefix}due_date__lte": day})
    return Q(**{f"{prefix}state__in": LIT_STATES, f"{prefix}due_date__gte": horizons.today}) & within


def light_q(light: str, horizons: Horizons) -> Q:
    return red_q(horizons.today) if light == Light.RED else yellow_q(horizons)


def with_lights(qs, horizons: Horizons):
    """Annotate each row with ``light`` ("red", "yellow" or "") in the same query."""
    return qs.annotate(light=Case(
        When(red_q(horizons.today), then=Value(Light.RED.value)),
        When(yellow_q(horizons), then=Value(Light.YELLOW.value)),
        default=Value(""), output_field=models.CharField(),
    ))


@dataclass(frozen=True)
class DepartmentLights:
    department_id: int | None
    name: str
    red: int
    yellow: int
    township_id: int | None = None  # set when the rows span several townships (the county viewer)

    @property
    def query(self) -> str:
        """The work queue's filter for exactly the items this row counts."""
        query = f"department={self.department_id or 'none'}"
        return query + (f"&township={self.township_id}" if self.township_id else "")


def department_counts(qs, horizons: Horizons) -> list[DepartmentLights]:
    """Per lead department, how many of ``qs`` are red and yellow (one query; departments with
    neither are left out; items not yet dispatched are counted under 未交办). Most red first."""
    rows = [r for r in (
        qs.filter(state__in=LIT_STATES, due_date__lte=horizons.latest)
        .order_by()
        .values("lead_department_id", "lead_department__name", "township_id", "township__name")
        .annotate(red=Count("pk", filter=red_q(horizons.today)), yellow=Count("pk", filter=yellow_q(horizons)))
    ) if r["red"] or r["yellow"]]
    # Across townships (the county viewer) a department is named with its township; a county
    # department serving several townships is one row per township.
    several = len({r["township_id"] for r in rows}) > 1
    found = [DepartmentLights(
        r["lead_department_id"],
        (r["township__name"] if several else "") + (r["lead_department__name"] or "未交办(待接单/派单)"),
        r["red"], r["yellow"], r["township_id"] if several else None) for r in rows]
    return sorted(found, key=lambda d: (-d.red, -d.yellow, d.name))

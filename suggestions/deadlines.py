"""Reply deadlines per cycle and the rating window (DOMAIN.md §5).

* Each cycle keeps its own reply deadline, as :class:`~suggestions.models.ReplyDeadline` rows:
  cycle 0 is the first reply, set at 交办; cycle *n* the *n*-th re-handling (重新办理), due two
  months after the 不满意 rating. An approved extension (延期) is a later row of the cycle it
  extends. The deadline of a cycle is its latest row.
* ``Suggestion.deadline`` always holds the deadline of cycle 0 (first deadline plus any approved
  extension): 按期办复率 measures the first reply against it, and a re-handling deadline never
  replaces it. The current stage deadline (``due_date``, what reminders and the red lights read)
  is set by the services from :func:`current_reply_deadline` when the reply stage is entered.
* The rating window: the deputy (and the citizen) rate within ``evaluation_workdays`` (20)
  Chinese working days after the reply. Afterwards the service refuses the rating; staff may
  record a late one with a reason, flagged ``rating_late`` and left out of 满意率 (see
  :mod:`suggestions.figures`).

The services call these functions inside their own transaction, on the row they have locked;
nothing here saves the suggestion itself (the caller does, with the fields named here).
"""

import datetime

from django.utils import timezone

from congress.workdays import WorkCalendar, months_deadline

from .models import DeadlineSettings, ReplyDeadline, Suggestion

LATE_RATING_MESSAGE = (
    "评价期限({due:%Y年%m月%d日})已过,不能再评价;逾期未评价的建议不计入满意率。"
    "如确需补录,请联系人大办工作人员登记并说明原因。"
)


def _add(suggestion: Suggestion, *, cycle: int, kind: str, due: datetime.date, actor, reason: str) -> ReplyDeadline:
    from .services import _now  # the services' clock (the demo backdates its history)

    return ReplyDeadline.objects.create(
        suggestion=suggestion, cycle=cycle, kind=kind, due_date=due, set_by=actor,
        set_at=_now(), reason=reason,
    )


def record_first_deadline(suggestion: Suggestion, *, actor, reason: str = "") -> ReplyDeadline:
    """At 交办: keep ``suggestion.deadline`` (already chosen by the dispatch service) as the
    first reply deadline of cycle 0."""
    return _add(suggestion, cycle=0, kind=ReplyDeadline.Kind.FIRST, due=suggestion.deadline,
                actor=actor, reason=reason or "交办")


def current_reply_deadline(suggestion: Suggestion) -> datetime.date | None:
    """The deadline of the cycle in progress (latest row of cycle ``rehandle_count``); falls back
    to ``suggestion.deadline`` for rows made before the deadlines were kept per cycle."""
    row = (
        ReplyDeadline.objects.filter(suggestion_id=suggestion.pk, cycle=suggestion.rehandle_count)
        .order_by("-set_at", "-id").first()
    )
    if row is not None:
        return row.due_date
    return suggestion.deadline if suggestion.rehandle_count == 0 else None


def extend_deadline(suggestion: Suggestion, *, months: int, actor, reason: str = "") -> datetime.date:
    """An approved extension of the cycle in progress by ``months``. Sets ``suggestion.deadline``
    only when that cycle is the first (the caller saves ``deadline``). Returns the new date."""
    current = current_reply_deadline(suggestion) or suggestion.deadline
    due = months_deadline(current, months)
    _add(suggestion, cycle=suggestion.rehandle_count, kind=ReplyDeadline.Kind.EXTENSION, due=due,
         actor=actor, reason=reason or f"延期{months}个月")
    if suggestion.rehandle_count == 0:
        suggestion.deadline = due
    return due


def start_rehandle_cycle(suggestion: Suggestion, *, settings: DeadlineSettings, today: datetime.date,
                         actor, reason: str = "") -> datetime.date:
    """The deputy rated 不满意: a new cycle (``rehandle_count`` already incremented by the caller)
    due ``rehandle_months`` after today. ``suggestion.deadline`` (the first cycle's) is left as
    it is. Returns the new cycle's deadline."""
    due = months_deadline(today, settings.rehandle_months)
    _add(suggestion, cycle=suggestion.rehandle_count, kind=ReplyDeadline.Kind.REHANDLE, due=due,
         actor=actor, reason=reason or "评价不满意,重新办理")
    return due


# --- the rating window ---------------------------------------------------------------------------


def rating_deadline(suggestion: Suggestion, settings: DeadlineSettings | None = None,
                    calendar: WorkCalendar | None = None) -> datetime.date | None:
    """The last day to rate the latest reply: ``evaluation_workdays`` working days after it
    (the deputy's direct answer counts as the reply for the citizen). A sweep over many items
    passes one ``calendar``."""
    replied = suggestion.replied_at or (suggestion.closed_at if suggestion.direct_answer else None)
    if replied is None:
        return None
    settings = settings or DeadlineSettings.for_township(suggestion.township_id)
    day = timezone.localdate(replied)
    calendar = calendar or WorkCalendar([day.year, day.year + 1])
    return calendar.add_workdays(day, settings.evaluation_workdays)


def rating_is_late(suggestion: Suggestion, today: datetime.date, settings: DeadlineSettings | None = None) -> bool:
    due = rating_deadline(suggestion, settings)
    return due is not None and today > due


def late_rating_message(suggestion: Suggestion, settings: DeadlineSettings | None = None) -> str:
    return LATE_RATING_MESSAGE.format(due=rating_deadline(suggestion, settings))

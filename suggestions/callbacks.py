"""回访: the citizen who has not rated a reply is invited once, by SMS, to rate it (DOMAIN.md §5:
"invited once to rate (回访) when they have not"). Celery beat runs
:func:`suggestions.tasks.callback_sweep_task` daily (``CELERY_BEAT_SCHEDULE``).

Who is invited: an item formally replied (state 已答复, 已评价 or 已销单 — the deputy's rating
does not replace the citizen's), whose citizen has not rated (``citizen_rating`` empty),

* who may be told by SMS at all — phone, consent, not anonymous: the one rule of
  :mod:`suggestions.citizen_notices` (:data:`~suggestions.citizen_notices.MAY_BE_TOLD`);
* who was told of that reply (the ``replied`` SMS of the current handling cycle is in the
  outbox). History the demo builds backdated texts nobody (``services.backdated``), so it is
  never called back either; nor are replies older than the citizen SMS;
* once the township's ``callback_workdays`` (default 5; 0 turns 回访 off) Chinese working days
  have passed since the reply, and while the rating window is still open
  (:func:`suggestions.deadlines.rating_deadline`: the tracking page would refuse a later rating).

A deputy's direct answer (代表直接答复办结) is not a formal reply and gets no 回访.

Exactly once per suggestion: the sweep inserts a :class:`~suggestions.models.CitizenCallback`
row (unique per suggestion) with ``INSERT … ON CONFLICT DO NOTHING`` tagged with its token; only
the rows it inserted get the SMS (an outbox row, :func:`~suggestions.citizen_notices.citizen_notice_add`,
itself deduplicated) and an internal timeline row, all in one transaction. A second sweep (beat
firing twice, a retried task, two at once) finds every row claimed; a sweep that dies leaves
nothing claimed. The link in the SMS opens the tracking page, where the rating is the citizen's
rating (``services.suggestion_citizen_rate``).
"""

import datetime
import uuid

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from congress.models import Delivery
from congress.notices.catalog import NoticeKind
from congress.workdays import WorkCalendar

from . import deadlines
from .citizen_notices import MAY_BE_TOLD, citizen_notice_add, reply_notice_key
from .models import CitizenCallback, DeadlineSettings, EventKind, State, Suggestion, SuggestionEvent

CALLBACK_STATES = (State.REPLIED, State.EVALUATED, State.CLOSED)
TIMELINE_NOTE = "已短信邀请群众对办理结果进行评价(回访)"


def _candidates(today: datetime.date, settings: dict, default: DeadlineSettings):
    """Unrated replies that might be due: the exact working-day check is done per row."""
    every = [*settings.values(), default]
    off = [tid for tid, s in settings.items() if not s.callback_workdays]
    longest = max(s.evaluation_workdays for s in every)
    shortest = min((s.callback_workdays for s in every if s.callback_workdays), default=0)
    # n working days are at least n calendar days and (holidays included) at most 2n + 30.
    earliest = today - datetime.timedelta(days=2 * longest + 30)
    latest = today - datetime.timedelta(days=shortest)
    called = CitizenCallback.objects.filter(suggestion=OuterRef("pk"))
    return (
        Suggestion.objects.filter(MAY_BE_TOLD, state__in=CALLBACK_STATES, replied_at__isnull=False,
                                  citizen_rating="")
        .filter(replied_at__date__gte=earliest, replied_at__date__lte=latest)
        .exclude(township_id__in=off)
        .filter(~Exists(called))
        .only("id", "township_id", "state", "code", "title", "replied_at", "closed_at", "direct_answer",
              "rehandle_count", "submitter_phone", "consent_at", "is_anonymous")
    )


@transaction.atomic
def callback_sweep(*, today: datetime.date | None = None) -> dict:
    """Invite every due citizen once; returns {"claimed": n, "sms": n}."""
    today = today or timezone.localdate()
    token = uuid.uuid4().hex
    settings = {s.township_id: s for s in DeadlineSettings.objects.all()}
    default = DeadlineSettings()
    candidates = list(_candidates(today, settings, default))
    if not candidates:
        return {"claimed": 0, "sms": 0}
    told = set(
        Delivery.objects.filter(dedupe_key__in=[reply_notice_key(s.pk, s.rehandle_count) for s in candidates])
        .values_list("dedupe_key", flat=True)
    )
    cal = WorkCalendar([today.year - 1, today.year])
    due = []
    for s in candidates:
        own = settings.get(s.township_id, default)
        replied_on = timezone.localdate(s.replied_at)
        if (reply_notice_key(s.pk, s.rehandle_count) in told
                and cal.add_workdays(replied_on, own.callback_workdays) <= today
                <= deadlines.rating_deadline(s, own, calendar=cal)):
            due.append(s)
    CitizenCallback.objects.bulk_create(
        [CitizenCallback(suggestion_id=s.pk, replied_at=s.replied_at, claim_token=token) for s in due],
        ignore_conflicts=True,
    )
    claimed = set(CitizenCallback.objects.filter(claim_token=token).values_list("suggestion_id", flat=True))
    mine = [s for s in due if s.pk in claimed]
    sent = sum(citizen_notice_add(suggestion=s, kind=NoticeKind.REVISIT) is not None for s in mine)
    SuggestionEvent.objects.bulk_create([
        SuggestionEvent(suggestion_id=s.pk, action=EventKind.CALLBACK, actor=None, actor_label="系统",
                        from_state=s.state, to_state=s.state, note=TIMELINE_NOTE, is_public=False)
        for s in mine
    ])
    return {"claimed": len(mine), "sms": sent}

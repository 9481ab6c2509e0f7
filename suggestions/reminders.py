"""The reminder sweep (Celery beat runs :func:`suggestions.tasks.reminder_sweep` every hour).

For every open suggestion whose current stage deadline (``due_date``) is near, today, or past,
the party who must act (``suggestions.workflow.STAGES``: who acts in each stage and what they
must do) is told: before the deadline (``due_soon``, within the township's
``remind_before_workdays``), on the day (``due_today``), and when overdue (``overdue``) — and an
overdue item is escalated (``escalated``) to the supervising leader and the presidium chair.
Which of these is due is :func:`suggestions.lights.deadline_status`, the rule the work queues'
红灯/黄灯 follow, with each township's horizon computed once (:class:`suggestions.lights.Horizons`).

Exactly once: each (suggestion, stage, cycle, kind) is claimed by inserting a
:class:`~suggestions.models.Reminder` row under a unique constraint (``INSERT … ON CONFLICT DO
NOTHING``) tagged with this sweep's token; only the reminders this sweep inserted are sent. The
claim and the inbox rows commit together, so a sweep that dies mid-way leaves nothing claimed, and
a second sweep (beat firing twice, a retried task) finds every row already claimed. E-mail/SMS
copies are outbox rows written in the same transaction and sent by the worker (congress.outbox).

The number of queries does not depend on how many suggestions are open or due.
"""

import datetime
import uuid
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from congress.models import Notification, User
from congress.notifications import notifications_send_bulk
from congress.roles import PRESIDIUM_STAFF, Role

from . import lights
from .models import Reminder, State, Suggestion
from .workflow import STAGES, NextActor

BATCH = 2000


def _candidates(today: datetime.date, horizon: datetime.date):
    already_escalated = Reminder.objects.filter(
        suggestion=OuterRef("pk"), stage=OuterRef("state"), cycle=OuterRef("due_version"),
        kind=Reminder.Kind.ESCALATED,
    )
    return (
        Suggestion.objects.filter(state__in=lights.LIT_STATES, due_date__isnull=False, due_date__lte=horizon)
        .filter(Q(due_date__gte=today) | ~Exists(already_escalated))
    )


@transaction.atomic
def reminder_sweep(*, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    token = uuid.uuid4().hex
    # The yellow lights' horizons (suggestions.lights): the same rule decides both.
    horizons = lights.Horizons.load(today)
    candidates = _candidates(today, horizons.latest)
    rows = list(
        candidates.values(
            "id", "township_id", "state", "due_date", "due_version", "title", "lead_department_id",
            "lead_deputy__user_id", "supervisor_id",
        )
    )
    if not rows:
        return {"claimed": 0, "notifications": 0}

    # Who acts in each stage: fetched in a fixed number of queries for all candidates.
    routed = defaultdict(set)
    through = Suggestion.routed_deputies.through
    for sid, uid in through.objects.filter(
        suggestion__in=candidates.filter(state=State.SUBMITTED), deputy__user__isnull=False
    ).values_list("suggestion_id", "deputy__user_id"):
        routed[sid].add(uid)
    township_ids = {r["township_id"] for r in rows}
    staff = defaultdict(set)
    chairs = defaultdict(set)
    for uid, tid, role in User.objects.filter(
        township_id__in=township_ids, role__in=PRESIDIUM_STAFF, is_active=True
    ).values_list("pk", "township_id", "role"):
        staff[tid].add(uid)
        if role == Role.CHAIR:
            chairs[tid].add(uid)
    handlers = defaultdict(set)
    department_ids = {r["lead_department_id"] for r in rows if r["lead_department_id"]}
    for uid, did in User.objects.filter(
        department_id__in=department_ids, role=Role.HANDLER, is_active=True
    ).values_list("pk", "department_id"):
        handlers[did].add(uid)

    who = NextActor

    def actors(row) -> set:
        """Who acts in the row's stage (``workflow.STAGES``), else the township's staff."""
        kind = STAGES[row["state"]].actor
        if kind == who.ROUTED_DEPUTIES:
            found = routed[row["id"]]
        elif kind == who.LEAD_DEPUTY:
            found = {row["lead_deputy__user_id"]} - {None}
        elif kind == who.LEAD_DEPARTMENT:
            found = handlers[row["lead_department_id"]]
        else:
            found = set()
        return found or staff[row["township_id"]]

    planned = []  # (row, kind, recipients)
    for row in rows:
        kind = lights.deadline_status(row["due_date"], today, horizons.of(row["township_id"]))
        if kind is None:
            continue
        planned.append((row, kind, actors(row)))
        if kind == Reminder.Kind.OVERDUE:
            leaders = set(chairs[row["township_id"]])
            if row["supervisor_id"]:
                leaders.add(row["supervisor_id"])
            planned.append((row, Reminder.Kind.ESCALATED, leaders))

    Reminder.objects.bulk_create(
        [
            Reminder(suggestion_id=row["id"], stage=row["state"], cycle=row["due_version"], kind=kind,
                     claim_token=token, recipients=len(recipients))
            for row, kind, recipients in planned
        ],
        ignore_conflicts=True,
        batch_size=BATCH,
    )
    claimed = set(Reminder.objects.filter(claim_token=token).values_list("suggestion_id", "kind"))

    notifications = []
    for row, kind, recipients in planned:
        if (row["id"], kind) not in claimed:
            continue
        urgent = kind in (Reminder.Kind.OVERDUE, Reminder.Kind.ESCALATED)
        title = f"【{Reminder.Kind(kind).label}】{row['title']}"
        body = (
            f"{State(row['state']).label}环节期限:{row['due_date']:%Y年%m月%d日}。"
            + ("该建议已逾期,请督促办理。" if kind == Reminder.Kind.ESCALATED else STAGES[row["state"]].todo)
        )
        url = f"/portal/suggestions/{row['id']}/"
        # The SMS copy of an urgent reminder uses the approved 期限提醒 template (congress.notices).
        sms_params = {"title": row["title"], "stage": State(row["state"]).label,
                      "date": f"{row['due_date']:%Y年%m月%d日}"}
        for uid in recipients:
            notification = Notification(recipient_id=uid, title=title[:200], body=body, url=url,
                                        sms_requested=urgent)
            notification.sms_template = ("deadline", sms_params)
            notifications.append(notification)
    if notifications:
        # Inbox rows and their e-mail/SMS outbox rows, in this transaction (congress.outbox).
        notifications_send_bulk(notifications)
    return {"claimed": len(claimed), "notifications": len(notifications)}

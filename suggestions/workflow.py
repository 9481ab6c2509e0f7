"""The suggestion workflow as data: one declaration per action and per open stage.

Everything else reads these tables instead of re-coding them:

- :func:`suggestions.services._transition` (the one place that assigns ``Suggestion.state``)
  takes the sources, target, permission rule, timestamp, due-date rule, timeline visibility and
  the notice to the next actor from :data:`ACTIONS`;
- :mod:`suggestions.actions` (portal and admin doors) takes the form, the button title and the
  service to call;
- :mod:`suggestions.reminders` takes who acts next and what they must do from :data:`STAGES`.

Pure data and pure functions: no database access here.
"""

import enum
from dataclasses import dataclass

from congress.exceptions import ApplicationError

from .models import OPEN_STATES, EventKind, State

S = State

STALE_MESSAGE = "该建议已被他人处理,请刷新后重试"


class TransitionNotAllowed(ApplicationError):
    """The action is not possible from the current state (or by this actor)."""


class NextActor(enum.StrEnum):
    """Who must act in a stage. Each falls back to the township's presidium staff when nobody
    of that kind exists (no routed deputy with an account, no handler in the department)."""

    ROUTED_DEPUTIES = "routed_deputies"
    LEAD_DEPUTY = "lead_deputy"
    LEAD_DEPARTMENT = "lead_department"
    STAFF = "staff"


# A stage's deadline that is the reply deadline (``Suggestion.deadline``), not a count of days.
REPLY_DEADLINE = "reply_deadline"


@dataclass(frozen=True)
class Stage:
    """An open state: who acts, what they are asked to do, and its deadline rule — the name of
    the :class:`~suggestions.models.DeadlineSettings` field counting working days, or
    :data:`REPLY_DEADLINE`, or ``None`` (no deadline)."""

    state: str
    actor: NextActor
    todo: str
    due: str | None


STAGES: dict[str, Stage] = {
    stage.state: stage
    for stage in [
        Stage(S.SUBMITTED, NextActor.ROUTED_DEPUTIES, "请接单", "claim_workdays"),
        Stage(S.CLAIMED, NextActor.LEAD_DEPUTY, "请完善后提交主席团", "present_workdays"),
        Stage(S.PRESENTED, NextActor.STAFF, "请审核派单", "dispatch_workdays"),
        Stage(S.DISPATCHED, NextActor.LEAD_DEPARTMENT, "请签收", "sign_workdays"),
        Stage(S.IN_PROGRESS, NextActor.LEAD_DEPARTMENT, "请按期答复", REPLY_DEADLINE),
        Stage(S.REPLIED, NextActor.LEAD_DEPUTY, "请评价答复", "evaluation_workdays"),
        Stage(S.EVALUATED, NextActor.STAFF, "请销单", None),
    ]
}


@dataclass(frozen=True)
class Action:
    """One workflow action.

    ``sources`` the states it may start from (empty: it creates the suggestion); ``target`` the
    state it moves to (``None``: the state stays); ``rule`` the key of
    :data:`suggestions.rules.ACTION_RULES` that must allow the actor (creation: the creating
    service checks); ``stamp`` the timestamp
    field set when it happens; ``restarts_due`` whether the current stage's deadline is computed
    afresh (every move does; an approved extension too); ``public`` whether its timeline entry
    is shown to the citizen; ``notice`` the title sent to the next actor of the target stage
    (``{title}`` is the suggestion's title). For the doors: ``title`` the button, ``form`` the
    name of the form class in :mod:`suggestions.forms`, ``service`` the function in
    :mod:`suggestions.services` (``None``: reached through another action's door); ``bulk``
    whether the admin list offers it for many items at once (one form, then the service per item).
    """

    name: str
    sources: frozenset
    target: str | None
    rule: str
    title: str
    form: str | None = None
    service: str | None = None
    stamp: str | None = None
    restarts_due: bool = False
    public: bool = True
    notice: str | None = None
    bulk: bool = False

    @property
    def label(self) -> str:
        """The Chinese name on the timeline (the :class:`EventKind` label)."""
        return EventKind(self.name).label if self.name in EventKind.values else self.title


def _a(name, sources, target=None, *, rule=None, title, form=None, service=None, stamp=None,
       restarts_due=None, public=True, notice=None, bulk=False) -> Action:
    return Action(
        name=name, sources=frozenset(sources), target=target, rule=rule or name, title=title, form=form,
        service=service, stamp=stamp, restarts_due=target is not None if restarts_due is None else restarts_due,
        public=public, notice=notice, bulk=bulk,
    )


BEFORE_DISPATCH = [S.SUBMITTED, S.CLAIMED, S.PRESENTED]
HANDLING = [S.DISPATCHED, S.IN_PROGRESS]
# Open stages with a deadline and someone other than the office to act: what 催办 presses.
CHASEABLE = [state for state, stage in STAGES.items() if stage.due is not None]

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        # Creation: no source state.
        _a("submit", [], S.SUBMITTED, rule="", title="提交"),
        _a("propose", [], S.PRESENTED, rule="", title="代表提出建议", stamp="presented_at",
           notice="代表建议待派单:{title}"),
        # Deputies.
        _a("claim", [S.SUBMITTED], S.CLAIMED, title="接单", form="EmptyActionForm",
           service="suggestion_claim", stamp="claimed_at"),
        _a("cosign", [S.CLAIMED, S.PRESENTED], title="联名", form="EmptyActionForm", service="suggestion_cosign"),
        _a("answer", [S.SUBMITTED, S.CLAIMED], S.CLOSED, title="直接答复", form="AnswerForm",
           service="suggestion_answer_directly", stamp="closed_at"),
        _a("present", [S.CLAIMED], S.PRESENTED, title="完善并提交主席团", form="PresentForm",
           service="suggestion_present", stamp="presented_at", notice="代表建议待派单:{title}"),
        # Presidium staff.
        _a("withdraw", BEFORE_DISPATCH, S.WITHDRAWN, title="撤回", form="ReasonForm", service="suggestion_withdraw"),
        _a("reject", BEFORE_DISPATCH, S.REJECTED, title="不予受理", form="ReasonForm", service="suggestion_reject",
           bulk=True),
        _a("dispatch", [S.SUBMITTED, S.PRESENTED], S.DISPATCHED, title="派单", form="DispatchForm",
           service="suggestion_dispatch", stamp="dispatched_at", notice="交办建议待签收:{title}", bulk=True),
        # Departments.
        _a("sign", [S.DISPATCHED], S.IN_PROGRESS, title="签收", form="EmptyActionForm", service="suggestion_sign",
           stamp="signed_at"),
        _a("request_reassign", HANDLING, title="申请改办", form="ChangeRequestForm",
           service="suggestion_request_change", public=False),
        _a("request_extension", [S.IN_PROGRESS], title="申请延期", form="ExtensionRequestForm",
           service="suggestion_request_change", public=False),
        # Staff decide a department's request: one door, four outcomes.
        _a("decide_request", HANDLING, title="审批申请", form="DecideRequestForm",
           service="suggestion_decide_change", public=False),
        _a("approve_reassign", HANDLING, S.DISPATCHED, rule="decide_request", title="同意改办", public=False,
           notice="交办建议待签收:{title}"),
        _a("refuse_reassign", HANDLING, rule="decide_request", title="不同意改办", public=False),
        _a("approve_extension", [S.IN_PROGRESS], rule="decide_request", title="同意延期", restarts_due=True,
           public=False),
        _a("refuse_extension", [S.IN_PROGRESS], rule="decide_request", title="不同意延期", public=False),
        _a("note", HANDLING, title="办理进展", form="ProgressForm", service="suggestion_add_progress"),
        _a("reply", [S.IN_PROGRESS], S.REPLIED, title="正式答复", form="ReplyForm", service="suggestion_reply",
           stamp="replied_at", notice="建议已答复,请在规定时间内评价:{title}"),
        # Evaluation and closing.
        _a("evaluate", [S.REPLIED], S.EVALUATED, title="评价", form="EvaluateForm", service="suggestion_evaluate",
           stamp="evaluated_at"),
        _a("rehandle", [S.REPLIED], S.IN_PROGRESS, rule="evaluate", title="重新办理", stamp="evaluated_at",
           notice="建议评价不满意,请重新办理:{title}"),
        _a("close", [S.REPLIED, S.EVALUATED], S.CLOSED, title="销单", form="CloseForm", service="suggestion_close",
           stamp="closed_at"),
        # Supervision: staff chase whoever must act now (催办, at most once a day per item); the
        # supervising leader or the chair issue a 督办函 on a key suggestion in handling (督办).
        _a("chase", CHASEABLE, title="催办", form="ChaseForm", service="suggestion_chase", public=False),
        _a("supervise", HANDLING, title="督办", form="SuperviseForm", service="suggestion_supervise",
           public=False),
        # Staff correct the working text; the original is kept (not a move).
        _a("revise", OPEN_STATES, title="更正标题或内容", form="ReviseForm", service="suggestion_revise",
           public=False),
    ]
}

# The actions a door offers, in the order their forms are shown.
DOOR_ACTIONS = [a.name for a in ACTIONS.values() if a.form]
# The door actions the admin list offers for many selected items.
BULK_ACTIONS = [name for name in DOOR_ACTIONS if ACTIONS[name].bulk]


def can_transition(state: str, action: str) -> bool:
    spec = ACTIONS.get(action)
    return spec is not None and state in spec.sources


def actions_from(state: str) -> list[str]:
    """Door actions whose sources include ``state`` (before asking who may take them)."""
    return [name for name in DOOR_ACTIONS if state in ACTIONS[name].sources]

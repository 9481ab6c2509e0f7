"""The suggestion workflow as data: which action moves which state to which, and the pure
``can_transition``. No database access here; :mod:`suggestions.services` applies it under
``select_for_update`` and checks the actor's permission from ``suggestions.rules.ACTION_RULES``.
"""

from dataclasses import dataclass

from congress.exceptions import ApplicationError

from .models import State

S = State


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str | None  # None: the state stays (co-sign, notes, requests)


def _t(action, label, sources, target=None):
    return Transition(action, label, frozenset(sources), target)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        _t("claim", "代表接单", [S.SUBMITTED], S.CLAIMED),
        _t("cosign", "联名", [S.CLAIMED, S.PRESENTED]),
        _t("answer", "代表直接答复并办结", [S.SUBMITTED, S.CLAIMED], S.CLOSED),
        _t("present", "提交主席团", [S.CLAIMED], S.PRESENTED),
        _t("withdraw", "撤回", [S.SUBMITTED, S.CLAIMED, S.PRESENTED], S.WITHDRAWN),
        _t("reject", "不予受理", [S.SUBMITTED, S.CLAIMED, S.PRESENTED], S.REJECTED),
        _t("dispatch", "人大派单", [S.SUBMITTED, S.PRESENTED], S.DISPATCHED),
        _t("sign", "承办单位签收", [S.DISPATCHED], S.IN_PROGRESS),
        _t("request_reassign", "申请改办", [S.DISPATCHED, S.IN_PROGRESS]),
        _t("approve_reassign", "同意改办", [S.DISPATCHED, S.IN_PROGRESS], S.DISPATCHED),
        _t("refuse_reassign", "不同意改办", [S.DISPATCHED, S.IN_PROGRESS]),
        _t("request_extension", "申请延期", [S.IN_PROGRESS]),
        _t("approve_extension", "同意延期", [S.IN_PROGRESS]),
        _t("refuse_extension", "不同意延期", [S.IN_PROGRESS]),
        _t("note", "办理进展", [S.DISPATCHED, S.IN_PROGRESS]),
        _t("reply", "正式答复", [S.IN_PROGRESS], S.REPLIED),
        _t("evaluate", "评价", [S.REPLIED], S.EVALUATED),
        _t("rehandle", "不满意,重新办理", [S.REPLIED], S.IN_PROGRESS),
        _t("close", "销单", [S.REPLIED, S.EVALUATED], S.CLOSED),
    ]
}

# Which permission rule (suggestions.rules.ACTION_RULES) guards each action.
ACTION_PERMISSION = {
    "approve_reassign": "decide_request",
    "refuse_reassign": "decide_request",
    "approve_extension": "decide_request",
    "refuse_extension": "decide_request",
    "rehandle": "evaluate",
}

# Who must act in each open state (for reminders and the "待办" lists).
STAGE_ACTOR = {
    S.SUBMITTED: "deputies",
    S.CLAIMED: "lead_deputy",
    S.PRESENTED: "staff",
    S.DISPATCHED: "lead_department",
    S.IN_PROGRESS: "lead_department",
    S.REPLIED: "evaluator",
    S.EVALUATED: "staff",
}


class TransitionNotAllowed(ApplicationError):
    """The action is not possible from the current state (or by this actor)."""


STALE_MESSAGE = "该建议已被他人处理,请刷新后重试"


def can_transition(state: str, action: str) -> bool:
    transition = TRANSITIONS.get(action)
    return transition is not None and state in transition.sources


def target_state(state: str, action: str) -> str:
    transition = TRANSITIONS[action]
    return transition.target or state


def actions_from(state: str) -> list[str]:
    return [a for a, t in TRANSITIONS.items() if state in t.sources]


def permission_name(action: str) -> str:
    return f"suggestions.{ACTION_PERMISSION.get(action, action)}_suggestion"

"""The doors' shared plumbing: which workflow actions a user may take now, the form for each,
and performing one through its service — read from :data:`suggestions.workflow.ACTIONS`, so the
portal and the admin offer the same actions and call the same services."""

from django.shortcuts import get_object_or_404

from congress import permissions as p

from . import forms, services, workflow
from .models import ChangeRequest
from .rules import ACTION_RULES


def _is_offered(user, suggestion, spec: workflow.Action) -> bool:
    if suggestion.state not in spec.sources:
        return False
    if not (user.is_superuser or ACTION_RULES[spec.rule].test(user, suggestion)):
        return False
    if spec.name == "decide_request":
        return suggestion.change_requests.filter(status=ChangeRequest.Status.PENDING).exists()
    return True


# What the doors say after an action, where "已<title>。" would say too little.
DONE_MESSAGES = {
    "chase": "已催办,当前环节的办理人已收到催办通知。",
    "supervise": "已发出督办并通知主办单位;督办函可点本页“督办函”下载打印。",
}


def done_message(action: str) -> str:
    return DONE_MESSAGES.get(action) or f"已{workflow.ACTIONS[action].title}。"


def available_actions(user, suggestion) -> list[str]:
    """Door actions this user may take now (the state allows it and the rule says yes)."""
    if p.is_county_viewer(user):
        return []
    return [name for name in workflow.actions_from(suggestion.state)
            if _is_offered(user, suggestion, workflow.ACTIONS[name])]


def is_door_action(action: str) -> bool:
    return action in workflow.DOOR_ACTIONS


def form_for(action: str, *args, suggestion, user, **kwargs):
    """An unbound (no ``args``) or bound form of a door action."""
    form_class = getattr(forms, workflow.ACTIONS[action].form)
    return form_class(*args, suggestion=suggestion, user=user, **kwargs)


def perform(action: str, *, actor, suggestion, form):
    """Call the action's service with the valid form's data; a refusal is raised as it came
    (see :mod:`congress.exceptions`)."""
    spec = workflow.ACTIONS[action]
    kwargs = form.service_kwargs()
    if action == "decide_request":
        kwargs["request"] = get_object_or_404(ChangeRequest, pk=kwargs.pop("request_id"), suggestion=suggestion)
    else:
        kwargs["suggestion"] = suggestion
    return getattr(services, spec.service)(actor=actor, **kwargs)


def bulk_actions_for(user) -> list[str]:
    """List actions this user may be offered for many items: the table's bulk actions whose rule
    lets this kind of user act at all (each item is checked again by its service)."""
    if p.is_county_viewer(user):
        return []
    return [name for name in workflow.BULK_ACTIONS
            if user.is_superuser or ACTION_RULES[workflow.ACTIONS[name].rule].test(user, None)]


def bulk_form_for(action: str, *args, suggestions, user):
    """One form for many items (of one township: the first item sets the choices, e.g. the
    departments); the state each item was seen in travels beside it, not in the form."""
    form = form_for(action, *args, suggestion=suggestions[0], user=user, prefix="f")
    form.fields.pop("seen_state", None)
    return form


def perform_many(action: str, *, actor, suggestions, form, seen_states) -> tuple[int, list[str]]:
    """Call the action's service per item with the valid form's data; each item in its own
    transaction, all or nothing. Returns (done, Chinese error per failed item)."""
    spec = workflow.ACTIONS[action]
    kwargs = form.service_kwargs()
    kwargs.pop("seen_state", None)
    # An item already out of the action's states when the page showed it gets the service's own
    # "当前状态为…,不能…" message; one that changed after, the refresh message.
    seen_states = {pk: state for pk, state in seen_states.items() if state in spec.sources}
    return services.run_bulk(getattr(services, spec.service), actor=actor, suggestions=suggestions,
                             seen_states=seen_states, **kwargs)

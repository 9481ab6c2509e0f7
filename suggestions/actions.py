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

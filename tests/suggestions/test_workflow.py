"""The action table is complete and every door reads it."""

import pytest

from suggestions import forms, services, workflow
from suggestions.models import OPEN_STATES, EventKind, State
from suggestions.rules import ACTION_RULES
from tests.suggestions import factories as f


@pytest.mark.parametrize("name", list(workflow.ACTIONS))
def test_each_action_is_fully_declared(name):
    spec = workflow.ACTIONS[name]
    assert spec.title and spec.label
    assert spec.target is None or spec.target in State.values
    assert all(state in State.values for state in spec.sources)
    if spec.sources:
        assert spec.rule in ACTION_RULES
    if spec.form:
        assert hasattr(forms, spec.form) and callable(getattr(services, spec.service))
    if name != "decide_request":
        assert name in EventKind.values  # its timeline row is typed
    if spec.notice:
        assert "{title}" in spec.notice and spec.target in workflow.STAGES


def test_every_open_state_has_a_stage_and_an_action_out():
    assert set(workflow.STAGES) == set(OPEN_STATES)
    for state in OPEN_STATES:
        assert any(state in a.sources and a.target not in (None, state) for a in workflow.ACTIONS.values())


def test_can_transition_and_actions_from():
    assert workflow.can_transition(State.SUBMITTED, "claim")
    assert not workflow.can_transition(State.CLOSED, "claim")
    assert not workflow.can_transition(State.SUBMITTED, "no_such_action")
    assert workflow.actions_from(State.REPLIED) == ["evaluate", "close", "chase", "revise"]
    assert "decide_request" in workflow.actions_from(State.IN_PROGRESS)


@pytest.mark.django_db
def test_runner_follows_the_declaration(w, fixed_today, django_capture_on_commit_callbacks):
    import datetime

    from congress.models import Notification

    today = fixed_today(datetime.date(2026, 3, 2))
    s = f.presented(w)
    with django_capture_on_commit_callbacks(execute=True):
        s = services.suggestion_dispatch(actor=w.staff, suggestion=s, lead_department=w.dept)
    spec = workflow.ACTIONS["dispatch"]
    event = s.events.latest("id")
    assert (event.action, event.get_action_display(), event.is_public) == ("dispatch", "人大派单", True)
    assert s.state == spec.target and s.dispatched_at is not None
    # The new stage's deadline is the declared count of working days (sign_workdays = 3).
    assert s.due_date == datetime.date(2026, 3, 5) and s.due_date > today
    # The notice goes to the next actor of the new stage: the lead department's handler.
    assert Notification.objects.filter(recipient=w.handler, title=f"交办建议待签收:{s.title}").exists()

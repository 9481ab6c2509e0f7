"""Two staff members dispatch at once, or a department replies while staff reassign: exactly one
wins, the other is told to refresh, nothing is half-written. PostgreSQL (row locks)."""

import threading

import pytest
from django.db import connections

from suggestions import services
from suggestions.models import ChangeRequest, State, Suggestion
from suggestions.workflow import STALE_MESSAGE, TransitionNotAllowed
from tests.suggestions import factories as f

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            call()
            outcomes[i] = "ok"
        except TransitionNotAllowed as exc:
            outcomes[i] = str(exc)
        except Exception as exc:  # pragma: no cover - shown in the assertion
            outcomes[i] = repr(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_staff_dispatch_at_once_one_wins(w):
    s = f.presented(w)
    outcomes = race(
        lambda: services.suggestion_dispatch(actor=w.staff, suggestion=s, lead_department=w.dept, seen_state="presented"),
        lambda: services.suggestion_dispatch(actor=w.chair, suggestion=s, lead_department=w.dept2, seen_state="presented"),
    )
    assert sorted(outcomes) == sorted(["ok", STALE_MESSAGE])
    s.refresh_from_db()
    assert s.state == State.DISPATCHED
    assert s.events.filter(action="dispatch").count() == 1
    winner = w.dept if outcomes[0] == "ok" else w.dept2
    assert s.lead_department == winner


def test_reply_while_staff_reassign(w):
    s = f.in_progress(w)
    req = services.suggestion_request_change(actor=w.handler, suggestion=s, kind=ChangeRequest.Kind.REASSIGN,
                                             reason="不属于本单位职责")
    outcomes = race(
        lambda: services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="A", text="已办", seen_state="in_progress"),
        lambda: services.suggestion_decide_change(actor=w.staff, request=req, approve=True, new_department=w.dept2),
    )
    s.refresh_from_db()
    assert outcomes.count("ok") >= 1
    if outcomes[0] == "ok" and outcomes[1] == "ok":
        # The reply went first; the reassignment was then refused by the state (replied).
        pytest.fail("both cannot win")
    assert (s.state, s.lead_department_id) in {(State.REPLIED, w.dept.pk), (State.DISPATCHED, w.dept2.pk)}
    assert sorted(outcomes) == sorted(["ok", STALE_MESSAGE])


def test_two_staff_chase_at_once_one_is_refused(w):
    """催办's once-a-day check runs under the row lock: two presses at once write one row."""
    from congress.models import Notification
    from suggestions.models import EventKind

    s = f.in_progress(w)
    Notification.objects.all().delete()
    outcomes = race(
        lambda: services.suggestion_chase(actor=w.staff, suggestion=s),
        lambda: services.suggestion_chase(actor=w.chair, suggestion=s),
    )
    assert outcomes.count("ok") == 1, outcomes
    assert any(o.startswith("该建议今天已催办过") for o in outcomes), outcomes
    assert s.events.filter(action=EventKind.CHASE).count() == 1
    assert Notification.objects.filter(recipient=w.handler).count() == 1

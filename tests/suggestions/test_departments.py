"""Dispatch and an approved reassignment accept the same departments (one rule)."""

import pytest
from django.core.exceptions import ValidationError

from suggestions import services
from suggestions.models import ChangeRequest, State
from tests.factories import DepartmentFactory
from tests.suggestions import factories as f

pytestmark = pytest.mark.django_db


def test_reassignment_refuses_an_inactive_department_like_dispatch(w):
    closed_down = DepartmentFactory(township=w.a, name="已撤并的办公室", is_active=False)
    with pytest.raises(ValidationError, match="不是本乡镇可交办的承办单位"):
        services.suggestion_dispatch(actor=w.staff, suggestion=f.presented(w), lead_department=closed_down)
    s = f.in_progress(w)
    req = services.suggestion_request_change(actor=w.handler, suggestion=s, kind=ChangeRequest.Kind.REASSIGN,
                                             reason="不属于本单位职责")
    with pytest.raises(ValidationError, match="不是本乡镇可交办的承办单位"):
        services.suggestion_decide_change(actor=w.staff, request=req, approve=True, new_department=closed_down)
    s.refresh_from_db()
    req.refresh_from_db()
    assert s.state == State.IN_PROGRESS and s.lead_department == w.dept and req.status == ChangeRequest.Status.PENDING


def test_reassignment_refuses_another_townships_department(w):
    elsewhere = DepartmentFactory(township=w.b, name="乙镇财政所")
    s = f.in_progress(w)
    req = services.suggestion_request_change(actor=w.handler, suggestion=s, kind=ChangeRequest.Kind.REASSIGN,
                                             reason="不属于本单位职责")
    with pytest.raises(ValidationError):
        services.suggestion_decide_change(actor=w.staff, request=req, approve=True, new_department=elsewhere)

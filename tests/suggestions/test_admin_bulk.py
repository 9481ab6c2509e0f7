"""List actions with a form, read from the action table: one page listing the selected items
with the action's form, then the same service per item, and a Chinese report."""

import datetime

import pytest
from django.urls import reverse

from suggestions import services
from suggestions.models import State
from tests.suggestions import factories as f

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:suggestions_suggestion_changelist"


def _login(client, user):
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def _open(client, action, items):
    return client.post(reverse(CHANGELIST), {"action": action, "_selected_action": [s.pk for s in items]})


def _apply(client, action, items, seen=None, **fields):
    data = {"action": action, "apply": "1", "_selected_action": [s.pk for s in items],
            **{f"seen_{s.pk}": (seen or {}).get(s.pk, s.state) for s in items},
            **{f"f-{k}": v for k, v in fields.items()}}
    return client.post(reverse(CHANGELIST), data, follow=True)


def test_bulk_reject_two_of_three_with_reason_and_reports_the_third(w, client):
    _login(client, w.staff)
    a, b = f.presented(w, title="甲事项"), f.submitted(w, title="乙事项")
    gone = f.presented(w, title="丙事项")
    services.suggestion_dispatch(actor=w.chair, suggestion=gone, lead_department=w.dept)
    gone.refresh_from_db()  # the list page shows it dispatched

    page = _open(client, "bulk_reject", [a, b, gone])
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="bulk-action"' in html
    assert all(s.code in html for s in (a, b, gone)) and 'name="f-reason"' in html
    assert "当前状态不能不予受理" in html  # the dispatched one is flagged before submitting

    html = _apply(client, "bulk_reject", [a, b, gone], reason="属于诉讼渠道").content.decode()
    assert "已不予受理 2 件" in html and "1 件未能不予受理" in html
    assert f"{gone.code}:该建议当前状态为「人大已派单」,不能不予受理" in html
    for s in (a, b):
        s.refresh_from_db()
        assert s.state == State.REJECTED and s.rejection_reason == "属于诉讼渠道"
        assert s.events.get(action="reject").note == "属于诉讼渠道"
    gone.refresh_from_db()
    assert gone.state == State.DISPATCHED and not gone.events.filter(action="reject").exists()


def test_item_changed_after_the_page_opened_is_reported_not_rejected(w, client):
    _login(client, w.staff)
    a, b = f.presented(w), f.presented(w)
    seen = {a.pk: "presented", b.pk: "presented"}
    services.suggestion_withdraw(actor=w.chair, suggestion=b, reason="群众撤回")  # meanwhile
    html = _apply(client, "bulk_reject", [a, b], seen=seen, reason="重复").content.decode()
    assert "已不予受理 1 件" in html and f"{b.code}:该建议已被他人处理" in html
    b.refresh_from_db()
    assert b.state == State.WITHDRAWN


def test_missing_reason_shows_the_form_again_and_changes_nothing(w, client):
    _login(client, w.staff)
    a = f.presented(w)
    r = _apply(client, "bulk_reject", [a], reason="")
    assert r.status_code == 400 and "这个字段是必填项" in r.content.decode()
    a.refresh_from_db()
    assert a.state == State.PRESENTED


def test_bulk_dispatch_to_lead_and_co_departments_with_deadline_rule(w, client):
    _login(client, w.staff)
    a, b = f.presented(w), f.submitted(w)
    html = _apply(client, "bulk_dispatch", [a, b], lead_department=w.dept.pk,
                  co_departments=[w.dept2.pk], note="请按期办理").content.decode()
    assert "已派单 2 件" in html
    for s in (a, b):
        s.refresh_from_db()
        assert s.state == State.DISPATCHED and s.lead_department == w.dept
        assert list(s.co_departments.all()) == [w.dept2]
        assert s.deadline is not None and s.deadline > datetime.date.today()


def test_handler_and_county_viewer_get_no_bulk_action(w, client):
    s = f.presented(w)
    for user in (w.handler, w.viewer):
        _login(client, user)
        page = client.get(reverse(CHANGELIST)).content.decode()
        assert "bulk_reject" not in page and "bulk_dispatch" not in page
        _apply(client, "bulk_reject", [s], reason="无权")
        s.refresh_from_db()
        assert s.state == State.PRESENTED


def test_staff_cannot_reach_another_townships_items(w, client):
    _login(client, w.staff_b)
    s = f.presented(w)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "bulk_reject" in page  # offered to staff of township B …
    assert "没有可不予受理的建议" in _apply(client, "bulk_reject", [s], reason="越权").content.decode()
    s.refresh_from_db()
    assert s.state == State.PRESENTED  # … but never applied to township A's item


def test_bulk_action_refuses_a_role_without_the_rule(w, rf):
    from django.contrib.admin.sites import site
    from django.core.exceptions import PermissionDenied

    from suggestions.models import Suggestion

    request = rf.post("/")
    request.user = w.handler
    with pytest.raises(PermissionDenied):
        site._registry[Suggestion].bulk_act(request, Suggestion.objects.all(), "reject")


def test_items_of_two_townships_are_refused_as_a_whole(w, client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    a, other = f.submitted(w), f.submitted(w, township=w.b, village=None)
    html = _apply(client, "bulk_reject", [a, other], reason="重复").content.decode()
    assert "请只选择同一乡镇的建议" in html
    for s in (a, other):
        s.refresh_from_db()
        assert s.state == State.SUBMITTED

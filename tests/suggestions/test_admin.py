"""The admin goes through the action table: buttons for what this user may do now, forms that
call the same services as the portal, and no save that changes state or the citizen's words."""

import pytest
from django.urls import reverse

from suggestions import services
from suggestions.models import State, Suggestion
from tests.suggestions import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(w, client):
    w.staff.is_staff = True
    w.staff.save()
    client.force_login(w.staff)
    return client


def _change(s):
    return reverse("admin:suggestions_suggestion_change", args=[s.pk])


def _act(s, action):
    return reverse("admin:suggestions_suggestion_act", args=[s.pk, action])


def test_change_page_offers_the_actions_of_this_state(w, staff_client):
    s = f.presented(w)
    page = staff_client.get(_change(s)).content.decode()
    assert 'data-testid="workflow-actions"' in page
    for title in ("派单", "不予受理", "撤回", "更正标题或内容"):
        assert f">{title}</a>" in page
    assert ">签收</a>" not in page and ">接单</a>" not in page
    assert 'name="_save"' not in page  # no plain save


def test_dispatch_from_admin_with_co_departments_and_deadline(w, staff_client):
    s = f.presented(w)
    assert staff_client.get(_act(s, "dispatch")).status_code == 200
    r = staff_client.post(_act(s, "dispatch"), {"seen_state": "presented", "lead_department": w.dept.pk,
                                                "co_departments": [w.dept2.pk], "note": "请尽快办理"})
    assert r.status_code == 302 and r["Location"] == _change(s)
    s.refresh_from_db()
    assert s.state == State.DISPATCHED and s.lead_department == w.dept and list(s.co_departments.all()) == [w.dept2]
    event = s.events.get(action="dispatch")
    assert event.actor == w.staff


def test_admin_form_error_is_chinese_and_saves_nothing(w, staff_client):
    s = f.presented(w)
    r = staff_client.post(_act(s, "reject"), {"seen_state": "presented", "reason": ""})
    assert r.status_code == 400 and "这个字段是必填项" in r.content.decode()
    s.refresh_from_db()
    assert s.state == State.PRESENTED


def test_stale_admin_form_gets_refresh_message(w, staff_client):
    s = f.presented(w)
    services.suggestion_dispatch(actor=w.chair, suggestion=s, lead_department=w.dept)
    r = staff_client.post(_act(s, "reject"), {"seen_state": "presented", "reason": "属于信访渠道"}, follow=True)
    assert "不能由您不予受理" in r.content.decode() or "刷新" in r.content.decode()
    s.refresh_from_db()
    assert s.state == State.DISPATCHED


def test_decide_reassign_request_in_admin(w, staff_client):
    from suggestions.models import ChangeRequest

    s = f.in_progress(w)
    req = services.suggestion_request_change(actor=w.handler, suggestion=s, kind=ChangeRequest.Kind.REASSIGN,
                                             reason="不属于本单位职责")
    assert ">审批申请</a>" in staff_client.get(_change(s)).content.decode()
    r = staff_client.post(_act(s, "decide_request"), {"request_id": req.pk, "approve": "1",
                                                      "new_department": w.dept2.pk})
    assert r.status_code == 302
    s.refresh_from_db()
    assert s.state == State.DISPATCHED and s.lead_department == w.dept2


def test_action_not_available_to_this_user_is_refused(w, client):
    s = f.dispatched(w)
    w.handler.is_staff = True
    w.handler.save()
    client.force_login(w.handler)
    client.post(_act(s, "close"), {"seen_state": "dispatched"})
    s.refresh_from_db()
    assert s.state == State.DISPATCHED


def test_no_admin_save_changes_state_or_citizen_content(w, staff_client):
    s = f.presented(w)
    before = Suggestion.objects.values().get(pk=s.pk)
    r = staff_client.post(_change(s), {
        "state": "closed", "title": "改掉", "content": "改掉", "original_title": "改掉", "original_content": "改掉",
        "submitter_name": "改掉", "submitter_phone": "13900000000", "kind": "petition", "_save": "保存",
    })
    assert r.status_code == 403
    assert Suggestion.objects.values().get(pk=s.pk) == before


def test_list_puts_open_items_first_by_due_date(w, staff_client):
    import datetime

    closed = f.replied(w, title="已销单事项")
    services.suggestion_evaluate(actor=w.deputy1.user, suggestion=closed, rating="satisfied")
    services.suggestion_close(actor=w.staff, suggestion=closed)
    later = f.submitted(w, title="较晚到期")
    sooner = f.submitted(w, title="较早到期")
    Suggestion.objects.filter(pk=later.pk).update(due_date=datetime.date(2030, 1, 9))
    Suggestion.objects.filter(pk=sooner.pk).update(due_date=datetime.date(2030, 1, 2))
    page = staff_client.get(reverse("admin:suggestions_suggestion_changelist")).content.decode()
    assert page.index("较早到期") < page.index("较晚到期") < page.index(closed.code)
    assert "field-title_column" in page


def test_bulk_close_reports_successes_and_failures(w, staff_client):
    done = f.replied(w, title="可销单")
    services.suggestion_evaluate(actor=w.deputy1.user, suggestion=done, rating="satisfied")
    open_item = f.dispatched(w, title="未答复")
    r = staff_client.post(reverse("admin:suggestions_suggestion_changelist"),
                          {"action": "close_without_publishing", "_selected_action": [done.pk, open_item.pk]},
                          follow=True)
    page = r.content.decode()
    assert "已销单 1 件" in page and "1 件未能销单" in page and open_item.code in page
    open_item.refresh_from_db()
    assert open_item.state == State.DISPATCHED


def test_admin_timeline_in_chinese_local_time(w, staff_client):
    from django.utils import timezone

    s = f.presented(w)
    page = staff_client.get(_change(s)).content.decode()
    event = s.events.get(action="present")
    assert "提交主席团" in page and "代表接单" in page
    assert f"{timezone.localtime(event.created_at):%Y-%m-%d %H:%M}" in page
    assert ">present<" not in page and ">claim<" not in page


def test_county_viewer_sees_masked_phone_and_no_buttons(w, client):
    s = f.presented(w)
    w.viewer.is_staff = True
    w.viewer.save()
    client.force_login(w.viewer)
    page = client.get(_change(s)).content.decode()
    assert "13812345678" not in page and "138****5678" in page
    assert 'data-testid="workflow-actions"' not in page

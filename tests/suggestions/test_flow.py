"""The whole loop end to end through the services, and the interfaces other apps call."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from congress.models import Notification
from suggestions import services
from suggestions.models import Channel, Kind, Rating, State, Suggestion
from suggestions.workflow import STALE_MESSAGE, TransitionNotAllowed
from tests.suggestions import factories as f

pytestmark = pytest.mark.django_db


def test_full_loop_citizen_to_closed(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        s = f.submitted(w)
    assert s.state == State.SUBMITTED and len(s.code) == 10
    assert set(s.routed_deputies.all()) == {w.deputy1, w.deputy2}
    assert Notification.objects.filter(recipient=w.deputy1.user, title__contains="待接单").exists()
    s = services.suggestion_claim(actor=w.deputy1.user, suggestion=s)
    services.suggestion_cosign(actor=w.deputy2.user, suggestion=s)
    s = services.suggestion_present(actor=w.deputy1.user, suggestion=s, title="修复路灯", content="建议修复")
    s = services.suggestion_dispatch(actor=w.staff, suggestion=s, lead_department=w.dept, co_departments=[w.dept2],
                                     is_key=True, supervisor=w.chair)
    assert s.deadline and s.due_date
    s = services.suggestion_sign(actor=w.handler, suggestion=s)
    services.suggestion_add_progress(actor=w.handler, suggestion=s, text="已联系供电所")
    services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="A", text="已修复。")
    s = services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating=Rating.SATISFIED)
    assert s.state == State.EVALUATED
    s = services.suggestion_close(actor=w.staff, suggestion=s, is_public=True)
    assert s.state == State.CLOSED
    actions = list(s.events.values_list("action", flat=True))
    assert actions == ["submit", "claim", "cosign", "present", "dispatch", "sign", "note", "reply", "evaluate", "close"]
    event = s.events.get(action="dispatch")
    assert (event.actor, event.from_state, event.to_state) == (w.staff, State.PRESENTED, State.DISPATCHED)


def test_unsatisfied_rehandles_up_to_limit_then_stays_rated(w):
    s = f.replied(w)
    s = services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating=Rating.UNSATISFIED, comment="没修好")
    assert s.state == State.IN_PROGRESS and s.rehandle_count == 1
    services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="B", text="列入明年计划")
    s = services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating=Rating.UNSATISFIED, comment="还是不行")
    assert s.state == State.EVALUATED and s.rating == Rating.UNSATISFIED and s.rehandle_count == 1


def test_wrong_role_and_wrong_state_change_nothing(w):
    s = f.submitted(w)
    with pytest.raises(PermissionDenied):
        services.suggestion_dispatch(actor=w.handler, suggestion=s, lead_department=w.dept)
    with pytest.raises(TransitionNotAllowed, match="不能承办单位签收"):
        services.suggestion_sign(actor=w.handler, suggestion=s)
    with pytest.raises(PermissionDenied):
        services.suggestion_claim(actor=w.deputy_b.user, suggestion=s)
    s.refresh_from_db()
    assert s.state == State.SUBMITTED and s.events.count() == 1


def test_stale_page_gets_refresh_message(w):
    s = f.presented(w)
    services.suggestion_dispatch(actor=w.staff, suggestion=s, lead_department=w.dept, seen_state=State.PRESENTED)
    with pytest.raises(TransitionNotAllowed, match=STALE_MESSAGE):
        services.suggestion_dispatch(actor=w.chair, suggestion=s, lead_department=w.dept2, seen_state=State.PRESENTED)
    s.refresh_from_db()
    assert s.lead_department == w.dept


def test_create_for_deputies_is_presented_with_proposed_department(w):
    s = services.suggestion_create_for_deputies(
        actor=w.staff, deputies=[w.deputy1, w.deputy2], channel=Channel.SESSION, kind=Kind.SUGGESTION,
        category=None, title="大会建议", content="内容", village=w.village, department=w.dept)
    assert s.state == State.PRESENTED and s.lead_deputy == w.deputy1
    assert list(s.cosigners.all()) == [w.deputy2] and s.proposed_department == w.dept


def test_from_reception_issue_view_one_step(w, client):
    from liaison_stations.models import ReceptionIssue, ReceptionRecord

    record = ReceptionRecord.objects.create(township=w.a, station=w.station, date="2026-03-15")
    issue = ReceptionIssue.objects.create(record=record, visitor_name="李四", visitor_phone="13900001111",
                                          village=w.village, content="河道垃圾多\n希望清理")
    client.force_login(w.staff)
    response = client.post(reverse("suggestions_portal:from_reception_issue", args=[issue.pk]))
    s = Suggestion.objects.get(reception_issue=issue)
    assert response.status_code == 302 and response["Location"] == s.get_absolute_url()
    assert s.channel == Channel.RECEPTION and s.title == "河道垃圾多" and s.station == w.station
    client.post(reverse("suggestions_portal:from_reception_issue", args=[issue.pk]))
    assert Suggestion.objects.filter(reception_issue=issue).count() == 1
    client.force_login(w.staff_b)
    assert client.post(reverse("suggestions_portal:from_reception_issue", args=[issue.pk])).status_code == 404

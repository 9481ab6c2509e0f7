"""Reply deadlines per cycle (DOMAIN.md §5): the first reply deadline, each extension and each
re-handling deadline are kept as rows; 按期办复率 and reminders use the deadline of the cycle they
concern; a re-handling deadline never replaces the first one. And the 20-working-day rating window."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from congress.workdays import WorkCalendar, months_deadline
from suggestions import services
from suggestions.figures import COUNTS
from suggestions.models import ChangeRequest, Kind, Rating, ReplyDeadline, State, Suggestion
from suggestions.selectors import suggestion_figures
from suggestions.workflow import TransitionNotAllowed

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def clock(monkeypatch):
    """Set the wall clock (timestamps and 'today') to 10:00 of a given day."""
    now = {}

    def set_day(day: datetime.date):
        now["value"] = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
        return day

    monkeypatch.setattr("django.utils.timezone.now", lambda: now["value"])
    return set_day


def replied(w, clock, *, dispatch_on, reply_on):
    clock(dispatch_on)
    s = services.suggestion_submit_public(
        township=w.a, kind=Kind.SUGGESTION, title="村道破损", content="路面破损严重", village=w.village,
        submitter_name="张三", submitter_phone="13812345678", consent=True)
    s = services.suggestion_claim(actor=w.deputy1.user, suggestion=s)
    s = services.suggestion_present(actor=w.deputy1.user, suggestion=s, title="村道破损", content="请修复")
    s = services.suggestion_dispatch(actor=w.staff, suggestion=s, lead_department=w.dept)
    s = services.suggestion_sign(actor=w.handler, suggestion=s)
    clock(reply_on)
    services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="B", text="已列入计划。")
    return Suggestion.objects.get(pk=s.pk)


def test_rehandling_keeps_the_first_deadline_for_the_on_time_figure(w, clock):
    # Dispatched 2026-01-05, due three months later (2026-04-07, the 5th is a Sunday … moved on);
    # the reply comes ten days late. The deputy is unsatisfied: a two-month re-handling deadline.
    s = replied(w, clock, dispatch_on=D(2026, 1, 5), reply_on=D(2026, 4, 17))
    first = s.deadline
    assert first == months_deadline(D(2026, 1, 5), 3)
    clock(D(2026, 4, 20))
    s = services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating=Rating.UNSATISFIED, comment="没有解决")
    s.refresh_from_db()
    assert s.state == State.IN_PROGRESS and s.deadline == first
    rows = list(s.reply_deadlines.values_list("cycle", "kind", "due_date", "set_by_id"))
    second = months_deadline(D(2026, 4, 20), 2)
    assert rows == [(0, "first", first, w.staff.pk), (1, "rehandle", second, w.deputy1.user.pk)]
    assert s.due_date == second  # reminders read the cycle in progress
    clock(D(2026, 5, 6))
    services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="A", text="已修复。")
    f = suggestion_figures(townships=[w.a], date_from=D(2026, 1, 1), date_to=D(2026, 12, 31), today=D(2026, 7, 1))
    assert (f.due, f.replied_on_time) == (1, 0)  # the first reply was late, whatever came after
    q2 = suggestion_figures(townships=[w.a], date_from=D(2026, 4, 1), date_to=D(2026, 6, 30), today=D(2026, 7, 1))
    assert q2.due == 1  # its first deadline stays in the quarter it fell in


def test_extension_moves_the_deadline_of_its_own_cycle_only(w, clock):
    s = replied(w, clock, dispatch_on=D(2026, 3, 2), reply_on=D(2026, 3, 20))
    first = s.deadline
    clock(D(2026, 3, 23))
    services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating=Rating.UNSATISFIED, comment="不满意")
    request = services.suggestion_request_change(actor=w.handler, suggestion=s, kind=ChangeRequest.Kind.EXTEND,
                                                 reason="需县里审批", months=1)
    services.suggestion_decide_change(actor=w.staff, request=request, approve=True)
    s.refresh_from_db()
    rehandle_due = months_deadline(D(2026, 3, 23), 2)
    assert s.deadline == first
    assert s.due_date == months_deadline(rehandle_due, 1)
    assert list(s.reply_deadlines.filter(cycle=1).values_list("kind", flat=True)) == ["rehandle", "extension"]


def test_extension_of_the_first_cycle_is_what_the_figure_measures(w, clock):
    clock(D(2026, 1, 5))
    s = replied(w, clock, dispatch_on=D(2026, 1, 5), reply_on=D(2026, 1, 6))
    # a second suggestion still in progress asks for an extension
    s2 = services.suggestion_submit_public(
        township=w.a, kind=Kind.SUGGESTION, title="路灯", content="路灯坏了", village=w.village,
        submitter_phone="13812345679", consent=True)
    s2 = services.suggestion_dispatch(actor=w.staff, suggestion=s2, lead_department=w.dept)
    s2 = services.suggestion_sign(actor=w.handler, suggestion=s2)
    first = s2.deadline
    request = services.suggestion_request_change(actor=w.handler, suggestion=s2, kind=ChangeRequest.Kind.EXTEND,
                                                 reason="资金未到位", months=2)
    services.suggestion_decide_change(actor=w.staff, request=request, approve=True)
    s2.refresh_from_db()
    assert s2.deadline == s2.due_date == months_deadline(first, 2)
    clock(s2.deadline)
    services.suggestion_reply(actor=w.handler, suggestion=s2, reply_class="A", text="已安装。")
    f = suggestion_figures(townships=[w.a], today=s2.deadline)
    assert f.replied_on_time == 2 and f.due == 2
    assert s.pk in set(COUNTS["replied_on_time"].queryset(townships=[w.a]).values_list("pk", flat=True))


def test_data_migration_rebuilds_the_cycles_from_the_timeline(w, clock):
    import importlib

    from django.apps import apps

    repair = importlib.import_module("suggestions.migrations.0012_repair_reply_deadlines").repair
    s = replied(w, clock, dispatch_on=D(2026, 1, 5), reply_on=D(2026, 2, 2))
    first = s.deadline
    clock(D(2026, 2, 3))
    services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating=Rating.UNSATISFIED, comment="没解决")
    rehandle_due = Suggestion.objects.get(pk=s.pk).due_date
    # What the old code left behind: the re-handling date over the first deadline, no rows.
    Suggestion.objects.filter(pk=s.pk).update(deadline=rehandle_due)
    ReplyDeadline.objects.all().delete()
    repair(apps, None)
    s.refresh_from_db()
    assert s.deadline == first
    assert list(s.reply_deadlines.values_list("cycle", "kind", "due_date")) == [
        (0, "first", first), (1, "rehandle", rehandle_due)]


# --- the rating window ---------------------------------------------------------------------------


def test_a_rating_after_twenty_working_days_is_refused_with_a_clear_message(w, clock):
    s = replied(w, clock, dispatch_on=D(2026, 9, 1), reply_on=D(2026, 9, 25))
    # 20 working days after 25 September 2026 across the National Day holiday (1–8 October).
    last = WorkCalendar([2026]).add_workdays(D(2026, 9, 25), 20)
    assert last > D(2026, 10, 23)
    clock(last)
    ok = services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating=Rating.SATISFIED)
    assert ok.state == State.EVALUATED and not ok.rating_late

    s = replied(w, clock, dispatch_on=D(2026, 9, 1), reply_on=D(2026, 9, 25))
    clock(last + datetime.timedelta(days=1))
    with pytest.raises(TransitionNotAllowed) as exc:
        services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating=Rating.SATISFIED)
    assert "评价期限" in str(exc.value) and "不计入满意率" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating=Rating.SATISFIED,
                                     late_reason="代表外出")
    with pytest.raises(TransitionNotAllowed):
        services.suggestion_citizen_rate(suggestion=s, rating=Rating.SATISFIED)
    late = services.suggestion_evaluate(actor=w.staff, suggestion=s, rating=Rating.UNSATISFIED, comment="不满意",
                                        late_reason="代表外出务工,电话反馈")
    late.refresh_from_db()
    # Recorded, flagged, not re-handled, left out of 满意率 and shown as 逾期未评价.
    assert (late.state, late.rating, late.rating_late, late.rehandle_count) == (State.EVALUATED, "unsatisfied", True, 0)
    f = suggestion_figures(townships=[w.a], today=last + datetime.timedelta(days=2))
    assert (f.evaluated, f.satisfied_or_basic, f.unrated_late) == (1, 1, 1)
    assert f.satisfaction_rate == 100


def test_unrated_in_time_items_are_counted_as_overdue_ratings(w, clock):
    s = replied(w, clock, dispatch_on=D(2026, 3, 2), reply_on=D(2026, 3, 16))
    f = suggestion_figures(townships=[w.a], today=D(2026, 3, 17))
    assert (f.replied, f.unrated_late, f.evaluated) == (1, 0, 0)
    after = WorkCalendar([2026]).add_workdays(D(2026, 3, 16), 20) + datetime.timedelta(days=1)
    f = suggestion_figures(townships=[w.a], today=after)
    assert (f.unrated_late, f.evaluated, f.satisfaction_rate) == (1, 0, None)
    clock(after)
    services.suggestion_close(actor=w.staff, suggestion=s)
    assert suggestion_figures(townships=[w.a], today=after).unrated_late == 1


def test_portal_refuses_the_deputys_late_rating_and_lets_staff_record_it(w, clock, client):
    from django.urls import reverse

    s = replied(w, clock, dispatch_on=D(2026, 3, 2), reply_on=D(2026, 3, 16))
    clock(D(2026, 5, 6))
    url = reverse("suggestions_portal:act", args=[s.pk, "evaluate"])
    client.force_login(w.deputy1.user)
    detail = client.get(reverse("suggestions_portal:detail", args=[s.pk]))
    assert 'name="late_reason"' not in detail.content.decode()
    response = client.post(url, {"rating": "satisfied", "seen_state": "replied"}, follow=True)
    assert "评价期限(2026年04月14日)已过" in response.content.decode()
    assert Suggestion.objects.get(pk=s.pk).rating == ""
    client.force_login(w.staff)
    assert 'name="late_reason"' in client.get(reverse("suggestions_portal:detail", args=[s.pk])).content.decode()
    client.post(url, {"rating": "satisfied", "seen_state": "replied", "late_reason": "代表外出,电话反馈"})
    s.refresh_from_db()
    assert (s.state, s.rating, s.rating_late, s.rating_late_reason) == (State.EVALUATED, "satisfied", True, "代表外出,电话反馈")


def test_tracking_page_offers_the_citizen_rating_only_within_the_window(w, clock, client):
    from django.urls import reverse

    s = replied(w, clock, dispatch_on=D(2026, 3, 2), reply_on=D(2026, 3, 16))
    url = reverse("suggestions_public:track")
    clock(D(2026, 4, 14))  # the last day of the window (sessions follow the clock too)
    client.post(url, {"code": s.code, "phone_last4": "5678"})
    assert client.get(url).context["rating_form"] is not None
    clock(D(2026, 4, 15))
    client.post(url, {"code": s.code, "phone_last4": "5678"})  # sessions last twelve hours
    assert client.get(url).context["rating_form"] is None
    response = client.post(url, {"rating": "satisfied", "comment": ""}, follow=True)
    assert "评价期限" in response.content.decode()
    assert Suggestion.objects.get(pk=s.pk).citizen_rating == ""

"""Figure counters (suggestions.counters): kept by the services, equal to a full recount, right on
any day without a sweep, and the only thing the dashboards read about suggestions."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress.models import CalendarOverride
from dashboards.periods import Period
from suggestions import counters, services
from suggestions import figures as registry
from suggestions.models import FigureCounter, Rating

from .factories import dispatched, replied, submitted

pytestmark = pytest.mark.django_db


def _both(w, period: Period, today):
    """(from the counters, from the registry's recount) for township A."""
    kwargs = dict(townships=[w.a.pk], date_from=period.date_from, date_to=period.date_to, today=today)
    return (counters.compute(None, **kwargs).get(None, registry.Figures()),
            registry.compute(None, **kwargs).get(None, registry.Figures()))


def test_overdue_counts_from_the_day_after_the_due_date_with_no_write_in_between(w):
    s = dispatched(w)
    due = s.due_date
    period = Period(due.year)
    before = FigureCounter.objects.order_by("pk").values_list("pk", "value")
    before = list(before)
    for today, expected in ((due, 0), (due + datetime.timedelta(days=1), 1), (due + datetime.timedelta(days=400), 1)):
        counted, recounted = _both(w, Period(today.year), today)
        assert counted.counts["overdue"] == recounted.counts["overdue"] == expected, today
    assert list(FigureCounter.objects.order_by("pk").values_list("pk", "value")) == before  # no sweep wrote
    services.suggestion_sign(actor=w.handler, suggestion=s)
    services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="A", text="已更换灯具,恢复照明。")
    counted, recounted = _both(w, period, due + datetime.timedelta(days=1))
    assert counted.counts["overdue"] == recounted.counts["overdue"] == 0
    assert counters.differences() == []


def test_unrated_late_counts_once_the_rating_window_has_passed(w):
    s = replied(w)
    window_end = s.due_date
    period = Period(timezone.localdate(s.dispatched_at).year)
    for today, expected in ((window_end, 0), (window_end + datetime.timedelta(days=1), 1)):
        counted, recounted = _both(w, period, today)
        assert counted.counts["unrated_late"] == recounted.counts["unrated_late"] == expected
    services.suggestion_evaluate(actor=w.deputy1.user, suggestion=s, rating=Rating.SATISFIED)
    counted, recounted = _both(w, period, window_end + datetime.timedelta(days=1))
    assert counted.counts["unrated_late"] == recounted.counts["unrated_late"] == 0
    assert counted.counts["evaluated"] == recounted.counts["evaluated"] == 1
    assert counters.differences() == []


def test_dashboards_read_no_suggestion_row(client, w):
    for _ in range(3):
        replied(w)
    submitted(w)
    client.force_login(w.viewer)
    for url in (reverse("dashboards:county"), reverse("dashboards:township", args=[w.a.slug])):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        touched = [q["sql"] for q in ctx.captured_queries if '"suggestions_suggestion"' in q["sql"]]
        assert touched == [], url
    row = next(r for r in response.context["overview"].rows if r["township"].pk == w.a.pk)
    assert (row["received"], row["dispatched"], row["replied"]) == (4, 3, 3)


def test_recount_command_finds_and_repairs_a_wrong_counter(w):
    replied(w)
    call_command("figures_recount", "--check")
    FigureCounter.objects.filter(key="dispatched").update(value=7)
    with pytest.raises(CommandError):
        call_command("figures_recount", "--check")
    call_command("figures_recount")
    call_command("figures_recount", "--check")
    assert counters.differences() == []


def test_a_calendar_change_queues_a_recount_of_the_stage_times(w, django_capture_on_commit_callbacks):
    from suggestions.tasks import figure_counters_rebuild_task

    s = replied(w)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        CalendarOverride.objects.create(date=timezone.localdate(s.signed_at), is_workday=True, name="调休上班")
    assert len(callbacks) == 1
    FigureCounter.objects.filter(key__startswith="stage_").delete()
    assert counters.differences() != []
    assert figure_counters_rebuild_task() > 0  # what the queued task runs
    assert counters.differences() == []


def test_folding_the_rows_already_due_changes_no_number(w):
    s = dispatched(w)
    due = s.due_date
    later = due + datetime.timedelta(days=3)
    period = Period(later.year)
    assert counters.fold(today=later) > 0
    assert not FigureCounter.objects.filter(due__gt=counters.NEVER, due__lt=later).exists()
    counted, recounted = _both(w, period, later)
    assert counted.counts["overdue"] == recounted.counts["overdue"] == 1
    assert counters.differences(today=later) == []
    # A folded suggestion changes: its dated row goes negative, the sum stays right.
    services.suggestion_sign(actor=w.handler, suggestion=s)
    services.suggestion_reply(actor=w.handler, suggestion=s, reply_class="A", text="已更换灯具,恢复照明。")
    counted, recounted = _both(w, period, later)
    assert counted.counts["overdue"] == recounted.counts["overdue"] == 0
    assert counters.differences(today=later) == []

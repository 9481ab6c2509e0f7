"""Invariants of the figures (DOMAIN.md §5, §7), for generated histories and for the demo county.

Hypothesis walks random paths through the action table (claim, answer, present, withdraw, reject,
dispatch, sign, extension, reassignment, reply, rating in and out of the window, re-handling,
close, revision, the citizen's rating) with random dates across the Spring Festival and National Day holidays, through the real
services. Then, for several periods, every suggestion figure on every surface (the registry, the
dashboard row, the drill-down list, the charts, the annex sentence) equals the others and an
independent count written here from the spec's sentence: from the replies, the deadline rows and
the ratings themselves, not from the fields the registry reads.
"""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings, strategies as st

from congress.exceptions import USER_ERRORS
from congress.models import Township
from congress.figures import format_percent, percent
from congress.workdays import WorkCalendar
from dashboards import charts as dashboard_charts
from dashboards.annex import _total_sentence, annex_figures, annex_sentences
from dashboards.periods import Period
from dashboards.selectors import SUGGESTION_KEYS, figure_records, township_overview
from suggestions import figures as registry
from suggestions import counters, services
from suggestions.models import (
    OPEN_STATES,
    ChangeRequest,
    Channel,
    DeadlineSettings,
    Kind,
    Rating,
    ReplyDeadline,
    State,
    Suggestion,
    SuggestionReply,
)
from suggestions.workflow import TransitionNotAllowed
from tests.suggestions.conftest import SWorld

pytestmark = pytest.mark.django_db
D = datetime.date

# Starts just before the Spring Festival and National Day holidays of 2025 and 2026, and others.
STARTS = [D(2025, 1, 24), D(2025, 9, 26), D(2025, 12, 29), D(2026, 2, 12), D(2026, 4, 29), D(2026, 9, 28)]
ACTIONS = ["claim", "answer", "present", "withdraw", "reject", "dispatch", "sign", "extend", "reassign",
           "reply", "evaluate", "late_evaluate", "close", "revise", "citizen_rate"]
TODAY = D(2026, 12, 31)
PERIODS = [Period(2025), Period(2026), Period(2026, 1), Period(2026, 4)]
ERRORS = (*USER_ERRORS, TransitionNotAllowed)

steps = st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 40), st.integers(0, 5)), max_size=8)
histories = st.lists(
    st.tuples(st.sampled_from(STARTS), st.sampled_from(list(Kind.values)), st.booleans(), steps),
    min_size=1, max_size=5,
)


class Clock:
    def __init__(self, monkeypatch):
        self.now = timezone.make_aware(datetime.datetime(2025, 1, 1, 10))
        monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)

    def set(self, day):
        self.now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))

    @property
    def today(self):
        return self.now.date()


def _handler(w, s):
    return w.handler if s.lead_department_id == w.dept.pk else w.handler2


def _act(w, s, action, pick):
    """One step through the real services; a refused step changes nothing."""
    s = Suggestion.objects.get(pk=s.pk)
    deputy_user = s.lead_deputy.user if s.lead_deputy_id else w.deputy1.user
    try:
        if action == "claim":
            services.suggestion_claim(actor=w.deputy1.user, suggestion=s)
        elif action == "answer":
            services.suggestion_answer_directly(actor=deputy_user, suggestion=s, answer="已现场协调解决。")
        elif action == "present":
            services.suggestion_present(actor=deputy_user, suggestion=s, title=s.title, content=s.content)
        elif action == "withdraw":
            services.suggestion_withdraw(actor=w.staff, suggestion=s, reason="反映人撤回")
        elif action == "reject":
            services.suggestion_reject(actor=w.staff, suggestion=s, reason="属于诉讼渠道")
        elif action == "dispatch":
            services.suggestion_dispatch(actor=w.staff, suggestion=s, lead_department=[w.dept, w.dept2][pick % 2],
                                         is_complex=pick == 5)
        elif action == "sign":
            services.suggestion_sign(actor=_handler(w, s), suggestion=s)
        elif action == "extend":
            request = services.suggestion_request_change(
                actor=_handler(w, s), suggestion=s, kind=ChangeRequest.Kind.EXTEND, reason="需上级审批",
                months=1 + pick % 3)
            services.suggestion_decide_change(actor=w.staff, request=request, approve=pick % 4 != 3)
        elif action == "reassign":
            request = services.suggestion_request_change(
                actor=_handler(w, s), suggestion=s, kind=ChangeRequest.Kind.REASSIGN, reason="不属本单位职责")
            other = w.dept2 if s.lead_department_id == w.dept.pk else w.dept
            services.suggestion_decide_change(actor=w.staff, request=request, approve=True, new_department=other)
        elif action == "reply":
            services.suggestion_reply(actor=_handler(w, s), suggestion=s, reply_class="ABCD"[pick % 4],
                                      text="经研究,受资金和规划条件限制,已列入计划逐步解决。")
        elif action in ("evaluate", "late_evaluate"):
            rating = [Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED][pick % 3]
            actor = deputy_user if s.lead_deputy_id else w.staff
            if action == "late_evaluate":
                actor = w.staff
            services.suggestion_evaluate(actor=actor, suggestion=s, rating=rating, comment="意见",
                                         late_reason="代表电话反馈,补录" if action == "late_evaluate" else "")
        elif action == "close":
            services.suggestion_close(actor=w.staff, suggestion=s, is_public=bool(pick % 2))
        elif action == "revise":
            services.suggestion_revise(actor=w.staff, suggestion=s, title=f"{s.title}(修改)", content=s.content)
        elif action == "citizen_rate":
            services.suggestion_citizen_rate(suggestion=s, rating=[Rating.SATISFIED, Rating.UNSATISFIED][pick % 2])
    except ERRORS:
        pass


def build(w, clock, history):
    for start, kind, by_deputies, path in history:
        clock.set(start)
        if by_deputies:
            s = services.suggestion_create_for_deputies(
                actor=w.staff, deputies=[w.deputy1], channel=Channel.SESSION, kind=kind, category=None,
                title="大会期间代表建议", content="建议修缮村道")
        else:
            s = services.suggestion_submit_public(
                township=w.a, kind=kind, title="群众反映", content="路灯损坏", village=w.village,
                submitter_name="张三", submitter_phone="13812345678", consent=True)
        for action, gap, pick in path:
            clock.set(clock.today + datetime.timedelta(days=gap))
            _act(w, s, action, pick)


# --- independent counts, from the spec's sentences ----------------------------------------------


def _local(dt):
    return timezone.localdate(dt) if dt else None


def independent(rows, period: Period, today) -> dict:
    cal = WorkCalendar(range(2025, 2028))
    replies, deadlines = {}, {}
    for r in SuggestionReply.objects.order_by("created_at", "id"):
        replies.setdefault(r.suggestion_id, []).append(r)
    for d in ReplyDeadline.objects.filter(cycle=0).order_by("set_at", "id"):
        deadlines[d.suggestion_id] = d.due_date  # the latest row of the first cycle

    def within(day):
        return day is not None and period.date_from <= day <= period.date_to

    def window_over(s):
        last = replies[s.pk][-1]
        return today > cal.add_workdays(_local(last.created_at), 20)

    def rated_in_time(s):
        if not s.rating or s.pk not in replies:
            return False
        last = max((r for r in replies[s.pk] if r.created_at <= s.evaluated_at), key=lambda r: r.created_at)
        return _local(s.evaluated_at) <= cal.add_workdays(_local(last.created_at), 20)

    dispatched = [s for s in rows if within(_local(s.dispatched_at))]
    replied = [s for s in dispatched if s.pk in replies]
    # A township may leave class D (留作参考) out of 解决率; by default D counts as C does.
    d_left_out = set(DeadlineSettings.objects.filter(class_d_counts_as="excluded").values_list("township_id", flat=True))
    evaluated = [s for s in dispatched if rated_in_time(s)]
    due = [s for s in rows if s.dispatched_at and within(deadlines.get(s.pk))]
    return {
        "received": sum(1 for s in rows if within(_local(s.submitted_at))),
        "answered": sum(1 for s in rows if within(_local(s.submitted_at)) and s.state == State.CLOSED
                        and s.direct_answer),
        "dispatched": len(dispatched),
        "replied": len(replied),
        "closed": sum(1 for s in dispatched if s.state == State.CLOSED),
        "evaluated": len(evaluated),
        "satisfied": sum(1 for s in evaluated if s.rating == Rating.SATISFIED),
        "satisfied_or_basic": sum(1 for s in evaluated if s.rating in (Rating.SATISFIED, Rating.BASIC)),
        "unrated_late": sum(1 for s in replied if not rated_in_time(s) and window_over(s)),
        "class_a": sum(1 for s in replied if replies[s.pk][-1].reply_class == "A"),
        "resolution_base": sum(1 for s in replied
                               if not (s.township_id in d_left_out and replies[s.pk][-1].reply_class == "D")),
        "due": len(due),
        "replied_on_time": sum(
            1 for s in due
            if any(r.cycle == 0 and _local(r.created_at) <= deadlines[s.pk] for r in replies.get(s.pk, []))),
        "overdue": sum(1 for s in rows if s.state in OPEN_STATES and s.due_date and s.due_date < today),
    }


def check_invariants(township: Township, today, periods=PERIODS, *, rows=None):
    rows = rows if rows is not None else list(Suggestion.objects.filter(township=township))
    townships = Township.objects.filter(pk=township.pk)
    for s in rows:
        if s.dispatched_at:  # the first cycle's deadline is kept and never replaced
            first = [d for d in s.reply_deadlines.all() if d.cycle == 0]
            assert first and first[0].kind == "first" and s.deadline == sorted(
                first, key=lambda d: (d.set_at, d.pk))[-1].due_date
            assert {d.cycle for d in s.reply_deadlines.all()} == set(range(s.rehandle_count + 1))
    # The counters kept by every service equal a full recount by the registry, cell by cell.
    assert counters.differences() == []
    for period in periods:
        expected = independent(rows, period, today)
        f = registry.compute(None, townships=[township.pk], date_from=period.date_from, date_to=period.date_to,
                             today=today, stage_days=False).get(None, registry.Figures())
        counted = counters.compute(None, townships=[township.pk], date_from=period.date_from,
                                   date_to=period.date_to, today=today).get(None, registry.Figures())
        recounted = registry.compute(None, townships=[township.pk], date_from=period.date_from,
                                     date_to=period.date_to, today=today).get(None, registry.Figures())
        assert counted.counts == recounted.counts and counted.avg_workdays == recounted.avg_workdays, period
        overview = township_overview(townships=townships, period=period, today=today)
        row = overview.rows[0]
        for key, value in expected.items():
            assert f.counts[key] == value, (key, period)
            records = figure_records(key, townships=townships, period=period, today=today)
            assert records.queryset.count() == value, (key, period)
        for key, rate in registry.RATES.items():
            assert f.value(key) == percent(expected[rate.numerator], expected[rate.denominator]), key
        for key in SUGGESTION_KEYS:
            assert row[key] == f.value(key), (key, period)
        chart_list = dashboard_charts.charts(townships=townships, period=period, today=today, overview=overview)
        states = next(c for c in chart_list if c["id"] == "states")
        assert sum(n for _, n in states["rows"]) == row["received"]
        if period.quarter is None:
            monthly = next(c for c in chart_list if c["id"] == "monthly")
            sums = [sum(r[i] for r in monthly["rows"]) for i in (1, 2, 3)]
            assert sums == [row["received"], row["dispatched"], expected["closed"]]
            annex, _ = annex_figures(township, period.year, today=today)
            sentences = annex_sentences(annex)
            assert sentences[0] == _total_sentence(f)
            assert f"交办承办单位办理{row['dispatched']}件" in sentences[0]
            assert f"办结率{format_percent(row['closure_rate'])}" in sentences[0]
            parts = [annex.suggestions[key] for key in registry.PARTITION]
            for count in ("received", "dispatched", "closed"):
                assert sum(getattr(p, count) for p in parts) == getattr(f, count)


def _generated_histories(monkeypatch):
    w = SWorld()
    clock = Clock(monkeypatch)

    @settings(max_examples=5, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(history=histories, class_d=st.sampled_from(["as_c", "excluded"]))
    # Class D replies (pick 3) in a township that leaves them out of 解决率, and one that does not.
    @example(history=[(D(2026, 2, 12), "suggestion", True, [("dispatch", 1, 0), ("sign", 2, 0), ("reply", 5, 3)]),
                      (D(2026, 4, 29), "suggestion", True, [("dispatch", 1, 0), ("sign", 2, 0), ("reply", 5, 0)])],
             class_d="excluded")
    @example(history=[(D(2026, 2, 12), "suggestion", True, [("dispatch", 1, 0), ("sign", 2, 0), ("reply", 5, 3)])],
             class_d="as_c")
    def run(history, class_d):
        with transaction.atomic():
            DeadlineSettings.objects.update_or_create(township=w.a, defaults={"class_d_counts_as": class_d})
            build(w, clock, history)
            check_invariants(w.a, TODAY)
            transaction.set_rollback(True)

    run()


def test_every_figure_on_every_surface_agrees_for_generated_histories(monkeypatch):
    _generated_histories(monkeypatch)


@pytest.mark.postgres
def test_every_figure_on_every_surface_agrees_for_generated_histories_on_postgresql(monkeypatch):
    _generated_histories(monkeypatch)


def test_every_figure_on_every_surface_agrees_for_the_demo_county(demo):
    from dashboards.selectors import COLUMNS

    today = timezone.localdate()
    periods = [Period(today.year), Period(today.year - 1), *[Period(today.year - 1, q) for q in (1, 2, 3, 4)]]
    for township in Township.objects.filter(slug__in=["liuhe", "taoyuan"]):
        check_invariants(township, today, periods)
        townships = Township.objects.filter(pk=township.pk)
        for period in periods:
            # Every other count links to exactly its records, for a quarter as for the year
            # (a quarter's trainings cell and its list included).
            row = township_overview(townships=townships, period=period, today=today).rows[0]
            for c in COLUMNS:
                if c.fmt == "int" and c.figure and c.key not in SUGGESTION_KEYS:
                    records = figure_records(c.figure, townships=townships, period=period, today=today)
                    assert records.queryset.count() == row[c.key], (c.key, period, township.slug)

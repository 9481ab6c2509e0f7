"""Figures against hand-computed cases (definitions in suggestions/selectors.py)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from congress.models import Township
from suggestions import services
from suggestions.models import ReplyClass, State, Suggestion
from suggestions.selectors import figures_by_department, figures_by_township, suggestion_figures

pytestmark = pytest.mark.django_db
D = datetime.date


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def make(township, dept, *, state, dispatched, deadline, replied=None, reply_class="", rating="", due=None,
         signed=None):
    return Suggestion.objects.create(
        township=township, title="t", content="c", channel="letter", state=state, lead_department=dept,
        dispatched_at=at(dispatched), deadline=deadline, first_replied_at=at(replied) if replied else None,
        replied_at=at(replied) if replied else None, reply_class=reply_class, rating=rating, due_date=due,
        signed_at=at(signed) if signed else None,
    )


@pytest.fixture
def cases(w):
    a, b, d1, d2 = w.a, w.b, w.dept, w.dept2
    make(a, d1, state=State.CLOSED, dispatched=D(2026, 1, 12), signed=D(2026, 1, 14), deadline=D(2026, 4, 10),
         replied=D(2026, 3, 1), reply_class="A", rating="satisfied")
    make(a, d1, state=State.EVALUATED, dispatched=D(2026, 2, 2), deadline=D(2026, 5, 6), replied=D(2026, 5, 10),
         reply_class="B", rating="basic")
    make(a, d1, state=State.EVALUATED, dispatched=D(2026, 3, 2), deadline=D(2026, 6, 1), replied=D(2026, 4, 1),
         reply_class="A", rating="unsatisfied")
    make(a, d2, state=State.IN_PROGRESS, dispatched=D(2026, 3, 5), deadline=D(2026, 6, 5), due=D(2026, 6, 5))
    make(a, d2, state=State.CLOSED, dispatched=D(2026, 4, 1), deadline=D(2026, 7, 6), replied=D(2026, 5, 6),
         reply_class="C")  # closed without a rating in time: not in 满意率
    make(a, d1, state=State.REPLIED, dispatched=D(2025, 12, 22), deadline=D(2026, 3, 20), replied=D(2026, 3, 25),
         reply_class="A", due=D(2026, 4, 20))
    other_dept = w.dept.__class__.objects.create(township=b, county=b.county, name="乙镇办", kind="town_office")
    make(b, other_dept, state=State.CLOSED, dispatched=D(2026, 1, 15), deadline=D(2026, 4, 15),
         replied=D(2026, 2, 1), reply_class="A", rating="satisfied")
    # Rows made past the services: the figure counters are recounted, as after any bulk write.
    services.figure_counters_rebuild()
    return w


def test_township_half_year(cases):
    f = suggestion_figures(townships=Township.objects.filter(pk=cases.a.pk), date_from=D(2026, 1, 1),
                           date_to=D(2026, 6, 30), today=D(2026, 7, 1))
    assert (f.dispatched, f.replied, f.closed, f.evaluated) == (5, 4, 2, 3)
    assert f.reply_rate == Decimal("80.0")  # 4 / 5
    assert f.closure_rate == Decimal("40.0")  # 2 / 5
    assert f.satisfaction_rate == Decimal("66.7")  # (1 + 1) / 3
    assert f.satisfied_rate == Decimal("33.3")  # 1 / 3
    assert f.resolution_rate == Decimal("50.0")  # A: 2 of 4 replied
    # Deadlines in H1: 4-10 (on time), 5-06 (late), 6-01 (on time), 6-05 (no reply), 3-20 (late).
    assert (f.due_in_period, f.replied_on_time) == (5, 2)
    assert f.on_time_reply_rate == Decimal("40.0")
    assert f.overdue == 2  # in progress past 6-05; replied, rating due 4-20
    assert f.avg_workdays["承办签收"] == 2.0


def test_county_wide_by_township_and_department(cases):
    county = suggestion_figures(date_from=D(2026, 1, 1), date_to=D(2026, 6, 30), today=D(2026, 7, 1))
    assert (county.dispatched, county.replied, county.satisfied) == (6, 5, 2)
    by_township = figures_by_township(date_from=D(2026, 1, 1), date_to=D(2026, 6, 30), today=D(2026, 7, 1))
    assert by_township[cases.b.pk].reply_rate == Decimal("100.0")
    assert by_township[cases.a.pk].dispatched == 5
    by_dept = figures_by_department(townships=[cases.a], date_from=D(2026, 1, 1), date_to=D(2026, 6, 30),
                                    today=D(2026, 7, 1))
    assert (by_dept[cases.dept.pk].dispatched, by_dept[cases.dept.pk].replied) == (3, 3)
    assert by_dept[cases.dept2.pk].closure_rate == Decimal("50.0")
    assert by_dept[cases.dept2.pk].overdue == 1


def test_empty_scope_has_no_rates(w):
    f = suggestion_figures(townships=[w.b])
    assert f.dispatched == 0 and f.reply_rate is None and f.satisfaction_rate is None

"""Working-day deadlines: the Spring Festival holiday, a make-up Saturday, staff overrides for a
year the package does not know, and the Monday–Friday fallback with a warning."""

import datetime

import pytest
from django.urls import reverse

from congress.models import CalendarOverride
from congress.workdays import (
    PACKAGE_LAST_YEAR,
    add_workdays,
    is_workday,
    missing_calendar_years,
    months_deadline,
    workdays_between,
)
from suggestions import services
from suggestions.models import State
from tests.suggestions import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def test_deadline_spans_spring_festival_2026():
    # 2026 春节: 2月15日–23日 off; 2月14日 (Sat) and 2月28日 (Sat) are make-up workdays.
    assert not is_workday(D(2026, 2, 16))
    assert is_workday(D(2026, 2, 14))  # make-up Saturday
    # Five working days after Friday 13 Feb: Sat 14 (make-up), then 24, 25, 26, 27 Feb.
    assert add_workdays(D(2026, 2, 13), 5) == D(2026, 2, 27)
    # Plain weekdays would have said 20 Feb.
    assert workdays_between(D(2026, 2, 13), D(2026, 2, 27)) == 5


def test_make_up_saturday_counts_in_a_stage_deadline(w, fixed_today):
    # 2026 National Day / Mid-Autumn: 1–7 Oct off; Saturday 10 Oct is a make-up workday.
    assert is_workday(D(2026, 10, 10)) and not is_workday(D(2026, 10, 5))
    assert add_workdays(D(2026, 10, 7), 3) == D(2026, 10, 10)  # Thu 8, Fri 9, Sat 10
    fixed_today(D(2026, 10, 1))
    s = f.submitted(w)  # claim within 5 working days: 8, 9, 10 (Sat), 12, 13 Oct
    assert s.due_date == D(2026, 10, 13)


def test_reply_deadline_three_months_rolls_past_holiday(w, fixed_today):
    fixed_today(D(2025, 11, 1))
    s = f.presented(w)
    s = services.suggestion_dispatch(actor=w.staff, suggestion=s, lead_department=w.dept)
    # 1 Feb 2026 is a Sunday → next working day, Monday 2 Feb.
    assert s.deadline == D(2026, 2, 2)
    assert months_deadline(D(2025, 11, 17), 3) == D(2026, 2, 24)  # 17 Feb is in the Spring Festival


def test_staff_overrides_win_and_unknown_year_falls_back(client):
    year = PACKAGE_LAST_YEAR + 1
    assert missing_calendar_years([year]) == [year]
    assert is_workday(D(year, 1, 1)) == (D(year, 1, 1).weekday() < 5)  # plain weekdays
    CalendarOverride.objects.create(date=D(year, 1, 1), is_workday=False, name="元旦")
    saturday = next(D(year, 1, d) for d in range(2, 9) if D(year, 1, d).weekday() == 5)
    CalendarOverride.objects.create(date=saturday, is_workday=True, name="调休上班")
    assert not is_workday(D(year, 1, 1)) and is_workday(saturday)
    assert missing_calendar_years([year]) == []
    # An override also beats the package inside a known year.
    CalendarOverride.objects.create(date=D(2026, 3, 2), is_workday=False, name="测试")
    assert not is_workday(D(2026, 3, 2))


def test_queue_warns_when_the_year_is_missing(w, client, settings, monkeypatch):
    monkeypatch.setattr("suggestions.views.missing_calendar_years", lambda years: [2027])
    client.force_login(w.staff)
    html = client.get(reverse("suggestions_portal:queue")).content.decode()
    assert "2027年的节假日安排尚未录入" in html

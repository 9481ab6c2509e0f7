"""Recurring reception rules → calendar dates (pure functions and the generating service)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from liaison_stations.models import ReceptionDay, ReceptionRule
from liaison_stations.schedule import LAST_DAY, SKIP, monthly_dates, parse_month_days, weekly_dates
from liaison_stations import services

D = datetime.date


def test_fifteenth_and_twentieth_every_month():
    dates = monthly_dates([15, 20], D(2026, 1, 1), D(2026, 12, 31))
    assert len(dates) == 24
    assert dates[:3] == [D(2026, 1, 15), D(2026, 1, 20), D(2026, 2, 15)]


def test_31st_in_a_30_day_month_moves_to_the_last_day_by_default():
    dates = monthly_dates([31], D(2026, 3, 1), D(2026, 6, 30))
    assert dates == [D(2026, 3, 31), D(2026, 4, 30), D(2026, 5, 31), D(2026, 6, 30)]


def test_31st_can_be_skipped_in_short_months():
    dates = monthly_dates([31], D(2026, 3, 1), D(2026, 6, 30), month_end=SKIP)
    assert dates == [D(2026, 3, 31), D(2026, 5, 31)]


def test_february_29_in_a_leap_year_and_not_otherwise():
    assert monthly_dates([29], D(2024, 2, 1), D(2024, 2, 29)) == [D(2024, 2, 29)]
    assert monthly_dates([29], D(2023, 2, 1), D(2023, 2, 28)) == [D(2023, 2, 28)]
    assert monthly_dates([29], D(2023, 2, 1), D(2023, 2, 28), month_end=SKIP) == []
    # 2100 is not a leap year (divisible by 100, not by 400); 2000 was.
    assert monthly_dates([29], D(2100, 2, 1), D(2100, 2, 28)) == [D(2100, 2, 28)]
    assert monthly_dates([29], D(2000, 2, 1), D(2000, 2, 29)) == [D(2000, 2, 29)]


def test_two_rule_days_moved_to_the_same_last_day_appear_once():
    assert monthly_dates([30, 31], D(2023, 2, 1), D(2023, 2, 28), LAST_DAY) == [D(2023, 2, 28)]
    assert monthly_dates([28, 29, 30, 31], D(2024, 2, 1), D(2024, 2, 29)) == [
        D(2024, 2, 28), D(2024, 2, 29)
    ]


def test_range_across_year_end_is_clipped_at_both_ends():
    dates = monthly_dates([15, 20], D(2025, 12, 16), D(2026, 1, 15))
    assert dates == [D(2025, 12, 20), D(2026, 1, 15)]


def test_weekly_on_a_weekday():
    dates = weekly_dates(2, D(2026, 2, 1), D(2026, 3, 1))  # Wednesdays
    assert dates[0] == D(2026, 2, 4) and all(d.weekday() == 2 for d in dates)
    assert len(dates) == 4


@pytest.mark.parametrize(
    "text,expected", [("15,20", [15, 20]), ("15、20", [15, 20]), ("20号 15日", [15, 20]), ("", [])]
)
def test_parse_month_days(text, expected):
    assert parse_month_days(text) == expected


@pytest.mark.parametrize("text", ["32", "0", "十五"])
def test_parse_month_days_rejects_bad_input_in_chinese(text):
    with pytest.raises(ValueError, match="[\u4e00-\u9fff]"):
        parse_month_days(text)


def test_generate_creates_missing_days_once_and_keeps_rosters(world):
    station = world.station
    services.reception_rule_create(
        actor=world.staff_a, station=station, frequency="monthly", month_days="15,20,31",
        start_date=D(2024, 1, 1), month_end=ReceptionRule.MonthEnd.LAST_DAY,
    )
    created = services.reception_days_generate(
        actor=world.staff_a, station=station, start=D(2024, 1, 1), end=D(2024, 12, 31)
    )
    assert len(created) == 36
    dates = set(ReceptionDay.objects.filter(station=station).values_list("date", flat=True))
    assert D(2024, 2, 29) in dates and D(2024, 4, 30) in dates
    day = ReceptionDay.objects.get(station=station, date=D(2024, 3, 15))
    day.duty_deputies.set(world.deputies[:2])
    again = services.reception_days_generate(
        actor=world.staff_a, station=station, start=D(2024, 1, 1), end=D(2024, 12, 31)
    )
    assert again == []
    assert ReceptionDay.objects.filter(station=station).count() == 36
    assert day.duty_deputies.count() == 2


def test_rule_validation_messages_are_chinese(world):
    with pytest.raises(ValidationError) as exc:
        services.reception_rule_create(
            actor=world.staff_a, station=world.station, frequency="monthly", month_days="35",
            start_date=D(2024, 1, 1),
        )
    assert "35" in str(exc.value.message_dict["month_days"])
    with pytest.raises(ValidationError) as exc:
        services.reception_rule_create(
            actor=world.staff_a, station=world.station, frequency="weekly",
            start_date=D(2024, 1, 1),
        )
    assert "星期" in str(exc.value.message_dict["weekday"])
    assert not ReceptionRule.objects.exists()

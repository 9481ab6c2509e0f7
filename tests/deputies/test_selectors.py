import datetime
from decimal import Decimal

import pytest

from deputies.models import DutyKind, DutyScoreWeight, Level, MandateStatus
from deputies.selectors import (
    annual_summary,
    deputies_without_records,
    district_board,
    public_board,
    term_roster,
    township_roster,
)
from tests.factories import MandateFactory, StationFactory, TermFactory

from .factories import DutyRecordFactory

pytestmark = pytest.mark.django_db


def test_roster_counts_a_person_once_and_shows_every_level(office):
    both = office.add_deputy(Level.TOWN, Level.COUNTY)
    city = office.add_deputy(Level.CITY)
    roster = list(township_roster(office.township))
    assert [d.pk for d in roster].count(both.pk) == 1
    assert len(roster) == 4  # two office deputies + both + city
    by_pk = {d.pk: d for d in roster}
    assert by_pk[both.pk].levels_display == "县、镇"
    assert by_pk[city.pk].levels_display == "市"


def test_roster_leaves_out_people_whose_mandates_all_ended(office):
    gone = office.add_deputy(Level.TOWN)
    gone.mandates.update(
        status=MandateStatus.DECEASED, status_date=datetime.date(2025, 1, 1), status_reason="去世"
    )
    assert gone not in township_roster(office.township)


def test_term_roster_counts_active_town_mandates_of_that_term_only(office):
    county_only = office.add_deputy(Level.COUNTY)
    both = office.add_deputy(Level.COUNTY, Level.TOWN)
    resigned = office.add_deputy(Level.TOWN)
    resigned.mandates.update(
        status=MandateStatus.RESIGNED, status_date=datetime.date(2025, 1, 1), status_reason="辞职"
    )
    previous = office.add_deputy()
    previous.mandates.update(term_number=5)
    MandateFactory(
        deputy=both,
        level=Level.TOWN,
        term_number=5,
        status=MandateStatus.TERMINATED,
        status_date=datetime.date(2021, 12, 27),
        status_reason="任期届满",
    )
    roster = list(term_roster(office.term))
    assert set(roster) == {office.deputy, office.other_deputy, both}
    assert county_only not in roster
    # Another township's term counts its own deputies.
    assert list(term_roster(office.other_township.terms.get())) == [office.foreign_deputy]
    old_term = TermFactory(
        township=office.township, number=5, is_current=False, start_date=datetime.date(2016, 12, 28)
    )
    assert list(term_roster(old_term)) == [previous]  # both's 5th-term mandate has ended


def test_annual_summary_scores_with_township_weights_and_ranks(office, today):
    DutyScoreWeight.objects.create(
        township=office.township, kind=DutyKind.SUGGESTION, weight=Decimal(5)
    )
    idle = office.add_deputy()
    DutyRecordFactory(deputy=office.deputy, kind=DutyKind.SUGGESTION, date=today, hours=1)
    DutyRecordFactory(deputy=office.other_deputy, kind=DutyKind.TRAINING, date=today, hours=3)
    DutyRecordFactory(deputy=office.other_deputy, kind=DutyKind.VOTER_CONTACT, date=today, hours=1)
    # Last year's entry does not count this year.
    DutyRecordFactory(
        deputy=idle, kind=DutyKind.SUGGESTION, date=today.replace(year=today.year - 1)
    )
    DutyRecordFactory(
        deputy=office.other_deputy,
        kind=DutyKind.PERFORMANCE_REVIEW,
        date=today,
        satisfied_count=30,
        basically_satisfied_count=5,
        unsatisfied_count=2,
    )
    rows = annual_summary(township=office.township, year=today.year)
    by_name = {r.deputy.pk: r for r in rows}
    assert by_name[office.deputy.pk].score == Decimal(5)  # the township's own weight
    assert by_name[office.other_deputy.pk].score == Decimal(1 + 1 + 2)  # default weights
    assert by_name[office.other_deputy.pk].total == 3
    assert by_name[office.other_deputy.pk].hours == Decimal("6.0")
    assert by_name[office.other_deputy.pk].satisfied == 30
    assert by_name[office.other_deputy.pk].satisfaction_rate == pytest.approx(35 / 37)
    assert [r.rank for r in rows] == [1, 2, 3]
    assert rows[-1].deputy == idle and rows[-1].total == 0
    assert list(deputies_without_records(township=office.township, year=today.year)) == [idle]
    # The other township's deputies are not ranked here.
    assert office.foreign_deputy.pk not in by_name


def test_equal_scores_share_a_rank(office, today):
    DutyRecordFactory(deputy=office.deputy, kind=DutyKind.TRAINING, date=today)
    DutyRecordFactory(deputy=office.other_deputy, kind=DutyKind.TRAINING, date=today)
    office.add_deputy()
    assert [r.rank for r in annual_summary(township=office.township, year=today.year)] == [1, 1, 3]


@pytest.mark.parametrize("extra", [0, 12])
def test_summary_and_board_query_counts_do_not_grow(
    office, today, extra, django_assert_num_queries
):
    for _ in range(extra):
        deputy = office.add_deputy(Level.TOWN, Level.COUNTY)
        DutyRecordFactory(deputy=deputy, date=today)
    with django_assert_num_queries(3):  # weights, figures, levels
        annual_summary(township=office.township, year=today.year)
    with django_assert_num_queries(3):  # figures, levels, stations
        public_board(office.township.deputies.all(), year=today.year)


def test_board_has_levels_group_station_and_summary_but_no_phone(office, today):
    station = StationFactory(township=office.township, name="上坪代表之家")
    station.deputies.add(office.deputy)
    DutyRecordFactory(deputy=office.deputy, kind=DutyKind.RECEPTION, date=today, hours=2)
    board = district_board(office.districts[0], year=today.year)
    assert len(board) == 1
    entry = board[0]
    assert (entry.name, entry.levels, entry.group, entry.stations) == (
        office.deputy.name,
        "镇",
        "第一代表小组",
        ["上坪代表之家"],
    )
    assert entry.record_count == 1 and entry.kinds == [("接待选民", 1)]
    assert not hasattr(entry, "phone")
    # A station page uses the same selector with the station's deputies.
    assert [e.name for e in public_board(station.deputies.all(), year=today.year)] == [
        office.deputy.name
    ]

"""Quorum and majority thresholds: integers only, boundary included for 三分之二以上."""

import pytest

from sessions_app import selectors, services
from sessions_app.models import CongressSession

from .factories import Hall, mark_present


@pytest.mark.parametrize(
    "total, required",
    [(31, 21), (63, 42), (115, 77), (3, 2), (30, 20), (1, 1)],
)
def test_quorum_required_rounds_up_and_includes_the_boundary(total, required):
    assert selectors.quorum_required(total) == required
    assert selectors.has_quorum(required, total)
    assert not selectors.has_quorum(required - 1, total)


def test_exactly_two_thirds_opens():
    # 63 × 2/3 = 42 exactly: 以上 includes the boundary.
    assert selectors.has_quorum(42, 63)
    assert not selectors.has_quorum(41, 63)
    assert selectors.has_quorum(20, 30) and not selectors.has_quorum(19, 30)


def test_no_roster_no_quorum():
    assert not selectors.has_quorum(0, 0)


def test_quorum_fraction_is_a_setting(settings):
    settings.SESSION_QUORUM = (1, 2)
    assert selectors.quorum_required(63) == 32
    assert selectors.has_quorum(32, 63) and not selectors.has_quorum(31, 63)


@pytest.mark.parametrize("total, needed", [(31, 16), (63, 32), (115, 58), (30, 16)])
def test_majority_is_strictly_more_than_half_of_all(total, needed):
    assert selectors.majority_required(total) == needed
    assert selectors.motion_passes(needed, total)
    assert not selectors.motion_passes(needed - 1, total)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [31, 63, 115])
def test_session_opens_at_the_boundary_and_not_one_short(size):
    hall = Hall(size=size, accounts=0)
    required = selectors.quorum_required(size)
    mark_present(hall.session, hall.roster[: required - 1])
    with pytest.raises(services.ActionRefused, match="不足法定人数"):
        services.session_open(actor=hall.staff, session=hall.session)
    hall.session.refresh_from_db()
    assert hall.session.status == CongressSession.Status.PLANNED
    mark_present(hall.session, hall.roster[required - 1 : required])
    services.session_open(actor=hall.staff, session=hall.session)
    hall.session.refresh_from_db()
    assert hall.session.status == CongressSession.Status.OPEN


@pytest.mark.django_db
def test_roster_counts_only_active_town_mandates_of_the_term(hall):
    from deputies.models import Level, Mandate, MandateStatus
    from tests.factories import DeputyFactory, MandateFactory

    county_only = DeputyFactory(township=hall.township)
    MandateFactory(deputy=county_only, level=Level.COUNTY)
    old_term = DeputyFactory(township=hall.township)
    MandateFactory(deputy=old_term, term_number=5)
    resigned = hall.roster[0]
    Mandate.objects.filter(deputy=resigned).update(
        status=MandateStatus.RESIGNED, status_date="2026-01-01", status_reason="辞职"
    )
    roster = set(selectors.term_roster(hall.term))
    assert county_only not in roster and old_term not in roster and resigned not in roster
    assert len(roster) == len(hall.roster) - 1

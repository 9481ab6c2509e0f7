"""Compliance flags: years with fewer than two sessions, quarters without a presidium meeting."""

import datetime

import pytest
from django.urls import reverse

from sessions_app import selectors
from sessions_app.models import PresidiumMeeting
from tests.factories import TermFactory, TownshipFactory, county_viewer_of, staff_of

from .factories import CongressSessionFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture
def town():
    township = TownshipFactory()
    term = TermFactory(township=township, start_date=datetime.date(2021, 12, 28))
    for number, day in enumerate([datetime.date(2025, 2, 20), datetime.date(2026, 2, 25), datetime.date(2026, 7, 30)], start=1):
        CongressSessionFactory(township=township, term=term, number=number, start_date=day)
    return township


def test_year_with_one_session_is_flagged(town):
    years = {y.year: y for y in selectors.sessions_per_year(town, today=TODAY, since_year=2025)}
    assert years[2025].count == 1 and years[2025].flagged
    assert years[2026].count == 2 and not years[2026].flagged
    assert selectors.years_with_too_few_sessions(town, today=TODAY, since_year=2025) == [2025]


def test_running_year_is_pending_not_flagged(town):
    years = selectors.sessions_per_year(town, today=datetime.date(2026, 3, 1), since_year=2026)
    assert years[0].count == 1 and years[0].pending and not years[0].flagged


def test_quarters_without_presidium_meeting_are_flagged(town):
    for day in ["2025-03-10", "2025-05-12", "2025-11-03", "2026-01-15", "2026-05-10", "2026-09-01"]:
        PresidiumMeeting.objects.create(township=town, date=day, agenda="研究人大工作")
    quarters = selectors.presidium_meetings_per_quarter(town, today=TODAY)
    assert quarters[0].label == "2025年第一季度"
    flagged = [q.label for q in selectors.quarters_without_presidium_meeting(town, today=TODAY)]
    assert flagged == ["2025年第三季度"]
    assert not quarters[-1].complete  # the running quarter is never flagged


def test_compliance_page_for_staff_and_county_viewer_not_deputies(client, town):
    from congress.roles import Role

    url = reverse("sessions_portal:compliance")
    client.force_login(staff_of(town))
    html = client.get(url).content.decode()
    assert "不足两次" in html or "本年尚未满两次" in html
    client.force_login(county_viewer_of(town.county))
    assert client.get(url).status_code == 200
    client.force_login(staff_of(town, role=Role.DEPUTY))
    assert client.get(url).status_code == 403

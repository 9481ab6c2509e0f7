"""Every figure on the county dashboard for the demo county equals an independent count."""

import datetime

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from congress.models import Township, User
from deputies.models import Deputy, DutyKind, DutyRecord, Mandate, MandateStatus
from liaison_stations.models import ReceptionDay, ReceptionRecord, StandardEvidence, Station
from sessions_app.models import CongressSession, PresidiumMeeting
from suggestions.models import OPEN_STATES, Rating, ReplyClass, State, Suggestion

pytestmark = pytest.mark.django_db


def _in_year(dt, year):
    return dt is not None and timezone.localtime(dt).year == year


def _pct(part, whole):
    from decimal import ROUND_HALF_UP, Decimal

    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def independent_row(township: Township, year: int, today: datetime.date) -> dict:
    """Figures counted by hand, in Python, from the rows themselves."""
    deputies = [d for d in Deputy.objects.filter(township=township).prefetch_related("mandates", "duty_records")
                if any(m.status == MandateStatus.ACTIVE for m in d.mandates.all())]
    row = {"deputies": len(deputies)}
    for level in ("town", "county", "city", "province", "national"):
        row[f"level_{level}"] = sum(
            1 for d in deputies if any(m.level == level and m.status == MandateStatus.ACTIVE for m in d.mandates.all()))
    row["no_records"] = sum(1 for d in deputies if not any(r.date.year == year for r in d.duty_records.all()))
    records = [r for r in DutyRecord.objects.filter(deputy__township=township) if r.date.year == year]
    row["duty_records"] = len(records)
    row["trainings"] = sum(1 for r in records if r.kind == DutyKind.TRAINING)
    stations = list(Station.objects.filter(township=township, is_active=True).select_related("standard_set"))
    row["stations"] = len(stations)
    total = checked = 0
    for s in stations:
        if s.standard_set_id:
            items = list(s.standard_set.items.all())
            total += len(items)
            checked += StandardEvidence.objects.filter(
                station=s, item__in=items, checked_on__isnull=False).count()
    row["compliance"] = _pct(checked, total)
    row["reception_planned"] = sum(
        1 for d in ReceptionDay.objects.filter(station__township=township) if d.date.year == year and not d.is_cancelled)
    row["reception_held"] = sum(1 for r in ReceptionRecord.objects.filter(township=township) if r.date.year == year)
    suggestions = list(Suggestion.objects.filter(township=township))
    row["received"] = sum(1 for s in suggestions if _in_year(s.submitted_at, year))
    dispatched = [s for s in suggestions if _in_year(s.dispatched_at, year)]
    replied = [s for s in dispatched if s.first_replied_at]
    evaluated = [s for s in dispatched if s.rating]
    due = [s for s in suggestions if s.dispatched_at and s.deadline and s.deadline.year == year]
    on_time = [s for s in due if s.first_replied_at and timezone.localdate(s.first_replied_at) <= s.deadline]
    row.update(
        dispatched=len(dispatched),
        replied=len(replied),
        reply_rate=_pct(len(replied), len(dispatched)),
        on_time_rate=_pct(len(on_time), len(due)),
        closure_rate=_pct(sum(1 for s in dispatched if s.state == State.CLOSED), len(dispatched)),
        satisfaction_rate=_pct(sum(1 for s in evaluated if s.rating in (Rating.SATISFIED, Rating.BASIC)), len(evaluated)),
        satisfied_rate=_pct(sum(1 for s in evaluated if s.rating == Rating.SATISFIED), len(evaluated)),
        resolution_rate=_pct(sum(1 for s in replied if s.reply_class == ReplyClass.A), len(replied)),
        overdue=sum(1 for s in suggestions if s.state in OPEN_STATES and s.due_date and s.due_date < today),
        sessions=sum(1 for s in CongressSession.objects.filter(township=township) if s.start_date.year == year),
        presidium_meetings=sum(1 for m in PresidiumMeeting.objects.filter(township=township) if m.date.year == year),
    )
    return row


def test_every_county_figure_matches_an_independent_count(client, demo):
    viewer = User.objects.get(username="county_viewer")
    client.force_login(viewer)
    today = timezone.localdate()
    for year in (today.year, today.year - 1):
        response = client.get(reverse("dashboards:county"), {"year": year})
        assert response.status_code == 200
        overview = response.context["overview"]
        assert {r["township"].slug for r in overview.rows} == {"liuhe", "taoyuan"}
        for row in overview.rows:
            expected = independent_row(Township.objects.get(pk=row["township"].pk), year, today)
            shown = {key: row[key] for key in expected}
            assert shown == expected, (row["township"].name, year)


def test_demo_figures_are_not_trivially_zero(client, demo):
    client.force_login(User.objects.get(username="county_viewer"))
    overview = client.get(reverse("dashboards:county")).context["overview"]
    totals = overview.totals
    assert totals["stations"] > 0 and totals["received"] > 0 and totals["dispatched"] > 0


def test_a_figure_links_to_exactly_the_records_behind_it(client, demo):
    client.force_login(User.objects.get(username="county_viewer"))
    overview = client.get(reverse("dashboards:county")).context["overview"]
    period = timezone.localdate().year
    for row in overview.rows:
        for figure, key in (("dispatched", "dispatched"), ("replied", "replied"), ("overdue", "overdue"),
                            ("stations", "stations"), ("received", "received")):
            response = client.get(reverse("dashboards:records", args=[figure]),
                                  {"year": period, "township": row["township"].slug})
            assert response.status_code == 200
            assert response.context["total"] == row[key], (figure, row["township"].name)
    html = client.get(reverse("dashboards:county")).content.decode()
    assert reverse("dashboards:records", args=["dispatched"]) in html


def test_flags_match_the_sessions_app_definitions(client, demo):
    from sessions_app.selectors import quarters_without_presidium_meeting, years_with_too_few_sessions

    client.force_login(User.objects.get(username="county_viewer"))
    today = timezone.localdate()
    for year in (today.year, today.year - 1):
        overview = client.get(reverse("dashboards:county"), {"year": year}).context["overview"]
        for row in overview.rows:
            township = Township.objects.get(pk=row["township"].pk)
            q = overview.quarters[township.pk]
            expected_quarters = [m.quarter for m in quarters_without_presidium_meeting(township, today=today)
                                 if m.year == year]
            assert q["missing_meeting_quarters"] == expected_quarters
            assert q["too_few_sessions"] == (year in years_with_too_few_sessions(township, today=today))
    # The demo leaves last year's third quarter without a presidium meeting and last year with one session.
    last_year = client.get(reverse("dashboards:county"), {"year": today.year - 1}).context["overview"]
    assert any(3 in q["missing_meeting_quarters"] for q in last_year.quarters.values())
    assert any(q["too_few_sessions"] for q in last_year.quarters.values())

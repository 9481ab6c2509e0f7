"""County figures are computed ahead by beat and reused while fresh."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from congress.models import County, User
from dashboards.models import Snapshot
from dashboards.periods import Period
from dashboards.tasks import refresh_county_snapshots

pytestmark = pytest.mark.django_db


def _get(client, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboards:county"), params)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def test_second_view_reads_the_snapshot_and_shows_when_computed(client, demo):
    client.force_login(User.objects.get(username="county_viewer"))
    Snapshot.objects.all().delete()
    first, first_queries = _get(client)
    second, second_queries = _get(client)
    assert Snapshot.objects.count() == 1
    assert second_queries < first_queries
    assert [r["dispatched"] for r in second.context["overview"].rows] == [
        r["dispatched"] for r in first.context["overview"].rows]
    computed = timezone.localtime(Snapshot.objects.get().computed_at).strftime("%Y-%m-%d %H:%M")
    assert f"数据统计于 {computed}" in second.content.decode()


def test_stale_snapshot_is_recomputed(client, demo, settings):
    client.force_login(User.objects.get(username="county_viewer"))
    _get(client)
    stale = timezone.now() - datetime.timedelta(seconds=settings.DASHBOARD_SNAPSHOT_MAX_AGE + 5)
    Snapshot.objects.update(computed_at=stale, data={"rows": [], "totals": {}, "quarters": {}, "charts": [], "stages": []})
    response, _ = _get(client)
    assert len(response.context["overview"].rows) == 2
    assert Snapshot.objects.get(year=timezone.localdate().year, quarter=0).computed_at > stale


def test_beat_task_refreshes_current_year_and_quarter(demo):
    Snapshot.objects.all().delete()
    today = timezone.localdate()
    assert refresh_county_snapshots() == 2 * County.objects.count()
    county = County.objects.get(slug="yunxi")
    keys = set(Snapshot.objects.filter(scope=f"county:{county.pk}").values_list("year", "quarter"))
    assert keys == {(today.year, 0), (today.year, Period.from_query({}, today).quarter or (today.month - 1) // 3 + 1)}


def test_township_figures_are_cached_briefly_but_the_queue_is_live(client, demo, settings):
    from suggestions.models import State, Suggestion

    staff = User.objects.get(username="liuhe_staff")
    client.force_login(staff)
    url = reverse("dashboards:township", args=["liuhe"])
    first = client.get(url)
    assert Snapshot.objects.filter(scope=f"township:{staff.township_id}").exists()
    overdue_before = first.context["queue"]["overdue_count"]
    # A suggestion becomes overdue: the live queue shows it at once.
    s = Suggestion.objects.filter(
        township=staff.township, state=State.IN_PROGRESS, due_date__gte=timezone.localdate()).first()
    assert s is not None, "the demo has suggestions in progress and not yet due"
    Suggestion.objects.filter(pk=s.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    second = client.get(url)
    assert second.context["queue"]["overdue_count"] == overdue_before + 1
    # ...while the cached figures (computed a moment ago) are reused until they are 5 minutes old.
    assert second.context["computed_at"] == first.context["computed_at"]
    assert "数据统计于" in first.content.decode()

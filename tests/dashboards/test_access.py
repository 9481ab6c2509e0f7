import pytest
from django.urls import reverse

from congress.models import User

pytestmark = pytest.mark.django_db

DASHBOARD_URLS = [
    ("dashboards:county", []),
    ("dashboards:township", ["liuhe"]),
    ("dashboards:records", ["dispatched"]),
    ("dashboards:annex", ["liuhe"]),
]


def test_county_viewer_reads_every_dashboard(client, demo):
    client.force_login(User.objects.get(username="county_viewer"))
    for name, args in DASHBOARD_URLS:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    assert client.get(reverse("dashboards:township", args=["taoyuan"])).status_code == 200


def test_county_viewer_post_is_refused_everywhere(client, demo):
    client.force_login(User.objects.get(username="county_viewer"))
    urls = [reverse(name, args=args) for name, args in DASHBOARD_URLS] + [
        reverse("admin:congress_village_changelist"),
        reverse("admin:congress_village_add"),
        reverse("admin:suggestions_suggestion_changelist"),
        "/portal/suggestions/queue/",
    ]
    for url in urls:
        response = client.post(url, {"name": "x"})
        assert response.status_code == 403, url


def test_township_staff_sees_own_township_only(client, demo):
    client.force_login(User.objects.get(username="liuhe_staff"))
    assert client.get(reverse("dashboards:township", args=["liuhe"])).status_code == 200
    assert client.get(reverse("dashboards:township", args=["taoyuan"])).status_code == 403
    assert client.get(reverse("dashboards:records", args=["dispatched"]), {"township": "taoyuan"}).status_code == 403
    assert client.get(reverse("dashboards:records", args=["dispatched"])).status_code == 403
    assert client.get(reverse("dashboards:annex", args=["taoyuan"])).status_code == 403
    # Staff (not a leader) do not get the county comparison.
    assert client.get(reverse("dashboards:county")).status_code == 403


def test_leader_sees_county_comparison_but_drills_only_home(client, demo):
    client.force_login(User.objects.get(username="liuhe_chair"))
    response = client.get(reverse("dashboards:county"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("dashboards:township", args=["liuhe"]) in html
    assert reverse("dashboards:township", args=["taoyuan"]) not in html


def test_deputy_and_anonymous_are_kept_out(client, demo):
    assert client.get(reverse("dashboards:county")).status_code == 302
    client.force_login(User.objects.get(username="liuhe_deputy"))
    assert client.get(reverse("dashboards:county")).status_code == 403
    assert client.get(reverse("dashboards:township", args=["liuhe"])).status_code == 403


def test_unknown_figure_or_township_is_404(client, demo):
    client.force_login(User.objects.get(username="county_viewer"))
    assert client.get(reverse("dashboards:records", args=["nonsense"])).status_code == 404
    assert client.get(reverse("dashboards:township", args=["nowhere"])).status_code == 404


def test_staff_dashboard_shows_work_queue(client, demo):
    client.force_login(User.objects.get(username="liuhe_staff"))
    response = client.get(reverse("dashboards:township", args=["liuhe"]))
    queue = response.context["queue"]
    assert queue is not None
    html = response.content.decode()
    assert "待我处理" in html
    assert f'data-testid="queue-overdue">{queue["overdue_count"]}<' in html


def test_station_and_deputy_drilldown_pages(client, demo):
    from deputies.models import Deputy
    from liaison_stations.models import Station

    station = Station.objects.filter(township__slug="liuhe", deputies__isnull=False).distinct().first()
    deputy = station.deputies.first()
    station_url = reverse("dashboards:station", args=["liuhe", station.pk])
    deputy_url = reverse("dashboards:deputy", args=["liuhe", deputy.pk])
    client.force_login(User.objects.get(username="county_viewer"))
    page = client.get(station_url)
    assert page.status_code == 200 and deputy.name in page.content.decode()
    assert client.get(deputy_url).status_code == 200
    assert deputy.phone not in client.get(deputy_url).content.decode()
    # Another township's office may not drill into this one, nor reach it under its own slug.
    client.force_login(User.objects.get(username="taoyuan_staff"))
    assert client.get(station_url).status_code == 403
    assert client.get(deputy_url).status_code == 403
    other = Deputy.objects.filter(township__slug="taoyuan").first()
    assert client.get(reverse("dashboards:deputy", args=["liuhe", other.pk])).status_code == 403
    client.force_login(User.objects.get(username="liuhe_staff"))
    assert client.get(reverse("dashboards:deputy", args=["liuhe", other.pk])).status_code == 404

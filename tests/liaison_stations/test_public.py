"""Public station pages: no phone number ever, QR code to the suggestion form, A4 poster."""

import datetime
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from deputies.models import DutyKind
from liaison_stations import services
from liaison_stations.models import ReceptionDay
from liaison_stations.views_public import suggestion_form_url

MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")  # not inside a hex token


def _public_urls(world):
    args = {"township": world.a.slug, "pk": world.station.pk}
    return [
        reverse("stations_public:list", kwargs={"township": world.a.slug}),
        reverse("stations_public:detail", kwargs=args),
        reverse("stations_public:calendar", kwargs=args),
        reverse("stations_public:poster", kwargs=args),
        reverse("stations_public:detail", kwargs={"township": world.a.slug, "pk": world.other_station.pk}),
    ]


@pytest.fixture
def busy_world(world):
    today = timezone.localdate()
    day = ReceptionDay.objects.create(station=world.station, date=today + datetime.timedelta(days=3),
                                      time_note="上午9:00")
    day.duty_deputies.set(world.deputies)
    services.reception_rule_create(actor=world.staff_a, station=world.station, frequency="monthly",
                                   month_days="15,20", start_date=today)
    record = services.reception_record_save(actor=world.staff_a, station=world.station,
                                            date=today, deputies=world.deputies)
    services.reception_issue_add(actor=world.staff_a, record=record, visitor_name="来访人",
                                 visitor_phone="13512345678", content="反映问题")
    services.activity_save(actor=world.staff_a, station=world.station, participants=world.deputies,
                           title="走访选民", kind=DutyKind.VOTER_CONTACT, date=today, content="走访")
    return world


def test_public_pages_never_contain_a_phone_number(client, busy_world):
    world = busy_world
    phones = [d.phone for d in world.deputies] + [d.user.phone for d in world.deputies]
    phones += ["13900001111", "13512345678", world.admin_a.phone]
    for url in _public_urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for phone in phones:
            assert phone not in html, (url, phone)
        assert not MOBILE.search(html), (url, MOBILE.search(html).group())
    detail = client.get(_public_urls(world)[1]).content.decode()
    assert "139****1111" in detail  # the liaison officer, masked
    assert world.deputies[0].name in detail


def test_station_page_shows_deputies_days_and_qr_code(client, busy_world):
    world = busy_world
    html = client.get(_public_urls(world)[1]).content.decode()
    assert "<svg" in html and "扫码向代表反映意见建议" in html
    assert "走访选民" in html
    # The deputies' 公示栏 (from the deputies module) lists every deputy of the station.
    assert 'data-testid="deputy-board"' in html
    assert all(d.name in html for d in world.deputies)
    calendar = client.get(_public_urls(world)[2]).content.decode()
    assert "每月15日、20日" in calendar
    assert world.deputies[0].name in calendar


@override_settings(ALLOWED_HOSTS=["rd.example.gov.cn"])
def test_qr_code_links_to_the_station_suggestion_form(client, world, rf):
    request = rf.get("/", secure=True, HTTP_HOST="rd.example.gov.cn")
    assert suggestion_form_url(request, world.station) == (
        f"https://rd.example.gov.cn/t/jia/suggest/?station={world.station.pk}"
    )
    client.defaults.update(HTTP_HOST="rd.example.gov.cn")
    args = {"township": "jia", "pk": world.station.pk}
    svg = client.get(reverse("stations_public:qr_svg", kwargs=args))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(reverse("stations_public:qr_png", kwargs=args))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    poster = client.get(reverse("stations_public:poster", kwargs=args), secure=True).content.decode()
    assert "size: A4" in poster and "<svg" in poster
    assert f"https://rd.example.gov.cn/t/jia/suggest/?station={world.station.pk}" in poster


def test_station_of_another_township_is_404_under_this_slug(client, world):
    url = reverse("stations_public:detail", kwargs={"township": "jia", "pk": world.station_b.pk})
    assert client.get(url).status_code == 404
    assert client.get(reverse("stations_public:list", kwargs={"township": "nope"})).status_code == 404

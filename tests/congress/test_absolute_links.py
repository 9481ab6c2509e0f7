"""Links shown in a browser (QR codes, poster, check-in) are absolute on the request's own scheme
and host; SITE_URL is only for places without a request and must be a public address in
production (system check congress.E101)."""

import io
import urllib.request

import pytest
import zxingcpp
from django.core.checks import run_checks
from django.urls import reverse
from PIL import Image

from congress.checks import SITE_URL_ID, check_site_url
from tests.factories import StationFactory, TownshipFactory
from tests.liaison_stations.factories import StationWorld
from tests.sessions_app.factories import Hall

from .test_settings import PROD_ENV, run_manage


def _decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, "no QR code found in the image"
    return results[0].text


@pytest.mark.parametrize("site_url", ["", "http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]/",
                                      "http://0.0.0.0:8000", "rd.example.gov.cn"])
def test_production_refuses_a_missing_or_loopback_site_url(settings, site_url):
    settings.DEBUG = False
    settings.SITE_URL = site_url
    errors = check_site_url(None)
    assert [e.id for e in errors] == [SITE_URL_ID]
    assert SITE_URL_ID in [e.id for e in run_checks()]


def test_a_public_site_url_passes_and_debug_does_not_need_one(settings):
    settings.DEBUG = False
    settings.SITE_URL = "https://rd.example.gov.cn"
    assert check_site_url(None) == []
    settings.DEBUG = True
    settings.SITE_URL = ""
    assert check_site_url(None) == []


def test_manage_check_fails_in_production_without_site_url():
    env = {k: v for k, v in PROD_ENV.items() if k != "SITE_URL"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert SITE_URL_ID in result.stderr + result.stdout


@pytest.mark.django_db
def test_station_qr_and_poster_follow_the_host_the_page_was_reached_by(client, settings):
    settings.ALLOWED_HOSTS = ["rd.local", "testserver"]
    settings.SITE_URL = "http://127.0.0.1:8000"
    world = StationWorld()
    args = {"township": world.a.slug, "pk": world.station.pk}
    expected = f"http://rd.local:8101/t/{world.a.slug}/suggest/?station={world.station.pk}"
    png = client.get(reverse("stations_public:qr_png", kwargs=args), HTTP_HOST="rd.local:8101")
    assert _decode(png.content) == expected
    https = client.get(reverse("stations_public:poster", kwargs=args), HTTP_HOST="rd.local", secure=True)
    assert f"https://rd.local/t/{world.a.slug}/suggest/?station={world.station.pk}" in https.content.decode()
    detail = client.get(reverse("stations_public:detail", kwargs=args), HTTP_HOST="rd.local:8101").content.decode()
    assert f'href="{expected}"' in detail and "127.0.0.1:8000" not in detail


@pytest.mark.django_db
def test_session_checkin_qr_follows_the_host_of_the_venue_screen(client, settings):
    settings.ALLOWED_HOSTS = ["10.0.0.5", "testserver"]
    hall = Hall()
    client.force_login(hall.staff)
    page = client.get(reverse("sessions_portal:screen", args=[hall.session.pk]), HTTP_HOST="10.0.0.5:8102")
    assert page.context["checkin_url"].startswith("http://10.0.0.5:8102/portal/sessions/checkin/?c=")


@pytest.mark.django_db(transaction=True)
def test_qr_decoded_from_a_server_on_another_port_opens_a_page_of_that_server(live_server):
    # factories only: a transactional test may run after others flushed the preset standard sets
    station = StationFactory(township=TownshipFactory(slug="jia"))
    base = live_server.url  # a random port, never the 8000 of SITE_URL
    assert not base.endswith(":8000")
    qr_url = base + reverse("stations_public:qr_png", kwargs={"township": "jia", "pk": station.pk})
    with urllib.request.urlopen(qr_url, timeout=20) as response:
        decoded = _decode(response.read())
    assert decoded.startswith(base + "/")
    with urllib.request.urlopen(decoded, timeout=20) as response:
        assert response.status == 200
        assert "群众点单" in response.read().decode()

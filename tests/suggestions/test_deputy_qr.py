"""代表码: each deputy's QR code opens the public form with the deputy preselected; the item goes
to that deputy first (and only), on the address the page was reached by."""

import datetime
import io

import pytest
from django.urls import reverse
from PIL import Image

from deputies.models import Mandate, MandateStatus
from deputies.services import mandate_change_status
from suggestions.models import Suggestion

from .test_views import form_data


def test_card_and_images_point_at_the_form_on_the_request_host(w, client, settings):
    settings.SITE_URL = "https://elsewhere.example.cn"
    card = client.get(reverse("deputies_public:deputy_qr_card", args=["jia", w.deputy3.pk]))
    html = card.content.decode()
    target = f"http://testserver/t/jia/suggest/?deputy={w.deputy3.pk}"
    assert card.status_code == 200 and w.deputy3.name in html and "<svg" in html and target in html
    assert w.deputy3.user.phone not in html
    png = client.get(reverse("deputies_public:deputy_qr_png", args=["jia", w.deputy3.pk]))
    zxingcpp = pytest.importorskip("zxingcpp")
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert decoded.text == target
    svg = client.get(reverse("deputies_public:deputy_qr_svg", args=["jia", w.deputy3.pk]))
    assert svg["Content-Type"] == "image/svg+xml"


def test_public_board_links_each_deputy_code(w, client):
    district = w.district
    html = client.get(reverse("deputies_public:district_board", args=["jia", district.number])).content.decode()
    assert reverse("deputies_public:deputy_qr_card", args=["jia", w.deputy1.pk]) in html


def test_no_code_for_a_deputy_off_the_roster_or_of_another_township(w, client):
    assert client.get(reverse("deputies_public:deputy_qr_card", args=["jia", w.deputy_b.pk])).status_code == 404
    for mandate in Mandate.objects.filter(deputy=w.deputy3):
        mandate_change_status(actor=w.staff, mandate=mandate, status=MandateStatus.RESIGNED,
                              date=datetime.date(2026, 6, 1), reason="个人原因辞职")
    assert client.get(reverse("deputies_public:deputy_qr_card", args=["jia", w.deputy3.pk])).status_code == 404


def test_scanned_submission_goes_to_that_deputy_first(w, client):
    url = reverse("suggestions_public:submit", args=["jia"]) + f"?deputy={w.deputy3.pk}"
    page = client.get(url).content.decode()
    assert 'data-testid="preferred-deputy"' in page and w.deputy3.name in page
    response = client.post(url, form_data(village=w.village.pk))
    assert response.status_code == 302
    s = Suggestion.objects.get()
    # The village's district deputies (deputy1, deputy2) would be the usual routing.
    assert list(s.routed_deputies.all()) == [w.deputy3]


def test_foreign_or_stale_deputy_falls_back_to_usual_routing(w, client):
    url = reverse("suggestions_public:submit", args=["jia"]) + f"?deputy={w.deputy_b.pk}"
    assert 'data-testid="preferred-deputy"' not in client.get(url).content.decode()
    client.post(url, form_data(village=w.village.pk))
    assert set(Suggestion.objects.get().routed_deputies.all()) == {w.deputy1, w.deputy2}

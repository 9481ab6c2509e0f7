"""Public pages: the board per electoral district; never a phone number."""

import re

import pytest
from django.urls import reverse

from deputies.models import Deputy, VoterContact
from tests.factories import StationFactory

from .factories import DutyRecordFactory

pytestmark = pytest.mark.django_db

PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")  # not inside a hex token


def assert_no_phone(html: str, phones=()):
    assert not PHONE.search(html), PHONE.search(html).group(0)
    assert "****" not in html
    for phone in phones:
        assert phone not in html


def test_district_board_shows_photo_name_levels_group_station_and_duty_summary(
    client, office, today
):
    station = StationFactory(township=office.township, name="上坪代表之家")
    station.deputies.add(office.deputy)
    DutyRecordFactory(deputy=office.deputy, date=today, hours=2)
    html = client.get(reverse("deputies_public:district_board", args=["jia", 1])).content.decode()
    assert office.deputy.name in html and "镇人大代表" in html
    assert "第一代表小组" in html and "上坪代表之家" in html
    assert "<strong>1</strong> 次" in html
    assert office.other_deputy.name not in html  # district 2
    assert_no_phone(html, [office.deputy.phone])


def test_unknown_district_is_404(client, office):
    assert (
        client.get(reverse("deputies_public:district_board", args=["jia", 99])).status_code == 404
    )
    assert (
        client.get(reverse("deputies_public:district_board", args=["nowhere", 1])).status_code
        == 404
    )


def test_every_public_page_of_the_demo_county_is_free_of_phone_numbers(client, demo_county):
    phones = set(Deputy.objects.exclude(phone="").values_list("phone", flat=True))
    phones |= set(VoterContact.objects.exclude(phone="").values_list("phone", flat=True))
    assert len(phones) > 100
    pages = [reverse("public:home")]
    for slug in ("liuhe", "taoyuan"):
        pages += [
            reverse("public:township", args=[slug]),
            reverse("deputies_public:township_deputies", args=[slug]),
        ]
    from congress.models import ElectoralDistrict

    for district in ElectoralDistrict.objects.select_related("township"):
        pages.append(
            reverse(
                "deputies_public:district_board", args=[district.township.slug, district.number]
            )
        )
    boards_with_deputies = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert_no_phone(html, phones)
        boards_with_deputies += "deputy-board" in html and "暂无代表信息" not in html
    assert boards_with_deputies == 22 + 28


def test_township_index_links_every_district_with_its_count(client, office):
    html = client.get(reverse("deputies_public:township_deputies", args=["jia"])).content.decode()
    assert reverse("deputies_public:district_board", args=["jia", 3]) in html
    assert "1 名代表" in html and "0 名代表" in html


def test_township_page_links_to_the_district_boards(client, office):
    html = client.get(reverse("public:township", args=["jia"])).content.decode()
    assert reverse("deputies_public:township_deputies", args=["jia"]) in html
    assert reverse("deputies_public:district_board", args=["jia", 2]) in html

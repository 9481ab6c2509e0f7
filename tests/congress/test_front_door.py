"""The citizens' front door: from ``/`` and every township page, each service is one tap away,
and every station, district or deputy named on a public page links to its page."""

import datetime
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison_stations.models import ReceptionDay
from tests.factories import (
    DeputyFactory,
    ElectoralDistrictFactory,
    MandateFactory,
    StationFactory,
    TownshipFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]+)(?:#[^"]*)?"')
FRONT_DOOR = ["我要提建议", "查询办理进度", "办理结果公开", "联络站", "代表公示栏"]


@pytest.fixture
def town():
    township = TownshipFactory(name="柳河镇", slug="liuhe")
    village = VillageFactory(township=township, name="东村")
    district = ElectoralDistrictFactory(township=township, number=3)
    district.villages.add(village)
    station = StationFactory(township=township, name="柳河镇代表之家")
    deputy = DeputyFactory(township=township, name="王建国", district=district)
    MandateFactory(deputy=deputy)
    station.deputies.add(deputy)
    station.convener = deputy
    station.save()
    day = ReceptionDay.objects.create(station=station, date=timezone.localdate() + datetime.timedelta(days=4))
    day.duty_deputies.add(deputy)
    return {"township": township, "district": district, "station": station, "deputy": deputy, "day": day}


def _links(html: str, base: str) -> list[str]:
    return [urljoin(base, h) for h in HREF.findall(html)]


def test_township_page_opens_with_the_five_services_before_anything_else(client, town):
    html = client.get("/t/liuhe/").content.decode()
    door = html.index('data-testid="front-door"')
    assert door < html.index("选区划分") and door < html.index('data-testid="station-list"')
    tiles = html[door:html.index("</nav>", door)]
    for label in FRONT_DOOR:
        assert label in tiles
    for url in [reverse("suggestions_public:submit", args=["liuhe"]), reverse("suggestions_public:track"),
                reverse("suggestions_public:results", args=["liuhe"]), reverse("stations_public:list", args=["liuhe"]),
                reverse("deputies_public:township_deputies", args=["liuhe"])]:
        assert f'href="{url}"' in tiles
    # the station list names the next reception day
    assert f"下次接待 {town['day'].date.month}月{town['day'].date.day}日" in html


def test_county_home_with_one_township_shows_its_front_door(client, town):
    html = client.get("/").content.decode()
    door = html[html.index('data-testid="front-door"'):]
    assert f'href="{reverse("suggestions_public:submit", args=["liuhe"])}"' in door[:door.index("</nav>")]


def test_county_home_with_several_townships_lets_a_person_choose_one(client, town):
    TownshipFactory(name="桃源乡", slug="taoyuan")
    html = client.get("/").content.decode()
    door = html[html.index('data-testid="front-door"'):]
    door = door[:door.index("</nav>")]
    for label in FRONT_DOOR:
        assert label in door
    assert f'href="{reverse("suggestions_public:track")}"' in door
    for slug in ("liuhe", "taoyuan"):
        assert f'href="{reverse("suggestions_public:submit", args=[slug])}"' in html


def test_a_crawl_from_the_root_reaches_the_submit_form_within_two_clicks_of_a_township_page(client, town):
    submit = reverse("suggestions_public:submit", args=["liuhe"])
    township_url = reverse("public:township", args=["liuhe"])
    depth = {"/": 0}
    queue = deque(["/"])
    while queue:
        url = queue.popleft()
        if depth[url] >= 3:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _links(response.content.decode(), "http://testserver" + url):
            parts = urlsplit(link)
            if parts.netloc != "testserver" or parts.path.startswith(("/portal", "/admin", "/static", "/media")):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in depth:
                depth[path] = depth[url] + 1
                queue.append(path)
    assert depth[township_url] <= 1
    form_paths = [p for p in depth if p.split("?")[0] == submit]
    assert form_paths and min(depth[p] for p in form_paths) - depth[township_url] <= 2


def test_every_deep_township_page_carries_the_front_door_bar(client, town):
    station = town["station"]
    for url in [reverse("stations_public:detail", args=["liuhe", station.pk]),
                reverse("deputies_public:district_board", args=["liuhe", 3]),
                reverse("suggestions_public:results", args=["liuhe"])]:
        html = client.get(url).content.decode()
        assert 'class="front-door-bar' in html, url
        assert f'href="{reverse("suggestions_public:submit", args=["liuhe"])}"' in html


def test_stations_districts_and_deputies_named_on_public_pages_link_to_their_pages(client, town):
    station, deputy = town["station"], town["deputy"]
    station_url = reverse("stations_public:detail", args=["liuhe", station.pk])
    board_url = reverse("deputies_public:district_board", args=["liuhe", 3])
    board = client.get(board_url).content.decode()
    assert f'<a href="{station_url}">柳河镇代表之家</a>' in board  # district board → station page
    assert f'<a href="{board_url}">第3选区</a>' in board
    detail = client.get(station_url).content.decode()
    assert f'<a href="{board_url}#deputy-{deputy.pk}">王建国</a>' in detail  # convener, duty roster, board
    assert f'id="deputy-{deputy.pk}"' in board
    listing = client.get(reverse("stations_public:list", args=["liuhe"])).content.decode()
    assert f'href="{station_url}"' in listing and "下次接待选民日" in listing

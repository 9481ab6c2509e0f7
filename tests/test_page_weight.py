"""What a phone downloads: every public, portal and dashboard page of the demo county, its HTML
and each static file it loads (stylesheets, the fonts they reference, scripts, and the scripts
static/js/app.js fetches when the page needs them), gzipped as served. Prints a table and holds
the goals: public and portal pages <= 100 KB on first load and <= 15 KB on a repeat visit (hashed
static files are cached as immutable); dashboards <= 250 KB."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from whitenoise.compress import Compressor

from congress.models import User

KB = 1024
FIRST_LOAD = {"public": 100 * KB, "portal": 100 * KB, "dashboard": 250 * KB}
REPEAT_VISIT = 15 * KB
# static/js/app.js loads these only when the page has the matching attributes.
ON_DEMAND = {
    "data-bootstrap": re.compile(r"\sdata-bs-(toggle|dismiss)="),
    "data-htmx": re.compile(r"\s(data-)?hx-(get|post|put|patch|delete|boost)="),
}


def _gzipped(data: bytes, name: str) -> int:
    if not Compressor(quiet=True).should_compress(name):
        return len(data)  # woff2, png …: served as they are
    return len(gzip.compress(data, compresslevel=9))


def _static(url: str) -> tuple[str, bytes]:
    from django.conf import settings

    path = url.split("?")[0].removeprefix(settings.STATIC_URL)
    found = finders.find(path)
    assert found, f"{url} is not a static file"
    with open(found, "rb") as f:
        return path, f.read()


def page_weight(html: str) -> dict:
    """Bytes on the wire (gzipped) for the HTML and each static file the page loads."""
    files = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    files += re.findall(r'<script[^>]* src="([^"]+)"', html)
    for attribute, used in ON_DEMAND.items():
        if used.search(html):
            files += re.findall(rf'{attribute}="([^"]+)"', html)
    sizes = {}
    for url in dict.fromkeys(files):
        path, data = _static(url)
        sizes[path] = _gzipped(data, path)
        if path.endswith(".css"):
            for ref in re.findall(r'url\("?([^")]+)"?\)', data.decode()):
                if not ref.startswith("data:"):
                    ref_path = path.rsplit("/", 1)[0] + "/" + ref.split("?")[0]
                    sizes[ref_path] = _gzipped(_static("/static/" + ref_path)[1], ref_path)
    html_size = len(gzip.compress(html.encode(), compresslevel=6))
    return {"html": html_size, "static": sizes, "first": html_size + sum(sizes.values())}


def _pages(demo_county):
    liuhe = demo_county.townships["liuhe"]
    board = liuhe.districts.order_by("number").first()
    return [
        ("public", None, reverse("public:home")),
        ("public", None, reverse("public:township", args=[liuhe.slug])),
        ("public", None, reverse("deputies_public:township_deputies", args=[liuhe.slug])),
        ("public", None, reverse("deputies_public:district_board", args=[liuhe.slug, board.number])),
        ("public", None, reverse("suggestions_public:submit", args=[liuhe.slug])),
        ("public", None, reverse("suggestions_public:results", args=[liuhe.slug])),
        ("public", None, reverse("suggestions_public:track")),
        ("public", None, reverse("stations_public:list", args=[liuhe.slug])),
        ("portal", None, reverse("portal:login")),
        ("portal", "liuhe_deputy", reverse("portal:home")),
        ("portal", "liuhe_deputy", reverse("deputies:records")),
        ("portal", "liuhe_staff", reverse("portal:home")),
        ("portal", "liuhe_staff", reverse("suggestions_portal:index")),
        ("portal", "liuhe_staff", reverse("sessions_portal:session_list")),
        ("portal", "liuhe_station", reverse("stations_portal:home")),
        ("dashboard", "county_viewer", reverse("dashboards:county")),
        ("dashboard", "liuhe_chair", reverse("dashboards:township", args=[liuhe.slug])),
    ]


def test_page_weight_within_the_goals(client, demo_county, capsys):
    rows, over = [], []
    for kind, username, url in _pages(demo_county):
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        weight = page_weight(response.content.decode())
        rows.append((kind, username or "匿名", url, weight))
        if weight["first"] > FIRST_LOAD[kind] or (kind != "dashboard" and weight["html"] > REPEAT_VISIT):
            over.append((url, weight))
    with capsys.disabled():
        print("\n页面传输量(gzip):首次 = HTML + 静态文件;再次访问 = 仅 HTML(静态文件带哈希、长期缓存)")
        for kind, who, url, weight in rows:
            print(f"  {kind:9} {who:14} {url:42} 首次 {weight['first'] / KB:6.1f} KB"
                  f"  再次 {weight['html'] / KB:5.1f} KB")
        biggest = max(rows, key=lambda row: row[3]["first"])
        print("  最重页面的静态文件:", {k: f"{v / KB:.1f} KB" for k, v in biggest[3]["static"].items()})
    assert not over, over
    # The measurement itself sees the files: CSS, the icon font and the scripts.
    home = rows[0][3]["static"]
    assert {"dist/site.css", "dist/icons.css", "dist/icons.woff2", "js/app.js"} <= home.keys()
    assert "dist/echarts.min.js" in rows[-1][3]["static"]


def test_dashboard_charts_use_only_what_the_echarts_build_contains(client, demo_county):
    """static/dist/echarts.min.js holds the chart types and components listed in
    assets/echarts.js; every chart the dashboards draw must be among them."""
    import json
    from pathlib import Path

    from django.conf import settings

    entry = (Path(settings.BASE_DIR) / "assets" / "echarts.js").read_text()
    charts = {name.removesuffix("Chart").lower() for name in re.findall(r"\b(\w+Chart)\b", entry)}
    components = {name.removesuffix("Component") for name in re.findall(r"\b(\w+)Component\b", entry)}
    components = {name[0].lower() + name[1:] for name in components}
    seen_types, seen_components = set(), set()
    for username, url in (("county_viewer", reverse("dashboards:county")),
                          ("liuhe_chair", reverse("dashboards:township", args=["liuhe"]))):
        client.force_login(User.objects.get(username=username))
        html = client.get(url).content.decode()
        for source in re.findall(r'<script id="[^"]+" type="application/json">(.*?)</script>', html, re.S):
            option = json.loads(source)
            if not isinstance(option, dict) or "series" not in option:
                continue
            seen_types |= {series["type"] for series in option["series"]}
            seen_components |= {key for key in option if key in {
                "grid", "legend", "title", "tooltip", "dataZoom", "visualMap", "toolbox", "polar",
                "radar", "geo", "dataset", "markLine", "markPoint", "graphic", "calendar"}}
    assert seen_types, "no chart found on the dashboards"
    assert seen_types <= charts, f"charts not in the ECharts build: {seen_types - charts}; add them to assets/echarts.js"
    assert seen_components <= components, seen_components - components

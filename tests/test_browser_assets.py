"""In Chromium: the trimmed assets still work — app.js fetches htmx only where the page polls and
Bootstrap's JS only where something toggles, and the custom ECharts build draws the dashboards."""

import pytest

from tests.browser import phone_page
from tests.factories import county_viewer_of
from tests.sessions_app.factories import Hall

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, user):
    page.goto(f"{base}/portal/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_htmx_and_bootstrap_load_only_where_used_and_charts_draw(live_server):
    hall = Hall(size=3, accounts=0)
    # Made before the browser opens: once the attendance page polls, a write from this thread
    # could meet the live server's read of the same table ("database table is locked" on
    # SQLite's shared in-memory test database).
    viewer = county_viewer_of(hall.township.county)
    with phone_page() as page:
        _login(page, live_server.url, hall.staff)
        page.goto(f"{live_server.url}/portal/")
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.htmx") == "undefined"
        assert page.evaluate("typeof window.bootstrap") == "undefined"

        # The live attendance page polls with hx-get: htmx arrives and runs its trigger.
        page.goto(f"{live_server.url}/portal/sessions/{hall.session.pk}/attendance/")
        # app.js loads htmx on demand. Polled with page.evaluate, which the page's CSP does not
        # govern (wait_for_function's polling evaluates a string in the page: 'unsafe-eval').
        for _ in range(100):
            if page.evaluate("typeof window.htmx") == "object":
                break
            page.wait_for_timeout(100)
        assert page.evaluate("typeof window.htmx") == "object"
        with page.expect_request(lambda r: "/attendance/" in r.url and r.headers.get("hx-request") == "true",
                                 timeout=12_000):
            pass

        page.context.clear_cookies()
        _login(page, live_server.url, viewer)
        page.goto(f"{live_server.url}/dashboard/")
        page.wait_for_selector(".echart svg", timeout=10_000)
        assert page.evaluate("typeof window.htmx") == "undefined"

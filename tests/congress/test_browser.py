"""The portal and public shells as a phone user sees them, in headless Chromium."""

import pytest

from congress.notifications import notification_send
from congress.roles import Role
from tests.browser import no_horizontal_overflow, phone_page
from tests.factories import TownshipFactory, staff_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_deputy_logs_in_on_a_phone_and_sees_the_inbox(live_server, tmp_path):
    township = TownshipFactory(name="柳河镇", slug="liuhe")
    deputy = staff_of(township, role=Role.DEPUTY, username="deputy1")
    notification_send(recipient=deputy, title="您有一件新的群众建议待接单")
    with phone_page() as page:
        page.goto(f"{live_server.url}/portal/")
        assert "登录" in page.title()
        page.fill("input[name=username]", "deputy1")
        page.fill("input[name=password]", "pw-for-tests-1")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/portal/")
        assert page.locator("[data-testid=unread-count]").first.inner_text().startswith("1")
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(tmp_path / "portal-home.png"), full_page=True)
        page.click("nav.portal-bottom-nav >> text=消息")
        assert page.get_by_text("您有一件新的群众建议待接单").is_visible()
        page.click("text=标为已读")
        assert page.locator("[data-testid=unread-count]").count() == 0
        assert no_horizontal_overflow(page)


def test_public_township_page_fits_a_phone(live_server):
    TownshipFactory(name="桃源乡", slug="taoyuan")
    with phone_page() as page:
        page.goto(f"{live_server.url}/t/taoyuan/")
        assert page.get_by_role("heading", name="桃源乡人民代表大会").is_visible()
        assert no_horizontal_overflow(page)

"""Journey tests: each role's whole path, by clicks only after the first page a person opens,
in Debian's Chromium (phones for citizens, deputies, handlers and station admins; a desktop for
staff and the county). Screenshots go to ``var/journeys/`` for review."""

from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser import SHARED, close_thread_connections, leave_and_close

PASSWORD = "pw-for-tests-1"
SHOTS = Path(settings.BASE_DIR) / "var" / "journeys"
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def said(page, message: str):
    """The page's message after an action (the alert at the top) contains ``message``."""
    from playwright.sync_api import expect

    expect(page.get_by_role("alert").filter(has_text=message).first).to_be_visible()


class Browser:
    """One Chromium for a journey; each person gets a context of their own (own cookies)."""

    def __init__(self, browser, base_url: str, journey: str):
        self.browser = browser
        self.base_url = base_url
        self.journey = journey
        self.contexts = []
        self.shot_count = 0

    def person(self, *, phone: bool = True):
        context = self.browser.new_context(locale="zh-CN", **(PHONE if phone else DESKTOP))
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        return page

    def open(self, page, path: str):
        """The first page the person opens (typed or scanned); everything after is a click."""
        page.goto(self.base_url + path)

    def login(self, page, username: str):
        """The portal's login page: type the name and password, press 登录."""
        self.open(page, "/portal/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

    def shot(self, page, name: str):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.shot_count += 1
        page.screenshot(path=str(SHOTS / f"{self.journey}-{self.shot_count:02d}-{name}.png"), full_page=True)


@contextmanager
def chromium(base_url: str, journey: str):
    """The journey's persons, each in a context of its own, in the shared Chromium."""
    session = Browser(SHARED.get(), base_url, journey)
    try:
        yield session
    finally:
        for context in session.contexts:
            leave_and_close(context)
        close_thread_connections()


@pytest.fixture
def journey(live_server, request):
    with chromium(live_server.url, request.node.name.removeprefix("test_")) as session:
        yield session

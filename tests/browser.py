"""Helpers for the headless-Chromium tests (Playwright driving Debian's chromium)."""

import os
from contextlib import contextmanager

from tests.conftest import CHROMIUM

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def phone_page(width: int = 360, height: int = 740):
    """A page in a 360 px wide phone viewport."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # synchronous all the same. Allowed only for the duration of the browser session.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=2, is_mobile=True,
            has_touch=True, locale="zh-CN",
        )
        page = context.new_page()
        try:
            yield page
        finally:
            # Leave the page first so no auto-refreshing request (htmx polling) is still in
            # flight on the live server when the test database is torn down.
            try:
                page.goto("about:blank")
                page.wait_for_timeout(300)
            except Exception:
                pass
            context.close()
            browser.close()
            # ORM calls made inside this block ran in Playwright's context and got connections
            # of their own: close them, or PostgreSQL cannot drop the test database later.
            from django.db import connections

            connections.close_all()
            if previous is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

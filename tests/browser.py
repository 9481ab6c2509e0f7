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
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

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
            context.close()
            browser.close()


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

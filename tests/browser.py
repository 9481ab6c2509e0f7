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


class SharedChromium:
    """One Playwright driver and one Chromium for a run of consecutive browser tests (starting
    them costs about a second each time); every test still gets fresh browser contexts of its
    own (own cookies, storage and cache). Stopped by ``pytest_runtest_teardown`` in
    tests/conftest.py after a browser test whose next test is not one, and at the session's end.

    Playwright's sync API keeps an event loop running in this thread while it is started, so
    Django's check for async-unsafe calls is off meanwhile (DJANGO_ALLOW_ASYNC_UNSAFE): the
    tests' own ORM calls, and their fixtures', are synchronous all the same."""

    def __init__(self):
        self.playwright = None
        self.browser = None
        self.previous_env = None

    def get(self):
        if self.browser is not None and self.browser.is_connected():
            return self.browser
        self.stop()  # a Chromium that crashed: start afresh
        from playwright.sync_api import sync_playwright

        self.previous_env = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        return self.browser

    def stop(self):
        if self.playwright is None:
            return
        try:
            if self.browser is not None:
                self.browser.close()
        except Exception:
            pass
        finally:
            self.playwright.stop()
            self.playwright = self.browser = None
            close_thread_connections()
            if self.previous_env is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.previous_env


SHARED = SharedChromium()


def close_thread_connections():
    """ORM calls made while Playwright runs get connections of their own: close them, or
    PostgreSQL cannot drop the test database later."""
    from django.db import connections

    connections.close_all()


def leave_and_close(context, settle_ms: int = 0):
    """Leave each page first so no auto-refreshing request (htmx polling) is still in flight on
    the live server when the test database is torn down, then close the context."""
    try:
        for page in context.pages:
            page.goto("about:blank")
            if settle_ms:
                page.wait_for_timeout(settle_ms)
    except Exception:
        pass
    try:
        context.close()
    except Exception:
        pass


@contextmanager
def phone_page(width: int = 360, height: int = 740):
    """A page in a 360 px wide phone viewport, in a context of its own."""
    context = SHARED.get().new_context(
        viewport={"width": width, "height": height}, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="zh-CN",
    )
    try:
        yield context.new_page()
    finally:
        leave_and_close(context, settle_ms=300)
        close_thread_connections()


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

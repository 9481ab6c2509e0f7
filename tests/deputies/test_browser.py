"""A deputy records a duty on a phone: log in, tap the tile, pick a kind, type a line, save."""

import time

import pytest
from django.utils import timezone

from deputies.models import DutyKind, DutyRecord
from tests.browser import no_horizontal_overflow, phone_page
from tests.factories import StationFactory

from .factories import DutyRecordFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_deputy_records_a_duty_on_a_phone_in_a_few_taps(live_server, office, tmp_path):
    office.deputy.user.username = "dep_jia"
    office.deputy.user.save()
    with phone_page() as page:
        page.goto(f"{live_server.url}/portal/login/")
        page.fill("input[name=username]", "dep_jia")
        page.fill("input[name=password]", "pw-for-tests-1")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/portal/")
        started = time.monotonic()
        page.click("a.tile >> text=记一笔履职")
        page.click("label >> text=联系/走访选民")
        # Fields for other kinds stay out of the way; the ones for this kind appear.
        assert page.locator(".field-contact_persons").is_visible()
        assert not page.locator(".field-satisfied_count").is_visible()
        page.fill("textarea[name=content]", "走访上坪村5户村民,听取修路意见")
        assert no_horizontal_overflow(page)
        page.screenshot(path=str(tmp_path / "duty-quick-add.png"), full_page=True)
        page.click("button:has-text('保存')")
        page.wait_for_url(f"{live_server.url}/portal/deputies/")
        assert time.monotonic() - started < 60
        assert page.get_by_text("已记入履职档案").is_visible()
        assert no_horizontal_overflow(page)
    record = DutyRecord.objects.get()
    assert (record.deputy, record.kind, record.date) == (
        office.deputy, DutyKind.VOTER_CONTACT, timezone.localdate()
    )


def test_district_board_fits_a_phone(live_server, office):
    StationFactory(township=office.township, name="上坪代表之家").deputies.add(office.deputy)
    DutyRecordFactory(deputy=office.deputy)
    with phone_page() as page:
        page.goto(f"{live_server.url}/t/jia/deputies/d/1/")
        assert page.get_by_role("heading", name="第1选区人大代表公示栏").is_visible()
        assert page.get_by_text(office.deputy.name).first.is_visible()
        assert no_horizontal_overflow(page)

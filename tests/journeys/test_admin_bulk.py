"""Staff, on a desktop, reject several suggestions at once from the admin list: tick them, choose
the list action, write the reason once, read which ones succeeded and which did not."""

import re

import pytest
from playwright.sync_api import expect

from suggestions import services
from tests.journeys.conftest import said
from tests.suggestions import factories as f
from tests.suggestions.conftest import SWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_bulk_reject_in_the_admin_list(journey):
    w = SWorld()
    a, b = f.presented(w, title="甲"), f.submitted(w, title="乙")
    gone = f.presented(w, title="丙")
    services.suggestion_dispatch(actor=w.chair, suggestion=gone, lead_department=w.dept)
    staff = journey.person(phone=False)
    journey.login(staff, w.staff.username)
    staff.get_by_role("link", name="管理后台").first.click()
    staff.get_by_role("link", name="建议(群众点单)").first.click()
    for s in (a, b, gone):
        staff.locator("tr", has_text=s.code).locator("input.action-select").check()
    staff.locator("select[name=action]").select_option(label="不予受理(所选建议)")
    staff.get_by_role("button", name="执行").click()
    page = staff.get_by_test_id("bulk-action")
    expect(page).to_contain_text(gone.code)
    expect(page).to_contain_text("当前状态不能不予受理")
    page.get_by_label(re.compile("^理由")).fill("属于诉讼渠道,请通过法院解决")
    journey.shot(staff, "bulk-reject-form")
    page.get_by_role("button", name="不予受理(3 件)").click()
    expect(staff.get_by_text("已不予受理 2 件。")).to_be_visible()
    expect(staff.get_by_text(f"{gone.code}:该建议当前状态为「人大已派单」,不能不予受理。")).to_be_visible()
    journey.shot(staff, "bulk-reject-report")
    for s in (a, b):
        s.refresh_from_db()
        assert s.state == "rejected" and s.rejection_reason == "属于诉讼渠道,请通过法院解决"
    gone.refresh_from_db()
    assert gone.state == "dispatched"

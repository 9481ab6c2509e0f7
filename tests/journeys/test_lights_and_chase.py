"""红灯/黄灯 and 催办, by clicks on phones: staff see the lights in their work queue and chase
the overdue item; the department's handler finds the chase notice in the inbox and the light in
the department's queue; the supervising leader issues a 督办函 on a key suggestion."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from suggestions import services
from suggestions.models import EventKind, Suggestion, SuggestionEvent
from tests.journeys.conftest import said
from tests.suggestions import factories as f
from tests.suggestions.conftest import SWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _act(page, title: str):
    panel = page.locator("details", has=page.locator("summary", has_text=title)).first
    panel.locator("summary").click()
    return panel


def test_staff_see_lights_chase_and_the_handler_is_told(journey):
    w = SWorld()
    today = timezone.localdate()
    late = f.in_progress(w)
    soon = f.dispatched(w)
    key = services.suggestion_dispatch(actor=w.staff, suggestion=f.presented(w), lead_department=w.dept2,
                                       is_key=True, supervisor=w.chair)
    # Titles as the deputies refined them; deadlines as if time had passed.
    Suggestion.objects.filter(pk=late.pk).update(title="村道塌方修复", due_date=today - datetime.timedelta(days=3))
    Suggestion.objects.filter(pk=soon.pk).update(title="卫生室漏雨", due_date=today)
    Suggestion.objects.filter(pk=key.pk).update(title="集镇停车难")

    # --- staff, on a phone: the queue shows both lights and the counts per department -------------
    staff = journey.person()
    journey.login(staff, w.staff.username)
    staff.get_by_role("link", name="建议办理").first.click()
    red_row = staff.get_by_test_id("suggestion-row").filter(has_text="村道塌方修复")
    expect(red_row.get_by_test_id("light")).to_have_text(re.compile("红灯 · 已逾期"))
    yellow_row = staff.get_by_test_id("suggestion-row").filter(has_text="卫生室漏雨")
    expect(yellow_row.get_by_test_id("light")).to_have_text(re.compile("黄灯 · 今日到期"))
    expect(staff.get_by_test_id("department-lights")).to_contain_text("社会事务办")
    journey.shot(staff, "queue-lights")
    # The counts link to that department's red items.
    staff.get_by_test_id("department-red").first.click()
    expect(staff.get_by_test_id("suggestion-row")).to_have_count(1)
    journey.shot(staff, "department-red")
    staff.get_by_role("link", name=re.compile("村道塌方修复")).click()
    expect(staff.get_by_test_id("light")).to_contain_text("红灯")
    panel = _act(staff, "催办")
    panel.get_by_label(re.compile("催办说明")).fill("请三日内答复,并报告进展。")
    journey.shot(staff, "chase-form")
    panel.get_by_role("button", name="催办").click()
    said(staff, "已催办")
    expect(staff.get_by_test_id("timeline")).to_contain_text("请三日内答复")
    journey.shot(staff, "chased")
    # A second press the same day is refused with the time it may be pressed again.
    panel = _act(staff, "催办")
    panel.get_by_role("button", name="催办").click()
    said(staff, "该建议今天已催办过,请于")
    journey.shot(staff, "chase-refused")
    assert SuggestionEvent.objects.filter(suggestion=late, action=EventKind.CHASE).count() == 1

    # --- the handler, on a phone: the chase notice in the inbox, the light in the queue ------------
    handler = journey.person()
    journey.login(handler, w.handler.username)
    handler.get_by_role("link", name="消息").first.click()
    notice = handler.get_by_text("【催办】村道塌方修复")
    expect(notice).to_be_visible()
    expect(handler.get_by_text(re.compile("请三日内答复"))).to_be_visible()
    journey.shot(handler, "inbox-chase")
    handler.locator("li, .list-group-item", has_text="【催办】村道塌方修复").get_by_role("link", name="查看").first.click()
    expect(handler.get_by_test_id("light")).to_contain_text("红灯")
    journey.shot(handler, "chased-item")
    handler.get_by_role("link", name="返回列表").click()
    row = handler.get_by_test_id("suggestion-row").filter(has_text="村道塌方修复")
    expect(row.get_by_test_id("light")).to_have_text(re.compile("红灯"))
    journey.shot(handler, "queue-light")

    # --- the chair (supervising leader), on a phone: 督办 from 我督办的重点建议 -----------------------
    chair = journey.person()
    journey.login(chair, w.chair.username)
    chair.get_by_role("link", name="建议办理").first.click()
    chair.get_by_test_id("supervised").get_by_role("link", name=re.compile("集镇停车难")).click()
    panel = _act(chair, "督办")
    panel.get_by_label(re.compile("督办意见")).fill("请月底前拿出解决方案。")
    panel.get_by_role("button", name="发出督办函").click()
    said(chair, "已发出督办")
    with chair.expect_download() as download:
        chair.get_by_test_id("print-supervision").click()
    assert download.value.suggested_filename == f"督办函-{key.code}.docx"
    journey.shot(chair, "supervised")
    assert SuggestionEvent.objects.filter(suggestion=key, action=EventKind.SUPERVISE).count() == 1


def test_staff_see_lights_in_the_admin_list_and_chase_there(journey):
    w = SWorld()
    today = timezone.localdate()
    late, soon, calm = f.in_progress(w), f.dispatched(w), f.in_progress(w)
    Suggestion.objects.filter(pk=late.pk).update(title="村道塌方修复", due_date=today - datetime.timedelta(days=3))
    Suggestion.objects.filter(pk=soon.pk).update(title="卫生室漏雨", due_date=today)
    Suggestion.objects.filter(pk=calm.pk).update(title="文化广场照明", due_date=today + datetime.timedelta(days=60))
    staff = journey.person(phone=False)
    journey.login(staff, w.staff.username)
    staff.get_by_role("link", name="管理后台").first.click()
    staff.get_by_role("link", name="建议(群众点单)").first.click()
    expect(staff.locator("tr", has_text="村道塌方修复").get_by_test_id("light")).to_contain_text("红灯 · 已逾期")
    expect(staff.locator("tr", has_text="卫生室漏雨").get_by_test_id("light")).to_contain_text("黄灯 · 今日到期")
    expect(staff.locator("tr", has_text="文化广场照明").get_by_test_id("light")).to_have_count(0)
    journey.shot(staff, "admin-list")
    staff.get_by_role("link", name="红灯(已逾期)").click()
    expect(staff.locator("#result_list tbody tr")).to_have_count(1)
    journey.shot(staff, "admin-red-filter")
    staff.get_by_role("link", name=late.code).click()
    expect(staff.get_by_test_id("admin-light")).to_contain_text("红灯")
    staff.get_by_role("link", name="催办", exact=True).click()
    staff.get_by_label(re.compile("催办说明")).fill("请本周内答复。")
    staff.get_by_role("button", name="催办").click()
    expect(staff.get_by_text("已催办,当前环节的办理人已收到催办通知。")).to_be_visible()
    journey.shot(staff, "admin-chased")
    assert SuggestionEvent.objects.filter(suggestion=late, action=EventKind.CHASE).count() == 1
